import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { backends } from '../helpers/backends.ts'
import {
  allFindings, asFixture, expected, findingKey, loadFixture, UPDATE, waitForRun, writeFindings, writtenFindings,
  type Expected,
} from '../fixtures/checks/fixtures.ts'

const FOLDERS = ['overlap', 'encroachment', 'area', 'geometry'] as const

type Found = ReturnType<typeof asFixture>

/** Counts exact; each area within 0.1 % of the truth (or the fixture's own tolerance); shares within 0.001. */
function expectKnownAnswers(found: Found[], known: Expected[]): void {
  const keys = found.map(findingKey)
  expect(new Set(keys).size, 'one finding per key').toBe(keys.length)
  expect(keys.sort()).toEqual(known.map(findingKey).sort())
  for (const truth of known) {
    const finding = found.find((f) => findingKey(f) === findingKey(truth))!
    const tolerance = Math.max(0.001 * truth.area_m2, truth.tolerance_m2 ?? 0)
    expect(finding.severity, findingKey(truth)).toBe(truth.severity)
    expect(Math.abs(finding.area_m2 - truth.area_m2), `${findingKey(truth)}: ${finding.area_m2} m²`).toBeLessThanOrEqual(tolerance)
    expect(Math.abs(finding.ratio - truth.ratio), `${findingKey(truth)}: ratio ${finding.ratio}`).toBeLessThanOrEqual(0.001)
  }
}

describe.each(backends())('checks on the hand-made fixtures, %s database', (backend) => {
  let app: TestApp
  let admin: Client

  beforeAll(async () => {
    app = await startTestApp(backend)
    admin = await app.as('admin')
  })
  afterAll(async () => app?.close())

  async function runOn(folder: string, body: Record<string, unknown> = {}) {
    await loadFixture(app.db, folder)
    const reply = await admin.post('/api/checks', body)
    expect(reply.status, JSON.stringify(reply.body)).toBe(201)
    const run = await waitForRun(admin, reply.body.run_id)
    expect(run.status, run.error).toBe('done')
    return { run, findings: (await allFindings(admin, run.run_id)).map(asFixture) }
  }

  /** The pieces match out/findings.geojson to the millimetre its coordinates are rounded to. */
  async function expectWrittenPieces(folder: string, found: Found[]): Promise<void> {
    const written = writtenFindings(folder)
    expect(written.map((w) => findingKey(w.properties)).sort()).toEqual(found.map(findingKey).sort())
    for (const piece of written) {
      const finding = found.find((f) => findingKey(f) === findingKey(piece.properties))!
      const { rows } = await app.db.query<{ apart: number; allowed: number }>(
        `SELECT ST_Area(ST_SymDifference(f.geom, ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($2), 4549), 4490))::geography) AS apart,
                0.001 * ST_Perimeter(f.geom::geography) + 0.01 AS allowed
         FROM check_findings f WHERE f.id = $1`,
        [finding.id, JSON.stringify(piece.geometry)],
      )
      expect(rows[0]!.apart, findingKey(finding)).toBeLessThanOrEqual(rows[0]!.allowed)
    }
  }

  for (const folder of FOLDERS) {
    it(`finds exactly the known ${folder} findings, each piece's area within 0.1 % of its rectangles`, async () => {
      const { run, findings } = await runOn(folder)
      expectKnownAnswers(findings, expected(folder))
      if (UPDATE && backend === 'embedded') await writeFindings(app.db, folder, run.run_id)
      else await expectWrittenPieces(folder, findings)
    })
  }

  it('leaves out pieces below the smallest area and raises pieces above the given 亩 one step', async () => {
    const { run, findings } = await runOn('overlap', { params: { min_piece_m2: 3000, raise_above_mu: 10 } })
    expect(run.params).toMatchObject({ min_piece_m2: 3000, raise_above_mu: 10 })
    const severity = (parcel: string, zoneClass: string) =>
      findings.find((f) => f.parcel === parcel && f.zone_class === zoneClass)?.severity
    // 2500 m² pieces are under 3000 m²
    expect(findings.filter((f) => f.area_m2 < 3000)).toEqual([])
    expect(severity('OV-2', 'basic_farmland')).toBeUndefined()
    expect(severity('OV-3', 'ecological_redline')).toBeUndefined()
    // 10 亩 = 6666.7 m²: info becomes warning, conflict stays
    expect(severity('OV-4', 'urban_boundary')).toBe('warning')
    expect(severity('OV-1', 'agricultural')).toBe('warning')
    expect(severity('OV-1', 'basic_farmland')).toBe('conflict')
    expect(severity('OV-2', 'agricultural')).toBe('info')
  })

  it('grades overlaps by the rule table as an admin changes it, and records the rule in the finding', async () => {
    const rules = (await admin.get('/api/checks/rules')).body as Record<string, any>[]
    const urban = rules.find((r) => r.kind === 'overlap' && r.zone_class === 'urban_boundary' && r.category === null && r.intended_use === null)!
    const changed = await admin.patch(`/api/checks/rules/${urban.id}`, { severity: 'warning', basis_zh: '测试：城镇开发边界需报备', basis_en: 'test: report inside the urban boundary' })
    expect(changed.status, JSON.stringify(changed.body)).toBe(200)
    try {
      const { run } = await runOn('overlap')
      const reply = await admin.get(`/api/checks/${run.run_id}?code=zone_overlap`, { 'accept-language': 'en' })
      const ov4 = reply.body.findings.find((f: any) => f.parcel_code === 'OV-4' && f.zone_class === 'urban_boundary')
      expect(ov4).toMatchObject({ severity: 'warning', rule_id: urban.id })
      expect(ov4.message).toContain('test: report inside the urban boundary')
    } finally {
      await admin.patch(`/api/checks/rules/${urban.id}`, { severity: urban.severity, basis_zh: urban.basis_zh, basis_en: urban.basis_en })
    }
  })
})

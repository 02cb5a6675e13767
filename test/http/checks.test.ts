import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../../server/src/config.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { backends } from '../helpers/backends.ts'
import { TEST_USERS } from '../helpers/fixtures.ts'
import { allFindings, waitForRun } from '../fixtures/checks/fixtures.ts'

const EXPECTED = JSON.parse(readFileSync(path.join(ROOT, 'data-samples/expected.json'), 'utf8'))
const TIANHENG = TEST_USERS.editorTianheng.town
const HUANXIU = TEST_USERS.editorHuanxiu.town

/** Within 0.1 %, or 0.1 m² for the areas expected.json rounds to 0.1 m². */
function expectArea(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} m², expected ${expected}`).toBeLessThanOrEqual(Math.max(0.001 * expected, 0.1))
}

const count = (findings: Record<string, any>[], code: string) => findings.filter((f) => f.code === code).length

describe.each(backends())('checks of the sample district on the %s database', (backend) => {
  let app: TestApp
  let analyst: Client
  let run: Record<string, any>
  let findings: Record<string, any>[]
  const progress: Record<string, any>[] = []

  beforeAll(async () => {
    app = await startTestApp(backend)
    analyst = await app.as('analyst')
    // Every piece, however small, so the counts match expected.json's list of all touches.
    const started = await analyst.post('/api/checks', { params: { min_piece_m2: 0 } })
    expect(started.status, JSON.stringify(started.body)).toBe(201)
    expect(started.body).toMatchObject({ status: 'queued', summary: { findings: 0 } })
    for (;;) {
      const reply = await analyst.get(`/api/checks/${started.body.run_id}?limit=0`)
      progress.push(reply.body)
      if (reply.body.status === 'done' || reply.body.status === 'failed') break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    run = progress.at(-1)!
    findings = await allFindings(analyst, started.body.run_id)
  })
  afterAll(async () => app?.close())

  it('runs the district in the background and reports its progress as it goes', () => {
    expect(run.status, run.error).toBe('done')
    expect(progress.some((p) => p.status === 'running'), progress.map((p) => `${p.status}:${p.step}:${p.progress.parcels_done}`).join(' ')).toBe(true)
    const done = progress.map((p) => p.progress.parcels_done)
    expect(done).toEqual([...done].sort((a, b) => a - b))
    expect(run.progress).toMatchObject({ parcels_total: 5000, parcels_done: 5000, occupations_total: 600, occupations_done: 600 })
    expect(run.summary.findings).toBe(findings.length)
  })

  it('records its parameters, the version of each planning layer, the code version and its duration', () => {
    expect(run.params).toMatchObject({ min_piece_m2: 0, area_tolerance: 0.01, area_floor_mu: 0.01, road_control_m: { national: 20, township: 5 } })
    const layers = run.layers as { name: string; version: number; kind: string }[]
    expect(layers.map((l) => l.name)).toEqual(expect.arrayContaining(['永久基本农田', '生态保护红线', '城镇开发边界', '河道管理范围', '海域', '公路']))
    expect(layers.find((l) => l.kind === 'road_control')).toMatchObject({ version: 1 })
    expect(run.code_version).toMatch(/^0\.1\.0\+sql\.[0-9a-f]{10}$/)
    expect(run.duration_ms).toBeGreaterThan(0)
    expect(Object.keys(run.timings)).toEqual(expect.arrayContaining(['prepare', 'overlap_local', 'overlap_across', 'parcels', 'occupations']))
  })

  it('finds each pair of parcels claiming the same ground, from both sides, with the shared area', () => {
    const pairs = EXPECTED.overlapping_parcel_pairs as { a: string; b: string; overlap_m2: number }[]
    expect(count(findings, 'parcel_overlap')).toBe(2 * pairs.length)
    for (const { a, b, overlap_m2 } of pairs) {
      for (const [one, other] of [[a, b], [b, a]]) {
        const found = findings.find((f) => f.code === 'parcel_overlap' && f.parcel_code === one && f.other_parcel_code === other)!
        expect(found, `${one} × ${other}`).toBeDefined()
        expectArea(found.area_m2, overlap_m2, `${one} × ${other}`)
        expect(found.area_mu).toBeCloseTo((found.area_m2 * 15) / 10000, 3)
        expect(found.geometry.type).toBe('MultiPolygon')
      }
    }
  })

  it('finds the parcels reaching outside their village, and no other geometry problem', () => {
    const straddling = EXPECTED.parcels_straddling_village_boundary as { code: string; outside_m2: number }[]
    const geometry = findings.filter((f) => f.kind === 'geometry')
    expect(geometry.map((f) => `${f.code} ${f.parcel_code}`).sort()).toEqual(straddling.map((s) => `outside_village ${s.code}`).sort())
    for (const s of straddling) expectArea(geometry.find((f) => f.parcel_code === s.code)!.area_m2, s.outside_m2, s.code)
  })

  it('flags exactly the declared areas more than 1 % (and 0.01 亩) off the measured ones', () => {
    const off = EXPECTED.declared_area_off as { code: string; difference_ratio: number }[]
    const flagged = findings.filter((f) => f.code === 'area_mismatch')
    expect(flagged.map((f) => f.parcel_code).sort()).toEqual(off.map((o) => o.code).sort())
    for (const o of off) {
      expect(flagged.find((f) => f.parcel_code === o.code)!.ratio).toBeCloseTo(o.difference_ratio, 3)
    }
  })

  it('finds the planted overlaps with basic farmland and the red line, grades them by rule, and no others', () => {
    const planted = EXPECTED.parcels_in_protected_zones as { code: string; zone_class: string; overlap_m2: number; intended_use: string }[]
    const protectedClasses = ['basic_farmland', 'ecological_redline']
    const found = findings.filter((f) => f.code === 'zone_overlap' && protectedClasses.includes(f.zone_class))
    const key = (code: string, zoneClass: string) => `${code} ${zoneClass}`
    expect([...new Set(found.map((f) => key(f.parcel_code, f.zone_class)))].sort()).toEqual(
      [...new Set(planted.map((p) => key(p.code, p.zone_class)))].sort(),
    )
    for (const f of found) {
      const zones = planted.filter((p) => p.code === f.parcel_code && p.zone_class === f.zone_class)
      // overlapping zones of one class count once: at least the largest, at most their sum
      const largest = Math.max(...zones.map((z) => z.overlap_m2))
      const sum = zones.reduce((s, z) => s + z.overlap_m2, 0)
      expect(f.area_m2, key(f.parcel_code, f.zone_class)).toBeGreaterThanOrEqual(largest * 0.999 - 0.1)
      expect(f.area_m2, key(f.parcel_code, f.zone_class)).toBeLessThanOrEqual(sum * 1.001 + 0.1)
      if (zones.length === 1) expectArea(f.area_m2, largest, key(f.parcel_code, f.zone_class))
      const use = zones[0]!.intended_use
      const construction = ['residential', 'industrial', 'commercial', 'public', 'tourism'].includes(use)
      if (construction) expect(f.severity, `${key(f.parcel_code, f.zone_class)} (${use})`).toBe('conflict')
      if (use === 'agriculture' && f.zone_class === 'basic_farmland') expect(f.severity).toBe('info')
    }
  })

  it('finds every occupation intruding into a parcel, a road building-control zone or a river area', () => {
    const planted = EXPECTED.occupation_intrusions as { code: string; into: string; target: string; area_m2?: number }[]
    for (const into of ['parcel', 'road_control', 'river_area']) {
      const want = planted.filter((p) => p.into === into)
      const got = findings.filter((f) => f.code === `occupation_in_${into}`)
      const target = (f: Record<string, any>) => (into === 'parcel' ? f.parcel_code : f.zone_code)
      expect(got.map((f) => `${f.occupation_code} ${target(f)}`).sort(), into).toEqual(want.map((w) => `${w.code} ${w.target}`).sort())
      for (const w of want.filter((w) => w.area_m2 !== undefined)) {
        expectArea(got.find((f) => f.occupation_code === w.code && target(f) === w.target)!.area_m2, w.area_m2!, `${w.code} → ${w.target}`)
      }
    }
  })

  it('lists a run’s findings page by page, filtered by kind and severity, with messages in the asked language', async () => {
    const page = await analyst.get(`/api/checks/${run.run_id}?kind=encroachment&severity=conflict&limit=5&offset=5`, { 'accept-language': 'en' })
    expect(page.status).toBe(200)
    expect(page.body.findings).toHaveLength(5)
    expect(page.body.findings_total).toBe(findings.filter((f) => f.kind === 'encroachment' && f.severity === 'conflict').length)
    expect(page.body.findings.every((f: any) => f.kind === 'encroachment' && f.severity === 'conflict')).toBe(true)
    expect(page.body.findings[0].message).toMatch(/^(Occupation|Parcel) /)
    const zh = await analyst.get(`/api/checks/${run.run_id}?code=area_mismatch&limit=1&geometry=0`)
    expect(zh.body.findings[0].message).toMatch(/^地块 .+ 申报面积 .+ 亩，实测/)
    expect(zh.body.findings[0]).not.toHaveProperty('geometry')
  })

  it('sums the findings per town, village, kind and severity', async () => {
    const byTown = await analyst.get(`/api/checks/${run.run_id}/summary?by=town`)
    expect(byTown.status).toBe(200)
    const rows = byTown.body.rows as { town: string; town_name: string; kind: string; severity: string; findings: number; area_mu: number }[]
    expect(rows.reduce((s, r) => s + r.findings, 0)).toBe(findings.length)
    expect(rows.find((r) => r.town === TIANHENG)?.town_name).toBe('田横镇')
    const byVillage = await analyst.get(`/api/checks/${run.run_id}/summary?town=${TIANHENG}`)
    const villageRows = byVillage.body.rows as { town: string; village: string; findings: number }[]
    expect(villageRows.every((r) => r.town === TIANHENG && r.village !== undefined)).toBe(true)
    expect(villageRows.reduce((s, r) => s + r.findings, 0)).toBe(findings.filter((f) => f.town === TIANHENG).length)
  })

  it('checks listed parcels at once and answers with the finished run', async () => {
    const { a, b } = (EXPECTED.overlapping_parcel_pairs as { a: string; b: string }[])[0]!
    const { rows } = await app.db.query<{ id: number; code: string }>('SELECT id, code FROM parcels WHERE code = ANY ($1)', [[a, b]])
    const reply = await analyst.post('/api/checks', { parcel_ids: rows.map((r) => r.id), kinds: ['encroachment'] })
    expect(reply.status).toBe(201)
    expect(reply.body).toMatchObject({ status: 'done', summary: { counts: { encroachment: { conflict: 2 } } } })
  })

  it('lets a town editor check its own town only', async () => {
    const editor = await app.as('editorTianheng')
    const own = await editor.post('/api/checks', { kinds: ['area'] })
    expect(own.status).toBe(201)
    const done = await waitForRun(editor, own.body.run_id)
    expect(done).toMatchObject({ status: 'done', scope: { type: 'town', town: TIANHENG } })
    const other = await editor.post('/api/checks', { town: HUANXIU })
    expect(other.status).toBe(403)
    expect(other.body.error.code).toBe('town_out_of_scope')
    const foreignParcel = await app.db.query<{ id: number }>('SELECT id FROM parcels WHERE town = $1 LIMIT 1', [HUANXIU])
    expect((await editor.post('/api/checks', { parcel_ids: [foreignParcel.rows[0]!.id] })).status).toBe(403)
    // the district run's findings, seen from 田横镇: its own only
    const seen = await editor.get(`/api/checks/${run.run_id}?limit=10000&geometry=0`)
    expect(seen.body.findings.length).toBeGreaterThan(0)
    expect(seen.body.findings.every((f: any) => f.town === TIANHENG)).toBe(true)
    const viewer = await app.as('viewer')
    expect((await viewer.post('/api/checks', {})).status).toBe(403)
  })

  it('lists a village’s run and a run of own parcels to their town’s editor, and to no other town’s', async () => {
    const editor = await app.as('editorTianheng')
    const stranger = await app.as('editorHuanxiu')
    const village = await app.db.query<{ code: string }>('SELECT code FROM villages WHERE town = $1 ORDER BY code LIMIT 1', [TIANHENG])
    const parcel = await app.db.query<{ id: number }>('SELECT id FROM parcels WHERE town = $1 AND deleted_at IS NULL LIMIT 1', [TIANHENG])
    const byVillage = await editor.post('/api/checks', { village: village.rows[0]!.code, kinds: ['area'] })
    const byParcel = await editor.post('/api/checks', { parcel_ids: [parcel.rows[0]!.id], kinds: ['area'] })
    expect([byVillage.status, byParcel.status]).toEqual([201, 201])
    expect(byVillage.body.run.scope).toMatchObject({ type: 'village', town: TIANHENG })
    const listed = (await editor.get('/api/checks')).body.runs.map((r: any) => r.run_id)
    expect(listed).toEqual(expect.arrayContaining([byVillage.body.run_id, byParcel.body.run_id]))
    const elsewhere = (await stranger.get('/api/checks')).body.runs.map((r: any) => r.run_id)
    expect(elsewhere).not.toContain(byVillage.body.run_id)
    expect(elsewhere).not.toContain(byParcel.body.run_id)
    const peek = await stranger.get(`/api/checks/${byVillage.body.run_id}`)
    expect([peek.status, peek.body.error?.code]).toEqual([403, 'town_out_of_scope'])
  })

  it('refuses a malformed request with the field and the reason', async () => {
    const cases: [unknown, string][] = [
      [{ kinds: ['overlap', 'nonsense'] }, 'kinds'],
      [{ town: TIANHENG, village: '370215101001' }, 'town, village'],
      [{ parcel_ids: [0] }, 'parcel_ids'],
      [{ params: { area_tolerance: 2 } }, 'params.area_tolerance'],
      [{ params: { road_control_m: { highway: 10 } } }, 'params.road_control_m.highway'],
      [{ scope: 'district' }, 'scope'],
    ]
    for (const [body, field] of cases) {
      const reply = await analyst.post('/api/checks', body)
      expect(reply.status, JSON.stringify(body)).toBe(422)
      expect(reply.body.error.code).toBe('invalid_check')
      expect(reply.body.error.message).toContain(field)
    }
    expect((await analyst.get('/api/checks/999999')).status).toBe(404)
  })

  it('lets admins edit the rule table and the default parameters, and nobody else', async () => {
    const admin = await app.as('admin')
    const rule = { kind: 'overlap', zone_class: 'sea_area', category: 'intensive_use', intended_use: 'ecology', severity: 'info', basis_zh: '海岸生态修复', basis_en: 'coastal restoration' }
    expect((await analyst.post('/api/checks/rules', rule)).status).toBe(403)
    const created = await admin.post('/api/checks/rules', rule)
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ ...rule, updated_by: 'admin' })
    const again = await admin.post('/api/checks/rules', rule)
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('duplicate_check_rule')
    expect((await admin.delete(`/api/checks/rules/${created.body.id}`)).status).toBe(204)

    expect((await analyst.patch('/api/checks/settings', { area_tolerance: 0.02 })).status).toBe(403)
    const settings = await admin.patch('/api/checks/settings', { area_tolerance: 0.02 })
    expect(settings.body).toMatchObject({ area_tolerance: 0.02, area_floor_mu: 0.01 })
    try {
      const parcel = await app.db.query<{ id: number }>('SELECT id FROM parcels LIMIT 1')
      const small = await analyst.post('/api/checks', { parcel_ids: [parcel.rows[0]!.id], kinds: ['area'] })
      expect(small.body.run.params.area_tolerance).toBe(0.02)
    } finally {
      await admin.patch('/api/checks/settings', { area_tolerance: 0.01 })
    }
  })
})

describe.each(backends())('re-checking a saved parcel on the %s database', (backend) => {
  let app: TestApp
  let editor: Client

  beforeAll(async () => {
    app = await startTestApp(backend)
    editor = await app.as('editorTianheng')
  })
  afterAll(async () => app?.close())

  /** A parcel of 田横镇 and a piece of basic farmland inside its village. */
  async function parcelNearFarmland() {
    const { rows } = await app.db.query<{ id: number; version: number; farmland: string }>(
      `SELECT p.id, p.version, ST_AsGeoJSON(ST_Multi(ST_Intersection(z.geom, ST_Buffer(ST_PointOnSurface(z.geom), 0.0003))), 9) AS farmland
       FROM parcels p JOIN villages v ON v.code = p.village
       JOIN zones z ON z.class = 'basic_farmland' AND ST_Covers(v.geom, ST_Buffer(ST_PointOnSurface(z.geom), 0.0003))
       WHERE p.town = $1 AND p.intended_use = 'industrial'
       ORDER BY p.id LIMIT 1`,
      [TIANHENG],
    )
    return rows[0]!
  }

  it('finds at once that a parcel redrawn onto basic farmland is in conflict, and says so in its latest findings', async () => {
    const parcel = await parcelNearFarmland()
    const before = await editor.get(`/api/parcels/${parcel.id}/findings`)
    expect(before.status).toBe(200)
    const saved = await editor.patch(`/api/parcels/${parcel.id}`, { geometry: JSON.parse(parcel.farmland) }, { 'if-match': `"${parcel.version}"` })
    expect(saved.status, JSON.stringify(saved.body)).toBe(200)
    const after = await editor.get(`/api/parcels/${parcel.id}/findings`)
    expect(after.body.checked).toEqual(['overlap', 'encroachment', 'area', 'geometry'])
    const overlap = after.body.findings.find((f: any) => f.code === 'zone_overlap' && f.zone_class === 'basic_farmland')
    expect(overlap).toMatchObject({ severity: 'conflict', ratio: 1, parcel_version: parcel.version + 1 })
    expect(overlap.geometry.type).toBe('MultiPolygon')
    // the declared area no longer matches the new outline
    expect(after.body.findings.some((f: any) => f.code === 'area_mismatch')).toBe(true)
  })

  it('saves the parcel even when its re-check fails, and keeps the previous findings', async () => {
    const parcel = await parcelNearFarmland()
    const previous = await editor.get(`/api/parcels/${parcel.id}/findings`)
    await app.db.exec('ALTER TABLE check_pairs RENAME TO check_pairs_away')
    try {
      const saved = await editor.patch(`/api/parcels/${parcel.id}`, { properties: { name: '复查失败仍保存' } }, { 'if-match': `"${parcel.version}"` })
      expect(saved.status).toBe(200)
      expect(saved.body.properties.name).toBe('复查失败仍保存')
    } finally {
      await app.db.exec('ALTER TABLE check_pairs_away RENAME TO check_pairs')
    }
    const failed = await app.db.query<{ status: string; error: string }>(`SELECT status, error FROM check_runs ORDER BY id DESC LIMIT 1`)
    expect(failed.rows[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('check_pairs') })
    expect((await editor.get(`/api/parcels/${parcel.id}/findings`)).body).toEqual(previous.body)
  })
})

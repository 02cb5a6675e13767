import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.ts'
import { backends } from '../helpers/backends.ts'
import { allFindings, waitForRun } from '../fixtures/checks/fixtures.ts'

/** A finding as both databases must agree on it, area aside. */
const key = (f: Record<string, any>) =>
  [f.code, f.severity, f.parcel_code, f.other_parcel_code, f.occupation_code, f.zone_code, f.zone_class, f.rule_id].join('|')

describe.skipIf(backends().length < 2)('checks of the sample district on both databases', () => {
  const apps: TestApp[] = []
  const found: Record<string, Record<string, any>[]> = {}

  beforeAll(async () => {
    for (const backend of backends()) {
      const app = await startTestApp(backend)
      apps.push(app)
      const analyst = await app.as('analyst')
      const started = await analyst.post('/api/checks', { params: { min_piece_m2: 0 } })
      const run = await waitForRun(analyst, started.body.run_id)
      expect(run.status, run.error).toBe('done')
      found[backend] = await allFindings(analyst, run.run_id)
    }
  })
  afterAll(async () => {
    for (const app of apps) await app.close()
  })

  it('gives the same findings on the embedded database and on the PostGIS server, areas within 0.01 m²', () => {
    const embedded = found.embedded!
    const server = new Map(found.postgres!.map((f) => [key(f), f]))
    expect(embedded.map(key).sort()).toEqual([...server.keys()].sort())
    let worst = 0
    for (const f of embedded) {
      const other = server.get(key(f))!
      worst = Math.max(worst, Math.abs(f.area_m2 - other.area_m2))
      expect(Math.abs(f.area_m2 - other.area_m2), key(f)).toBeLessThanOrEqual(0.01)
    }
    console.log(`${embedded.length} findings alike on both databases; largest area difference ${worst.toFixed(3)} m²`)
  })
})

import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../../server/src/config.ts'
import { openEmbedded } from '../../server/src/db/embedded.ts'
import { openServer } from '../../server/src/db/server.ts'
import { backends } from '../helpers/backends.ts'
import { embeddedDataDir, serverDatabase } from '../helpers/process.ts'

const SAMPLE = path.join(ROOT, 'data-samples/parcels-gbk.zip')

describe.each(backends())('npm run import on the %s database', (backend) => {
  let store: { dir?: string; url?: string; drop(): Promise<void> }
  let work: string

  beforeAll(async () => {
    store = backend === 'embedded' ? await embeddedDataDir() : await serverDatabase()
    work = await mkdtemp(path.join(os.tmpdir(), 'jiyuan-import-cli-'))
  })
  afterAll(async () => {
    await store?.drop()
    if (work) await rm(work, { recursive: true, force: true })
  })

  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/import.ts'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: store.url ?? '', JIYUAN_DATA_DIR: store.dir ?? '', LOG_LEVEL: 'warn' },
      timeout: 120_000,
    })

  async function parcels(): Promise<number> {
    const db = store.dir ? await openEmbedded({ dataDir: store.dir }) : await openServer(store.url!)
    try {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcels')
      return rows[0]!.n
    } finally {
      await db.close()
    }
  }

  it('reads the sample GBK Shapefile on a dry run, prints the report and stores nothing', async () => {
    const before = await parcels()
    const result = run([SAMPLE, '--dry-run'])
    expect(result.status, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report).toMatchObject({ status: 'dry_run', rejected: [], detected: { format: 'shapefile', srid: 4549, crs_source: 'prj' } })
    expect(report.feature_count).toBeGreaterThan(100)
    expect(await parcels()).toBe(before)
  })

  it('exits 1 with the per-feature report when a feature is refused, and stores nothing', async () => {
    const file = path.join(work, '新地块.geojson')
    writeFileSync(file, JSON.stringify({
      type: 'FeatureCollection',
      features: [{
        type: 'Feature',
        properties: { 地块编码: 'T-CLI-1', 镇街: '田横镇', 地类: '耕地' },
        geometry: { type: 'Polygon', coordinates: [[[120.6, 36.4], [120.601, 36.4], [120.601, 36.401], [120.6, 36.4]]] },
      }],
    }))
    const before = await parcels()
    const result = run([file])
    expect(result.status).toBe(1)
    const report = JSON.parse(result.stdout)
    expect(report.rejected.map((r: { code: string }) => r.code)).toEqual(['unknown_category'])
    expect(await parcels()).toBe(before)
  })

  it('refuses arguments it cannot use with exit code 2 and says which', () => {
    for (const [flag, value] of [['--srid', 'abc'], ['--mode', 'sometimes'], ['--mapping', '{地块编码']]) {
      const result = run([SAMPLE, flag!, value!])
      expect(result.status, flag).toBe(2)
      expect(result.stderr, flag).toMatch(new RegExp(`^invalid_parameter: .*${flag!.slice(2)}`))
    }
    expect(run([]).status).toBe(2)
  })
})

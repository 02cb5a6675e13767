import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.ts'
import { backends } from '../helpers/backends.ts'

const HUANXIU = '370215001'

/** GDAL's version as [major, minor], or null when gdal-bin is missing (then skip, except in CI). */
const GDAL_VERSION = (() => {
  const run = spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' })
  const match = /GDAL (\d+)\.(\d+)/.exec(run.stdout ?? '')
  return run.status === 0 && match ? [Number(match[1]), Number(match[2])] : null
})()
if (!GDAL_VERSION) {
  if (process.env.CI === 'true') throw new Error('CI=true but ogrinfo (Debian gdal-bin) is missing: the OGC API must be read with GDAL')
  console.warn('ogrinfo (Debian gdal-bin) is not installed: the GDAL checks of the OGC API are skipped')
}
const withGdal = GDAL_VERSION ? it : it.skip
// GDAL 3.7 added Part 2 to the OAPIF driver; 3.6 (Debian 12) reads everything as CRS84.
const GDAL_READS_STORAGE_CRS = GDAL_VERSION !== null && (GDAL_VERSION[0]! > 3 || GDAL_VERSION[1]! >= 7)

/**
 * Runs a GDAL program with the bearer token in GDAL_HTTP_HEADERS (GDAL ≥ 3.6).
 * Asynchronously: the server under test answers from this same process.
 */
function gdal(program: string, token: string | null, ...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const env = { ...process.env, ...(token ? { GDAL_HTTP_HEADERS: `Authorization: Bearer ${token}` } : {}) }
  return new Promise((resolve) => {
    execFile(program, args, { encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ status, stdout, stderr })
    })
  })
}

/** Feature id → attribute text, from `ogrinfo -al` output. */
function ogrFeatures(output: string): Map<number, Record<string, string>> {
  const features = new Map<number, Record<string, string>>()
  let current: Record<string, string> | undefined
  for (const line of output.split('\n')) {
    if (/^OGRFeature\(/.test(line)) current = {}
    const field = /^ {2}(\S+) \([\w()]+\) = (.*)$/.exec(line)
    if (field && current) {
      current[field[1]!] = field[2]!
      if (field[1] === 'id') features.set(Number(field[2]), current)
    }
    const wkt = /^ {2}(MULTI)?POLYGON \(/.exec(line)
    if (wkt && current) current.wkt = line.trim()
  }
  return features
}

describe.each(backends())('GDAL reads the OGC API on the %s database', (backend) => {
  let app: TestApp
  let adminToken: string
  let editorToken: string
  let dir: string

  beforeAll(async () => {
    app = await startTestApp(backend)
    adminToken = (await (await app.as('admin')).post('/api/tokens', { name: 'gdal' })).body.token
    editorToken = (await (await app.as('editorHuanxiu')).post('/api/tokens', { name: 'gdal' })).body.token
    dir = mkdtempSync(path.join(os.tmpdir(), 'jiyuan-ogc-gdal-'))
  })
  afterAll(async () => {
    await app?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  withGdal('lists every collection with its title', async () => {
    const run = await gdal('ogrinfo', adminToken, '-ro', `OAPIF:${app.url}/ogc`)
    expect(run.status, run.stderr).toBe(0)
    const listed = [...run.stdout.matchAll(/^\d+: (\S+) \(title: (.+?)\)/gm)].map((m) => [m[1], m[2]])
    const { rows } = await app.db.query<{ id: number; name: string }>(
      'SELECT id, name FROM planning_layers WHERE deleted_at IS NULL ORDER BY id',
    )
    expect(listed).toEqual([
      ['parcels', '地块 Parcels'],
      ...rows.map((r) => [`layer-${r.id}`, r.name]),
      ['occupations', '占用 Occupations'],
      ['findings', '检查结果 Findings'],
    ])
  })

  withGdal('is refused without the bearer token', async () => {
    const run = await gdal('ogrinfo', null, '-ro', '-so', `OAPIF:${app.url}/ogc`, 'parcels')
    expect(run.status).not.toBe(0)
  })

  withGdal('reads every parcel once, with its CRS, Chinese attributes and coordinates intact', async () => {
    const run = await gdal('ogrinfo', adminToken, '-ro', '-al', '-oo', 'PAGE_SIZE=1000', `OAPIF:${app.url}/ogc`, 'parcels')
    expect(run.status, run.stderr).toBe(0)
    const features = ogrFeatures(run.stdout)
    const { rows } = await app.db.query<{ id: number; name: string; ownership: string | null; wkt: string }>(
      `SELECT id, name, ownership, ST_AsText(geom, 7) AS wkt FROM parcels WHERE deleted_at IS NULL ORDER BY id`,
    )
    expect((run.stdout.match(/^OGRFeature\(parcels\):/gm) ?? []).length).toBe(rows.length)
    expect(features.size).toBe(rows.length)
    for (const row of rows) {
      const got = features.get(row.id)
      expect(got?.name, `parcel ${row.id}`).toBe(row.name)
      if (row.ownership) expect(got?.ownership).toBe(row.ownership)
    }
    expect(rows.filter((r) => /[\u4e00-\u9fff]/.test(r.name)).length).toBeGreaterThan(rows.length / 2)
    // coordinates: GDAL prints lon/lat (GIS order) with up to 15 digits; compare numerically
    const numbers = (wkt: string) => (wkt.match(/-?\d+\.?\d*/g) ?? []).map(Number)
    for (const row of rows.slice(0, 50)) {
      const got = numbers(features.get(row.id)!.wkt!)
      const want = numbers(row.wkt)
      expect(got.length).toBe(want.length)
      got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-7))
    }
    const srs = run.stdout.slice(0, run.stdout.indexOf('OGRFeature('))
    if (GDAL_READS_STORAGE_CRS) expect(srs).toMatch(/ID\["EPSG",4490\]/)
    else expect(srs).toMatch(/GEOGCRS\["WGS 84"[\s\S]*Data axis to CRS axis mapping: 2,1/)
  })

  withGdal('forwards a spatial filter and applies an attribute filter with the database’s answer', async () => {
    const box = ['120.45', '36.38', '120.5', '36.42']
    const run = await gdal('ogrinfo', adminToken, '-ro', '-al', '-q', '-oo', 'PAGE_SIZE=1000', '-spat', ...box,
      '-where', "category = 'idle_industrial'", `OAPIF:${app.url}/ogc`, 'parcels')
    expect(run.status, run.stderr).toBe(0)
    const { rows } = await app.db.query<{ id: number }>(
      `SELECT id FROM parcels WHERE deleted_at IS NULL AND category = 'idle_industrial'
         AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4490)) ORDER BY id`,
      box.map(Number),
    )
    expect(rows.length).toBeGreaterThan(0)
    expect([...ogrFeatures(run.stdout).keys()].sort((a, b) => a - b)).toEqual(rows.map((r) => r.id))
  })

  withGdal('reads a town editor’s own town only', async () => {
    const run = await gdal('ogrinfo', editorToken, '-ro', '-so', '-oo', 'PAGE_SIZE=1000', `OAPIF:${app.url}/ogc`, 'parcels')
    expect(run.status, run.stderr).toBe(0)
    const { rows } = await app.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM parcels WHERE deleted_at IS NULL AND town = $1',
      [HUANXIU],
    )
    expect(rows[0]!.n).toBeGreaterThan(0)
    expect(run.stdout).toContain(`Feature Count: ${rows[0]!.n}\n`)
  })

  withGdal('copies parcels and a planning layer into a GeoPackage and back out unchanged', async () => {
    const gpkg = path.join(dir, 'jimo.gpkg')
    for (const layer of ['parcels', 'layer-1']) {
      const copy = await gdal('ogr2ogr', adminToken, '-f', 'GPKG', ...(layer === 'parcels' ? [] : ['-update']), gpkg,
        '-oo', 'PAGE_SIZE=1000', `OAPIF:${app.url}/ogc`, layer)
      expect(copy.status, copy.stderr).toBe(0)
    }
    const back = path.join(dir, 'parcels.geojson')
    const out = await gdal('ogr2ogr', null, '-f', 'GeoJSON', '-lco', 'COORDINATE_PRECISION=9', back, gpkg, 'parcels')
    expect(out.status, out.stderr).toBe(0)
    const copied = JSON.parse(readFileSync(back, 'utf8')) as { features: any[] }
    const { rows } = await app.db.query<{ id: number; code: string; name: string; category: string; geometry: string }>(
      `SELECT id, code, name, category, ST_AsGeoJSON(geom, 9, 0) AS geometry FROM parcels WHERE deleted_at IS NULL ORDER BY id`,
    )
    expect(copied.features.length).toBe(rows.length)
    const byId = new Map(copied.features.map((f) => [f.properties.id as number, f]))
    for (const row of rows) {
      const f = byId.get(row.id)
      expect(f?.properties, `parcel ${row.id}`).toMatchObject({ code: row.code, name: row.name, category: row.category })
      const want = JSON.parse(row.geometry).coordinates.flat(3) as number[]
      const got = (f.geometry.coordinates as number[][][][]).flat(3)
      expect(got.length).toBe(want.length)
      got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-9))
    }
    const zones = await gdal('ogrinfo', null, '-ro', '-so', gpkg, 'layer-1')
    const { rows: count } = await app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM zones z JOIN planning_layers l ON l.id = z.layer_id AND l.version = z.layer_version WHERE l.id = 1`,
    )
    expect(zones.stdout).toContain(`Feature Count: ${count[0]!.n}\n`)
  })
})

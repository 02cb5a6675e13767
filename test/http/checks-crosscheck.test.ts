/**
 * The engine's overlaps on the whole sample district against an independent
 * implementation: GEOS through GDAL's SQLite dialect (Spatialite), areas
 * measured in Gauss-Krüger metres through PROJ (EPSG:4549: 25–50 ppm above the
 * ellipsoidal areas here; Spatialite's own ellipsoidal ST_Area(geom, 1) is off
 * by 0.2 % on thin slivers). Every piece one finds, the other finds, with
 * areas within 0.1 %.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/src/db/db.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { backends } from '../helpers/backends.ts'
import { allFindings, waitForRun } from '../fixtures/checks/fixtures.ts'

// Pieces below this are numerical dust along shared edges; one side may keep what the other drops.
// It is also the tolerance for small pieces: the API rounds areas to 0.01 m².
const DUST_M2 = 0.01
// The largest relative difference is reported for pieces from this size up.
const SIZEABLE_M2 = 10

interface Piece {
  key: string
  m2: number
}

/** Writes a table of the database as GeoJSON (EPSG:4490) for ogr2ogr. */
async function exportLayer(db: Db, dir: string, name: string, query: string): Promise<string> {
  const { rows } = await db.query<{ feature: string }>(
    `SELECT json_build_object('type', 'Feature', 'properties', to_jsonb(t) - 'geom', 'geometry', ST_AsGeoJSON(t.geom, 12)::json)::text AS feature
     FROM (${query}) t`,
  )
  const file = path.join(dir, `${name}.geojson`)
  writeFileSync(file, `{"type":"FeatureCollection","features":[${rows.map((r) => r.feature).join(',')}]}`)
  return file
}

/** Runs Spatialite SQL through ogr2ogr and parses its CSV answer. */
function spatialite(database: string, query: string): Record<string, string>[] {
  const csv = execFileSync('ogr2ogr', ['-f', 'CSV', '/vsistdout/', database, '-dialect', 'SQLite', '-sql', query], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  const [header, ...lines] = csv.trim().split(/\r?\n/)
  const names = header!.split(',')
  return lines.filter(Boolean).map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i], v.replace(/^"|"$/g, '')])))
}

const index = (table: string, frame: string) =>
  `ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = '${table}' AND search_frame = ${frame})`

const QUERIES = {
  // per parcel and zone class of a layer: the parcel ∩ the union of that class's zones it meets
  overlap: `
    SELECT 'zone_overlap|' || p.code || '|' || z.layer_id || '|' || z.class AS key,
           ST_Area(ST_Transform(ST_Intersection(p.geometry, ST_Union(z.geometry)), 4549)) AS m2
    FROM parcels p JOIN zones z ON z.${index('zones', 'p.geometry')}
    WHERE ST_Intersects(p.geometry, z.geometry)
    GROUP BY p.code, z.layer_id, z.class`,
  // parcels sharing an area with another parcel, from both sides
  pairs: `
    SELECT 'pair|' || a.code || '|' || b.code AS key, ST_Area(ST_Transform(ST_Intersection(a.geometry, b.geometry), 4549)) AS m2
    FROM parcels a JOIN parcels b ON b.${index('parcels', 'a.geometry')} AND b.code <> a.code
    WHERE ST_Relate(a.geometry, b.geometry, '2********')`,
  // occupations × parcels
  occupationParcels: `
    SELECT 'occupation_in_parcel|' || o.code || '|' || p.code AS key, ST_Area(ST_Transform(ST_Intersection(o.geometry, p.geometry), 4549)) AS m2
    FROM occupations o JOIN parcels p ON p.${index('parcels', 'o.geometry')}
    WHERE ST_Intersects(o.geometry, p.geometry)`,
  // occupations × road building-control zones and river management areas, zone by zone
  occupationZones: `
    SELECT 'occupation_in_' || z.class || '|' || o.code || '|' || z.zone_id AS key,
           ST_Area(ST_Transform(ST_Intersection(o.geometry, z.geometry), 4549)) AS m2
    FROM occupations o JOIN zones z ON z.${index('zones', 'o.geometry')}
    WHERE z.class IN ('road_control', 'river_area') AND ST_Intersects(o.geometry, z.geometry)`,
}

function engineKey(f: Record<string, any>): string {
  switch (f.code) {
    case 'zone_overlap':
      return `zone_overlap|${f.parcel_code}|${f.layer_id}|${f.zone_class}`
    case 'parcel_overlap':
    case 'duplicate':
    case 'sliver':
      return `pair|${f.parcel_code}|${f.other_parcel_code}`
    case 'occupation_in_parcel':
      return `occupation_in_parcel|${f.occupation_code}|${f.parcel_code}`
    default:
      return `${f.code}|${f.occupation_code}|${f.zone_id}`
  }
}

/**
 * Both sides hold the same pieces above the dust, areas within 0.1 % (or the
 * dust, for small pieces); returns the largest relative difference of sizeable pieces.
 */
function compare(engine: Piece[], gdal: Piece[]): { matched: number; worst: number } {
  const ours = new Map(engine.map((p) => [p.key, p.m2]))
  const theirs = new Map(gdal.map((p) => [p.key, p.m2]))
  const missing = [...theirs].filter(([key, m2]) => m2 >= DUST_M2 && !ours.has(key))
  const extra = [...ours].filter(([key, m2]) => m2 >= DUST_M2 && !theirs.has(key))
  expect(missing, 'found by GDAL, not by the engine').toEqual([])
  expect(extra, 'found by the engine, not by GDAL').toEqual([])
  let worst = 0
  let matched = 0
  for (const [key, m2] of ours) {
    const other = theirs.get(key)
    if (other === undefined || Math.max(m2, other) < DUST_M2) continue
    matched++
    expect(Math.abs(m2 - other), `${key}: engine ${m2} m², GDAL ${other} m²`).toBeLessThanOrEqual(Math.max(0.001 * other, DUST_M2))
    if (other >= SIZEABLE_M2) worst = Math.max(worst, Math.abs(m2 - other) / other)
  }
  return { matched, worst }
}

describe.each(backends())('the engine against GDAL/Spatialite on the sample district, %s database', (backend) => {
  let app: TestApp
  let analyst: Client
  let dir: string
  let database: string
  let findings: Record<string, any>[]

  beforeAll(async () => {
    app = await startTestApp(backend)
    analyst = await app.as('analyst')
    const started = await analyst.post('/api/checks', { kinds: ['overlap', 'encroachment', 'geometry'], params: { min_piece_m2: 0 } })
    const run = await waitForRun(analyst, started.body.run_id)
    expect(run.status, run.error).toBe('done')
    findings = await allFindings(analyst, run.run_id)

    dir = mkdtempSync(path.join(os.tmpdir(), 'jiyuan-crosscheck-'))
    database = path.join(dir, 'district.sqlite')
    const layers = {
      parcels: 'SELECT code, geom FROM parcels WHERE deleted_at IS NULL',
      occupations: 'SELECT code, geom FROM occupations WHERE deleted_at IS NULL',
      // the zones the run used: current versions, areas only, the derived road-control zones included
      zones: `SELECT z.id AS zone_id, z.layer_id, z.class, z.geom FROM zones z
              JOIN planning_layers l ON l.id = z.layer_id AND l.version = z.layer_version AND l.deleted_at IS NULL
              WHERE GeometryType(z.geom) = 'MULTIPOLYGON'`,
    }
    for (const [name, query] of Object.entries(layers)) {
      const file = await exportLayer(app.db, dir, name, query)
      const create = name === 'parcels' ? ['-dsco', 'SPATIALITE=YES'] : ['-update']
      execFileSync('ogr2ogr', ['-f', 'SQLite', ...create, '-a_srs', 'EPSG:4490', '-nln', name, database, file])
    }
  })
  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true })
    await app?.close()
  })

  const gdal = (query: string): Piece[] => spatialite(database, query).map((r) => ({ key: r.key!, m2: Number(r.m2) }))
  const engine = (codes: string[]): Piece[] => findings.filter((f) => codes.includes(f.code)).map((f) => ({ key: engineKey(f), m2: f.area_m2 }))

  it('finds the same parcel × zone-class overlaps, overlapping zones of a class counted once, areas within 0.1 %', () => {
    const result = compare(engine(['zone_overlap']), gdal(QUERIES.overlap))
    expect(result.matched).toBeGreaterThan(900)
    console.log(`${backend}: ${result.matched} parcel × zone-class overlaps agree with GDAL; largest area difference ${(result.worst * 100).toFixed(4)} % (pieces of ${SIZEABLE_M2} m² and more)`)
  })

  it('finds the same parcels claiming the same ground', () => {
    const result = compare(engine(['parcel_overlap', 'duplicate', 'sliver']), gdal(QUERIES.pairs))
    expect(result.matched).toBe(10)
  })

  it('finds the same occupations intruding into parcels, road building-control zones and river areas', () => {
    const parcels = compare(engine(['occupation_in_parcel']), gdal(QUERIES.occupationParcels))
    const zones = compare(engine(['occupation_in_road_control', 'occupation_in_river_area']), gdal(QUERIES.occupationZones))
    expect(parcels.matched).toBe(204)
    expect(zones.matched).toBe(142)
    console.log(`${backend}: ${parcels.matched + zones.matched} occupation pieces agree with GDAL; largest area difference ${(Math.max(parcels.worst, zones.worst) * 100).toFixed(4)} % (pieces of ${SIZEABLE_M2} m² and more)`)
  })
})

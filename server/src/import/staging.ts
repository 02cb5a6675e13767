import type { Geometry } from 'geojson'
import type { Queryable } from '../db/db.ts'
import { BinaryCopyWriter } from '../db/copy-binary.ts'
import { multiPolygonCcw } from '../geo/orientation.ts'
import { featureRef } from './problems.ts'
import type { FeatureProblem } from './types.ts'

/** A feature ready to store: its index in the file, its code, properties and geometry (EPSG:4490). */
export interface Candidate<P extends { code: string }> {
  index: number
  properties: P
  geometry: Geometry
}

export interface StoreOptions {
  importId: number
  mode: 'atomic' | 'partial'
  makeValid: boolean
  /** find the problems only: the file is already refused for others */
  checkOnly?: boolean
}

/** Whether a store should stop after collecting problems instead of writing. */
export function mustStop(options: StoreOptions, problems: readonly unknown[]): boolean {
  return options.checkOnly === true || (options.mode === 'atomic' && problems.length > 0)
}

export interface StoreOutcome {
  problems: FeatureProblem[]
  created: number
  updated: number
  unchanged: number
  repaired: number
}

/**
 * Copies the candidates into a temporary table for the rest of the
 * transaction, as geometries of the target type in EPSG:4490, in one binary
 * COPY. Polygons are wound as RFC 7946 asks (exterior counter-clockwise;
 * Shapefiles wind them clockwise), exactly as ST_ForcePolygonCCW does.
 */
export async function stage<P extends { code: string }>(
  tx: Queryable,
  candidates: Candidate<P>[],
  type: 'MultiPolygon' | 'Any',
): Promise<void> {
  await tx.query(`DROP TABLE IF EXISTS import_rows`)
  await tx.query(
    `CREATE TEMP TABLE import_rows (
       idx integer PRIMARY KEY,
       code text NOT NULL,
       props jsonb NOT NULL,
       geom geometry NOT NULL,
       repair_reason text,
       existing_id integer,
       existing_town text
     ) ON COMMIT DROP`,
  )
  const rows = new BinaryCopyWriter()
  for (const c of candidates) {
    rows.row(4).int4(c.index).text(c.properties.code).jsonb(c.properties)
    rows.ewkb(type === 'MultiPolygon' ? stagedPolygon(c.geometry) : c.geometry, 4490)
  }
  await tx.copyFrom('COPY import_rows (idx, code, props, geom) FROM STDIN (FORMAT binary)', rows.finish())
}

/** A polygonal geometry as the MultiPolygon a parcel or occupation stores; others as they are (refused later). */
export function stagedPolygon(geometry: Geometry): Geometry {
  return geometry.type === 'Polygon' || geometry.type === 'MultiPolygon' ? multiPolygonCcw(geometry) : geometry
}

/**
 * Asks PostGIS which staged geometries are invalid (ST_IsValidDetail). With
 * makeValid they are repaired (ST_MakeValid, keeping the polygonal part) and
 * the reason kept for the history; otherwise each is a problem naming the
 * reason and the place. Returns how many were repaired.
 */
export async function flagInvalidGeometries(
  tx: Queryable,
  makeValid: boolean,
  problems: FeatureProblem[],
): Promise<number> {
  const { rows } = await tx.query<{ idx: number; code: string; reason: string; x: number | null; y: number | null }>(
    `SELECT r.idx, r.code, d.reason, ST_X(d.location) AS x, ST_Y(d.location) AS y
     FROM import_rows r, ST_IsValidDetail(r.geom) AS d
     WHERE NOT d.valid ORDER BY r.idx`,
  )
  if (rows.length === 0) return 0
  const place = (r: { x: number | null; y: number | null }) =>
    r.x === null ? 'unknown place' : `${r.x.toFixed(7)} ${r.y!.toFixed(7)}`
  if (!makeValid) {
    for (const r of rows) {
      problems.push({
        index: r.idx,
        code: 'invalid_geometry',
        message: `${featureRef(r.idx, r.code)}: ${r.reason} at ${place(r)}`,
      })
    }
    return 0
  }
  await tx.query(
    `UPDATE import_rows r
     SET geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(r.geom), 3)),
         repair_reason = bad.reason
     FROM jsonb_to_recordset($1::jsonb) AS bad (idx integer, reason text)
     WHERE r.idx = bad.idx`,
    [JSON.stringify(rows.map((r) => ({ idx: r.idx, reason: `${r.reason} at ${place(r)}` })))],
  )
  const empty = await tx.query<{ idx: number; code: string }>(
    `SELECT idx, code FROM import_rows WHERE repair_reason IS NOT NULL AND ST_IsEmpty(geom)`,
  )
  for (const r of empty.rows) {
    problems.push({ index: r.idx, code: 'invalid_geometry', message: `${featureRef(r.idx, r.code)}: nothing polygonal is left after repair` })
  }
  return rows.length - empty.rows.length
}

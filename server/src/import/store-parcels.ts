import { can, townScope, type User } from '../auth/roles.ts'
import type { Queryable } from '../db/db.ts'
import type { ParcelProperties } from '../parcels/properties.ts'
import { actAs } from '../parcels/store.ts'
import type { FeatureProblem } from './types.ts'
import { stage as timed } from './stages.ts'
import { BinaryCopyWriter } from '../db/copy-binary.ts'
import { featureRef } from './problems.ts'
import { flagInvalidGeometries, mustStop, stagedPolygon, type Candidate, type StoreOptions, type StoreOutcome } from './staging.ts'

/** A parcel from a file: the properties it gives (code always) and its geometry. */
export type ParcelCandidate = Candidate<Partial<ParcelProperties> & { code: string }>

// The parcel columns an import may set, in a fixed order. Only the ones a
// file provides are written, so re-importing a file that lacks a column keeps
// what the parcel has (its status, say).
const COLUMNS = [
  'name', 'town', 'village', 'category', 'subtype', 'status', 'problems', 'ownership',
  'declared_area_mu', 'location', 'intended_use', 'attributes',
] as const
type Column = (typeof COLUMNS)[number]

/** The value a file gives for a column: NULL where it gives none; no problems and no extra attributes are empty. */
function columnValue(column: Column): string {
  if (column === 'problems') return `coalesce(r.problems, '{}')`
  if (column === 'attributes') return `coalesce(r.attributes, '{}')`
  return `r.${column}`
}

/**
 * Stores parcels by code: a code already in use updates that parcel (a new
 * version, only when something changed), a new code creates one. Runs inside
 * the caller's transaction; returns the problems that keep features out.
 */
export async function storeParcels(
  tx: Queryable,
  user: User,
  candidates: ParcelCandidate[],
  options: StoreOptions,
): Promise<StoreOutcome> {
  // The history triggers read the statement's rows from transition tables;
  // at the default 4 MB those of a district-wide import spill to temporary
  // files, which costs the embedded database half its import time.
  await tx.query(`SET LOCAL work_mem = '256MB'`)
  // the history names the importing user (parcel_versions.changed_by)
  await actAs(tx, user)
  await timed('stage rows (binary COPY)', () => stageParcels(tx, candidates))
  await timed('match by code', () => matchExisting(tx))
  const others = await timed('scope and status checks', async () => [
    ...(await scopeProblems(tx, user)), ...(await incompleteNew(tx)), ...(await statusProblems(tx, user)),
  ])
  // Every geometry is checked by PostGIS once. When nothing else keeps a
  // feature out, the parcels table's own CHECK (ST_IsValid) checks them as
  // they are written, and only if one fails is the write undone and each
  // geometry asked for ST_IsValidDetail's reason and place.
  const optimistic = !options.makeValid && !options.checkOnly && others.length === 0
  const invalid: FeatureProblem[] = []
  const repaired = optimistic
    ? 0
    : await timed('validity (ST_IsValidDetail)', () => flagInvalidGeometries(tx, options.makeValid, invalid))
  const problems = [...invalid, ...others]
  if (mustStop(options, problems)) return { problems, created: 0, updated: 0, unchanged: 0, repaired: 0 }
  await dropRejected(tx, problems)

  const write = () => writeParcels(tx, providedColumns(candidates), options.importId, user.id)
  if (!optimistic) return { problems, ...(await write()), repaired }
  await tx.query('SAVEPOINT import_write')
  try {
    return { problems, ...(await write()), repaired }
  } catch (error) {
    if (!isInvalidGeometry(error)) throw error
    await tx.query('ROLLBACK TO SAVEPOINT import_write')
  }
  await timed('validity (ST_IsValidDetail)', () => flagInvalidGeometries(tx, false, problems))
  if (mustStop(options, problems)) return { problems, created: 0, updated: 0, unchanged: 0, repaired: 0 }
  await dropRejected(tx, problems)
  return { problems, ...(await write()), repaired }
}

/**
 * The parcels table's CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom))
 * refused a row, or the area computed before it did (migration 040): on
 * PostGIS 3.3 ST_Area(geography) of an invalid outline whose holes outweigh
 * its shell fails with "lwgeom_area_spher returned area < 0.0".
 */
function isInvalidGeometry(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; message?: string }
  if (e.code === '23514' && e.constraint === 'parcels_geom_check') return true
  return e.code === 'XX000' && /lwgeom_area_spher/.test(e.message ?? '')
}

async function dropRejected(tx: Queryable, problems: readonly FeatureProblem[]): Promise<void> {
  if (problems.length === 0) return
  await tx.query('DELETE FROM import_rows WHERE idx = ANY ($1::int[])', [[...new Set(problems.map((p) => p.index))]])
}

/** Creates the new parcels and updates the matched ones; counts what it did. */
async function writeParcels(
  tx: Queryable, provided: Column[], importId: number, userId: number,
): Promise<Pick<StoreOutcome, 'created' | 'updated' | 'unchanged'>> {
  const created = await timed('insert new (validity CHECK, keys, history)', () => insertNew(tx, importId, userId))
  const updated = await timed('update existing (validity CHECK, keys, history)', () => updateExisting(tx, provided, importId))
  const matched = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM import_rows WHERE existing_id IS NOT NULL')
  await noteRepairs(tx)
  return { created, updated, unchanged: matched.rows[0]!.n - updated }
}

function providedColumns(candidates: ParcelCandidate[]): Column[] {
  const seen = new Set<string>()
  for (const c of candidates) for (const key of Object.keys(c.properties)) seen.add(key)
  return COLUMNS.filter((column) => seen.has(column))
}

const COLUMN_TYPES: Record<Column, string> = {
  name: 'text', town: 'text', village: 'text', category: 'text', subtype: 'text', status: 'text',
  problems: 'text[]', ownership: 'text', declared_area_mu: 'double precision', location: 'text',
  intended_use: 'text', attributes: 'jsonb',
}

/**
 * The candidates in a temporary table, one typed column per property (NULL
 * where the file gives none), geometry as MultiPolygon in EPSG:4490 wound as
 * RFC 7946 asks: one binary COPY, no JSON for the server to unpack.
 */
async function stageParcels(tx: Queryable, candidates: ParcelCandidate[]): Promise<void> {
  await tx.query(`DROP TABLE IF EXISTS import_rows`)
  await tx.query(
    `CREATE TEMP TABLE import_rows (
       idx integer NOT NULL,
       code text NOT NULL,
       geom geometry NOT NULL,
       ${COLUMNS.map((c) => `${c} ${COLUMN_TYPES[c]}`).join(', ')},
       repair_reason text,
       existing_id integer,
       existing_town text
     ) ON COMMIT DROP`,
  )
  const rows = new BinaryCopyWriter()
  for (const { index, properties: p, geometry } of candidates) {
    rows.row(3 + COLUMNS.length).int4(index).text(p.code).ewkb(stagedPolygon(geometry), 4490)
    rows.text(p.name).text(p.town).text(p.village).text(p.category).text(p.subtype).text(p.status)
    rows.textArray(p.problems).text(p.ownership).float8(p.declared_area_mu).text(p.location)
    rows.text(p.intended_use).jsonb(p.attributes)
  }
  await tx.copyFrom(
    `COPY import_rows (idx, code, geom, ${COLUMNS.join(', ')}) FROM STDIN (FORMAT binary)`,
    rows.finish(),
  )
}

async function matchExisting(tx: Queryable): Promise<void> {
  await tx.query(
    `UPDATE import_rows r SET existing_id = p.id, existing_town = p.town
     FROM parcels p WHERE p.code = r.code AND p.deleted_at IS NULL`,
  )
}

/** A town editor may create and update parcels of its own town only. */
async function scopeProblems(tx: Queryable, user: User): Promise<FeatureProblem[]> {
  const scope = townScope(user)
  if (scope === null) return []
  const { rows } = await tx.query<{ idx: number; code: string; town: string }>(
    `SELECT idx, code, coalesce(existing_town, town) AS town FROM import_rows
     WHERE existing_town IS DISTINCT FROM $1 AND existing_town IS NOT NULL
        OR town IS DISTINCT FROM $1 AND town IS NOT NULL`,
    [scope],
  )
  return rows.map((r) => ({
    index: r.idx,
    code: 'out_of_scope',
    message: `${featureRef(r.idx, r.code)} belongs to town ${r.town}, outside your town ${scope}`,
  }))
}

/** New parcels need a town and a category; updates may leave them out. */
async function incompleteNew(tx: Queryable): Promise<FeatureProblem[]> {
  const { rows } = await tx.query<{ idx: number; code: string; missing: string }>(
    `SELECT idx, code, CASE WHEN town IS NULL THEN 'town' ELSE 'category' END AS missing
     FROM import_rows
     WHERE existing_id IS NULL AND (town IS NULL OR category IS NULL)`,
  )
  return rows.map((r) => ({
    index: r.idx,
    code: 'missing_property',
    message: `${featureRef(r.idx, r.code)} is a new parcel without a ${r.missing}`,
  }))
}

/**
 * The status belongs to the workflow (server/src/workflow/): an import
 * registers a new parcel at a later stage only for an approver, and never
 * moves a parcel it updates to another stage. The same status is no change.
 */
async function statusProblems(tx: Queryable, user: User): Promise<FeatureProblem[]> {
  const { rows } = await tx.query<{ idx: number; code: string; status: string; current: string | null }>(
    `SELECT r.idx, r.code, r.status, p.status AS current
     FROM import_rows r LEFT JOIN parcels p ON p.id = r.existing_id
     WHERE r.status IS NOT NULL
       AND CASE WHEN r.existing_id IS NULL THEN NOT $1 AND r.status <> 'registered'
                ELSE p.status <> r.status END
     ORDER BY r.idx`,
    [can(user, 'workflow.confirm')],
  )
  return rows.map((r) => r.current === null
    ? {
        index: r.idx,
        code: 'initial_status_forbidden' as const,
        message: `${featureRef(r.idx, r.code)}: a new parcel starts as registered; registering it as ${r.status} takes an approver`,
      }
    : {
        index: r.idx,
        code: 'status_by_workflow' as const,
        message: `${featureRef(r.idx, r.code)}: the status changes only through the workflow (now ${r.current}, the file says ${r.status})`,
      })
}

/**
 * New parcels, written with version 1, their creator and now() so the
 * BEFORE INSERT trigger has nothing to change and is skipped (migration 040).
 */
async function insertNew(tx: Queryable, importId: number, userId: number): Promise<number> {
  const { rowCount } = await tx.query(
    `INSERT INTO parcels (code, geom, import_id, version, created_by, updated_by, updated_at, ${COLUMNS.join(', ')})
     SELECT r.code, r.geom, $1, 1, $2, $2, now(), ${COLUMNS.map((c) =>
       c === 'name' ? `coalesce(${columnValue(c)}, '')`
       : c === 'status' ? `coalesce(${columnValue(c)}, 'registered')`
       : columnValue(c)).join(', ')}
     FROM import_rows r WHERE r.existing_id IS NULL ORDER BY r.idx`,
    [importId, userId],
  )
  return rowCount
}

// A geometry counts as unchanged when no vertex moved more than 1e-8° (about
// 1 mm): a parcel exported to Gauss-Krüger metres and imported back differs
// from the stored one in the last bits, which is no change worth a version.
const GEOMETRY_MOVED = `(ST_NPoints(p.geom) <> ST_NPoints(r.geom) OR ST_HausdorffDistance(p.geom, r.geom) > 1e-8)`

async function updateExisting(tx: Queryable, provided: Column[], importId: number): Promise<number> {
  const sets = provided.map((c) => `${c} = ${columnValue(c)}`)
  const differs = provided.map((c) => `p.${c} IS DISTINCT FROM ${columnValue(c)}`)
  const { rowCount } = await tx.query(
    `UPDATE parcels p SET geom = r.geom, import_id = $1 ${sets.map((s) => ', ' + s).join('')}
     FROM import_rows r
     WHERE p.id = r.existing_id
       AND (${GEOMETRY_MOVED} ${differs.map((d) => ' OR ' + d).join('')})`,
    [importId],
  )
  return rowCount
}

/** A repaired geometry says so in the version the import wrote. */
async function noteRepairs(tx: Queryable): Promise<void> {
  await tx.query(
    `UPDATE parcel_versions v
     SET note = concat_ws('; ', v.note, '几何已修复 geometry repaired (ST_MakeValid): ' || r.repair_reason)
     FROM import_rows r JOIN parcels p ON p.code = r.code AND p.deleted_at IS NULL
     WHERE r.repair_reason IS NOT NULL AND v.parcel_id = p.id AND v.version = p.version`,
  )
}

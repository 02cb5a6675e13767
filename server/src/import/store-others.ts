import { townScope, type User } from '../auth/roles.ts'
import type { Queryable } from '../db/db.ts'
import { featureRef } from './problems.ts'
import type { FeatureProblem } from './types.ts'
import { flagInvalidGeometries, mustStop, stage, type Candidate, type StoreOptions, type StoreOutcome } from './staging.ts'

export type OccupationCandidate = Candidate<{
  code: string
  kind: string
  description: string | null
  surveyed_at: string | null
  attributes: Record<string, unknown>
}>

export type ZoneCandidate = Candidate<{
  code: string
  class: string
  name: string | null
  attributes: Record<string, unknown>
}>

const NOTHING = { created: 0, updated: 0, unchanged: 0, repaired: 0 }

/**
 * Stores surveyed occupations, updating those whose code exists. A town
 * editor's occupations must touch its own town.
 */
export async function storeOccupations(
  tx: Queryable,
  user: User,
  candidates: OccupationCandidate[],
  options: StoreOptions,
): Promise<StoreOutcome> {
  const problems: FeatureProblem[] = []
  await stage(tx, candidates, 'MultiPolygon')
  const repaired = await flagInvalidGeometries(tx, options.makeValid, problems)
  problems.push(...(await outsideTown(tx, user)))
  if (mustStop(options, problems)) return { problems, ...NOTHING }
  await tx.query('DELETE FROM import_rows WHERE idx = ANY ($1::int[])', [problems.map((p) => p.index)])

  const updated = await tx.query(
    `UPDATE occupations o SET kind = r.props ->> 'kind', description = r.props ->> 'description',
       surveyed_at = (r.props ->> 'surveyed_at')::date, attributes = r.props -> 'attributes',
       geom = r.geom, import_id = $1
     FROM import_rows r WHERE o.code = r.code AND o.deleted_at IS NULL
     RETURNING r.idx`,
    [options.importId],
  )
  const created = await tx.query(
    `INSERT INTO occupations (code, kind, description, surveyed_at, attributes, geom, import_id)
     SELECT r.code, r.props ->> 'kind', r.props ->> 'description', (r.props ->> 'surveyed_at')::date,
            r.props -> 'attributes', r.geom, $1
     FROM import_rows r
     WHERE NOT EXISTS (SELECT 1 FROM occupations o WHERE o.code = r.code AND o.deleted_at IS NULL AND o.import_id = $1)
     ORDER BY r.idx`,
    [options.importId],
  )
  return { problems, created: created.rowCount, updated: updated.rowCount, unchanged: 0, repaired }
}

async function outsideTown(tx: Queryable, user: User): Promise<FeatureProblem[]> {
  const scope = townScope(user)
  if (scope === null) return []
  const { rows } = await tx.query<{ idx: number; code: string }>(
    `SELECT r.idx, r.code FROM import_rows r
     WHERE NOT EXISTS (SELECT 1 FROM towns t WHERE t.code = $1 AND ST_Intersects(t.geom, r.geom))`,
    [scope],
  )
  return rows.map((r) => ({
    index: r.idx,
    code: 'out_of_scope',
    message: `${featureRef(r.idx, r.code)} lies outside your town ${scope}`,
  }))
}

/**
 * Replaces the zones of a planning layer: the layer's version goes up and the
 * new zones carry it; the old zones stay, with the version they belonged to,
 * so earlier check runs can still be traced to what they used.
 */
export async function storeZones(
  tx: Queryable,
  layerId: number,
  candidates: ZoneCandidate[],
  options: StoreOptions,
): Promise<StoreOutcome> {
  const problems: FeatureProblem[] = []
  await stage(tx, candidates, 'Any')
  const repaired = await flagInvalidGeometries(tx, options.makeValid, problems)
  problems.push(...(await unsupportedZoneGeometry(tx)))
  if (mustStop(options, problems)) return { problems, ...NOTHING }
  await tx.query('DELETE FROM import_rows WHERE idx = ANY ($1::int[])', [problems.map((p) => p.index)])

  const layer = await tx.query<{ version: number; zones: number }>(
    `UPDATE planning_layers l
     SET version = CASE WHEN EXISTS (SELECT 1 FROM zones z WHERE z.layer_id = l.id) THEN l.version + 1 ELSE l.version END,
         updated_at = now()
     WHERE l.id = $1 RETURNING l.version`,
    [layerId],
  )
  const created = await tx.query(
    `INSERT INTO zones (layer_id, layer_version, class, name, code, attributes, geom, import_id)
     SELECT $1, $2, r.props ->> 'class', r.props ->> 'name', nullif(r.code, ''), r.props -> 'attributes',
            CASE WHEN GeometryType(r.geom) LIKE '%POLYGON' THEN ST_Multi(ST_CollectionExtract(r.geom, 3))
                 ELSE ST_Multi(ST_CollectionExtract(r.geom, 2)) END,
            $3
     FROM import_rows r ORDER BY r.idx`,
    [layerId, layer.rows[0]!.version, options.importId],
  )
  return { problems, created: created.rowCount, updated: 0, unchanged: 0, repaired }
}

/** Zones are areas, or lines for roads and rivers; points have no place in a plan layer. */
async function unsupportedZoneGeometry(tx: Queryable): Promise<FeatureProblem[]> {
  const { rows } = await tx.query<{ idx: number; code: string; type: string }>(
    `SELECT idx, code, GeometryType(geom) AS type FROM import_rows
     WHERE GeometryType(geom) NOT IN ('POLYGON', 'MULTIPOLYGON', 'LINESTRING', 'MULTILINESTRING')`,
  )
  return rows.map((r) => ({
    index: r.idx,
    code: 'unsupported_geometry_type',
    message: `${featureRef(r.idx, r.code)} is a ${r.type}; a zone is a polygon or a line`,
  }))
}

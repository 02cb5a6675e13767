import type { Queryable } from '../db/db.ts'

/**
 * What a run looks at: the district, a town, a village, or listed parcels.
 * A village's run, and one of parcels that lie in one town, also name that
 * town (`town`, null for parcels of several), so a town's staff find it and
 * no other town's do.
 */
export type Scope =
  | { type: 'district' }
  | { type: 'town'; town: string }
  | { type: 'village'; village: string; town: string | null }
  | { type: 'parcels'; ids: number[]; town: string | null }

/** The town a run is recorded under (check_runs.town): its own, or the one its village or parcels lie in. */
export function runTown(scope: Scope): string | null {
  return scope.type === 'district' ? null : scope.town
}

/** The scope as the $n values the check SQL takes: town, village, parcel ids (NULL: not restricted). */
export function scopeValues(scope: Scope): [string | null, string | null, number[] | null] {
  return [
    scope.type === 'town' ? scope.town : null,
    scope.type === 'village' ? scope.village : null,
    scope.type === 'parcels' ? scope.ids : null,
  ]
}

/** A run row's scope columns as a Scope. */
export function scopeOf(row: { scope: string; town: string | null; village: string | null; parcel_ids: number[] | null }): Scope {
  switch (row.scope) {
    case 'town':
      return { type: 'town', town: row.town! }
    case 'village':
      return { type: 'village', village: row.village!, town: row.town }
    case 'parcels':
      return { type: 'parcels', ids: row.parcel_ids ?? [], town: row.town }
    default:
      return { type: 'district' }
  }
}

const SCOPE_WHERE = `p.deleted_at IS NULL
  AND ($1::text IS NULL OR p.town = $1)
  AND ($2::text IS NULL OR p.village = $2)
  AND ($3::int[] IS NULL OR p.id = ANY ($3::int[]))`

/**
 * The live parcels of a scope, ordered by village so that each batch is a
 * compact piece of ground (zone pieces and villages repeat within a batch).
 */
export async function scopeParcels(db: Queryable, scope: Scope): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT p.id FROM parcels p WHERE ${SCOPE_WHERE} ORDER BY p.village NULLS LAST, p.id`,
    scopeValues(scope),
  )
  return rows.map((r) => r.id)
}

/** How many live parcels a scope holds. */
export async function scopeParcelCount(db: Queryable, scope: Scope): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM parcels p WHERE ${SCOPE_WHERE}`, scopeValues(scope))
  return rows[0]?.n ?? 0
}

/** How many live occupations a run looks at, located by their point on surface. */
export async function scopeOccupationCount(db: Queryable, scope: Scope): Promise<number> {
  if (scope.type === 'parcels') return 0
  const [town, village] = scopeValues(scope)
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM occupations o
     WHERE o.deleted_at IS NULL AND (($1::text IS NULL AND $2::text IS NULL) OR EXISTS (
       SELECT 1 FROM villages v WHERE ST_Intersects(v.geom, ST_PointOnSurface(o.geom))
         AND ($1::text IS NULL OR v.town = $1) AND ($2::text IS NULL OR v.code = $2)))`,
    [town, village],
  )
  return rows[0]?.n ?? 0
}

// The rows of an export, read page by page with keyset pagination: one
// short query per page (WHERE p.id > last ORDER BY p.id LIMIT n), so no
// transaction stays open while a slow client downloads, the embedded
// database serves other requests between pages, and memory holds one page.
// Each page sees the table as it is when that page is read.
import type { Queryable } from '../db/db.ts'
import type { Where } from '../parcels/list.ts'

export const PAGE_ROWS = 2000

/** A parcel as the tabular exports read it, with the names of its town and village. */
export interface ExportRow<G = unknown> {
  id: number
  code: string
  name: string
  town: string
  town_name: string | null
  village: string | null
  village_name: string | null
  category: string
  subtype: string | null
  status: string
  problems: string[]
  ownership: string | null
  declared_area_mu: number | null
  location: string | null
  intended_use: string | null
  attributes: Record<string, unknown>
  /** ellipsoidal on the CGCS2000 ellipsoid, m² */
  area_m2: number
  version: number
  updated_at: Date | string
  updated_by: string | null
  geometry: G
}

/** The select list of ExportRow without its geometry; `p` is the parcel. */
export const EXPORT_SELECT = `
  p.id, p.code, p.name, p.town, t.name AS town_name, p.village, v.name AS village_name,
  p.category, p.subtype, p.status, p.problems, p.ownership, p.declared_area_mu, p.location,
  p.intended_use, p.attributes, p.area_m2, p.version, p.updated_at,
  (SELECT username FROM users WHERE id = p.updated_by) AS updated_by`

export const EXPORT_FROM = `
  parcels p
  LEFT JOIN towns t ON t.code = p.town
  LEFT JOIN villages v ON v.code = p.village`

/** The filter of GET /api/parcels plus the keyset condition, bound to the last parameter. */
function afterId(where: Where): string {
  const conditions = [...where.conditions, `p.id > $${where.params.length + 1}`]
  return `WHERE ${conditions.join(' AND ')}`
}

/**
 * Pages of matching rows in id order. `select` is the select list and
 * `from` the FROM clause, both using `p` for the parcel.
 */
export async function* readPages<R extends { id: number }>(
  db: Queryable,
  where: Where,
  select: string,
  from = EXPORT_FROM,
  pageRows = PAGE_ROWS,
): AsyncGenerator<R[]> {
  let last = 0
  for (;;) {
    const { rows } = await db.query<R>(
      `SELECT ${select} FROM ${from} ${afterId(where)} ORDER BY p.id LIMIT ${pageRows}`,
      [...where.params, last],
    )
    if (rows.length > 0) yield rows
    if (rows.length < pageRows) return
    last = rows[rows.length - 1]!.id
  }
}

import { m2ToMu } from '../geo/extent.ts'

/** A parcel row as the queries in store.ts select it. */
export interface ParcelRow {
  id: number
  code: string
  name: string
  town: string
  village: string | null
  category: string
  subtype: string | null
  status: string
  problems: string[]
  ownership: string | null
  declared_area_mu: number | null
  location: string | null
  intended_use: string | null
  attributes: Record<string, unknown>
  area_m2: number
  version: number
  updated_at: Date | string
  updated_by: string | null
  deleted_at: Date | string | null
  /** GeoJSON text from ST_AsGeoJSON, EPSG:4490, without a "crs" member (RFC 7946). */
  geometry: string
}

export const PARCEL_COLUMNS = `
  p.id, p.code, p.name, p.town, p.village, p.category, p.subtype, p.status,
  p.problems, p.ownership, p.declared_area_mu, p.location, p.intended_use,
  p.attributes, p.area_m2, p.version, p.updated_at, p.deleted_at,
  (SELECT username FROM users WHERE id = p.updated_by) AS updated_by,
  ST_AsGeoJSON(p.geom, 9, 0) AS geometry`

const round = (value: number, digits: number) => Number(value.toFixed(digits))

/**
 * The properties of API.md. Areas: area_m2 is ellipsoidal on the CGCS2000
 * ellipsoid (to 0.01 m²); area_mu = area_m2 × 15 / 10000 (to 0.0001 亩).
 */
export function parcelProperties(row: ParcelRow): Record<string, unknown> {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    town: row.town,
    village: row.village,
    category: row.category,
    subtype: row.subtype,
    status: row.status,
    problems: row.problems,
    ownership: row.ownership,
    declared_area_mu: row.declared_area_mu,
    location: row.location,
    intended_use: row.intended_use,
    attributes: row.attributes,
    area_m2: round(row.area_m2, 2),
    area_mu: round(m2ToMu(row.area_m2), 4),
    version: row.version,
    updated_at: new Date(row.updated_at).toISOString(),
    updated_by: row.updated_by,
    ...(row.deleted_at ? { deleted_at: new Date(row.deleted_at).toISOString() } : {}),
  }
}

/** One Feature as JSON text; the geometry text from PostGIS is spliced in unparsed. */
export function featureJson(row: ParcelRow): string {
  const properties = JSON.stringify(parcelProperties(row))
  return `{"type":"Feature","id":${row.id},"geometry":${row.geometry},"properties":${properties}}`
}

export function etag(version: number): string {
  return `"${version}"`
}

import type { Feature, FeatureCollection } from 'geojson'
import { filterQuery, type ParcelFilter } from '../filters/filter.ts'
import type { Area } from './geojson.ts'
import { request } from './http.ts'

/** The properties of a parcel, as listed in API.md. */
export interface ParcelProperties {
  id: number
  code: string
  name: string | null
  town: string
  village: string | null
  category: string
  subtype: string | null
  status: string
  problems: string[]
  ownership?: string | null
  declared_area_mu: number | null
  location?: string | null
  intended_use?: string | null
  attributes?: Record<string, unknown>
  /** Ellipsoidal area on the CGCS2000 ellipsoid. */
  area_m2: number
  area_mu: number
  /** The parcel's ETag is this number in quotes (`"7"`). */
  version: number
  updated_at?: string
  updated_by?: string | null
}

export type ParcelFeature = Feature<Area, ParcelProperties>

export interface ParcelCollection extends FeatureCollection<Area, ParcelProperties> {
  /** How many parcels match the filters, beyond `limit`. */
  numberMatched?: number
  numberReturned?: number
}

/** minLon, minLat, maxLon, maxLat in CGCS2000 degrees. */
export type Bbox = [number, number, number, number]

export function getParcel(id: number, signal?: AbortSignal): Promise<ParcelFeature> {
  return request<ParcelFeature>(`/api/parcels/${id}`, { signal })
}

/** One page of the parcels matching a filter, in id order, with how many match in all. */
export function listParcels(
  filter: ParcelFilter,
  page: { limit: number; offset: number },
  signal?: AbortSignal,
): Promise<ParcelCollection> {
  const query = filterQuery(filter)
  query.set('limit', String(page.limit))
  query.set('offset', String(page.offset))
  return request<ParcelCollection>(`/api/parcels?${query}`, { signal })
}

export function parcelsInBbox(
  bbox: Bbox,
  limit: number,
  signal?: AbortSignal,
): Promise<ParcelCollection> {
  const query = new URLSearchParams({
    bbox: bbox.map((value) => value.toFixed(6)).join(','),
    limit: String(limit),
  })
  return request<ParcelCollection>(`/api/parcels?${query}`, { signal })
}

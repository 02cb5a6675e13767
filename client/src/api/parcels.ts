import type { Feature, FeatureCollection } from 'geojson'
import type { Area } from './geojson.ts'
import { request } from './http.ts'

/** The properties of a parcel, as listed in API.md. */
export interface ParcelProperties {
  id: string | number
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
  /** Ellipsoidal area on the CGCS2000 ellipsoid. */
  area_m2: number
  area_mu: number
  version?: number
  updated_at?: string
  updated_by?: string
}

export type ParcelFeature = Feature<Area, ParcelProperties>

export interface ParcelCollection extends FeatureCollection<Area, ParcelProperties> {
  /** How many parcels match the filters, beyond `limit`. */
  numberMatched?: number
}

/** minLon, minLat, maxLon, maxLat in CGCS2000 degrees. */
export type Bbox = [number, number, number, number]

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

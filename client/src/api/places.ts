import type { PlaceCollection } from './geojson.ts'
import { request } from './http.ts'

/** The district outline (EPSG:4490), its coast on the east. */
export function districtBoundary(): Promise<PlaceCollection> {
  return request<PlaceCollection>('/api/district')
}

import type { PlaceCollection } from './geojson.ts'
import { request } from './http.ts'

export function villageBoundaries(town?: string): Promise<PlaceCollection> {
  const query = new URLSearchParams({ geometry: '1' })
  if (town) query.set('town', town)
  return request<PlaceCollection>(`/api/villages?${query}`)
}

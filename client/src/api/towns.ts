import type { PlaceCollection } from './geojson.ts'
import { request } from './http.ts'

export interface Town {
  code: string
  name: string
}

export function listTowns(): Promise<Town[]> {
  return request<Town[]>('/api/towns')
}

export function townBoundaries(): Promise<PlaceCollection> {
  return request<PlaceCollection>('/api/towns?geometry=1')
}

import type { Basemap } from '../map/basemap.ts'
import { request } from './http.ts'

export interface MapSettings {
  /** The basemap the deployment set (JIYUAN_BASEMAP_URL), or null. */
  basemap: Basemap | null
}

export function mapSettings(): Promise<MapSettings> {
  return request<MapSettings>('/api/map-settings')
}

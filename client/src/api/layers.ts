import { request } from './http.ts'

/** A planning layer as GET /api/layers lists it. */
export interface PlanningLayer {
  id: number
  name: string
  kind: string
  zone_count: number
  /** The zone classes of its current version. */
  classes: string[]
  version: number
  updated_at: string
}

export function listLayers(signal?: AbortSignal): Promise<PlanningLayer[]> {
  return request<PlanningLayer[]>('/api/layers', { signal })
}

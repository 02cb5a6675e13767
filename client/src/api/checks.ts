// Check runs (POST /api/checks, GET /api/checks/:run_id) and the preview
// check of an outline that is not saved (POST /api/checks/preview).
import type { Geometry } from 'geojson'
import type { Finding, Severity } from './parcel-record.ts'
import { request } from './http.ts'

export const CHECK_KINDS = ['overlap', 'encroachment', 'area', 'geometry'] as const
export type CheckKind = (typeof CHECK_KINDS)[number]

export type RunScope =
  | { town: string }
  | { village: string }
  | { parcel_ids: number[] }
  | Record<string, never>

export interface RunProgress {
  parcels_total: number | null
  parcels_done: number | null
  occupations_total: number | null
  occupations_done: number | null
}

export interface Run {
  run_id: number
  status: 'queued' | 'running' | 'done' | 'failed'
  /** the step under way, e.g. preparing the layers */
  step?: string | null
  error: string | null
  progress: RunProgress
  summary: { findings: number; counts: Record<string, Partial<Record<Severity, number>>> }
  findings_total?: number
  findings?: Finding[]
}

/** The share of a run done, 0–1, or null while it cannot tell. */
export function runFraction(run: Pick<Run, 'status' | 'progress'>): number | null {
  if (run.status === 'done') return 1
  const { parcels_total, parcels_done, occupations_total, occupations_done } = run.progress
  const total = (parcels_total ?? 0) + (occupations_total ?? 0)
  if (total === 0) return null
  return Math.min(1, ((parcels_done ?? 0) + (occupations_done ?? 0)) / total)
}

export function startRun(
  kinds: CheckKind[],
  scope: RunScope,
): Promise<{ run_id: number; status: Run['status'] }> {
  return request('/api/checks', { method: 'POST', body: { kinds, ...scope } })
}

/** The run with a page of its findings, their pieces included. */
export function readRun(runId: number, limit: number, signal?: AbortSignal): Promise<Run> {
  return request<Run>(`/api/checks/${runId}?limit=${limit}`, { signal })
}

export interface PreviewOverlap {
  kind: 'parcel' | 'zone'
  code: 'parcel_overlap' | 'duplicate' | 'sliver' | 'zone_overlap'
  severity: Severity
  /** null for a parcel of another town */
  parcel_code: string | null
  layer_name: string | null
  zone_class: string | null
  basis: string | null
  /** the piece, ellipsoidal on the CGCS2000 ellipsoid */
  area_m2: number
  area_mu: number
  /** the piece's share of the outline */
  ratio: number
  message: string
  geometry: Geometry
}

export interface Preview {
  valid: boolean
  invalid_reason: string | null
  invalid_location: [number, number] | null
  area_m2: number | null
  area_mu: number | null
  overlaps: PreviewOverlap[]
}

export interface PreviewRequest {
  geometry: Geometry
  category?: string | null
  intended_use?: string | null
  parcel_id?: number | null
}

export function previewChecks(body: PreviewRequest, signal?: AbortSignal): Promise<Preview> {
  return request<Preview>('/api/checks/preview', { method: 'POST', body, signal })
}

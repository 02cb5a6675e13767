// What the server keeps about one parcel beside its properties: its 四至,
// its latest check findings, its history and where it stands in the workflow.
import type { Geometry } from 'geojson'
import { request } from './http.ts'

export type Side = 'east' | 'south' | 'west' | 'north'
export const SIDES: readonly Side[] = ['east', 'south', 'west', 'north']

export interface Neighbour {
  kind: 'parcel' | 'road' | 'river' | 'village_boundary' | 'none'
  /** the parcel code, zone code or neighbouring village code */
  ref: string | null
  name: string | null
  road_class: string | null
  /** from the parcel's edge, m (EPSG:4549) */
  distance_m: number | null
  /** the side in words, in Chinese, as the dossier prints it */
  text: string
}

export interface FourSides {
  parcel_id: number
  /** how far beyond the parcel a neighbour is looked for, m */
  reach_m: number
  sides: Record<Side, Neighbour>
}

export type Severity = 'info' | 'warning' | 'conflict'

export interface Waiver {
  id: number
  approval_number: string
  approver: string
  approved_on: string
  reason: string
}

/** A check finding (API.md, "A finding"), its piece in `geometry` (EPSG:4490). */
export interface Finding {
  id: number
  run_id: number
  kind: string
  code: string
  severity: Severity
  parcel_id: number | null
  parcel_code: string | null
  other_parcel_code?: string | null
  occupation_code?: string | null
  layer_name?: string | null
  zone_class: string | null
  town?: string | null
  village?: string | null
  /** the piece, ellipsoidal on the CGCS2000 ellipsoid */
  area_m2: number | null
  area_mu: number | null
  ratio: number | null
  message: string
  waived: boolean
  waiver: Waiver | null
  geometry?: Geometry | null
}

export interface ParcelFindings {
  parcel_id: number
  /** the check kinds a finished run has covered the parcel with */
  checked: string[]
  findings: Finding[]
}

export interface Version {
  version: number
  action: 'create' | 'update' | 'delete' | 'restore'
  changed_by: string | null
  changed_at: string
  changed_fields: string[] | null
  note: string | null
}

export interface VersionDiff {
  parcel_id: number
  from: { version: number }
  to: { version: number }
  properties: { name: string; before: unknown; after: unknown }[]
  geometry: {
    changed: boolean
    area_m2_before: number
    area_m2_after: number
    area_mu_before: number
    area_mu_after: number
    added_m2: number
    removed_m2: number
  }
}

export interface Workflow {
  status: string
  notice: { id: number; posted_on: string; ends_on: string; ended: boolean } | null
  objections: { total: number; unanswered: number }
  pending: { id: number; from: string; to: string; proposed_by: string } | null
  next: {
    to: string
    name: string
    allowed: boolean
    blockers: { code: string; message: string }[]
  }[]
}

export function fourSides(id: number, signal?: AbortSignal): Promise<FourSides> {
  return request<FourSides>(`/api/parcels/${id}/four-sides`, { signal })
}

export function parcelFindings(id: number, signal?: AbortSignal): Promise<ParcelFindings> {
  return request<ParcelFindings>(`/api/parcels/${id}/findings`, { signal })
}

export function parcelHistory(id: number, signal?: AbortSignal): Promise<Version[]> {
  return request<Version[]>(`/api/parcels/${id}/history`, { signal })
}

export function versionDiff(
  id: number,
  from: number,
  to: number,
  signal?: AbortSignal,
): Promise<VersionDiff> {
  return request<VersionDiff>(`/api/parcels/${id}/history/diff?from=${from}&to=${to}`, { signal })
}

export function parcelWorkflow(id: number, signal?: AbortSignal): Promise<Workflow> {
  return request<Workflow>(`/api/parcels/${id}/transitions`, { signal })
}

/** The dossier PDF (地块核查报告), downloaded by the browser with the session cookie. */
export function dossierUrl(id: number): string {
  return `/api/parcels/${id}/report.pdf`
}

export function noticePdfUrl(noticeId: number): string {
  return `/api/notices/${noticeId}/notice.pdf`
}

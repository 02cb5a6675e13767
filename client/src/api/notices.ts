import { request } from './http.ts'

/** A village's public notice (公示) as GET /api/villages/:code/notices lists it. */
export interface NoticeSummary {
  id: number
  posted_on: string
  /** the last of its working days */
  ends_on: string
  parcel_count: number
  withdrawn_at: string | null
  notice_pdf: string
}

/** The village's notices, newest first, withdrawn ones included. */
export function villageNotices(village: string, signal?: AbortSignal): Promise<NoticeSummary[]> {
  return request<NoticeSummary[]>(`/api/villages/${encodeURIComponent(village)}/notices`, {
    signal,
  })
}

/**
 * Posts the village's public notice (公示) today: a snapshot of its parcels,
 * with where objections go (office, telephone or address).
 */
export function postNotice(village: string, objectionsTo: string): Promise<NoticeSummary> {
  return request<NoticeSummary>(`/api/villages/${encodeURIComponent(village)}/notices`, {
    method: 'POST',
    body: { objections_to: objectionsTo },
  })
}

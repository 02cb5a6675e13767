import { filterQuery, type ParcelFilter } from '../filters/filter.ts'
import { request } from './http.ts'
import type { Statistics } from '../../../server/src/reports/statistics.ts'

/** A bar's parcel count and area, and the dashboard's totals: areas ellipsoidal on the CGCS2000 ellipsoid. */
export type { Statistics, Tally } from '../../../server/src/reports/statistics.ts'

const cache = new Map<string, { answer: Promise<Statistics>; at: number }>()
/** Answers kept: the filters a session goes back and forth between. */
const CACHE_SIZE = 20
/** How long an answer is reused, ms: edits by this user or others show within it. */
const CACHE_MS = 30_000

/**
 * The statistics of the parcels matching a filter. The filter tab and the
 * dashboard ask for the same figures; one request serves both.
 */
export function statisticsFor(filter: ParcelFilter, now = Date.now()): Promise<Statistics> {
  const query = filterQuery(filter).toString()
  const cached = cache.get(query)
  if (cached && now - cached.at < CACHE_MS) return cached.answer
  const answer = request<Statistics>(`/api/statistics${query ? `?${query}` : ''}`)
  cache.delete(query)
  cache.set(query, { answer, at: now })
  answer.catch(() => cache.delete(query))
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!)
  return answer
}

/** Forgets every answer, after parcels changed. */
export function forgetStatistics(): void {
  cache.clear()
}

import { filterQuery, type ParcelFilter } from '../filters/filter.ts'
import { request } from './http.ts'

/** Parcel count and area of one bar: areas ellipsoidal on the CGCS2000 ellipsoid. */
export interface Tally {
  code: string
  name: string
  parcels: number
  area_m2: number
  area_mu: number
}

export interface Statistics {
  total: { parcels: number; area_m2: number; area_mu: number }
  by_town: Tally[]
  by_category: Tally[]
  by_status: Tally[]
  by_problem: Tally[]
}

const cache = new Map<string, Promise<Statistics>>()
/** Answers kept: the filters a session goes back and forth between. */
const CACHE_SIZE = 20

/**
 * The statistics of the parcels matching a filter. The filter tab and the
 * dashboard ask for the same figures; one request serves both.
 */
export function statisticsFor(filter: ParcelFilter): Promise<Statistics> {
  const query = filterQuery(filter).toString()
  const cached = cache.get(query)
  if (cached) return cached
  const answer = request<Statistics>(`/api/statistics${query ? `?${query}` : ''}`)
  cache.set(query, answer)
  answer.catch(() => cache.delete(query))
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!)
  return answer
}

/** Forgets every answer, after parcels changed. */
export function forgetStatistics(): void {
  cache.clear()
}

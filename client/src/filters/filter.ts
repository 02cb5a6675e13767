import { CATEGORIES } from '../../../server/src/domain/categories.ts'
import { PROBLEMS, STATUSES } from '../../../server/src/domain/workflow.ts'

/**
 * What the map, the table, the dashboard and the exports show: the filters
 * of GET /api/parcels, one value each. An absent key does not filter.
 */
export const FILTER_KEYS = ['town', 'village', 'category', 'subtype', 'status', 'problem', 'q'] as const
export type FilterKey = (typeof FILTER_KEYS)[number]
export type ParcelFilter = Partial<Record<FilterKey, string>>

/** The longest search text and subtype a filter keeps. */
const MAX_TEXT = 100

const CATEGORY_CODES = CATEGORIES.map((c) => c.code) as readonly string[]

/** Whether a value may stand for a key; a shared link with anything else is ignored. */
export function isValidValue(key: FilterKey, value: string): boolean {
  switch (key) {
    case 'town':
      return /^\d{9}$/.test(value)
    case 'village':
      return /^\d{9,15}$/.test(value)
    case 'category':
      return CATEGORY_CODES.includes(value)
    case 'status':
      return (STATUSES as readonly string[]).includes(value)
    case 'problem':
      return (PROBLEMS as readonly string[]).includes(value)
    case 'subtype':
    case 'q':
      return value.trim() !== '' && value.length <= MAX_TEXT
  }
}

/** The filter with empty and invalid values left out, search text trimmed. */
export function cleanFilter(filter: ParcelFilter): ParcelFilter {
  const clean: ParcelFilter = {}
  for (const key of FILTER_KEYS) {
    const raw = filter[key]
    if (raw === undefined) continue
    const value = key === 'q' ? raw.trim() : raw
    if (isValidValue(key, value)) clean[key] = value
  }
  return clean
}

/** `filter` with `patch` applied: undefined or '' removes a key. */
export function patchFilter(filter: ParcelFilter, patch: ParcelFilter): ParcelFilter {
  const next: ParcelFilter = { ...filter }
  for (const key of Object.keys(patch) as FilterKey[]) {
    const value = patch[key]
    if (value === undefined || value === '') delete next[key]
    else next[key] = value
  }
  return cleanFilter(next)
}

export function sameFilter(a: ParcelFilter, b: ParcelFilter): boolean {
  return FILTER_KEYS.every((key) => a[key] === b[key])
}

export function isEmptyFilter(filter: ParcelFilter): boolean {
  return FILTER_KEYS.every((key) => filter[key] === undefined)
}

/** The query of GET /api/parcels, the parcel tiles and the exports, keys in a fixed order. */
export function filterQuery(filter: ParcelFilter): URLSearchParams {
  const query = new URLSearchParams()
  const clean = cleanFilter(filter)
  for (const key of FILTER_KEYS) {
    const value = clean[key]
    if (value !== undefined) query.set(key, value)
  }
  return query
}

/** The parcel tiles' URL template for a filter; `{z}/{x}/{y}` stay as they are. */
export function parcelTileUrl(origin: string, filter: ParcelFilter): string {
  const query = filterQuery(filter).toString()
  return `${origin}/tiles/parcels/{z}/{x}/{y}.mvt${query ? `?${query}` : ''}`
}

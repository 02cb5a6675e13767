import { cleanFilter, FILTER_KEYS, filterQuery, type ParcelFilter } from './filter.ts'

/** What a shared link restores: the view, the filter, the open tab and the selected parcel. */
export interface UrlState {
  /** centre lon/lat in degrees (EPSG:4490) and zoom */
  view: { center: [number, number]; zoom: number } | null
  filter: ParcelFilter
  tab: string | null
  parcel: number | null
}

/**
 * The view in the hash as MapLibre writes it, `#zoom/lat/lon`; the rest in
 * the query, `?category=…&town=…&tab=…&parcel=…`.
 */
export function parseUrl(search: string, hash: string): UrlState {
  const query = new URLSearchParams(search)
  const filter: ParcelFilter = {}
  for (const key of FILTER_KEYS) {
    const value = query.get(key)
    if (value !== null) filter[key] = value
  }
  const tab = query.get('tab')
  const parcel = query.get('parcel')
  return {
    view: parseView(hash),
    filter: cleanFilter(filter),
    tab: tab !== null && /^[a-z][a-z0-9-]{0,30}$/.test(tab) ? tab : null,
    parcel: parcel !== null && /^\d{1,9}$/.test(parcel) ? Number(parcel) : null,
  }
}

function parseView(hash: string): UrlState['view'] {
  const parts = hash.replace(/^#/, '').split('/')
  if (parts.length < 3) return null
  const [zoom, lat, lon] = parts.slice(0, 3).map((p) => (p.trim() === '' ? NaN : Number(p)))
  const ok =
    Number.isFinite(zoom) && zoom! >= 0 && zoom! <= 24 &&
    Number.isFinite(lat) && Math.abs(lat!) <= 90 &&
    Number.isFinite(lon) && Math.abs(lon!) <= 180
  return ok ? { center: [lon!, lat!], zoom: zoom! } : null
}

/** The hash of a view: zoom to 0.01, degrees to 6 decimals (~0.1 m). */
export function formatView(view: NonNullable<UrlState['view']>): string {
  const round = (value: number, digits: number) => Number(value.toFixed(digits))
  return `#${round(view.zoom, 2)}/${round(view.center[1], 6)}/${round(view.center[0], 6)}`
}

export function formatUrl(state: UrlState): { search: string; hash: string } {
  const query = filterQuery(state.filter)
  if (state.tab) query.set('tab', state.tab)
  if (state.parcel !== null) query.set('parcel', String(state.parcel))
  const search = query.toString()
  return { search: search ? `?${search}` : '', hash: state.view ? formatView(state.view) : '' }
}

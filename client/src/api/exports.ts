// The download addresses of the exports and reports (GET, with the session
// cookie): the browser saves them straight to disk as they stream.

export type ParcelExportFormat = 'geojson' | 'zip' | 'xlsx' | 'csv'

export interface ShapefileOptions {
  /** 4490 lon/lat degrees, 4549 Gauss-Krüger CM 120°E metres */
  srid: '4490' | '4549'
  encoding: 'gbk' | 'utf-8'
}

/** GET /api/exports/parcels.<format> with the filter of the map (the query of GET /api/parcels). */
export function parcelExportUrl(
  format: ParcelExportFormat,
  filter: URLSearchParams,
  shapefile?: ShapefileOptions,
): string {
  const query = new URLSearchParams(filter)
  if (format === 'zip' && shapefile) {
    query.set('srid', shapefile.srid)
    query.set('encoding', shapefile.encoding)
  }
  const text = query.toString()
  return `/api/exports/parcels.${format}${text ? `?${text}` : ''}`
}

export function ledgerUrl(
  level: 'villages' | 'towns',
  code: string,
  format: 'xlsx' | 'pdf',
): string {
  return `/api/${level}/${encodeURIComponent(code)}/ledger.${format}`
}

export function villageDossiersUrl(village: string): string {
  return `/api/villages/${encodeURIComponent(village)}/dossiers.zip`
}

// The GeoJSON export: one FeatureCollection (RFC 7946) in CGCS2000
// longitude/latitude, EPSG:4490, with the foreign member "srid": 4490 as
// GET /api/parcels writes it. Each feature is exactly the one the parcel
// API returns, geometry to 1e-9° (about 0.1 mm).
import { featureJson, PARCEL_COLUMNS, type ParcelRow } from '../parcels/feature.ts'
import type { TextFormat } from './respond.ts'

export const GEOJSON_SELECT = PARCEL_COLUMNS
export const GEOJSON_FROM = 'parcels p'

export const GEOJSON_FORMAT: TextFormat<ParcelRow> = {
  contentType: 'application/geo+json; charset=utf-8',
  head: '{"type":"FeatureCollection","name":"parcels","srid":4490,"features":[\n',
  page: (rows, first) => (first ? '' : ',\n') + rows.map(featureJson).join(',\n'),
  tail: '\n]}\n',
}

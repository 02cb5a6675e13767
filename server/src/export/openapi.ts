// The OpenAPI entries of the export routes, with the DBF field names of
// the Shapefile export, generated from the same column table the writers use.
import { EXPORT_COLUMNS } from './columns.ts'

const ATTACHMENT =
  'an attachment named parcels[-<town or village code>]-YYYYMMDD.<ext> (date in China Standard Time)'

function fieldMapping(): string {
  const rows = EXPORT_COLUMNS.map((c) => `| ${c.gbk} | ${c.ascii} | ${c.header} | ${c.meaning} |`)
  return [
    '| DBF name, GBK | DBF name, UTF-8 | CSV/XLSX header | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n')
}

function operation(
  summary: string,
  description: string,
  parameters: object[],
  contentType: string,
  errors: object,
) {
  return {
    get: {
      summary,
      description,
      parameters,
      responses: {
        '200': {
          description: ATTACHMENT,
          content: { [contentType]: { schema: { type: 'string', format: 'binary' } } },
        },
        '400': {
          description: 'bad parameter',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        ...errors,
      },
    },
  }
}

const COMMON =
  'The parcels GET /api/parcels lists for the same filters, within the caller’s town scope, all of them ' +
  '(no limit or offset), streamed page by page. Category, status and problems are written in Chinese; ' +
  'areas say their unit: 申报面积(亩) declared, 面积(亩) and 面积(平方米) measured (ellipsoidal, CGCS2000). ' +
  'POST /api/imports reads the GeoJSON, CSV and Shapefile exports back.'

export function exportPaths(filters: object[], errors: object): Record<string, object> {
  const srid = {
    name: 'srid',
    in: 'query',
    schema: { type: 'integer', enum: [4490, 4549], default: 4490 },
    description:
      '4490: CGCS2000 lon/lat degrees; 4549: CGCS2000 3-degree Gauss-Krüger CM 120°E metres (ST_Transform in PostGIS)',
  }
  const encoding = {
    name: 'encoding',
    in: 'query',
    schema: { type: 'string', enum: ['gbk', 'utf-8'], default: 'gbk' },
    description: 'DBF code page, written to the .cpg',
  }
  return {
    '/api/exports/parcels.geojson': operation(
      'Parcels as one GeoJSON FeatureCollection',
      `${COMMON} RFC 7946, EPSG:4490 with the foreign member "srid": 4490; each feature as GET /api/parcels gives it.`,
      filters,
      'application/geo+json',
      errors,
    ),
    '/api/exports/parcels.csv': operation(
      'Parcels as CSV with a WKT geometry column',
      `${COMMON} RFC 4180, UTF-8 with a byte-order mark, CRLF; Chinese headers; geometry as WKT in EPSG:4490 in the column WKT (read by GDAL).`,
      filters,
      'text/csv',
      errors,
    ),
    '/api/exports/parcels.xlsx': operation(
      'The ledger (台账) as an Excel workbook',
      `${COMMON} Sheet 台账: one row per parcel, Chinese headers, areas to 0.00. Sheet 汇总: totals per village, per town and overall (count, 亩, m²).`,
      filters,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      errors,
    ),
    '/api/exports/parcels.zip': operation(
      'Parcels as a zipped ESRI Shapefile',
      `${COMMON} Members .shp/.shx/.dbf/.prj/.cpg and README.txt (this table). Text longer than 254 bytes is cut, as a DBF holds no more.\n\n${fieldMapping()}`,
      [...filters, srid, encoding],
      'application/zip',
      errors,
    ),
  }
}

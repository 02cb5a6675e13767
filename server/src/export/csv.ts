// The CSV export (RFC 4180): UTF-8 with a byte-order mark so Excel reads
// the Chinese, CRLF line ends, Chinese headers that say their units, and
// the geometry as WKT in CGCS2000 longitude/latitude (EPSG:4490) in a
// column named WKT, the name GDAL's CSV driver and our importer look for.
import { EXPORT_COLUMNS, type Cell } from './columns.ts'
import type { TextFormat } from './respond.ts'
import { EXPORT_SELECT, type ExportRow } from './rows.ts'

const BOM = '\uFEFF'
export const WKT_HEADER = 'WKT'

// 9 decimals of a degree: about 0.1 mm, as the GeoJSON export.
export const CSV_SELECT = `${EXPORT_SELECT}, ST_AsText(p.geom, 9) AS geometry`

// Spreadsheets run a cell that starts with one of these as a formula (CSV
// injection, OWASP): such text gets a leading apostrophe, which Excel hides
// and our importer takes off again (import/csv.ts).
export const FORMULA_START = /^[=+\-@\t\r]/

/** One field, quoted when it holds a comma, a quote or a line break (RFC 4180 §2). */
export function csvField(value: Cell): string {
  if (value === null) return ''
  const raw = String(value)
  const text = typeof value === 'string' && FORMULA_START.test(raw) ? `'${raw}` : raw
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvLine(values: readonly Cell[]): string {
  return values.map(csvField).join(',') + '\r\n'
}

function rowLine(row: ExportRow<string>): string {
  return csvLine([...EXPORT_COLUMNS.map((c) => c.value(row)), row.geometry])
}

export const CSV_FORMAT: TextFormat<ExportRow<string>> = {
  contentType: 'text/csv; charset=utf-8; header=present',
  head: BOM + csvLine([...EXPORT_COLUMNS.map((c) => c.header), WKT_HEADER]),
  page: (rows) => rows.map(rowLine).join(''),
  tail: '',
}

// A CSV reader (RFC 4180, as Excel, GDAL and our own export write it): a
// header row, then one feature a row, its geometry as WKT in a column named
// WKT (or geometry, 几何 …). Text is UTF-8 with or without a byte-order
// mark; a file that is not valid UTF-8 is read as GBK, which Excel on a
// Chinese Windows writes. Cells are text; empty cells are null.
import { FORMULA_START } from '../export/csv.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { knownCrs, type SourceCrs } from './crs-detect.ts'
import { decodeText, guessText, readCodePage, utf8ErrorAt } from './encoding.ts'
import { featureProblem, type SourceFeature } from './problems.ts'
import type { EncodingSource, FeatureProblem, ReadOptions } from './types.ts'
import { parseWktGeometry, WktError } from './wkt-geometry.ts'

export interface CsvLayer {
  layerName: string
  features: SourceFeature[]
  problems: FeatureProblem[]
  /** from an EWKT "SRID=n;" prefix shared by every row; else judged from the coordinates */
  crs: SourceCrs | null
  encoding: string
  encodingSource: EncodingSource
  warnings: string[]
}

/** Geometry column names, compared in lower case. */
const GEOMETRY_COLUMNS = [
  'wkt',
  'wkt_geom',
  'geometry',
  'geom',
  'the_geom',
  'shape',
  '几何',
  '几何图形',
  '图形',
]

const BOM = [0xef, 0xbb, 0xbf]

export function isCsvName(fileName: string): boolean {
  return /\.csv$/i.test(fileName)
}

export function readCsv(bytes: Uint8Array, options: ReadOptions): CsvLayer {
  const { fileName } = options
  const fail = (reason: string) => new AppError('invalid_csv', { file: quote(fileName), reason })
  const warnings: string[] = []
  const decoded = decode(bytes, options, warnings)
  const records = parseRecords(decoded.text, delimiterOf(decoded.text))
  const header = records.shift()
  if (!header || header.cells.every((c) => c.trim() === '')) throw fail('it has no header row')
  const names = uniqueNames(header.cells.map((c) => c.trim()))
  const wkt = names.findIndex((n) => GEOMETRY_COLUMNS.includes(n.toLowerCase()))
  if (wkt < 0) throw fail(`no WKT geometry column among ${names.slice(0, 30).join(', ')}`)
  if (records.length > options.limits.maxFeatures) {
    throw new AppError('too_many_features', {
      file: quote(fileName),
      count: records.length,
      limit: options.limits.maxFeatures,
    })
  }
  const layer = readRows(records, names, wkt)
  return {
    layerName: fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, ''),
    ...layer,
    crs: sharedCrs(layer.srids, warnings),
    encoding: decoded.encoding,
    encodingSource: decoded.source,
    warnings,
  }
}

interface Decoded {
  text: string
  encoding: string
  source: EncodingSource
}

/** The caller's encoding; else UTF-8 (BOM dropped) when valid; else GBK. */
function decode(bytes: Uint8Array, options: ReadOptions, warnings: string[]): Decoded {
  const bom = BOM.every((b, i) => bytes[i] === b)
  const body = bom ? bytes.subarray(3) : bytes
  if (options.encoding !== undefined) {
    const reading = readCodePage(options.encoding)
    if (!reading.ok) {
      throw new AppError('invalid_parameter', {
        field: 'encoding',
        value: quote(options.encoding),
        reason: reading.reason,
      })
    }
    return { text: decodeText(body, reading.encoding), encoding: reading.encoding, source: 'given' }
  }
  if (utf8ErrorAt(body) < 0)
    return { text: new TextDecoder('utf-8').decode(body), encoding: 'utf-8', source: 'detected' }
  const guess = guessText([body])
  warnings.push(
    guess === 'gbk'
      ? `${options.fileName} is not UTF-8; its text reads as GBK`
      : `${options.fileName} is neither UTF-8 nor clearly GBK; read as GBK: give the encoding if it looks wrong`,
  )
  return { text: decodeText(body, 'gbk'), encoding: 'gbk', source: 'detected' }
}

/** Comma, unless the header line has none and has tabs or semicolons (Excel's "Unicode text"). */
function delimiterOf(text: string): string {
  const firstLine = text.slice(0, text.search(/\r|\n|$/))
  if (firstLine.includes(',')) return ','
  if (firstLine.includes('\t')) return '\t'
  return firstLine.includes(';') ? ';' : ','
}

interface CsvRecord {
  /** 1-based line number where the record starts */
  line: number
  cells: string[]
}

/**
 * Records of RFC 4180 text: fields may be quoted, a quote inside doubled,
 * and quoted fields may hold line breaks. CRLF and LF both end a record;
 * blank lines are skipped.
 */
export function parseRecords(text: string, delimiter = ','): CsvRecord[] {
  const records: CsvRecord[] = []
  let cells: string[] = []
  let line = 1
  let start = 1
  let at = 0
  const endRecord = () => {
    if (cells.length > 1 || cells[0] !== '') records.push({ line: start, cells })
    cells = []
  }
  while (at <= text.length) {
    let cell = ''
    if (text[at] === '"') {
      ;[cell, at] = quoted(text, at)
      line += cell.split('\n').length - 1
    }
    const end = nextStop(text, at, delimiter)
    cell += text.slice(at, end)
    cells.push(cell)
    at = end
    if (text[at] === delimiter) {
      at++
      continue
    }
    if (text[at] === '\r' && text[at + 1] === '\n') at++
    at++
    endRecord()
    start = ++line
  }
  return records
}

/** A quoted field from its opening quote: its text and where it ends (after the closing quote). */
function quoted(text: string, open: number): [string, number] {
  let cell = ''
  let from = open + 1
  for (;;) {
    const quote = text.indexOf('"', from)
    if (quote < 0) return [cell + text.slice(from), text.length] // unclosed: to the end
    cell += text.slice(from, quote)
    if (text[quote + 1] !== '"') return [cell, quote + 1]
    cell += '"'
    from = quote + 2
  }
}

function nextStop(text: string, from: number, delimiter: string): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i]
    if (c === delimiter || c === '\n' || c === '\r') return i
  }
  return text.length
}

/** Two columns of the same name keep both: the second becomes NAME_2. */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>()
  return names.map((name, i) => {
    let unique = name || `FIELD_${i + 1}`
    for (let n = 2; seen.has(unique); n++) unique = `${name}_${n}`
    seen.add(unique)
    return unique
  })
}

/** A cell's text; the apostrophe the CSV export puts before formula-like text is taken off. */
function cellValue(cell: string | undefined): string | null {
  if (cell === undefined || cell === '') return null
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell
}

function readRows(records: readonly CsvRecord[], names: readonly string[], wkt: number) {
  const features: SourceFeature[] = []
  const problems: FeatureProblem[] = []
  const srids = new Set<number>()
  records.forEach((record, index) => {
    const properties: Record<string, unknown> = {}
    names.forEach((name, i) => {
      if (i !== wkt) properties[name] = cellValue(record.cells[i])
    })
    const feature: SourceFeature = { index, geometry: null, properties }
    const report = (code: FeatureProblem['code'], en: string, zh: string) =>
      problems.push(
        featureProblem(feature, code, {
          en: `line ${record.line}: ${en}`,
          zh: `第 ${record.line} 行：${zh}`,
        }),
      )
    if (record.cells.length > names.length) {
      report(
        'malformed_feature',
        `${record.cells.length} fields, the header has ${names.length}`,
        `有 ${record.cells.length} 个字段，表头只有 ${names.length} 个`,
      )
      return
    }
    const text = record.cells[wkt]?.trim() ?? ''
    if (text !== '') {
      try {
        const parsed = parseWktGeometry(text)
        feature.geometry = parsed.geometry
        if (parsed.srid !== undefined) srids.add(parsed.srid)
      } catch (error) {
        if (!(error instanceof WktError)) throw error
        report(
          'malformed_geometry',
          `its WKT cannot be read: ${error.message}`,
          `WKT 无法读取：${error.message}`,
        )
        return
      }
    }
    features.push(feature)
  })
  return { features, problems, srids }
}

/** The CRS every EWKT row names; null (judged from the coordinates) otherwise. */
function sharedCrs(srids: ReadonlySet<number>, warnings: string[]): SourceCrs | null {
  if (srids.size === 0) return null
  const [srid] = srids
  if (srids.size > 1) {
    warnings.push(
      `the rows name several SRIDs (${[...srids].join(', ')}); the CRS is judged from the coordinates`,
    )
    return null
  }
  const crs = knownCrs(srid!)
  if (!crs) throw new AppError('unsupported_crs', { crs: `EPSG:${srid}`, source: 'EWKT' })
  return crs
}

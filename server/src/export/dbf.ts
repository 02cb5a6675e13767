// A dBase III table (.dbf) writer for Shapefile attributes, with the text
// encoded by iconv-lite in GBK or UTF-8.
//
// Layout (dBase III / ESRI Shapefile spec): a 32-byte header, one 32-byte
// descriptor per field, a 0x0D terminator, fixed-width records each led by
// a deletion flag, and a 0x1A end-of-file byte. Readers such as shpjs find
// the first record by counting descriptors, so the header has no extra bytes.
import iconv from 'iconv-lite'

export type DbfEncoding = 'GBK' | 'UTF-8'

export type DbfFieldType = 'C' | 'N' | 'L'

export interface DbfField {
  /** the property this column holds */
  source: string
  /** the column name as stored: at most 10 bytes in the table's encoding */
  name: string
  type: DbfFieldType
  length: number
  decimals: number
}

export interface DbfOptions {
  encoding: DbfEncoding
  /** properties to write, in this order; default: all, by first appearance */
  fields?: readonly string[]
  /** the "last update" date in the header; default: today */
  date?: Date
}

export interface DbfTable {
  bytes: Uint8Array
  fields: DbfField[]
  /** property name → column name, for every column */
  fieldMap: Record<string, string>
}

export type DbfRow = Readonly<Record<string, unknown>>

/**
 * Language-driver ids (header byte 29). 0x4D is ESRI's "Chinese GBK (PRC)",
 * code page 936. UTF-8 has no id: GDAL writes 0 and relies on the .cpg
 * (0x57 would tell GDAL the table is ISO-8859-1).
 */
export const LANGUAGE_DRIVER: Readonly<Record<DbfEncoding, number>> = {
  GBK: 0x4d,
  'UTF-8': 0x00,
}

const NAME_BYTES = 10
const CHAR_MAX = 254
// dBase III numeric columns hold at most 19 characters, sign and point included
const NUMERIC_MAX = 19
const DECIMALS_MAX = 8
const HEADER_BYTES = 32
const DESCRIPTOR_BYTES = 32

export function writeDbf(rows: readonly DbfRow[], options: DbfOptions): DbfTable {
  const sources = options.fields ?? propertyNames(rows)
  const names = dbfFieldNames(sources, options.encoding)
  const fields = sources.map((source, i) =>
    describeField(source, names[i] ?? source, rows, options.encoding),
  )
  const bytes = encodeTable(rows, fields, options)
  const fieldMap = Object.fromEntries(fields.map((f) => [f.source, f.name]))
  return { bytes, fields, fieldMap }
}

function propertyNames(rows: readonly DbfRow[]): string[] {
  const seen = new Set<string>()
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key)
  return [...seen]
}

export function byteLength(text: string, encoding: DbfEncoding): number {
  return iconv.encode(text, encoding).length
}

/**
 * Cut text to at most `maxBytes` in the encoding without splitting a
 * character (a GBK character is 2 bytes, a CJK one in UTF-8 is 3).
 */
export function truncateToBytes(text: string, maxBytes: number, encoding: DbfEncoding): string {
  if (byteLength(text, encoding) <= maxBytes) return text
  let kept = ''
  let used = 0
  for (const char of text) {
    const size = byteLength(char, encoding)
    if (used + size > maxBytes) break
    kept += char
    used += size
  }
  return kept
}

/**
 * Column names of at most 10 bytes, unique regardless of case (GDAL and
 * ArcGIS compare them that way). A long name is cut on a character
 * boundary; a clash gets a numeric suffix `_1`, `_2`… in place of its tail.
 */
export function dbfFieldNames(sources: readonly string[], encoding: DbfEncoding): string[] {
  const taken = new Set<string>()
  return sources.map((source) => {
    const clean = source.replace(/\0/g, '').trim() || 'FIELD'
    let name = truncateToBytes(clean, NAME_BYTES, encoding)
    for (let n = 1; taken.has(name.toUpperCase()); n++) {
      const suffix = `_${n}`
      name = truncateToBytes(clean, NAME_BYTES - suffix.length, encoding) + suffix
    }
    taken.add(name.toUpperCase())
    return name
  })
}

function describeField(
  source: string,
  name: string,
  rows: readonly DbfRow[],
  encoding: DbfEncoding,
): DbfField {
  const values = rows.map((row) => row[source]).filter((v) => v !== null && v !== undefined)
  if (values.length > 0 && values.every((v) => typeof v === 'boolean')) {
    return { source, name, type: 'L', length: 1, decimals: 0 }
  }
  if (values.length > 0 && values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const numeric = numericLayout(values as number[])
    if (numeric) return { source, name, type: 'N', ...numeric }
  }
  const longest = Math.max(1, ...values.map((v) => byteLength(asText(v), encoding)))
  return { source, name, type: 'C', length: Math.min(longest, CHAR_MAX), decimals: 0 }
}

/** Fewest decimals that keep every value exact (up to 8); null if too wide. */
function numericLayout(values: readonly number[]): { length: number; decimals: number } | null {
  let decimals = 0
  for (const v of values) {
    while (decimals < DECIMALS_MAX && Number(v.toFixed(decimals)) !== v) decimals++
  }
  for (; decimals >= 0; decimals--) {
    const length = Math.max(...values.map((v) => v.toFixed(decimals).length))
    if (length <= NUMERIC_MAX) return { length, decimals }
  }
  return null
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value) ?? ''
}

function encodeTable(rows: readonly DbfRow[], fields: readonly DbfField[], options: DbfOptions) {
  const headerLength = HEADER_BYTES + DESCRIPTOR_BYTES * fields.length + 1
  const recordLength = 1 + fields.reduce((sum, f) => sum + f.length, 0)
  const out = new Uint8Array(headerLength + recordLength * rows.length + 1)
  writeHeader(out, rows.length, headerLength, recordLength, options)
  fields.forEach((field, i) =>
    writeDescriptor(out, HEADER_BYTES + i * DESCRIPTOR_BYTES, field, options.encoding),
  )
  out[headerLength - 1] = 0x0d
  rows.forEach((row, i) =>
    writeRecord(out, headerLength + i * recordLength, row, fields, options.encoding),
  )
  out[out.length - 1] = 0x1a
  return out
}

export function writeHeader(
  out: Uint8Array,
  count: number,
  headerLength: number,
  recordLength: number,
  options: DbfOptions,
): void {
  const view = new DataView(out.buffer)
  const date = options.date ?? new Date()
  out[0] = 0x03 // dBase III without memo
  out[1] = date.getUTCFullYear() - 1900
  out[2] = date.getUTCMonth() + 1
  out[3] = date.getUTCDate()
  view.setUint32(4, count, true)
  view.setUint16(8, headerLength, true)
  view.setUint16(10, recordLength, true)
  out[29] = LANGUAGE_DRIVER[options.encoding]
}

export function writeDescriptor(out: Uint8Array, offset: number, field: DbfField, encoding: DbfEncoding) {
  out.set(iconv.encode(field.name, encoding), offset) // NUL-padded: the array starts zeroed
  out[offset + 11] = field.type.charCodeAt(0)
  out[offset + 16] = field.length
  out[offset + 17] = field.decimals
}

function writeRecord(
  out: Uint8Array,
  offset: number,
  row: DbfRow,
  fields: readonly DbfField[],
  encoding: DbfEncoding,
): void {
  out[offset] = 0x20 // not deleted
  let at = offset + 1
  for (const field of fields) {
    out.fill(0x20, at, at + field.length)
    out.set(cellBytes(row[field.source], field, encoding), at)
    at += field.length
  }
}

/** The bytes of one cell, already padded for N (right-aligned) columns. */
function cellBytes(value: unknown, field: DbfField, encoding: DbfEncoding): Uint8Array {
  if (value === null || value === undefined) {
    return field.type === 'L' ? iconv.encode('?', 'ascii') : new Uint8Array(0)
  }
  if (field.type === 'L') return iconv.encode(value ? 'T' : 'F', 'ascii')
  if (field.type === 'N') {
    const text = (value as number).toFixed(field.decimals).padStart(field.length)
    return iconv.encode(text, 'ascii')
  }
  return iconv.encode(truncateToBytes(asText(value), field.length, encoding), encoding)
}

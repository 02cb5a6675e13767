// The DBF of the streaming Shapefile export, written record by record.
// A dBase table has fixed-width records, so the widths come first: one
// aggregate query measures the longest value of each text column among
// the parcels to export, and the record count is patched into the header
// at the end. Header layout and descriptors are dbf.ts's.
import iconv from 'iconv-lite'
import { ident, type Queryable } from '../db/db.ts'
import type { Where } from '../parcels/list.ts'
import { EXPORT_COLUMNS, type Cell, type ExportColumn } from './columns.ts'
import {
  byteLength,
  truncateToBytes,
  writeDescriptor,
  writeHeader,
  type DbfEncoding,
  type DbfField,
} from './dbf.ts'
import { EXPORT_FROM } from './rows.ts'

const HEADER_BYTES = 32
const DESCRIPTOR_BYTES = 32
const CHAR_MAX = 254
// dBase III numbers hold at most 19 characters; areas to 1e10 m² fit in 18
const NUMBER_LENGTH = 18

export interface DbfLayout {
  encoding: DbfEncoding
  fields: DbfField[]
  headerLength: number
  recordLength: number
}

/** Text cells cut to their column width (a DBF text column holds 254 bytes at most). */
export interface DbfStats {
  truncated: number
}

/**
 * The widest value of each database text column among the matching
 * parcels, in bytes. UTF-8 is the database's own encoding (octet_length).
 * A GBK character takes 2 bytes and ASCII 1, so least(UTF-8 bytes,
 * 2 × characters) bounds the GBK length from above.
 */
export async function textWidths(
  db: Queryable,
  where: Where,
  encoding: DbfEncoding,
): Promise<Record<string, number | null>> {
  const bytes = (sql: string) =>
    encoding === 'GBK'
      ? `least(octet_length(${sql}), 2 * char_length(${sql}))`
      : `octet_length(${sql})`
  const measured = EXPORT_COLUMNS.filter((c) => c.sql !== undefined)
  const list = measured.map((c) => `max(${bytes(c.sql!)})::int AS ${ident(c.key)}`).join(', ')
  const { rows } = await db.query<Record<string, number | null>>(
    `SELECT ${list} FROM ${EXPORT_FROM} ${where}`,
    where.params,
  )
  return rows[0] ?? {}
}

export function dbfLayout(encoding: DbfEncoding, widths: Record<string, number | null>): DbfLayout {
  const fields = EXPORT_COLUMNS.map((column) =>
    describe(column, encoding, widths[column.key] ?? null),
  )
  return {
    encoding,
    fields,
    headerLength: HEADER_BYTES + DESCRIPTOR_BYTES * fields.length + 1,
    recordLength: 1 + fields.reduce((n, f) => n + f.length, 0),
  }
}

function describe(column: ExportColumn, encoding: DbfEncoding, measured: number | null): DbfField {
  const name = encoding === 'GBK' ? column.gbk : column.ascii
  if (column.decimals !== undefined) {
    return { source: column.key, name, type: 'N', length: NUMBER_LENGTH, decimals: column.decimals }
  }
  const widest = column.values
    ? Math.max(...column.values.map((v) => byteLength(v, encoding)))
    : (measured ?? 1)
  return {
    source: column.key,
    name,
    type: 'C',
    length: Math.min(Math.max(widest, 1), CHAR_MAX),
    decimals: 0,
  }
}

/** Header and field descriptors, with the record count known at the end. */
export function dbfHeader(layout: DbfLayout, count: number, date: Date): Uint8Array {
  const out = new Uint8Array(layout.headerLength)
  writeHeader(out, count, layout.headerLength, layout.recordLength, {
    encoding: layout.encoding,
    date,
  })
  layout.fields.forEach((field, i) =>
    writeDescriptor(out, HEADER_BYTES + DESCRIPTOR_BYTES * i, field, layout.encoding),
  )
  out[layout.headerLength - 1] = 0x0d
  return out
}

/** The records of a page of rows, each a list of cells in EXPORT_COLUMNS order. */
export function dbfRecords(
  layout: DbfLayout,
  rows: readonly (readonly Cell[])[],
  stats: DbfStats,
): Buffer {
  const out = Buffer.alloc(layout.recordLength * rows.length, 0x20) // blank-padded, not deleted
  rows.forEach((cells, r) => {
    let at = r * layout.recordLength + 1
    layout.fields.forEach((field, i) => {
      const bytes = cellBytes(cells[i] ?? null, field, layout.encoding, stats)
      // numbers right-aligned, text left-aligned
      out.set(bytes, field.type === 'N' ? at + field.length - bytes.length : at)
      at += field.length
    })
  })
  return out
}

function cellBytes(
  value: Cell,
  field: DbfField,
  encoding: DbfEncoding,
  stats: DbfStats,
): Uint8Array {
  if (value === null) return new Uint8Array(0)
  if (field.type === 'N') {
    const text = Number(value).toFixed(field.decimals)
    // dBase writes asterisks for a number too wide for its column
    return Buffer.from(text.length <= field.length ? text : '*'.repeat(field.length), 'latin1')
  }
  const bytes = iconv.encode(String(value), encoding)
  if (bytes.length <= field.length) return bytes
  stats.truncated++
  return iconv.encode(truncateToBytes(String(value), field.length, encoding), encoding)
}

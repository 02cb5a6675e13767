// Rows in PostgreSQL's binary COPY format (PostgreSQL documentation, COPY,
// "Binary Format"): an 11-byte signature, flags and header-extension length,
// then per row a 16-bit field count and per field a 32-bit byte length (−1
// for NULL) and the value in the type's binary form (network byte order);
// a count of −1 ends the data. The server reads it without parsing text:
// no hex geometry to decode, no numbers to parse, no JSON to unpack.
import type { Geometry } from 'geojson'
import { ewkbSize, writeEwkb } from '../geo/wkb.ts'

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00] // PGCOPY\n\377\r\n\0
const TEXT_OID = 25
const JSONB_VERSION = 1
// Bytes a chunk of COPY data holds before a new one is started.
const CHUNK_BYTES = 1 << 20

export class BinaryCopyWriter {
  private readonly chunks: Uint8Array[] = []
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES)
  private view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength)
  private at = 0
  /** rows written so far */
  rows = 0

  constructor() {
    this.reserve(SIGNATURE.length + 8)
    this.buffer.set(SIGNATURE, 0)
    this.view.setInt32(11, 0) // flags: no OIDs
    this.view.setInt32(15, 0) // no header extension
    this.at = SIGNATURE.length + 8
  }

  /** Starts a row of `fields` values. */
  row(fields: number): this {
    this.reserve(2)
    this.view.setInt16(this.at, fields)
    this.at += 2
    this.rows++
    return this
  }

  null(): this {
    this.reserve(4)
    this.view.setInt32(this.at, -1)
    this.at += 4
    return this
  }

  int4(value: number): this {
    this.reserve(8)
    this.view.setInt32(this.at, 4)
    this.view.setInt32(this.at + 4, value)
    this.at += 8
    return this
  }

  float8(value: number | null | undefined): this {
    if (value === null || value === undefined) return this.null()
    this.reserve(12)
    this.view.setInt32(this.at, 8)
    this.view.setFloat64(this.at + 4, value)
    this.at += 12
    return this
  }

  text(value: string | null | undefined): this {
    if (value === null || value === undefined) return this.null()
    this.reserve(4 + 3 * value.length)
    this.putText(value)
    return this
  }

  /** jsonb's binary form: a version byte, then the JSON text. */
  jsonb(value: unknown): this {
    if (value === null || value === undefined) return this.null()
    const json = JSON.stringify(value)
    this.reserve(5 + 3 * json.length)
    this.buffer[this.at + 4] = JSONB_VERSION
    const length = this.buffer.write(json, this.at + 5, 'utf8')
    this.view.setInt32(this.at, length + 1)
    this.at += 5 + length
    return this
  }

  /** A one-dimensional text[] (array_recv: dimensions, null flag, element type, bounds, elements). */
  textArray(values: readonly string[] | null | undefined): this {
    if (values === null || values === undefined) return this.null()
    this.reserve(4 + 20 + values.reduce((n, v) => n + 4 + 3 * v.length, 0))
    const start = this.at
    this.view.setInt32(this.at + 4, values.length === 0 ? 0 : 1)
    this.view.setInt32(this.at + 8, 0)
    this.view.setInt32(this.at + 12, TEXT_OID)
    this.at += 16
    if (values.length > 0) {
      this.view.setInt32(this.at, values.length)
      this.view.setInt32(this.at + 4, 1)
      this.at += 8
    }
    for (const value of values) this.putText(value)
    this.view.setInt32(start, this.at - start - 4)
    return this
  }

  /** A geometry as EWKB with its SRID (geometry_recv reads EWKB). */
  ewkb(geometry: Geometry, srid: number): this {
    const size = ewkbSize(geometry)
    this.reserve(4 + size)
    this.view.setInt32(this.at, size)
    this.at = writeEwkb(this.view, this.at + 4, geometry, srid)
    return this
  }

  /** The data so far, ended by the trailer: chunks to send in order. */
  finish(): Uint8Array[] {
    this.reserve(2)
    this.view.setInt16(this.at, -1)
    this.at += 2
    this.flush()
    return this.chunks
  }

  /** A length and the UTF-8 bytes; the room is reserved by the caller (3 bytes a UTF-16 unit at most). */
  private putText(value: string): void {
    const length = this.buffer.write(value, this.at + 4, 'utf8')
    this.view.setInt32(this.at, length)
    this.at += 4 + length
  }

  /** Makes room for `bytes` in the current chunk, starting a new chunk when it is full. */
  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return
    this.flush()
    this.buffer = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes))
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength)
    this.at = 0
  }

  private flush(): void {
    if (this.at > 0) this.chunks.push(this.buffer.subarray(0, this.at))
  }
}

// Reads the members of an uploaded zip without trusting it: the central
// directory is checked against the limits before anything is inflated, and
// inflating stops at the bytes left under the limit, so a member whose
// header understates its size (a zip bomb) is stopped there, not held in
// memory.
//
// Layout: PKWARE APPNOTE 6.3.10, sections 4.3.7 (local header), 4.3.12
// (central directory), 4.3.14–16 (ZIP64 end records) and 4.5.3 (ZIP64
// extra field).
import buffer from 'node:buffer'
import zlib from 'node:zlib'
import { AppError, quote } from '../errors/app-error.ts'
import { decodeName } from './encoding.ts'
import type { ImportLimits } from './types.ts'

export interface ZipEntry {
  name: string
  method: number
  flags: number
  crc: number
  compressedSize: number
  size: number
  localOffset: number
}

const EOCD_SIG = 0x06054b50
const ZIP64_LOCATOR_SIG = 0x07064b50
const ZIP64_EOCD_SIG = 0x06064b50
const CENTRAL_SIG = 0x02014b50
const LOCAL_SIG = 0x04034b50
const EOCD_BYTES = 22
const MAX_COMMENT = 0xffff
const STORED = 0
const DEFLATED = 8
const FLAG_ENCRYPTED = 0x1
const FLAG_UTF8 = 0x800
/** A zip by its first four bytes: a local header, or the end record of an empty zip. */
export function isZip(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false
  const signature = view(bytes).getUint32(0, true)
  return signature === LOCAL_SIG || signature === EOCD_SIG
}

export interface Unzipped {
  /** the wanted members, unpacked, keyed by their path in the zip */
  members: Map<string, Uint8Array>
  /** every entry's path, for messages about what the zip holds */
  names: string[]
}

/** Unpacks the members whose paths `wanted` accepts; folders are skipped. */
export function unzipMembers(
  bytes: Uint8Array,
  fileName: string,
  limits: ImportLimits,
  wanted: (name: string) => boolean,
): Unzipped {
  const entries = readCentralDirectory(bytes, fileName, limits)
  const chosen = entries.filter((e) => !e.name.endsWith('/') && wanted(e.name))
  checkDeclaredSizes(chosen, fileName, limits)
  const budget = { left: limits.maxUncompressedBytes }
  const members = new Map<string, Uint8Array>()
  for (const entry of chosen) {
    members.set(entry.name, unpack(bytes, entry, fileName, limits, budget))
  }
  return { members, names: entries.map((e) => e.name) }
}

export function readCentralDirectory(
  bytes: Uint8Array,
  fileName: string,
  limits: ImportLimits,
): ZipEntry[] {
  const fail = (reason: string) => new AppError('not_a_zip', { file: quote(fileName), reason })
  const end = findEndRecord(bytes)
  if (end < 0) throw fail('no end-of-central-directory record')
  const { count, offset } = directoryLocation(bytes, end, fail)
  if (count > limits.maxZipEntries) {
    throw new AppError('zip_too_many_entries', {
      file: quote(fileName),
      count,
      limit: limits.maxZipEntries,
    })
  }
  const entries: ZipEntry[] = []
  let at = offset
  for (let i = 0; i < count; i++) {
    const entry = readCentralEntry(bytes, at, fail)
    entries.push(entry.entry)
    at = entry.next
  }
  return entries
}

function findEndRecord(bytes: Uint8Array): number {
  const v = view(bytes)
  const lowest = Math.max(0, bytes.length - EOCD_BYTES - MAX_COMMENT)
  for (let at = bytes.length - EOCD_BYTES; at >= lowest; at--) {
    if (v.getUint32(at, true) === EOCD_SIG) return at
  }
  return -1
}

function directoryLocation(
  bytes: Uint8Array,
  end: number,
  fail: (reason: string) => AppError,
): { count: number; offset: number } {
  const v = view(bytes)
  let count = v.getUint16(end + 10, true)
  let offset = v.getUint32(end + 16, true)
  const locator = end - 20
  if (locator >= 0 && v.getUint32(locator, true) === ZIP64_LOCATOR_SIG) {
    const record = safeNumber(v.getBigUint64(locator + 8, true))
    if (record + 56 > bytes.length || v.getUint32(record, true) !== ZIP64_EOCD_SIG) {
      throw fail('a broken ZIP64 end record')
    }
    count = safeNumber(v.getBigUint64(record + 32, true))
    offset = safeNumber(v.getBigUint64(record + 48, true))
  }
  if (offset > bytes.length) throw fail(`the central directory offset ${offset} lies past the end`)
  return { count, offset }
}

function readCentralEntry(
  bytes: Uint8Array,
  at: number,
  fail: (reason: string) => AppError,
): { entry: ZipEntry; next: number } {
  const v = view(bytes)
  if (at + 46 > bytes.length || v.getUint32(at, true) !== CENTRAL_SIG) {
    throw fail(`no central directory entry at offset ${at}`)
  }
  const flags = v.getUint16(at + 8, true)
  const nameLength = v.getUint16(at + 28, true)
  const extraLength = v.getUint16(at + 30, true)
  const commentLength = v.getUint16(at + 32, true)
  const next = at + 46 + nameLength + extraLength + commentLength
  if (next > bytes.length) throw fail(`a central directory entry at offset ${at} runs past the end`)
  const rawName = bytes.subarray(at + 46, at + 46 + nameLength)
  const entry: ZipEntry = {
    name: decodeName(rawName, (flags & FLAG_UTF8) !== 0).replace(/\\/g, '/'),
    method: v.getUint16(at + 10, true),
    flags,
    crc: v.getUint32(at + 16, true),
    compressedSize: v.getUint32(at + 20, true),
    size: v.getUint32(at + 24, true),
    localOffset: v.getUint32(at + 42, true),
  }
  applyZip64Extra(entry, bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength))
  return { entry, next }
}

/** Sizes and offset of 0xFFFFFFFF are in the ZIP64 extra field, in this order. */
function applyZip64Extra(entry: ZipEntry, extra: Uint8Array): void {
  const v = view(extra)
  for (let at = 0; at + 4 <= extra.length;) {
    const id = v.getUint16(at, true)
    const length = v.getUint16(at + 2, true)
    if (id === 0x0001) {
      let field = at + 4
      const take = () => {
        const value = field + 8 <= extra.length ? safeNumber(v.getBigUint64(field, true)) : 0
        field += 8
        return value
      }
      if (entry.size === 0xffffffff) entry.size = take()
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = take()
      if (entry.localOffset === 0xffffffff) entry.localOffset = take()
      return
    }
    at += 4 + length
  }
}

function checkDeclaredSizes(entries: readonly ZipEntry[], fileName: string, limits: ImportLimits) {
  let total = 0
  for (const entry of entries) {
    total += entry.size
    if (total > limits.maxUncompressedBytes) {
      throw new AppError('zip_too_large', {
        file: quote(fileName),
        limit: limits.maxUncompressedBytes,
        member: quote(entry.name),
      })
    }
  }
}

function unpack(
  bytes: Uint8Array,
  entry: ZipEntry,
  fileName: string,
  limits: ImportLimits,
  budget: { left: number },
): Uint8Array {
  const fail = (reason: string) =>
    new AppError('not_a_zip', {
      file: quote(fileName),
      reason: `member ${quote(entry.name)}: ${reason}`,
    })
  if (entry.flags & FLAG_ENCRYPTED) throw fail('it is encrypted')
  const data = compressedData(bytes, entry, fail)
  const spend = (n: number) => {
    budget.left -= n
    if (budget.left < 0) {
      throw new AppError('zip_too_large', {
        file: quote(fileName),
        limit: limits.maxUncompressedBytes,
        member: quote(entry.name),
      })
    }
  }
  let out: Uint8Array
  if (entry.method === STORED) {
    spend(data.length)
    out = data.slice()
  } else if (entry.method === DEFLATED) {
    out = inflateBounded(data, budget.left, spend, fail)
  } else {
    throw fail(`compression method ${entry.method} is not supported (only stored and deflate)`)
  }
  if (out.length !== entry.size) {
    throw fail(`it unpacks to ${out.length} bytes, but its header declares ${entry.size}`)
  }
  if (crc32(out) !== entry.crc) throw fail('its CRC-32 does not match: the data is damaged')
  return out
}

function compressedData(
  bytes: Uint8Array,
  entry: ZipEntry,
  fail: (reason: string) => AppError,
): Uint8Array {
  const v = view(bytes)
  const at = entry.localOffset
  if (at + 30 > bytes.length || v.getUint32(at, true) !== LOCAL_SIG) {
    throw fail(`no local header at offset ${at}`)
  }
  const start = at + 30 + v.getUint16(at + 26, true) + v.getUint16(at + 28, true)
  const end = start + entry.compressedSize
  if (end > bytes.length) throw fail('its data runs past the end of the zip')
  return bytes.subarray(start, end)
}

/**
 * Raw deflate data inflated by Node's zlib (native, ~20× fflate's pure-JS
 * inflater on a 40 MB Shapefile), stopped by zlib itself once the output
 * passes the bytes left under the limit.
 */
function inflateBounded(
  data: Uint8Array,
  left: number,
  spend: (n: number) => void,
  fail: (reason: string) => AppError,
): Uint8Array {
  let out: Buffer
  try {
    out = zlib.inflateRawSync(data, { maxOutputLength: Math.min(Math.max(1, left), MAX_OUTPUT) })
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      spend(left + 1)
      throw error
    }
    if (code === 'Z_BUF_ERROR') throw fail('its deflate data ends early')
    throw fail(`its deflate data is corrupt (${(error as Error).message})`)
  }
  spend(out.length)
  return out
}

// The largest buffer zlib may return at once.
const MAX_OUTPUT = Math.min(buffer.constants.MAX_LENGTH, 2 ** 31 - 1)

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip stores it:
// zlib's own where Node has it (20.15 and later), else a table in JavaScript.
const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32

export function crc32(bytes: Uint8Array): number {
  if (nativeCrc32) return nativeCrc32(bytes) >>> 0
  let crc = 0xffffffff
  for (let i = 0; i < bytes.length; i++) {
    crc = (CRC_TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8)
  }
  return (crc ^ 0xffffffff) >>> 0
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function safeNumber(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value)
}

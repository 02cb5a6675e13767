// The Shapefile export, streamed: rows go page by page into temporary
// .shp/.shx/.dbf files (the .shp header needs the file length and extent,
// the .dbf header the record count, so those are patched at the end), then
// the members are zipped to the response as they are read back. Memory
// holds one page of rows and one chunk of a file; the temporary folder is
// removed afterwards, also after an error or an aborted download.
//
// Geometry is transformed in PostGIS (ST_Transform to 4549 Gauss-Krüger
// metres when asked), oriented the Shapefile way (ST_ForcePolygonCW) and
// read as WKB, so coordinates are written exactly as the database has them.
import { createReadStream } from 'node:fs'
import { mkdtemp, open, rm, writeFile, type FileHandle } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Response } from 'express'
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate'
import type { Queryable } from '../db/db.ts'
import { ESRI_WKT } from '../geo/crs.ts'
import type { Where } from '../parcels/list.ts'
import { EXPORT_COLUMNS } from './columns.ts'
import {
  dbfHeader,
  dbfLayout,
  dbfRecords,
  textWidths,
  type DbfLayout,
  type DbfStats,
} from './dbf-stream.ts'
import type { DbfEncoding } from './dbf.ts'
import { readmeText, type ExportSrid } from './readme.ts'
import {
  abandon,
  ExportAborted,
  logExport,
  ResponseSink,
  sendAttachment,
  type ExportSummary,
} from './respond.ts'
import { writeFileHeader } from './shapefile.ts'
import { polygonRecord, SHAPE_POLYGON, unionBox, type Box } from './shp-record.ts'
import { EXPORT_SELECT, readPages, type ExportRow } from './rows.ts'

const FILE_HEADER_BYTES = 100
const RECORD_HEADER_BYTES = 8
const READ_CHUNK_BYTES = 1 << 20

export interface ShapefileExport {
  srid: ExportSrid
  encoding: DbfEncoding
  /** member names without extension, e.g. parcels-20250601 */
  baseName: string
  /** the filters as given, for README.txt */
  filters: string
  exportedAt: Date
}

export interface Member {
  name: string
  /** a file to read the member from … */
  path?: string
  /** … or the member's bytes as they are produced, e.g. one report PDF at a time */
  read?: () => AsyncIterable<Uint8Array>
  /** store without deflating: for members that are compressed already (PDF) */
  stored?: boolean
}

interface Parts {
  members: Member[]
  count: number
}

function geometrySql(srid: ExportSrid): string {
  const geom = srid === 4490 ? 'p.geom' : `ST_Transform(p.geom, ${srid})`
  return `ST_AsBinary(ST_ForcePolygonCW(ST_Force2D(${geom}))) AS geometry`
}

/** Writes the Shapefile and sends it zipped; throws (as a JSON error) only before the first byte. */
export async function sendShapefile(
  res: Response,
  db: Queryable,
  where: Where,
  options: ShapefileExport,
  summary: ExportSummary,
): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'jiyuan-export-'))
  const sink = new ResponseSink(res)
  try {
    const parts = await writeParts(db, where, options, dir, () => sink.aborted)
    summary.rows = parts.count
    sendAttachment(res, 'application/zip', `${options.baseName}.zip`)
    await zipMembers(parts.members, (chunk) => sink.write(chunk), options.exportedAt)
    res.end()
    logExport(summary)
  } catch (error) {
    if (!res.headersSent && !(error instanceof ExportAborted)) throw error
    abandon(res, error, summary)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The member files in the temporary folder, in the order they go into the zip. */
async function writeParts(
  db: Queryable,
  where: Where,
  options: ShapefileExport,
  dir: string,
  aborted: () => boolean,
): Promise<Parts> {
  const layout = dbfLayout(options.encoding, await textWidths(db, where, options.encoding))
  const file = (ext: string) => path.join(dir, `${options.baseName}.${ext}`)
  const stats: DbfStats = { truncated: 0 }
  const count = await writeTables(db, where, options, layout, file, stats, aborted)
  await writeFile(file('prj'), ESRI_WKT[options.srid])
  await writeFile(file('cpg'), options.encoding)
  const readme = readmeText({ ...options, count, truncated: stats.truncated })
  await writeFile(path.join(dir, 'README.txt'), readme)
  const members = ['shp', 'shx', 'dbf', 'prj', 'cpg'].map((ext) => ({
    name: `${options.baseName}.${ext}`,
    path: file(ext),
  }))
  return {
    members: [...members, { name: 'README.txt', path: path.join(dir, 'README.txt') }],
    count,
  }
}

/** The .shp, .shx and .dbf, page by page; returns the record count. */
async function writeTables(
  db: Queryable,
  where: Where,
  options: ShapefileExport,
  layout: DbfLayout,
  file: (ext: string) => string,
  stats: DbfStats,
  aborted: () => boolean,
): Promise<number> {
  const [shp, shx, dbf] = await Promise.all(
    ['shp', 'shx', 'dbf'].map((ext) => open(file(ext), 'w')),
  )
  try {
    const state: ShpState = { offset: FILE_HEADER_BYTES, count: 0, box: null }
    await shp!.write(new Uint8Array(FILE_HEADER_BYTES))
    await shx!.write(new Uint8Array(FILE_HEADER_BYTES))
    await dbf!.write(dbfHeader(layout, 0, options.exportedAt))
    const select = `${EXPORT_SELECT}, ${geometrySql(options.srid)}`
    for await (const rows of readPages<ExportRow<Uint8Array>>(db, where, select)) {
      if (aborted()) throw new ExportAborted()
      const { shpBytes, shxBytes } = shapeRecords(rows, state)
      const cells = rows.map((row) => EXPORT_COLUMNS.map((c) => c.value(row)))
      await Promise.all([
        shp!.write(shpBytes),
        shx!.write(shxBytes),
        dbf!.write(dbfRecords(layout, cells, stats)),
      ])
    }
    await patchHeaders(shp!, shx!, dbf!, state, layout, options.exportedAt)
    return state.count
  } finally {
    await Promise.all([shp, shx, dbf].map((handle) => handle?.close()))
  }
}

interface ShpState {
  /** bytes of the .shp written so far */
  offset: number
  count: number
  box: Box | null
}

/** One page of .shp records and their .shx index entries (offsets and lengths in 16-bit words, big-endian). */
function shapeRecords(rows: readonly ExportRow<Uint8Array>[], state: ShpState) {
  const chunks: Uint8Array[] = []
  const shxBytes = Buffer.alloc(RECORD_HEADER_BYTES * rows.length)
  rows.forEach((row, i) => {
    const record = polygonRecord(row.geometry)
    const head = Buffer.alloc(RECORD_HEADER_BYTES)
    head.writeInt32BE(state.count + 1, 0) // record numbers start at 1
    head.writeInt32BE(record.content.length / 2, 4)
    shxBytes.writeInt32BE(state.offset / 2, RECORD_HEADER_BYTES * i)
    shxBytes.writeInt32BE(record.content.length / 2, RECORD_HEADER_BYTES * i + 4)
    chunks.push(head, record.content)
    state.offset += RECORD_HEADER_BYTES + record.content.length
    state.box = unionBox(state.box, record.box)
    state.count++
  })
  return { shpBytes: Buffer.concat(chunks), shxBytes }
}

async function patchHeaders(
  shp: FileHandle,
  shx: FileHandle,
  dbf: FileHandle,
  state: ShpState,
  layout: DbfLayout,
  date: Date,
): Promise<void> {
  const box = state.box ?? [0, 0, 0, 0]
  const shpHeader = new Uint8Array(FILE_HEADER_BYTES)
  const shxHeader = new Uint8Array(FILE_HEADER_BYTES)
  writeFileHeader(shpHeader, state.offset, SHAPE_POLYGON, box)
  writeFileHeader(
    shxHeader,
    FILE_HEADER_BYTES + RECORD_HEADER_BYTES * state.count,
    SHAPE_POLYGON,
    box,
  )
  await shp.write(shpHeader, 0, FILE_HEADER_BYTES, 0)
  await shx.write(shxHeader, 0, FILE_HEADER_BYTES, 0)
  const header = dbfHeader(layout, state.count, date)
  await dbf.write(header, 0, header.length, 0)
  await dbf.write(
    new Uint8Array([0x1a]),
    0,
    1,
    layout.headerLength + layout.recordLength * state.count,
  )
}

/**
 * Zips the members with fflate's streaming Zip, reading each file in 1 MB
 * chunks and handing the compressed bytes to `write`, which waits while
 * the client is slow.
 */
export async function zipMembers(
  members: readonly Member[],
  write: (chunk: Uint8Array) => Promise<void>,
  mtime: Date,
): Promise<void> {
  const pending: Uint8Array[] = []
  let failure: Error | null = null
  const zip = new Zip((error, chunk) => {
    if (error) failure = error
    else pending.push(chunk)
  })
  const flush = async () => {
    for (let chunk = pending.shift(); chunk; chunk = pending.shift()) await write(chunk)
    if (failure) throw failure
  }
  for (const member of members) {
    const entry = member.stored ? new ZipPassThrough(member.name) : new ZipDeflate(member.name, { level: 6 })
    entry.mtime = mtime
    zip.add(entry)
    const source = member.read?.() ?? createReadStream(member.path!, { highWaterMark: READ_CHUNK_BYTES })
    for await (const chunk of source) {
      entry.push(chunk as Uint8Array)
      await flush()
    }
    entry.push(new Uint8Array(0), true)
    await flush()
  }
  zip.end()
  await flush()
}

// ESRI Shapefile writer: .shp/.shx geometry (ESRI Shapefile Technical
// Description, 1998), the .dbf from dbf.ts, a .prj in ESRI WKT and a .cpg
// naming the code page.
//
// Input is GeoJSON in `sourceEpsg` (EPSG:4490 lon/lat by default); the
// geometry can be written reprojected, e.g. to Gauss-Krüger EPSG:4549.
// GeoJSON outer rings run counter-clockwise; Shapefile outer rings run
// clockwise and holes counter-clockwise, so rings are re-oriented here.
import { zipSync } from 'fflate'
import type { Feature, Geometry, Position } from 'geojson'
import { ESRI_WKT, reprojectCoordinates, type Epsg } from '../geo/crs.ts'
import { writeDbf, type DbfEncoding, type DbfField } from './dbf.ts'

export interface ShapefileOptions {
  /** DBF text encoding, also written to the .cpg; default UTF-8 */
  encoding?: DbfEncoding
  /** CRS of the input coordinates; default EPSG:4490 */
  sourceEpsg?: Epsg
  /** CRS to write; default the source CRS */
  targetEpsg?: Epsg
  /** properties to write, in this order; default all */
  fields?: readonly string[]
  /** the DBF "last update" date; default today */
  date?: Date
}

export interface ShapefileFiles {
  shp: Uint8Array
  shx: Uint8Array
  dbf: Uint8Array
  prj: Uint8Array
  cpg: Uint8Array
}

export interface Shapefile {
  files: ShapefileFiles
  shapeType: ShapeType
  fields: DbfField[]
  /** property name → DBF column name (names are cut to 10 bytes) */
  fieldMap: Record<string, string>
}

export type ShapeType = 0 | 1 | 3 | 5 | 8

const SHAPE = { null: 0, point: 1, polyline: 3, polygon: 5, multipoint: 8 } as const

const FAMILY: Readonly<Record<Geometry['type'], ShapeType | undefined>> = {
  Point: SHAPE.point,
  MultiPoint: SHAPE.multipoint,
  LineString: SHAPE.polyline,
  MultiLineString: SHAPE.polyline,
  Polygon: SHAPE.polygon,
  MultiPolygon: SHAPE.polygon,
  GeometryCollection: undefined,
}

const FILE_HEADER_BYTES = 100
const RECORD_HEADER_BYTES = 8

type Ring = Position[]
type Box = [number, number, number, number]

/** One record's geometry, flattened: parts of points, or a lone point. */
interface ShapeRecord {
  type: ShapeType
  parts: Ring[]
}

export function writeShapefile(
  features: readonly Feature[],
  options: ShapefileOptions = {},
): Shapefile {
  const encoding = options.encoding ?? 'UTF-8'
  const source = options.sourceEpsg ?? 4490
  const target = options.targetEpsg ?? source
  const shapeType = commonShapeType(features)
  const records = features.map((f) => toRecord(f.geometry, shapeType, source, target))
  const table = writeDbf(
    features.map((f) => f.properties ?? {}),
    { encoding, fields: options.fields, date: options.date },
  )
  const { shp, shx } = encodeGeometry(records, shapeType)
  const files = { shp, shx, dbf: table.bytes, prj: ascii(ESRI_WKT[target]), cpg: ascii(encoding) }
  return { files, shapeType, fields: table.fields, fieldMap: table.fieldMap }
}

/**
 * The member files in one zip, named `name.shp` … at the root. `mtime`
 * fixes the entries' timestamps (for byte-identical output).
 */
export function zipShapefile(name: string, files: ShapefileFiles, mtime?: Date): Uint8Array {
  const entries = Object.fromEntries(
    Object.entries(files).map(([ext, bytes]) => [`${name}.${ext}`, bytes as Uint8Array]),
  )
  return zipSync(entries, { level: 6, ...(mtime ? { mtime } : {}) })
}

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

/** A Shapefile holds one geometry family; null geometries may mix in. */
function commonShapeType(features: readonly Feature[]): ShapeType {
  const types = new Set<ShapeType>()
  for (const feature of features) {
    if (!feature.geometry) continue
    const type = FAMILY[feature.geometry.type]
    if (type === undefined) {
      throw new Error(`a Shapefile cannot hold a ${feature.geometry.type}`)
    }
    types.add(type)
  }
  if (types.has(SHAPE.point) && types.has(SHAPE.multipoint)) types.delete(SHAPE.point)
  if (types.size > 1) {
    throw new Error(
      `a Shapefile holds one geometry family; got shape types ${[...types].join(', ')}`,
    )
  }
  return types.values().next().value ?? SHAPE.null
}

function toRecord(
  geometry: Geometry | null,
  shapeType: ShapeType,
  source: Epsg,
  target: Epsg,
): ShapeRecord {
  if (!geometry || geometry.type === 'GeometryCollection') return { type: SHAPE.null, parts: [] }
  const coords = reprojectCoordinates(geometry.coordinates, source, target)
  return { type: shapeType, parts: partsOf({ ...geometry, coordinates: coords } as Geometry) }
}

function partsOf(geometry: Geometry): Ring[] {
  switch (geometry.type) {
    case 'Point':
      return [[geometry.coordinates]]
    case 'MultiPoint':
      return [geometry.coordinates]
    case 'LineString':
      return [geometry.coordinates]
    case 'MultiLineString':
      return geometry.coordinates
    case 'Polygon':
      return polygonRings(geometry.coordinates)
    case 'MultiPolygon':
      return geometry.coordinates.flatMap(polygonRings)
    default:
      return []
  }
}

/** Outer ring clockwise, holes counter-clockwise, every ring closed. */
function polygonRings(rings: Ring[]): Ring[] {
  return rings.map((ring, i) => {
    const closed = closeRing(ring)
    const clockwise = signedArea(closed) < 0
    return clockwise === (i === 0) ? closed : [...closed].reverse()
  })
}

function closeRing(ring: Ring): Ring {
  const first = ring[0]
  const last = ring[ring.length - 1]
  if (!first || !last || (first[0] === last[0] && first[1] === last[1])) return ring
  return [...ring, first]
}

/** Shoelace sum: positive for counter-clockwise rings (x east, y north). */
function signedArea(ring: Ring): number {
  let sum = 0
  for (let i = 1; i < ring.length; i++) {
    const a = ring[i - 1] as Position
    const b = ring[i] as Position
    sum += (a[0] as number) * (b[1] as number) - (b[0] as number) * (a[1] as number)
  }
  return sum / 2
}

function encodeGeometry(records: readonly ShapeRecord[], shapeType: ShapeType) {
  const contents = records.map(recordContent)
  const shpLength = contents.reduce((n, c) => n + RECORD_HEADER_BYTES + c.length, FILE_HEADER_BYTES)
  const shxLength = FILE_HEADER_BYTES + RECORD_HEADER_BYTES * records.length
  const box = fileBox(records)
  const shp = new Uint8Array(shpLength)
  const shx = new Uint8Array(shxLength)
  writeFileHeader(shp, shpLength, shapeType, box)
  writeFileHeader(shx, shxLength, shapeType, box)
  let offset = FILE_HEADER_BYTES
  contents.forEach((content, i) => {
    const shpView = new DataView(shp.buffer)
    const shxView = new DataView(shx.buffer)
    // record numbers start at 1; offsets and lengths count 16-bit words
    shpView.setInt32(offset, i + 1, false)
    shpView.setInt32(offset + 4, content.length / 2, false)
    shp.set(content, offset + RECORD_HEADER_BYTES)
    shxView.setInt32(FILE_HEADER_BYTES + i * 8, offset / 2, false)
    shxView.setInt32(FILE_HEADER_BYTES + i * 8 + 4, content.length / 2, false)
    offset += RECORD_HEADER_BYTES + content.length
  })
  return { shp, shx }
}

export function writeFileHeader(out: Uint8Array, length: number, shapeType: ShapeType, box: Box) {
  const view = new DataView(out.buffer)
  view.setInt32(0, 9994, false) // file code
  view.setInt32(24, length / 2, false)
  view.setInt32(28, 1000, true) // version
  view.setInt32(32, shapeType, true)
  box.forEach((v, i) => view.setFloat64(36 + i * 8, v, true))
  // z and m ranges (bytes 68–99) stay 0 for 2-D shapes
}

function recordContent(record: ShapeRecord): Uint8Array {
  if (record.type === SHAPE.null) return int32Content(SHAPE.null)
  if (record.type === SHAPE.point) return pointContent(record.parts[0]?.[0] ?? [NaN, NaN])
  return partsContent(record)
}

function int32Content(value: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setInt32(0, value, true)
  return out
}

function pointContent(point: Position): Uint8Array {
  const out = new Uint8Array(20)
  const view = new DataView(out.buffer)
  view.setInt32(0, SHAPE.point, true)
  view.setFloat64(4, point[0] as number, true)
  view.setFloat64(12, point[1] as number, true)
  return out
}

/** MultiPoint has no part index; PolyLine and Polygon do. */
function partsContent(record: ShapeRecord): Uint8Array {
  const points = record.parts.flat()
  const indexed = record.type !== SHAPE.multipoint
  const partCount = indexed ? record.parts.length : 0
  const head = indexed ? 44 : 40
  const out = new Uint8Array(head + 4 * partCount + 16 * points.length)
  const view = new DataView(out.buffer)
  view.setInt32(0, record.type, true)
  boxOf(points).forEach((v, i) => view.setFloat64(4 + i * 8, v, true))
  if (indexed) view.setInt32(36, partCount, true)
  view.setInt32(indexed ? 40 : 36, points.length, true)
  let start = 0
  record.parts.forEach((part, i) => {
    if (indexed) view.setInt32(head + 4 * i, start, true)
    start += part.length
  })
  const pointsAt = head + 4 * partCount
  points.forEach((p, i) => {
    view.setFloat64(pointsAt + 16 * i, p[0] as number, true)
    view.setFloat64(pointsAt + 16 * i + 8, p[1] as number, true)
  })
  return out
}

function boxOf(points: readonly Position[]): Box {
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity]
  for (const [x = NaN, y = NaN] of points) {
    box[0] = Math.min(box[0], x)
    box[1] = Math.min(box[1], y)
    box[2] = Math.max(box[2], x)
    box[3] = Math.max(box[3], y)
  }
  return box
}

/** The extent of all records; all zeros for a file without shapes. */
function fileBox(records: readonly ShapeRecord[]): Box {
  const points = records.flatMap((r) => r.parts.flat())
  return points.length > 0 ? boxOf(points) : [0, 0, 0, 0]
}

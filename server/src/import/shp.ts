// A reader for the geometry of an ESRI Shapefile (.shp), record by record.
//
// Layout: ESRI Shapefile Technical Description (1998). A 100-byte header
// (file code 9994 and file length in 16-bit words, big-endian; shape type
// little-endian), then records of an 8-byte big-endian header (record
// number, content length in words) and little-endian content. Records are
// walked by their own lengths within the length the header declares, so the
// .shx is not needed and bytes after the last record are ignored.
//
// Output is 2-D GeoJSON in the file's own coordinates; Z and M are dropped.
// Ring orientation is kept as written (outer rings clockwise).
import type { Geometry, Position } from 'geojson'
import { AppError, quote } from '../errors/app-error.ts'
import type { FeatureProblemCode } from './types.ts'

export interface ShpRecord {
  index: number
  geometry: Geometry | null
  /** why the record has no usable geometry, when it is not simply a null shape */
  problem?: { code: FeatureProblemCode; detail: string }
}

export interface ShpLayer {
  shapeType: number
  records: ShpRecord[]
  /** the file had Z or M values (dropped) */
  droppedZM: boolean
  warnings: string[]
}

interface Span {
  offset: number
  length: number
  /** the record runs past the end of the file */
  truncated: boolean
}

const FILE_CODE = 9994
const HEADER_BYTES = 100
const RECORD_HEADER_BYTES = 8
const SHAPE_NAMES: Readonly<Record<number, string>> = {
  0: 'Null',
  1: 'Point',
  3: 'PolyLine',
  5: 'Polygon',
  8: 'MultiPoint',
  11: 'PointZ',
  13: 'PolyLineZ',
  15: 'PolygonZ',
  18: 'MultiPointZ',
  21: 'PointM',
  23: 'PolyLineM',
  25: 'PolygonM',
  28: 'MultiPointM',
  31: 'MultiPatch',
}

/** The record count, found by walking record headers only; for limits. */
export function countShpRecords(bytes: Uint8Array, member: string): number {
  return recordSpans(bytes, member).spans.length
}

export function readShp(bytes: Uint8Array, member: string): ShpLayer {
  const { spans, shapeType, warnings } = recordSpans(bytes, member)
  let droppedZM = false
  const records = spans.map((span, index): ShpRecord => {
    const content = new DataView(bytes.buffer, bytes.byteOffset + span.offset, span.length)
    if (span.truncated) {
      return {
        index,
        geometry: null,
        problem: { code: 'corrupt_record', detail: 'the record runs past the end of the .shp' },
      }
    }
    const type = content.byteLength >= 4 ? content.getInt32(0, true) : -1
    if (type > 10 && type !== 31) droppedZM = true
    return { index, ...parseShape(content, type) }
  })
  return { shapeType, records, droppedZM, warnings }
}

function recordSpans(bytes: Uint8Array, member: string) {
  const fail = (reason: string) =>
    new AppError('invalid_shapefile', { member: quote(member), reason })
  if (bytes.length < HEADER_BYTES) {
    throw fail(`it is ${bytes.length} bytes, shorter than the 100-byte header`)
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (v.getInt32(0, false) !== FILE_CODE) {
    throw fail(`its file code is ${v.getInt32(0, false)}, not 9994`)
  }
  const shapeType = v.getInt32(32, true)
  if (!(shapeType in SHAPE_NAMES)) throw fail(`shape type ${shapeType} is unknown`)
  const warnings: string[] = []
  const declared = v.getInt32(24, false) * 2
  let end = bytes.length
  if (declared >= HEADER_BYTES && declared < bytes.length) end = declared
  if (declared > bytes.length) {
    warnings.push(`${member}: the header declares ${declared} bytes, the file has ${bytes.length}`)
  }
  const spans: Span[] = []
  let at = HEADER_BYTES
  while (at + RECORD_HEADER_BYTES <= end) {
    const number = v.getInt32(at, false)
    const length = v.getInt32(at + 4, false) * 2
    if (number < 0 || length < 4) break
    const offset = at + RECORD_HEADER_BYTES
    if (offset + length > end) {
      if (number !== spans.length + 1) break
      spans.push({ offset, length: end - offset, truncated: true })
      at = end
      break
    }
    spans.push({ offset, length, truncated: false })
    at = offset + length
  }
  if (at < bytes.length) {
    warnings.push(
      `${member}: ${bytes.length - at} bytes after record ${spans.length} (offset ${at}) do not form a record; ignored`,
    )
  }
  return { spans, shapeType, warnings }
}

type Parsed = Pick<ShpRecord, 'geometry' | 'problem'>

function corrupt(detail: string): Parsed {
  return { geometry: null, problem: { code: 'corrupt_record', detail } }
}

function parseShape(content: DataView, type: number): Parsed {
  switch (type) {
    case 0:
      return { geometry: null }
    case 1:
    case 11:
    case 21:
      if (content.byteLength < 20) {
        return corrupt(`a point needs 20 bytes, the record has ${content.byteLength}`)
      }
      return { geometry: { type: 'Point', coordinates: point(content, 4) } }
    case 8:
    case 18:
    case 28:
      return parseMultiPoint(content)
    case 3:
    case 13:
    case 23:
      return parseParts(content, lines)
    case 5:
    case 15:
    case 25:
      return parseParts(content, polygons)
    case 31:
      return {
        geometry: null,
        problem: {
          code: 'unsupported_geometry_type',
          detail: 'shape type MultiPatch (31) is not supported',
        },
      }
    default:
      return corrupt(`shape type ${type} is unknown`)
  }
}

function point(content: DataView, at: number): Position {
  return [content.getFloat64(at, true), content.getFloat64(at + 8, true)]
}

function parseMultiPoint(content: DataView): Parsed {
  if (content.byteLength < 40) {
    return corrupt(`a multipoint needs 40 bytes, the record has ${content.byteLength}`)
  }
  const count = content.getInt32(36, true)
  const needed = 40 + 16 * count
  if (count < 0 || needed > content.byteLength) {
    return corrupt(
      `it declares ${count} points, needing ${needed} bytes, but has ${content.byteLength}`,
    )
  }
  if (count === 0) return { geometry: null }
  const points = Array.from({ length: count }, (_, i) => point(content, 40 + 16 * i))
  return { geometry: { type: 'MultiPoint', coordinates: points } }
}

/** PolyLine and Polygon: a part index, then all the points. */
function parseParts(content: DataView, build: (parts: Position[][]) => Geometry): Parsed {
  if (content.byteLength < 44) {
    return corrupt(`a record with parts needs 44 bytes, it has ${content.byteLength}`)
  }
  const partCount = content.getInt32(36, true)
  const pointCount = content.getInt32(40, true)
  const pointsAt = 44 + 4 * partCount
  const needed = pointsAt + 16 * pointCount
  if (partCount < 0 || pointCount < 0 || needed > content.byteLength) {
    return corrupt(
      `it declares ${partCount} parts and ${pointCount} points, needing ${needed} bytes, but has ${content.byteLength}`,
    )
  }
  const starts: number[] = new Array(partCount)
  for (let i = 0; i < partCount; i++) starts[i] = content.getInt32(44 + 4 * i, true)
  if (starts.some((s, i) => s < 0 || s > pointCount || (i > 0 && s < (starts[i - 1] as number)))) {
    return corrupt(
      `its part starts ${starts.slice(0, 10).join(', ')} are not ascending within ${pointCount} points`,
    )
  }
  const parts: Position[][] = []
  for (let i = 0; i < partCount; i++) {
    const start = starts[i] as number
    const stop = i + 1 < partCount ? (starts[i + 1] as number) : pointCount
    if (stop === start) continue
    const part: Position[] = new Array(stop - start)
    for (let k = start, at = pointsAt + 16 * start; k < stop; k++, at += 16) {
      part[k - start] = [content.getFloat64(at, true), content.getFloat64(at + 8, true)]
    }
    parts.push(part)
  }
  return { geometry: parts.length === 0 ? null : build(parts) }
}

function lines(parts: Position[][]): Geometry {
  return parts.length === 1
    ? { type: 'LineString', coordinates: parts[0] as Position[] }
    : { type: 'MultiLineString', coordinates: parts }
}

function polygons(rings: Position[][]): Geometry {
  const polys = assembleRings(rings)
  return polys.length === 1
    ? { type: 'Polygon', coordinates: polys[0] as Position[][] }
    : { type: 'MultiPolygon', coordinates: polys }
}

interface Ring {
  points: Position[]
  area: number
  box: [number, number, number, number]
}

/**
 * Groups Shapefile rings into polygons: clockwise rings are outer rings,
 * counter-clockwise ones holes, each hole going to the smallest outer ring
 * that contains it (tested with a hole vertex off the outer boundary, so a
 * hole touching its shell still finds it). If that leaves holes without a
 * shell and the reverse reading does not, the writer wound its rings the
 * other way round (some do), and the reverse reading is taken. A hole
 * that still has no shell becomes a polygon of its own.
 */
export function assembleRings(points: Position[][]): Position[][][] {
  // one ring is one polygon whichever way it is wound (as read either way below)
  if (points.length === 1) return [points]
  const rings = points.map(describeRing)
  const asWritten = assign(rings, (r) => r.area <= 0)
  if (asWritten.orphans.length === 0) return asWritten.polygons
  const reversed = assign(rings, (r) => r.area > 0)
  if (reversed.orphans.length === 0) return reversed.polygons
  return [...asWritten.polygons, ...asWritten.orphans.map((r) => [r.points])]
}

function assign(rings: readonly Ring[], isOuter: (r: Ring) => boolean) {
  const outers = rings.filter(isOuter)
  const holes = new Map<Ring, Ring[]>(outers.map((o) => [o, []]))
  const orphans: Ring[] = []
  for (const hole of rings.filter((r) => !isOuter(r))) {
    const shell = smallestContaining(outers, hole)
    if (shell) holes.get(shell)?.push(hole)
    else orphans.push(hole)
  }
  const polygons = outers.map((o) => [o.points, ...(holes.get(o) ?? []).map((h) => h.points)])
  return { polygons, orphans }
}

function smallestContaining(outers: readonly Ring[], hole: Ring): Ring | undefined {
  let best: Ring | undefined
  for (const outer of outers) {
    if (!boxContains(outer.box, hole.box) || !ringInside(hole, outer)) continue
    if (!best || Math.abs(outer.area) < Math.abs(best.area)) best = outer
  }
  return best
}

function ringInside(hole: Ring, outer: Ring): boolean {
  for (const p of hole.points) {
    const where = pointInRing(p, outer.points)
    if (where !== 0) return where > 0
  }
  return true // every vertex on the boundary: the same ring
}

function describeRing(points: Position[]): Ring {
  const box: Ring['box'] = [Infinity, Infinity, -Infinity, -Infinity]
  let twice = 0
  for (let i = 0; i < points.length; i++) {
    const [x = NaN, y = NaN] = points[i] as Position
    const [nx = NaN, ny = NaN] = points[(i + 1) % points.length] as Position
    twice += x * ny - nx * y
    box[0] = Math.min(box[0], x)
    box[1] = Math.min(box[1], y)
    box[2] = Math.max(box[2], x)
    box[3] = Math.max(box[3], y)
  }
  // shoelace: positive for counter-clockwise rings (x east, y north)
  return { points, area: twice / 2, box }
}

function boxContains(outer: Ring['box'], inner: Ring['box']): boolean {
  return (
    outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3]
  )
}

/** 1 inside, 0 on the boundary, −1 outside (crossing number). */
export function pointInRing(p: Position, ring: readonly Position[]): number {
  const [px = NaN, py = NaN] = p
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = NaN, yi = NaN] = ring[i] as Position
    const [xj = NaN, yj = NaN] = ring[j] as Position
    const cross = (xj - xi) * (py - yi) - (yj - yi) * (px - xi)
    const within =
      Math.min(xi, xj) <= px &&
      px <= Math.max(xi, xj) &&
      Math.min(yi, yj) <= py &&
      py <= Math.max(yi, yj)
    if (cross === 0 && within) return 0
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside ? 1 : -1
}

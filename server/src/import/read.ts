// The entry point of the import readers: bytes of an upload in, features
// in CGCS2000 lon/lat (EPSG:4490) out, with one problem per feature that
// could not be taken as it is. File-level failures throw AppError; feature
// problems are data.
import type { Geometry, Position } from 'geojson'
import { AppError, quote } from '../errors/app-error.ts'
import { JIMO_BOUNDS, insideJimo } from '../geo/extent.ts'
import {
  detectSrid,
  detectionWarnings,
  givenCrs,
  knownCrs,
  toCgcs2000,
  type Box,
  type SourceCrs,
} from './crs-detect.ts'
import { isCsvName, readCsv } from './csv.ts'
import { fromGcj02 } from './gcj02.ts'
import { looksLikeJson, readGeoJson } from './geojson.ts'
import { featureProblem, formatPosition, type SourceFeature } from './problems.ts'
import { isShapefilePart, readShapefile } from './shapefile.ts'
import type {
  CrsSource,
  EncodingSource,
  FeatureProblem,
  RawFeature,
  ReadOptions,
  ReadResult,
} from './types.ts'
import { stage } from './stages.ts'
import { isZip, unzipMembers } from './zip.ts'

// Output precision: 1e-9° is ~0.1 mm, far below survey accuracy.
const DEGREE_SCALE = 1e9

/** The layer a reader produced, in its source CRS. */
interface SourceLayer {
  format: ReadResult['format']
  layerName: string
  features: SourceFeature[]
  problems: FeatureProblem[]
  crs: SourceCrs | null
  crsSource: 'prj' | 'geojson_crs' | 'ewkt'
  encoding: string | null
  encodingSource: EncodingSource | null
  warnings: string[]
}

export async function readUpload(bytes: Uint8Array, options: ReadOptions): Promise<ReadResult> {
  checkSize(bytes.length, options)
  const { fileName, limits } = options
  if (isZip(bytes) || /\.zip$/i.test(fileName)) {
    const { members, names } = stage('unzip', () =>
      unzipMembers(bytes, fileName, limits, isShapefilePart),
    )
    return finish(shapefileLayer(members, names, options), options)
  }
  if (isCsvName(fileName)) return finish(csvLayer(bytes, options), options)
  if (looksLikeJson(bytes) || /\.(geo)?json$/i.test(fileName)) {
    return finish(geojsonLayer(bytes, options), options)
  }
  if (/\.shp$/i.test(fileName)) return readMembers(new Map([[fileName, bytes]]), options)
  throw new AppError('unsupported_format', { file: quote(fileName), start: quote(startOf(bytes)) })
}

/**
 * The same for a Shapefile uploaded as loose members (name → bytes), e.g.
 * a multi-file form field with the .shp, .dbf, .prj and .cpg.
 */
export async function readMembers(
  members: ReadonlyMap<string, Uint8Array>,
  options: ReadOptions,
): Promise<ReadResult> {
  const total = [...members.values()].reduce((n, b) => n + b.length, 0)
  checkSize(total, options)
  return finish(shapefileLayer(members, [...members.keys()], options), options)
}

function checkSize(size: number, { fileName, limits }: ReadOptions): void {
  if (size === 0) throw new AppError('empty_file', { file: quote(fileName) })
  if (size > limits.maxUploadBytes) {
    throw new AppError('upload_too_large', {
      file: quote(fileName),
      size,
      limit: limits.maxUploadBytes,
    })
  }
}

function shapefileLayer(
  members: ReadonlyMap<string, Uint8Array>,
  names: readonly string[],
  options: ReadOptions,
): SourceLayer {
  const { fileName, encoding, srid, limits } = options
  const layer = readShapefile({ members, names, fileName, encoding, srid, limits })
  return { format: 'shapefile', crsSource: 'prj', ...layer }
}

function geojsonLayer(bytes: Uint8Array, options: ReadOptions): SourceLayer {
  const layer = readGeoJson(bytes, options)
  return {
    format: 'geojson',
    crsSource: 'geojson_crs',
    encoding: null,
    encodingSource: null,
    ...layer,
  }
}

function csvLayer(bytes: Uint8Array, options: ReadOptions): SourceLayer {
  return { format: 'csv', crsSource: 'ewkt', ...readCsv(bytes, options) }
}

/** The first bytes, printable, for a message about an unknown format. */
function startOf(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes.subarray(0, 16)).replace(/[^\x20-\x7e]/g, '.')
}

function finish(layer: SourceLayer, options: ReadOptions): ReadResult {
  const warnings = [...layer.warnings]
  const problems = [...layer.problems]
  const readable: SourceFeature[] = []
  const boxes: Box[] = []
  stage('check coordinates', () => {
    for (const feature of layer.features) {
      const box = checkReadable(feature, options, problems)
      if (box) {
        readable.push(feature)
        boxes.push(box)
      }
    }
  })
  const { crs, crsSource } = stage('detect CRS', () =>
    resolveCrs(layer, readable, boxes, options, warnings),
  )
  const transform = lonLatTransform(crs, options.gcj02 === true)
  const features: RawFeature[] = []
  stage('reproject (proj4)', () => {
    for (const feature of readable) {
      const raw = reproject(feature, crs, transform, problems)
      if (raw) features.push(raw)
    }
  })
  problems.sort((a, b) => a.index - b.index)
  return {
    format: layer.format,
    layerName: layer.layerName,
    features,
    problems,
    sourceSrid: crs.srid,
    sourceCrsName: crs.name,
    crsSource,
    encoding: layer.encoding,
    encodingSource: layer.encodingSource,
    gcj02: options.gcj02 === true,
    warnings,
  }
}

/** What one walk over a geometry's positions finds: how many, the first non-finite one, the box. */
interface Scan {
  count: number
  bad: Position | undefined
  box: Box
}

function scanPositions(coordinates: unknown, scan: Scan): void {
  if (!Array.isArray(coordinates)) return
  if (typeof coordinates[0] !== 'number') {
    for (const item of coordinates) scanPositions(item, scan)
    return
  }
  const x = coordinates[0] as number
  const y = coordinates[1] as number
  scan.count++
  if (!scan.bad && (!Number.isFinite(x) || !Number.isFinite(y))) scan.bad = coordinates as Position
  const box = scan.box
  // NaN (a missing y) poisons the box as Math.min/max did
  box[0] = x < box[0] || Number.isNaN(x) ? x : box[0]
  box[1] = y < box[1] || Number.isNaN(y) ? y : box[1]
  box[2] = x > box[2] || Number.isNaN(x) ? x : box[2]
  box[3] = y > box[3] || Number.isNaN(y) ? y : box[3]
}

function scanGeometry(geometry: Geometry, scan: Scan): void {
  if (geometry.type === 'GeometryCollection') {
    for (const part of geometry.geometries) scanGeometry(part, scan)
  } else {
    scanPositions(geometry.coordinates, scan)
  }
}

/**
 * Null, empty, non-finite or oversized geometry is reported and left out;
 * a readable feature's box (in its own coordinates) is returned.
 */
function checkReadable(
  feature: SourceFeature,
  options: ReadOptions,
  problems: FeatureProblem[],
): Box | null {
  if (!feature.geometry) {
    problems.push(featureProblem(feature, 'null_geometry', { en: 'it has no geometry', zh: '没有几何图形' }))
    return null
  }
  const scan: Scan = { count: 0, bad: undefined, box: [Infinity, Infinity, -Infinity, -Infinity] }
  scanGeometry(feature.geometry, scan)
  if (scan.count === 0) {
    const type = feature.geometry.type
    problems.push(featureProblem(feature, 'empty_geometry', {
      en: `its ${type} has no coordinates`,
      zh: `其 ${type} 没有坐标`,
    }))
    return null
  }
  if (scan.bad) {
    const at = formatPosition(scan.bad)
    problems.push(featureProblem(feature, 'non_finite_coordinates', {
      en: `coordinate ${at} is not a finite number`,
      zh: `坐标 ${at} 不是有限数值`,
    }))
    return null
  }
  const limit = options.limits.maxVerticesPerFeature
  if (scan.count > limit) {
    problems.push(featureProblem(feature, 'too_many_vertices', {
      en: `it has ${scan.count} vertices, more than the limit of ${limit}`,
      zh: `有 ${scan.count} 个顶点，超过上限 ${limit}`,
    }))
    return null
  }
  return scan.box
}

/**
 * The CRS, in this order: the srid the user gave, the .prj or GeoJSON
 * "crs", the coordinates. GeoJSON without "crs" in lon/lat range is
 * CGCS2000 by default (RFC 7946 says WGS 84 lon/lat, the same to well
 * under a metre here).
 */
function resolveCrs(
  layer: SourceLayer,
  features: readonly SourceFeature[],
  boxes: readonly Box[],
  options: ReadOptions,
  warnings: string[],
): { crs: SourceCrs; crsSource: CrsSource } {
  const detection = detectSrid(boxes)
  const declared = options.srid !== undefined ? givenCrs(options.srid) : layer.crs
  if (declared) {
    warnings.push(...declared.warnings)
    warnIfCoordinatesDisagree(declared, detection?.srid, warnings)
    return { crs: declared, crsSource: options.srid !== undefined ? 'given' : layer.crsSource }
  }
  if (!detection) {
    // GeoJSON is lon/lat by definition (RFC 7946): stray values are reported per feature
    if (features.length === 0 || layer.format === 'geojson') {
      return { crs: knownCrs(4490) as SourceCrs, crsSource: 'default' }
    }
    throw new AppError('unknown_crs', {
      file: quote(options.fileName),
      extent: formatBox(unionBox(boxes)),
    })
  }
  const crs = knownCrs(detection.srid) as SourceCrs
  warnings.push(...detectionWarnings(detection.srid), ...crs.warnings)
  const geojsonDefault = layer.format === 'geojson' && detection.srid === 4490
  return { crs, crsSource: geojsonDefault ? 'default' : 'detected' }
}

function warnIfCoordinatesDisagree(
  crs: SourceCrs,
  detected: number | undefined,
  warnings: string[],
): void {
  if (detected === undefined || crs.geographic === (detected === 4490)) return
  const looks =
    detected === 4490 ? 'lon/lat degrees' : `Gauss-Krüger metres (like EPSG:${detected})`
  warnings.push(
    `the coordinates look like ${looks}, not ${crs.name} (EPSG:${crs.srid}) as declared: ` +
      'give the srid if the result is misplaced',
  )
}

type Transform = (xy: readonly number[]) => [number, number]

function lonLatTransform(crs: SourceCrs, gcj02: boolean): Transform {
  const toLonLat = toCgcs2000(crs)
  return (xy) => {
    const q = toLonLat(xy)
    if (gcj02) {
      const [x, y] = fromGcj02(q[0], q[1])
      q[0] = x
      q[1] = y
    }
    q[0] = Math.round(q[0] * DEGREE_SCALE) / DEGREE_SCALE
    q[1] = Math.round(q[1] * DEGREE_SCALE) / DEGREE_SCALE
    return q
  }
}

/** The state of one feature's reprojection: the first position out of range, the first outside Jimo. */
interface Projection {
  geographic: boolean
  transform: Transform
  outOfRange: Position | undefined
  outside: Position | undefined
}

function projectPosition(p: Position, at: Projection): Position {
  if (at.outOfRange) return p
  const x = p[0] as number
  const y = p[1] as number
  if (at.geographic && (Math.abs(x) > 180 || Math.abs(y) > 90)) {
    at.outOfRange = p
    return p
  }
  const q = at.transform(p)
  if (!Number.isFinite(q[0]) || !Number.isFinite(q[1]) || Math.abs(q[0]) > 180 || Math.abs(q[1]) > 90) {
    at.outOfRange = p
  } else if (!at.outside && !insideJimo(q[0], q[1])) {
    at.outside = q
  }
  return q
}

function projectCoordinates(c: unknown, at: Projection): unknown {
  const items = c as unknown[]
  if (typeof items[0] === 'number') return projectPosition(items as Position, at)
  const out = new Array(items.length)
  for (let i = 0; i < items.length; i++) out[i] = projectCoordinates(items[i], at)
  return out
}

function projectGeometry(geometry: Geometry, at: Projection): Geometry {
  if (geometry.type === 'GeometryCollection') {
    return { type: 'GeometryCollection', geometries: geometry.geometries.map((g) => projectGeometry(g, at)) }
  }
  return { type: geometry.type, coordinates: projectCoordinates(geometry.coordinates, at) } as Geometry
}

/**
 * The feature in EPSG:4490, or null when a coordinate is out of range
 * (beyond ±180/±90 in a geographic CRS, or where the projection fails).
 * A coordinate outside Jimo district is reported and the feature kept.
 */
function reproject(
  feature: SourceFeature,
  crs: SourceCrs,
  transform: Transform,
  problems: FeatureProblem[],
): RawFeature | null {
  const at: Projection = { geographic: crs.geographic, transform, outOfRange: undefined, outside: undefined }
  const geometry = projectGeometry(feature.geometry as Geometry, at)
  if (at.outOfRange) {
    problems.push(outOfRangeProblem(feature, crs, at.outOfRange))
    return null
  }
  if (at.outside) problems.push(outsideProblem(feature, at.outside))
  const raw: RawFeature = { index: feature.index, geometry, properties: feature.properties }
  if (feature.id !== undefined) raw.id = feature.id
  return raw
}

function outOfRangeProblem(feature: SourceFeature, crs: SourceCrs, at: Position) {
  const xy = formatPosition(at)
  const system = `${crs.name} (EPSG:${crs.srid})`
  return featureProblem(feature, 'coordinates_out_of_range', {
    en: `coordinate ${xy} is out of range for ${system}`,
    zh: `坐标 ${xy} 超出 ${system} 的取值范围`,
  })
}

function outsideProblem(feature: SourceFeature, at: Position) {
  const xy = formatPosition(at)
  const b = JIMO_BOUNDS
  const box = `${b.minLon}–${b.maxLon}°E, ${b.minLat}–${b.maxLat}°N`
  return featureProblem(feature, 'outside_district', {
    en: `coordinate ${xy} (EPSG:4490 lon/lat) lies outside Jimo district (${box})`,
    zh: `坐标 ${xy}（EPSG:4490 经纬度）不在即墨区范围内（${box}）`,
  })
}

/** Every position of a geometry, in order. */
export function positionsOf(geometry: Geometry): Position[] {
  if (geometry.type === 'GeometryCollection') return geometry.geometries.flatMap(positionsOf)
  const out: Position[] = []
  const walk = (c: unknown): void => {
    if (!Array.isArray(c)) return
    if (typeof c[0] === 'number') out.push(c as Position)
    else for (const item of c) walk(item)
  }
  walk(geometry.coordinates)
  return out
}

function boxOf(positions: readonly Position[]): Box {
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity]
  for (const [x = NaN, y = NaN] of positions) {
    box[0] = Math.min(box[0], x)
    box[1] = Math.min(box[1], y)
    box[2] = Math.max(box[2], x)
    box[3] = Math.max(box[3], y)
  }
  return box
}

function unionBox(boxes: readonly Box[]): Box {
  return boxOf(
    boxes.flatMap((b) => [
      [b[0], b[1]],
      [b[2], b[3]],
    ]),
  )
}

function formatBox(box: Box): string {
  const r = (v: number) => String(Math.round(v * 1000) / 1000)
  return `${r(box[0])} ${r(box[1])} – ${r(box[2])} ${r(box[3])}`
}

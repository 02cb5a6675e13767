// A GeoJSON reader: a FeatureCollection, a single Feature or a bare
// geometry. The file's structure is checked with geojson-validation; a
// FeatureCollection is checked feature by feature, so one malformed
// feature is reported on its own and the others are still read.
import type { Geometry, GeometryCollection, Position } from 'geojson'
import * as GJV from 'geojson-validation'
import { MAX_JSON_DEPTH, nestingDepth } from '../db/jsonb.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { crsFromGeoJson, type SourceCrs } from './crs-detect.ts'
import { decodeText, guessText, utf8ErrorAt } from './encoding.ts'
import { featureProblem, type Detail, type SourceFeature } from './problems.ts'
import type { FeatureProblem, ImportLimits, ReadOptions } from './types.ts'

export interface GeoJsonLayer {
  layerName: string
  features: SourceFeature[]
  problems: FeatureProblem[]
  crs: SourceCrs | null
  warnings: string[]
}

const GEOMETRY_TYPES = [
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
]
// Errors listed in a message before "…and n more"
const ERRORS_SHOWN = 3
/** A GeometryCollection holding a MultiPolygon: object, geometries, object, coordinates, polygon, ring, position. */
const MAX_GEOMETRY_DEPTH = 9

export function looksLikeJson(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  while (i < bytes.length && [0x20, 0x09, 0x0a, 0x0d].includes(bytes[i] as number)) i++
  return bytes[i] === 0x7b || bytes[i] === 0x5b // { or [
}

export function readGeoJson(bytes: Uint8Array, options: ReadOptions): GeoJsonLayer {
  const { fileName, limits } = options
  const warnings: string[] = []
  const text = decode(bytes, fileName, warnings)
  const root = parse(text, fileName)
  const fail = (reason: string) =>
    new AppError('invalid_geojson', { file: quote(fileName), reason })
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw fail('the top level must be a JSON object')
  }
  const object = root as Record<string, unknown>
  // a given srid overrides the "crs" member, which then need not be understood
  const crs = options.srid === undefined ? crsFromGeoJson(object.crs) : null
  const layerName =
    typeof object.name === 'string' && object.name ? object.name : baseName(fileName)
  const { features, problems } = readRoot(object, fail, fileName, limits)
  return { layerName, features, problems, crs, warnings }
}

/** UTF-8 as RFC 8259 asks (a BOM is dropped); a GBK file is read with a warning. */
function decode(bytes: Uint8Array, fileName: string, warnings: string[]): string {
  const body =
    bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes
  const bad = utf8ErrorAt(body)
  if (bad < 0) return new TextDecoder('utf-8').decode(body)
  if (guessText([body]) === 'gbk') {
    warnings.push(`${fileName} is not UTF-8; its bytes read as GBK`)
    return decodeText(body, 'gbk')
  }
  throw new AppError('invalid_geojson', {
    file: quote(fileName),
    reason: `it is not UTF-8 text (byte ${bad})`,
  })
}

function parse(text: string, fileName: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    const offset = syntaxErrorOffset(text)
    const { line, column } = lineAndColumn(text, offset)
    const near = JSON.stringify(text.slice(offset, offset + 20))
    const said = (error as Error).message.split('\n')[0]
    throw new AppError('invalid_geojson', {
      file: quote(fileName),
      reason: `JSON syntax error at line ${line}, column ${column} (near ${near}): ${said}`,
    })
  }
}

function readRoot(
  root: Record<string, unknown>,
  fail: (reason: string) => AppError,
  fileName: string,
  limits: ImportLimits,
): { features: SourceFeature[]; problems: FeatureProblem[] } {
  // geojson-validation recurses: a top level nested deeper than any GeoJSON is refused before it looks
  const tooDeep = () => nestingDepth(root, MAX_JSON_DEPTH + MAX_GEOMETRY_DEPTH) >= MAX_JSON_DEPTH + MAX_GEOMETRY_DEPTH
  if (root.type === 'FeatureCollection') {
    if (!Array.isArray(root.features)) throw fail(tooDeep() ? 'it is nested too deeply' : listErrors(validated(() => GJV.valid(root, true))))
    if (root.features.length > limits.maxFeatures) {
      throw new AppError('too_many_features', {
        file: quote(fileName),
        count: root.features.length,
        limit: limits.maxFeatures,
      })
    }
    return readFeatures(root.features)
  }
  if (tooDeep()) throw fail('it is nested too deeply')
  if (root.type === 'Feature' || GEOMETRY_TYPES.includes(root.type as string)) {
    const errors = validated(() => GJV.valid(root, true))
    if (errors.length > 0) throw fail(listErrors(errors))
    return readFeatures([
      root.type === 'Feature' ? root : { type: 'Feature', properties: {}, geometry: root },
    ])
  }
  throw fail(listErrors(validated(() => GJV.valid(root, true))))
}

/**
 * geojson-validation's list of errors. It throws on some malformed input
 * itself (a Polygon ring that is an empty array: "Cannot read properties of
 * undefined"); that is one more error of the input.
 */
function validated(check: () => string[]): string[] {
  try {
    return check()
  } catch (error) {
    return [`it cannot be read as GeoJSON (${(error as Error).message})`]
  }
}

function listErrors(errors: readonly string[]): string {
  const shown = errors.slice(0, ERRORS_SHOWN).join('; ')
  const more = errors.length > ERRORS_SHOWN ? `; …and ${errors.length - ERRORS_SHOWN} more` : ''
  return (shown || 'not a GeoJSON object') + more
}

function readFeatures(items: readonly unknown[]): {
  features: SourceFeature[]
  problems: FeatureProblem[]
} {
  const features: SourceFeature[] = []
  const problems: FeatureProblem[] = []
  items.forEach((item, index) => {
    const read = readFeature(item, index)
    if ('problem' in read) problems.push(read.problem)
    else features.push(read.feature)
  })
  return { features, problems }
}

type FeatureReading = { feature: SourceFeature } | { problem: FeatureProblem }

function readFeature(item: unknown, index: number): FeatureReading {
  const malformed = featureShapeError(item)
  if (malformed) {
    return { problem: featureProblem({ index, properties: {} }, 'malformed_feature', malformed) }
  }
  const f = item as Record<string, unknown>
  const properties = (f.properties ?? {}) as Record<string, unknown>
  const feature: SourceFeature = { index, geometry: null, properties }
  if (typeof f.id === 'string' || typeof f.id === 'number') feature.id = f.id
  return readGeometry(feature, f.geometry)
}

/** Why an item of "features" is not a Feature; null when it is one. */
function featureShapeError(item: unknown): Detail | null {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return { en: 'it is not a JSON object', zh: '不是 JSON 对象' }
  }
  const { type, properties } = item as Record<string, unknown>
  if (type !== 'Feature') {
    const given = quote(type ?? null)
    return { en: `its type is ${given}, not "Feature"`, zh: `类型为 ${given}，不是 "Feature"` }
  }
  if (properties === undefined || properties === null) return null
  if (typeof properties === 'object' && !Array.isArray(properties)) {
    if (nestingDepth(properties, MAX_JSON_DEPTH + 1) <= MAX_JSON_DEPTH) return null
    return { en: `its properties nest deeper than ${MAX_JSON_DEPTH} levels`, zh: `properties 嵌套超过 ${MAX_JSON_DEPTH} 层` }
  }
  const kind = Array.isArray(properties) ? 'an array' : typeof properties
  return { en: `its properties are ${kind}, not an object`, zh: `properties 为 ${kind}，不是对象` }
}

function readGeometry(feature: SourceFeature, geometry: unknown): FeatureReading {
  if (geometry === null || geometry === undefined) return { feature }
  // geojson-validation and the readers below recurse: deeper than a collection of MultiPolygons is malformed anyway
  if (nestingDepth(geometry, MAX_GEOMETRY_DEPTH + 1) > MAX_GEOMETRY_DEPTH) {
    return {
      problem: featureProblem(feature, 'malformed_geometry', {
        en: `malformed geometry: nested deeper than ${MAX_GEOMETRY_DEPTH} levels`,
        zh: `几何结构错误：嵌套超过 ${MAX_GEOMETRY_DEPTH} 层`,
      }),
    }
  }
  const errors = validated(() => GJV.isGeometryObject(geometry, true))
  if (errors.length > 0) {
    const list = listErrors(errors)
    return {
      problem: featureProblem(feature, 'malformed_geometry', {
        en: `malformed geometry: ${list}`,
        zh: `几何结构错误：${list}`,
      }),
    }
  }
  const flat = flattenCollection(geometry as Geometry)
  if (!flat) {
    const types = (geometry as GeometryCollection).geometries.map((g) => g.type).join(', ')
    return {
      problem: featureProblem(feature, 'unsupported_geometry_type', {
        en: `a GeometryCollection of ${types || 'nothing'} cannot be one feature`,
        zh: `GeometryCollection（${types || '空'}）不能作为一个要素`,
      }),
    }
  }
  feature.geometry = to2d(flat)
  return { feature }
}

/**
 * A GeometryCollection whose members are all points, all lines or all
 * polygons becomes the Multi* of them; a mixed one cannot be one parcel.
 */
function flattenCollection(geometry: Geometry): Geometry | null {
  if (geometry.type !== 'GeometryCollection') return geometry
  const members = geometry.geometries.map(flattenCollection)
  if (members.length === 0 || members.some((m) => m === null)) return null
  const parts = members as Exclude<Geometry, GeometryCollection>[]
  const family = new Set(parts.map((p) => p.type.replace(/^Multi/, '')))
  if (family.size !== 1) return null
  const many = (p: Exclude<Geometry, GeometryCollection>) =>
    p.type.startsWith('Multi') ? (p.coordinates as unknown[]) : [p.coordinates]
  const type = `Multi${[...family][0]}` as 'MultiPoint' | 'MultiLineString' | 'MultiPolygon'
  return { type, coordinates: parts.flatMap(many) } as Geometry
}

/** Only x and y are kept: parcels are 2-D. */
function to2d(geometry: Geometry): Geometry {
  const strip = (c: unknown): unknown =>
    typeof (c as unknown[])[0] === 'number'
      ? (c as Position).slice(0, 2)
      : (c as unknown[]).map(strip)
  return {
    type: geometry.type,
    coordinates: strip((geometry as { coordinates: unknown }).coordinates),
  } as Geometry
}

function baseName(fileName: string): string {
  return (fileName.split(/[\\/]/).pop() ?? fileName).replace(/\.[^.]*$/, '') || 'layer'
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const LITERAL = /true|false|null/y
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y

/**
 * Where JSON.parse stopped: V8 does not always give a position, so the
 * text is scanned once with the JSON grammar (RFC 8259) up to the first
 * character it rejects.
 */
export function syntaxErrorOffset(text: string): number {
  const stack: string[] = []
  let i = 0
  let state: 'value' | 'key' | 'after' = 'value'
  const skip = () => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++
  }
  const match = (pattern: RegExp) => {
    pattern.lastIndex = i
    if (!pattern.test(text)) return false
    i = pattern.lastIndex
    return true
  }
  for (;;) {
    skip()
    const c = text.charAt(i)
    if (state === 'value') {
      if (c === '{' || c === '[') {
        i++
        skip()
        const close = c === '{' ? '}' : ']'
        if (text.charAt(i) === close) {
          i++
          state = 'after'
        } else {
          stack.push(c)
          state = c === '{' ? 'key' : 'value'
        }
      } else if (match(STRING) || match(NUMBER) || match(LITERAL)) {
        state = 'after'
      } else {
        return i
      }
    } else if (state === 'key') {
      if (!match(STRING)) return i
      skip()
      if (text.charAt(i) !== ':') return i
      i++
      state = 'value'
    } else {
      const top = stack[stack.length - 1]
      if (top === undefined) return i
      if (c === ',') {
        i++
        state = top === '{' ? 'key' : 'value'
      } else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        i++
        stack.pop()
      } else {
        return i
      }
    }
  }
}

import type { Geometry } from 'geojson'
import { jsonbProblem } from '../db/jsonb.ts'
import { AppError } from '../errors/app-error.ts'
import { parseProperties, type ParcelProperties } from '../parcels/properties.ts'
import { mapParcelAttributes, type ExplicitMapping, type ParcelField } from './mapping.ts'
import type { PlaceLookup } from './places.ts'
import type { ParcelCandidate } from './store-parcels.ts'
import type { OccupationCandidate, ZoneCandidate } from './store-others.ts'
import { featureRef } from './problems.ts'
import { FEATURE_PROBLEM_CODES, type FeatureProblem, type FeatureProblemCode, type RawFeature } from './types.ts'

export interface Plan<C> {
  candidates: C[]
  problems: FeatureProblem[]
  /** source column → the property it filled, as used for this file */
  mapping: Record<string, string>
}

const POLYGONAL = new Set(['Polygon', 'MultiPolygon'])

function problem(feature: RawFeature, code: FeatureProblemCode, detail: string, label?: string): FeatureProblem {
  return { index: feature.index, code, message: `${featureRef(feature.index, label)}: ${detail}` }
}

function fromAppError(feature: RawFeature, error: unknown, label: string): FeatureProblem {
  if (!(error instanceof AppError)) throw error
  const code = (FEATURE_PROBLEM_CODES as readonly string[]).includes(error.code)
    ? (error.code as FeatureProblemCode)
    : 'invalid_property'
  return problem(feature, code, error.message, label)
}

function polygonal(feature: RawFeature, problems: FeatureProblem[], label: string): boolean {
  if (!POLYGONAL.has(feature.geometry.type)) {
    problems.push(problem(feature, 'unsupported_geometry_type', `a ${feature.geometry.type} where a polygon is needed`, label))
    return false
  }
  return storable(feature, problems, label)
}

/**
 * What PostGIS would refuse outright rather than judge: a polygon ring of
 * fewer than four positions or not closed (WKT and Shapefiles allow both),
 * and properties jsonb cannot hold (U+0000, lone surrogates, deep nesting).
 */
function storable(feature: RawFeature, problems: FeatureProblem[], label: string): boolean {
  const rings = feature.geometry.type === 'Polygon' ? feature.geometry.coordinates
    : feature.geometry.type === 'MultiPolygon' ? feature.geometry.coordinates.flat() : []
  const bad = rings.findIndex((ring) => ring.length < 4 || ring[0]![0] !== ring.at(-1)![0] || ring[0]![1] !== ring.at(-1)![1])
  if (bad >= 0) {
    const ring = rings[bad]!
    const why = ring.length < 4 ? `has ${ring.length} positions, fewer than 4` : 'is not closed (first position ≠ last)'
    problems.push(problem(feature, 'malformed_geometry', `ring ${bad} ${why}`, label))
    return false
  }
  const trouble = jsonbProblem(feature.properties)
  if (trouble) {
    problems.push(problem(feature, 'invalid_property', `its properties cannot be stored: ${trouble}`, label))
    return false
  }
  return true
}

/**
 * Turns a file's features into parcels: columns mapped to properties (names
 * of towns and villages resolved to codes), then checked by the same rules
 * as the parcel API. A code used twice in one file is refused the second time.
 */
export function planParcels(features: RawFeature[], places: PlaceLookup, explicit: ExplicitMapping = {}): Plan<ParcelCandidate> {
  const plan: Plan<ParcelCandidate> = { candidates: [], problems: [], mapping: {} }
  const seen = new Map<string, number>()
  for (const feature of features) {
    const mapped = mapParcelAttributes(feature.properties, explicit, places)
    Object.assign(plan.mapping, mapped.used)
    const code = mapped.parcel.code
    const label = code ? `地块编码 ${code}` : ''
    if (!code) {
      plan.problems.push(problem(feature, 'missing_code', 'no 地块编码 (parcel code) column or value'))
      continue
    }
    const unmatched = mapped.unmatched.find((u) => ['town', 'village', 'category', 'status', 'problems'].includes(u.field))
    if (unmatched) {
      plan.problems.push(problem(feature, unmatchedCode(unmatched.field), `${unmatched.column} = "${String(unmatched.value)}" is not known`, label))
      continue
    }
    if (!polygonal(feature, plan.problems, label)) continue
    if (seen.has(code)) {
      plan.problems.push(problem(feature, 'duplicate_code', `the code is used by feature ${seen.get(code)} of this file too`, label))
      continue
    }
    seen.set(code, feature.index)
    const { parcel } = mapped
    if (parcel.village && !parcel.town) parcel.town = places.townOfVillage(parcel.village)
    try {
      const properties = parseProperties({ ...parcel, ...(Object.keys(mapped.extra).length ? { attributes: mapped.extra } : {}) })
      plan.candidates.push({ index: feature.index, properties: properties as Partial<ParcelProperties> & { code: string }, geometry: feature.geometry })
    } catch (error) {
      plan.problems.push(fromAppError(feature, error, label))
    }
  }
  return plan
}

function unmatchedCode(field: ParcelField): FeatureProblemCode {
  if (field === 'town') return 'unknown_town'
  if (field === 'village') return 'unknown_village'
  if (field === 'category') return 'unknown_category'
  if (field === 'status') return 'unknown_status'
  if (field === 'problems') return 'unknown_problem'
  return 'invalid_property'
}

// Property names that occupation and zone files commonly use.
const pick = (props: Record<string, unknown>, names: string[]): string | null => {
  for (const name of names) {
    const value = props[name]
    if (value !== undefined && value !== null && value !== '') return String(value)
  }
  return null
}

const without = (props: Record<string, unknown>, names: string[]) =>
  Object.fromEntries(Object.entries(props).filter(([key]) => !names.includes(key)))

const OCCUPATION_NAMES = {
  code: ['code', '编码', '编号', '图斑编号'],
  kind: ['kind', '类型', '占用类型'],
  description: ['description', '描述', '说明', '备注'],
  surveyed_at: ['surveyed_at', '调查日期', '日期'],
}

/** Occupations: surveyed structures and uses; a missing code becomes one derived from the import. */
export function planOccupations(features: RawFeature[], importLabel: string): Plan<OccupationCandidate> {
  const plan: Plan<OccupationCandidate> = { candidates: [], problems: [], mapping: {} }
  const known = Object.values(OCCUPATION_NAMES).flat()
  for (const feature of features) {
    const p = feature.properties
    const code = pick(p, OCCUPATION_NAMES.code) ?? `${importLabel}-${feature.index}`
    if (!polygonal(feature, plan.problems, code)) continue
    const surveyed = pick(p, OCCUPATION_NAMES.surveyed_at)
    if (surveyed !== null && Number.isNaN(Date.parse(surveyed))) {
      plan.problems.push(problem(feature, 'invalid_property', `surveyed_at "${surveyed}" is not a date`, code))
      continue
    }
    plan.candidates.push({
      index: feature.index,
      geometry: feature.geometry,
      properties: {
        code,
        kind: pick(p, OCCUPATION_NAMES.kind) ?? 'building',
        description: pick(p, OCCUPATION_NAMES.description),
        surveyed_at: surveyed,
        attributes: without(p, known),
      },
    })
  }
  return plan
}

const ZONE_NAMES = { code: ['code', '编码', '编号'], class: ['class', '分区类型', '类型'], name: ['name', '名称'] }

/**
 * Zones of a planning layer: each zone's class comes from its `class`
 * property, else from the class given for the whole file (roads: `road`).
 */
export function planZones(features: RawFeature[], fileClass: string | undefined): Plan<ZoneCandidate> {
  const plan: Plan<ZoneCandidate> = { candidates: [], problems: [], mapping: {} }
  const known = Object.values(ZONE_NAMES).flat()
  for (const feature of features) {
    const p = feature.properties
    const zoneClass = pick(p, ZONE_NAMES.class) ?? fileClass ?? null
    const code = pick(p, ZONE_NAMES.code) ?? ''
    if (!storable(feature, plan.problems, code)) continue
    if (zoneClass === null || !/^[a-z_]{1,40}$/.test(zoneClass)) {
      plan.problems.push(problem(feature, 'missing_property', zoneClass === null
        ? 'no zone class: give each feature a "class" property or the class field for the file'
        : `class "${zoneClass}" is not a zone class code (lower-case letters and _)`, code))
      continue
    }
    plan.candidates.push({
      index: feature.index,
      geometry: feature.geometry as Geometry,
      properties: { code, class: zoneClass, name: pick(p, ZONE_NAMES.name), attributes: without(p, known) },
    })
  }
  return plan
}

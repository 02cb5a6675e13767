import type { User } from '../auth/roles.ts'
import type { Queryable } from '../db/db.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { ROAD_CLASSES, type RoadClass } from './kinds.ts'

/** What a run may be told; every run records the values it used. */
export interface CheckParams {
  /** Pieces smaller than this are not reported, m² (ellipsoidal). */
  min_piece_m2: number
  /** A piece larger than this, 亩, is raised one severity step; null: never. */
  raise_above_mu: number | null
  /** Declared and measured area may differ by this share of the measured area … */
  area_tolerance: number
  /** … or by this many 亩, whichever is larger, so tiny parcels are not flooded with flags. */
  area_floor_mu: number
  /** A parcel, or a piece of two parcels' overlap, narrower than this is a sliver, m. */
  sliver_width_m: number
  /** 公路建筑控制区 width beyond the road land's edge, m, by road class. */
  road_control_m: Record<RoadClass, number>
}

/**
 * The defaults. Area: 1 % with a floor of 0.01 亩, the rule data-samples/expected.json
 * states (declared areas are rounded to 0.01 亩). Road control: the national minimums
 * of DOMAIN.md (公路安全保护条例 第十一条; expressways 30 m).
 */
export const DEFAULT_PARAMS: CheckParams = {
  min_piece_m2: 1,
  raise_above_mu: null,
  area_tolerance: 0.01,
  area_floor_mu: 0.01,
  sliver_width_m: 1,
  road_control_m: { expressway: 30, national: 20, provincial: 15, county: 10, township: 5 },
}

const SETTINGS_KEY = 'params'

type NumberField = Exclude<keyof CheckParams, 'road_control_m' | 'raise_above_mu'>

const RANGES: Record<NumberField, { min: number; max: number }> = {
  min_piece_m2: { min: 0, max: 1e6 },
  area_tolerance: { min: 0, max: 1 },
  area_floor_mu: { min: 0, max: 1e4 },
  sliver_width_m: { min: 0, max: 100 },
}

function invalid(field: string, value: unknown, reason: string): AppError {
  return new AppError('invalid_check', { field, value: quote(value), reason })
}

function number(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(field, value, `a number from ${min} to ${max}`)
  }
  return value
}

/** Merges user-given parameters over `base`, refusing unknown names and bad values. */
export function parseParams(input: unknown, base: CheckParams): CheckParams {
  if (input === undefined || input === null) return base
  if (typeof input !== 'object' || Array.isArray(input)) throw invalid('params', input, 'an object')
  const result: CheckParams = { ...base, road_control_m: { ...base.road_control_m } }
  for (const [name, value] of Object.entries(input)) {
    if (name in RANGES) {
      const { min, max } = RANGES[name as NumberField]
      result[name as NumberField] = number(`params.${name}`, value, min, max)
    } else if (name === 'raise_above_mu') {
      result.raise_above_mu = value === null ? null : number('params.raise_above_mu', value, 0, 1e6)
    } else if (name === 'road_control_m') {
      result.road_control_m = parseRoadControl(value, result.road_control_m)
    } else {
      throw invalid(`params.${name}`, value, `not a check parameter; known: ${Object.keys(DEFAULT_PARAMS).join(', ')}`)
    }
  }
  return result
}

function parseRoadControl(input: unknown, base: Record<RoadClass, number>): Record<RoadClass, number> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('params.road_control_m', input, `an object of ${ROAD_CLASSES.join(', ')}`)
  }
  const result = { ...base }
  for (const [name, value] of Object.entries(input)) {
    if (!ROAD_CLASSES.includes(name as RoadClass)) {
      throw invalid(`params.road_control_m.${name}`, value, `a road class: ${ROAD_CLASSES.join(', ')}`)
    }
    result[name as RoadClass] = number(`params.road_control_m.${name}`, value, 0, 500)
  }
  return result
}

/** The district's defaults: DEFAULT_PARAMS with what admins changed. */
export async function loadDefaults(db: Queryable): Promise<CheckParams> {
  const { rows } = await db.query<{ value: unknown }>('SELECT value FROM check_settings WHERE key = $1', [SETTINGS_KEY])
  // Stored values were validated when saved; a parameter added since keeps its default.
  return rows[0] ? parseParams(rows[0].value, DEFAULT_PARAMS) : DEFAULT_PARAMS
}

/** Changes some of the district's defaults; returns the new defaults. */
export async function saveDefaults(db: Queryable, user: User, change: unknown): Promise<CheckParams> {
  const next = parseParams(change, await loadDefaults(db))
  await db.query(
    `INSERT INTO check_settings (key, value, updated_by) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = now()`,
    [SETTINGS_KEY, JSON.stringify(next), user.id],
  )
  return next
}

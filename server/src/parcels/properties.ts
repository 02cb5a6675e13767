import { jsonbProblem, textProblem } from '../db/jsonb.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { PROBLEMS, STATUSES, type Problem, type Status } from '../domain/workflow.ts'
import { CATEGORY_CODES, type CategoryCode } from '../domain/categories.ts'
import {
  CODE_PATTERN,
  CONTROL_CHARACTERS,
  DECLARED_AREA_MAX_MU,
  PLACE_CODE_PATTERN,
  TEXT_LIMITS,
} from '../domain/parcel-fields.ts'

/** The properties a client may set on a parcel. */
export interface ParcelProperties {
  code: string
  name: string
  town: string
  village: string | null
  category: CategoryCode
  subtype: string | null
  status: Status
  problems: Problem[]
  ownership: string | null
  declared_area_mu: number | null
  location: string | null
  intended_use: string | null
  attributes: Record<string, unknown>
}

/** Computed or kept by the server: accepted in a body (a Feature sent back as read) and ignored. */
const READ_ONLY = new Set([
  'id', 'area_m2', 'area_mu', 'version', 'updated_at', 'updated_by', 'created_at', 'created_by', 'deleted_at',
])

const ATTRIBUTES_LIMIT = 64 * 1024

type Field = keyof ParcelProperties
const FIELDS: readonly Field[] = [
  'code', 'name', 'town', 'village', 'category', 'subtype', 'status', 'problems',
  'ownership', 'declared_area_mu', 'location', 'intended_use', 'attributes',
]

const PARSERS: { [F in Field]: (value: unknown) => ParcelProperties[F] } = {
  code: parseCode,
  name: (value) => parseText('name', value) ?? '',
  town: (value) => parseIdentifier('town', value),
  village: (value) => (value === null ? null : parseIdentifier('village', value)),
  category: parseCategory,
  subtype: (value) => parseText('subtype', value),
  status: parseStatus,
  problems: parseProblems,
  ownership: (value) => parseText('ownership', value),
  declared_area_mu: parseArea,
  location: (value) => parseText('location', value),
  intended_use: (value) => parseText('intended_use', value),
  attributes: parseAttributes,
}

/**
 * Checks the properties given in a request and returns those present, typed.
 * Unknown names are refused, so a misspelt field is not silently dropped.
 */
export function parseProperties(input: unknown): Partial<ParcelProperties> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AppError('invalid_feature', { reason: 'properties must be an object' })
  }
  const parsed: Partial<Record<Field, unknown>> = {}
  for (const [name, value] of Object.entries(input)) {
    if (READ_ONLY.has(name)) continue
    if (!FIELDS.includes(name as Field)) throw new AppError('unknown_property', { field: quote(name) })
    parsed[name as Field] = PARSERS[name as Field](value)
  }
  return parsed as Partial<ParcelProperties>
}

/** Fills the defaults of a new parcel and checks the required properties are there. */
export function completeNew(given: Partial<ParcelProperties>): ParcelProperties {
  for (const field of ['code', 'town', 'category'] as const) {
    if (given[field] === undefined) throw new AppError('missing_property', { field })
  }
  return {
    name: '', village: null, subtype: null, status: 'registered', problems: [], ownership: null,
    declared_area_mu: null, location: null, intended_use: null, attributes: {},
    ...given,
  } as ParcelProperties
}

function invalid(field: string, value: unknown, reason: string): AppError {
  return new AppError('invalid_property', { field, value: quote(value), reason })
}

function parseCode(value: unknown): string {
  if (typeof value !== 'string' || !CODE_PATTERN.test(value)) {
    throw new AppError('invalid_code', { value: quote(value) })
  }
  return value
}

function parseIdentifier(field: 'town' | 'village', value: unknown): string {
  if (typeof value !== 'string' || !PLACE_CODE_PATTERN.test(value)) {
    throw new AppError(field === 'town' ? 'unknown_town' : 'unknown_village', { value: quote(value), town: '' })
  }
  return value
}

function parseText(field: keyof typeof TEXT_LIMITS, value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value !== 'string') throw invalid(field, value, 'must be text')
  if (value.length > TEXT_LIMITS[field]) {
    throw new AppError('property_too_long', { field, length: value.length, limit: TEXT_LIMITS[field] })
  }
  if (CONTROL_CHARACTERS.test(value)) throw invalid(field, value, 'contains control characters')
  // a lone surrogate would be stored as U+FFFD, silently changing the text
  const problem = textProblem(value)
  if (problem) throw invalid(field, value, problem)
  return value
}

function parseCategory(value: unknown): CategoryCode {
  if (typeof value !== 'string' || !CATEGORY_CODES.includes(value as CategoryCode)) {
    throw new AppError('unknown_category', { value: quote(value), allowed: CATEGORY_CODES.join(', ') })
  }
  return value as CategoryCode
}

function parseStatus(value: unknown): Status {
  if (typeof value !== 'string' || !STATUSES.includes(value as Status)) {
    throw new AppError('unknown_status', { value: quote(value), allowed: STATUSES.join(', ') })
  }
  return value as Status
}

function parseProblems(value: unknown): Problem[] {
  if (!Array.isArray(value)) throw invalid('problems', value, 'must be an array')
  for (const problem of value) {
    if (typeof problem !== 'string' || !PROBLEMS.includes(problem as Problem)) {
      throw new AppError('unknown_problem', { value: quote(problem), allowed: PROBLEMS.join(', ') })
    }
  }
  return [...new Set(value as Problem[])].sort()
}

function parseArea(value: unknown): number | null {
  if (value === null) return null
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > DECLARED_AREA_MAX_MU) {
    throw invalid('declared_area_mu', value, `a number of 亩 from 0 to ${DECLARED_AREA_MAX_MU.toLocaleString('en-US')}`)
  }
  return value
}

function parseAttributes(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('attributes', value, 'must be an object')
  }
  const problem = jsonbProblem(value)
  if (problem) throw invalid('attributes', value, problem)
  const size = JSON.stringify(value).length
  if (size > ATTRIBUTES_LIMIT) {
    throw new AppError('property_too_long', { field: 'attributes', length: size, limit: ATTRIBUTES_LIMIT })
  }
  return value as Record<string, unknown>
}

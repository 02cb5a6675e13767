import type { Request } from 'express'
import { townScope, type User } from '../auth/roles.ts'
import { CATEGORY_CODES } from '../domain/categories.ts'
import { PROBLEMS, STATUSES } from '../domain/workflow.ts'
import { AppError } from '../errors/app-error.ts'

export const DEFAULT_LIMIT = 1000
export const MAX_LIMIT = 10_000

/** A WHERE clause built from conditions whose values are $n parameters. */
export class Where {
  readonly conditions: string[] = []
  readonly params: unknown[] = []

  /** Adds a condition; each `?` in it becomes the next $n, bound to the next value. */
  add(condition: string, ...values: unknown[]): this {
    let i = 0
    this.conditions.push(condition.replace(/\?/g, () => `$${this.params.push(values[i++])}`))
    return this
  }

  toString(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : ''
  }
}

export interface ParcelQuery {
  where: Where
  limit: number
  offset: number
}

function one(req: Request, name: string): string | undefined {
  const value = req.query[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') {
    throw new AppError('invalid_parameter', { field: name, value: JSON.stringify(value), reason: 'give it once' })
  }
  return value
}

function oneOf(req: Request, name: string, allowed: readonly string[]): string | undefined {
  const value = one(req, name)
  if (value !== undefined && !allowed.includes(value)) {
    throw new AppError('invalid_parameter', { field: name, value, reason: `one of ${allowed.join(', ')}` })
  }
  return value
}

function integer(req: Request, name: string, fallback: number, max: number): number {
  const value = one(req, name)
  if (value === undefined) return fallback
  const number = Number(value)
  if (!/^\d+$/.test(value) || number > max) {
    throw new AppError('invalid_parameter', { field: name, value, reason: `an integer from 0 to ${max}` })
  }
  return number
}

/** bbox=minLon,minLat,maxLon,maxLat in EPSG:4490 degrees. */
function bbox(req: Request): number[] | undefined {
  const value = one(req, 'bbox')
  if (value === undefined) return undefined
  const numbers = value.split(',').map(Number)
  const [minLon, minLat, maxLon, maxLat] = numbers
  const ok = numbers.length === 4 && numbers.every(Number.isFinite) && minLon! <= maxLon! && minLat! <= maxLat!
  if (!ok) {
    throw new AppError('invalid_parameter', { field: 'bbox', value, reason: 'minLon,minLat,maxLon,maxLat in degrees' })
  }
  return numbers
}

/** The attribute filters of GET /api/parcels, also taken by the parcel tiles and the statistics. */
export interface ParcelFilters {
  town?: string
  village?: string
  category?: string
  subtype?: string
  status?: string
  problem?: string
  /** part of the code or the name */
  q?: string
}

export const PARCEL_FILTER_NAMES = ['town', 'village', 'category', 'subtype', 'status', 'problem', 'q'] as const

/** The filters of a request, each checked; an empty `q` is no filter. */
export function parcelFilters(req: Request): ParcelFilters {
  const filters: ParcelFilters = {
    town: one(req, 'town'),
    village: one(req, 'village'),
    category: oneOf(req, 'category', CATEGORY_CODES),
    subtype: one(req, 'subtype'),
    status: oneOf(req, 'status', STATUSES),
    problem: oneOf(req, 'problem', PROBLEMS),
    q: one(req, 'q') || undefined,
  }
  for (const name of PARCEL_FILTER_NAMES) if (filters[name] === undefined) delete filters[name]
  return filters
}

/** A LIKE pattern that finds `q` anywhere, its own % and _ taken literally. */
export const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`

/** Adds the filters to a WHERE clause over `parcels p`. */
export function addParcelFilters(where: Where, filters: ParcelFilters): Where {
  if (filters.town !== undefined) where.add('p.town = ?', filters.town)
  if (filters.village !== undefined) where.add('p.village = ?', filters.village)
  if (filters.category !== undefined) where.add('p.category = ?', filters.category)
  if (filters.subtype !== undefined) where.add('p.subtype = ?', filters.subtype)
  if (filters.status !== undefined) where.add('p.status = ?', filters.status)
  if (filters.problem !== undefined) where.add('? = ANY (p.problems)', filters.problem)
  if (filters.q !== undefined) {
    const pattern = containsPattern(filters.q)
    where.add('(p.code ILIKE ? OR p.name ILIKE ?)', pattern, pattern)
  }
  return where
}

/** The filters of GET /api/parcels, confined to the user's town. */
export function parcelQuery(req: Request, user: User): ParcelQuery {
  const where = new Where()
  const scope = townScope(user)
  if (scope !== null) where.add('p.town = ?', scope)
  if (one(req, 'include_deleted') !== 'true') where.add('p.deleted_at IS NULL')

  addParcelFilters(where, parcelFilters(req))
  const box = bbox(req)
  if (box) where.add('ST_Intersects(p.geom, ST_MakeEnvelope(?, ?, ?, ?, 4490))', ...box)
  return {
    where,
    limit: integer(req, 'limit', DEFAULT_LIMIT, MAX_LIMIT),
    offset: integer(req, 'offset', 0, 10_000_000),
  }
}

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

/** The filters of GET /api/parcels, confined to the user's town. */
export function parcelQuery(req: Request, user: User): ParcelQuery {
  const where = new Where()
  const scope = townScope(user)
  if (scope !== null) where.add('p.town = ?', scope)
  if (one(req, 'include_deleted') !== 'true') where.add('p.deleted_at IS NULL')

  const town = one(req, 'town')
  const village = one(req, 'village')
  const category = oneOf(req, 'category', CATEGORY_CODES)
  const status = oneOf(req, 'status', STATUSES)
  const problem = oneOf(req, 'problem', PROBLEMS)
  const box = bbox(req)
  const q = one(req, 'q')
  if (town !== undefined) where.add('p.town = ?', town)
  if (village !== undefined) where.add('p.village = ?', village)
  if (category !== undefined) where.add('p.category = ?', category)
  if (status !== undefined) where.add('p.status = ?', status)
  if (problem !== undefined) where.add('? = ANY (p.problems)', problem)
  if (box) where.add('ST_Intersects(p.geom, ST_MakeEnvelope(?, ?, ?, ?, 4490))', ...box)
  if (q !== undefined && q !== '') {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`
    where.add('(p.code ILIKE ? OR p.name ILIKE ?)', pattern, pattern)
  }
  return {
    where,
    limit: integer(req, 'limit', DEFAULT_LIMIT, MAX_LIMIT),
    offset: integer(req, 'offset', 0, 10_000_000),
  }
}

// The query parameters of /ogc/collections/{id}/items (Features Part 1 and 2):
// limit, offset, bbox with bbox-crs, crs, datetime and one equality filter per
// queryable property. Anything else is refused with 400, as Part 1 requires.
import type { Request } from 'express'
import type { User } from '../auth/roles.ts'
import { AppError } from '../errors/app-error.ts'
import { Where } from '../parcels/list.ts'
import type { Source } from './collections.ts'
import { bboxInGisOrder, bboxPolygonSql, DEFAULT_CRS, parseCrs, type OgcCrs } from './crs.ts'

export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 10_000

export const PAGING_PARAMS = ['limit', 'offset', 'bbox', 'bbox-crs', 'crs', 'datetime', 'f'] as const

export interface ItemsQuery {
  where: Where
  limit: number
  offset: number
  crs: OgcCrs
}

function one(req: Request, name: string): string | undefined {
  const value = req.query[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') {
    throw new AppError('invalid_parameter', { field: name, value: JSON.stringify(value), reason: 'give it once' })
  }
  return value
}

function bad(field: string, value: string, reason: string): AppError {
  return new AppError('invalid_parameter', { field, value: value.slice(0, 200), reason })
}

function nonNegative(req: Request, name: string): number | undefined {
  const value = one(req, name)
  if (value === undefined) return undefined
  if (!/^\d{1,12}$/.test(value)) throw bad(name, value, 'a whole number, 0 or more')
  return Number(value)
}

/** Part 1: a limit over the maximum is not an error; the maximum is used. */
function limit(req: Request): number {
  const value = nonNegative(req, 'limit')
  if (value === 0) throw bad('limit', '0', 'at least 1')
  return Math.min(value ?? DEFAULT_LIMIT, MAX_LIMIT)
}

function format(req: Request): void {
  const f = one(req, 'f')
  if (f !== undefined && !['json', 'geojson'].includes(f)) throw bad('f', f, 'json or geojson')
}

function addBbox(req: Request, where: Where, source: Source): void {
  const value = one(req, 'bbox')
  const crsValue = one(req, 'bbox-crs')
  if (value === undefined) {
    if (crsValue !== undefined) throw bad('bbox-crs', crsValue, 'only with bbox')
    return
  }
  const numbers = value.split(',').map((n) => (n.trim() === '' ? NaN : Number(n)))
  if (!(numbers.length === 4 || numbers.length === 6) || !numbers.every(Number.isFinite)) {
    throw bad('bbox', value, 'four numbers (six with heights), lower corner then upper corner')
  }
  // with heights: x1,y1,z1,x2,y2,z2; the heights are ignored, parcels are flat
  const corners = numbers.length === 6 ? [numbers[0]!, numbers[1]!, numbers[3]!, numbers[4]!] : numbers
  const crs = crsValue === undefined ? DEFAULT_CRS : parseCrs(crsValue, 'bbox-crs')
  const box = bboxInGisOrder(corners, crs)
  // Part 1 allows a box across the antimeridian; Jimo never needs one.
  if (box[0] > box[2] || box[1] > box[3]) throw bad('bbox', value, 'the lower corner must not exceed the upper one')
  const polygon = bboxPolygonSql(crs, box)
  where.add(`ST_Intersects(${source.geom}, ${polygon.sql})`, ...polygon.values)
}

/** An RFC 3339 instant or a date; a date alone stands for the whole day (UTC). */
function instant(text: string, end: boolean): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text)
  const time = Date.parse(date ? `${text}T00:00:00Z` : text)
  if (!/^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?$/.test(text) || Number.isNaN(time)) {
    throw bad('datetime', text, 'an RFC 3339 date-time, a date, or an interval a/b with .. for an open end')
  }
  return new Date(date && end ? time + 86_400_000 - 1 : time)
}

function addDatetime(req: Request, where: Where, source: Source): void {
  const value = one(req, 'datetime')
  if (value === undefined) return
  if (!source.temporal) throw bad('datetime', value, `collection ${source.id} has no time property`)
  const column = source.temporal.column
  const parts = value.split('/')
  if (parts.length > 2) throw bad('datetime', value, 'an instant or one interval a/b')
  const [start, stop] = parts.length === 1 ? [parts[0]!, parts[0]!] : [parts[0]!, parts[1]!]
  const open = (end: string) => end === '..' || end === ''
  if (open(start) && open(stop)) throw bad('datetime', value, 'an interval needs at least one end')
  if (!open(start)) where.add(`${column} >= ?`, instant(start, false).toISOString())
  if (!open(stop)) where.add(`${column} <= ?`, instant(stop, true).toISOString())
}

/** One equality filter per queryable property given (the OGC items query and the tiles). */
export function addFilters(req: Request, where: Where, source: Source): void {
  for (const [name, filter] of Object.entries(source.filters)) {
    const value = one(req, name)
    if (value === undefined) continue
    if (filter.type === 'integer') {
      if (!/^\d{1,12}$/.test(value)) throw bad(name, value, 'a whole number')
      where.add(`${filter.column} = ?`, Number(value))
    } else if (filter.type === 'array') {
      where.add(`? = ANY (${filter.column})`, value)
    } else {
      where.add(`${filter.column} = ?`, value)
    }
  }
}

/** Refuses parameters the API does not define, so a misspelt filter does not silently match everything. */
function assertKnown(req: Request, source: Source): void {
  const known = new Set<string>([...PAGING_PARAMS, ...Object.keys(source.filters)])
  for (const name of Object.keys(req.query)) {
    if (!known.has(name)) {
      throw new AppError('ogc_unknown_parameter', { name: name.slice(0, 60), allowed: [...known].join(', ') })
    }
  }
}

export function itemsQuery(req: Request, user: User, source: Source): ItemsQuery {
  assertKnown(req, source)
  format(req)
  const where = new Where()
  source.scope(where, user)
  addBbox(req, where, source)
  addDatetime(req, where, source)
  addFilters(req, where, source)
  const crsValue = one(req, 'crs')
  return {
    where,
    limit: limit(req),
    offset: nonNegative(req, 'offset') ?? 0,
    crs: crsValue === undefined ? DEFAULT_CRS : parseCrs(crsValue, 'crs'),
  }
}

/** The crs of a single-item request (no other parameter applies there). */
export function itemCrs(req: Request): OgcCrs {
  for (const name of Object.keys(req.query)) {
    if (name !== 'crs' && name !== 'f') {
      throw new AppError('ogc_unknown_parameter', { name: name.slice(0, 60), allowed: 'crs, f' })
    }
  }
  format(req)
  const value = one(req, 'crs')
  return value === undefined ? DEFAULT_CRS : parseCrs(value, 'crs')
}

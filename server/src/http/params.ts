import type { Request } from 'express'
import { AppError, quote } from '../errors/app-error.ts'

/** A positive integer id from the path, e.g. pathId(req, 'id', 'parcel'); 400 naming the value otherwise. */
export function pathId(req: Request, name: string, what: string): number {
  const raw = String(req.params[name])
  if (!/^[1-9]\d{0,14}$/.test(raw)) {
    throw new AppError('invalid_parameter', { field: name, value: quote(raw), reason: `a ${what} id is a positive integer` })
  }
  return Number(raw)
}

/** A query parameter given once and matching `pattern`, or null when absent; 400 naming the value otherwise. */
export function queryMatching(req: Request, name: string, pattern: RegExp, reason: string): string | null {
  const value = req.query[name]
  if (value === undefined) return null
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new AppError('invalid_parameter', { field: name, value: quote(value), reason })
  }
  return value
}

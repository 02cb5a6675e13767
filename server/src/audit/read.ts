import type { Request } from 'express'
import type { Queryable } from '../db/db.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { queryMatching } from '../http/params.ts'

export const AUDIT_OUTCOMES = ['ok', 'refused', 'failed', 'aborted', 'committed'] as const
const MAX_LIMIT = 1000

export interface AuditFilter {
  user: string | null
  kind: string | null
  action: string | null
  target: string | null
  outcome: string | null
  from: string | null
  to: string | null
  limit: number
  offset: number
}

/** A timestamp or a day (China Standard Time: `to=2025-06-30` takes the whole day). */
function instant(req: Request, name: 'from' | 'to'): string | null {
  const value = queryMatching(req, name, /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, 'an ISO date or date-time')
  if (value === null) return null
  if (Number.isNaN(Date.parse(value))) throw new AppError('invalid_parameter', { field: name, value: quote(value), reason: 'an ISO date or date-time' })
  if (value.length > 10) return value
  return name === 'from' ? `${value}T00:00:00+08:00` : `${value}T24:00:00+08:00`
}

function count(req: Request, name: string, fallback: number, max: number): number {
  const value = queryMatching(req, name, /^\d{1,9}$/, `an integer from 0 to ${max}`)
  if (value === null) return fallback
  if (Number(value) > max) throw new AppError('invalid_parameter', { field: name, value: quote(value), reason: `an integer from 0 to ${max}` })
  return Number(value)
}

export function parseAuditFilter(req: Request): AuditFilter {
  const text = (name: string) => queryMatching(req, name, /^.{1,200}$/s, '1–200 characters')
  return {
    user: text('user'),
    kind: queryMatching(req, 'kind', /^[\w-]{1,64}$/, 'a kind such as parcels, imports, session'),
    action: text('action'),
    target: text('target'),
    outcome: queryMatching(req, 'outcome', new RegExp(`^(${AUDIT_OUTCOMES.join('|')})$`), AUDIT_OUTCOMES.join(', ')),
    from: instant(req, 'from'),
    to: instant(req, 'to'),
    limit: count(req, 'limit', 100, MAX_LIMIT),
    offset: count(req, 'offset', 0, 100_000_000),
  }
}

/**
 * Entries matching the filter, newest first, with the total matched. `action`
 * matches from its start ("PATCH /api/parcels" takes every PATCH under it).
 */
export async function listAudit(db: Queryable, filter: AuditFilter) {
  const where = `WHERE ($1::text IS NULL OR username = $1) AND ($2::text IS NULL OR kind = $2)
      AND ($3::text IS NULL OR starts_with(action, $3)) AND ($4::text IS NULL OR target = $4)
      AND ($5::text IS NULL OR outcome = $5) AND ($6::timestamptz IS NULL OR at >= $6)
      AND ($7::timestamptz IS NULL OR at < $7)`
  const params = [filter.user, filter.kind, filter.action, filter.target, filter.outcome, filter.from, filter.to]
  const [{ rows }, total] = [
    await db.query(
      `SELECT id, at, username AS user, user_id, via, ip, kind, action, method, path, target, status, outcome, code, duration_ms
       FROM audit_log ${where} ORDER BY id DESC LIMIT $8 OFFSET $9`,
      [...params, filter.limit, filter.offset],
    ),
    await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log ${where}`, params),
  ]
  return { entries: rows, total: total.rows[0]!.n, limit: filter.limit, offset: filter.offset }
}

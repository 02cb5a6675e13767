import { townScope, type User } from '../auth/roles.ts'
import type { Queryable } from '../db/db.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { CHECK_KINDS, type CheckKind } from './kinds.ts'
import { loadDefaults, parseParams } from './params.ts'
import type { RunRequest } from './run.ts'
import type { Scope } from './scope.ts'

/** At most this many parcels may be listed in one request. */
export const MAX_PARCEL_IDS = 10_000

const invalid = (field: string, value: unknown, reason: string) =>
  new AppError('invalid_check', { field, value: quote(value), reason })

function parseKinds(value: unknown): CheckKind[] {
  if (value === undefined) return [...CHECK_KINDS]
  if (!Array.isArray(value) || value.length === 0) throw invalid('kinds', value, `a non-empty list of ${CHECK_KINDS.join(', ')}`)
  for (const kind of value) {
    if (!CHECK_KINDS.includes(kind as CheckKind)) throw invalid('kinds', kind, `one of ${CHECK_KINDS.join(', ')}`)
  }
  return CHECK_KINDS.filter((kind) => value.includes(kind))
}

function parseIds(value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PARCEL_IDS) {
    throw invalid('parcel_ids', value, `a list of 1 to ${MAX_PARCEL_IDS} parcel ids`)
  }
  for (const id of value) {
    if (!Number.isInteger(id) || (id as number) < 1) throw invalid('parcel_ids', id, 'a positive integer')
  }
  return [...new Set(value as number[])].sort((a, b) => a - b)
}

/** The scope a request names, checked against the database and the user's town. */
async function parseScope(db: Queryable, user: User, body: Record<string, unknown>): Promise<Scope> {
  const named = ['town', 'village', 'parcel_ids'].filter((name) => body[name] !== undefined && body[name] !== null)
  if (named.length > 1) throw invalid(named.join(', '), named.map((n) => body[n]), 'give one of town, village, parcel_ids')
  const own = townScope(user)
  const inScope = (town: string) => {
    if (own !== null && own !== town) throw new AppError('town_out_of_scope', { town, own_town: own })
  }

  if (body.village !== undefined && body.village !== null) {
    const { rows } = await db.query<{ town: string }>('SELECT town FROM villages WHERE code = $1', [String(body.village)])
    if (!rows[0]) throw invalid('village', body.village, 'no village has this code')
    inScope(rows[0].town)
    return { type: 'village', village: String(body.village), town: rows[0].town }
  }
  if (body.parcel_ids !== undefined && body.parcel_ids !== null) {
    const ids = parseIds(body.parcel_ids)
    const { rows } = await db.query<{ id: number; town: string }>(
      'SELECT id, town FROM parcels WHERE id = ANY ($1::int[]) AND deleted_at IS NULL',
      [ids],
    )
    const missing = ids.filter((id) => !rows.some((r) => r.id === id))
    if (missing.length > 0) throw invalid('parcel_ids', missing.slice(0, 10), 'no live parcel has these ids')
    for (const row of rows) inScope(row.town)
    const towns = new Set(rows.map((r) => r.town))
    return { type: 'parcels', ids, town: towns.size === 1 ? rows[0]!.town : null }
  }
  const town = body.town ?? own
  if (town === undefined || town === null) return { type: 'district' }
  const found = await db.query('SELECT 1 FROM towns WHERE code = $1', [String(town)])
  if (found.rowCount === 0) throw invalid('town', town, 'no town has this code')
  inScope(String(town))
  return { type: 'town', town: String(town) }
}

/** POST /api/checks: what to check, where, with which parameters. */
export async function parseRunRequest(db: Queryable, user: User, input: unknown): Promise<RunRequest> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('body', input, 'a JSON object')
  const body = input as Record<string, unknown>
  const known = ['kinds', 'town', 'village', 'parcel_ids', 'params']
  const unknown = Object.keys(body).find((name) => !known.includes(name))
  if (unknown) throw invalid(unknown, body[unknown], `not a field; known: ${known.join(', ')}`)
  return {
    kinds: parseKinds(body.kinds),
    scope: await parseScope(db, user, body),
    params: parseParams(body.params, await loadDefaults(db)),
    trigger: 'request',
    userId: user.id,
  }
}

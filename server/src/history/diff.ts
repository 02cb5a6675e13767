// What changed between two versions of a parcel: each property with its
// value before and after, and whether the outline moved, with its area
// before and after and the ground it gained and lost.
import type { User } from '../auth/roles.ts'
import type { Queryable } from '../db/db.ts'
import { AppError } from '../errors/app-error.ts'
import { m2ToMu } from '../geo/extent.ts'
import { readParcel } from '../parcels/store.ts'
import { sql } from './sql.ts'

interface DiffRow {
  from_version: number
  to_version: number
  from_action: string
  to_action: string
  from_changed_at: Date | string
  to_changed_at: Date | string
  from_changed_by: string | null
  to_changed_by: string | null
  from_doc: Record<string, unknown>
  to_doc: Record<string, unknown>
  geometry_changed: boolean
  from_area_m2: number
  to_area_m2: number
  added_m2: number
  removed_m2: number
}

// area_m2 follows from the outline and is shown with it
const DERIVED = new Set(['area_m2'])

const m2 = (value: number) => Number(value.toFixed(2))
const mu = (value: number) => Number(m2ToMu(value).toFixed(4))

/** The properties whose values differ, in name order; JSON equality, so {a:1} equals {a:1}. */
export function changedProperties(before: Record<string, unknown>, after: Record<string, unknown>) {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((n) => !DERIVED.has(n)).sort()
  return names
    .filter((name) => JSON.stringify(canonical(before[name])) !== JSON.stringify(canonical(after[name])))
    .map((name) => ({ name, before: before[name] ?? null, after: after[name] ?? null }))
}

/** A value with object keys sorted, so two documents compare by content. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
  }
  return value ?? null
}

async function latestVersion(db: Queryable, id: number): Promise<number> {
  const { rows } = await db.query<{ version: number }>('SELECT max(version) AS version FROM parcel_versions WHERE parcel_id = $1', [id])
  return rows[0]?.version ?? 1
}

/** The diff between versions `from` and `to` (default: the latest and the one before it). */
export async function parcelDiff(db: Queryable, user: User, id: number, from: number | null, to: number | null) {
  const parcel = await readParcel(db, user, id)
  const later = to ?? (await latestVersion(db, id))
  const earlier = from ?? Math.max(1, later - 1)
  if (earlier >= later) {
    throw new AppError('invalid_parameter', { field: 'from', value: String(earlier), reason: `an earlier version than to (${later})` })
  }
  const { rows } = await db.query<DiffRow>(sql('version-diff'), [id, earlier, later])
  const row = rows[0]
  if (!row) throw new AppError('not_found', { what: `versions ${earlier} and ${later} of parcel ${parcel.code}` })
  const side = (prefix: 'from' | 'to') => ({
    version: row[`${prefix}_version`],
    action: row[`${prefix}_action`],
    changed_by: row[`${prefix}_changed_by`],
    changed_at: new Date(row[`${prefix}_changed_at`]).toISOString(),
  })
  return {
    parcel_id: id,
    parcel_code: parcel.code,
    from: side('from'),
    to: side('to'),
    properties: changedProperties(row.from_doc, row.to_doc),
    geometry: {
      changed: row.geometry_changed,
      area_m2_before: m2(row.from_area_m2),
      area_m2_after: m2(row.to_area_m2),
      area_mu_before: mu(row.from_area_m2),
      area_mu_after: mu(row.to_area_m2),
      added_m2: m2(row.added_m2),
      removed_m2: m2(row.removed_m2),
    },
  }
}

import type { User } from '../auth/roles.ts'
import type { Db } from '../db/db.ts'
import { log } from '../log.ts'
import { CHECK_KINDS } from './kinds.ts'
import { loadDefaults } from './params.ts'
import { createRun, executeRun } from './run.ts'

export interface RecheckSummary {
  run_id: number
  status: string
  counts: Record<string, Record<string, number>>
}

/**
 * Checks one saved parcel at once, all four kinds, so the client can warn
 * while the user edits. Never throws: a failed check must not fail the save
 * that triggered it; the failure is logged and the run marked failed.
 */
export async function recheckParcel(db: Db, user: User, parcelId: number): Promise<RecheckSummary | null> {
  try {
    const params = await loadDefaults(db)
    const parcel = await db.query<{ town: string }>('SELECT town FROM parcels WHERE id = $1', [parcelId])
    const town = parcel.rows[0]?.town ?? null
    const runId = await createRun(db, {
      kinds: [...CHECK_KINDS], scope: { type: 'parcels', ids: [parcelId], town }, params, trigger: 'save', userId: user.id,
    })
    await executeRun(db, runId, { small: true })
    const { rows } = await db.query<RecheckSummary>(
      'SELECT id AS run_id, status, counts FROM check_runs WHERE id = $1',
      [runId],
    )
    return rows[0] ?? null
  } catch (error) {
    log.error('re-check of a saved parcel failed', { parcel: parcelId, error })
    return null
  }
}

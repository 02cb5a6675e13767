import type { Db } from '../db/db.ts'
import type { JobHandler } from '../jobs/worker.ts'
import { executeRun } from './run.ts'

/**
 * A check run as a background job. A run taken over from a process that died
 * (or put back at shutdown) starts again from nothing under the same run id,
 * so whoever follows GET /api/checks/:id sees it finish.
 */
export const checkRunJob: JobHandler = {
  async run(db, job, signal) {
    await restartIfStarted(db, job.ref)
    await executeRun(db, job.ref, { signal })
    const { rows } = await db.query<{ status: string; error: string | null }>(
      'SELECT status, error FROM check_runs WHERE id = $1',
      [job.ref],
    )
    if (rows[0]?.status === 'failed') throw new Error(rows[0].error ?? `check run ${job.ref} failed`)
  },

  async giveUp(db, job, reason) {
    await db.query(
      `UPDATE check_runs SET status = 'failed', step = NULL, error = $2, finished_at = now(),
         started_at = coalesce(started_at, now())
       WHERE id = $1 AND status IN ('queued', 'running')`,
      [job.ref, reason],
    )
  },
}

/** Clears what an interrupted attempt wrote: its findings (those no waiver was granted on), pairs and progress. */
async function restartIfStarted(db: Db, runId: number): Promise<void> {
  await db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE check_runs SET status = 'queued', step = NULL, parcels_done = 0, occupations_done = 0, findings = 0,
         counts = '{}', timings = '{}', error = NULL, started_at = NULL, finished_at = NULL, duration_ms = NULL,
         heartbeat_at = now()
       WHERE id = $1 AND status <> 'queued'`,
      [runId],
    )
    if (rowCount === 0) return
    await tx.query(
      `DELETE FROM check_findings f WHERE f.run_id = $1
         AND NOT EXISTS (SELECT 1 FROM finding_waivers w WHERE w.finding_id = f.id)`,
      [runId],
    )
    await tx.query('DELETE FROM check_pairs WHERE run_id = $1', [runId])
  })
}

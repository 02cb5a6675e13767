import { EventEmitter } from 'node:events'
import type { Queryable } from '../db/db.ts'

/** A job row as a worker sees it once it has claimed it. */
export interface Job {
  id: number
  kind: string
  ref: number
  attempts: number
  max_attempts: number
  /** the process that held it before, when this claim took it over */
  taken_from: string | null
}

// Wakes this process's worker when a request queues a job, instead of
// waiting for its next poll. Other processes find the job when they poll.
const queued = new EventEmitter()

export function onJobQueued(listener: () => void): () => void {
  queued.on('queued', listener)
  return () => queued.off('queued', listener)
}

/** Queues a job; commit the transaction it is in before waking anyone. */
export async function enqueueJob(db: Queryable, kind: string, ref: number): Promise<number> {
  const { rows } = await db.query<{ id: number }>('INSERT INTO jobs (kind, ref) VALUES ($1, $2) RETURNING id', [kind, ref])
  return rows[0]!.id
}

export function wakeWorkers(): void {
  queued.emit('queued')
}

/**
 * Takes the oldest job of `kinds` that is queued, or running under a lease
 * that has run out (its process died), for `holder`. SKIP LOCKED lets several
 * processes poll at once without waiting on each other or taking the same
 * job; a process takes only the kinds it knows (during a rolling upgrade an
 * older one leaves newer kinds alone).
 */
export async function claimJob(db: Queryable, holder: string, leaseSeconds: number, kinds: string[]): Promise<Job | null> {
  const { rows } = await db.query<Job>(
    `WITH next AS (
       SELECT id, status AS was, locked_by AS previous FROM jobs
       WHERE (status = 'queued' OR (status = 'running' AND lease_until < now())) AND kind = ANY($3::text[])
       ORDER BY id
       LIMIT 1
       FOR UPDATE SKIP LOCKED
     )
     UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, locked_by = $1,
       lease_until = now() + make_interval(secs => $2), heartbeat_at = now(), started_at = coalesce(j.started_at, now())
     FROM next WHERE j.id = next.id
     RETURNING j.id, j.kind, j.ref, j.attempts, j.max_attempts,
       CASE WHEN next.was = 'running' THEN next.previous END AS taken_from`,
    [holder, leaseSeconds, kinds],
  )
  return rows[0] ?? null
}

/** Extends the lease; false when the job is no longer this holder's (taken over). */
export async function renewLease(db: Queryable, job: Job, holder: string, leaseSeconds: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE jobs SET lease_until = now() + make_interval(secs => $3), heartbeat_at = now()
     WHERE id = $1 AND locked_by = $2 AND status = 'running'`,
    [job.id, holder, leaseSeconds],
  )
  return rowCount > 0
}

export async function finishJob(db: Queryable, job: Job, holder: string, error: string | null): Promise<void> {
  await db.query(
    `UPDATE jobs SET status = $3, error = $4, finished_at = now(), lease_until = NULL
     WHERE id = $1 AND locked_by = $2`,
    [job.id, holder, error === null ? 'done' : 'failed', error?.slice(0, 2000) ?? null],
  )
}

/** Puts a job this process is giving up (shutting down) back in the queue, not counting the attempt. */
export async function releaseJob(db: Queryable, job: Job, holder: string): Promise<void> {
  await db.query(
    `UPDATE jobs SET status = 'queued', attempts = attempts - 1, locked_by = NULL, lease_until = NULL
     WHERE id = $1 AND locked_by = $2 AND status = 'running'`,
    [job.id, holder],
  )
}

/**
 * The embedded database is opened by one process only, so a job still
 * running when it starts belonged to a process that stopped: let its lease
 * lapse now rather than after the lease time.
 */
export async function lapseLeases(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE jobs SET lease_until = now() - interval '1 second' WHERE status = 'running'`,
  )
  return rowCount
}

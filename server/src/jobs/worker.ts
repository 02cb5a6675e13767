import { randomBytes } from 'node:crypto'
import os from 'node:os'
import type { Db } from '../db/db.ts'
import { log } from '../log.ts'
import { claimJob, finishJob, lapseLeases, onJobQueued, releaseJob, renewLease, type Job } from './queue.ts'

/** What a kind of job does, and what it leaves behind when its processes keep dying. */
export interface JobHandler {
  /** Does the job; throws to fail it. `signal` aborts when the job must stop (shutdown, lease lost). */
  run(db: Db, job: Job, signal: AbortSignal): Promise<void>
  /** Marks what the job worked on as failed, with `reason`, once it is not tried again. */
  giveUp(db: Db, job: Job, reason: string): Promise<void>
}

export interface WorkerOptions {
  /** How often an idle worker looks for jobs queued by other processes. */
  pollMs?: number
  /** How long a claim holds without renewal; a holder silent for longer is taken to be dead. */
  leaseSeconds?: number
}

export interface JobWorker {
  /** host:pid:nonce, written into the jobs it holds */
  readonly id: string
  /** Stops taking jobs; a job under way is stopped and put back in the queue for another process. */
  stop(): Promise<void>
}

// A district check run renews its lease every 15 s from its own connection;
// a minute without renewal means its process is gone (or hung that long).
const LEASE_SECONDS = 60
const POLL_MS = 2000

/**
 * Takes jobs from the database one at a time and runs them, renewing the
 * lease while each runs. Every server process runs one worker; which process
 * takes a job does not matter, since all state is in the database.
 */
export function startJobWorker(db: Db, handlers: Record<string, JobHandler>, options: WorkerOptions = {}): JobWorker {
  const id = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  const leaseSeconds = options.leaseSeconds ?? LEASE_SECONDS
  const pollMs = options.pollMs ?? POLL_MS
  let stopping = false
  let running: AbortController | null = null
  let wake: () => void = () => undefined
  const unsubscribe = onJobQueued(() => wake())

  const sleep = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollMs)
      wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })

  const loop = async () => {
    if (db.driver === 'embedded') {
      const lapsed = await lapseLeases(db)
      if (lapsed > 0) log.warn('jobs left running by a stopped process will be taken over', { jobs: lapsed })
    }
    while (!stopping) {
      let job: Job | null = null
      try {
        job = await claimJob(db, id, leaseSeconds, Object.keys(handlers))
      } catch (error) {
        log.error('claiming a job failed', { worker: id, error })
      }
      if (job) await runJob(job)
      else if (!stopping) await sleep()
    }
  }

  const runJob = async (job: Job) => {
    const handler = handlers[job.kind]!
    if (job.taken_from) log.warn('job taken over', { job: job.id, kind: job.kind, ref: job.ref, from: job.taken_from, attempt: job.attempts })
    if (job.attempts > job.max_attempts) return giveUp(job, handler)

    const controller = new AbortController()
    running = controller
    let lost = false
    const heartbeat = setInterval(() => {
      renewLease(db, job, id, leaseSeconds)
        .then((held) => {
          if (held) return
          lost = true
          controller.abort(new Error(`job ${job.id} was taken over by another process`))
        })
        .catch((error: unknown) => log.warn('renewing a job lease failed', { job: job.id, error }))
    }, (leaseSeconds * 1000) / 4)
    try {
      await handler.run(db, job, controller.signal)
      await finishJob(db, job, id, null)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      if (lost) log.warn('job lost its lease and stopped', { job: job.id, worker: id })
      else if (stopping && controller.signal.aborted) await releaseJob(db, job, id).catch(() => undefined)
      else await finishJob(db, job, id, message).catch((e: unknown) => log.error('recording a failed job failed', { job: job.id, error: e }))
    } finally {
      clearInterval(heartbeat)
      running = null
    }
  }

  const giveUp = async (job: Job, handler: JobHandler) => {
    const tries = job.attempts - 1
    const reason =
      `interrupted: the server process running it stopped before it finished, ${tries} time${tries === 1 ? '' : 's'} ` +
      `(last ${job.taken_from ?? 'unknown'}); not tried again`
    log.error('job given up', { job: job.id, kind: job.kind, ref: job.ref, reason })
    await handler.giveUp(db, job, reason)
    await finishJob(db, job, id, reason)
  }

  const done = loop().catch((error: unknown) => log.error('job worker stopped', { worker: id, error }))
  return {
    id,
    async stop() {
      stopping = true
      unsubscribe()
      running?.abort(new Error('the server is shutting down'))
      wake()
      await done
    },
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDefaults } from '../../server/src/checks/params.ts'
import { CHECK_RUN_JOB, createRun } from '../../server/src/checks/run.ts'
import { enqueueJob, wakeWorkers } from '../../server/src/jobs/queue.ts'
import { startJobWorker, type JobHandler } from '../../server/src/jobs/worker.ts'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { waitForRun } from '../fixtures/checks/fixtures.ts'

const TIANHENG = '370215101'
const DEAD = 'gone-host:4242:dead00'

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe.each(backends())('background jobs on the %s database', (backend) => {
  let app: TestApp
  let analyst: Client

  beforeAll(async () => {
    app = await startTestApp(backend)
    analyst = await app.as('analyst')
  })
  afterAll(async () => app?.close())

  const job = async (ref: number) =>
    (await app.db.query<Record<string, any>>(`SELECT * FROM jobs WHERE kind = 'check_run' AND ref = $1`, [ref])).rows[0]!

  /** A town run, queued as a job left by a process that died while holding it. */
  async function orphanedRun(attempts: number): Promise<number> {
    const runId = await createRun(app.db, {
      kinds: ['area'], scope: { type: 'town', town: TIANHENG }, params: await loadDefaults(app.db), trigger: 'request', userId: null,
    })
    await app.db.query(
      `UPDATE check_runs SET status = 'running', started_at = now() - interval '5 minutes', step = 'parcels', parcels_done = 7,
         heartbeat_at = now() - interval '5 minutes' WHERE id = $1`,
      [runId],
    )
    await app.db.query(
      `INSERT INTO check_findings (run_id, kind, code, severity, parcel_id, area_m2, ratio, message_zh, message_en)
       SELECT $1, 'area', 'area_mismatch', 'warning', id, 1, 0, '半途', 'half way' FROM parcels LIMIT 3`,
      [runId],
    )
    await app.db.query(
      `INSERT INTO jobs (kind, ref, status, attempts, locked_by, lease_until, started_at)
       VALUES ('check_run', $1, 'running', $2, $3, now() - interval '1 second', now() - interval '5 minutes')`,
      [runId, attempts, DEAD],
    )
    wakeWorkers()
    return runId
  }

  it('queues a town run as a job that a worker takes, runs and marks done', async () => {
    const started = await analyst.post('/api/checks', { kinds: ['area'], town: TIANHENG })
    expect(started.status).toBe(201)
    expect(started.body.status).toBe('queued')
    const run = await waitForRun(analyst, started.body.run_id)
    expect(run.status, run.error).toBe('done')
    const row = await until('the job to be marked done', async () => {
      const found = await job(started.body.run_id)
      return found.status === 'done' && found
    })
    expect(row).toMatchObject({ attempts: 1, error: null })
    expect(row.locked_by).toMatch(/^.+:\d+:[0-9a-f]{6}$/)
    expect(row.finished_at).not.toBeNull()
  })

  it('takes over a run whose process died, starting it again under the same id', async () => {
    const runId = await orphanedRun(1)
    const run = await waitForRun(analyst, runId)
    expect(run.status, run.error).toBe('done')
    const { rows } = await app.db.query(`SELECT 1 FROM check_findings WHERE run_id = $1 AND message_en = 'half way'`, [runId])
    expect(rows).toHaveLength(0)
    const row = await until('the job to finish', async () => {
      const found = await job(runId)
      return found.status === 'done' && found
    })
    expect(row.attempts).toBe(2)
    expect(row.locked_by).not.toBe(DEAD)
  })

  it('gives up a run whose processes kept dying, marking it failed with the reason', async () => {
    const runId = await orphanedRun(2)
    const run = await waitForRun(analyst, runId)
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/server process running it stopped before it finished, 2 times/)
    expect(run.error).toContain(DEAD)
    const row = await job(runId)
    expect(row).toMatchObject({ status: 'failed', attempts: 3 })
    expect(row.error).toBe(run.error)
  })

  it('gives each job to one worker only when several poll one database', async () => {
    const ran: Record<number, string[]> = {}
    const handler = (name: string): JobHandler => ({
      async run(_db, job) {
        ;(ran[job.ref] ??= []).push(name)
        await new Promise((resolve) => setTimeout(resolve, 20))
      },
      async giveUp() {},
    })
    const workers = ['a', 'b', 'c'].map((name) => startJobWorker(app.db, { test_noop: handler(name) }, { pollMs: 10 }))
    for (let ref = 1; ref <= 30; ref++) await enqueueJob(app.db, 'test_noop', ref)
    wakeWorkers()
    await until('every test job to be done', async () => {
      const { rows } = await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE kind = 'test_noop' AND status = 'done'`)
      return rows[0]!.n === 30
    })
    await Promise.all(workers.map((w) => w.stop()))
    expect(Object.keys(ran)).toHaveLength(30)
    expect(Object.values(ran).every((names) => names.length === 1)).toBe(true)
    // On the server the three take turns; the embedded database serialises them but still shares out.
    if (backend === 'postgres') expect(new Set(Object.values(ran).flat()).size).toBeGreaterThan(1)
  })

  it('puts a job under way back in the queue when its process shuts down', async () => {
    let started = false
    const slow: JobHandler = {
      async run(_db, _job, signal) {
        started = true
        await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
      },
      async giveUp() {},
    }
    const worker = startJobWorker(app.db, { test_slow: slow }, { pollMs: 10 })
    await enqueueJob(app.db, 'test_slow', 1)
    wakeWorkers()
    await until('the slow job to start', async () => started)
    await worker.stop()
    const { rows } = await app.db.query(`SELECT status, attempts, locked_by FROM jobs WHERE kind = 'test_slow'`)
    expect(rows[0]).toEqual({ status: 'queued', attempts: 0, locked_by: null })
  })

  it('stops a job whose lease another process took over', async () => {
    let aborted: unknown = null
    const slow: JobHandler = {
      async run(_db, _job, signal) {
        await new Promise((_resolve, reject) => signal.addEventListener('abort', () => {
          aborted = signal.reason
          reject(signal.reason)
        }))
      },
      async giveUp() {},
    }
    const worker = startJobWorker(app.db, { test_lease: slow }, { pollMs: 10, leaseSeconds: 1 })
    await enqueueJob(app.db, 'test_lease', 1)
    wakeWorkers()
    await until('the job to be claimed', async () => {
      const { rows } = await app.db.query(`SELECT 1 FROM jobs WHERE kind = 'test_lease' AND status = 'running'`)
      return rows.length > 0
    })
    await app.db.query(`UPDATE jobs SET locked_by = 'other-host:1:000000' WHERE kind = 'test_lease'`)
    await until('the worker to notice', async () => aborted !== null, 5000)
    await worker.stop()
    expect(String(aborted)).toMatch(/taken over by another process/)
    const { rows } = await app.db.query(`SELECT status, locked_by FROM jobs WHERE kind = 'test_lease'`)
    expect(rows[0]).toEqual({ status: 'running', locked_by: 'other-host:1:000000' })
  })
})

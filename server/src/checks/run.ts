import os from 'node:os'
import type { Db, Queryable } from '../db/db.ts'
import { enqueueJob, wakeWorkers } from '../jobs/queue.ts'
import { log } from '../log.ts'
import { M2_PER_MU, ZONE_CLASS_NAMES, type CheckKind, type Severity } from './kinds.ts'
import { ensurePrepared, ensureRoadControl, hasRoadControl, liveLayers, type LayerVersion } from './layers.ts'
import type { CheckParams } from './params.ts'
import { rulesForRun } from './rules.ts'
import { runTown, scopeOccupationCount, scopeOf, scopeParcelCount, scopeParcels, scopeValues, type Scope } from './scope.ts'
import { CODE_VERSION, pin, runStatement } from './sql.ts'

/** The kind of the background job that does a run (server/src/checks/job.ts). */
export const CHECK_RUN_JOB = 'check_run'

/** Parcels per batch: each batch is a few statements and one progress update. */
export const BATCH_SIZE = 2000

export interface RunRequest {
  kinds: CheckKind[]
  scope: Scope
  params: CheckParams
  trigger: 'request' | 'save'
  userId: number | null
}

/** Everything a run's statements share, worked out once when it starts. */
interface RunContext {
  db: Db
  runId: number
  kinds: CheckKind[]
  scope: Scope
  params: CheckParams
  layers: LayerVersion[]
  overlapRules: string
  encroachmentRules: string
  classNames: string
  /** A small run in one transaction: no progress to report on the way. */
  pinned: boolean
}

interface RunRow {
  kinds: CheckKind[]
  scope: string
  town: string | null
  village: string | null
  parcel_ids: number[] | null
  params: CheckParams
  trigger: 'request' | 'save'
}

type SeverityCount = { severity: Severity | null; n: number }

/** Records a queued run with its scope and parameters; returns its id. */
export async function createRun(db: Queryable, request: RunRequest): Promise<number> {
  const { scope } = request
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO check_runs (trigger, kinds, scope, town, village, parcel_ids, params, code_version, created_by, heartbeat_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now()) RETURNING id`,
    [request.trigger, request.kinds, scope.type, runTown(scope), ...scopeValues(scope).slice(1), JSON.stringify(request.params), CODE_VERSION, request.userId],
  )
  return rows[0]!.id
}

/**
 * Hands a run to the background jobs (server/src/jobs/): any server process
 * on this database takes it, and one whose process dies is taken over.
 */
export async function startInBackground(db: Db, runId: number): Promise<void> {
  await enqueueJob(db, CHECK_RUN_JOB, runId)
  wakeWorkers()
}

/**
 * Does a queued run: prepares the planning layers, finds overlaps in two
 * steps, then goes through the parcels in batches. A large run updates its
 * progress in the database after each step and batch; a small one (`small`)
 * runs in one transaction, which is quicker and shows only its end. Marks the
 * run done or failed; never throws for a failure of the checks themselves.
 * Aborting `signal` stops it between steps and batches and rethrows, leaving
 * the run for whoever takes the job next.
 */
export async function executeRun(db: Db, runId: number, options: { small?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  const { signal } = options
  const started = Date.now()
  const timings: Record<string, number> = {}
  let step = 'prepare'
  try {
    if (options.small) await db.transaction((tx) => work(pin(tx, db.driver), true))
    else await work(db, false)
    log.info('check run done', { run: runId, ms: Date.now() - started })
  } catch (error) {
    if (signal?.aborted) throw error
    const message = `${step}: ${error instanceof Error ? error.message : String(error)}`
    log.error('check run failed', { run: runId, step, error: message })
    await db.query(
      `UPDATE check_runs SET status = 'failed', error = $2, started_at = coalesce(started_at, now()), finished_at = now(),
         duration_ms = $3 WHERE id = $1`,
      [runId, message.slice(0, 2000), Date.now() - started],
    ).catch(() => undefined)
  } finally {
    await db.query('DELETE FROM check_pairs WHERE run_id = $1', [runId]).catch(() => undefined)
  }

  async function work(q: Db, pinned: boolean): Promise<void> {
    let stepStarted = started
    const setStep = async (name: string) => {
      signal?.throwIfAborted()
      timings[step] = Date.now() - stepStarted
      step = name
      stepStarted = Date.now()
      if (pinned) return
      await q.query('UPDATE check_runs SET step = $2, timings = $3, heartbeat_at = now() WHERE id = $1', [
        runId, name, JSON.stringify(timings),
      ])
    }
    const { rows } = await q.query<RunRow>(
      `UPDATE check_runs SET status = 'running', started_at = now(), heartbeat_at = now(), step = 'prepare'
       WHERE id = $1 AND status = 'queued' RETURNING kinds, scope, town, village, parcel_ids, params, trigger`,
      [runId],
    )
    if (!rows[0]) return
    const ctx = await prepareRun(q, runId, rows[0], pinned)
    await perform(ctx, setStep, signal)
    timings[step] = Date.now() - stepStarted
    await finish(q, runId, started, timings)
  }
}

async function prepareRun(db: Db, runId: number, row: RunRow, pinned: boolean): Promise<RunContext> {
  const scope = scopeOf(row)
  const { kinds, params } = row
  const zoneChecks = kinds.includes('overlap') || kinds.includes('encroachment')
  // Requested runs bring the derived road-control layer up to date first; a saved
  // parcel's re-check, which must be quick, uses it as it is once it exists.
  if (zoneChecks && (row.trigger === 'request' || !(await hasRoadControl(db)))) await ensureRoadControl(db, params)
  const layers = await liveLayers(db)
  if (zoneChecks) await ensurePrepared(db, layers)
  await db.query('UPDATE check_runs SET layers = $2 WHERE id = $1', [runId, JSON.stringify(layers)])
  return {
    db, runId, kinds, scope, params, layers, pinned,
    overlapRules: kinds.includes('overlap') ? await rulesForRun(db, 'overlap') : '[]',
    encroachmentRules: kinds.includes('encroachment') ? await rulesForRun(db, 'encroachment') : '[]',
    classNames: JSON.stringify(ZONE_CLASS_NAMES),
  }
}

/** How many statements run at once: the server has a pool; the embedded database one connection. */
function concurrency(ctx: RunContext): number {
  return ctx.db.driver === 'postgres' && !ctx.pinned ? Math.max(1, Math.min(4, os.availableParallelism())) : 1
}

async function perform(ctx: RunContext, setStep: (name: string) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const { db, runId, kinds, scope } = ctx
  // the per-parcel checks go through the parcels in batches; the overlap check needs only their number
  const parcels = kinds.some((kind) => kind !== 'overlap') ? await scopeParcels(db, scope) : null
  const count = parcels?.length ?? (await scopeParcelCount(db, scope))
  const occupations = kinds.includes('encroachment') ? await scopeOccupationCount(db, scope) : 0
  await db.query('UPDATE check_runs SET parcels_total = $2, occupations_total = $3 WHERE id = $1', [
    runId, count, occupations,
  ])
  if (kinds.includes('overlap') && count > 0) {
    // a run of the overlap check alone counts its parcels done as its chunks end
    const counts = parcels ? 0 : count
    await setStep('overlap_local')
    await overlapSteps(ctx, 'overlap-pairs-local', count, counts, signal)
    await setStep('overlap_across')
    await overlapSteps(ctx, 'overlap-pairs-across', count, counts, signal)
  }
  if (!parcels) {
    await db.query('UPDATE check_runs SET parcels_done = parcels_total, heartbeat_at = now() WHERE id = $1', [runId])
  } else {
    await setStep('parcels')
    const batches: number[][] = []
    for (let i = 0; i < parcels.length; i += BATCH_SIZE) batches.push(parcels.slice(i, i + BATCH_SIZE))
    await inParallel(batches, concurrency(ctx), async (batch) => {
      signal?.throwIfAborted()
      const found = await checkBatch(ctx, batch)
      await db.query(
        `UPDATE check_runs SET parcels_done = parcels_done + $2, findings = findings + $3, heartbeat_at = now() WHERE id = $1`,
        [runId, batch.length, found],
      )
    })
  }
  if (kinds.includes('encroachment')) {
    await setStep('occupations')
    const found = await checkOccupations(ctx)
    await db.query(
      `UPDATE check_runs SET occupations_done = occupations_total, findings = findings + $2, heartbeat_at = now() WHERE id = $1`,
      [runId, found],
    )
  }
}

/**
 * One step of the overlap check over all the run's parcels, in chunks so a
 * long district run shows progress and the server can use its cores: first
 * the parcels within one tile column, by column (overlap-pairs-local), then
 * those reaching across a column edge, by parcel (overlap-pairs-across). Each
 * chunk grades and writes its findings (overlap-findings). `counted` parcels,
 * shared among the chunks of both steps, are added to the run's parcels done.
 */
async function overlapSteps(
  ctx: RunContext, head: string, parcels: number, counted: number, signal?: AbortSignal,
): Promise<void> {
  const { db, runId, params } = ctx
  const chunks = parcels <= BATCH_SIZE ? 1 : Math.max(8, concurrency(ctx) * 4)
  const values = [runId, JSON.stringify(ctx.layers), ctx.overlapRules, ctx.classNames, params.min_piece_m2, raiseM2(params), chunks]
  const scope = head === 'overlap-pairs-local' ? scopeValues(ctx.scope) : []
  const share = Math.ceil(counted / (2 * chunks))
  await inParallel([...Array(chunks).keys()], concurrency(ctx), async (chunk) => {
    signal?.throwIfAborted()
    const found = total(await runStatement<SeverityCount>(db, [head, 'overlap-findings'], [...values, chunk, ...scope]))
    await db.query(
      `UPDATE check_runs SET findings = findings + $2, parcels_done = least(parcels_total, parcels_done + $3),
              heartbeat_at = now() WHERE id = $1`,
      [runId, found, share],
    )
  })
}

/** The total row of a findings statement (severity NULL, from its ROLLUP). */
const total = (rows: SeverityCount[]) => rows.find((r) => r.severity === null)?.n ?? 0

/** The raise threshold in m², or null. */
const raiseM2 = (params: CheckParams) => (params.raise_above_mu === null ? null : params.raise_above_mu * M2_PER_MU)

/** Every per-parcel check of one batch; returns the number of findings written. */
async function checkBatch(ctx: RunContext, batch: number[]): Promise<number> {
  const { db, runId, kinds, params } = ctx
  let found = 0
  const run = async (name: string, values: unknown[]) => {
    found += total(await runStatement<SeverityCount>(db, name, [runId, batch, ...values]))
  }
  if (kinds.includes('encroachment') || kinds.includes('geometry')) {
    await run('parcel-pair-findings', [kinds, params.min_piece_m2, params.sliver_width_m])
  }
  if (kinds.includes('area')) await run('area-findings', [params.area_tolerance, params.area_floor_mu])
  if (kinds.includes('geometry')) await run('geometry-findings', [params.min_piece_m2, params.sliver_width_m])
  return found
}

/** Occupations intruding into the scope's parcels and, for areas, into control zones and river areas. */
async function checkOccupations(ctx: RunContext): Promise<number> {
  const { db, runId, params, scope } = ctx
  const [town, village, ids] = scopeValues(scope)
  const inParcels = await runStatement<SeverityCount>(db, 'occupation-parcel-findings', [
    runId, town, village, ids, ctx.encroachmentRules, params.min_piece_m2, raiseM2(params),
  ])
  if (scope.type === 'parcels') return total(inParcels)
  const inZones = await runStatement<SeverityCount>(db, 'occupation-zone-findings', [
    runId, JSON.stringify(ctx.layers), town, village, ctx.encroachmentRules, ctx.classNames, params.min_piece_m2, raiseM2(params),
  ])
  return total(inParcels) + total(inZones)
}

async function finish(db: Db, runId: number, started: number, timings: Record<string, number>): Promise<void> {
  await db.query(
    `UPDATE check_runs SET status = 'done', step = NULL, finished_at = now(), heartbeat_at = now(), duration_ms = $2,
       timings = $3,
       findings = (SELECT count(*) FROM check_findings WHERE run_id = $1),
       counts = coalesce((
         SELECT jsonb_object_agg(kind, by_severity) FROM (
           SELECT kind, jsonb_object_agg(severity, n) AS by_severity
           FROM (SELECT kind, severity, count(*)::int AS n FROM check_findings WHERE run_id = $1 GROUP BY 1, 2) c
           GROUP BY kind) k), '{}')
     WHERE id = $1`,
    [runId, Date.now() - started, JSON.stringify(timings)],
  )
}

/** Runs `work` over `items` with at most `limit` at a time; the first failure stops the rest. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failed = false
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!
      try {
        await work(item)
      } catch (error) {
        failed = true
        throw error
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

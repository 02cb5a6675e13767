import { townScope, type User } from '../auth/roles.ts'
import type { Queryable } from '../db/db.ts'
import { AppError } from '../errors/app-error.ts'
import { CHECK_KINDS, type CheckKind } from './kinds.ts'
import { sql } from './sql.ts'

/** A run that has not touched its heartbeat for this long died with its server process. */
const STALE_MINUTES = 10

export interface RunRow {
  id: number
  status: string
  step: string | null
  trigger: string
  kinds: CheckKind[]
  scope: string
  town: string | null
  village: string | null
  parcel_ids: number[] | null
  params: Record<string, unknown>
  layers: unknown[]
  code_version: string
  parcels_total: number
  parcels_done: number
  occupations_total: number
  occupations_done: number
  findings: number
  counts: Record<string, Record<string, number>>
  timings: Record<string, number>
  error: string | null
  created_by: string | null
  created_at: Date | string
  started_at: Date | string | null
  finished_at: Date | string | null
  duration_ms: number | null
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())

/**
 * Marks runs done within a request (a village, listed parcels, the re-check of
 * a save) whose process died as failed, so nobody waits on them forever. Runs
 * handed to a background job are the job's to take over or give up
 * (server/src/jobs/).
 */
export async function failStaleRuns(db: Queryable): Promise<void> {
  await db.query(
    `UPDATE check_runs r SET status = 'failed', finished_at = now(),
       error = format('interrupted: no progress for %s minutes (the server process stopped)', $1::int)
     WHERE r.status IN ('queued', 'running') AND r.heartbeat_at < now() - make_interval(mins => $1::int)
       AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'check_run' AND j.ref = r.id AND j.status IN ('queued', 'running'))`,
    [STALE_MINUTES],
  )
}

export async function readRun(db: Queryable, user: User, id: number): Promise<RunRow> {
  await failStaleRuns(db)
  const { rows } = await db.query<RunRow>(
    `SELECT r.*, (SELECT username FROM users WHERE id = r.created_by) AS created_by FROM check_runs r WHERE r.id = $1`,
    [id],
  )
  const run = rows[0]
  if (!run) throw new AppError('not_found', { what: `check run ${id}` })
  const scope = townScope(user)
  if (scope !== null && run.town !== null && run.town !== scope) {
    throw new AppError('town_out_of_scope', { town: run.town, own_town: scope })
  }
  return run
}

/** The run as the API shows it: scope, provenance, progress and counts. */
export function runJson(run: RunRow, counts = run.counts) {
  return {
    run_id: run.id,
    status: run.status,
    step: run.step,
    trigger: run.trigger,
    kinds: run.kinds,
    scope: { type: run.scope, town: run.town, village: run.village, parcel_ids: run.parcel_ids },
    params: run.params,
    layers: run.layers,
    code_version: run.code_version,
    created_by: run.created_by,
    created_at: iso(run.created_at),
    started_at: iso(run.started_at),
    finished_at: iso(run.finished_at),
    duration_ms: run.duration_ms,
    timings: run.timings,
    error: run.error,
    progress: {
      parcels_total: run.parcels_total,
      parcels_done: run.parcels_done,
      occupations_total: run.occupations_total,
      occupations_done: run.occupations_done,
    },
    summary: { findings: Object.values(counts).flatMap(Object.values).reduce((a, b) => a + b, 0) || run.findings, counts },
  }
}

/** Counts by kind and severity of a run's findings within one town. */
export async function townCounts(db: Queryable, runId: number, town: string): Promise<RunRow['counts']> {
  const { rows } = await db.query<{ kind: string; severity: string; n: number }>(
    `SELECT kind, severity, count(*)::int AS n FROM check_findings WHERE run_id = $1 AND town = $2 GROUP BY 1, 2`,
    [runId, town],
  )
  const counts: RunRow['counts'] = {}
  for (const { kind, severity, n } of rows) (counts[kind] ??= {})[severity] = n
  return counts
}

export interface RunsPage {
  runs: ReturnType<typeof runJson>[]
}

export async function listRuns(db: Queryable, user: User, limit: number): Promise<RunsPage> {
  await failStaleRuns(db)
  const scope = townScope(user)
  const { rows } = await db.query<RunRow>(
    `SELECT r.*, (SELECT username FROM users WHERE id = r.created_by) AS created_by FROM check_runs r
     WHERE r.trigger = 'request' AND ($1::text IS NULL OR r.town = $1 OR r.scope = 'district')
     ORDER BY r.id DESC LIMIT $2`,
    [scope, limit],
  )
  return { runs: rows.map((run) => runJson(run)) }
}

interface FindingRow {
  id: number
  run_id: number
  kind: string
  code: string
  severity: string
  parcel_id: number | null
  parcel_code: string | null
  parcel_version: number | null
  other_parcel_id: number | null
  other_parcel_code: string | null
  occupation_id: number | null
  occupation_code: string | null
  layer_id: number | null
  layer_name: string | null
  layer_version: number | null
  zone_id: number | null
  zone_code: string | null
  zone_class: string | null
  town: string | null
  village: string | null
  area_m2: number | null
  ratio: number | null
  rule_id: number | null
  message_zh: string
  message_en: string
  waiver: Waiver | null
  geometry: string | null
}

/** An exemption of a finding (豁免): who approved it, under which number, when and why. */
export interface Waiver {
  id: number
  finding_id: number
  approval_number: string
  approver: string
  approved_on: string
  reason: string
  recorded_by: string | null
  recorded_at: string
}

const round = (value: number | null, digits: number) => (value === null ? null : Number(value.toFixed(digits)))

/**
 * A finding as API.md shows it: area_m2 (ellipsoidal, CGCS2000) and area_mu
 * (= area_m2 × 15 / 10000), the message in the reader's language, and the
 * piece itself as GeoJSON.
 */
export function findingJson(row: FindingRow, lang: 'zh' | 'en', withGeometry = true) {
  return {
    id: row.id,
    run_id: row.run_id,
    kind: row.kind,
    code: row.code,
    severity: row.severity,
    parcel_id: row.parcel_id,
    parcel_code: row.parcel_code,
    parcel_version: row.parcel_version,
    other_parcel_id: row.other_parcel_id,
    other_parcel_code: row.other_parcel_code,
    occupation_id: row.occupation_id,
    occupation_code: row.occupation_code,
    layer_id: row.layer_id,
    layer_name: row.layer_name,
    layer_version: row.layer_version,
    zone_id: row.zone_id,
    zone_code: row.zone_code,
    zone_class: row.zone_class,
    town: row.town,
    village: row.village,
    area_m2: round(row.area_m2, 2),
    area_mu: row.area_m2 === null ? null : round((row.area_m2 * 15) / 10000, 4),
    ratio: round(row.ratio, 6),
    rule_id: row.rule_id,
    message: lang === 'en' ? row.message_en : row.message_zh,
    waived: row.waiver !== null,
    waiver: row.waiver,
    ...(withGeometry ? { geometry: row.geometry === null ? null : (JSON.parse(row.geometry) as unknown) } : {}),
  }
}

export interface FindingFilter {
  town: string | null
  village: string | null
  kind: string | null
  severity: string | null
  code: string | null
  parcelId: number | null
  geometry: boolean
  limit: number
  offset: number
}

export async function runFindings(db: Queryable, runId: number, filter: FindingFilter, lang: 'zh' | 'en') {
  const { rows } = await db.query<FindingRow & { matched: number }>(sql('run-findings'), [
    runId, filter.town, filter.village, filter.kind, filter.severity, filter.code, filter.parcelId,
    filter.geometry, filter.limit, filter.offset,
  ])
  return {
    findings_total: rows[0]?.matched ?? (filter.offset === 0 ? 0 : await countFindings(db, runId, filter)),
    findings: rows.map((row) => findingJson(row, lang, filter.geometry)),
  }
}

async function countFindings(db: Queryable, runId: number, filter: FindingFilter): Promise<number> {
  const { rows } = await db.query<{ matched: number }>(sql('run-findings'), [
    runId, filter.town, filter.village, filter.kind, filter.severity, filter.code, filter.parcelId, false, 1, 0,
  ])
  return rows[0]?.matched ?? 0
}

interface SummaryRow {
  town: string | null
  town_name: string | null
  village: string | null
  village_name: string | null
  kind: string
  severity: string
  findings: number
  area_m2: number
}

/** Findings per town (and village), kind and severity, with their area in m² and 亩. */
export async function runSummary(db: Queryable, runId: number, town: string | null, byVillage: boolean) {
  const { rows } = await db.query<SummaryRow>(sql('run-summary'), [runId, town, byVillage])
  return rows.map((row) => ({
    ...(byVillage ? row : { town: row.town, town_name: row.town_name, kind: row.kind, severity: row.severity, findings: row.findings }),
    area_m2: round(row.area_m2, 2),
    area_mu: round((row.area_m2 * 15) / 10000, 4),
  }))
}

/** The latest findings of one parcel, per check kind, with the run each comes from. */
export async function parcelFindings(db: Queryable, parcelId: number, lang: 'zh' | 'en') {
  const { rows } = await db.query<FindingRow & { latest_kind: string; latest_run_id: number; latest_finished_at: Date | string }>(
    sql('parcel-latest-findings'),
    [parcelId],
  )
  const runs: Partial<Record<CheckKind, { run_id: number; finished_at: string | null }>> = {}
  for (const row of rows) {
    runs[row.latest_kind as CheckKind] = { run_id: row.latest_run_id, finished_at: iso(row.latest_finished_at) }
  }
  return {
    parcel_id: parcelId,
    checked: CHECK_KINDS.filter((kind) => kind in runs),
    runs,
    findings: rows.filter((row) => row.id !== null).map((row) => findingJson(row, lang)),
  }
}

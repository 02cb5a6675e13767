// Workflow steps (流程): a town proposes that a parcel moves to another
// stage, with the decision behind it; another person entitled to confirm
// (an admin, or the approver of the parcel's town) confirms or rejects it.
// Only a confirmation changes the parcel's status, through the parcel's
// versioned history. A step out of the notice waits for the notice's working
// days to end, and no step forward is taken while an objection is unanswered.
import { townScope, type User } from '../auth/roles.ts'
import type { Db, Queryable } from '../db/db.ts'
import {
  findStep, RECOVERY_METHOD_NAMES, RECOVERY_METHODS, REUSE_MODE_NAMES, REUSE_MODES, STATUS_NAMES, STATUSES, STEPS,
  TENDER_PROCEDURE_NAMES, TENDER_PROCEDURES, type RecoveryMethod, type ReuseMode, type Status, type Step,
  type TenderProcedure,
} from '../domain/workflow.ts'
import { AppError } from '../errors/app-error.ts'
import { Fields } from '../http/fields.ts'
import type { ParcelRow } from '../parcels/feature.ts'
import { assertVersion, readParcel, writeStatus } from '../parcels/store.ts'
import { chinaToday } from '../reports/working-days.ts'
import { noticeEnded, noticeListing, parcelNotice, type ParcelNotice } from './notice.ts'
import { unansweredObjections } from './objections.ts'
import { sql } from './sql.ts'

export const TRANSITION_STATES = ['proposed', 'confirmed', 'rejected', 'withdrawn'] as const

interface TransitionRow {
  id: number
  parcel_id: number
  parcel_code: string
  town: string
  village: string | null
  from_status: Status
  to_status: Status
  state: (typeof TRANSITION_STATES)[number]
  document: string | null
  document_number: string | null
  document_date: string
  method: RecoveryMethod | null
  procedure: TenderProcedure | null
  reuse_mode: ReuseMode | null
  reuse_use: string | null
  notice_id: number | null
  note: string | null
  parcel_version: number
  proposed_by_id: number
  proposed_by: string
  proposed_at: Date | string
  decided_by: string | null
  decided_at: Date | string | null
  approval_number: string | null
  decision_note: string | null
  confirmed_version: number | null
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())

/** A step as the API shows it, codes with their Chinese names beside. */
export function transitionJson({ proposed_by_id: _id, from_status: from, to_status: to, ...row }: TransitionRow) {
  return {
    ...row,
    from,
    to,
    method_name: row.method && RECOVERY_METHOD_NAMES[row.method].zh,
    procedure_name: row.procedure && TENDER_PROCEDURE_NAMES[row.procedure].zh,
    reuse_mode_name: row.reuse_mode && REUSE_MODE_NAMES[row.reuse_mode].zh,
    proposed_at: iso(row.proposed_at),
    decided_at: iso(row.decided_at),
  }
}

export type TransitionJson = ReturnType<typeof transitionJson>

export interface TransitionFilter {
  id?: number
  parcelId?: number
  state?: string
  town?: string | null
  village?: string | null
  limit?: number
}

async function selectTransitions(db: Queryable, filter: TransitionFilter): Promise<TransitionRow[]> {
  const { rows } = await db.query<TransitionRow>(sql('transitions'), [
    filter.id ?? null, filter.parcelId ?? null, filter.state ?? null, filter.town ?? null, filter.village ?? null,
    filter.limit ?? 1000,
  ])
  return rows
}

/** The steps a user may see: a town role sees its own town only. */
export async function listTransitions(db: Queryable, user: User, filter: TransitionFilter): Promise<TransitionJson[]> {
  const scope = townScope(user)
  if (scope !== null && filter.town && filter.town !== scope) {
    throw new AppError('town_out_of_scope', { town: filter.town, own_town: scope })
  }
  return (await selectTransitions(db, { ...filter, town: scope ?? filter.town })).map(transitionJson)
}

/** Every step of a parcel, oldest first, for a reader already allowed to see the parcel. */
export async function parcelSteps(db: Queryable, parcelId: number): Promise<TransitionJson[]> {
  return (await selectTransitions(db, { parcelId })).map(transitionJson)
}

export async function readTransition(db: Queryable, user: User, id: number): Promise<TransitionJson> {
  const row = (await selectTransitions(db, { id }))[0]
  if (!row) throw new AppError('not_found', { what: `workflow step ${id}` })
  const scope = townScope(user)
  if (scope !== null && scope !== row.town) {
    throw new AppError('out_of_scope', { parcel: row.parcel_code, town: row.town, own_town: scope })
  }
  return transitionJson(row)
}

// Blockers ---------------------------------------------------------------------

const isForward = (step: Step) => STATUSES.indexOf(step.to) > STATUSES.indexOf(step.from)

function noticeRequired(parcel: ParcelRow): AppError {
  return new AppError('notice_required', { parcel: parcel.code, village: parcel.village ?? '（未分村 none）' })
}

/**
 * What keeps a parcel from taking a step now, each as the error it would
 * answer with, and the notice the step goes by. `noticeId` is the notice a
 * step to publicized names (null: the parcel's latest).
 */
async function stepBlockers(
  db: Queryable,
  parcel: ParcelRow,
  step: Step,
  noticeId: number | null,
): Promise<{ notice: ParcelNotice | null; blockers: AppError[] }> {
  const blockers: AppError[] = []
  let notice: ParcelNotice | null = null
  if (step.needs.includes('notice')) {
    notice = noticeId === null ? await parcelNotice(db, parcel) : await noticeListing(db, parcel, noticeId)
    if (!notice) blockers.push(noticeRequired(parcel))
  }
  if (step.from === 'publicized' && isForward(step)) {
    notice = await parcelNotice(db, parcel)
    if (!notice) blockers.push(noticeRequired(parcel))
    else if (!noticeEnded(notice)) {
      const { id, posted_on, ends_on, next_day, working_days } = notice
      blockers.push(new AppError('notice_period_running', { parcel: parcel.code, notice: id, posted_on, ends_on, next_day, working_days }))
    }
  }
  if (isForward(step)) {
    const open = await unansweredObjections(db, parcel.id)
    if (open.length > 0) {
      blockers.push(new AppError('objections_unanswered', { parcel: parcel.code, count: open.length, ids: open.map((id) => `#${id}`).join(', ') }))
    }
  }
  return { notice, blockers }
}

/** The first blocker as the error, with every blocker in its details. */
function throwIfBlocked(blockers: AppError[]): void {
  const first = blockers[0]
  if (!first) return
  throw new AppError(first.code, first.params, { blockers: blockers.map((b) => ({ code: b.code, params: b.params })) })
}

function stepFrom(parcel: ParcelRow, to: Status): Step {
  const step = findStep(parcel.status, to)
  if (step) return step
  const allowed = STEPS.filter((s) => s.from === parcel.status).map((s) => s.to).join(', ') || '—'
  throw new AppError('step_not_allowed', { parcel: parcel.code, from: parcel.status, to, allowed })
}

async function assertNoneOpen(db: Queryable, parcel: ParcelRow): Promise<void> {
  const open = (await selectTransitions(db, { parcelId: parcel.id, state: 'proposed' }))[0]
  if (open) {
    throw new AppError('transition_pending', { parcel: parcel.code, transition: open.id, from: open.from_status, to: open.to_status })
  }
}

// Proposing ----------------------------------------------------------------

const PROPOSAL_FIELDS = [
  'to', 'document', 'document_number', 'document_date', 'method', 'procedure', 'reuse_mode', 'reuse_use', 'notice_id', 'note',
]

interface Proposal {
  document: string | null
  document_number: string | null
  document_date: string
  method: RecoveryMethod | null
  procedure: TenderProcedure | null
  reuse_mode: ReuseMode | null
  reuse_use: string | null
  notice_id: number | null
  note: string | null
}

/** The fields of a proposal for `step`: what the step needs must be there, what it does not use must not. */
function readProposal(fields: Fields, step: Step): Proposal {
  const takesMethod = step.needs.includes('method') || step.to === 'recovered'
  const used: Record<string, boolean> = {
    notice_id: step.needs.includes('notice'),
    method: takesMethod,
    procedure: takesMethod,
    reuse_mode: step.needs.includes('reuse_mode'),
    reuse_use: step.needs.includes('reuse_mode'),
  }
  for (const [name, ok] of Object.entries(used)) {
    if (!ok && fields.has(name)) throw fields.fail(name, `the step ${step.from} → ${step.to} has no ${name}`)
  }
  const proposal: Proposal = {
    document: fields.text('document', 300),
    document_number: fields.text('document_number', 100),
    document_date: fields.date('document_date', { past: true }) ?? chinaToday(),
    method: fields.oneOf('method', RECOVERY_METHODS, step.needs.includes('method')),
    procedure: fields.oneOf('procedure', TENDER_PROCEDURES),
    reuse_mode: fields.oneOf('reuse_mode', REUSE_MODES, step.needs.includes('reuse_mode')),
    reuse_use: fields.text('reuse_use', 100),
    notice_id: fields.integer('notice_id'),
    note: fields.text('note', 1000, step.needs.includes('note')),
  }
  if (step.needs.includes('document') && proposal.document === null && proposal.document_number === null) {
    throw fields.fail('document', 'this step needs its decision: the 会议决议 in document or the 批准文号 in document_number')
  }
  if (proposal.method === 're_tender' && proposal.procedure === null) {
    throw fields.fail('procedure', '重新发包 (re_tender) needs how: tender (招标), auction (拍卖) or open_negotiation (公开协商)')
  }
  if (proposal.procedure !== null && proposal.method !== 're_tender') {
    throw fields.fail('procedure', 'only 重新发包 (method re_tender) has a procedure')
  }
  return proposal
}

/** Proposes a step of a parcel; nothing changes on the parcel until it is confirmed. */
export async function proposeTransition(db: Db, user: User, parcelId: number, body: unknown): Promise<TransitionJson> {
  const fields = Fields.of(body, 'invalid_transition', PROPOSAL_FIELDS)
  const to = fields.oneOf('to', STATUSES, true)!
  const id = await db.transaction(async (tx) => {
    // locked, so two proposals for one parcel queue behind each other
    const parcel = await readParcel(tx, user, parcelId, true)
    if (parcel.deleted_at) throw new AppError('parcel_deleted', { parcel: parcel.code })
    const step = stepFrom(parcel, to)
    const proposal = readProposal(fields, step)
    await assertNoneOpen(tx, parcel)

    const { notice, blockers } = await stepBlockers(tx, parcel, step, proposal.notice_id)
    if (proposal.notice_id !== null && notice === null) {
      throw fields.fail('notice_id', `not a live notice of village ${parcel.village ?? '—'} that lists parcel ${parcel.code}`)
    }
    throwIfBlocked(blockers)
    if (step.from === 'publicized' && notice && proposal.document_date <= notice.ends_on) {
      throw fields.fail('document_date', `the decision to move on comes after the notice ended on ${notice.ends_on}`)
    }
    return insertProposal(tx, user, parcel, step, { ...proposal, notice_id: step.needs.includes('notice') ? notice!.id : null })
  })
  return readTransition(db, user, id)
}

async function insertProposal(tx: Queryable, user: User, parcel: ParcelRow, step: Step, p: Proposal): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO parcel_transitions
       (parcel_id, from_status, to_status, document, document_number, document_date, method, procedure,
        reuse_mode, reuse_use, notice_id, note, parcel_version, proposed_by)
     VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, $9, $10, $11, $12, $13, $14)
     RETURNING id`,
    [
      parcel.id, step.from, step.to, p.document, p.document_number, p.document_date, p.method, p.procedure,
      p.reuse_mode, p.reuse_use, p.notice_id, p.note, parcel.version, user.id,
    ],
  )
  return rows[0]!.id
}

// Deciding -----------------------------------------------------------------

interface OpenStep {
  row: TransitionRow
  parcel: ParcelRow
}

/** The step, locked, with its parcel locked too; it must still be open and within the user's town. */
async function openStep(tx: Queryable, user: User, id: number, action: string): Promise<OpenStep> {
  const locked = await tx.query<{ id: number }>('SELECT id FROM parcel_transitions WHERE id = $1 FOR UPDATE', [id])
  if (locked.rowCount === 0) throw new AppError('not_found', { what: `workflow step ${id}` })
  const row = (await selectTransitions(tx, { id }))[0]!
  const parcel = await readParcel(tx, user, row.parcel_id, true)
  if (row.state !== 'proposed') throw new AppError('transition_not_open', { transition: id, state: row.state, action })
  if (parcel.deleted_at) throw new AppError('parcel_deleted', { parcel: parcel.code })
  return { row, parcel }
}

function assertOtherPerson(user: User, row: TransitionRow): void {
  if (row.proposed_by_id === user.id) throw new AppError('own_proposal', { transition: row.id })
}

/** The note the parcel's history keeps for a confirmed step. */
function historyNote(row: TransitionRow, approvalNumber: string | null, user: User): string {
  const how = [
    row.method && RECOVERY_METHOD_NAMES[row.method].zh,
    row.procedure && TENDER_PROCEDURE_NAMES[row.procedure].zh,
    row.reuse_mode && REUSE_MODE_NAMES[row.reuse_mode].zh,
    row.reuse_use,
  ].filter(Boolean).join('，')
  const basis = [row.document, row.document_number, approvalNumber && `批准文号 ${approvalNumber}`].filter(Boolean).join('；')
  return `流程 #${row.id}：${STATUS_NAMES[row.from_status].zh} → ${STATUS_NAMES[row.to_status].zh}` +
    `${how ? `（${how}）` : ''}${basis ? `，依据 ${basis}` : ''}，${row.proposed_by} 提出，${user.username} 确认`
}

/**
 * Confirms a step: the parcel (under If-Match) takes the new status as a new
 * version. The blockers are looked at again, as time and objections have
 * moved on since the proposal. Returns the parcel's new version.
 */
export async function confirmTransition(
  db: Db,
  user: User,
  id: number,
  ifMatch: string | undefined,
  body: unknown,
): Promise<{ transition: TransitionJson; version: number }> {
  const fields = Fields.of(body ?? {}, 'invalid_transition', ['approval_number', 'note'])
  const approvalNumber = fields.text('approval_number', 100)
  const note = fields.text('note', 1000)
  const version = await db.transaction(async (tx) => {
    const { row, parcel } = await openStep(tx, user, id, 'confirmed')
    assertOtherPerson(user, row)
    if (parcel.status !== row.from_status) {
      throw new AppError('transition_stale', { transition: id, parcel: parcel.code, from: row.from_status, current: parcel.status })
    }
    assertVersion(parcel, ifMatch)
    throwIfBlocked((await stepBlockers(tx, parcel, findStep(row.from_status, row.to_status)!, row.notice_id)).blockers)

    const saved = await writeStatus(tx, user, parcel.id, row.to_status, historyNote(row, approvalNumber, user))
    await tx.query(
      `UPDATE parcel_transitions SET state = 'confirmed', decided_by = $2, decided_at = now(),
         approval_number = $3, decision_note = $4, confirmed_version = $5
       WHERE id = $1`,
      [id, user.id, approvalNumber, note, saved.version],
    )
    return saved.version
  })
  return { transition: await readTransition(db, user, id), version }
}

/** Rejects a step someone else proposed, saying why; the parcel stays as it is. */
export async function rejectTransition(db: Db, user: User, id: number, body: unknown): Promise<TransitionJson> {
  const fields = Fields.of(body ?? {}, 'invalid_transition', ['note'])
  const note = fields.requiredText('note', 1000)
  await db.transaction(async (tx) => {
    const { row } = await openStep(tx, user, id, 'rejected')
    assertOtherPerson(user, row)
    await decide(tx, id, 'rejected', user, note)
  })
  return readTransition(db, user, id)
}

/** The proposer takes a step back before anyone decided on it. */
export async function withdrawTransition(db: Db, user: User, id: number, body: unknown): Promise<TransitionJson> {
  const fields = Fields.of(body ?? {}, 'invalid_transition', ['note'])
  const note = fields.text('note', 1000)
  await db.transaction(async (tx) => {
    const { row } = await openStep(tx, user, id, 'withdrawn')
    if (row.proposed_by_id !== user.id) throw new AppError('not_proposer', { transition: id, proposer: row.proposed_by })
    await decide(tx, id, 'withdrawn', user, note)
  })
  return readTransition(db, user, id)
}

async function decide(tx: Queryable, id: number, state: string, user: User, note: string | null): Promise<void> {
  await tx.query(
    `UPDATE parcel_transitions SET state = $2, decided_by = $3, decided_at = now(), decision_note = $4 WHERE id = $1`,
    [id, state, user.id, note],
  )
}

// The overview of one parcel ------------------------------------------------

/**
 * Where a parcel stands in the workflow: its steps so far, the open one, its
 * notice and objections, and each next step with what blocks it now.
 */
export async function parcelWorkflow(db: Queryable, user: User, parcelId: number, lang: 'zh' | 'en') {
  const parcel = await readParcel(db, user, parcelId)
  const transitions = await parcelSteps(db, parcelId)
  const pending = transitions.find((t) => t.state === 'proposed') ?? null
  const notice = await parcelNotice(db, parcel)
  const { rows } = await db.query<{ total: number; unanswered: number }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE answered_at IS NULL)::int AS unanswered
     FROM parcel_objections WHERE parcel_id = $1`,
    [parcelId],
  )
  const next = []
  for (const step of STEPS.filter((s) => s.from === parcel.status)) {
    const { blockers } = await stepBlockers(db, parcel, step, null)
    if (pending) blockers.unshift(new AppError('transition_pending', { parcel: parcel.code, transition: pending.id, from: pending.from, to: pending.to }))
    next.push({
      to: step.to,
      name: step[lang],
      needs: step.needs,
      allowed: blockers.length === 0,
      blockers: blockers.map((b) => ({ code: b.code, message: b.message_in(lang) })),
    })
  }
  return {
    parcel_id: parcel.id,
    parcel_code: parcel.code,
    status: parcel.status,
    version: parcel.version,
    notice: notice && { ...notice, ended: noticeEnded(notice) },
    objections: rows[0]!,
    pending,
    next,
    transitions,
  }
}

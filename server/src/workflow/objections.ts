// Objections (异议) to what a public notice lists: recorded against the
// parcel as they come in, then answered: how, on which day, what the check
// found, and by whom. An unanswered objection keeps the parcel from moving on.
import type { User } from '../auth/roles.ts'
import type { Db, Queryable } from '../db/db.ts'
import { CONTACT_WAYS, OBJECTION_OUTCOMES } from '../domain/workflow.ts'
import { AppError } from '../errors/app-error.ts'
import { Fields } from '../http/fields.ts'
import { readParcel } from '../parcels/store.ts'
import { chinaToday } from '../reports/working-days.ts'
import { parcelNotice } from './notice.ts'

interface ObjectionRow {
  id: number
  parcel_id: number
  notice_id: number | null
  notice_posted_on: string | null
  notice_ends_on: string | null
  received_on: string
  channel: string
  objector: string | null
  content: string
  recorded_by: string
  recorded_at: Date | string
  answer: string | null
  answer_method: string | null
  answered_on: string | null
  outcome: string | null
  answered_by: string | null
  answered_at: Date | string | null
}

const OBJECTION_COLUMNS = `o.id, o.parcel_id, o.notice_id,
  to_char(n.posted_on, 'YYYY-MM-DD') AS notice_posted_on, to_char(n.ends_on, 'YYYY-MM-DD') AS notice_ends_on,
  to_char(o.received_on, 'YYYY-MM-DD') AS received_on, o.channel, o.objector, o.content,
  ru.username AS recorded_by, o.recorded_at, o.answer, o.answer_method,
  to_char(o.answered_on, 'YYYY-MM-DD') AS answered_on, o.outcome, au.username AS answered_by, o.answered_at`

const OBJECTION_FROM = `parcel_objections o
  LEFT JOIN notices n ON n.id = o.notice_id
  JOIN users ru ON ru.id = o.recorded_by
  LEFT JOIN users au ON au.id = o.answered_by`

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())

function objectionJson({ notice_posted_on: from, notice_ends_on: to, ...row }: ObjectionRow) {
  return {
    ...row,
    // received while the notice ran (公示期内)
    during_notice: from !== null && to !== null && row.received_on >= from && row.received_on <= to,
    answered: row.answered_at !== null,
    recorded_at: iso(row.recorded_at),
    answered_at: iso(row.answered_at),
  }
}

export type ObjectionJson = ReturnType<typeof objectionJson>

async function selectObjections(db: Queryable, where: string, value: number): Promise<ObjectionJson[]> {
  const { rows } = await db.query<ObjectionRow>(`SELECT ${OBJECTION_COLUMNS} FROM ${OBJECTION_FROM} WHERE ${where} ORDER BY o.id`, [value])
  return rows.map(objectionJson)
}

/** The ids of a parcel's objections that have no answer yet. */
export async function unansweredObjections(db: Queryable, parcelId: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    'SELECT id FROM parcel_objections WHERE parcel_id = $1 AND answered_at IS NULL ORDER BY id',
    [parcelId],
  )
  return rows.map((r) => r.id)
}

export async function parcelObjections(db: Queryable, user: User, parcelId: number): Promise<ObjectionJson[]> {
  await readParcel(db, user, parcelId)
  return selectObjections(db, 'o.parcel_id = $1', parcelId)
}

/** Records an objection against a parcel, tied to the notice the parcel is posted in. */
export async function recordObjection(db: Db, user: User, parcelId: number, body: unknown): Promise<ObjectionJson> {
  const fields = Fields.of(body, 'invalid_objection', ['received_on', 'channel', 'objector', 'content'])
  const receivedOn = fields.date('received_on', { past: true }) ?? chinaToday()
  const channel = fields.oneOf('channel', CONTACT_WAYS, true)
  const objector = fields.text('objector', 200)
  const content = fields.requiredText('content', 4000)
  const id = await db.transaction(async (tx) => {
    const parcel = await readParcel(tx, user, parcelId)
    if (parcel.deleted_at) throw new AppError('parcel_deleted', { parcel: parcel.code })
    const notice = await parcelNotice(tx, parcel)
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO parcel_objections (parcel_id, notice_id, received_on, channel, objector, content, recorded_by)
       VALUES ($1, $2, $3::date, $4, $5, $6, $7) RETURNING id`,
      [parcel.id, notice?.id ?? null, receivedOn, channel, objector, content, user.id],
    )
    return rows[0]!.id
  })
  return (await selectObjections(db, 'o.id = $1', id))[0]!
}

/** Answers an objection once: the answer, how it was given, the day, and whether it was upheld. */
export async function answerObjection(db: Db, user: User, id: number, body: unknown): Promise<ObjectionJson> {
  const fields = Fields.of(body, 'invalid_objection', ['answer', 'answer_method', 'answered_on', 'outcome'])
  const answer = fields.requiredText('answer', 4000)
  const method = fields.oneOf('answer_method', CONTACT_WAYS, true)
  const answeredOn = fields.date('answered_on', { past: true }) ?? chinaToday()
  const outcome = fields.oneOf('outcome', OBJECTION_OUTCOMES, true)
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ parcel_id: number; received_on: string; answered_on: string | null }>(
      `SELECT parcel_id, to_char(received_on, 'YYYY-MM-DD') AS received_on, to_char(answered_on, 'YYYY-MM-DD') AS answered_on
       FROM parcel_objections WHERE id = $1 FOR UPDATE`,
      [id],
    )
    const objection = rows[0]
    if (!objection) throw new AppError('not_found', { what: `objection ${id}` })
    await readParcel(tx, user, objection.parcel_id)
    if (objection.answered_on !== null) throw new AppError('objection_answered', { objection: id, answered_on: objection.answered_on })
    if (answeredOn < objection.received_on) throw fields.fail('answered_on', `not before the objection came in on ${objection.received_on}`)
    await tx.query(
      `UPDATE parcel_objections SET answer = $2, answer_method = $3, answered_on = $4::date, outcome = $5,
         answered_by = $6, answered_at = now()
       WHERE id = $1`,
      [id, answer, method, answeredOn, outcome, user.id],
    )
  })
  return (await selectObjections(db, 'o.id = $1', id))[0]!
}

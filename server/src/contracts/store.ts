// Contracts on a parcel and their payments. A contract is edited under
// If-Match like a parcel, every version is kept (contract_versions), a
// delete is soft, and a payment entered by mistake is struck out, not erased.
import type { User } from '../auth/roles.ts'
import type { Db, Queryable } from '../db/db.ts'
import { CONTRACT_PROBLEM_NAMES, CONTRACT_PROBLEMS, type ContractProblem } from '../domain/workflow.ts'
import { AppError } from '../errors/app-error.ts'
import { Fields } from '../http/fields.ts'
import { actAs, readParcel } from '../parcels/store.ts'
import { chinaToday } from '../reports/working-days.ts'
import { arrears, fen, PAYMENT_TIMINGS, yuan, type PaymentTiming, type Terms } from './arrears.ts'
import { sql } from './sql.ts'

interface PaymentRow {
  id: number
  paid_on: string
  amount_yuan: number
  receipt_number: string | null
  note: string | null
  recorded_by: string
  recorded_at: string
}

export interface ContractRow {
  id: number
  parcel_id: number
  parcel_code: string
  parcel_name: string
  town: string
  village: string | null
  number: string | null
  contractor: string
  start_on: string
  end_on: string | null
  terminated_on: string | null
  annual_fee_yuan: number
  payment_timing: PaymentTiming
  problems: ContractProblem[]
  note: string | null
  version: number
  created_by: string | null
  created_at: Date | string
  updated_by: string | null
  updated_at: Date | string
  deleted_at: Date | string | null
  payments: PaymentRow[]
}

export function terms(row: ContractRow): Terms {
  return {
    start_on: row.start_on,
    end_on: row.end_on,
    terminated_on: row.terminated_on,
    annual_fee_fen: fen(row.annual_fee_yuan),
    payment_timing: row.payment_timing,
  }
}

/** What a contract owes on `asOf`, in 元. */
export function contractArrears(row: ContractRow, asOf: string) {
  const owed = arrears(terms(row), row.payments.map((p) => ({ paid_on: p.paid_on, amount_fen: fen(p.amount_yuan) })), asOf)
  return {
    as_of: asOf,
    due_yuan: yuan(owed.due_fen),
    paid_yuan: yuan(owed.paid_fen),
    arrears_yuan: yuan(owed.arrears_fen),
    credit_yuan: yuan(owed.credit_fen),
    overdue: owed.arrears_fen > 0,
    overdue_since: owed.overdue_since,
  }
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())

export function contractJson(row: ContractRow, asOf = chinaToday()) {
  const { deleted_at, created_at, updated_at, ...rest } = row
  return {
    ...rest,
    problem_names: row.problems.map((p) => CONTRACT_PROBLEM_NAMES[p].zh),
    created_at: iso(created_at),
    updated_at: iso(updated_at),
    ...(deleted_at ? { deleted_at: iso(deleted_at) } : {}),
    ...contractArrears(row, asOf),
  }
}

export interface ContractFilter {
  id?: number
  parcelId?: number
  village?: string
  withDeleted?: boolean
}

export async function selectContracts(db: Queryable, filter: ContractFilter): Promise<ContractRow[]> {
  const { rows } = await db.query<ContractRow>(sql('contracts'), [
    filter.id ?? null, filter.parcelId ?? null, filter.village ?? null, filter.withDeleted ?? false,
  ])
  return rows
}

/** A contract the user may see (its parcel in the user's town), deleted or not. */
export async function readContract(db: Queryable, user: User, id: number): Promise<ContractRow> {
  const row = (await selectContracts(db, { id, withDeleted: true }))[0]
  if (!row) throw new AppError('not_found', { what: `contract ${id}` })
  await readParcel(db, user, row.parcel_id)
  return row
}

// Writing -------------------------------------------------------------------

const CONTRACT_FIELDS = [
  'number', 'contractor', 'start_on', 'end_on', 'terminated_on', 'annual_fee_yuan', 'payment_timing', 'problems', 'note',
] as const

interface ContractValues {
  number: string | null
  contractor: string
  start_on: string
  end_on: string | null
  terminated_on: string | null
  annual_fee_yuan: number
  payment_timing: PaymentTiming
  problems: ContractProblem[]
  note: string | null
}

/** The fields given, over `base` (the stored contract for a change, defaults for a new one), checked as a whole. */
function readContractFields(body: unknown, base: Partial<ContractValues>): ContractValues {
  const fields = Fields.of(body, 'invalid_contract', CONTRACT_FIELDS)
  const given = <K extends keyof ContractValues>(name: K, value: ContractValues[K] | null): ContractValues[K] =>
    (fields.has(name) ? value : base[name]) as ContractValues[K]
  const values: ContractValues = {
    number: given('number', fields.text('number', 64)),
    contractor: given('contractor', fields.text('contractor', 200)),
    start_on: given('start_on', fields.date('start_on')),
    end_on: given('end_on', fields.date('end_on')),
    terminated_on: given('terminated_on', fields.date('terminated_on')),
    annual_fee_yuan: given('annual_fee_yuan', fields.yuan('annual_fee_yuan')),
    payment_timing: given('payment_timing', fields.oneOf('payment_timing', PAYMENT_TIMINGS)) ?? 'in_advance',
    problems: given('problems', fields.codes('problems', CONTRACT_PROBLEMS)) ?? [],
    note: given('note', fields.text('note', 2000)),
  }
  if (!values.contractor) throw fields.fail('contractor', 'required: the contractor (承包方), 1 to 200 characters')
  if (!values.start_on) throw fields.fail('start_on', 'required: the first day of the term, YYYY-MM-DD')
  if (values.annual_fee_yuan === null || values.annual_fee_yuan === undefined) {
    throw fields.fail('annual_fee_yuan', 'required: the annual fee in 元')
  }
  if (values.end_on !== null && values.end_on < values.start_on) throw fields.fail('end_on', `not before start_on ${values.start_on}`)
  if (values.terminated_on !== null && values.terminated_on < values.start_on) {
    throw fields.fail('terminated_on', `not before start_on ${values.start_on}`)
  }
  return values
}

function contractParams(v: ContractValues): unknown[] {
  return [v.number, v.contractor, v.start_on, v.end_on, v.terminated_on, v.annual_fee_yuan, v.payment_timing, v.problems, v.note]
}

export async function createContract(db: Db, user: User, parcelId: number, body: unknown): Promise<ContractRow> {
  const values = readContractFields(body, {})
  const id = await db.transaction(async (tx) => {
    const parcel = await readParcel(tx, user, parcelId)
    if (parcel.deleted_at) throw new AppError('parcel_deleted', { parcel: parcel.code })
    await actAs(tx, user)
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO contracts (parcel_id, number, contractor, start_on, end_on, terminated_on, annual_fee_yuan,
                              payment_timing, problems, note)
       VALUES ($1, $2, $3, $4::date, $5::date, $6::date, $7, $8, $9, $10) RETURNING id`,
      [parcel.id, ...contractParams(values)],
    )
    return rows[0]!.id
  })
  return (await selectContracts(db, { id }))[0]!
}

/** Locks a live contract the user may change and compares If-Match with its version. */
async function lockContract(tx: Queryable, user: User, id: number, ifMatch: string | undefined): Promise<ContractRow> {
  await tx.query('SELECT id FROM contracts WHERE id = $1 FOR UPDATE', [id])
  const row = await readContract(tx, user, id)
  if (row.deleted_at) throw new AppError('contract_deleted', { contract: id })
  if (ifMatch === undefined) throw new AppError('contract_precondition_required', { etag: `"${row.version}"` })
  if (ifMatch.replace(/^W\//, '').replace(/"/g, '').trim() !== String(row.version)) {
    throw new AppError('contract_version_conflict', { contract: id, given: ifMatch, current: `"${row.version}"` })
  }
  return row
}

export async function updateContract(db: Db, user: User, id: number, ifMatch: string | undefined, body: unknown): Promise<ContractRow> {
  await db.transaction(async (tx) => {
    const row = await lockContract(tx, user, id, ifMatch)
    const values = readContractFields(body, row)
    await actAs(tx, user)
    await tx.query(
      `UPDATE contracts SET number = $2, contractor = $3, start_on = $4::date, end_on = $5::date,
         terminated_on = $6::date, annual_fee_yuan = $7, payment_timing = $8, problems = $9, note = $10
       WHERE id = $1`,
      [id, ...contractParams(values)],
    )
  })
  return (await selectContracts(db, { id }))[0]!
}

export async function deleteContract(db: Db, user: User, id: number, ifMatch: string | undefined): Promise<number> {
  return db.transaction(async (tx) => {
    await lockContract(tx, user, id, ifMatch)
    await actAs(tx, user)
    const { rows } = await tx.query<{ version: number }>(
      'UPDATE contracts SET deleted_at = now(), deleted_by = $2 WHERE id = $1 RETURNING version',
      [id, user.id],
    )
    return rows[0]!.version
  })
}

export async function contractHistory(db: Queryable, user: User, id: number) {
  await readContract(db, user, id)
  const { rows } = await db.query(
    `SELECT v.version, u.username AS changed_by, v.changed_at, v.before, v.after
     FROM contract_versions v LEFT JOIN users u ON u.id = v.changed_by
     WHERE v.contract_id = $1 ORDER BY v.version`,
    [id],
  )
  return rows
}

// Payments ------------------------------------------------------------------

export async function recordPayment(db: Db, user: User, contractId: number, body: unknown): Promise<ContractRow> {
  const fields = Fields.of(body, 'invalid_payment', ['paid_on', 'amount_yuan', 'receipt_number', 'note'])
  const paidOn = fields.date('paid_on', { required: true, past: true })
  const amount = fields.yuan('amount_yuan', { required: true, positive: true })
  const receipt = fields.text('receipt_number', 64)
  const note = fields.text('note', 1000)
  await db.transaction(async (tx) => {
    const row = await readContract(tx, user, contractId)
    if (row.deleted_at) throw new AppError('contract_deleted', { contract: contractId })
    await tx.query(
      `INSERT INTO contract_payments (contract_id, paid_on, amount_yuan, receipt_number, note, recorded_by)
       VALUES ($1, $2::date, $3, $4, $5, $6)`,
      [contractId, paidOn, amount, receipt, note, user.id],
    )
  })
  return (await selectContracts(db, { id: contractId }))[0]!
}

/** Strikes out a payment entered by mistake; the row stays, marked with who and when. */
export async function strikePayment(db: Db, user: User, contractId: number, paymentId: number): Promise<ContractRow> {
  await db.transaction(async (tx) => {
    const row = await readContract(tx, user, contractId)
    if (row.deleted_at) throw new AppError('contract_deleted', { contract: contractId })
    const { rowCount } = await tx.query(
      `UPDATE contract_payments SET deleted_at = now(), deleted_by = $3
       WHERE id = $1 AND contract_id = $2 AND deleted_at IS NULL`,
      [paymentId, contractId, user.id],
    )
    if (rowCount === 0) throw new AppError('not_found', { what: `payment ${paymentId} of contract ${contractId}` })
  })
  return (await selectContracts(db, { id: contractId }))[0]!
}

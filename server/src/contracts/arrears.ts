// What a contract has fallen due, what was paid and what is owed (欠款) on a
// day. Money is counted in whole 分 (0.01 元) so sums are exact; the API
// gives 元 with two decimals.
//
// The fee is annual. Contract year k runs from the k-th anniversary of the
// start to the day before the next one. Its fee falls due on its first day
// (in_advance, 先交后用, the usual term of village contracts) or on its last
// (in_arrears). A year cut short by the end of the term or by termination
// owes the fee pro rata by days: fee × days in force / days of that contract
// year (365 or 366), rounded to the 分.
import { formatDate, parseDate } from '../reports/working-days.ts'

export type PaymentTiming = 'in_advance' | 'in_arrears'
export const PAYMENT_TIMINGS: readonly PaymentTiming[] = ['in_advance', 'in_arrears']

export interface Terms {
  start_on: string
  /** null: no end agreed */
  end_on: string | null
  /** ended early: nothing falls due after this day */
  terminated_on: string | null
  annual_fee_fen: number
  payment_timing: PaymentTiming
}

export interface Instalment {
  period_start: string
  period_end: string
  due_on: string
  amount_fen: number
}

export interface Payment {
  paid_on: string
  amount_fen: number
}

export interface Arrears {
  due_fen: number
  paid_fen: number
  /** owed: due − paid, never below 0 */
  arrears_fen: number
  /** paid ahead: paid − due, never below 0 */
  credit_fen: number
  /** the due day of the oldest instalment not covered by the payments (paid in order of falling due) */
  overdue_since: string | null
}

const DAY_MS = 86_400_000

const day = (text: string) => parseDate(text)!.getTime()
const daysBetween = (from: string, to: string) => Math.round((day(to) - day(from)) / DAY_MS)
const previousDay = (text: string) => formatDate(new Date(day(text) - DAY_MS))

/** The same day `years` later; 29 February becomes 28 February in a common year. */
export function addYears(text: string, years: number): string {
  const date = parseDate(text)!
  const target = new Date(Date.UTC(date.getUTCFullYear() + years, date.getUTCMonth(), date.getUTCDate()))
  if (target.getUTCMonth() !== date.getUTCMonth()) target.setUTCDate(0)
  return formatDate(target)
}

/** The last day the contract is in force, or null when it has none. */
export function lastDay(terms: Terms): string | null {
  const ends = [terms.end_on, terms.terminated_on].filter((d): d is string => d !== null)
  return ends.length === 0 ? null : ends.sort()[0]!
}

/** The contract years that begin on or before `until`, each with its due day and amount. */
export function instalments(terms: Terms, until: string): Instalment[] {
  const last = lastDay(terms)
  const out: Instalment[] = []
  for (let k = 0; ; k++) {
    const start = addYears(terms.start_on, k)
    if (start > until || (last !== null && start > last)) return out
    const fullEnd = previousDay(addYears(terms.start_on, k + 1))
    const end = last !== null && last < fullEnd ? last : fullEnd
    const amount = end === fullEnd
      ? terms.annual_fee_fen
      : Math.round((terms.annual_fee_fen * (daysBetween(start, end) + 1)) / (daysBetween(start, fullEnd) + 1))
    out.push({ period_start: start, period_end: end, due_on: terms.payment_timing === 'in_advance' ? start : end, amount_fen: amount })
  }
}

/** Due, paid and owed on `asOf` (inclusive): only instalments due and payments made by then count. */
export function arrears(terms: Terms, payments: readonly Payment[], asOf: string): Arrears {
  const due = instalments(terms, asOf).filter((i) => i.due_on <= asOf)
  const dueFen = due.reduce((sum, i) => sum + i.amount_fen, 0)
  const paidFen = payments.filter((p) => p.paid_on <= asOf).reduce((sum, p) => sum + p.amount_fen, 0)
  let covered = paidFen
  let overdueSince: string | null = null
  for (const instalment of due) {
    if (covered >= instalment.amount_fen) {
      covered -= instalment.amount_fen
      continue
    }
    overdueSince = instalment.due_on
    break
  }
  return {
    due_fen: dueFen,
    paid_fen: paidFen,
    arrears_fen: Math.max(0, dueFen - paidFen),
    credit_fen: Math.max(0, paidFen - dueFen),
    overdue_since: overdueSince,
  }
}

/** 元 from 分, as a number with at most two decimals. */
export const yuan = (fen: number) => Math.round(fen) / 100

/** 分 from an amount of 元 as stored (numeric with two decimals). */
export const fen = (amountYuan: number) => Math.round(amountYuan * 100)

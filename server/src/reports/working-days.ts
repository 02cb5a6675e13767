// Working days for the public notice (公示): the district's guidance posts a
// village ledger for 5 working days (工作日). Saturdays and Sundays are days
// off unless the calendar lists them as 调休上班日 (a weekend day worked in
// exchange for a holiday); a weekday listed as a public holiday is a day off.
// Dates are calendar dates in China Standard Time, written YYYY-MM-DD.

export const NOTICE_WORKING_DAYS = 5

export interface WorkCalendar {
  /** public holidays, YYYY-MM-DD */
  holidays: ReadonlySet<string>
  /** weekend days worked in exchange (调休上班日), YYYY-MM-DD */
  workdays: ReadonlySet<string>
}

export const NO_EXCEPTIONS: WorkCalendar = { holidays: new Set(), workdays: new Set() }

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A YYYY-MM-DD date as UTC midnight, or null when it is not a real date. */
export function parseDate(text: string): Date | null {
  const match = DATE.exec(text)
  if (!match) return null
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  return formatDate(date) === text ? date : null
}

export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function isWorkingDay(day: string, calendar: WorkCalendar): boolean {
  if (calendar.holidays.has(day)) return false
  if (calendar.workdays.has(day)) return true
  const weekday = parseDate(day)!.getUTCDay()
  return weekday !== 0 && weekday !== 6
}

/**
 * The last day of a notice posted on `start` that runs `count` working days.
 * The posting day counts as the first when it is a working day itself (a
 * notice put up on Monday morning and taken down on Friday evening has run
 * five working days); posted on a day off, the count starts at the next
 * working day.
 */
export function noticeEndDate(start: string, count: number, calendar: WorkCalendar): string {
  const first = parseDate(start)
  if (!first) throw new RangeError(`not a date: ${start}`)
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`not a positive whole number of days: ${count}`)
  let day = first
  let counted = 0
  // A year of days off in a row does not happen; the bound stops a calendar
  // that lists every day as a holiday from looping for ever.
  for (let steps = 0; steps < 366 + count; steps++) {
    if (isWorkingDay(formatDate(day), calendar) && ++counted === count) return formatDate(day)
    day = new Date(day.getTime() + 86_400_000)
  }
  throw new RangeError(`no ${count} working days within a year of ${start}: check the calendar`)
}

/** Today's date in China Standard Time (UTC+8, no daylight saving). */
export function chinaToday(now = new Date()): string {
  return formatDate(new Date(now.getTime() + 8 * 3600 * 1000))
}

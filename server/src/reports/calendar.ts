// The working-day calendar kept in calendar_days (migration 005_reports.sql):
// public holidays and 调休 working weekend days, set by the district admin.
import type { Queryable } from '../db/db.ts'
import type { WorkCalendar } from './working-days.ts'

export interface CalendarDay {
  day: string
  kind: 'holiday' | 'workday'
  name: string
}

/** The exceptions between two dates (inclusive), enough for any notice starting in that span. */
export async function readCalendar(db: Queryable, from: string, to: string): Promise<CalendarDay[]> {
  const { rows } = await db.query<CalendarDay>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, name FROM calendar_days
     WHERE day BETWEEN $1::date AND $2::date ORDER BY day`,
    [from, to],
  )
  return rows
}

/** The calendar around `start`: a notice of a few working days ends well within 120 days. */
export async function calendarFrom(db: Queryable, start: string): Promise<WorkCalendar> {
  const { rows } = await db.query<CalendarDay>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, name FROM calendar_days
     WHERE day BETWEEN $1::date AND $1::date + 120`,
    [start],
  )
  return {
    holidays: new Set(rows.filter((r) => r.kind === 'holiday').map((r) => r.day)),
    workdays: new Set(rows.filter((r) => r.kind === 'workday').map((r) => r.day)),
  }
}

export async function setCalendarDay(db: Queryable, day: CalendarDay, userId: number): Promise<void> {
  await db.query(
    `INSERT INTO calendar_days (day, kind, name, updated_by) VALUES ($1::date, $2, $3, $4)
     ON CONFLICT (day) DO UPDATE SET kind = $2, name = $3, updated_by = $4, updated_at = now()`,
    [day.day, day.kind, day.name, userId],
  )
}

export async function deleteCalendarDay(db: Queryable, day: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM calendar_days WHERE day = $1::date', [day])
  return rowCount > 0
}

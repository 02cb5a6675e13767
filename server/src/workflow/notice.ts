// The public notice (公示) a parcel is posted in, and whether its period of
// working days is over: the notice is made by POST /api/villages/:code/notices
// (server/src/reports/notice.ts), which counts the days on the calendar.
import type { Queryable } from '../db/db.ts'
import type { ParcelRow } from '../parcels/feature.ts'
import { chinaToday } from '../reports/working-days.ts'
import { sql } from './sql.ts'

export interface ParcelNotice {
  id: number
  posted_on: string
  /** the last working day of the notice, YYYY-MM-DD */
  ends_on: string
  /** the first day after it: the parcel may move on from this day */
  next_day: string
  working_days: number
}

type Placed = Pick<ParcelRow, 'id' | 'code' | 'village'>

export async function parcelNotice(db: Queryable, parcel: Placed): Promise<ParcelNotice | null> {
  if (parcel.village === null) return null
  const { rows } = await db.query<ParcelNotice>(sql('parcel-notice'), [parcel.id, parcel.code, parcel.village])
  return rows[0] ?? null
}

/** A notice the parcel may be posted with: live, of its village, listing its code. */
export async function noticeListing(db: Queryable, parcel: Placed, noticeId: number): Promise<ParcelNotice | null> {
  const { rows } = await db.query<ParcelNotice>(
    `SELECT n.id, to_char(n.posted_on, 'YYYY-MM-DD') AS posted_on, to_char(n.ends_on, 'YYYY-MM-DD') AS ends_on,
            to_char(n.ends_on + 1, 'YYYY-MM-DD') AS next_day, n.working_days
     FROM notices n
     WHERE n.id = $1 AND n.village = $2 AND n.withdrawn_at IS NULL
       AND n.parcels @> jsonb_build_array(jsonb_build_object('code', $3::text))`,
    [noticeId, parcel.village, parcel.code],
  )
  return rows[0] ?? null
}

/** Over when today (China Standard Time) is past its last working day. */
export function noticeEnded(notice: ParcelNotice, today = chinaToday()): boolean {
  return today > notice.ends_on
}

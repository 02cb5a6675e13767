// Waivers (豁免) of check findings: a finding is exempted only with an
// approval number (批准文号), the approver and the date, and a reason. The
// waiver holds for every finding of the same thing (finding_key, migration
// 008_waivers.sql: same parcel, zone or occupation, layer version and area to
// the m²) until it is revoked; every query that returns findings shows it.
import { townScope, type User } from '../auth/roles.ts'
import type { Db, Queryable } from '../db/db.ts'
import { AppError } from '../errors/app-error.ts'
import { Fields } from '../http/fields.ts'

interface FindingRow {
  id: number
  parcel_id: number | null
  town: string | null
  village: string | null
  key: string
}

const WAIVER_COLUMNS = `w.id, w.finding_id, w.parcel_id, p.code AS parcel_code, w.town, w.village,
  w.approval_number, w.approver, to_char(w.approved_on, 'YYYY-MM-DD') AS approved_on, w.reason,
  ru.username AS recorded_by, w.recorded_at, w.revoked_at, vu.username AS revoked_by, w.revoke_reason`

const WAIVER_FROM = `finding_waivers w
  LEFT JOIN parcels p ON p.id = w.parcel_id
  JOIN users ru ON ru.id = w.recorded_by
  LEFT JOIN users vu ON vu.id = w.revoked_by`

export interface WaiverFilter {
  id?: number
  parcelId?: number | null
  town?: string | null
  village?: string | null
  withRevoked?: boolean
}

export async function selectWaivers(db: Queryable, filter: WaiverFilter) {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${WAIVER_COLUMNS} FROM ${WAIVER_FROM}
     WHERE ($1::int IS NULL OR w.id = $1) AND ($2::int IS NULL OR w.parcel_id = $2)
       AND ($3::text IS NULL OR w.town = $3) AND ($4::text IS NULL OR w.village = $4)
       AND ($5::boolean OR w.revoked_at IS NULL)
     ORDER BY w.id`,
    [filter.id ?? null, filter.parcelId ?? null, filter.town ?? null, filter.village ?? null, filter.withRevoked ?? false],
  )
  return rows.map((row) => ({
    ...row,
    recorded_at: new Date(row.recorded_at as string).toISOString(),
    revoked_at: row.revoked_at === null ? null : new Date(row.revoked_at as string).toISOString(),
  }))
}

/** The waivers a user may see: a town role sees its own town's. */
export async function listWaivers(db: Queryable, user: User, filter: WaiverFilter) {
  const scope = townScope(user)
  if (scope !== null && filter.town && filter.town !== scope) throw new AppError('town_out_of_scope', { town: filter.town, own_town: scope })
  return selectWaivers(db, { ...filter, town: scope ?? filter.town })
}

/** A town role acts on the findings and waivers of its own town only. */
function assertTown(user: User, town: string | null, what: string): void {
  const scope = townScope(user)
  if (scope !== null && town !== scope) throw new AppError('town_out_of_scope', { town: town ?? what, own_town: scope })
}

export async function grantWaiver(db: Db, user: User, findingId: number, body: unknown) {
  const fields = Fields.of(body, 'invalid_waiver', ['approval_number', 'approver', 'approved_on', 'reason'])
  const approvalNumber = fields.requiredText('approval_number', 100)
  const approver = fields.requiredText('approver', 200)
  const approvedOn = fields.date('approved_on', { required: true, past: true })
  const reason = fields.requiredText('reason', 2000)
  const id = await db.transaction(async (tx) => {
    const { rows } = await tx.query<FindingRow>(
      'SELECT f.id, f.parcel_id, f.town, f.village, finding_key(f) AS key FROM check_findings f WHERE f.id = $1',
      [findingId],
    )
    const finding = rows[0]
    if (!finding) throw new AppError('not_found', { what: `finding ${findingId}` })
    assertTown(user, finding.town, `finding ${findingId}`)
    await assertNotWaived(tx, finding)
    const inserted = await onLiveWaiver(finding, tx.query<{ id: number }>(
      `INSERT INTO finding_waivers (finding_id, finding_key, parcel_id, town, village, approval_number, approver,
                                    approved_on, reason, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9, $10) RETURNING id`,
      [finding.id, finding.key, finding.parcel_id, finding.town, finding.village, approvalNumber, approver, approvedOn, reason, user.id],
    ))
    return inserted.rows[0]!.id
  })
  return (await selectWaivers(db, { id }))[0]!
}

async function assertNotWaived(tx: Queryable, finding: FindingRow): Promise<void> {
  const { rows } = await tx.query<{ id: number; approval_number: string }>(
    'SELECT id, approval_number FROM finding_waivers WHERE finding_key = $1 AND revoked_at IS NULL',
    [finding.key],
  )
  if (rows[0]) throw new AppError('finding_waived', { finding: finding.id, waiver: rows[0].id, approval_number: rows[0].approval_number })
}

/** Two grants at once: the unique index refuses the second, which is the same answer for the client. */
async function onLiveWaiver<T>(finding: FindingRow, write: Promise<T>): Promise<T> {
  try {
    return await write
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string }
    if (code === '23505' && constraint === 'finding_waivers_live') {
      throw new AppError('finding_waived', { finding: finding.id, waiver: '?', approval_number: '?' })
    }
    throw error
  }
}

export async function revokeWaiver(db: Db, user: User, id: number, body: unknown) {
  const fields = Fields.of(body ?? {}, 'invalid_waiver', ['reason'])
  const reason = fields.requiredText('reason', 2000)
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ town: string | null; revoked_at: Date | string | null }>(
      'SELECT town, revoked_at FROM finding_waivers WHERE id = $1 FOR UPDATE',
      [id],
    )
    const waiver = rows[0]
    if (!waiver) throw new AppError('not_found', { what: `waiver ${id}` })
    assertTown(user, waiver.town, `waiver ${id}`)
    if (waiver.revoked_at !== null) throw new AppError('waiver_revoked', { waiver: id, revoked_at: new Date(waiver.revoked_at).toISOString() })
    await tx.query('UPDATE finding_waivers SET revoked_at = now(), revoked_by = $2, revoke_reason = $3 WHERE id = $1', [id, user.id, reason])
  })
  return (await selectWaivers(db, { id, withRevoked: true }))[0]!
}

import { can, townScope, type User } from '../auth/roles.ts'
import { recheckParcel } from '../checks/recheck.ts'
import type { Db, Queryable } from '../db/db.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { PARCEL_COLUMNS, type ParcelRow } from './feature.ts'
import type { ParcelGeometry } from './geometry.ts'
import type { ParcelProperties } from './properties.ts'

// GeoJSON in, MultiPolygon EPSG:4490 out, outer rings counter-clockwise
// (RFC 7946). ST_GeomFromGeoJSON assumes 4326 when the text carries no CRS,
// so the SRID is set explicitly.
const GEOM_FROM_JSON = 'ST_ForcePolygonCCW(ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($1), 4490)))'

/** Makes the acting user and a note visible to the history trigger for this transaction. */
export async function actAs(tx: Queryable, user: User, note?: string): Promise<void> {
  await tx.query(`SELECT set_config('jiyuan.user_id', $1, true), set_config('jiyuan.change_note', $2, true)`, [
    String(user.id),
    note ?? '',
  ])
}

/** Refuses a geometry PostGIS finds invalid, with GEOS's reason and the place. */
async function assertValid(tx: Queryable, geometry: ParcelGeometry): Promise<void> {
  const { rows } = await tx.query<{ valid: boolean; reason: string | null; x: number | null; y: number | null }>(
    `SELECT d.valid, d.reason, ST_X(d.location) AS x, ST_Y(d.location) AS y
     FROM ST_IsValidDetail(${GEOM_FROM_JSON}) AS d`,
    [JSON.stringify(geometry)],
  )
  const detail = rows[0]
  if (detail && !detail.valid) {
    const location = detail.x === null ? 'unknown' : `${detail.x.toFixed(7)} ${detail.y?.toFixed(7)}`
    throw new AppError('invalid_geometry', { reason: detail.reason ?? 'unknown', location })
  }
}

/** Checks the town and village exist and that the village lies in the town. */
export async function assertPlaces(tx: Queryable, town: string, village: string | null): Promise<void> {
  const found = await tx.query('SELECT 1 FROM towns WHERE code = $1', [town])
  if (found.rowCount === 0) throw new AppError('unknown_town', { value: quote(town) })
  if (village === null) return
  const inTown = await tx.query('SELECT 1 FROM villages WHERE code = $1 AND town = $2', [village, town])
  if (inTown.rowCount === 0) throw new AppError('unknown_village', { value: quote(village), town })
}

export async function assertCodeFree(tx: Queryable, code: string, exceptId: number | null): Promise<void> {
  const { rows } = await tx.query<{ id: number }>(
    'SELECT id FROM parcels WHERE code = $1 AND deleted_at IS NULL AND id IS DISTINCT FROM $2',
    [code, exceptId],
  )
  if (rows[0]) throw new AppError('duplicate_code', { code, id: rows[0].id })
}

/** A town editor may only touch parcels of its own town. */
function assertInScope(user: User, parcel: string, town: string): void {
  const scope = townScope(user)
  if (scope !== null && scope !== town) {
    throw new AppError('out_of_scope', { parcel, town, own_town: scope })
  }
}

export function assertTownInScope(user: User, town: string): void {
  const scope = townScope(user)
  if (scope !== null && scope !== town) throw new AppError('town_out_of_scope', { town, own_town: scope })
}

export async function selectParcel(db: Queryable, id: number, lock = false): Promise<ParcelRow | undefined> {
  const { rows } = await db.query<ParcelRow>(
    `SELECT ${PARCEL_COLUMNS} FROM parcels p WHERE p.id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [id],
  )
  return rows[0]
}

/** A parcel the user may see, deleted or not; 404 or 403 otherwise. */
export async function readParcel(db: Queryable, user: User, id: number, lock = false): Promise<ParcelRow> {
  const row = await selectParcel(db, id, lock)
  if (!row) throw new AppError('not_found', { what: `parcel ${id}` })
  assertInScope(user, row.code, row.town)
  return row
}

/** Compares If-Match with the stored version; a missing header is refused too. */
export function assertVersion(row: ParcelRow, ifMatch: string | undefined): void {
  if (ifMatch === undefined) throw new AppError('precondition_required', { etag: `"${row.version}"` })
  const given = ifMatch.replace(/^W\//, '').replace(/"/g, '').trim()
  if (given !== String(row.version)) {
    throw new AppError('version_conflict', { parcel: row.code, given: ifMatch, current: `"${row.version}"` })
  }
}

export async function createParcel(
  db: Db,
  user: User,
  props: ParcelProperties,
  geometry: ParcelGeometry,
): Promise<ParcelRow> {
  assertTownInScope(user, props.town)
  assertInitialStatus(user, props)
  const row = await db.transaction(async (tx) => {
    await assertPlaces(tx, props.town, props.village)
    await assertCodeFree(tx, props.code, null)
    await assertValid(tx, geometry)
    await actAs(tx, user)
    const { rows } = await onDuplicateCode(props.code, tx.query<{ id: number }>(
      `INSERT INTO parcels (geom, code, name, town, village, category, subtype, status, problems,
                            ownership, declared_area_mu, location, intended_use, attributes)
       VALUES (${GEOM_FROM_JSON}, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       RETURNING id`,
      [JSON.stringify(geometry), ...propertyValues(props)],
    ))
    return (await selectParcel(tx, rows[0]!.id))!
  })
  // After the commit, so a failing check cannot undo the save; it only logs.
  await recheckParcel(db, user, row.id)
  return row
}

/**
 * A parcel starts as registered. Registering one at a later stage (a ledger
 * kept before the programme had this system) takes someone who could confirm
 * that stage: an admin, or the town approver of the parcel's town.
 */
export function assertInitialStatus(user: User, props: Pick<ParcelProperties, 'code' | 'status'>): void {
  if (props.status !== 'registered' && !can(user, 'workflow.confirm')) {
    throw new AppError('initial_status_forbidden', { parcel: props.code, status: props.status })
  }
}

/**
 * Two requests may pass assertCodeFree at once; the unique index then refuses
 * the second, which is the same duplicate_code for the client.
 */
async function onDuplicateCode<T>(code: string, write: Promise<T>): Promise<T> {
  try {
    return await write
  } catch (error) {
    const { code: sqlState, constraint } = error as { code?: string; constraint?: string }
    if (sqlState === '23505' && constraint === 'parcels_code_live') {
      throw new AppError('duplicate_code', { code, id: '?' })
    }
    throw error
  }
}

function propertyValues(p: ParcelProperties): unknown[] {
  return [
    p.code, p.name, p.town, p.village, p.category, p.subtype, p.status, p.problems,
    p.ownership, p.declared_area_mu, p.location, p.intended_use, JSON.stringify(p.attributes),
  ]
}

export interface ParcelChange {
  properties: Partial<ParcelProperties>
  geometry?: ParcelGeometry
}

/**
 * The status belongs to the workflow (server/src/workflow/): a change may
 * send the status back as read, but never a different one.
 */
function assertStatusKept(row: ParcelRow, status: string | undefined): void {
  if (status === undefined || status === row.status) return
  throw new AppError('status_by_workflow', { parcel: row.code, id: row.id, current: row.status, requested: status })
}

/** Applies a partial change under If-Match; the merged parcel is checked as a whole. */
export async function updateParcel(
  db: Db,
  user: User,
  id: number,
  ifMatch: string | undefined,
  change: ParcelChange,
): Promise<ParcelRow> {
  const saved = await db.transaction(async (tx) => {
    const row = await readParcel(tx, user, id, true)
    if (row.deleted_at) throw new AppError('parcel_deleted', { parcel: row.code })
    assertVersion(row, ifMatch)
    assertStatusKept(row, change.properties.status)
    const merged = { ...currentProperties(row), ...change.properties }
    assertTownInScope(user, merged.town)
    await assertPlaces(tx, merged.town, merged.village)
    if (merged.code !== row.code) await assertCodeFree(tx, merged.code, id)
    if (change.geometry) await assertValid(tx, change.geometry)
    await actAs(tx, user)
    await onDuplicateCode(merged.code, tx.query(
      `UPDATE parcels SET
         geom = coalesce(ST_ForcePolygonCCW(ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4490))), geom),
         code = $2, name = $3, town = $4, village = $5, category = $6, subtype = $7, status = $8,
         problems = $9, ownership = $10, declared_area_mu = $11, location = $12,
         intended_use = $13, attributes = $14
       WHERE id = $15`,
      [change.geometry ? JSON.stringify(change.geometry) : null, ...propertyValues(merged), id],
    ))
    return (await selectParcel(tx, id))!
  })
  await recheckParcel(db, user, id)
  return saved
}

/**
 * Moves a parcel to another stage: the one write of a status, made when a
 * workflow step is confirmed, so the history shows it with its note.
 */
export async function writeStatus(tx: Queryable, user: User, id: number, status: string, note: string): Promise<ParcelRow> {
  await actAs(tx, user, note)
  await tx.query('UPDATE parcels SET status = $2 WHERE id = $1', [id, status])
  return (await selectParcel(tx, id))!
}

function currentProperties(row: ParcelRow): ParcelProperties {
  return {
    code: row.code, name: row.name, town: row.town, village: row.village,
    category: row.category as ParcelProperties['category'], subtype: row.subtype,
    status: row.status as ParcelProperties['status'], problems: row.problems as ParcelProperties['problems'],
    ownership: row.ownership, declared_area_mu: row.declared_area_mu, location: row.location,
    intended_use: row.intended_use, attributes: row.attributes,
  }
}

/** Soft delete: the row stays, marked deleted, restorable; the history records it. */
export async function deleteParcel(db: Db, user: User, id: number, ifMatch: string | undefined): Promise<ParcelRow> {
  return db.transaction(async (tx) => {
    const row = await readParcel(tx, user, id, true)
    if (row.deleted_at) throw new AppError('parcel_deleted', { parcel: row.code })
    assertVersion(row, ifMatch)
    await actAs(tx, user)
    await tx.query('UPDATE parcels SET deleted_at = now(), deleted_by = $2 WHERE id = $1', [id, user.id])
    return (await selectParcel(tx, id))!
  })
}

export async function restoreParcel(db: Db, user: User, id: number, ifMatch: string | undefined): Promise<ParcelRow> {
  return db.transaction(async (tx) => {
    const row = await readParcel(tx, user, id, true)
    if (!row.deleted_at) throw new AppError('parcel_not_deleted', { parcel: row.code })
    assertVersion(row, ifMatch)
    await assertCodeFree(tx, row.code, id)
    await actAs(tx, user)
    await onDuplicateCode(
      row.code,
      tx.query('UPDATE parcels SET deleted_at = NULL, deleted_by = NULL WHERE id = $1', [id]),
    )
    return (await selectParcel(tx, id))!
  })
}

export interface VersionRow {
  version: number
  action: string
  changed_by: string | null
  changed_at: Date | string
  changed_fields: string[]
  note: string | null
  before: Record<string, unknown> | null
  after: Record<string, unknown>
}

export async function parcelHistory(db: Queryable, user: User, id: number): Promise<VersionRow[]> {
  await readParcel(db, user, id)
  const { rows } = await db.query<VersionRow & { geometry_before: string | null; geometry_after: string }>(
    `SELECT v.version, v.action, u.username AS changed_by, v.changed_at, v.changed_fields, v.note,
            v.before, v.after,
            ST_AsGeoJSON(v.geom_before, 9, 0) AS geometry_before, ST_AsGeoJSON(v.geom_after, 9, 0) AS geometry_after
     FROM parcel_versions v LEFT JOIN users u ON u.id = v.changed_by
     WHERE v.parcel_id = $1 ORDER BY v.version`,
    [id],
  )
  // The geometry is kept in its own column; the API shows it inside each document.
  return rows.map(({ geometry_before, geometry_after, ...version }) => ({
    ...version,
    before: version.before && { ...version.before, geometry: geometry_before && JSON.parse(geometry_before) },
    after: { ...version.after, geometry: JSON.parse(geometry_after) },
  }))
}

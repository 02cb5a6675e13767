// Restoring an earlier version of a parcel: a new version whose content is
// the old one's, properties and outline, under If-Match. The status stays
// where the workflow has it; a deleted parcel is brought back first
// (POST /api/parcels/:id/restore).
import type { User } from '../auth/roles.ts'
import { recheckParcel } from '../checks/recheck.ts'
import type { Db } from '../db/db.ts'
import { AppError } from '../errors/app-error.ts'
import type { ParcelRow } from '../parcels/feature.ts'
import {
  actAs, assertCodeFree, assertPlaces, assertTownInScope, assertVersion, readParcel, selectParcel,
} from '../parcels/store.ts'
import { sql } from './sql.ts'

interface VersionFacts {
  code: string
  town: string
  village: string | null
  /** the same content as the parcel now, status aside */
  same: boolean
}

export async function restoreVersion(db: Db, user: User, id: number, version: number, ifMatch: string | undefined): Promise<ParcelRow> {
  const saved = await db.transaction(async (tx) => {
    const parcel = await readParcel(tx, user, id, true)
    if (parcel.deleted_at) throw new AppError('parcel_deleted', { parcel: parcel.code })
    assertVersion(parcel, ifMatch)
    const { rows } = await tx.query<VersionFacts>(
      `SELECT v.after ->> 'code' AS code, v.after ->> 'town' AS town, v.after ->> 'village' AS village,
              (v.after - 'status' - 'area_m2' - 'deleted') = (parcel_document(p) - 'status' - 'area_m2' - 'deleted')
                AND ST_OrderingEquals(v.geom_after, p.geom) AS same
       FROM parcel_versions v JOIN parcels p ON p.id = v.parcel_id
       WHERE v.parcel_id = $1 AND v.version = $2`,
      [id, version],
    )
    const old = rows[0]
    if (!old) throw new AppError('not_found', { what: `version ${version} of parcel ${parcel.code}` })
    if (old.same) throw new AppError('version_is_current', { parcel: parcel.code, version })
    assertTownInScope(user, old.town)
    await assertPlaces(tx, old.town, old.village)
    if (old.code !== parcel.code) await assertCodeFree(tx, old.code, id)

    await actAs(tx, user, `恢复至第 ${version} 版 restored from version ${version}`)
    await tx.query(sql('restore-version'), [id, version])
    return (await selectParcel(tx, id))!
  })
  await recheckParcel(db, user, id)
  return saved
}

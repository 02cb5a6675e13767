// One feature or a page of them as GeoJSON text, in the CRS asked for, with
// the Content-Crs header of Part 2; shared by the reads and the writes.
import type { Request, Response } from 'express'
import type { User } from '../auth/roles.ts'
import { AppError } from '../errors/app-error.ts'
import type { AppContext } from '../http/context.ts'
import { etag } from '../parcels/feature.ts'
import { Where } from '../parcels/list.ts'
import { readParcel } from '../parcels/store.ts'
import { PARCELS, type Row, type Source } from './collections.ts'
import { geometrySql, type OgcCrs } from './crs.ts'
import { GEOJSON, origin } from './documents.ts'

export type FeatureRow = Row & { ogc_geometry: string | null }

/** A feature id in the URL: ids are positive integers in every collection. */
export function featureId(req: Request): number {
  const raw = String(req.params.featureId)
  if (!/^\d{1,15}$/.test(raw)) throw new AppError('not_found', { what: `feature ${raw.slice(0, 40)}` })
  return Number(raw)
}

export function featureText(source: Source, row: FeatureRow): string {
  const properties = JSON.stringify(source.properties(row))
  return `{"type":"Feature","id":${row.id},"geometry":${row.ogc_geometry ?? 'null'},"properties":${properties}}`
}

/** Part 2: the CRS of the coordinates in a response, in angle brackets. */
export function sendGeoJson(res: Response, crs: OgcCrs, body: string): void {
  res.setHeader('Content-Crs', `<${crs.uri}>`)
  res.type(GEOJSON).send(body)
}

/** One feature the user may see, in `crs`; parcels answer as GET /api/parcels/:id does (403, 404, 410). */
export async function readFeature(ctx: AppContext, user: User, source: Source, id: number, crs: OgcCrs) {
  if (source === PARCELS) {
    const parcel = await readParcel(ctx.db, user, id)
    if (parcel.deleted_at) throw new AppError('parcel_deleted', { parcel: parcel.code })
  }
  const where = new Where()
  source.scope(where, user)
  where.add(`${source.idColumn} = ?`, id)
  const { rows } = await ctx.db.query<FeatureRow & { version?: number }>(
    `SELECT ${source.columns}, ${geometrySql(source.geom, crs)} AS ogc_geometry FROM ${source.from} ${where}`,
    where.params,
  )
  if (!rows[0]) throw new AppError('not_found', { what: `feature ${id} of ${source.id}` })
  return rows[0]
}

/** The single-feature document with its links; ETag for parcels. */
export function sendFeature(req: Request, res: Response, source: Source, row: FeatureRow, crs: OgcCrs, status = 200) {
  const collection = `${origin(req)}/ogc/collections/${source.id}`
  const links = [
    { href: `${collection}/items/${row.id}`, rel: 'self', type: GEOJSON, title: 'this feature' },
    { href: collection, rel: 'collection', type: 'application/json', title: 'its collection' },
  ]
  const body = featureText(source, row).slice(0, -1) + `,"links":${JSON.stringify(links)}}`
  if (typeof row.version === 'number') res.setHeader('ETag', etag(row.version))
  res.status(status)
  sendGeoJson(res, crs, body)
}


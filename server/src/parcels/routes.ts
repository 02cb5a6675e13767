import { Router, type Request, type Response } from 'express'
import { requireAction } from '../auth/middleware.ts'
import { AppError, quote } from '../errors/app-error.ts'
import type { AppContext } from '../http/context.ts'
import { etag, featureJson, PARCEL_COLUMNS, type ParcelRow } from './feature.ts'
import { parseParcelGeometry } from './geometry.ts'
import { parcelQuery } from './list.ts'
import { completeNew, parseProperties } from './properties.ts'
import {
  createParcel,
  deleteParcel,
  parcelHistory,
  readParcel,
  restoreParcel,
  updateParcel,
  type ParcelChange,
} from './store.ts'

const GEOJSON = 'application/geo+json; charset=utf-8'

function parcelId(req: Request): number {
  const raw = String(req.params.id)
  if (!/^\d{1,9}$/.test(raw)) {
    throw new AppError('invalid_parameter', { field: 'id', value: raw, reason: 'a parcel id is a positive integer' })
  }
  return Number(raw)
}

function sendFeature(res: Response, row: ParcelRow, status = 200): void {
  res.status(status).setHeader('ETag', etag(row.version)).type(GEOJSON).send(featureJson(row))
}

/** The body of POST and PATCH: a GeoJSON Feature (partial for PATCH). */
function featureBody(req: Request): { properties: unknown; geometry: unknown } {
  if (!req.is('application/json') && !req.is('application/geo+json')) {
    throw new AppError('unsupported_media_type', { expected: 'application/json, application/geo+json', type: req.headers['content-type'] ?? 'none' })
  }
  const body = req.body as unknown
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('invalid_feature', { reason: 'the body is not a JSON object' })
  }
  const { type, properties, geometry } = body as Record<string, unknown>
  if (type !== undefined && type !== 'Feature') {
    throw new AppError('invalid_feature', { reason: `type is ${quote(type)}, expected "Feature"` })
  }
  return { properties: properties ?? {}, geometry }
}

export function parcelRoutes(ctx: AppContext): Router {
  const router = Router()
  const { db } = ctx

  router.get('/api/parcels', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const { where, limit, offset } = parcelQuery(req, user)
    const { rows } = await db.query<ParcelRow & { matched: number }>(
      `SELECT ${PARCEL_COLUMNS}, count(*) OVER ()::int AS matched
       FROM parcels p ${where} ORDER BY p.id LIMIT ${limit} OFFSET ${offset}`,
      where.params,
    )
    const matched = rows[0]?.matched ?? (offset === 0 ? 0 : await countParcels(ctx, where))
    res.type(GEOJSON)
    res.send(
      `{"type":"FeatureCollection","srid":4490,"numberMatched":${matched},"numberReturned":${rows.length},` +
        `"features":[${rows.map(featureJson).join(',')}]}`,
    )
  })

  router.get('/api/parcels/:id', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const row = await readParcel(db, user, parcelId(req))
    if (row.deleted_at && req.query.include_deleted !== 'true') {
      throw new AppError('parcel_deleted', { parcel: row.code })
    }
    if (req.headers['if-none-match'] === etag(row.version)) {
      res.status(304).setHeader('ETag', etag(row.version)).end()
      return
    }
    sendFeature(res, row)
  })

  router.post('/api/parcels', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    const body = featureBody(req)
    const geometry = parseParcelGeometry(body.geometry)
    const properties = parseProperties(body.properties)
    if (properties.town === undefined && user.town !== null) properties.town = user.town
    const row = await createParcel(db, user, completeNew(properties), geometry)
    res.setHeader('Location', `/api/parcels/${row.id}`)
    sendFeature(res, row, 201)
  })

  router.patch('/api/parcels/:id', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    const id = parcelId(req)
    const body = featureBody(req)
    const change: ParcelChange = { properties: parseProperties(body.properties) }
    if (body.geometry !== undefined && body.geometry !== null) change.geometry = parseParcelGeometry(body.geometry)
    sendFeature(res, await updateParcel(db, user, id, req.headers['if-match'], change))
  })

  router.delete('/api/parcels/:id', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    const row = await deleteParcel(db, user, parcelId(req), req.headers['if-match'])
    res.setHeader('ETag', etag(row.version)).status(204).end()
  })

  router.post('/api/parcels/:id/restore', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    sendFeature(res, await restoreParcel(db, user, parcelId(req), req.headers['if-match']))
  })

  router.get('/api/parcels/:id/history', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    res.json(await parcelHistory(db, user, parcelId(req)))
  })

  return router
}

async function countParcels(ctx: AppContext, where: { toString(): string; params: unknown[] }): Promise<number> {
  const { rows } = await ctx.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM parcels p ${where}`,
    where.params,
  )
  return rows[0]?.n ?? 0
}

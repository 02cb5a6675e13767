// OGC API – Features under /ogc: Part 1 (core, GeoJSON, OpenAPI 3.0), Part 2
// (CRS by reference) and Part 4 (writes to parcels), with the same sign-in,
// roles and town scope as /api. Vector tiles of every collection live beside
// it under /tiles (server/src/tiles/).
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express'
import { requireAction, requireUser } from '../auth/middleware.ts'
import { AppError } from '../errors/app-error.ts'
import { errorMiddleware } from '../errors/middleware.ts'
import type { AppContext } from '../http/context.ts'
import { etag } from '../parcels/feature.ts'
import { tileRoutes } from '../tiles/routes.ts'
import { findSource, readableSources, type Source } from './collections.ts'
import { CRS_URIS, geometrySql } from './crs.ts'
import {
  collectionDocument,
  CONFORMANCE,
  landingPage,
  OPENAPI_JSON,
  origin,
  pageLinks,
} from './documents.ts'
import { ogcApiDocument } from './openapi.ts'
import { featureId, featureText, readFeature, sendFeature, sendGeoJson, type FeatureRow } from './features.ts'
import { itemCrs, itemsQuery } from './params.ts'
import { writeRoutes } from './write.ts'

// As /api: large enough for a parcel of 100,000 vertices (server/src/app.ts).
const BODY_LIMIT = '8mb'
const BODY_TYPES = ['application/json', 'application/geo+json', 'application/merge-patch+json']

async function items(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const user = requireUser(req)
  const source = await findSource(ctx.db, user, String(req.params.collectionId))
  const query = itemsQuery(req, user, source)
  const { where } = query
  // Ordered by id, so consecutive pages never skip or repeat a feature. The
  // page's ids are found first, so the rows skipped by a deep offset are never
  // turned into GeoJSON (scripts/bench/ogc-paging.ts).
  const { rows } = await ctx.db.query<FeatureRow & { matched: number }>(
    `WITH page AS (
       SELECT ${source.idColumn} AS page_id, count(*) OVER ()::int AS matched
       FROM ${source.from} ${where} ORDER BY ${source.idColumn} LIMIT ${query.limit} OFFSET ${query.offset})
     SELECT ${source.columns}, ${geometrySql(source.geom, query.crs)} AS ogc_geometry, page.matched
     FROM ${source.from} JOIN page ON page.page_id = ${source.idColumn}
     ORDER BY ${source.idColumn}`,
    where.params,
  )
  const matched = rows[0]?.matched ?? (await count(ctx, source, where))
  const links = pageLinks(req, query.offset, query.limit, rows.length, matched)
  sendGeoJson(
    res,
    query.crs,
    `{"type":"FeatureCollection","timeStamp":"${new Date().toISOString()}","numberMatched":${matched},` +
      `"numberReturned":${rows.length},"links":${JSON.stringify(links)},` +
      `"features":[${rows.map((row) => featureText(source, row)).join(',')}]}`,
  )
}

async function count(ctx: AppContext, source: Source, where: { toString(): string; params: unknown[] }) {
  const { rows } = await ctx.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${source.from} ${where}`,
    where.params,
  )
  return rows[0]?.n ?? 0
}

/** OGC exceptions carry `code` and `description` (Part 1, exception.yaml) beside the API's own `error`. */
const ogcErrors: ErrorRequestHandler = (err, req, res, next) => {
  const send = res.json.bind(res)
  res.json = (body: { error?: { code: string; message: string } }) =>
    send(body.error ? { code: body.error.code, description: body.error.message, ...body } : body)
  errorMiddleware(err, req, res, next)
}

export function ogcRoutes(ctx: AppContext): Router {
  const router = Router()
  const { db } = ctx
  router.use('/ogc', express.json({ limit: BODY_LIMIT, type: BODY_TYPES }))

  router.get('/ogc', (req, res) => {
    res.json(landingPage(req))
  })

  router.get('/ogc/conformance', (_req, res) => {
    res.json({ conformsTo: CONFORMANCE })
  })

  router.get('/ogc/api', async (req, res) => {
    res.type(OPENAPI_JSON).send(JSON.stringify(ogcApiDocument(origin(req))))
  })

  router.get('/ogc/collections', async (req, res) => {
    const user = requireUser(req)
    const sources = await readableSources(db, user)
    const collections = []
    for (const source of sources) collections.push(await collectionDocument(req, db, user, source))
    res.json({
      links: [{ href: `${origin(req)}/ogc/collections`, rel: 'self', type: 'application/json', title: 'the collections' }],
      crs: [...CRS_URIS],
      collections,
    })
  })

  router.get('/ogc/collections/:collectionId', async (req, res) => {
    const user = requireUser(req)
    const source = await findSource(db, user, String(req.params.collectionId))
    res.json(await collectionDocument(req, db, user, source))
  })

  router.get('/ogc/collections/:collectionId/items', (req, res) => items(ctx, req, res))

  router.get('/ogc/collections/:collectionId/items/:featureId', async (req, res) => {
    const user = requireUser(req)
    const source = await findSource(db, user, String(req.params.collectionId))
    requireAction(req, source.action)
    const crs = itemCrs(req)
    const row = await readFeature(ctx, user, source, featureId(req), crs)
    if (typeof row.version === 'number' && req.headers['if-none-match'] === etag(row.version)) {
      res.status(304).setHeader('ETag', etag(row.version)).end()
      return
    }
    sendFeature(req, res, source, row, crs)
  })

  router.use(writeRoutes(ctx))
  router.use(tileRoutes(ctx))

  // Anything else under /ogc is a 404 in the OGC error shape, not the map page.
  router.all('/ogc/{*rest}', (req) => {
    throw new AppError('route_not_found', { method: req.method, path: req.path })
  })
  router.use('/ogc', ogcErrors)
  return router
}

// Vector tiles of every OGC collection (and `zones`, every planning layer at
// once) with a TileJSON 3.0.0 document each, so MapLibre and QGIS add them by
// URL. Same sign-in and town scope as the features.
import { Router, type Request } from 'express'
import { requireUser } from '../auth/middleware.ts'
import { AppError } from '../errors/app-error.ts'
import type { AppContext } from '../http/context.ts'
import { log } from '../log.ts'
import { findTileSource, PARCELS, type Source } from '../ogc/collections.ts'
import { origin } from '../ogc/documents.ts'
import { addFilters } from '../ogc/params.ts'
import { addParcelFilters, PARCEL_FILTER_NAMES, parcelFilters, Where } from '../parcels/list.ts'
import { MAX_ZOOM, parseTile } from './grid.ts'
import type { TileFilter } from './render.ts'
import { tileService } from './service.ts'

/**
 * The features a tile's query narrows to: parcels take the filters of GET
 * /api/parcels (so a map shows what its table lists), other collections
 * their queryable properties. Anything else is refused, so a misspelt filter
 * does not silently show everything.
 */
function tileFilter(req: Request, source: Source): TileFilter {
  const known: readonly string[] = source.id === PARCELS.id ? PARCEL_FILTER_NAMES : Object.keys(source.filters)
  for (const name of Object.keys(req.query)) {
    if (!known.includes(name)) {
      throw new AppError('invalid_parameter', { field: name.slice(0, 60), value: String(req.query[name]).slice(0, 100), reason: `a tile of ${source.id} takes ${known.join(', ') || 'no parameters'}` })
    }
  }
  if (source.id !== PARCELS.id) return (where) => addFilters(req, where, source)
  const filters = parcelFilters(req)
  return (where) => void addParcelFilters(where, filters)
}

export function tileRoutes(ctx: AppContext): Router {
  const router = Router()
  const { db } = ctx
  const tiles = tileService(db, ctx.config.tileCacheBytes)

  router.get('/tiles/:layer/tilejson.json', async (req, res) => {
    const user = requireUser(req)
    const source = await findTileSource(db, user, String(req.params.layer))
    const where = new Where()
    source.scope(where, user)
    const { rows } = await db.query<{ w: number | null; s: number | null; e: number | null; n: number | null }>(
      `SELECT ST_XMin(x) AS w, ST_YMin(x) AS s, ST_XMax(x) AS e, ST_YMax(x) AS n
       FROM (SELECT ST_Extent(${source.geom})::geometry AS x FROM ${source.from} ${where}) b`,
      where.params,
    )
    const box = rows[0]
    // lon/lat degrees, CGCS2000 (= WGS 84 to a few centimetres)
    const bounds = box?.w != null ? [box.w, box.s, box.e, box.n] : [-180, -85.0511, 180, 85.0511]
    const fields = Object.fromEntries(source.tileFields.map((name) => [name, source.schema[name]?.type ?? 'string']))
    res.json({
      tilejson: '3.0.0',
      name: source.title,
      description: source.description,
      scheme: 'xyz',
      tiles: [`${origin(req)}/tiles/${source.id}/{z}/{x}/{y}.mvt`],
      minzoom: 0,
      maxzoom: MAX_ZOOM,
      bounds,
      center: [(bounds[0]! + bounds[2]!) / 2, (bounds[1]! + bounds[3]!) / 2, 12],
      vector_layers: [{ id: source.id, description: source.title, minzoom: 0, maxzoom: MAX_ZOOM, fields }],
    })
  })

  router.get('/tiles/:layer/:z/:x/:y.mvt', async (req, res) => {
    const user = requireUser(req)
    const source = await findTileSource(db, user, String(req.params.layer))
    const tile = parseTile(String(req.params.z), String(req.params.x), String(req.params.y))
    const filter = tileFilter(req, source)
    const started = Date.now()
    const answer = await tiles.tile(user, source, tile, req.query as Record<string, string>, filter)
    log.debug('tile', { layer: source.id, ...tile, bytes: answer.bytes.length, cached: answer.cached, ms: Date.now() - started })
    // the browser asks again each time (no-cache) and gets 304 while the tile is unchanged
    res.setHeader('Cache-Control', 'private, no-cache')
    res.setHeader('ETag', answer.etag)
    if (req.fresh) {
      res.status(304).end()
      return
    }
    res.type('application/vnd.mapbox-vector-tile').send(Buffer.from(answer.bytes))
  })

  // Anything else under /tiles is a 404, not the map page.
  router.all('/tiles/{*rest}', (req) => {
    throw new AppError('route_not_found', { method: req.method, path: req.path })
  })

  return router
}

// OGC API – Features Part 4 for parcels: POST creates, PUT replaces, PATCH
// updates (JSON merge patch of a Feature), DELETE deletes. Each goes through
// the parcel store, so validation, town scope, If-Match and the history are
// exactly those of /api/parcels. Other collections are read-only (405).
import { Router, type Request } from 'express'
import proj4 from 'proj4'
import { requireAction } from '../auth/middleware.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { PROJ4_DEFS, reprojectCoordinates, type Coordinates } from '../geo/crs.ts'
import type { AppContext } from '../http/context.ts'
import { parseParcelGeometry, type ParcelGeometry } from '../parcels/geometry.ts'
import { completeNew, parseProperties, type ParcelProperties } from '../parcels/properties.ts'
import { createParcel, deleteParcel, updateParcel } from '../parcels/store.ts'
import { etag } from '../parcels/feature.ts'
import { findSource, PARCELS } from './collections.ts'
import { DEFAULT_CRS, parseCrs, type OgcCrs } from './crs.ts'
import { featureId, readFeature, sendFeature } from './features.ts'

const WEB_MERCATOR = proj4('EPSG:3857', PROJ4_DEFS[4490])

function swap(coords: Coordinates): Coordinates {
  if (typeof coords[0] === 'number') return [coords[1] as number, coords[0], ...(coords.slice(2) as number[])]
  return (coords as Coordinates[]).map(swap)
}

function fromMercator(coords: Coordinates): Coordinates {
  if (typeof coords[0] === 'number') return WEB_MERCATOR.forward([coords[0], coords[1] as number])
  return (coords as Coordinates[]).map(fromMercator)
}

/** Part 4: the CRS of a request body's coordinates, from Content-Crs (CRS84 when absent). */
function contentCrs(req: Request): OgcCrs {
  const header = req.headers['content-crs']
  if (header === undefined) return DEFAULT_CRS
  return parseCrs(String(header).trim().replace(/^<(.*)>$/, '$1'), 'Content-Crs')
}

/**
 * The body's coordinates as EPSG:4490 lon/lat. Only the coordinates are
 * converted here; the parcel parser then checks structure and that every
 * position lies in Jimo, so metres sent without Content-Crs are refused.
 */
function toStorage(geometry: unknown, crs: OgcCrs): unknown {
  if (crs.uri === DEFAULT_CRS.uri || typeof geometry !== 'object' || geometry === null) return geometry
  const { coordinates } = geometry as { coordinates?: unknown }
  if (!Array.isArray(coordinates)) return geometry
  let xy = coordinates as Coordinates
  if (crs.northFirst) xy = swap(xy)
  if (crs.srid === 3857) xy = fromMercator(xy)
  else if (crs.srid !== 4490) xy = reprojectCoordinates(xy, crs.srid, 4490)
  return { ...geometry, coordinates: xy }
}

interface Body {
  properties: unknown
  geometry: unknown
}

function featureBody(req: Request, allowed: string[]): Body {
  if (!allowed.some((type) => req.is(type))) {
    throw new AppError('unsupported_media_type', { expected: allowed.join(', '), type: req.headers['content-type'] ?? 'none' })
  }
  const body = req.body as unknown
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('invalid_feature', { reason: 'the body is not a JSON object' })
  }
  const { type, properties, geometry } = body as Record<string, unknown>
  if (type !== undefined && type !== 'Feature') {
    throw new AppError('invalid_feature', { reason: `type is ${quote(type)}, expected "Feature"` })
  }
  return { properties: properties ?? {}, geometry: toStorage(geometry, contentCrs(req)) }
}

const FEATURE_TYPES = ['application/geo+json', 'application/json']

function geometryOf(body: Body): ParcelGeometry {
  return parseParcelGeometry(body.geometry)
}

export function writeRoutes(ctx: AppContext): Router {
  const router = Router()
  const { db } = ctx
  const items = '/ogc/collections/:collectionId/items'

  /** The parcels collection, for a user who may write parcels; 405 for the others. */
  async function writable(req: Request) {
    const user = requireAction(req, 'parcel.write')
    const source = await findSource(db, user, String(req.params.collectionId))
    if (!source.writable) throw new AppError('ogc_read_only', { collection: source.id }, null, { Allow: 'GET' })
    return user
  }

  router.post(items, async (req, res) => {
    const user = await writable(req)
    const body = featureBody(req, FEATURE_TYPES)
    const geometry = geometryOf(body)
    const properties = parseProperties(body.properties)
    if (properties.town === undefined && user.town !== null) properties.town = user.town
    const created = await createParcel(db, user, completeNew(properties), geometry)
    const row = await readFeature(ctx, user, PARCELS, created.id, DEFAULT_CRS)
    res.setHeader('Location', `${req.protocol}://${req.get('host')}/ogc/collections/parcels/items/${created.id}`)
    sendFeature(req, res, PARCELS, row, DEFAULT_CRS, 201)
  })

  // PUT replaces the whole parcel: properties left out take their defaults,
  // except the status, which only the workflow changes.
  router.put(`${items}/:featureId`, async (req, res) => {
    const user = await writable(req)
    const id = featureId(req)
    const body = featureBody(req, FEATURE_TYPES)
    const geometry = geometryOf(body)
    const given = parseProperties(body.properties)
    const properties: Partial<ParcelProperties> = completeNew(given)
    if (given.status === undefined) delete properties.status
    await updateParcel(db, user, id, req.headers['if-match'], { properties, geometry })
    sendFeature(req, res, PARCELS, await readFeature(ctx, user, PARCELS, id, DEFAULT_CRS), DEFAULT_CRS)
  })

  // PATCH merges (RFC 7396): the properties given change, a geometry given replaces.
  router.patch(`${items}/:featureId`, async (req, res) => {
    const user = await writable(req)
    const id = featureId(req)
    const body = featureBody(req, [...FEATURE_TYPES, 'application/merge-patch+json'])
    const change = {
      properties: parseProperties(body.properties),
      ...(body.geometry === undefined || body.geometry === null ? {} : { geometry: geometryOf(body) }),
    }
    await updateParcel(db, user, id, req.headers['if-match'], change)
    sendFeature(req, res, PARCELS, await readFeature(ctx, user, PARCELS, id, DEFAULT_CRS), DEFAULT_CRS)
  })

  router.delete(`${items}/:featureId`, async (req, res) => {
    const user = await writable(req)
    const row = await deleteParcel(db, user, featureId(req), req.headers['if-match'])
    res.setHeader('ETag', etag(row.version)).status(204).end()
  })

  return router
}

import { Router, type Request } from 'express'
import { requireUser } from '../auth/middleware.ts'
import { AppError } from '../errors/app-error.ts'
import type { AppContext } from '../http/context.ts'

// Boundaries are drawn, not measured: 6 decimals (~0.1 m) keep them light.
const BOUNDARY_DECIMALS = 6

function wantsGeometry(req: Request): boolean {
  const value = req.query.geometry
  return value === '1' || value === 'true'
}

interface PlaceRow {
  code: string
  name: string
  geometry: string | null
  [key: string]: unknown
}

function collection(rows: PlaceRow[]): string {
  const features = rows.map(({ geometry, ...properties }) =>
    `{"type":"Feature","id":${JSON.stringify(properties.code)},"geometry":${geometry ?? 'null'},` +
      `"properties":${JSON.stringify(properties)}}`,
  )
  return `{"type":"FeatureCollection","srid":4490,"features":[${features.join(',')}]}`
}

export function placeRoutes(ctx: AppContext): Router {
  const router = Router()

  router.get('/api/towns', async (req, res) => {
    requireUser(req)
    const geometry = wantsGeometry(req)
    const { rows } = await ctx.db.query<PlaceRow>(
      `SELECT code, name, kind,
              CASE WHEN $1 THEN ST_AsGeoJSON(geom, ${BOUNDARY_DECIMALS}, 0) END AS geometry
       FROM towns ORDER BY code`,
      [geometry],
    )
    if (geometry) res.type('application/geo+json').send(collection(rows))
    else res.json(rows.map(({ geometry: _, ...town }) => town))
  })

  router.get('/api/villages', async (req, res) => {
    requireUser(req)
    const town = req.query.town
    if (town !== undefined && (typeof town !== 'string' || !/^\d{9}$/.test(town))) {
      throw new AppError('invalid_parameter', { field: 'town', value: String(town), reason: 'a 9-digit town code' })
    }
    const geometry = wantsGeometry(req)
    const { rows } = await ctx.db.query<PlaceRow>(
      `SELECT code, name, town, kind,
              CASE WHEN $2 THEN ST_AsGeoJSON(geom, ${BOUNDARY_DECIMALS}, 0) END AS geometry
       FROM villages WHERE ($1::text IS NULL OR town = $1) ORDER BY code`,
      [town ?? null, geometry],
    )
    if (geometry) res.type('application/geo+json').send(collection(rows))
    else res.json(rows.map(({ geometry: _, ...village }) => village))
  })

  router.get('/api/district', async (req, res) => {
    requireUser(req)
    const { rows } = await ctx.db.query<PlaceRow>(
      `SELECT code, name, ST_AsGeoJSON(geom, ${BOUNDARY_DECIMALS}, 0) AS geometry FROM district`,
    )
    res.type('application/geo+json').send(collection(rows))
  })

  return router
}

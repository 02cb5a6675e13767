import { Router } from 'express'
import { requireAction, requireUser } from '../auth/middleware.ts'
import { AppError, quote } from '../errors/app-error.ts'
import type { AppContext } from '../http/context.ts'
import { Where } from '../parcels/list.ts'

// classes: the zone classes of the current version, so a map can style and
// list each without reading the zones
const LAYER_COLUMNS = `l.id, l.name, l.kind, l.version, l.updated_at,
  (SELECT count(*)::int FROM zones z WHERE z.layer_id = l.id AND z.layer_version = l.version) AS zone_count,
  coalesce((SELECT array_agg(DISTINCT z.class ORDER BY z.class) FROM zones z
            WHERE z.layer_id = l.id AND z.layer_version = l.version), '{}') AS classes`

// Zones are drawn, not measured here: 7 decimals (~1 cm) in EPSG:4490.
const ZONE_DECIMALS = 7

export function layerRoutes(ctx: AppContext): Router {
  const router = Router()
  const { db } = ctx

  // What the map client starts with, as the deployment set it (JIYUAN_BASEMAP_URL).
  router.get('/api/map-settings', (req, res) => {
    requireUser(req)
    res.json({ basemap: ctx.config.basemap })
  })

  router.get('/api/layers', async (req, res) => {
    requireAction(req, 'layer.read')
    const { rows } = await db.query(`SELECT ${LAYER_COLUMNS} FROM planning_layers l WHERE l.deleted_at IS NULL ORDER BY l.id`)
    res.json(rows)
  })

  router.post('/api/layers', async (req, res) => {
    requireAction(req, 'layer.manage')
    const { name, kind } = (req.body ?? {}) as Record<string, unknown>
    if (typeof name !== 'string' || name.trim() === '' || name.length > 100) {
      throw new AppError('invalid_parameter', { field: 'name', value: quote(name), reason: '1–100 characters' })
    }
    if (typeof kind !== 'string' || !/^[a-z_]{1,40}$/.test(kind)) {
      throw new AppError('invalid_parameter', { field: 'kind', value: quote(kind), reason: 'lower-case letters and _' })
    }
    const taken = await db.query('SELECT id FROM planning_layers WHERE name = $1 AND deleted_at IS NULL', [name])
    if (taken.rowCount > 0) {
      throw new AppError('invalid_parameter', { field: 'name', value: quote(name), reason: 'a layer of that name exists' })
    }
    const { rows } = await db.query<{ id: number }>(
      'INSERT INTO planning_layers (name, kind) VALUES ($1, $2) RETURNING id',
      [name.trim(), kind],
    )
    const layer = await db.query(`SELECT ${LAYER_COLUMNS} FROM planning_layers l WHERE l.id = $1`, [rows[0]!.id])
    res.status(201).json(layer.rows[0])
  })

  /** The current zones of a layer as GeoJSON (EPSG:4490), optionally within a bbox. */
  router.get('/api/layers/:id/zones', async (req, res) => {
    requireAction(req, 'layer.read')
    const id = Number(req.params.id)
    const layer = await db.query<{ version: number }>(
      'SELECT version FROM planning_layers WHERE id = $1 AND deleted_at IS NULL',
      [Number.isInteger(id) ? id : 0],
    )
    if (!layer.rows[0]) throw new AppError('not_found', { what: `layer ${req.params.id}` })
    const where = new Where().add('z.layer_id = ?', id).add('z.layer_version = ?', layer.rows[0].version)
    const bbox = typeof req.query.bbox === 'string' ? req.query.bbox.split(',').map(Number) : undefined
    if (bbox) {
      if (bbox.length !== 4 || !bbox.every(Number.isFinite)) {
        throw new AppError('invalid_parameter', { field: 'bbox', value: String(req.query.bbox), reason: 'minLon,minLat,maxLon,maxLat' })
      }
      where.add('z.geom && ST_MakeEnvelope(?, ?, ?, ?, 4490)', ...bbox)
    }
    const { rows } = await db.query<{ id: number; class: string; name: string | null; code: string | null; attributes: object; geometry: string }>(
      `SELECT z.id, z.class, z.name, z.code, z.attributes, ST_AsGeoJSON(z.geom, ${ZONE_DECIMALS}, 0) AS geometry
       FROM zones z ${where} ORDER BY z.id`,
      where.params,
    )
    const features = rows.map(({ geometry, attributes, ...zone }) =>
      `{"type":"Feature","id":${zone.id},"geometry":${geometry},"properties":${JSON.stringify({ ...attributes, ...zone, layer_id: id })}}`,
    )
    res.type('application/geo+json').send(`{"type":"FeatureCollection","srid":4490,"features":[${features.join(',')}]}`)
  })

  return router
}

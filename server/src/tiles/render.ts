// One vector tile of one collection. PostGIS picks the features on the GiST
// index, simplifies them to half a tile unit and clips them to the tile and
// its buffer, in EPSG:4490 degrees; encode.ts projects and encodes in the
// server, the same for both drivers.
import type { Geometry } from 'geojson'
import type { User } from '../auth/roles.ts'
import type { Db } from '../db/db.ts'
import { labelPoint } from '../domain/label-point.ts'
import { tileProperties, type Row, type Source, type TileProperties } from '../ogc/collections.ts'
import { Where } from '../parcels/list.ts'
import { encodeTile, tileFeatures, type TileFeature } from './encode.ts'
import { EXTENT, project, tileBounds, unitDegrees, type TileId } from './grid.ts'

/** Tile units (4096 a side) under which an area is left out: half a pixel of a 512-pixel tile. */
const MIN_FEATURE_UNITS = 4
/**
 * Below POINT_ZOOM, an area of a source with `smallAsPoints` under this many
 * tile units across (4 pixels of a 512-pixel tile) is a point at the centre
 * of its box: a parcel of a few 亩 stays in sight at district zoom, and the
 * tile needs no outline of it (at zoom 10, parcels under ~250 m).
 */
const POINT_UNITS = 32
export const POINT_ZOOM = 14
/** From this zoom on a tile carries every tile field; below, only what a map colours by. */
export const FULL_PROPERTIES_ZOOM = 12
/** From this zoom on a source with `labelPoints` has a second layer, `<id>-labels`: a point per area. */
export const LABEL_ZOOM = 14

/** Narrows a tile's features beyond the source's scope: the filters of the tile's query. */
export type TileFilter = (where: Where) => void

type TileRow = Row & { tile_geometry: string | null; centre_x: number; centre_y: number }

export async function renderTile(
  db: Db, user: User, source: Source, tile: TileId, filter?: TileFilter,
): Promise<Uint8Array> {
  const [minLon, minLat, maxLon, maxLat] = tileBounds(tile)
  const unit = unitDegrees(tile.z)
  const where = new Where()
  source.scope(where, user)
  filter?.(where)
  where.add(`${source.geom} && ST_MakeEnvelope(?, ?, ?, ?, 4490)`, minLon, minLat, maxLon, maxLat)
  const g = source.geom
  const asPoints = source.smallAsPoints === true && tile.z < POINT_ZOOM
  // Areas under half a pixel across (of a 512-pixel tile) cannot be seen;
  // leaving them out keeps low zooms of 100,000 parcels small: at zoom 10
  // that is parcels under ~30 m, at zoom 14 under ~2 m. A source drawn as
  // points when small keeps them all, the small ones without an outline.
  const smallest = unit * (asPoints ? POINT_UNITS : MIN_FEATURE_UNITS)
  const n = where.params.length
  const wide = `(ST_Dimension(${g}) < 2 OR ST_XMax(${g}) - ST_XMin(${g}) >= $${n + 6}::float8
      OR ST_YMax(${g}) - ST_YMin(${g}) >= $${n + 6}::float8)`
  const outline = `ST_AsGeoJSON(ST_ClipByBox2D(ST_Simplify(${g}, $${n + 1}::float8),
        ST_MakeEnvelope($${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, 4490)), 9, 0)`
  const sql = `
    SELECT ${source.columns},
      ${asPoints ? `CASE WHEN ${wide} THEN ${outline} END` : outline} AS tile_geometry,
      (ST_XMin(${g}) + ST_XMax(${g})) / 2 AS centre_x, (ST_YMin(${g}) + ST_YMax(${g})) / 2 AS centre_y
    FROM ${source.from} ${where} ${asPoints ? '' : `AND ${wide}`}
    ORDER BY ${source.idColumn}`
  const params = [...where.params, unit / 2, minLon, minLat, maxLon, maxLat, smallest]
  const rows = await db.transaction(async (tx) => {
    // JIT compiling costs more than a tile query takes (STACK.md)
    if (db.driver === 'postgres') await tx.query('SET LOCAL jit = off')
    return (await tx.query<TileRow>(sql, params)).rows
  })
  // Below zoom 12 names and codes cannot be read on the map; they would be
  // most of a tile's bytes (a zoom-10 tile over 100,000 parcels: ~5 MB).
  const fields = tile.z < FULL_PROPERTIES_ZOOM ? ['id', ...source.styleFields] : source.tileFields
  const features: TileFeature[] = []
  const labels: TileFeature[] = []
  const withLabels = source.labelPoints === true && tile.z >= LABEL_ZOOM
  for (const row of rows) {
    const tags = tileProperties(source, row, fields)
    // a point only in the tile proper: one in the buffer would be drawn by both tiles
    const centre = project(Number(row.centre_x), Number(row.centre_y), tile)
    const centreHere = centre[0] >= 0 && centre[0] < EXTENT && centre[1] >= 0 && centre[1] < EXTENT
    if (row.tile_geometry !== null) {
      const geometry = JSON.parse(row.tile_geometry) as Geometry
      features.push(...tileFeatures(row.id, geometry, tags, tile))
      if (withLabels && centreHere) labels.push(...labelFeature(row.id, geometry, tags, tile))
    } else if (asPoints && centreHere) {
      features.push({ id: row.id, type: 1, geometry: [centre], tags })
    }
  }
  return encodeTile(withLabels ? { [source.id]: features, [`${source.id}-labels`]: labels } : { [source.id]: features })
}

/**
 * One point inside an area for its label, in the tile that holds the centre
 * of the area's box: an area across tiles is labelled once. Computed from
 * the clipped outline (the whole area when it fits the tile and its buffer),
 * so both databases give the same point.
 */
function labelFeature(id: number, geometry: Geometry, tags: TileProperties, tile: TileId): TileFeature[] {
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') return []
  const point = labelPoint(geometry)
  if (!point) return []
  return [{ id, type: 1, geometry: [project(point[0]!, point[1]!, tile)], tags }]
}

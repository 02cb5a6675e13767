// One vector tile of one collection. PostGIS picks the features on the GiST
// index, simplifies them to half a tile unit and clips them to the tile and
// its buffer, in EPSG:4490 degrees; encode.ts projects and encodes in the
// server, the same for both drivers.
import type { Geometry } from 'geojson'
import type { User } from '../auth/roles.ts'
import type { Db } from '../db/db.ts'
import { tileProperties, type Row, type Source } from '../ogc/collections.ts'
import { Where } from '../parcels/list.ts'
import { encodeTile, tileFeatures, type TileFeature } from './encode.ts'
import { tileBounds, unitDegrees, type TileId } from './grid.ts'

/** Tile units (4096 a side) under which an area is left out: half a pixel of a 512-pixel tile. */
const MIN_FEATURE_UNITS = 4
/** From this zoom on a tile carries every tile field; below, only what a map colours by. */
export const FULL_PROPERTIES_ZOOM = 12

export async function renderTile(db: Db, user: User, source: Source, tile: TileId): Promise<Uint8Array> {
  const [minLon, minLat, maxLon, maxLat] = tileBounds(tile)
  const unit = unitDegrees(tile.z)
  const where = new Where()
  source.scope(where, user)
  where.add(`${source.geom} && ST_MakeEnvelope(?, ?, ?, ?, 4490)`, minLon, minLat, maxLon, maxLat)
  // Areas under half a pixel across (of a 512-pixel tile) cannot be seen;
  // leaving them out keeps low zooms of 100,000 parcels small: at zoom 10
  // that is parcels under ~30 m, at zoom 14 under ~2 m.
  const smallest = unit * MIN_FEATURE_UNITS
  where.add(
    `(ST_Dimension(${source.geom}) < 2 OR ST_XMax(${source.geom}) - ST_XMin(${source.geom}) >= ?::float8
      OR ST_YMax(${source.geom}) - ST_YMin(${source.geom}) >= ?::float8)`,
    smallest, smallest,
  )
  const n = where.params.length
  const sql = `
    SELECT ${source.columns},
      ST_AsGeoJSON(ST_ClipByBox2D(ST_Simplify(${source.geom}, $${n + 1}::float8),
        ST_MakeEnvelope($${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, 4490)), 9, 0) AS tile_geometry
    FROM ${source.from} ${where}
    ORDER BY ${source.idColumn}`
  const params = [...where.params, unit / 2, minLon, minLat, maxLon, maxLat]
  const rows = await db.transaction(async (tx) => {
    // JIT compiling costs more than a tile query takes (STACK.md)
    if (db.driver === 'postgres') await tx.query('SET LOCAL jit = off')
    return (await tx.query<Row & { tile_geometry: string | null }>(sql, params)).rows
  })
  // Below zoom 12 names and codes cannot be read on the map; they would be
  // most of a tile's bytes (a zoom-10 tile over 100,000 parcels: ~5 MB).
  const fields = tile.z < FULL_PROPERTIES_ZOOM ? ['id', ...source.styleFields] : source.tileFields
  const features: TileFeature[] = []
  for (const row of rows) {
    if (row.tile_geometry === null) continue
    const geometry = JSON.parse(row.tile_geometry) as Geometry
    features.push(...tileFeatures(row.id, geometry, tileProperties(source, row, fields), tile))
  }
  return encodeTile(source.id, features)
}

// A tile encoded by the PostGIS server itself. The features render.ts picked,
// simplified and clipped in degrees are projected to Web Mercator (CGCS2000
// as WGS 84: ST_Transform to 3857 does that), snapped to the tile grid, clipped
// to the buffer and made valid by ST_AsMVTGeom, and encoded by ST_AsMVT, one
// ST_AsMVT a layer (two layers' bytes in a row are a tile with both). The
// embedded PostGIS cannot (built without protobuf-c); encode.ts does the same
// there in the server, and the properties come from each Source's tileSql,
// beside the fields and properties the embedded path uses.
import { ident } from '../db/db.ts'
import type { Source } from '../ogc/collections.ts'
import { BUFFER, EXTENT, type TileId } from './grid.ts'

export type Query = { sql: string; params: unknown[] }

/**
 * The columns a feature's row carries into ST_AsMVT: the feature id, and
 * each tile field by its Source's SQL under the field's name. The id is a
 * column of its own: ST_AsMVT keeps the id column out of the properties, and
 * the properties have an `id` too.
 */
export function mvtColumns(source: Source, fields: readonly string[]): string {
  const columns = fields.map((field) => {
    const sql = source.tileSql[field]
    if (sql === undefined) throw new Error(`tile field ${field} of ${source.id} has no SQL (Source.tileSql)`)
    return `${sql} AS ${ident(field)}`
  })
  return [`${source.idColumn} AS mvt_id`, ...columns].join(', ')
}

/** What the tile holds: its layer, named after the collection, and which points. */
export interface MvtPlan {
  layer: string
  tile: TileId
  /** a row without an outline is a point at the centre of its box (render.ts, pointsQuery) */
  asPoints: boolean
  /** a second layer `<layer>-labels` */
  withLabels: boolean
}

/**
 * The tile of the candidate rows of render.ts (the mvtColumns, the clipped
 * outline `tile_geometry` in degrees or NULL, the centre of the area's box
 * `centre_x`, `centre_y`) as one bytea, `tile`, as encode.ts draws them:
 *
 * - a collection (a finding's piece and line) becomes one feature per kind,
 *   polygons first; ST_AsMVTGeom alone would keep only its polygons;
 * - with `asPoints`, a row without an outline is a point at the centre of its
 *   box, and only when the centre lies in the tile proper: one in the buffer
 *   would be drawn by both tiles;
 * - with labels, the `-labels` layer has a point inside each area whose box
 *   centre lies in the tile proper: ST_PointOnSurface of the area as the tile
 *   has it, snapped to a tile unit (the embedded path's labelPoint is
 *   JavaScript, which cannot run here).
 *
 * Parameters after the candidates': $n+1 z, x, y, the extent, the buffer,
 * the layer's name and the labels layer's.
 */
export function mvtQuery(candidates: Query, fields: readonly string[], plan: MvtPlan): Query {
  const n = candidates.params.length
  const names = fields.map(ident).join(', ')
  const fromPiece = fields.map((field) => `p.${ident(field)}`).join(', ')
  const extent = `$${n + 4}::int`
  const encode = (name: number, rows: string) =>
    `coalesce((SELECT ST_AsMVT(t, $${name}::text, ${extent}, 'geom', 'mvt_id' ORDER BY t.mvt_id, ST_Dimension(t.geom) DESC)
      FROM (${rows}) t), '')`
  const drawn = plan.asPoints ? '(outlined OR centre_here)' : 'outlined'
  const areas = encode(n + 6, `SELECT ${names}, mvt_id, geom FROM feature WHERE geom IS NOT NULL AND ${drawn}`)
  const labels = encode(n + 7, `
    SELECT ${names}, mvt_id, ST_SnapToGrid(ST_PointOnSurface(geom), 1) AS geom
    FROM feature WHERE outlined AND centre_here AND ST_Dimension(geom) = 2`)
  const sql = `
    -- planned on their own, as for the embedded encoder: inlined under the costly
    -- ST_Transform, a zoom-12 tile of a few hundred rows went to parallel workers
    WITH candidate AS MATERIALIZED (${candidates.sql}),
    piece AS (${pieces('candidate')}),
    feature AS (
      SELECT ${fromPiece}, p.mvt_id, p.part IS NOT NULL AS outlined,
        centre.x >= 0 AND centre.x < ${extent} AND centre.y >= 0 AND centre.y < ${extent} AS centre_here,
        CASE WHEN p.part IS NULL THEN ST_MakePoint(centre.x, centre.y) ELSE ${tileUnits('p.part', n)} END AS geom
      FROM piece p
      -- the box centre in tile units, where a point is drawn and which tile labels the area
      CROSS JOIN LATERAL (SELECT ${unitsX('p.centre_x', n)} AS x, ${unitsY('p.centre_y', n)} AS y) centre
    )
    SELECT ${plan.withLabels ? `${areas} || ${labels}` : areas} AS tile`
  const { tile, layer } = plan
  const params = [...candidates.params, tile.z, tile.x, tile.y, EXTENT, BUFFER, layer]
  return { sql, params: plan.withLabels ? [...params, `${layer}-labels`] : params }
}

/**
 * An outline of EPSG:4490 in the tile's units, y down: projected, snapped,
 * clipped to the tile and its buffer and made valid.
 */
const tileUnits = (g: string, n: number) =>
  `ST_AsMVTGeom(ST_Transform(${g}, 3857), ST_TileEnvelope($${n + 1}::int, $${n + 2}::int, $${n + 3}::int), ` +
  `$${n + 4}::int, $${n + 5}::int, true)`

// A point's tile units (y down) by grid.ts project's own arithmetic, which is
// ST_Transform's spherical Mercator: the thinned points and the tile that
// labels an area are then those of the embedded encoder to the unit. And it
// keeps the planner's estimate low: ST_Transform is costed 10,000 per call,
// and two per row would make a dense zoom-14 tile's plan dear enough to be
// compiled by JIT, which runs on there (render.ts, PLAIN_QUERY_ZOOM).
const unitsX = (lon: string, n: number) =>
  `floor(((${lon} + 180) / 360 * power(2, $${n + 1}::int) - $${n + 2}::int) * $${n + 4}::int + 0.5)`
const unitsY = (lat: string, n: number) =>
  `floor(((1 - ln(tan(radians(${lat})) + 1 / cos(radians(${lat}))) / pi()) / 2 * power(2, $${n + 1}::int) - $${n + 3}::int) * $${n + 4}::int + 0.5)`

/**
 * The rows of `from` with their outline `part`: the outline itself, or when
 * a collection each of its kinds (3 polygons, 2 lines, 1 points); a row
 * without an outline keeps a NULL part. A union rather than a lateral
 * unnest, which the planner takes for ten parts a row.
 */
const pieces = (from: string) => `
  SELECT c.*, c.tile_geometry AS part FROM ${from} c
  WHERE GeometryType(c.tile_geometry) IS DISTINCT FROM 'GEOMETRYCOLLECTION'
  UNION ALL
  SELECT c.*, ST_CollectionExtract(c.tile_geometry, k.mvt_kind) FROM ${from} c CROSS JOIN (VALUES (3), (2), (1)) k (mvt_kind)
  WHERE GeometryType(c.tile_geometry) = 'GEOMETRYCOLLECTION'`

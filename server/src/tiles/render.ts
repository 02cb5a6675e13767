// One vector tile of one collection. PostGIS picks the features on the GiST
// index, simplifies them to half a tile unit and clips them to the tile and
// its buffer, in EPSG:4490 degrees, by the same SQL on both drivers; then
// they part. The PostGIS server projects and encodes the tile itself with
// ST_AsMVTGeom and ST_AsMVT (mvt.ts). The embedded PostGIS is built without
// protobuf-c, so there the rows come back as GeoJSON and encode.ts projects
// and encodes them in the server. Both hold the same features with the same
// properties; outlines may differ only by how each snaps them to the tile
// grid, and each places labels its own way inside the area
// (test/http/ogc-tiles.test.ts compares the two).
import type { Geometry } from 'geojson'
import type { User } from '../auth/roles.ts'
import type { Db } from '../db/db.ts'
import { labelPoint } from '../domain/label-point.ts'
import { tileProperties, type Row, type Source, type TileProperties } from '../ogc/collections.ts'
import { Where } from '../parcels/list.ts'
import { encodeTile, tileFeatures, type TileFeature } from './encode.ts'
import { EXTENT, project, tileBounds, unitDegrees, type TileId } from './grid.ts'
import { mvtColumns, mvtQuery, type Query } from './mvt.ts'

/** Tile units (4096 a side) under which an area is left out: half a pixel of a 512-pixel tile. */
const MIN_FEATURE_UNITS = 4
/**
 * Below POINT_ZOOM, an area of a source with `smallAsPoints` under this many
 * tile units across (8 pixels of a 512-pixel tile, the size of the map's
 * dot) is a point at the centre of its box: a parcel of a few 亩 stays in
 * sight at district zoom, and the tile needs no outline of it (parcels under
 * ~500 m at zoom 10, ~125 m at zoom 12).
 */
const POINT_UNITS = 64
/** The cell small areas are thinned in: 6 pixels, about the map's dot. */
const THIN_UNITS = 48
export const POINT_ZOOM = 14
/** From this zoom on a tile carries every tile field; below, only what a map colours by. */
export const FULL_PROPERTIES_ZOOM = 14
/** From this zoom on a source with `labelPoints` has a second layer, `<id>-labels`: a point per area. */
export const LABEL_ZOOM = 14

/**
 * From this zoom on a tile's query runs on its own, outside a transaction: its
 * plan is too cheap for JIT to start (the densest zoom-14 tile of the
 * 100,000-parcel set is estimated at ~3,100, jit_above_cost is 100,000), so
 * the three round trips of BEGIN, SET LOCAL jit = off and COMMIT are saved,
 * about a fifth of the server's CPU time for a tile (scripts/bench/load.ts).
 */
const PLAIN_QUERY_ZOOM = 14

/** Narrows a tile's features beyond the source's scope: the filters of the tile's query. */
export type TileFilter = (where: Where) => void

type TileRow = Row & { tile_geometry: string | null; centre_x: number; centre_y: number }

/** What a tile of a source holds at its zoom. */
interface TilePlan {
  /** small areas as thinned points */
  asPoints: boolean
  /** every tile field, or only those a map colours by */
  full: boolean
  /**
   * The tile fields. Below zoom 14 names and codes cannot be read on the map
   * (the map labels parcels from zoom 15); they would be most of a tile's
   * bytes (a zoom-12 tile over 100,000 parcels: ~2 MB).
   */
  fields: readonly string[]
  /** a second layer `<id>-labels` */
  withLabels: boolean
}

function tilePlan(source: Source, tile: TileId): TilePlan {
  const full = tile.z >= FULL_PROPERTIES_ZOOM
  return {
    asPoints: source.smallAsPoints !== undefined && tile.z < POINT_ZOOM,
    full,
    fields: full ? source.tileFields : ['id', ...source.styleFields],
    withLabels: source.labelPoints === true && tile.z >= LABEL_ZOOM,
  }
}

export async function renderTile(
  db: Db, user: User, source: Source, tile: TileId, filter?: TileFilter,
): Promise<Uint8Array> {
  const where = new Where()
  source.scope(where, user)
  filter?.(where)
  const plan = tilePlan(source, tile)
  return db.driver === 'postgres' ? serverTile(db, source, where, tile, plan) : embeddedTile(db, source, where, tile, plan)
}

/** The PostGIS server's tile, encoded by ST_AsMVT (mvt.ts): its bytes are served as they come. */
async function serverTile(db: Db, source: Source, where: Where, tile: TileId, plan: TilePlan): Promise<Uint8Array> {
  const reading = { columns: mvtColumns(source, plan.fields), geojson: false }
  const candidates = featuresQuery(source, where, tile, plan.asPoints, reading)
  const query = mvtQuery(candidates, plan.fields, { layer: source.id, tile, asPoints: plan.asPoints, withLabels: plan.withLabels })
  const [row] = await runQuery<{ tile: Uint8Array }>(db, tile, plan.asPoints, query)
  return row!.tile
}

/** The embedded database's tile: its rows projected and encoded here (encode.ts). */
async function embeddedTile(db: Db, source: Source, where: Where, tile: TileId, plan: TilePlan): Promise<Uint8Array> {
  const query = featuresQuery(source, where, tile, plan.asPoints, { columns: columns(source, plan.full), geojson: true })
  return encodeRows(await runQuery<TileRow>(db, tile, plan.asPoints, query), source, tile, plan)
}

/** Runs a tile's query: from zoom 14 on by itself, below in a transaction with its settings. */
async function runQuery<R>(db: Db, tile: TileId, asPoints: boolean, { sql, params }: Query): Promise<R[]> {
  if (tile.z >= PLAIN_QUERY_ZOOM) return (await db.query<R>(sql, params)).rows
  return db.transaction(async (tx) => {
    // JIT compiling costs more than a tile query takes (STACK.md)
    if (db.driver === 'postgres') await tx.query('SET LOCAL jit = off')
    // thinning 56,000 parcels of a zoom-10 tile sorts ~3 MB, which the default 4 MB spills to disk
    if (asPoints) await tx.query(`SET LOCAL work_mem = '32MB'`)
    return (await tx.query<R>(sql, params)).rows
  })
}

/** The features of the embedded database's rows, and their tile. */
function encodeRows(rows: TileRow[], source: Source, tile: TileId, plan: TilePlan): Uint8Array {
  const features: TileFeature[] = []
  const labels: TileFeature[] = []
  for (const row of rows) {
    const tags = tileProperties(source, row, plan.fields)
    // a point only in the tile proper: one in the buffer would be drawn by both tiles
    const centre = project(Number(row.centre_x), Number(row.centre_y), tile)
    const centreHere = centre[0] >= 0 && centre[0] < EXTENT && centre[1] >= 0 && centre[1] < EXTENT
    if (row.tile_geometry !== null) {
      const geometry = JSON.parse(row.tile_geometry) as Geometry
      features.push(...tileFeatures(row.id, geometry, tags, tile))
      if (plan.withLabels && centreHere) labels.push(...labelFeature(row.id, geometry, tags, tile))
    } else if (plan.asPoints && centreHere) {
      features.push({ id: row.id, type: 1, geometry: [centre], tags })
    }
  }
  return encodeTile(plan.withLabels ? { [source.id]: features, [`${source.id}-labels`]: labels } : { [source.id]: features })
}

/** The SQL of a box [minLon, minLat, maxLon, maxLat] from four parameters starting at $n. */
const envelope = (n: number) => `ST_MakeEnvelope($${n}, $${n + 1}, $${n + 2}, $${n + 3}, 4490)`

/**
 * An area simplified to half a tile unit and clipped to the tile and its
 * buffer, as GeoJSON or a geometry: $n the tolerance, $n+1… the box.
 */
const outline = (g: string, n: number, geojson: boolean) => {
  const clipped = `ST_ClipByBox2D(ST_Simplify(${g}, $${n}::float8), ${envelope(n + 1)})`
  return geojson ? `ST_AsGeoJSON(${clipped}, 9, 0)` : clipped
}

/** True for a point or line, or an area at least $n degrees across. */
const wide = (g: string, n: number) =>
  `(ST_Dimension(${g}) < 2 OR ST_XMax(${g}) - ST_XMin(${g}) >= $${n}::float8 OR ST_YMax(${g}) - ST_YMin(${g}) >= $${n}::float8)`

const centre = (g: string) =>
  `(ST_XMin(${g}) + ST_XMax(${g})) / 2 AS centre_x, (ST_YMin(${g}) + ST_YMax(${g})) / 2 AS centre_y`

/** The WHERE clause with one more condition (SQL with $n of its own). */
const and = (where: Where, condition: string) =>
  where.conditions.length > 0 ? `${where} AND ${condition}` : `WHERE ${condition}`

const columns = (source: Source, full: boolean) => (source.tile ? source.tile.columns(full) : source.columns)

/**
 * What a tile's query reads of each feature: the columns (the rows the
 * embedded tile's properties are made of, or the server's tile fields,
 * mvtColumns) and the outline as GeoJSON text or as a geometry.
 */
interface Reading {
  columns: string
  geojson: boolean
}

/** The candidate features of a tile: see areasQuery and pointsQuery. */
const featuresQuery = (source: Source, where: Where, tile: TileId, asPoints: boolean, reading: Reading) =>
  (asPoints ? pointsQuery : areasQuery)(source, where, tile, reading)

/**
 * Every feature as its outline. Areas under half a pixel across (of a
 * 512-pixel tile) cannot be seen and are left out: at zoom 14 that is
 * areas under ~2 m.
 */
function areasQuery(source: Source, where: Where, tile: TileId, reading: Reading): Query {
  const unit = unitDegrees(tile.z)
  const n = where.params.length
  const g = source.geom
  const sql = `
    SELECT ${reading.columns}, ${outline(g, n + 1, reading.geojson)} AS tile_geometry, ${centre(g)}
    FROM ${source.from} ${and(where, `${g} && ${envelope(n + 2)} AND ${wide(g, n + 6)}`)}
    ORDER BY ${source.idColumn}`
  return { sql, params: [...where.params, unit / 2, ...tileBounds(tile), unit * MIN_FEATURE_UNITS] }
}

/**
 * Areas big enough to show their shape as outlines, the others as points at
 * the centre of their box, thinned to one point per cell of THIN_UNITS and
 * `keep` value (a parcel's category): the `prefer`red one (a parcel with
 * problems, so its red mark stays), then the lowest id. A zoom-10 tile over
 * 56,000 parcels keeps ~10,000 points, which draw the same picture. The
 * small ones are found by the stored centres of their boxes (migrations 030,
 * 032): their outlines are never read.
 */
function pointsQuery(source: Source, where: Where, tile: TileId, reading: Reading): Query {
  const { keep, prefer, x, y, size } = source.smallAsPoints!
  const unit = unitDegrees(tile.z)
  const n = where.params.length
  const cols = reading.columns
  const cell = `floor(${x} / $${n + 7}::float8), floor(${y} / $${n + 7}::float8)`
  const centreInTile = `${x} BETWEEN $${n + 2} AND $${n + 4} AND ${y} BETWEEN $${n + 3} AND $${n + 5}`
  const sql = `
    -- the small ones whose centre lies in the tile or its buffer, one per cell and kept value
    (SELECT DISTINCT ON (${cell}, ${keep}) ${cols}, NULL AS tile_geometry, ${x} AS centre_x, ${y} AS centre_y
     FROM ${source.from} ${and(where, `${centreInTile} AND ${size} < $${n + 6}::float8`)}
     ORDER BY ${cell}, ${keep}, ${prefer} DESC, ${source.idColumn})
    UNION ALL
    -- the wide ones as outlines
    SELECT ${cols}, ${outline(source.geom, n + 1, reading.geojson)}, ${x}, ${y}
    FROM ${source.from} ${and(where, `${source.geom} && ${envelope(n + 2)} AND ${size} >= $${n + 6}::float8`)}
    ORDER BY id`
  return { sql, params: [...where.params, unit / 2, ...tileBounds(tile), unit * POINT_UNITS, unit * THIN_UNITS] }
}

/**
 * One point inside an area for its label, in the tile that holds the centre
 * of the area's box: an area across tiles is labelled once. Computed from
 * the clipped outline (the whole area when it fits the tile and its buffer),
 * as the server database's ST_PointOnSurface is (mvt.ts).
 */
function labelFeature(id: number, geometry: Geometry, tags: TileProperties, tile: TileId): TileFeature[] {
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') return []
  const point = labelPoint(geometry)
  if (!point) return []
  return [{ id, type: 1, geometry: [project(point[0]!, point[1]!, tile)], tags }]
}

// The feature collections the OGC API serves: parcels, each planning layer's
// current zones, occupations and check findings. Each is described once here
// (table, scope, properties, filters, time) and read by the same queries.
import { can, townScope, type Action, type User } from '../auth/roles.ts'
import type { Queryable } from '../db/db.ts'
import type { ChangeSource } from '../tiles/cache.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { m2ToMu } from '../geo/extent.ts'
import { PARCEL_COLUMNS, parcelProperties, type ParcelRow } from '../parcels/feature.ts'
import type { Where } from '../parcels/list.ts'

export type FilterType = 'text' | 'integer' | 'array'

/** A property a client may filter on with `name=value` (equality). */
export interface Filter {
  column: string
  type: FilterType
  description: string
}

export type Row = Record<string, unknown> & { id: number }

/** Primitive values only: what a vector tile can hold. */
export type TileProperties = Record<string, string | number | boolean>

export interface Source {
  id: string
  title: string
  description: string
  action: Action
  /** FROM clause; the geometry column is `geom`, the id column `idColumn`. */
  from: string
  idColumn: string
  geom: string
  columns: string
  /** Adds what every read of the collection is confined to: live rows, the user's town. */
  scope(where: Where, user: User): void
  properties(row: Row): Record<string, unknown>
  /** The properties a vector tile carries: short, primitive, what a map styles and labels by. */
  tileFields: readonly string[]
  /** What a map colours by: all a low-zoom tile carries besides the id. */
  styleFields: readonly string[]
  /**
   * The SQL of each tile field over the source's row, for the tiles the
   * PostGIS server encodes itself with ST_AsMVT (server/src/tiles/mvt.ts):
   * the value tileProperties gives the field in the server, as text, an
   * integer, float8 or boolean (ST_AsMVT leaves NULL out as tileProperties
   * leaves out null, and would spread jsonb into keys of its own). Beside the
   * fields and properties above so the two encoders are described together.
   */
  tileSql: Readonly<Record<string, string>>
  /**
   * What a tile reads, when less than `columns`: the SQL of the columns a
   * tile needs (all its fields, or only the style fields of a low zoom) and
   * the properties made of them. 100,000 parcels make a district's tiles;
   * each column left unread counts there.
   */
  tile?: {
    columns(full: boolean): string
    properties(row: Row): Record<string, unknown>
  }
  /**
   * Small areas become points at low zoom, rather than being left out,
   * thinned to one per few pixels and `keep` value, `prefer` first
   * (server/src/tiles/render.ts). All SQL over the source's row: the centre
   * of the area's box and its larger side, degrees, best stored columns.
   */
  smallAsPoints?: { keep: string; prefer: string; x: string; y: string; size: string }
  /** Close-zoom tiles also carry one label point per area, in a layer `<id>-labels`. */
  labelPoints?: boolean
  /** The tile_changes source of its data: its tiles are then kept in memory until it changes there. */
  changes?: ChangeSource
  filters: Record<string, Filter>
  /** The instant a feature is dated by, for `datetime`; none for planning zones. */
  temporal?: { column: string }
  /** Only parcels can be written (Part 4). */
  writable: boolean
  /** The JSON type of each property, for TileJSON's field list. */
  schema: Record<string, { type: string; description?: string }>
}

const iso = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString())
const round = (value: unknown, digits: number) =>
  typeof value === 'number' ? Number(value.toFixed(digits)) : null

/** A feature's tile fields, nulls left out, arrays as comma-separated text. */
export function tileProperties(source: Source, row: Row, fields = source.tileFields): TileProperties {
  const all = source.tile ? source.tile.properties(row) : source.properties(row)
  const out: TileProperties = {}
  for (const key of fields) {
    const value = all[key]
    if (value === null || value === undefined) continue
    if (Array.isArray(value)) out[key] = value.join(',')
    else if (typeof value === 'object') out[key] = JSON.stringify(value)
    else out[key] = value as string | number | boolean
  }
  return out
}

/**
 * The parcel columns of parcels/feature.ts without its EPSG:4490 GeoJSON:
 * the OGC reads write the geometry in the CRS asked for, and tiles their own.
 */
const PARCEL_ATTRIBUTES = PARCEL_COLUMNS.replace(/,\s*ST_AsGeoJSON\(p\.geom, 9, 0\) AS geometry\s*$/, '')
if (PARCEL_ATTRIBUTES === PARCEL_COLUMNS) throw new Error('PARCEL_COLUMNS no longer ends with its geometry column')

const text = (column: string, description: string): Filter => ({ column, type: 'text', description })
const integer = (column: string, description: string): Filter => ({ column, type: 'integer', description })

export const PARCELS: Source = {
  id: 'parcels',
  title: '地块 Parcels',
  description:
    'Parcels of the three land categories (三类土地), CGCS2000. area_m2 is ellipsoidal on the CGCS2000 ' +
    'ellipsoid, area_mu = area_m2 × 15 / 10000 (亩). Writable through Part 4 with If-Match.',
  action: 'parcel.read',
  from: 'parcels p',
  idColumn: 'p.id',
  geom: 'p.geom',
  columns: PARCEL_ATTRIBUTES,
  scope(where, user) {
    where.add('p.deleted_at IS NULL')
    const town = townScope(user)
    if (town !== null) where.add('p.town = ?', town)
  },
  properties: (row) => parcelProperties(row as unknown as ParcelRow),
  tileFields: ['id', 'code', 'name', 'town', 'village', 'category', 'status', 'problems', 'area_mu', 'version'],
  styleFields: ['category', 'status', 'problems', 'town'],
  tileSql: {
    id: 'p.id', code: 'p.code', name: 'p.name', town: 'p.town', village: 'p.village',
    category: 'p.category', status: 'p.status', version: 'p.version',
    // as tileProperties writes an array
    problems: "array_to_string(p.problems, ',')",
    // as tile.properties below: m2ToMu, to 0.0001 亩
    area_mu: 'round((p.area_m2 * 15 / 10000)::numeric, 4)::float8',
  },
  tile: {
    columns: (full) =>
      full
        ? 'p.id, p.code, p.name, p.town, p.village, p.category, p.status, p.problems, p.area_m2, p.version'
        : 'p.id, p.category, p.status, p.problems, p.town',
    properties: (row) => ({
      ...row,
      // as parcelProperties: 亩 = m² × 15 / 10000, to 0.0001 亩
      area_mu: typeof row.area_m2 === 'number' ? round(m2ToMu(row.area_m2), 4) : null,
    }),
  },
  // the box columns of migration 030
  smallAsPoints: { keep: 'p.category', prefer: 'cardinality(p.problems) > 0', x: 'p.box_x', y: 'p.box_y', size: 'p.box_size' },
  labelPoints: true,
  changes: 'parcels',
  filters: {
    code: text('p.code', '地块编码'),
    town: text('p.town', 'town code (镇街)'),
    village: text('p.village', 'village code (村)'),
    category: text('p.category', 'idle_industrial, collective_construction or intensive_use'),
    subtype: text('p.subtype', 'subtype'),
    status: text('p.status', 'registered, publicized, recovering, recovered or reused'),
    problem: { column: 'p.problems', type: 'array', description: 'one of the problems: encroachment, contract, environment' },
    intended_use: text('p.intended_use', 'intended use'),
  },
  temporal: { column: 'p.updated_at' },
  writable: true,
  schema: {
    id: { type: 'integer' },
    code: { type: 'string', description: '地块编码' },
    name: { type: 'string' },
    town: { type: 'string' },
    village: { type: 'string' },
    category: { type: 'string' },
    subtype: { type: 'string' },
    status: { type: 'string' },
    problems: { type: 'array' },
    ownership: { type: 'string', description: '权属' },
    declared_area_mu: { type: 'number', description: '亩' },
    location: { type: 'string' },
    intended_use: { type: 'string' },
    attributes: { type: 'object' },
    area_m2: { type: 'number', description: 'ellipsoidal, CGCS2000 ellipsoid, m²' },
    area_mu: { type: 'number', description: '亩' },
    version: { type: 'integer' },
    updated_at: { type: 'string' },
    updated_by: { type: 'string' },
  },
}

export const OCCUPATIONS: Source = {
  id: 'occupations',
  title: '占用 Occupations',
  description: 'Surveyed structures and uses on the ground (buildings, sheds, fences, piles, cultivation), CGCS2000.',
  action: 'layer.read',
  from: 'occupations o',
  idColumn: 'o.id',
  geom: 'o.geom',
  // the date as text: node-postgres would make it a Date at local midnight
  columns: 'o.id, o.code, o.kind, o.description, o.surveyed_at::text AS surveyed_at, o.attributes, o.created_at',
  scope(where) {
    where.add('o.deleted_at IS NULL')
  },
  properties: (row) => ({
    id: row.id, code: row.code, kind: row.kind, description: row.description,
    // a survey date, not an instant: YYYY-MM-DD
    surveyed_at: row.surveyed_at,
    attributes: row.attributes, created_at: iso(row.created_at),
  }),
  tileFields: ['id', 'code', 'kind'],
  styleFields: ['kind'],
  tileSql: { id: 'o.id', code: 'o.code', kind: 'o.kind' },
  filters: { code: text('o.code', 'occupation code'), kind: text('o.kind', 'building, shed, fence, pile, cultivation, …') },
  // a survey date stands for its day from 00:00 UTC, whatever the session's time zone
  temporal: { column: "(o.surveyed_at::timestamp AT TIME ZONE 'UTC')" },
  writable: false,
  schema: {
    id: { type: 'integer' }, code: { type: 'string' }, kind: { type: 'string' }, description: { type: 'string' },
    surveyed_at: { type: 'string' }, attributes: { type: 'object' }, created_at: { type: 'string' },
  },
}

export const FINDINGS: Source = {
  id: 'findings',
  title: '检查结果 Findings',
  description:
    'What the checks found, from finished runs: the overlapping or intruding piece itself. area_m2 is ' +
    'ellipsoidal on the CGCS2000 ellipsoid; ratio is the share of the parcel (0–1).',
  action: 'parcel.read',
  from: 'check_findings f JOIN check_runs r ON r.id = f.run_id',
  // bigint: cast so both drivers give a JS number (exact below 2^53)
  idColumn: 'f.id',
  geom: 'f.geom',
  columns: `f.id::float8 AS id, f.run_id, f.kind, f.code, f.severity, f.parcel_id, f.parcel_version,
    f.other_parcel_id, f.occupation_id, f.layer_id, f.zone_id, f.zone_class, f.town, f.village,
    f.area_m2, f.ratio, f.message_zh, f.message_en, r.finished_at, finding_waiver(f) AS waiver`,
  scope(where, user) {
    where.add("r.status = 'done'")
    const town = townScope(user)
    if (town !== null) where.add('f.town = ?', town)
  },
  properties: (row) => ({
    id: row.id, run_id: row.run_id, kind: row.kind, code: row.code, severity: row.severity,
    parcel_id: row.parcel_id, parcel_version: row.parcel_version, other_parcel_id: row.other_parcel_id,
    occupation_id: row.occupation_id, layer_id: row.layer_id, zone_id: row.zone_id, zone_class: row.zone_class,
    town: row.town, village: row.village, area_m2: round(row.area_m2, 2),
    area_mu: typeof row.area_m2 === 'number' ? round(m2ToMu(row.area_m2), 4) : null,
    ratio: round(row.ratio, 4), message_zh: row.message_zh, message_en: row.message_en,
    finished_at: iso(row.finished_at),
    // the live waiver (豁免) with its approval number, approver and date
    waived: row.waiver !== null, waiver: row.waiver ?? null,
  }),
  tileFields: ['id', 'run_id', 'kind', 'code', 'severity', 'parcel_id', 'zone_class', 'area_m2', 'message_zh', 'waived'],
  styleFields: ['kind', 'severity', 'waived'],
  tileSql: {
    id: 'f.id', run_id: 'f.run_id', kind: 'f.kind', code: 'f.code', severity: 'f.severity',
    parcel_id: 'f.parcel_id', zone_class: 'f.zone_class', message_zh: 'f.message_zh',
    // as properties above: m² to 0.01, waived while a live waiver holds
    area_m2: 'round(f.area_m2::numeric, 2)::float8',
    waived: 'finding_waiver(f) IS NOT NULL',
  },
  filters: {
    run_id: integer('f.run_id', 'the check run'),
    parcel_id: integer('f.parcel_id', 'the parcel'),
    kind: text('f.kind', 'overlap, encroachment, area or geometry'),
    code: text('f.code', 'the finer reason'),
    severity: text('f.severity', 'info, warning or conflict'),
    zone_class: text('f.zone_class', 'zone class'),
    town: text('f.town', 'town code'),
    village: text('f.village', 'village code'),
  },
  temporal: { column: 'r.finished_at' },
  writable: false,
  schema: {
    id: { type: 'integer' }, run_id: { type: 'integer' }, kind: { type: 'string' }, code: { type: 'string' },
    severity: { type: 'string' }, parcel_id: { type: 'integer' }, parcel_version: { type: 'integer' },
    other_parcel_id: { type: 'integer' }, occupation_id: { type: 'integer' }, layer_id: { type: 'integer' },
    zone_id: { type: 'integer' }, zone_class: { type: 'string' }, town: { type: 'string' }, village: { type: 'string' },
    area_m2: { type: 'number', description: 'm², ellipsoidal' }, area_mu: { type: 'number', description: '亩' },
    ratio: { type: 'number' }, message_zh: { type: 'string' }, message_en: { type: 'string' },
    finished_at: { type: 'string' },
    waived: { type: 'boolean', description: 'exempted (豁免) with an approval number' },
    waiver: { type: 'object', description: 'approval_number, approver, approved_on, reason, recorded_by, recorded_at' },
  },
}

export interface LayerInfo {
  id: number
  name: string
  kind: string
}

/** A road line's class (expressway … township) from its attributes, for a map to draw roads by. */
function roadClass(row: Row): { road_class?: string } {
  const value = (row.attributes as Record<string, unknown> | null)?.road_class
  return typeof value === 'string' ? { road_class: value } : {}
}

/** A planning layer's current zones (the zones of its current version). */
export function layerSource(layer: LayerInfo): Source {
  return {
    id: `layer-${layer.id}`,
    title: layer.name,
    description: `Planning layer ${layer.name} (${layer.kind}): its current zones, CGCS2000.`,
    action: 'layer.read',
    from: 'zones z JOIN planning_layers l ON l.id = z.layer_id AND z.layer_version = l.version',
    idColumn: 'z.id',
    geom: 'z.geom',
    columns: 'z.id, z.class, z.name, z.code, z.attributes, z.layer_id',
    scope(where) {
      where.add('l.id = ?', layer.id).add('l.deleted_at IS NULL')
    },
    properties: (row) => ({
      id: row.id, class: row.class, name: row.name, code: row.code, layer_id: row.layer_id, attributes: row.attributes,
      ...roadClass(row),
    }),
    changes: 'zones',
    tileFields: ['id', 'class', 'name', 'code', 'layer_id', 'road_class'],
    styleFields: ['class', 'layer_id', 'road_class'],
    tileSql: {
      id: 'z.id', class: 'z.class', name: 'z.name', code: 'z.code', layer_id: 'z.layer_id',
      // as roadClass: only a text value
      road_class: "CASE WHEN jsonb_typeof(z.attributes -> 'road_class') = 'string' THEN z.attributes ->> 'road_class' END",
    },
    filters: { class: text('z.class', 'zone class'), code: text('z.code', 'zone code'), name: text('z.name', 'zone name') },
    writable: false,
    schema: {
      id: { type: 'integer' }, class: { type: 'string' }, name: { type: 'string' }, code: { type: 'string' },
      layer_id: { type: 'integer' }, attributes: { type: 'object' },
      road_class: { type: 'string', description: 'of a road line: expressway, national, provincial, county or township' },
    },
  }
}

/** The planning layers in use, for the collection list. */
export async function listLayers(db: Queryable): Promise<LayerInfo[]> {
  const { rows } = await db.query<LayerInfo>(
    'SELECT id, name, kind FROM planning_layers WHERE deleted_at IS NULL ORDER BY id',
  )
  return rows
}

/** Every collection the user may read, in the order the landing page lists them. */
export async function readableSources(db: Queryable, user: User): Promise<Source[]> {
  const layers = can(user, 'layer.read') ? (await listLayers(db)).map(layerSource) : []
  return [PARCELS, ...layers, OCCUPATIONS, FINDINGS].filter((s) => can(user, s.action))
}

/** The collection of an id in the URL, or 404; the user must be allowed to read it. */
export async function findSource(db: Queryable, user: User, id: string): Promise<Source> {
  const fixed = [PARCELS, OCCUPATIONS, FINDINGS].find((s) => s.id === id)
  let source = fixed
  const layer = /^layer-(\d{1,9})$/.exec(id)
  if (!source && layer) {
    const { rows } = await db.query<LayerInfo>(
      'SELECT id, name, kind FROM planning_layers WHERE id = $1 AND deleted_at IS NULL',
      [Number(layer[1])],
    )
    if (rows[0]) source = layerSource(rows[0])
  }
  if (!source) throw new AppError('not_found', { what: `collection ${quote(id)}` })
  if (!can(user, source.action)) throw new AppError('forbidden', { role: user.role, action: source.action })
  return source
}

/**
 * The current zones of every planning layer at once: the `zones` tile layer
 * of API.md, for a map that draws the whole plan from one source.
 */
export const ALL_ZONES: Source = {
  ...layerSource({ id: 0, name: '规划分区 Planning zones', kind: 'all' }),
  id: 'zones',
  description: 'The current zones of every planning layer, CGCS2000.',
  scope(where) {
    where.add('l.deleted_at IS NULL')
  },
}

/** A tile layer of /tiles: any collection, or `zones` for all planning layers. */
export async function findTileSource(db: Queryable, user: User, id: string): Promise<Source> {
  if (id !== ALL_ZONES.id) return findSource(db, user, id)
  if (!can(user, ALL_ZONES.action)) throw new AppError('forbidden', { role: user.role, action: ALL_ZONES.action })
  return ALL_ZONES
}

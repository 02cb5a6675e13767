import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Db, Queryable } from '../db/db.ts'
import { log } from '../log.ts'

/** The planning layers of data-samples/layers/, with their names and kinds. */
export const SAMPLE_LAYERS = [
  { file: 'basic_farmland.geojson', name: '永久基本农田', kind: 'three_zones' },
  { file: 'ecological_redline.geojson', name: '生态保护红线', kind: 'three_zones' },
  { file: 'urban_boundary.geojson', name: '城镇开发边界', kind: 'three_zones' },
  { file: 'river_area.geojson', name: '河道管理范围', kind: 'water' },
  { file: 'sea_area.geojson', name: '海域', kind: 'sea' },
  // Lines: roads keep their road_class among the attributes, from which the
  // road building-control zones are derived.
  { file: 'roads.geojson', name: '公路', kind: 'roads', lineClass: 'road' },
  { file: 'rivers.geojson', name: '河流', kind: 'rivers', lineClass: 'river' },
] as const satisfies readonly { file: string; name: string; kind: string; lineClass?: string }[]

interface FeatureCollection {
  features: { properties: Record<string, unknown>; geometry: unknown }[]
}

function read(dir: string, file: string): FeatureCollection {
  return JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as FeatureCollection
}

// Each statement takes the whole FeatureCollection as one jsonb parameter and
// unpacks it in SQL: one round trip per file instead of one per feature.
const FEATURES = `jsonb_array_elements($1::jsonb -> 'features') AS f`
const GEOM = `ST_SetSRID(ST_GeomFromGeoJSON(f -> 'geometry'), 4490)`
const PROP = (name: string) => `(f -> 'properties' ->> '${name}')`

export async function isEmpty(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>('SELECT (SELECT count(*) FROM towns)::int AS n')
  return rows[0]?.n === 0
}

/** Loads the Jimo sample district into an empty database, in one transaction. */
export async function loadSamples(db: Db, dir: string): Promise<Record<string, number>> {
  if (!existsSync(path.join(dir, 'parcels.geojson'))) {
    throw new Error(`no sample data in ${dir}: run "npm run samples" to generate it`)
  }
  const started = Date.now()
  const counts = await db.transaction(async (tx) => ({
    district: await loadDistrict(tx, read(dir, 'district.geojson')),
    towns: await loadTowns(tx, read(dir, 'towns.geojson')),
    villages: await loadVillages(tx, read(dir, 'villages.geojson')),
    zones: await loadLayers(tx, dir),
    parcels: await loadParcels(tx, read(dir, 'parcels.geojson')),
    occupations: await loadOccupations(tx, read(dir, 'occupations.geojson')),
  }))
  log.info('sample district loaded', { ...counts, dir, ms: Date.now() - started })
  return counts
}

async function loadDistrict(tx: Queryable, fc: FeatureCollection): Promise<number> {
  const { rowCount } = await tx.query(
    `INSERT INTO district (code, name, geom)
     SELECT ${PROP('code')}, ${PROP('name')}, ST_Multi(${GEOM}) FROM ${FEATURES}`,
    [JSON.stringify(fc)],
  )
  return rowCount
}

async function loadTowns(tx: Queryable, fc: FeatureCollection): Promise<number> {
  const { rowCount } = await tx.query(
    `INSERT INTO towns (code, name, kind, geom)
     SELECT ${PROP('code')}, ${PROP('name')}, ${PROP('kind')}, ST_Multi(${GEOM}) FROM ${FEATURES}`,
    [JSON.stringify(fc)],
  )
  return rowCount
}

async function loadVillages(tx: Queryable, fc: FeatureCollection): Promise<number> {
  const { rowCount } = await tx.query(
    `INSERT INTO villages (code, name, town, kind, geom)
     SELECT ${PROP('code')}, ${PROP('name')}, ${PROP('town')}, ${PROP('kind')}, ST_Multi(${GEOM})
     FROM ${FEATURES}`,
    [JSON.stringify(fc)],
  )
  return rowCount
}

async function loadLayers(tx: Queryable, dir: string): Promise<number> {
  let zones = 0
  for (const layer of SAMPLE_LAYERS) {
    const file = path.join('layers', layer.file)
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO planning_layers (name, kind, source) VALUES ($1, $2, $3) RETURNING id`,
      [layer.name, layer.kind, `data-samples/${file}`],
    )
    const { rowCount } = await tx.query(
      `INSERT INTO zones (layer_id, layer_version, class, name, code, attributes, geom)
       SELECT $2, 1, coalesce(${PROP('class')}, $3), ${PROP('name')}, ${PROP('code')},
              (f -> 'properties') - 'class' - 'name' - 'code', ST_Multi(${GEOM})
       FROM ${FEATURES}`,
      [JSON.stringify(read(dir, file)), rows[0]!.id, 'lineClass' in layer ? layer.lineClass : null],
    )
    zones += rowCount
  }
  return zones
}

async function loadParcels(tx: Queryable, fc: FeatureCollection): Promise<number> {
  await tx.query(`SELECT set_config('jiyuan.change_note', $1, true)`, ['示例数据 sample data'])
  const { rowCount } = await tx.query(
    `INSERT INTO parcels (code, name, town, village, category, subtype, status, problems,
                          ownership, declared_area_mu, location, intended_use, geom)
     SELECT ${PROP('code')}, coalesce(${PROP('name')}, ''), ${PROP('town')}, ${PROP('village')},
            ${PROP('category')}, ${PROP('subtype')}, coalesce(${PROP('status')}, 'registered'),
            coalesce(ARRAY(SELECT jsonb_array_elements_text(f -> 'properties' -> 'problems')), '{}'),
            ${PROP('ownership')}, ${PROP('declared_area_mu')}::double precision,
            ${PROP('location')}, ${PROP('intended_use')}, ST_Multi(${GEOM})
     FROM ${FEATURES}`,
    [JSON.stringify(fc)],
  )
  return rowCount
}

async function loadOccupations(tx: Queryable, fc: FeatureCollection): Promise<number> {
  const { rowCount } = await tx.query(
    `INSERT INTO occupations (code, kind, description, surveyed_at, attributes, geom)
     SELECT ${PROP('code')}, ${PROP('kind')}, ${PROP('description')}, ${PROP('surveyed_at')}::date,
            (f -> 'properties') - 'code' - 'kind' - 'description' - 'surveyed_at', ST_Multi(${GEOM})
     FROM ${FEATURES}`,
    [JSON.stringify(fc)],
  )
  return rowCount
}

import type { Db, Queryable } from '../db/db.ts'
import { log } from '../log.ts'
import { INTRUSION_CLASSES, ROAD_CLASSES } from './kinds.ts'
import type { CheckParams } from './params.ts'
import { runStatement, sql } from './sql.ts'

/** A planning layer at the version a run uses. */
export interface LayerVersion {
  id: number
  name: string
  kind: string
  version: number
}

export const ROAD_CONTROL_LAYER = { name: '公路建筑控制区（由公路派生）', kind: 'road_control' }

// Statements that build zones are split into this many chunks, so none of them
// holds the embedded database (and the event loop with it) for long.
const CHUNKS = 16

// Advisory-lock namespaces (any fixed numbers), so two server processes do
// not derive or prepare the same layer at once.
const DERIVE_LOCK = 370216
const PREPARE_LOCK = 370217

export async function liveLayers(db: Queryable): Promise<LayerVersion[]> {
  const { rows } = await db.query<LayerVersion>(
    'SELECT id, name, kind, version FROM planning_layers WHERE deleted_at IS NULL ORDER BY id',
  )
  return rows
}

interface RoadControlSignature {
  sources: { layer_id: number; version: number }[]
  control_m: Record<string, number>
}

async function roadControlSignature(db: Queryable, params: CheckParams): Promise<RoadControlSignature> {
  const { rows } = await db.query<{ layer_id: number; version: number }>(
    `SELECT DISTINCT l.id AS layer_id, l.version
     FROM planning_layers l
     JOIN zones z ON z.layer_id = l.id AND z.layer_version = l.version
     WHERE l.deleted_at IS NULL AND z.class = 'road' AND GeometryType(z.geom) = 'MULTILINESTRING'
       AND l.id NOT IN (SELECT layer_id FROM check_derived_layers)
     ORDER BY 1`,
  )
  const control_m = Object.fromEntries(ROAD_CLASSES.map((c) => [c, params.road_control_m[c]]))
  return { sources: rows, control_m }
}

/** Whether the 公路建筑控制区 layer has been derived at all. */
export async function hasRoadControl(db: Queryable): Promise<boolean> {
  const { rowCount } = await db.query(`SELECT 1 FROM check_derived_layers WHERE derivation = 'road_control'`)
  return rowCount > 0
}

/**
 * Keeps the derived 公路建筑控制区 layer in step with the road lines and the
 * control distances: rebuilt, as a new layer version, whenever either changed.
 */
export async function ensureRoadControl(db: Db, params: CheckParams): Promise<void> {
  const wanted = await roadControlSignature(db, params)
  // jsonb equality: the stored signature's key order is the database's, not ours
  const current = async (tx: Queryable) =>
    (await tx.query<{ layer_id: number; same: boolean }>(
      `SELECT layer_id, signature = $1::jsonb AS same FROM check_derived_layers WHERE derivation = 'road_control'`,
      [JSON.stringify(wanted)],
    )).rows[0]
  const same = (found: { same: boolean } | undefined) => (found ? found.same : wanted.sources.length === 0)
  if (same(await current(db))) return

  const started = Date.now()
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, 0)', [DERIVE_LOCK])
    const found = await current(tx)
    if (same(found)) return
    const layer = found
      ? (await tx.query<{ id: number; version: number }>(
          `UPDATE planning_layers SET version = version + 1, updated_at = now(), deleted_at = NULL
           WHERE id = $1 RETURNING id, version`,
          [found.layer_id],
        )).rows[0]!
      : (await tx.query<{ id: number; version: number }>(
          `INSERT INTO planning_layers (name, kind, source) VALUES ($1, $2, $3) RETURNING id, version`,
          [ROAD_CONTROL_LAYER.name, ROAD_CONTROL_LAYER.kind, 'derived: road lines and control distances (server/src/checks)'],
        )).rows[0]!
    let written = 0
    for (let chunk = 0; chunk < CHUNKS; chunk++) {
      const [row] = await runStatement<{ n: number }>(tx, 'road-control-zones', [
        layer.id, layer.version, JSON.stringify(wanted.control_m), CHUNKS, chunk,
      ])
      written += row!.n
    }
    await tx.query(
      `INSERT INTO check_derived_layers (layer_id, derivation, signature) VALUES ($1, 'road_control', $2)
       ON CONFLICT (layer_id) DO UPDATE SET signature = excluded.signature, built_at = now()`,
      [layer.id, JSON.stringify(wanted)],
    )
    log.info('road control zones derived', { layer: layer.id, version: layer.version, zones: written, ms: Date.now() - started })
  })
}

/**
 * Builds the working pieces of every layer version not yet prepared: zones
 * dissolved per class for the overlap check, zones one by one for the
 * occupation check. Done once per layer version, shared by all runs.
 */
export async function ensurePrepared(db: Db, layers: readonly LayerVersion[]): Promise<void> {
  const { rows } = await db.query<{ layer_id: number; layer_version: number }>(
    'SELECT layer_id, layer_version FROM check_prepared_layers',
  )
  const done = new Set(rows.map((r) => `${r.layer_id}:${r.layer_version}`))
  const missing = layers.filter((l) => !done.has(`${l.id}:${l.version}`))
  for (const layer of missing) await prepareLayer(db, layer)
  if (missing.length > 0) {
    await db.exec('ANALYZE check_class_parts; ANALYZE check_zone_parts')
    await dropStaleParts(db)
  }
}

async function prepareLayer(db: Db, layer: LayerVersion): Promise<void> {
  const started = Date.now()
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [PREPARE_LOCK, layer.id])
    const again = await tx.query('SELECT 1 FROM check_prepared_layers WHERE layer_id = $1 AND layer_version = $2', [
      layer.id, layer.version,
    ])
    if (again.rowCount > 0) return
    let classParts = 0
    const tiles = await tx.query<{ i: number; j: number }>(sql('layer-tiles'), [layer.id, layer.version])
    for (const { i, j } of tiles.rows) {
      classParts += (await runStatement<{ n: number }>(tx, 'class-parts', [layer.id, layer.version, i, j]))[0]!.n
    }
    let zoneParts = 0
    for (let chunk = 0; chunk < CHUNKS; chunk++) {
      const [row] = await runStatement<{ n: number }>(tx, 'zone-parts', [layer.id, layer.version, INTRUSION_CLASSES, CHUNKS, chunk])
      zoneParts += row!.n
    }
    await tx.query(
      `INSERT INTO check_prepared_layers (layer_id, layer_version, class_parts, zone_parts, build_ms)
       VALUES ($1, $2, $3, $4, $5)`,
      [layer.id, layer.version, classParts, zoneParts, Date.now() - started],
    )
    log.info('planning layer prepared for checks', {
      layer: layer.id, name: layer.name, version: layer.version,
      class_parts: classParts, zone_parts: zoneParts, ms: Date.now() - started,
    })
  })
}

/** Pieces of layer versions that are no longer current and that no unfinished run uses. */
async function dropStaleParts(db: Db): Promise<void> {
  const stale = `
    SELECT s.layer_id, s.layer_version FROM check_prepared_layers s
    LEFT JOIN planning_layers l ON l.id = s.layer_id
    WHERE (l.id IS NULL OR l.deleted_at IS NOT NULL OR l.version <> s.layer_version)
      AND NOT EXISTS (
        SELECT 1 FROM check_runs r
        WHERE r.status IN ('queued', 'running')
          AND r.layers @> jsonb_build_array(jsonb_build_object('id', s.layer_id, 'version', s.layer_version)))`
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ layer_id: number; layer_version: number }>(stale)
    for (const { layer_id, layer_version } of rows) {
      for (const table of ['check_class_parts', 'check_zone_parts', 'check_prepared_layers']) {
        await tx.query(`DELETE FROM ${table} WHERE layer_id = $1 AND layer_version = $2`, [layer_id, layer_version])
      }
    }
  })
}

/**
 * The checks engine on the 100,000-parcel district, timed side by side in the
 * same run with the plain overlap query (a GiST join with ST_Intersects and
 * ST_Intersection per pair), on the PostGIS server and on the embedded database.
 *
 *   npx tsx scripts/bench/checks.ts [--database-url postgres://…] [--skip-embedded] [--skip-server]
 *                                   [--zones 20000] [--rechecks 100]
 *
 * The large set (data-samples/large/, `npx tsx scripts/generate-samples.ts --parcels 100000`)
 * brings about 1,700 zones. To reach the district-scale layer count, a land-use
 * zoning layer (用途分区) is added: a Voronoi partition of the district into the
 * missing number of zones, boundaries with a vertex every 20 m like digitised
 * zones, each zone's class taken from a coarser partition of 400 regions, so
 * zones of one class form contiguous areas as planned land uses do. The same
 * seed gives the same layer on both databases.
 *
 * Figures: the preparation of the planning layers (once per layer version),
 * the plain query, the product's overlap run over the same zones and their
 * ratio; the parcel-against-parcel check of all parcels; the re-check of one
 * saved parcel (50th and 95th percentile); a full run of all four checks.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { Delaunay } from 'd3-delaunay'
import pg from 'pg'
import { createRun, executeRun } from '../../server/src/checks/run.ts'
import { ensurePrepared, ensureRoadControl, liveLayers } from '../../server/src/checks/layers.ts'
import { DEFAULT_PARAMS } from '../../server/src/checks/params.ts'
import { recheckParcel } from '../../server/src/checks/recheck.ts'
import type { CheckKind } from '../../server/src/checks/kinds.ts'
import { ROOT } from '../../server/src/config.ts'
import type { Db } from '../../server/src/db/db.ts'
import { isEmbedded, openEmbedded } from '../../server/src/db/embedded.ts'
import { prepare } from '../../server/src/db/open.ts'
import { openServer } from '../../server/src/db/server.ts'
import { setLogLevel } from '../../server/src/log.ts'
import { loadSamples } from '../../server/src/samples/load.ts'

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres:postgres@localhost/postgres' },
    'skip-embedded': { type: 'boolean', default: false },
    'skip-server': { type: 'boolean', default: false },
    zones: { type: 'string', default: '20000' },
    rechecks: { type: 'string', default: '100' },
  },
})
const LARGE = path.join(ROOT, 'data-samples/large')
const CACHE = path.join(ROOT, 'node_modules/.cache/jiyuan-bench')
const BENCH_DB = 'jiyuan_bench_checks'
const TOTAL_ZONES = Number(values.zones)
const RECHECKS = Number(values.rechecks)
const SEED = 20231
// Land-use zoning classes of the synthetic layer (用途分区).
const ZONING_CLASSES = ['agricultural', 'ecological_control', 'urban_development', 'village_development', 'mining', 'other']
setLogLevel('warn')

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const verdict = (met: boolean) => (met ? 'met' : 'MISSED')
const say = (label: string, value: string) => console.log(`  ${label.padEnd(58)} ${value}`)

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now()
  const result = await work()
  return [result, performance.now() - started]
}

/** A small seeded generator (mulberry32), so both databases get the same layer. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function inside(point: [number, number], rings: number[][][]): boolean {
  let odd = false
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!
      const [xj, yj] = ring[j]!
      if (yi! > point[1] !== yj! > point[1] && point[0] < ((xj! - xi!) * (point[1] - yi!)) / (yj! - yi!) + xi!) odd = !odd
    }
  }
  return odd
}

/** Seed points inside the district, Voronoi cells in Gauss-Krüger metres (EPSG:4549), a class per coarse region. */
async function zoningCells(db: Db, count: number): Promise<{ class: string; code: string; ring: number[][] }[]> {
  const { rows } = await db.query<{ outline: string }>('SELECT ST_AsGeoJSON(ST_Transform(geom, 4549), 2) AS outline FROM district')
  const outline = JSON.parse(rows[0]!.outline) as { coordinates: number[][][][] }
  const rings = outline.coordinates.flat()
  const xs = rings.flat().map((p) => p[0]!)
  const ys = rings.flat().map((p) => p[1]!)
  const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] as const
  const next = random(SEED)
  const points = (n: number) => {
    const found: [number, number][] = []
    while (found.length < n) {
      const p: [number, number] = [box[0] + next() * (box[2] - box[0]), box[1] + next() * (box[3] - box[1])]
      if (inside(p, rings)) found.push(p)
    }
    return found
  }
  const seeds = points(count)
  const regions = Delaunay.from(points(400))
  const voronoi = Delaunay.from(seeds).voronoi([box[0], box[1], box[2], box[3]])
  return seeds.map((seed, i) => ({
    class: ZONING_CLASSES[regions.find(seed[0], seed[1]) % ZONING_CLASSES.length]!,
    code: `YT-${String(i + 1).padStart(5, '0')}`,
    ring: voronoi.cellPolygon(i) as unknown as number[][],
  }))
}

/** Adds the synthetic land-use zoning layer so the district has `TOTAL_ZONES` zones. */
async function addZoningLayer(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM zones')
  const missing = TOTAL_ZONES - rows[0]!.n
  if (missing <= 0) return 0
  const cells = await zoningCells(db, missing)
  const layer = await db.query<{ id: number }>(
    `INSERT INTO planning_layers (name, kind, source) VALUES ('用途分区（基准测试）', 'land_use_zoning', 'scripts/bench/checks.ts') RETURNING id`,
  )
  for (let i = 0; i < cells.length; i += 2000) {
    // clipped to the district and given a vertex every 20 m in Gauss-Krüger metres, then stored in EPSG:4490
    await db.query(
      `INSERT INTO zones (layer_id, layer_version, class, code, geom)
       SELECT $2, 1, c ->> 'class', c ->> 'code',
              ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(ST_Segmentize(
                ST_Intersection(ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY(
                  SELECT ST_MakePoint((p ->> 0)::float8, (p ->> 1)::float8) FROM jsonb_array_elements(c -> 'ring') AS p))), 4549),
                  (SELECT ST_Transform(geom, 4549) FROM district)), 20), 4490)), 3))
       FROM jsonb_array_elements($1::jsonb) AS c`,
      [JSON.stringify(cells.slice(i, i + 2000)), layer.rows[0]!.id],
    )
  }
  await db.exec(`DELETE FROM zones WHERE ST_IsEmpty(geom); ANALYZE zones`)
  return cells.length
}

async function freshServerDb(url: string): Promise<Db> {
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${BENCH_DB}`)
  await admin.end()
  const target = new URL(url)
  target.pathname = `/${BENCH_DB}`
  return openServer(target.toString())
}

/** The embedded database with the large set and the zoning layer, from a cached data directory when there is one. */
async function embeddedDb(): Promise<Db> {
  // the data and the schema it was built with
  const hash = createHash('sha256').update(`${readFileSync(path.join(LARGE, 'parcels.geojson')).length} ${TOTAL_ZONES} ${SEED}`)
  const migrations = path.join(ROOT, 'server/src/db/migrations')
  for (const name of readdirSync(migrations).sort()) hash.update(readFileSync(path.join(migrations, name)))
  const digest = hash.digest('hex').slice(0, 12)
  const file = path.join(CACHE, `checks-embedded-${digest}.tar`)
  if (existsSync(file)) {
    const db = await openEmbedded({ loadDataDir: new Blob([readFileSync(file)]) })
    await prepare(db)
    return db
  }
  const db = await openEmbedded({})
  await fill(db, 'embedded')
  if (!isEmbedded(db)) throw new Error('expected the embedded driver')
  mkdirSync(CACHE, { recursive: true })
  writeFileSync(`${file}.part`, Buffer.from(await (await db.dump()).arrayBuffer()))
  renameSync(`${file}.part`, file)
  return db
}

async function fill(db: Db, label: string): Promise<void> {
  await prepare(db)
  const [counts, loadMs] = await timed(() => loadSamples(db, LARGE))
  const [added, zoningMs] = await timed(() => addZoningLayer(db))
  await db.query(`INSERT INTO users (username, password_hash, role) VALUES ('bench', 'scrypt$1$1$1$x$x', 'admin')`)
  await db.exec('VACUUM ANALYZE')
  say(`${label}: loaded ${counts.parcels} parcels, ${counts.zones} zones`, seconds(loadMs))
  say(`${label}: added the zoning layer (${added} zones)`, seconds(zoningMs))
}

/** The plain query over the same zones the product uses: every polygonal zone of a current layer version. */
async function plainQuery(db: Db): Promise<{ pairs: number; ms: number }> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT set_config('jit', 'off', true)`)
    const [, ms] = await timed(() =>
      tx.query(
        `CREATE TEMP TABLE plain_overlaps ON COMMIT DROP AS
         SELECT p.id AS parcel_id, z.id AS zone_id, ST_Intersection(p.geom, z.geom) AS piece,
                ST_Area(ST_Intersection(p.geom, z.geom)::geography) AS area_m2
         FROM parcels p
         JOIN zones z ON ST_Intersects(p.geom, z.geom)
         JOIN planning_layers l ON l.id = z.layer_id AND l.version = z.layer_version AND l.deleted_at IS NULL
         WHERE p.deleted_at IS NULL AND GeometryType(z.geom) = 'MULTIPOLYGON'`,
      ),
    )
    // counted apart: PGlite reports no row count for CREATE TABLE … AS
    const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM plain_overlaps')
    return { pairs: rows[0]!.n, ms }
  })
}

async function productRun(db: Db, kinds: CheckKind[]) {
  const runId = await createRun(db, { kinds, scope: { type: 'district' }, params: DEFAULT_PARAMS, trigger: 'request', userId: null })
  const [, ms] = await timed(() => executeRun(db, runId))
  const { rows } = await db.query<{ status: string; error: string | null; findings: number; timings: Record<string, number> }>(
    'SELECT status, error, findings, timings FROM check_runs WHERE id = $1',
    [runId],
  )
  const run = rows[0]!
  if (run.status !== 'done') throw new Error(`run ${runId} ${run.status}: ${run.error}`)
  return { ms, findings: run.findings, timings: run.timings }
}

async function rechecks(db: Db): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM parcels WHERE deleted_at IS NULL ORDER BY md5(id::text || 'bench') LIMIT $1`,
    [RECHECKS],
  )
  const bench = await db.query<{ id: number }>(`SELECT id FROM users WHERE username = 'bench'`)
  const user = { id: bench.rows[0]!.id, username: 'bench', displayName: null, role: 'admin' as const, town: null }
  const times: number[] = []
  for (const { id } of rows) {
    const [summary, ms] = await timed(() => recheckParcel(db, user, id))
    if (summary?.status !== 'done') throw new Error(`re-check of parcel ${id}: ${JSON.stringify(summary)}`)
    times.push(ms)
  }
  return times.sort((a, b) => a - b)
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

async function bench(label: string, db: Db): Promise<void> {
  const { rows } = await db.query<{ parcels: number; zones: number }>(
    `SELECT (SELECT count(*) FROM parcels)::int AS parcels, (SELECT count(*) FROM zones)::int AS zones`,
  )
  console.log(`\n${label}: ${rows[0]!.parcels} parcels, ${rows[0]!.zones} zones before derivation`)

  // Once per layer version: the derived road-control layer, then every layer's working pieces.
  const [, deriveMs] = await timed(() => ensureRoadControl(db, DEFAULT_PARAMS))
  const [, prepareMs] = await timed(async () => ensurePrepared(db, await liveLayers(db)))
  say('derive 公路建筑控制区 from the road lines (once)', seconds(deriveMs))
  say('prepare the planning layers: dissolve, subdivide (once)', seconds(prepareMs))

  const plain = await plainQuery(db)
  say(`plain query: GiST join, ST_Intersection per pair (${plain.pairs} pairs)`, seconds(plain.ms))
  const overlap = await productRun(db, ['overlap'])
  say(`product: overlap run, findings written (${overlap.findings})`, seconds(overlap.ms))
  say('  of which parcels within one tile column', seconds(overlap.timings.overlap_local ?? 0))
  say('  of which parcels across tile-column edges', seconds(overlap.timings.overlap_across ?? 0))
  const ratio = plain.ms / overlap.ms
  say('ratio plain / product (target ≥ 3)', `${ratio.toFixed(2)} × ${verdict(ratio >= 3)}`)
  say('ratio plain / (product + preparation)', `${(plain.ms / (overlap.ms + deriveMs + prepareMs)).toFixed(2)} ×`)

  const pairs = await productRun(db, ['encroachment'])
  const pairsMs = pairs.timings.parcels ?? 0
  say('parcel against parcel, all parcels (target < 10 s)', `${seconds(pairsMs)} ${verdict(pairsMs < 10_000)}`)
  say('  encroachment run in all, occupations included', seconds(pairs.ms))

  const times = await rechecks(db)
  say(`re-check of one saved parcel, ${times.length} parcels: median`, `${percentile(times, 50).toFixed(1)} ms`)
  const p95 = percentile(times, 95)
  say('  95th percentile (target < 50 ms)', `${p95.toFixed(1)} ms ${verdict(p95 < 50)}`)
  say('  slowest', `${times.at(-1)!.toFixed(1)} ms`)

  const full = await productRun(db, ['overlap', 'encroachment', 'area', 'geometry'])
  say(`full run, all four checks (${full.findings} findings)`, seconds(full.ms))
  say('  steps', Object.entries(full.timings).map(([step, ms]) => `${step} ${seconds(ms)}`).join(', '))
}

async function main(): Promise<void> {
  if (!existsSync(path.join(LARGE, 'parcels.geojson'))) {
    throw new Error(`no large set in ${LARGE}: run npx tsx scripts/generate-samples.ts --parcels 100000`)
  }
  console.log(`checks benchmark: data-samples/large/, ${TOTAL_ZONES} zones, ${RECHECKS} re-checks`)
  if (!values['skip-server']) {
    const db = await freshServerDb(values['database-url']!)
    try {
      await fill(db, 'PostGIS server')
      await bench(`PostGIS server (${BENCH_DB})`, db)
    } finally {
      await db.close()
    }
  }
  if (!values['skip-embedded']) {
    const db = await embeddedDb()
    try {
      await bench('embedded database', db)
    } finally {
      await db.close()
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)

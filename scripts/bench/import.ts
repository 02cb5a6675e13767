/**
 * The import of a 100,000-parcel zipped Shapefile (GBK, Gauss-Krüger 4549)
 * through the product, timed side by side with GDAL's ogr2ogr loading the
 * same file into the same PostGIS server in the same run.
 *
 *   npx tsx scripts/bench/import.ts [--parcels 100000] [--database-url postgres://…] [--skip-embedded]
 *
 * The district-scale sample set is made first when data-samples/large/ has
 * none (`npm run samples -- --parcels N`, about 90 s for 100,000).
 *
 * Under the table, the product's time by stage (wall clock, from the
 * import's own stage timer): reading in Node (unzip, .shp, .dbf, CRS, proj4,
 * mapping), then the database's steps in the import's transaction. "insert
 * new" includes what PostgreSQL does per row for the schema's guarantees and
 * ogr2ogr's table has none of: the foreign-key checks, the CHECK
 * (ST_IsValid), the generated columns (ST_Area(geom::geography) …), the five
 * indexes and the statement triggers writing each parcel's history version.
 * The machine is shared: compare the two rows of one run, not runs.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { Feature } from 'geojson'
import pg from 'pg'
import { ROOT } from '../../server/src/config.ts'
import type { Db } from '../../server/src/db/db.ts'
import { openEmbedded } from '../../server/src/db/embedded.ts'
import { prepare } from '../../server/src/db/open.ts'
import { openServer } from '../../server/src/db/server.ts'
import { writeShapefile, zipShapefile } from '../../server/src/export/shapefile.ts'
import { runImport } from '../../server/src/import/run.ts'
import type { StageTimes } from '../../server/src/import/stages.ts'
import { DEFAULT_LIMITS } from '../../server/src/import/types.ts'
import { loadSamples } from '../../server/src/samples/load.ts'
import { setLogLevel } from '../../server/src/log.ts'

const { values } = parseArgs({
  options: {
    parcels: { type: 'string', default: '100000' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres:postgres@localhost/postgres' },
    'skip-embedded': { type: 'boolean', default: false },
  },
})
const PARCELS = Number(values.parcels)
const LARGE = path.join(ROOT, 'data-samples/large')
const BENCH_DB = 'jiyuan_bench_import'
setLogLevel('warn')

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`
}

/** The large sample set, made once with the generator. */
function ensureLargeSet(): void {
  const file = path.join(LARGE, 'parcels.geojson')
  const count = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')).features as unknown[]).length : 0
  if (count === PARCELS) return
  console.log(`generating ${PARCELS} parcels into ${LARGE} …`)
  execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/generate-samples.ts'), '--parcels', String(PARCELS), '--out', LARGE], { stdio: 'inherit' })
}

/** The parcels as staff bring them: Chinese columns, GBK, Gauss-Krüger metres. */
function shapefileZip(): string {
  const zip = path.join(LARGE, `parcels-${PARCELS}-gbk-4549.zip`)
  if (existsSync(zip)) return zip
  const collection = JSON.parse(readFileSync(path.join(LARGE, 'parcels.geojson'), 'utf8')) as { features: Feature[] }
  const features = collection.features.map((f) => ({
    ...f,
    properties: {
      地块编码: f.properties!.code, 地块名称: f.properties!.name, 镇街: f.properties!.town, 村名: f.properties!.village,
      地类: f.properties!.category, 子类: f.properties!.subtype, 面积亩: f.properties!.declared_area_mu, 权属: f.properties!.ownership,
    },
  }))
  const shapefile = writeShapefile(features, { encoding: 'GBK', sourceEpsg: 4490, targetEpsg: 4549 })
  writeFileSync(zip, zipShapefile(`parcels-${PARCELS}`, shapefile.files))
  return zip
}

/** The large set's places and layers without its parcels: the import brings those. */
function placesOnly(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jiyuan-bench-'))
  for (const name of ['district.geojson', 'towns.geojson', 'villages.geojson', 'occupations.geojson', 'layers']) {
    symlinkSync(path.join(LARGE, name), path.join(dir, name))
  }
  writeFileSync(path.join(dir, 'parcels.geojson'), '{"type":"FeatureCollection","features":[]}')
  return dir
}

async function admin(db: Db): Promise<{ id: number; username: string; displayName: null; role: 'admin'; town: null }> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO users (username, password_hash, role) VALUES ('bench', 'scrypt$1$1$1$x$x', 'admin') RETURNING id`,
  )
  return { id: rows[0]!.id, username: 'bench', displayName: null, role: 'admin', town: null }
}

interface Timed {
  ms: number
  stages: StageTimes
}

async function productImport(db: Db, zip: string): Promise<Timed> {
  const user = await admin(db)
  const bytes = readFileSync(zip)
  const stages: StageTimes = new Map()
  const started = performance.now()
  const report = await runImport(db, user, {
    bytes, fileName: path.basename(zip), target: 'parcels', mode: 'atomic', makeValid: false,
    limits: { ...DEFAULT_LIMITS, maxUploadBytes: 1 << 30 }, stageTimes: stages,
  })
  const ms = performance.now() - started
  if (report.created !== PARCELS) throw new Error(`expected ${PARCELS} created, got ${JSON.stringify({ ...report, rejected: report.rejected.slice(0, 3) })}`)
  return { ms, stages }
}

/** Where the product's time went, one line per stage (wall clock; stages that overlap say so). */
function printStages(label: string, timed: Timed): void {
  console.log(`\n${label}: ${seconds(timed.ms)}`)
  let sum = 0
  for (const [name, ms] of timed.stages) {
    sum += ms
    console.log(`  ${name.padEnd(40)} ${seconds(ms).padStart(9)}`)
  }
  console.log(`  ${'other (bookkeeping, places, report)'.padEnd(40)} ${seconds(Math.max(0, timed.ms - sum)).padStart(9)}`)
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

function ogr2ogr(url: string, zip: string): number {
  const target = new URL(url)
  const connection = `PG:host=${target.hostname} port=${target.port || 5432} dbname=${BENCH_DB} user=${decodeURIComponent(target.username)} password=${decodeURIComponent(target.password)}`
  const started = performance.now()
  const result = spawnSync('ogr2ogr', [
    '-f', 'PostgreSQL', connection, `/vsizip/${zip}`, '-nln', 'ogr_parcels', '-t_srs', 'EPSG:4490',
    '-nlt', 'MULTIPOLYGON', '-lco', 'GEOMETRY_NAME=geom', '-lco', 'SPATIAL_INDEX=GIST', '--config', 'PG_USE_COPY', 'YES',
  ], { encoding: 'utf8' })
  const ms = performance.now() - started
  if (result.status !== 0) throw new Error(`ogr2ogr failed: ${result.stderr}`)
  return ms
}

async function main(): Promise<void> {
  ensureLargeSet()
  const zip = shapefileZip()
  const places = placesOnly()
  const url = values['database-url']!
  console.log(`file: ${path.basename(zip)} (${(readFileSync(zip).length / 1e6).toFixed(1)} MB, ${PARCELS} parcels, GBK, EPSG:4549)`)
  try {
    const server = await freshServerDb(url)
    await prepare(server)
    await loadSamples(server, places)
    const productServer = await productImport(server, zip)
    const gdal = ogr2ogr(url, zip)
    const { rows } = await server.query<{ n: number }>('SELECT count(*)::int AS n FROM ogr_parcels')
    await server.close()
    if (rows[0]!.n !== PARCELS) throw new Error(`ogr2ogr loaded ${rows[0]!.n} features`)

    let productEmbedded: Timed | undefined
    if (!values['skip-embedded']) {
      const embedded = await openEmbedded({})
      await prepare(embedded)
      await loadSamples(embedded, places)
      productEmbedded = await productImport(embedded, zip)
      await embedded.close()
    }

    console.log(`\nSame file, same PostGIS server (${new URL(url).host}), same run; the load average at the end was ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores.`)
    console.log('\n| what | time | vs ogr2ogr |')
    console.log('| --- | --- | --- |')
    console.log(`| ogr2ogr into PostGIS (COPY, GiST index; no validation, no history) | ${seconds(gdal)} | 1.00 |`)
    console.log(`| Jiyuan import into PostGIS (CRS + GBK detection, mapping, ST_IsValidDetail, history) | ${seconds(productServer.ms)} | ${(productServer.ms / gdal).toFixed(2)} |`)
    if (productEmbedded !== undefined) {
      console.log(`| Jiyuan import into the embedded PGlite | ${seconds(productEmbedded.ms)} | ${(productEmbedded.ms / gdal).toFixed(2)} |`)
    }
    printStages('Jiyuan into PostGIS, by stage', productServer)
    if (productEmbedded !== undefined) printStages('Jiyuan into the embedded PGlite, by stage', productEmbedded)
  } finally {
    rmSync(places, { recursive: true, force: true })
  }
}

mkdirSync(LARGE, { recursive: true })
await main()

/**
 * The district-wide exports of 100,000 parcels through the real app, each
 * timed and with its peak memory growth, side by side with two baselines
 * in the same run: the plain GET /api/parcels of 10,000 rows, and an
 * export that is not streamed (all rows in one query, one JSON.stringify).
 *
 *   npx tsx scripts/bench/export.ts [--parcels 100000] [--database-url postgres://…]
 *
 * The embedded database always; the PostGIS server too with --database-url
 * (there the database's memory is not in this process, so RSS is the
 * app's alone). The large sample set is made first when data-samples/large/
 * has none (about 90 s for 100,000).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { parseArgs } from 'node:util'
import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'
import pg from 'pg'
import { createApp } from '../../server/src/app.ts'
import { createUser } from '../../server/src/auth/users.ts'
import { readConfig, ROOT } from '../../server/src/config.ts'
import type { Db } from '../../server/src/db/db.ts'
import { openEmbedded } from '../../server/src/db/embedded.ts'
import { prepare } from '../../server/src/db/open.ts'
import { openServer } from '../../server/src/db/server.ts'
import { setLogLevel } from '../../server/src/log.ts'
import { PARCEL_COLUMNS, featureJson, type ParcelRow } from '../../server/src/parcels/feature.ts'
import { loadSamples } from '../../server/src/samples/load.ts'

const { values } = parseArgs({
  options: {
    parcels: { type: 'string', default: '100000' },
    'database-url': { type: 'string' },
  },
})
const PARCELS = Number(values.parcels)
const LARGE = path.join(ROOT, 'data-samples/large')
const BENCH_DB = 'jiyuan_bench_export'
const PASSWORD = 'bench-password-1'
// Memory is probed this often while a request runs. Each probe collects
// garbage first, so the figures are what is held, not what awaits the
// collector; the cost (a few ms a probe) falls on every row alike.
const PROBE_MS = 250
setLogLevel('warn')

v8.setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

interface Figure {
  what: string
  rows: number
  bytes: number
  ms: number
  /** peak growth over the baseline taken just before, MB */
  rssMb: number
  heapMb: number
  externalMb: number
}

/** Called by a probe-aware task at the moment it holds the most. */
type Probe = () => void

const mb = (bytes: number) => bytes / (1024 * 1024)

function countFeatures(file: string): number {
  if (!existsSync(file)) return 0
  const text = readFileSync(file, 'utf8')
  let n = 0
  for (
    let at = text.indexOf('"type":"Feature"');
    at >= 0;
    at = text.indexOf('"type":"Feature"', at + 1)
  )
    n++
  return n
}

function ensureLargeSet(): void {
  if (countFeatures(path.join(LARGE, 'parcels.geojson')) === PARCELS) return
  console.log(`generating ${PARCELS} parcels into ${LARGE} …`)
  const args = [
    '--import',
    'tsx',
    path.join(ROOT, 'scripts/generate-samples.ts'),
    '--parcels',
    String(PARCELS),
    '--out',
    LARGE,
  ]
  execFileSync(process.execPath, args, { stdio: 'inherit' })
}

/**
 * Runs `work` with memory probed from a collected baseline: the peak
 * growth of RSS, of the live V8 heap, and of memory outside it (Buffers,
 * ArrayBuffers; for PGlite also its WASM memory, which never shrinks).
 */
async function measured(
  what: string,
  work: (probe: Probe) => Promise<{ rows: number; bytes: number }>,
): Promise<Figure> {
  gc()
  const base = process.memoryUsage()
  const peak = { rss: base.rss, heap: base.heapUsed, external: base.external }
  const probe = () => {
    peak.rss = Math.max(peak.rss, process.memoryUsage().rss)
    gc()
    const live = process.memoryUsage()
    peak.heap = Math.max(peak.heap, live.heapUsed)
    peak.external = Math.max(peak.external, live.external)
  }
  const timer = setInterval(probe, PROBE_MS)
  const started = performance.now()
  try {
    const { rows, bytes } = await work(probe)
    const ms = performance.now() - started
    return {
      what,
      rows,
      bytes,
      ms,
      rssMb: mb(peak.rss - base.rss),
      heapMb: mb(peak.heap - base.heapUsed),
      externalMb: mb(peak.external - base.external),
    }
  } finally {
    clearInterval(timer)
  }
}

/** Reads a response to its end without keeping it: the client is not what is measured. */
async function drain(response: Response): Promise<number> {
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`)
  let bytes = 0
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
    bytes += chunk.length
  return bytes
}

async function startApp(
  db: Db,
  postgis: string,
): Promise<{ url: string; cookie: string; close(): Promise<void> }> {
  await createUser(db, {
    username: 'bench',
    password: PASSWORD,
    role: 'admin',
    town: null,
    displayName: null,
  })
  const server = createServer(createApp({ config: { ...readConfig({}), port: 0 }, db, postgis }))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const session = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: PASSWORD }),
  })
  const cookie = session.headers.get('set-cookie')!.split(';')[0]!
  return { url, cookie, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

async function figures(db: Db, postgis: string): Promise<Figure[]> {
  const app = await startApp(db, postgis)
  const get = async (route: string, rows: number) => ({
    rows,
    bytes: await drain(await fetch(app.url + route, { headers: { cookie: app.cookie } })),
  })
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM parcels WHERE deleted_at IS NULL',
  )
  const all = rows[0]!.n
  try {
    const out: Figure[] = []
    out.push(
      await measured('baseline: GET /api/parcels?limit=10000', () =>
        get('/api/parcels?limit=10000', 10_000),
      ),
    )
    for (const route of [
      'parcels.geojson',
      'parcels.csv',
      'parcels.zip',
      'parcels.zip?srid=4549&encoding=utf-8',
      'parcels.xlsx',
    ]) {
      out.push(await measured(`GET /api/exports/${route}`, () => get(`/api/exports/${route}`, all)))
    }
    out.push(
      await measured('baseline: all rows in one query, one JSON.stringify', (probe) =>
        unstreamed(db, probe),
      ),
    )
    return out
  } finally {
    await app.close()
  }
}

/**
 * What an export without streaming does: every row at once, the whole text
 * at once. Probed at its fullest, since it never yields to the timer then.
 */
async function unstreamed(db: Db, probe: Probe): Promise<{ rows: number; bytes: number }> {
  const { rows } = await db.query<ParcelRow>(
    `SELECT ${PARCEL_COLUMNS} FROM parcels p WHERE p.deleted_at IS NULL ORDER BY p.id`,
  )
  const text = `{"type":"FeatureCollection","srid":4490,"features":[${rows.map(featureJson).join(',')}]}`
  probe()
  return { rows: rows.length, bytes: Buffer.byteLength(text) }
}

function print(title: string, list: Figure[]): void {
  console.log(`\n${title}\n`)
  console.log(
    '| what | rows | MB sent | time | peak RSS growth | peak live heap growth | peak external growth |',
  )
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const f of list) {
    const memory = [f.rssMb, f.heapMb, f.externalMb].map((v) => `${v.toFixed(0)} MB`)
    const cells = [
      f.what,
      f.rows,
      mb(f.bytes).toFixed(1),
      `${(f.ms / 1000).toFixed(2)} s`,
      ...memory,
    ]
    console.log(`| ${cells.join(' | ')} |`)
  }
}

async function embedded(): Promise<void> {
  const started = performance.now()
  const db = await openEmbedded({})
  const { postgis } = await prepare(db)
  await loadSamples(db, LARGE)
  console.log(`embedded database loaded in ${((performance.now() - started) / 1000).toFixed(0)} s`)
  try {
    print(
      `embedded PGlite (its WASM memory is in this process and never shrinks), ${PARCELS} parcels`,
      await figures(db, postgis),
    )
  } finally {
    await db.close()
  }
}

/** Runs SQL on the server's maintenance database (CREATE / DROP DATABASE). */
async function onServer(url: string, sql: string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  for (const statement of sql) await admin.query(statement)
  await admin.end()
}

async function server(url: string): Promise<void> {
  await onServer(url, [
    `DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`,
    `CREATE DATABASE ${BENCH_DB}`,
  ])
  const target = new URL(url)
  target.pathname = `/${BENCH_DB}`
  const db = await openServer(target.toString())
  try {
    const { postgis } = await prepare(db)
    await loadSamples(db, LARGE)
    print(`PostGIS server (node-postgres), ${PARCELS} parcels`, await figures(db, postgis))
  } finally {
    await db.close()
    await onServer(url, [`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`])
  }
}

ensureLargeSet()
await embedded()
if (values['database-url']) await server(values['database-url'])

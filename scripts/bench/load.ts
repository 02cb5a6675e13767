/**
 * Load on the HTTP server, driven over loopback by autocannon: vector tiles,
 * parcel lists and edits, alone and mixed, each for a bounded time, beside
 * two floors measured in the same run (GET /api/health: HTTP and Express
 * only; GET /api/session: plus the session lookup every signed-in request
 * pays). Prints requests per second and p50/p95/p99 latency for the embedded
 * database and, when --database-url or DATABASE_URL is given, the PostGIS
 * server, side by side.
 *
 *   npx tsx scripts/bench/load.ts [--duration 10] [--connections 16] [--rate 500]
 *     [--database-url postgres://…] [--set sample|large] [--only embedded|postgres] [--fresh]
 *     [--scenarios tiles,mix]
 *
 * The server runs as its own process (`npm start`'s entry point), so the
 * load generator does not share its event loop. --set large serves
 * data-samples/large (`npm run samples -- --parcels 100000`). The embedded
 * database lives in $TMPDIR/jiyuan-bench-load-<set>, the server's in a
 * scratch database jiyuan_bench_load_<set>; both are kept for the next run
 * (loading the large set takes minutes) unless --fresh. Edits write to them.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import pg from 'pg'
import { ROOT } from '../../server/src/config.ts'
import { tileAt } from '../../server/src/tiles/grid.ts'
import { Rng } from '../samples/prng.ts'

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    rate: { type: 'string', default: '500' },
    'database-url': { type: 'string' },
    set: { type: 'string', default: 'sample' },
    only: { type: 'string' },
    scenarios: { type: 'string' },
    fresh: { type: 'boolean', default: false },
  },
})
const DURATION = Number(values.duration)
const CONNECTIONS = Number(values.connections)
const RATE = Number(values.rate)
const SET = values.set === 'large' ? 'large' : 'sample'
const SAMPLES = path.join(ROOT, SET === 'large' ? 'data-samples/large' : 'data-samples')
const PASSWORD = 'bench-password-1'
const SERVER_URL = values['database-url'] ?? process.env.DATABASE_URL
/** Tiles and lists asked before measuring, so a server just started is measured warm. */
const WARM_UP_SECONDS = 5

// Browsing zooms, by weight: a town (12–13), villages and parcels (14–19).
const ZOOMS: readonly (readonly [number, number])[] = [[1, 12], [1, 13], [3, 14], [3, 15], [2, 16], [2, 17], [2, 18], [1, 19]]

interface Parcel {
  id: number
  village: string | null
  lon: number
  lat: number
}

interface Figures {
  requests: number
  perSecond: number
  p50: number
  p95: number
  p99: number
  /** answers that were not 2xx (an edit's 412 counts here) */
  other: number
  bytes: number
  /** CPU time of the server process per answer, ms (Linux /proc), NaN elsewhere */
  cpu: number
}

/** A seeded stream (the sample generator's mulberry32), so every run asks for the same tiles. */
function random(seed: number): () => number {
  const rng = new Rng(seed)
  return () => rng.next()
}

function tileOf(lon: number, lat: number, z: number): string {
  const { x, y } = tileAt(lon, lat, z)
  return `/tiles/parcels/${z}/${x}/${y}.mvt`
}

/** Every tile path asked for so far in this server's run: a "new" tile is none of them (the server keeps tiles). */
const asked = new Set<string>()

interface TileList {
  paths: string[]
  /** how many of the first paths had not been asked for before */
  fresh: number
}

/**
 * Distinct parcel tiles at browsing zooms, around parcels picked at random,
 * in a random order: first those not asked for before in this run (the
 * server keeps tiles), then, when those run out, the others.
 */
function tileList(parcels: readonly Parcel[], count: number, seed: number): TileList {
  const next = random(seed)
  const zooms = ZOOMS.flatMap(([weight, z]) => Array<number>(weight).fill(z))
  const paths = new Set<string>()
  for (let tries = 0; paths.size < count && tries < count * 20; tries++) {
    const parcel = parcels[Math.floor(next() * parcels.length)]!
    paths.add(tileOf(parcel.lon, parcel.lat, zooms[Math.floor(next() * zooms.length)]!))
  }
  const fresh = [...paths].filter((path) => !asked.has(path))
  return { paths: [...fresh, ...[...paths].filter((path) => asked.has(path))], fresh: fresh.length }
}

const tilePaths = (parcels: readonly Parcel[], count: number, seed: number) => tileList(parcels, count, seed).paths

/** Requests for a path asked before, in a scenario meant to ask each path once. */
let repeats = 0

/** Lists as the map's table asks for them: a box of ~1 km around a parcel, or a village. */
function listPaths(parcels: readonly Parcel[], count: number): string[] {
  const next = random(7)
  return Array.from({ length: count }, (_, i) => {
    const p = parcels[Math.floor(next() * parcels.length)]!
    if (i % 2 === 1 && p.village) return `/api/parcels?village=${p.village}&limit=100`
    const [dLon, dLat] = [0.006, 0.0045] // ~500 m each way, EPSG:4490 degrees
    return `/api/parcels?bbox=${p.lon - dLon},${p.lat - dLat},${p.lon + dLon},${p.lat + dLat}&limit=100`
  })
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

type Request = autocannon.Request
type Context = Record<string, unknown>

/** CPU seconds (user + system) a process has used so far, from /proc; NaN where there is none. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN
  }
}

let serverPid: number | undefined

/**
 * Waits until the server process is idle (under a twentieth of a core over a
 * second): a district of 20,000 parcels or more has its overview tiles drawn
 * at start, and a scenario measured meanwhile measures that work too (the
 * first scenario ran at a third of the rate of the same one run later).
 */
async function settled(pid: number | undefined, timeoutMs = 180_000): Promise<number> {
  const started = Date.now()
  let before = cpuSeconds(pid)
  while (Date.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const now = cpuSeconds(pid)
    if (!(now - before >= 0.05)) return Date.now() - started
    before = now
  }
  return Date.now() - started
}

/** One autocannon run; latencies from every answer, not autocannon's sampled histogram. */
async function drive(url: string, cookie: string, requests: Request[]): Promise<Figures> {
  const latencies: number[] = []
  let bytes = 0
  const cpuBefore = cpuSeconds(serverPid)
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const options: autocannon.Options = {
      url,
      connections: CONNECTIONS,
      duration: DURATION,
      headers: { cookie },
      requests,
    }
    const instance = autocannon(options, (error, done) => (error ? reject(error) : resolve(done)))
    instance.on('response', (_client, _status, resBytes, responseTime) => {
      latencies.push(responseTime)
      bytes += resBytes
    })
  })
  latencies.sort((a, b) => a - b)
  const ok = result['2xx']
  return {
    requests: latencies.length,
    perSecond: ok / (result.duration || DURATION),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    other: result.non2xx + result.errors + result.timeouts,
    bytes: latencies.length ? bytes / latencies.length : 0,
    cpu: ((cpuSeconds(serverPid) - cpuBefore) * 1000) / Math.max(1, latencies.length),
  }
}

/**
 * Hands out paths in turn to every connection, so a run asks for each one
 * once before any twice. For a TileList, requests beyond its fresh paths are
 * counted in `repeats`. (autocannon prepares some requests it then does not
 * send, so a few paths are counted as asked without being asked.)
 */
function rotating(list: readonly string[] | TileList): Request {
  const { paths, fresh } = Array.isArray(list) ? { paths: list, fresh: Infinity } : (list as TileList)
  let i = 0
  return {
    method: 'GET',
    setupRequest: (req) => {
      if (i >= fresh) repeats++
      const path = paths[i++ % paths.length]!
      asked.add(path)
      return { ...req, path }
    },
  }
}

/** A read and an edit under If-Match of one parcel per round, parcels handed out in turn. */
function editRequests(ids: readonly number[]): Request[] {
  let turn = 0
  return [
    {
      method: 'GET',
      setupRequest: (req, context) => {
        ;(context as Context).id = ids[turn++ % ids.length]
        return { ...req, path: `/api/parcels/${(context as Context).id}` }
      },
      onResponse: (_status, _body, context, headers) => {
        const name = Object.keys(headers ?? {}).find((key) => key.toLowerCase() === 'etag')
        ;(context as Context).etag = name ? headers![name] : undefined
      },
    },
    {
      method: 'PATCH',
      setupRequest: (req, context) => ({
        ...req,
        path: `/api/parcels/${(context as Context).id}`,
        headers: { ...req.headers, 'content-type': 'application/json', 'if-match': String((context as Context).etag) },
        body: JSON.stringify({ properties: { location: `压测 ${Date.now()}` } }),
      }),
    },
  ]
}

/**
 * Tiles at a steady `rate` per second, open loop: request i is due at i/rate
 * seconds whatever the answers before it did (autocannon's rate limit sends
 * each second's share in a burst at its start, which measures the burst).
 * Latency counts from when a request was due, so a server that falls behind
 * is not excused by the requests it delayed (coordinated omission).
 */
async function paced(url: string, cookie: string, list: TileList, rate: number): Promise<Figures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })
  const latencies: number[] = []
  let bytes = 0
  let other = 0
  const total = Math.round(rate * DURATION)
  const cpuBefore = cpuSeconds(serverPid)
  const started = performance.now()
  const one = (i: number, due: number) =>
    new Promise<void>((resolve) => {
      if (i >= list.fresh) repeats++
      const path = list.paths[i % list.paths.length]!
      asked.add(path)
      const request = http.get(url + path, { agent, headers: { cookie } }, (response) => {
        response.on('data', (chunk: Buffer) => (bytes += chunk.length))
        response.on('end', () => {
          latencies.push(performance.now() - due)
          if (response.statusCode !== 200) other++
          resolve()
        })
      })
      request.on('error', () => {
        other++
        resolve()
      })
    })
  const pending: Promise<void>[] = []
  for (let i = 0; i < total; ) {
    const now = performance.now()
    for (; i < total && started + (i * 1000) / rate <= now; i++) pending.push(one(i, started + (i * 1000) / rate))
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
  await Promise.all(pending)
  const elapsed = (performance.now() - started) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  return {
    requests: latencies.length,
    perSecond: (latencies.length - other) / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    other,
    bytes: latencies.length ? bytes / latencies.length : 0,
    cpu: ((cpuSeconds(serverPid) - cpuBefore) * 1000) / Math.max(1, latencies.length),
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** `npm start`'s server in a process of its own, once it answers /api/health. */
async function startServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), JIYUAN_ADMIN_PASSWORD: PASSWORD, JIYUAN_SAMPLES_DIR: SAMPLES, JIYUAN_CLIENT_BUILD: 'off', LOG_LEVEL: 'warn', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30 * 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`)
    try {
      if ((await fetch(`${url}/api/health`)).status === 200) return { url, child }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error('the server did not answer within 30 minutes')
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
}

async function signIn(url: string): Promise<string> {
  const reply = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  })
  if (reply.status !== 201) throw new Error(`sign-in failed: ${reply.status} ${await reply.text()}`)
  return reply.headers.get('set-cookie')!.split(';')[0]!
}

/**
 * Up to 10,000 live parcels spread over the whole set (ids run village by
 * village, so many small pages at even steps), with the centre of their box
 * (EPSG:4490).
 */
async function someParcels(url: string, cookie: string): Promise<Parcel[]> {
  type Page = { numberMatched: number; features: { properties: { id: number; village: string | null }; geometry: { coordinates: number[][][][] } }[] }
  const page = async (offset: number, limit: number) =>
    (await (await fetch(`${url}/api/parcels?limit=${limit}&offset=${offset}`, { headers: { cookie } })).json()) as Page
  const total = (await page(0, 1)).numberMatched
  const size = total > 10_000 ? 10 : 100
  const step = Math.max(size, Math.floor(total / (10_000 / size)))
  const offsets = Array.from({ length: Math.ceil(total / step) }, (_, i) => i * step).slice(0, 10_000 / size)
  const pages: Page[] = []
  for (let i = 0; i < offsets.length; i += 16) pages.push(...(await Promise.all(offsets.slice(i, i + 16).map((o) => page(o, size)))))
  return pages.flatMap((p) => p.features).map((f) => {
    const ring = f.geometry.coordinates[0]![0]!
    const lons = ring.map((p) => p[0]!)
    const lats = ring.map((p) => p[1]!)
    return {
      id: f.properties.id,
      village: f.properties.village,
      lon: (Math.min(...lons) + Math.max(...lons)) / 2,
      lat: (Math.min(...lats) + Math.max(...lats)) / 2,
    }
  })
}

/**
 * An edit, then tiles and lists for a few seconds before measuring: the
 * first save prepares the planning layers for the re-check (seconds), and a
 * server just started answers its first seconds of tiles several times
 * slower (V8 still compiling the hot paths, the pool's connections loading
 * PostGIS), which the first scenario would otherwise pay for.
 */
async function warmUp(url: string, cookie: string, parcels: readonly Parcel[]): Promise<void> {
  const id = parcels[0]!.id
  const read = await fetch(`${url}/api/parcels/${id}`, { headers: { cookie } })
  await read.arrayBuffer()
  const saved = await fetch(`${url}/api/parcels/${id}`, {
    method: 'PATCH',
    headers: { cookie, 'content-type': 'application/json', 'if-match': read.headers.get('etag')! },
    body: JSON.stringify({ properties: { location: '压测预热' } }),
  })
  if (saved.status !== 200) throw new Error(`warm-up edit: ${saved.status} ${await saved.text()}`)
  const until = Date.now() + WARM_UP_SECONDS * 1000
  const paths = [...tilePaths(parcels, 3000, 99), ...listPaths(parcels, 300)]
  await Promise.all(Array.from({ length: CONNECTIONS }, async (_, lane) => {
    for (let i = lane; i < paths.length && Date.now() < until; i += CONNECTIONS) {
      asked.add(paths[i]!)
      await (await fetch(url + paths[i], { headers: { cookie } })).arrayBuffer()
    }
  }))
}

type Scenario = { name: string; run: (url: string, cookie: string, parcels: Parcel[]) => Promise<Figures> }

const SCENARIOS: Scenario[] = [
  { name: 'GET /api/health (floor)', run: (url) => drive(url, '', [{ method: 'GET', path: '/api/health' }]) },
  { name: 'GET /api/session (signed-in floor)', run: (url, cookie) => drive(url, cookie, [{ method: 'GET', path: '/api/session' }]) },
  // the target first, while every tile is still new to the server
  {
    name: `tiles at a steady ${RATE}/s, each new`,
    run: (url, cookie, parcels) => paced(url, cookie, tileList(parcels, 60_000, 2), RATE),
  },
  {
    name: 'tiles, each new',
    run: (url, cookie, parcels) => drive(url, cookie, [rotating(tileList(parcels, 60_000, 1))]),
  },
  {
    name: 'tiles, 50 asked again and again',
    run: (url, cookie, parcels) => drive(url, cookie, [rotating(tilePaths(parcels, 50, 3))]),
  },
  { name: 'parcel lists (box, village)', run: (url, cookie, parcels) => drive(url, cookie, [rotating(listPaths(parcels, 2000))]) },
  { name: 'edits (GET, then PATCH with If-Match)', run: (url, cookie, parcels) => drive(url, cookie, editRequests(parcels.map((p) => p.id))) },
  {
    name: 'mix: 6 tiles, 2 lists, 1 edit',
    run: (url, cookie, parcels) => {
      const tiles = rotating(tileList(parcels, 60_000, 4))
      const lists = rotating(listPaths(parcels, 2000))
      return drive(url, cookie, [tiles, tiles, tiles, lists, tiles, tiles, lists, tiles, ...editRequests(parcels.map((p) => p.id).reverse())])
    },
  },
]

/** The scenarios whose names contain one of --scenarios (comma-separated), or all. */
function chosen(): Scenario[] {
  const wanted = values.scenarios?.split(',').map((w) => w.trim().toLowerCase()).filter(Boolean)
  return wanted ? SCENARIOS.filter((s) => wanted.some((w) => s.name.toLowerCase().includes(w))) : SCENARIOS
}

async function measure(label: string, env: Record<string, string>): Promise<Map<string, Figures>> {
  console.log(`\n${label}: starting the server (${SET} set) …`)
  const started = Date.now()
  const { url, child } = await startServer(env)
  serverPid = child.pid
  asked.clear()
  const figures = new Map<string, Figures>()
  try {
    console.log(`${label}: up in ${((Date.now() - started) / 1000).toFixed(0)} s`)
    const cookie = await signIn(url)
    const parcels = await someParcels(url, cookie)
    const distinct = new Set(parcels.flatMap((p) => ZOOMS.map(([, z]) => tileOf(p.lon, p.lat, z)))).size
    console.log(`${label}: tiles around ${parcels.length} parcels: ${distinct} distinct at zooms ${ZOOMS.map(([, z]) => z).join(', ')}`)
    const idle = await settled(child.pid)
    console.log(`${label}: idle after ${(idle / 1000).toFixed(0)} s more (start-up work done)`)
    await warmUp(url, cookie, parcels)
    for (const scenario of chosen()) {
      repeats = 0
      const result = await scenario.run(url, cookie, parcels)
      figures.set(scenario.name, result)
      const repeated = repeats ? ` (${repeats} requests for a tile asked before: too few distinct tiles for this long a run)` : ''
      console.log(`${label}: ${scenario.name}: ${line(result)}${repeated}`)
    }
  } finally {
    await stopServer(child)
  }
  return figures
}

const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—')

function line(f: Figures): string {
  return `${fixed(f.perSecond, 0)} req/s, p50 ${fixed(f.p50)} ms, p95 ${fixed(f.p95)} ms, p99 ${fixed(f.p99)} ms` +
    `${f.other ? `, ${f.other} not 2xx` : ''}, ${fixed(f.bytes / 1024)} KB each, server CPU ${fixed(f.cpu, 2)} ms each`
}

async function onServer(url: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (const statement of statements) await client.query(statement)
  } finally {
    await client.end()
  }
}

async function serverDatabase(url: string): Promise<string> {
  const name = `jiyuan_bench_load_${SET}`
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const exists = (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount! > 0
  await client.end()
  if (values.fresh || !exists) await onServer(url, [`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `CREATE DATABASE ${name}`])
  const target = new URL(url)
  target.pathname = `/${name}`
  return target.toString()
}

async function main(): Promise<void> {
  const results: [string, Map<string, Figures>][] = []
  if (values.only !== 'postgres') {
    const dir = path.join(os.tmpdir(), `jiyuan-bench-load-${SET}`)
    if (values.fresh && existsSync(dir)) rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    results.push(['embedded', await measure('embedded', { JIYUAN_DATA_DIR: dir })])
  }
  if (values.only !== 'embedded') {
    if (SERVER_URL) results.push(['postgres', await measure('postgres', { DATABASE_URL: await serverDatabase(SERVER_URL) })])
    else console.log('\nno --database-url or DATABASE_URL: the PostGIS server is not measured')
  }

  const width = Math.max(...chosen().map((s) => s.name.length))
  console.log(`\n${DURATION} s per scenario, ${CONNECTIONS} connections (as many as needed at a steady rate), ${SET} set, ` +
    `${os.cpus().length} cores, load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`)
  console.log(`${'scenario'.padEnd(width)} | ${results.map(([name]) => `${name.padEnd(8)}   req/s    p50    p95    p99  not 2xx  cpu/req`).join(' | ')}`)
  for (const scenario of chosen()) {
    const cells = results.map(([, figures]) => {
      const f = figures.get(scenario.name)!
      return `${' '.repeat(8)} ${fixed(f.perSecond, 0).padStart(7)} ${fixed(f.p50).padStart(6)} ${fixed(f.p95).padStart(6)} ${fixed(f.p99).padStart(6)} ${String(f.other).padStart(8)} ${fixed(f.cpu, 2).padStart(8)}`
    })
    console.log(`${scenario.name.padEnd(width)} | ${cells.join(' | ')}`)
  }
  const server = results.find(([name]) => name === 'postgres')?.[1]
  if (server) {
    const target = server.get(`tiles at a steady ${RATE}/s, each new`)
    if (!target) return
    const met = target.perSecond >= RATE * 0.98 && target.p95 < 50
    console.log(`\ntarget on the PostGIS server: ${RATE} tile requests/s with p95 under 50 ms: ` +
      `${fixed(target.perSecond, 0)}/s, p95 ${fixed(target.p95)} ms: ${met ? 'met' : 'missed'}`)
  }
}

await main()

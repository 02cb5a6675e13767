/**
 * The map with the district-scale set (100,000 parcels, data-samples/large/),
 * on the embedded database and, with --database-url, on a PostGIS server,
 * printed side by side with baselines measured in the same run:
 *
 *   npx tsx scripts/bench/tiles.ts [--database-url postgres://…/postgres] [--skip-page]
 *
 * The large set is generated first when it is missing. Each database is
 * fresh: a new embedded data directory, or a scratch database
 * jiyuan_bench_tiles on the server, dropped at the end.
 *
 * - tiles: GET /tiles/parcels/{z}/{x}/{y}.mvt over the tiles a user's views
 *   cover (map 940 × 756 px, 512-px tiles): the district at zoom 10, five
 *   towns at 12.5, ten villages at 14.5 and twenty parcels at 16.5, one
 *   request at a time. Drawn: by an app without a tile cache, every request
 *   drawn by the database (as for a filter nobody asked for before). Served:
 *   by an app with its cache, after one pass over the same views (as for
 *   the users after the first); then again with the ETag (If-None-Match).
 *   Target p95 < 50 ms. Baselines: GET /api/health and a tile of the sea.
 * - page: Debian's Chromium opens the signed-in page on the district view;
 *   the time from navigation to the first frame with parcels drawn (the
 *   map's data-first-parcels-ms), target < 3 s, and to the whole view drawn,
 *   with and without the tile cache. Baseline: the same page with a filter
 *   no parcel matches.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { build } from 'vite'
import { createApp } from '../../server/src/app.ts'
import { createUser } from '../../server/src/auth/users.ts'
import { readConfig, ROOT } from '../../server/src/config.ts'
import type { Db } from '../../server/src/db/db.ts'
import { prepare } from '../../server/src/db/open.ts'
import { scratchDb } from './scratch.ts'
import { setLogLevel } from '../../server/src/log.ts'
import { loadSamples } from '../../server/src/samples/load.ts'

const { values } = parseArgs({
  options: { 'database-url': { type: 'string' }, 'skip-page': { type: 'boolean', default: false } },
})
const LARGE = path.join(ROOT, 'data-samples/large')
const BENCH_DB = 'jiyuan_bench_tiles'
const PASSWORD = 'bench-password-1'
/** The map's share of a 1280 × 800 laptop screen, beside the sidebar, below the header. */
const MAP = { width: 940, height: 756 }
const TILE_PX = 512
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
]
setLogLevel('warn')

type Tile = { z: number; x: number; y: number }
type View = { lon: number; lat: number; zoom: number }
interface Series { p50: number; p95: number; n: number }
type Figures = Record<string, string>

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`
const seriesText = (s: Series) => `${ms(s.p50)} / ${ms(s.p95)}`

function summarise(times: number[]): Series {
  const sorted = [...times].sort((a, b) => a - b)
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), n: times.length }
}

/** The tiles MapLibre asks for to draw a view: zoom rounded down, the map's box in 512-px tiles. */
function tilesOfView({ lon, lat, zoom }: View): Tile[] {
  const z = Math.floor(zoom)
  const size = 2 ** z
  const phi = (lat * Math.PI) / 180
  const cx = ((lon + 180) / 360) * size
  const cy = ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * size
  const scale = TILE_PX * 2 ** (zoom - z)
  const [hw, hh] = [MAP.width / 2 / scale, MAP.height / 2 / scale]
  const tiles: Tile[] = []
  for (let x = Math.floor(cx - hw); x <= Math.floor(cx + hw); x++) {
    for (let y = Math.floor(cy - hh); y <= Math.floor(cy + hh); y++) tiles.push({ z, x, y })
  }
  return tiles
}

/** Where users look: the district, five towns, ten villages, twenty parcels (the same in every run). */
async function views(db: Db): Promise<{ label: string; views: View[] }[]> {
  const centre = (table: string, limit: number, zoom: number) =>
    db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(c) AS lon, ST_Y(c) AS lat FROM (
         SELECT ST_Centroid(ST_Envelope(geom)) AS c, code FROM ${table} ORDER BY md5(code || 'tiles') LIMIT ${limit}) s`,
    ).then(({ rows }) => rows.map((r) => ({ lon: r.lon, lat: r.lat, zoom })))
  const district = await centre('district', 1, 10)
  return [
    { label: 'district, zoom 10', views: district },
    { label: 'towns, zoom 12.5', views: await centre('towns', 5, 12.5) },
    { label: 'villages, zoom 14.5', views: await centre('villages', 10, 14.5) },
    { label: 'parcels, zoom 16.5', views: await centre('parcels', 20, 16.5) },
  ]
}

interface Started {
  url: string
  cookie: string
  server: Server
  get(route: string, headers?: Record<string, string>): Promise<{ status: number; bytes: number; etag: string | null }>
}

async function start(db: Db, postgis: string, tileCacheBytes: number): Promise<Started> {
  const server = createServer(createApp({ config: { ...readConfig({}), port: 0, tileCacheBytes }, db, postgis }))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const signIn = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: PASSWORD }),
  })
  const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!
  return {
    url,
    cookie,
    server,
    async get(route, headers = {}) {
      const response = await fetch(url + route, { headers: { cookie, ...headers } })
      const bytes = (await response.arrayBuffer()).byteLength
      if (response.status !== 200 && response.status !== 304) throw new Error(`GET ${route}: ${response.status}`)
      return { status: response.status, bytes, etag: response.headers.get('etag') }
    },
  }
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now()
  const result = await work()
  return [result, performance.now() - started]
}

/** The tile routes of the views, grouped, each route once per group. */
async function tileRoutes(db: Db): Promise<{ label: string; routes: string[] }[]> {
  return (await views(db)).map((group) => ({
    label: group.label,
    routes: [...new Set(group.views.flatMap(tilesOfView).map((t) => `/tiles/parcels/${t.z}/${t.x}/${t.y}.mvt`))],
  }))
}

async function baselines(app: Started): Promise<Figures> {
  const health: number[] = []
  const sea: number[] = []
  // the sea off the coast (120.95° E, 36.3° N), zoom 14: a tile without parcels
  const empty = '/tiles/parcels/14/13696/6416.mvt'
  await app.get(empty)
  for (let i = 0; i < 30; i++) {
    health.push((await timed(() => app.get('/api/health')))[1])
    sea.push((await timed(() => app.get(empty)))[1])
  }
  return {
    'baseline GET /api/health, p50 / p95': seriesText(summarise(health)),
    'baseline empty sea tile, p50 / p95': seriesText(summarise(sea)),
  }
}

/** Every tile drawn by the database for its request (an app without a tile cache). */
async function drawnFigures(app: Started, groups: { label: string; routes: string[] }[]): Promise<Figures> {
  const figures: Figures = {}
  const all: number[] = []
  let largest = 0
  for (const group of groups) {
    const times: number[] = []
    for (const route of group.routes) {
      const [answer, elapsed] = await timed(() => app.get(route))
      times.push(elapsed)
      largest = Math.max(largest, answer.bytes)
    }
    all.push(...times)
    figures[`  drawn: ${group.label} (${times.length} tiles)`] = seriesText(summarise(times))
  }
  const summary = summarise(all)
  figures[`tiles drawn for each request, p50 / p95 (${summary.n})`] = `${seriesText(summary)}  ${summary.p95 < 50 ? 'met' : 'MISSED'}`
  figures['largest parcel tile'] = `${(largest / 1024).toFixed(0)} KB`
  return figures
}

/** The same tiles from an app with its cache, after a first pass; then revalidated by ETag. */
async function servedFigures(app: Started, groups: { label: string; routes: string[] }[]): Promise<Figures> {
  const routes = groups.flatMap((g) => g.routes)
  const etags = new Map<string, string>()
  for (const route of routes) etags.set(route, (await app.get(route)).etag ?? '')
  const served: number[] = []
  const revalidated: number[] = []
  let notModified = 0
  for (const route of routes) served.push((await timed(() => app.get(route)))[1])
  for (const route of routes) {
    // with a Cache-Control of its own, or fetch adds no-cache to a conditional request
    const [answer, elapsed] = await timed(() => app.get(route, { 'if-none-match': etags.get(route)!, 'cache-control': 'max-age=0' }))
    revalidated.push(elapsed)
    if (answer.status === 304) notModified++
  }
  const summary = summarise(served)
  return {
    [`tiles served from the cache, p50 / p95 (${summary.n})`]: `${seriesText(summary)}  ${summary.p95 < 50 ? 'met' : 'MISSED'}`,
    [`  again with the ETag: 304 for ${notModified} of ${routes.length}, p50 / p95`]: seriesText(summarise(revalidated)),
  }
}

/** Navigation to first parcels drawn and to the whole view drawn, in Chromium, signed in. */
async function pageFigures(app: Started, label: string): Promise<Figures> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
  try {
    const open = async (query: string) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
      const [name, value] = app.cookie.split('=') as [string, string]
      await context.addCookies([{ name, value, url: app.url }])
      const page = await context.newPage()
      await page.goto(`${app.url}/${query}#10/36.41/120.55`)
      await page.waitForSelector('.map[data-map-state="ready"]', { timeout: 120_000 })
      const result = await page.evaluate(() => ({
        first: Number(document.querySelector<HTMLElement>('.map')!.dataset.firstParcelsMs ?? NaN),
        ready: performance.now(),
      }))
      await context.close()
      return result
    }
    await open('') // warm: the browser's cache of the client, the server's query plans
    const runs = [await open(''), await open(''), await open('')]
    const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!
    const first = median(runs.map((r) => r.first))
    const figures: Figures = {
      [`page, ${label}: first parcels drawn (median of 3)`]: `${ms(first)}  ${first < 3000 ? 'met' : 'MISSED'}`,
      [`page, ${label}: whole view drawn`]: ms(median(runs.map((r) => r.ready))),
    }
    if (label === 'tiles cached') {
      const none = [await open('?q=NO-SUCH-PARCEL'), await open('?q=NO-SUCH-PARCEL')]
      figures['baseline page without parcels, view drawn'] = ms(median(none.map((r) => r.ready)))
    }
    return figures
  } finally {
    await browser.close()
  }
}

async function measure(label: string, url: string | undefined): Promise<Figures> {
  const { db, close } = await scratchDb(url, BENCH_DB, 'jiyuan-bench-tiles-')
  try {
    const { postgis } = await prepare(db)
    const [counts, loadMs] = await timed(() => loadSamples(db, LARGE))
    await db.exec('VACUUM ANALYZE')
    await createUser(db, { username: 'bench', password: PASSWORD, role: 'admin', town: null, displayName: null })
    console.log(`${label}: PostGIS ${postgis}, ${counts.parcels} parcels loaded in ${(loadMs / 1000).toFixed(1)} s`)
    const groups = await tileRoutes(db)
    const drawing = await start(db, postgis, 0)
    const caching = await start(db, postgis, readConfig({}).tileCacheBytes)
    try {
      const figures = { ...(await baselines(drawing)), ...(await drawnFigures(drawing, groups)) }
      Object.assign(figures, await servedFigures(caching, groups))
      if (!values['skip-page']) {
        Object.assign(figures, await pageFigures(caching, 'tiles cached'), await pageFigures(drawing, 'no tile cache'))
      }
      return figures
    } finally {
      for (const app of [drawing, caching]) await new Promise((resolve) => app.server.close(resolve))
    }
  } finally {
    await close()
  }
}

async function main(): Promise<void> {
  if (!existsSync(path.join(LARGE, 'parcels.geojson'))) {
    console.log('generating the large set (100,000 parcels) in data-samples/large/ …')
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generate-samples.ts', '--parcels', '100000'], {
      cwd: ROOT,
      stdio: 'inherit',
    })
    if (run.status !== 0) throw new Error('the large set could not be generated')
  }
  if (!values['skip-page']) await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn' })

  const columns: [string, Figures][] = [['embedded', await measure('embedded', undefined)]]
  if (values['database-url']) columns.push(['postgres', await measure('postgres', values['database-url'])])

  const rows = Object.keys(columns[0]![1])
  const width = Math.max(...rows.map((r) => r.length)) + 2
  console.log(`\n${''.padEnd(width)}${columns.map(([name]) => name.padEnd(28)).join('')}`)
  for (const row of rows) {
    console.log(`${row.padEnd(width)}${columns.map(([, f]) => (f[row] ?? '—').padEnd(28)).join('')}`)
  }
}

await main()

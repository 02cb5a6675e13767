/**
 * Pages through the district-scale parcel set with the OGC API the way
 * GDAL and QGIS do (limit, then the next links) and checks that every live
 * parcel comes back exactly once; prints the pages' timings, and those of
 * three parcel tiles over the district's middle.
 *
 *   npx tsx scripts/bench/ogc-paging.ts [--parcels 100000] [--limit 10000] [--database-url postgres://…]
 *
 * With --database-url the set is loaded into a scratch database on that
 * PostGIS server; without, into the embedded database (~1.6 GB of memory for
 * 100,000 parcels). The large sample set is made first when
 * data-samples/large/ has none. Exits 1 when a parcel is missing or repeated.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { createApp } from '../../server/src/app.ts'
import { createUser } from '../../server/src/auth/users.ts'
import { readConfig, ROOT } from '../../server/src/config.ts'
import type { Db } from '../../server/src/db/db.ts'
import { prepare } from '../../server/src/db/open.ts'
import { setLogLevel } from '../../server/src/log.ts'
import { loadSamples } from '../../server/src/samples/load.ts'
import { tileAt } from '../../server/src/tiles/grid.ts'
import { scratchDb } from './scratch.ts'

const { values } = parseArgs({
  options: {
    parcels: { type: 'string', default: '100000' },
    limit: { type: 'string', default: '10000' },
    'database-url': { type: 'string' },
  },
})
const PARCELS = Number(values.parcels)
const LARGE = path.join(ROOT, 'data-samples/large')
const BENCH_DB = 'jiyuan_bench_ogc'
const PASSWORD = 'bench-password-1'
setLogLevel('warn')

function ensureLargeSet(): void {
  const file = path.join(LARGE, 'parcels.geojson')
  const count = existsSync(file) ? readFileSync(file, 'utf8').split('"type":"Feature"').length - 1 : 0
  if (count === PARCELS) return
  console.log(`generating ${PARCELS} parcels into ${LARGE} …`)
  execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/generate-samples.ts'),
    '--parcels', String(PARCELS), '--out', LARGE], { stdio: 'inherit' })
}

/** Follows the next links from the first page; returns how often each id came. */
async function page(db: Db, postgis: string): Promise<boolean> {
  await createUser(db, { username: 'bench', password: PASSWORD, role: 'admin', town: null, displayName: null })
  const server = createServer(createApp({ config: { ...readConfig({}), port: 0 }, db, postgis }))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  try {
    const session = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: PASSWORD }),
    })
    const cookie = session.headers.get('set-cookie')!.split(';')[0]!
    const seen = new Map<number, number>()
    const times: number[] = []
    let next: string | undefined = `${url}/ogc/collections/parcels/items?limit=${values.limit}`
    let matched = 0
    while (next) {
      const started = performance.now()
      const response = await fetch(next, { headers: { cookie } })
      if (response.status !== 200) throw new Error(`${next}: HTTP ${response.status} ${await response.text()}`)
      const body = (await response.json()) as { numberMatched: number; features: { id: number }[]; links: { rel: string; href: string }[] }
      times.push(performance.now() - started)
      matched = body.numberMatched
      for (const f of body.features) seen.set(f.id, (seen.get(f.id) ?? 0) + 1)
      next = body.links.find((l) => l.rel === 'next')?.href
    }
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcels WHERE deleted_at IS NULL')
    const repeated = [...seen.values()].filter((n) => n > 1).length
    const total = times.reduce((a, b) => a + b, 0)
    console.log(`${db.driver}: ${times.length} pages of ${values.limit}, ${seen.size} distinct parcels of ` +
      `${rows[0]!.n} live (numberMatched ${matched}), ${repeated} repeated; ` +
      `${(total / 1000).toFixed(1)} s in all, slowest page ${Math.max(...times).toFixed(0)} ms, last ${times.at(-1)!.toFixed(0)} ms`)
    await timeTiles(url, cookie, db.driver)
    return seen.size === rows[0]!.n && repeated === 0 && matched === rows[0]!.n
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
}

/** The parcel tile over the district's middle (120.55°E, 36.41°N) at zooms 10, 12 and 14. */
async function timeTiles(url: string, cookie: string, driver: string): Promise<void> {
  for (const z of [10, 12, 14]) {
    const { x, y } = tileAt(120.55, 36.41, z)
    const started = performance.now()
    const response = await fetch(`${url}/tiles/parcels/${z}/${x}/${y}.mvt`, { headers: { cookie } })
    const bytes = (await response.arrayBuffer()).byteLength
    console.log(`${driver}: tile parcels/${z}/${x}/${y} ${(bytes / 1024).toFixed(0)} KB in ${(performance.now() - started).toFixed(0)} ms`)
  }
}

async function run(): Promise<boolean> {
  const { db, close } = await scratchDb(values['database-url'], BENCH_DB, 'jiyuan-bench-ogc-')
  try {
    const { postgis } = await prepare(db)
    await loadSamples(db, LARGE)
    return await page(db, postgis)
  } finally {
    await close()
  }
}

ensureLargeSet()
process.exit((await run()) ? 0 : 1)

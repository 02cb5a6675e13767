/**
 * Report timings on the sample district (5,000 parcels), through the HTTP
 * routes of a real app, with baselines measured in the same run:
 *
 *   npx tsx scripts/bench/reports.ts [--database-url postgres://…/postgres] [--runs 20]
 *
 * Without --database-url it uses the embedded database in a temporary folder
 * (the samples load in ~30 s first); with it, a scratch database
 * jiyuan_bench_reports is created on that server and dropped at the end.
 *
 * - dossier: GET /api/parcels/:id/report.pdf of a typical parcel (the median
 *   vertex count among parcels with findings), median and 95th percentile
 *   of --runs requests; target under 1 s. Baselines: GET /api/parcels/:id
 *   (the parcel as JSON) and a one-page PDF with the same font and no data.
 * - village ZIP: GET /api/villages/:code/dossiers.zip of a village given 200
 *   parcels of its town (their village code changed, nothing else);
 *   target under 60 s. Baseline: the Shapefile export of the same 200 parcels.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { createApp } from '../../server/src/app.ts'
import { createUser } from '../../server/src/auth/users.ts'
import { readConfig } from '../../server/src/config.ts'
import type { Db } from '../../server/src/db/db.ts'
import { prepare } from '../../server/src/db/open.ts'
import { scratchDb } from './scratch.ts'
import { JOB_HANDLERS } from '../../server/src/jobs/handlers.ts'
import { startJobWorker } from '../../server/src/jobs/worker.ts'
import { setLogLevel } from '../../server/src/log.ts'
import { newPdf, pdfBytes } from '../../server/src/reports/pdf.ts'
import { loadSamples } from '../../server/src/samples/load.ts'

const { values } = parseArgs({
  options: { 'database-url': { type: 'string' }, runs: { type: 'string', default: '20' } },
})
const RUNS = Number(values.runs)
const ZIP_PARCELS = 200
const BENCH_DB = 'jiyuan_bench_reports'
const PASSWORD = 'bench-password-1'
setLogLevel('warn')

const ms = (value: number) => `${Math.round(value)} ms`
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return performance.now() - started
}

async function series(runs: number, work: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await work() // warm: fonts parsed, plans cached
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push(await timed(work))
  times.sort((a, b) => a - b)
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95) }
}

async function main(): Promise<void> {
  const { db, close } = await scratchDb(values['database-url'], BENCH_DB, 'jiyuan-bench-reports-')
  try {
    const { postgis } = await prepare(db)
    const loaded = await timed(() => loadSamples(db, path.join(import.meta.dirname, '../../data-samples')))
    await createUser(db, { username: 'bench', password: PASSWORD, role: 'admin', town: null, displayName: null })
    const server = createServer(createApp({ config: { ...readConfig({}), port: 0 }, db, postgis }))
    // the district's check run is a background job, done by a worker as in npm start
    const worker = startJobWorker(db, JOB_HANDLERS, { pollMs: 200 })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const signIn = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: PASSWORD }) })
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!
    const get = async (route: string) => {
      const response = await fetch(url + route, { headers: { cookie } })
      const bytes = new Uint8Array(await response.arrayBuffer())
      if (response.status !== 200) throw new Error(`GET ${route}: ${response.status} ${new TextDecoder().decode(bytes).slice(0, 300)}`)
      return bytes
    }
    const post = (route: string, body: unknown) => fetch(url + route, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) })

    console.log(`driver ${db.driver}, PostGIS ${postgis}, samples loaded in ${ms(loaded)}`)
    const checks = await timed(async () => {
      const reply = await post('/api/checks', { kinds: ['overlap', 'encroachment', 'area', 'geometry'] })
      const { run_id } = (await reply.json()) as { run_id: number }
      for (;;) {
        const run = (await (await fetch(`${url}/api/checks/${run_id}?limit=0`, { headers: { cookie } })).json()) as { status: string }
        if (run.status === 'failed') throw new Error(`the check run failed: ${JSON.stringify(run)}`)
        if (run.status === 'done') break
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    })
    console.log(`checks of the district run first, so dossiers carry findings: ${ms(checks)}`)

    // a typical parcel: among parcels with findings, the median vertex count
    const { rows } = await db.query<{ id: number; code: string; vertices: number }>(
      `SELECT p.id, p.code, ST_NPoints(p.geom) AS vertices FROM parcels p
       WHERE EXISTS (SELECT 1 FROM check_findings f WHERE f.parcel_id = p.id) ORDER BY ST_NPoints(p.geom), p.id`,
    )
    const typical = rows[Math.floor(rows.length / 2)] ?? (await db.query<{ id: number; code: string; vertices: number }>('SELECT id, code, ST_NPoints(geom) AS vertices FROM parcels ORDER BY id LIMIT 1')).rows[0]!
    const json = await series(RUNS, () => get(`/api/parcels/${typical.id}`))
    const blank = await series(RUNS, () => {
      const doc = newPdf('baseline')
      doc.text(`地块核查报告 ${typical.code}`)
      return pdfBytes(doc)
    })
    const dossier = await series(RUNS, () => get(`/api/parcels/${typical.id}/report.pdf`))
    console.log(`\ndossier of ${typical.code} (${typical.vertices} vertices), ${RUNS} runs:`)
    console.log(`  baseline GET /api/parcels/:id       p50 ${ms(json.p50)}  p95 ${ms(json.p95)}`)
    console.log(`  baseline one-page PDF, same font    p50 ${ms(blank.p50)}  p95 ${ms(blank.p95)}`)
    console.log(`  GET /api/parcels/:id/report.pdf     p50 ${ms(dossier.p50)}  p95 ${ms(dossier.p95)}   target < 1000 ms: ${dossier.p95 < 1000 ? 'met' : 'MISSED'}`)

    // the village with most parcels, given 200 of its town's
    const { rows: villages } = await db.query<{ village: string; town: string }>(
      'SELECT village, town FROM parcels GROUP BY village, town ORDER BY count(*) DESC, village LIMIT 1',
    )
    const { village, town } = villages[0]!
    await db.query(
      `UPDATE parcels SET village = $1 WHERE id IN (
         SELECT id FROM parcels WHERE town = $2 ORDER BY village = $1 DESC, id LIMIT $3)`,
      [village, town, ZIP_PARCELS],
    )
    const shapefile = await timed(() => get(`/api/exports/parcels.zip?village=${village}`))
    let size = 0
    const zip = await timed(async () => (size = (await get(`/api/villages/${village}/dossiers.zip`)).length))
    console.log(`\nvillage ${village} with ${ZIP_PARCELS} parcels:`)
    console.log(`  baseline Shapefile export (zip)      ${ms(shapefile)}`)
    console.log(`  GET /api/villages/:code/dossiers.zip ${ms(zip)} (${(size / 1e6).toFixed(1)} MB, ${ms(zip / ZIP_PARCELS)} a dossier)   target < 60000 ms: ${zip < 60000 ? 'met' : 'MISSED'}`)
    await new Promise((resolve) => server.close(resolve))
    await worker.stop()
  } finally {
    await close()
  }
}

await main()

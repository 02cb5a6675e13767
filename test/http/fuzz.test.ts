// A seeded fuzz run of bad input against the parcel and import endpoints:
// malformed JSON, bent GeoJSON, broken CSV, zip and Shapefile files. Each
// answer must be below 500; a refused case must write nothing (checked per
// batch of cases: every table but the bookkeeping ones is compared, and the
// parcels and their history move only by what accepted cases report); the
// server must answer /api/health after every batch. The full run (10,500
// cases) goes to the PostGIS server when TEST_DATABASE_URL is set, else to
// the embedded database; the other backend, which runs the same handlers,
// gets a tenth of it. FUZZ_SEED picks another run, FUZZ_SCALE multiplies
// the number of cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_LIMITS } from '../../server/src/import/types.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { backends } from '../helpers/backends.ts'
import { baseFeature, mutateFeature, patchBody, type Spot } from '../helpers/fuzz/features.ts'
import { importFile } from '../helpers/fuzz/files.ts'
import { caseRandom, type Random } from '../helpers/fuzz/random.ts'
import { brokenJson, contentType } from '../helpers/fuzz/text.ts'
import { json } from '../helpers/fuzz/values.ts'
import { HUANXIU, newParcel, villageSpot } from '../helpers/workflow.ts'
import { fingerprintQuery } from '../helpers/fingerprint.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 20251204)
const SCALE = Number(process.env.FUZZ_SCALE ?? 1)
const CASES = { json: 2500, feature: 3000, patch: 2500, import: 2500 }
/** Cases in flight at once, and cases between two checks of the database. */
const LANES = 4
const BATCH = 200
/** The fuzz app unpacks at most 32 MiB per zip, so the 64 MiB bomb is refused quickly. */
const UNPACK_LIMIT = 32 * 1024 * 1024

const encoder = new TextEncoder()

interface Request {
  method: 'POST' | 'PATCH'
  path: string
  body: Uint8Array | FormData
  contentType: string | null
  ifMatch?: string
  /** true when the If-Match sent is deliberately not the parcel's ETag */
  staleOnPurpose?: boolean
  label: string
}

/** What one case did to the parcels when accepted: rows created, versions written. */
interface Effect {
  parcels: number
  versions: number
}

interface Outcome {
  index: number
  status: number
  code: string | null
  effect: Effect | null
  request: Request
}

/** Tables an accepted case writes: the parcels, their history, the re-check after a save, tile and job bookkeeping. */
const WRITTEN_WHEN_ACCEPTED = /^(parcels|parcel_versions)$|^check_|tile|job/

function preview(body: Uint8Array | FormData): string {
  if (body instanceof FormData) {
    const file = body.get('file') as File | null
    const fields = [...body.entries()].filter(([k]) => k !== 'file').map(([k, v]) => `${k}=${String(v).slice(0, 40)}`)
    return `file ${file?.name.slice(0, 60)} (${file?.size} bytes) ${fields.join(' ')}`
  }
  const text = Buffer.from(body.subarray(0, 300)).toString('utf8')
  return `${body.length} bytes: ${JSON.stringify(text)}`
}

const BACKENDS = backends()
/** The share of the cases a backend gets: all for the last one listed (the server when there is one). */
const share = (backend: string) => (backend === BACKENDS[BACKENDS.length - 1] ? 1 : 0.1)

describe.each(BACKENDS)('bad input on the %s database', (backend) => {
  let app: TestApp
  let admin: Client
  let editor: Client
  let spot: Spot
  /** one parcel per lane for PATCH cases, with its current ETag */
  const targets: { id: number; etag: string }[] = []
  let fingerprintSql: string
  let run = 0

  beforeAll(async () => {
    app = await startTestApp(backend, { importLimits: { ...DEFAULT_LIMITS, maxUncompressedBytes: UNPACK_LIMIT } })
    admin = await app.as('admin')
    editor = await app.as('editorHuanxiu')
    spot = { town: HUANXIU, ...(await villageSpot(app, HUANXIU)) }
    for (let lane = 0; lane < LANES; lane++) {
      const parcel = await newParcel(app, admin, HUANXIU, `T-FZ-PATCH-${lane}`, lane)
      targets.push({ id: parcel.properties.id, etag: `"${parcel.properties.version}"` })
    }
    fingerprintSql = await fingerprintQuery(app.db)
    console.log(`fuzz seed ${SEED}, scale ${SCALE} (FUZZ_SEED, FUZZ_SCALE)`)
  })
  afterAll(async () => app?.close())

  async function fingerprint(): Promise<Map<string, string>> {
    const { rows } = await app.db.query<{ name: string; n: number; xmins: string }>(fingerprintSql)
    return new Map(rows.map((row) => [row.name, `${row.n}/${row.xmins}`]))
  }

  async function counts(): Promise<Effect> {
    const { rows } = await app.db.query<{ parcels: number; versions: number }>(
      'SELECT (SELECT count(*)::int FROM parcels) AS parcels, (SELECT count(*)::int FROM parcel_versions) AS versions',
    )
    return rows[0]!
  }

  async function send(request: Request, client: Client): Promise<{ status: number; body: any; etag: string | null }> {
    const headers: Record<string, string> = { cookie: client.cookie! }
    if (request.contentType !== null && !(request.body instanceof FormData)) headers['content-type'] = request.contentType
    if (request.ifMatch !== undefined) headers['if-match'] = request.ifMatch
    const response = await fetch(app.url + request.path, { method: request.method, headers, body: request.body as BodyInit })
    const text = await response.text()
    let body: any = null
    try {
      body = JSON.parse(text)
    } catch {
      // not JSON
    }
    return { status: response.status, body, etag: response.headers.get('etag') }
  }

  /** The effect an accepted answer reports. */
  function effectOf(request: Request, status: number, body: any): Effect | null {
    if (status >= 300) return null
    if (request.path === '/api/imports') {
      if (body?.status !== 'stored') return { parcels: 0, versions: 0 }
      return { parcels: body.created, versions: body.created + body.updated }
    }
    return request.method === 'POST' ? { parcels: 1, versions: 1 } : { parcels: 0, versions: 1 }
  }

  /**
   * Runs `count` cases of a family in batches; returns what went wrong, one
   * line per case or batch.
   */
  async function fuzz(family: string, count: number, make: (r: Random, index: number, lane: number) => Request): Promise<string[]> {
    const wrong: string[] = []
    const started = Date.now()
    const statuses = new Map<number, number>()
    const label = (o: Outcome) => `${family} #${o.index} (${o.request.label}): ${o.status} ${o.code ?? ''} ← ${o.request.method} ${o.request.path} ${preview(o.request.body)}`
    // each batch's state after is the next one's before: nothing else writes in between
    let before = await fingerprint()
    let countsBefore = await counts()
    for (let start = 0; start < count; start += BATCH) {
      const outcomes: Outcome[] = []
      let next = start
      const end = Math.min(count, start + BATCH)
      await Promise.all(Array.from({ length: LANES }, async (_, lane) => {
        while (next < end) {
          const index = next++
          const r = caseRandom(SEED, family, index)
          const request = make(r, index, lane)
          const client = r.chance(0.1) ? editor : admin
          const reply = await send(request, client)
          const target = targets[lane]!
          if (request.method === 'PATCH' && reply.status === 200 && reply.etag) target.etag = reply.etag
          outcomes.push({ index, status: reply.status, code: reply.body?.error?.code ?? null, effect: effectOf(request, reply.status, reply.body), request })
        }
      }))

      for (const o of outcomes) {
        statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1)
        if (o.status >= 500) wrong.push(`5xx: ${label(o)}`)
        if (o.status === 412 && !o.request.staleOnPurpose) wrong.push(`a refused case changed the parcel's version before: ${label(o)}`)
      }
      const after = await fingerprint()
      const accepted = outcomes.filter((o) => o.effect !== null)
      const changed = [...after].filter(([name, value]) => before.get(name) !== value).map(([name]) => name)
      const allowed = accepted.length > 0 ? WRITTEN_WHEN_ACCEPTED : null
      const unexplained = changed.filter((name) => !allowed?.test(name))
      if (unexplained.length > 0) {
        wrong.push(`batch ${family} #${start}–${end - 1} (${accepted.length} accepted) changed ${unexplained.join(', ')}`)
      }
      const countsAfter = await counts()
      const expected = accepted.reduce((sum, o) => ({ parcels: sum.parcels + o.effect!.parcels, versions: sum.versions + o.effect!.versions }), countsBefore)
      if (countsAfter.parcels !== expected.parcels || countsAfter.versions !== expected.versions) {
        wrong.push(`batch ${family} #${start}–${end - 1}: parcels ${countsBefore.parcels} → ${countsAfter.parcels}, versions ${countsBefore.versions} → ${countsAfter.versions}, but the accepted cases account for ${JSON.stringify(expected)}`)
      }
      const health = await fetch(`${app.url}/api/health`)
      if (health.status !== 200) wrong.push(`after batch ${family} #${start}: /api/health answered ${health.status}`)
      if (wrong.length > 50) break
      before = after
      countsBefore = countsAfter
    }
    const tally = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ')
    console.log(`fuzz ${family} on ${backend}: ${count} cases in ${((Date.now() - started) / 1000).toFixed(1)} s: ${tally}`)
    return wrong
  }

  const code = (family: string, index: number) => `FZ${run}${family.slice(0, 1).toUpperCase()}${index}`

  it('answers malformed JSON bodies to POST and PATCH /api/parcels with a refusal, and writes nothing', async () => {
    run++
    const wrong = await fuzz('json', Math.round(CASES.json * SCALE * share(backend)), (r, index, lane) => {
      const patch = r.chance(0.4)
      const text = json(patch ? patchBody(spot, code('json', index), r) : baseFeature(spot, code('json', index), r))
      return {
        method: patch ? 'PATCH' : 'POST',
        path: patch ? `/api/parcels/${targets[lane]!.id}` : '/api/parcels',
        body: brokenJson(text, r),
        contentType: contentType(r),
        ifMatch: patch ? targets[lane]!.etag : undefined,
        label: 'broken JSON',
      }
    })
    expect(wrong).toEqual([])
  }, 600_000)

  it('never answers 5xx to bent GeoJSON parcels on POST /api/parcels, and stores only what it accepts', async () => {
    run++
    const wrong = await fuzz('feature', Math.round(CASES.feature * SCALE * share(backend)), (r, index) => ({
      method: 'POST',
      path: '/api/parcels',
      body: encoder.encode(json(mutateFeature(baseFeature(spot, code('feature', index), r), r))),
      contentType: r.chance(0.95) ? 'application/json' : contentType(r),
      label: 'bent feature',
    }))
    expect(wrong).toEqual([])
  }, 600_000)

  it('never answers 5xx to bent partial features on PATCH /api/parcels/:id, and writes nothing it refuses', async () => {
    run++
    const wrong = await fuzz('patch', Math.round(CASES.patch * SCALE * share(backend)), (r, index, lane) => {
      const target = targets[lane]!
      const stale = r.chance(0.05)
      return {
        method: 'PATCH',
        path: `/api/parcels/${r.chance(0.02) ? r.pick(['0', '999999999', '-1', 'abc', '1e3', '%00', '1.5']) : target.id}`,
        body: encoder.encode(json(patchBody(spot, code('patch', index), r))),
        contentType: 'application/json',
        ifMatch: stale ? r.pick(['"0"', '"999"', 'W/"1"', '*', '', '"1", "2"', 'x'.repeat(5000)]) : target.etag,
        staleOnPurpose: stale,
        label: 'bent patch',
      }
    })
    expect(wrong).toEqual([])
  }, 600_000)

  it('never answers 5xx to broken GeoJSON, CSV, zip and Shapefile files on POST /api/imports, and stores only what it accepts', async () => {
    run++
    const wrong = await fuzz('import', Math.round(CASES.import * SCALE * share(backend)), (r, index) => {
      const file = importFile(spot, code('import', index), r)
      const form = new FormData()
      for (const [name, value] of Object.entries(file.fields)) form.append(name, value)
      form.append('file', new Blob([file.bytes as BlobPart]), file.name)
      return { method: 'POST', path: '/api/imports', body: form, contentType: null, label: `file ${file.name.slice(0, 40)}` }
    })
    expect(wrong).toEqual([])
  }, 600_000)

  it('still answers /api/health and serves the parcels it was fuzzed with afterwards', async () => {
    expect((await admin.get('/api/health')).status).toBe(200)
    for (const target of targets) {
      const reply = await admin.get(`/api/parcels/${target.id}`)
      expect(reply.status).toBe(200)
      expect(reply.headers.get('etag')).toBe(target.etag)
    }
  })
})

// Twenty clients editing at once through the HTTP API, each with its own
// session: some parcels every client fights over, and one parcel each. Every
// edit reads the parcel and writes it back under If-Match, so an edit either
// lands or gets 412; none may be lost, none recorded twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { backends } from '../helpers/backends.ts'
import { HUANXIU, newParcel, rowCount, square, villageSpot } from '../helpers/workflow.ts'

const CLIENTS = 20
const ROUNDS = 8
const CONTESTED = 3

interface Edit {
  client: number
  round: number
  parcelId: number
  /** the name the edit writes, unique to it */
  marker: string
  status: number
  /** the version the edit made, when it landed */
  version: number | null
  error: string | null
}

describe.each(backends())('twenty clients editing at once on the %s database', (backend) => {
  let app: TestApp
  let clients: Client[]
  let contested: any[]
  let own: any[]
  let spot: { village: string; lon: number; lat: number }

  beforeAll(async () => {
    app = await startTestApp(backend)
    const admin = await app.as('admin')
    // half admins, half the town's editors, each client with a session of its own
    clients = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => app.as(i % 2 === 0 ? 'admin' : 'editorHuanxiu')),
    )
    spot = await villageSpot(app, HUANXIU)
    contested = []
    for (let i = 0; i < CONTESTED; i++) contested.push(await newParcel(app, admin, HUANXIU, `T-CC-SHARED-${i}`, i))
    own = []
    for (let i = 0; i < CLIENTS; i++) own.push(await newParcel(app, admin, HUANXIU, `T-CC-OWN-${i}`, CONTESTED + i))
  })
  afterAll(async () => app?.close())

  /** Reads the parcel, then writes it back under its ETag: a new name, now and then a moved outline. */
  async function edit(client: Client, index: number, round: number, parcel: any): Promise<Edit> {
    const marker = `c${index}-r${round}-p${parcel.id}`
    const read = await client.get(`/api/parcels/${parcel.id}`)
    if (read.status !== 200) {
      return { client: index, round, parcelId: parcel.id, marker, status: read.status, version: null, error: `read: ${JSON.stringify(read.body)}` }
    }
    const change: Record<string, unknown> = { properties: { name: marker, attributes: { client: index, round } } }
    if (round % 3 === 2) {
      const [lon, lat] = read.body.geometry.coordinates[0][0][0]
      change.geometry = square(lon, lat, 0.0002 + 0.000001 * (index + 1))
    }
    const written = await client.patch(`/api/parcels/${parcel.id}`, change, { 'if-match': read.headers.get('etag')! })
    return {
      client: index,
      round,
      parcelId: parcel.id,
      marker,
      status: written.status,
      version: written.status === 200 ? written.body.properties.version : null,
      error: written.status === 200 ? null : written.body?.error?.code ?? String(written.body),
    }
  }

  it('lands or refuses with 412 every edit, keeps each landed edit in the history exactly once, and counts up the versions without a gap', async () => {
    const parcelsBefore = await rowCount(app, 'parcels')
    const versionsBefore = await rowCount(app, 'parcel_versions')

    // every client at once: rounds alternate between a contested parcel and its own
    const edits = (await Promise.all(clients.map(async (client, index) => {
      const done: Edit[] = []
      for (let round = 0; round < ROUNDS; round++) {
        const parcel = round % 2 === 0 ? contested[(index + round) % CONTESTED] : own[index]
        done.push(await edit(client, index, round, parcel))
      }
      return done
    }))).flat()

    const unexpected = edits.filter((e) => e.status !== 200 && e.status !== 412)
    expect(unexpected, 'answers other than 200 and 412').toEqual([])
    const landed = edits.filter((e) => e.status === 200)
    const refused = edits.filter((e) => e.status === 412)
    expect(refused.every((e) => e.error === 'version_conflict')).toBe(true)
    // the contested parcels were really fought over; a client's own parcel never was
    expect(refused.length).toBeGreaterThan(0)
    expect(refused.filter((e) => own.some((p) => p.id === e.parcelId))).toEqual([])

    for (const parcel of [...contested, ...own]) {
      const mine = landed.filter((e) => e.parcelId === parcel.id)
      const { rows: history } = await app.db.query<{ version: number; name: string }>(
        `SELECT version, after->>'name' AS name FROM parcel_versions WHERE parcel_id = $1 ORDER BY version`,
        [parcel.id],
      )
      const { rows: [now] } = await app.db.query<{ version: number; name: string }>('SELECT version, name FROM parcels WHERE id = $1', [parcel.id])
      // versions 1 … n without a gap, one per landed edit after the creation
      expect(history.map((h) => h.version)).toEqual(Array.from({ length: mine.length + 1 }, (_, i) => i + 1))
      expect(now!.version).toBe(mine.length + 1)
      // each landed edit made the version it was answered with, and nothing else did
      expect(mine.map((e) => e.version).sort((a, b) => a! - b!)).toEqual(history.slice(1).map((h) => h.version))
      for (const e of mine) expect(history.find((h) => h.version === e.version)!.name).toBe(e.marker)
      // the parcel holds the last landed edit
      if (mine.length > 0) expect(now!.name).toBe(mine.find((e) => e.version === now!.version)!.marker)
    }
    // no refused edit left a trace
    const refusedMarkers = refused.map((e) => e.marker)
    const { rows: traces } = await app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM parcel_versions WHERE after->>'name' = ANY ($1::text[])`,
      [refusedMarkers],
    )
    expect(traces[0]!.n).toBe(0)

    expect(await rowCount(app, 'parcels')).toBe(parcelsBefore)
    expect(await rowCount(app, 'parcel_versions')).toBe(versionsBefore + landed.length)
    // each client's own parcel took every one of its edits
    expect(landed.filter((e) => own.some((p) => p.id === e.parcelId))).toHaveLength(CLIENTS * (ROUNDS / 2))
  })

  it('creates a parcel once when twenty clients register the same code at once, refusing the others as duplicates', async () => {
    const parcelsBefore = await rowCount(app, 'parcels')
    const versionsBefore = await rowCount(app, 'parcel_versions')
    const feature = (i: number) => ({
      type: 'Feature',
      properties: { code: 'T-CC-SAME', name: `client ${i}`, town: HUANXIU, village: spot.village, category: 'intensive_use' },
      geometry: square(spot.lon + 0.01, spot.lat + 0.002 + i * 0.00001),
    })
    const replies = await Promise.all(clients.map((client, i) => client.post('/api/parcels', feature(i))))

    expect(replies.filter((r) => r.status !== 201 && r.status !== 409).map((r) => r.status)).toEqual([])
    const created = replies.filter((r) => r.status === 201)
    expect(created).toHaveLength(1)
    expect(replies.filter((r) => r.status === 409).every((r) => r.body.error.code === 'duplicate_code')).toBe(true)
    expect(await rowCount(app, 'parcels')).toBe(parcelsBefore + 1)
    expect(await rowCount(app, 'parcel_versions')).toBe(versionsBefore + 1)
  })

  it('lets twenty clients create twenty parcels at once, each with its one creation in the history', async () => {
    const parcelsBefore = await rowCount(app, 'parcels')
    const versionsBefore = await rowCount(app, 'parcel_versions')
    const replies = await Promise.all(clients.map((client, i) => client.post('/api/parcels', {
      type: 'Feature',
      properties: { code: `T-CC-NEW-${i}`, town: HUANXIU, village: spot.village, category: 'intensive_use' },
      geometry: square(spot.lon + 0.012, spot.lat + i * 0.0003),
    })))

    expect(replies.map((r) => r.status)).toEqual(Array(CLIENTS).fill(201))
    const ids = replies.map((r) => r.body.properties.id)
    expect(new Set(ids).size).toBe(CLIENTS)
    const { rows } = await app.db.query<{ parcel_id: number; n: number; action: string }>(
      `SELECT parcel_id, count(*)::int AS n, min(action) AS action FROM parcel_versions
       WHERE parcel_id = ANY ($1::int[]) GROUP BY parcel_id`,
      [ids],
    )
    expect(rows).toHaveLength(CLIENTS)
    expect(rows.every((r) => r.n === 1 && r.action === 'create')).toBe(true)
    expect(await rowCount(app, 'parcels')).toBe(parcelsBefore + CLIENTS)
    expect(await rowCount(app, 'parcel_versions')).toBe(versionsBefore + CLIENTS)
  })
})

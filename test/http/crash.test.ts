import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../../server/src/config.ts'
import type { Db } from '../../server/src/db/db.ts'
import { openEmbedded } from '../../server/src/db/embedded.ts'
import { openServer } from '../../server/src/db/server.ts'
import { backends } from '../helpers/backends.ts'
import type { Client } from '../helpers/app.ts'
import { embeddedDataDir, serverDatabase, spawnServer, type ServerProcess, type Store } from '../helpers/process.ts'

const HUANXIU = '370215001'
const COPIES = 4

/** The sample district's parcels four times over under new codes: 20,000 parcels in one file. */
function largeImport(): { file: string; count: number } {
  const samples = JSON.parse(readFileSync(path.join(ROOT, 'data-samples/parcels.geojson'), 'utf8'))
  const features = []
  for (let copy = 0; copy < COPIES; copy++) {
    for (const feature of samples.features) {
      const { status: _status, ...properties } = feature.properties
      features.push({ ...feature, properties: { ...properties, code: `CR${copy}-${properties.code}` } })
    }
  }
  return { file: JSON.stringify({ type: 'FeatureCollection', features }), count: features.length }
}

interface Ack {
  id: number
  version: number
  ownership: string
}

describe.each(backends())('a server killed with SIGKILL on the %s database', (backend) => {
  let store: Store
  let drop: () => Promise<void>
  let server: ServerProcess | null = null

  beforeAll(async () => {
    if (backend === 'embedded') {
      const made = await embeddedDataDir()
      store = { dataDir: made.dir }
      drop = made.drop
    } else {
      const made = await serverDatabase()
      store = { databaseUrl: made.url }
      drop = made.drop
    }
  })
  afterAll(async () => {
    await server?.kill()
    await drop?.()
  })

  const start = async () => {
    await server?.stop()
    server = await spawnServer(store, { LOG_LEVEL: 'debug' })
    return server
  }

  /** SQL on the store: the embedded data directory only while no server holds it. */
  async function inspect<T>(work: (db: Db) => Promise<T>): Promise<T> {
    if ('dataDir' in store) await server?.stop()
    const db = 'dataDir' in store ? await openEmbedded({ dataDir: store.dataDir }) : await openServer(store.databaseUrl)
    try {
      return await work(db)
    } finally {
      await db.close()
    }
  }

  const count = async (db: Db, sql: string, params: unknown[] = []) =>
    (await db.query<{ n: number }>(sql, params)).rows[0]!.n

  it('loses no acknowledged edit and leaves none half-written when killed among edits', { timeout: 300_000 }, async () => {
    const first = await start()
    const admin = await first.as('admin')
    const listed = await admin.get(`/api/parcels?town=${HUANXIU}&limit=9`)
    const parcels = listed.body.features.map((f: any) => ({ id: f.id as number, version: f.properties.version as number }))
    expect(parcels).toHaveLength(9)

    // Four clients edit at once: each its own two parcels, and all of them the ninth.
    const acks: Ack[] = []
    let killed = false
    const client = async (worker: number, editor: Client) => {
      const mine = [parcels[worker]!, parcels[worker + 4]!, parcels[8]!]
      for (let n = 0; !killed; n++) {
        const target = mine[n % mine.length]!
        try {
          const current = await editor.get(`/api/parcels/${target.id}`)
          const ownership = `w${worker}-n${n}`
          // Every other edit moves the outline by 1e-6° (~0.1 m), so the history keeps geometry too.
          const geometry = n % 2 === 0 ? nudge(current.body.geometry) : undefined
          const reply = await editor.patch(`/api/parcels/${target.id}`, { properties: { ownership }, ...(geometry ? { geometry } : {}) }, {
            'if-match': current.headers.get('etag')!,
          })
          if (reply.status === 200) acks.push({ id: target.id, version: reply.body.properties.version, ownership })
          else expect(reply.status).toBe(412)
        } catch {
          return // the server is gone
        }
      }
    }
    const editors = await Promise.all([0, 1, 2, 3].map(() => first.as('admin')))
    const clients = editors.map((editor, worker) => client(worker, editor))
    while (acks.length < 16) await new Promise((resolve) => setTimeout(resolve, 5))
    killed = true
    await first.kill()
    await Promise.all(clients)
    const acknowledged = [...acks]

    // The restarted server answers with every acknowledged edit.
    const second = await start()
    const reader = await second.as('admin')
    for (const ack of acknowledged) {
      const read = await reader.get(`/api/parcels/${ack.id}`)
      expect(read.status).toBe(200)
      expect(read.body.properties.version).toBeGreaterThanOrEqual(ack.version)
    }

    await inspect(async (db) => {
      // Each acknowledged edit is in the history as it was answered.
      for (const ack of acknowledged) {
        const { rows } = await db.query<{ ownership: string }>(
          `SELECT after->>'ownership' AS ownership FROM parcel_versions WHERE parcel_id = $1 AND version = $2`,
          [ack.id, ack.version],
        )
        expect(rows[0]?.ownership, `parcel ${ack.id} version ${ack.version}`).toBe(ack.ownership)
      }
      // Every parcel's row is its last version, and no version is missing.
      expect(await count(db, `SELECT count(*)::int AS n FROM parcels p,
          LATERAL (SELECT count(*) AS versions, max(version) AS last FROM parcel_versions v WHERE v.parcel_id = p.id) h
        WHERE h.versions <> p.version OR h.last <> p.version`)).toBe(0)
      expect(await count(db, `SELECT count(*)::int AS n FROM parcels p
        JOIN parcel_versions v ON v.parcel_id = p.id AND v.version = p.version
        WHERE v.after->>'ownership' IS DISTINCT FROM p.ownership
           OR abs((v.after->>'area_m2')::float8 - p.area_m2) > 1e-6`)).toBe(0)
      // Each committed edit has its audit row, from the same transaction; an
      // edit in flight when the process died left neither.
      const ids = parcels.map((p: { id: number }) => p.id)
      const edits = await count(db, `SELECT count(*)::int AS n FROM parcel_versions WHERE parcel_id = ANY($1) AND action = 'update'`, [ids])
      const audited = await count(db, `SELECT count(*)::int AS n FROM audit_log
        WHERE method = 'PATCH' AND outcome IN ('ok', 'committed') AND target = ANY($1)`, [ids.map((id: number) => `parcel:${id}`)])
      expect(edits).toBeGreaterThanOrEqual(acknowledged.length)
      expect(audited).toBe(edits)
    })
  })

  it('finishes after a restart a district check run whose process was killed in the middle of it', { timeout: 400_000 }, async () => {
    const first = await start()
    const analyst = await first.as('analyst')
    const started = await analyst.post('/api/checks', { kinds: ['overlap', 'encroachment', 'area', 'geometry'] })
    expect(started.body.status).toBe('queued')
    const runId = started.body.run_id as number
    // Killed once it has got past preparing the layers: some of its work is written.
    for (;;) {
      const run = (await analyst.get(`/api/checks/${runId}?limit=0`)).body
      expect(run.status).not.toBe('done')
      if (run.status === 'running' && run.step !== 'prepare') break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await first.kill()

    if ('databaseUrl' in store) {
      // On a server another process would take it once the lease lapses (60 s); let it lapse now.
      await inspect((db) => db.query(`UPDATE jobs SET lease_until = now() - interval '1 second' WHERE kind = 'check_run' AND ref = $1`, [runId]))
    }
    const second = await start()
    const reader = await second.as('analyst')
    let run: Record<string, any> = {}
    for (const end = Date.now() + 300_000; Date.now() < end;) {
      run = (await reader.get(`/api/checks/${runId}?limit=0`)).body
      if (run.status === 'done' || run.status === 'failed') break
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    expect(run.status, run.error).toBe('done')
    expect(run.progress.parcels_done).toBe(run.progress.parcels_total)

    await inspect(async (db) => {
      const { rows } = await db.query<{ attempts: number; locked_by: string; status: string }>(
        `SELECT attempts, locked_by, status FROM jobs WHERE kind = 'check_run' AND ref = $1`,
        [runId],
      )
      expect(rows[0]).toMatchObject({ attempts: 2, status: 'done' })
      expect(Number(rows[0]!.locked_by.split(':')[1])).toBe(second.child.pid)
      // Nothing of the killed attempt is left beside the finished one's findings.
      expect(await count(db, 'SELECT count(*)::int AS n FROM check_findings WHERE run_id = $1', [runId])).toBe(run.summary.findings)
      expect(await count(db, 'SELECT count(*)::int AS n FROM check_pairs WHERE run_id = $1', [runId])).toBe(0)
    })
  })

  it('leaves an import killed inside its transaction wholly absent, and takes it whole after a restart', { timeout: 400_000 }, async () => {
    const { file, count: features } = largeImport()
    const before = await inspect((db) => count(db, 'SELECT count(*)::int AS n FROM parcels'))

    const first = await start()
    const admin = await first.as('admin')
    const upload = admin.upload('crash.geojson', file).catch((error: unknown) => error)
    // The statement that writes the parcels (and, through its trigger, their history) has begun.
    await first.waitFor(/sql sql="INSERT INTO parcels \(code, geom, import_id/, 300_000)
    await first.kill()
    expect(await upload).toBeInstanceOf(Error)

    await start()
    await inspect(async (db) => {
      expect(await count(db, `SELECT count(*)::int AS n FROM parcels WHERE code LIKE 'CR_-%'`)).toBe(0)
      expect(await count(db, 'SELECT count(*)::int AS n FROM parcels')).toBe(before)
      expect(await count(db, `SELECT count(*)::int AS n FROM parcel_versions v JOIN parcels p ON p.id = v.parcel_id WHERE p.code LIKE 'CR_-%'`)).toBe(0)
      expect(await count(db, `SELECT count(*)::int AS n FROM imports WHERE file_name = 'crash.geojson'`)).toBe(0)
      expect(await count(db, `SELECT count(*)::int AS n FROM audit_log WHERE kind = 'imports'`)).toBe(0)
    })

    const again = await start()
    const stored = await (await again.as('admin')).upload('crash.geojson', file)
    expect(stored.status, JSON.stringify(stored.body).slice(0, 500)).toBe(201)
    expect(stored.body.accepted).toBe(features)
    await inspect(async (db) => {
      expect(await count(db, `SELECT count(*)::int AS n FROM parcels WHERE code LIKE 'CR_-%'`)).toBe(features)
      expect(await count(db, `SELECT count(*)::int AS n FROM parcel_versions v JOIN parcels p ON p.id = v.parcel_id WHERE p.code LIKE 'CR_-%'`)).toBe(features)
      expect(await count(db, `SELECT count(*)::int AS n FROM imports WHERE file_name = 'crash.geojson' AND accepted = $1`, [features])).toBe(1)
    })
  })
})

/** The outline moved east by 1e-6° (about 0.1 m at Jimo). */
function nudge(geometry: { type: string; coordinates: any }): { type: string; coordinates: any } {
  const move = (c: any): any => (typeof c[0] === 'number' ? [c[0] + 1e-6, c[1]] : c.map(move))
  return { type: geometry.type, coordinates: move(geometry.coordinates) }
}

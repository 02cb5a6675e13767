import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openServer } from '../../server/src/db/server.ts'
import type { Db } from '../../server/src/db/db.ts'
import { backends } from '../helpers/backends.ts'
import { Client } from '../helpers/app.ts'
import { TEST_USERS } from '../helpers/fixtures.ts'
import { serverDatabase, spawnServer, type ServerProcess } from '../helpers/process.ts'

const TIANHENG = '370215101'
const onServer = backends().includes('postgres')
if (!onServer) console.warn('TEST_DATABASE_URL is not set: the two-process test against one PostGIS server is skipped')

describe.skipIf(!onServer)('two server processes on one PostGIS database', () => {
  let database: Awaited<ReturnType<typeof serverDatabase>>
  let db: Db
  let a: ServerProcess
  let b: ServerProcess

  beforeAll(async () => {
    database = await serverDatabase()
    // One after the other: both would migrate at once safely (an advisory
    // lock), but their start-up logs are easier to read apart.
    a = await spawnServer({ databaseUrl: database.url })
    b = await spawnServer({ databaseUrl: database.url })
    db = await openServer(database.url)
  })
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
    await db?.close()
    await database?.drop()
  })

  it('are two processes', () => {
    expect(a.child.pid).not.toBe(b.child.pid)
    expect(a.url).not.toBe(b.url)
  })

  it('honour on one a session signed in on the other, and end it on both', async () => {
    const onA = await a.as('editorHuanxiu')
    const onB = new Client(b.url)
    onB.cookie = onA.cookie
    const session = await onB.get('/api/session')
    expect(session.body.user).toMatchObject({ username: 'editor_hx', role: 'town_editor' })
    expect((await onB.get('/api/parcels?limit=1')).status).toBe(200)

    expect((await onB.delete('/api/session')).status).toBe(204)
    onA.cookie = onB.cookie ?? onA.cookie
    expect((await onA.get('/api/session')).body.user).toBeNull()
  })

  it('count failed sign-ins together: failures on one lock the name out on the other', async () => {
    const name = TEST_USERS.editorTianheng.username
    for (let i = 0; i < 5; i++) expect((await a.anonymous().post('/api/session', { username: name, password: `bad-${i}-pw` })).status).toBe(401)
    const locked = await b.anonymous().post('/api/session', { username: name, password: TEST_USERS.editorTianheng.password })
    expect(locked.status).toBe(429)
    await db.query('DELETE FROM login_attempts WHERE username = $1', [name])
  })

  it('let exactly one of two edits of the same version land, the other getting 412', async () => {
    const [editorA, editorB] = await Promise.all([a.as('editorHuanxiu'), b.as('editorHuanxiu')])
    const { rows } = await db.query<{ id: number; version: number }>(
      `SELECT id, version FROM parcels WHERE town = '370215001' AND deleted_at IS NULL ORDER BY id LIMIT 1`,
    )
    const parcel = rows[0]!
    const etag = `"${parcel.version}"`
    const [fromA, fromB] = await Promise.all([
      editorA.patch(`/api/parcels/${parcel.id}`, { properties: { ownership: '甲进程' } }, { 'if-match': etag }),
      editorB.patch(`/api/parcels/${parcel.id}`, { properties: { ownership: '乙进程' } }, { 'if-match': etag }),
    ])
    expect([fromA.status, fromB.status].sort()).toEqual([200, 412])
    const winner = fromA.status === 200 ? '甲进程' : '乙进程'

    const after = await db.query<{ version: number; ownership: string }>('SELECT version, ownership FROM parcels WHERE id = $1', [parcel.id])
    expect(after.rows[0]).toEqual({ version: parcel.version + 1, ownership: winner })
    const history = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcel_versions WHERE parcel_id = $1 AND version > $2', [parcel.id, parcel.version])
    expect(history.rows[0]!.n).toBe(1)

    // Each process sees the other's write at once: nothing is cached per process.
    for (const server of [editorA, editorB]) {
      const read = await server.get(`/api/parcels/${parcel.id}`)
      expect(read.headers.get('etag')).toBe(`"${parcel.version + 1}"`)
      expect(read.body.properties.ownership).toBe(winner)
    }
    // A follow-up on the other process with the new ETag lands.
    const loser = fromA.status === 200 ? editorB : editorA
    const next = await loser.patch(`/api/parcels/${parcel.id}`, { properties: { ownership: '随后' } }, { 'if-match': `"${parcel.version + 1}"` })
    expect(next.status).toBe(200)
  })

  it('show a check run started on one as it goes and when done on the other, run by one of them', async () => {
    const [analystA, analystB] = await Promise.all([a.as('analyst'), b.as('analyst')])
    const started = await analystA.post('/api/checks', { kinds: ['area', 'geometry'], town: TIANHENG })
    expect(started.status).toBe(201)
    expect(started.body.status).toBe('queued')
    const seen = new Set<string>()
    let run: Record<string, any> = {}
    for (const end = Date.now() + 120_000; Date.now() < end;) {
      run = (await analystB.get(`/api/checks/${started.body.run_id}?limit=0`)).body
      seen.add(run.status)
      if (run.status === 'done' || run.status === 'failed') break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(run.status, run.error).toBe('done')
    expect(run.progress.parcels_done).toBe(run.progress.parcels_total)
    expect(run.progress.parcels_total).toBeGreaterThan(0)

    const { rows } = await db.query<{ locked_by: string; status: string }>(
      `SELECT locked_by, status FROM jobs WHERE kind = 'check_run' AND ref = $1`,
      [started.body.run_id],
    )
    expect(rows[0]!.status).toBe('done')
    const pid = Number(rows[0]!.locked_by.split(':')[1])
    expect([a.child.pid, b.child.pid]).toContain(pid)
    // Both processes answer the same findings.
    const [listA, listB] = await Promise.all([
      analystA.get(`/api/checks/${started.body.run_id}?geometry=0&limit=10000`),
      analystB.get(`/api/checks/${started.body.run_id}?geometry=0&limit=10000`),
    ])
    expect(listA.body.findings_total).toBeGreaterThan(0)
    expect(listA.body.findings).toEqual(listB.body.findings)
  })

  it('share one audit log: writes through either are read through the other', async () => {
    const [adminA, adminB] = await Promise.all([a.as('admin'), b.as('admin')])
    const made = await adminA.post('/api/tokens', { name: 'scale-out' })
    expect(made.status).toBe(201)
    const log = await adminB.get(`/api/audit?target=token:${made.body.id}`)
    expect(log.body.entries).toHaveLength(1)
    expect(log.body.entries[0]).toMatchObject({ action: 'POST /api/tokens', status: 201, user: 'admin' })
  })
})

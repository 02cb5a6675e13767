import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { TEST_USERS } from '../helpers/fixtures.ts'

const HUANXIU = '370215001'

describe.each(backends())('the audit log on the %s database', (backend) => {
  let app: TestApp
  let admin: Client

  beforeAll(async () => {
    app = await startTestApp(backend)
    admin = await app.as('admin')
  })
  afterAll(async () => app?.close())

  async function ownParcel(): Promise<{ id: number; version: number }> {
    const { rows } = await app.db.query<{ id: number; version: number }>(
      'SELECT id, version FROM parcels WHERE town = $1 AND deleted_at IS NULL ORDER BY id LIMIT 1',
      [HUANXIU],
    )
    return rows[0]!
  }

  const audit = async (query: string) => {
    const reply = await admin.get(`/api/audit?${query}`)
    expect(reply.status).toBe(200)
    return reply.body as { entries: any[]; total: number; limit: number; offset: number }
  }

  it('records a parcel edit with who, from where, the route, the parcel and the status, before answering', async () => {
    const editor = await app.as('editorHuanxiu')
    const parcel = await ownParcel()
    const reply = await editor.patch(`/api/parcels/${parcel.id}`, { properties: { ownership: '审计测试' } }, {
      'if-match': `"${parcel.version}"`,
    })
    expect(reply.status).toBe(200)

    const { entries } = await audit(`target=parcel:${parcel.id}&user=editor_hx`)
    expect(entries[0]).toMatchObject({
      user: 'editor_hx', via: 'session', kind: 'parcels', action: 'PATCH /api/parcels/:id', method: 'PATCH',
      path: `/api/parcels/${parcel.id}`, target: `parcel:${parcel.id}`, status: 200, outcome: 'ok', code: null,
    })
    expect(entries[0].ip).toMatch(/127\.0\.0\.1/)
    expect(Date.now() - Date.parse(entries[0].at)).toBeLessThan(60_000)
  })

  it('writes the row of a write in the same transaction as the write', async () => {
    const parcel = await ownParcel()
    const editor = await app.as('editorHuanxiu')
    await editor.patch(`/api/parcels/${parcel.id}`, { properties: { ownership: '同一事务' } }, { 'if-match': `"${parcel.version}"` })
    // The history row and the audit row were written by one transaction: PostgreSQL
    // gives both the same transaction start time, now().
    const { rows } = await app.db.query<{ same: boolean }>(
      `SELECT v.changed_at = a.at AS same
       FROM parcel_versions v, audit_log a
       WHERE v.parcel_id = $1 AND v.version = $2 AND a.target = $3 AND a.method = 'PATCH'
       ORDER BY a.id DESC LIMIT 1`,
      [parcel.id, parcel.version + 1, `parcel:${parcel.id}`],
    )
    expect(rows[0]?.same).toBe(true)
  })

  it('records a refused write with its status and error code', async () => {
    const parcel = await ownParcel()
    const editor = await app.as('editorHuanxiu')
    const stale = await editor.patch(`/api/parcels/${parcel.id}`, { properties: { ownership: 'x' } }, { 'if-match': '"1"' })
    expect(stale.status).toBe(412)
    const { entries } = await audit(`target=parcel:${parcel.id}&outcome=refused`)
    expect(entries[0]).toMatchObject({ status: 412, outcome: 'refused', code: stale.body.error.code, user: 'editor_hx' })
  })

  it('records every sign-in attempt with the name tried, the address and why it was refused', async () => {
    const name = 'editor_th'
    await app.anonymous().post('/api/session', { username: name, password: 'wrong-password-x' })
    await app.anonymous().post('/api/session', { username: 'no_such_user', password: 'whatever-123' })
    await app.anonymous().post('/api/session', { username: name })
    await app.anonymous().signIn(name, TEST_USERS.editorTianheng.password)

    const { entries } = await audit('action=sign_in&limit=4')
    expect(entries.map((e) => [e.user, e.outcome, e.code, e.status])).toEqual([
      [name, 'ok', null, 201],
      [name, 'refused', 'malformed', 401],
      ['no_such_user', 'refused', 'unknown_user', 401],
      [name, 'refused', 'wrong_password', 401],
    ])
    for (const entry of entries) {
      expect(entry).toMatchObject({ kind: 'session', method: 'POST', path: '/api/session' })
      expect(entry.ip).toMatch(/127\.0\.0\.1/)
    }
    await app.db.query('DELETE FROM login_attempts WHERE username = $1', [name])
  })

  it('records a refused sign-in of a rate-limited name', async () => {
    const name = 'viewer'
    for (let i = 0; i < 5; i++) await app.anonymous().post('/api/session', { username: name, password: `nope-${i}-nope` })
    const blocked = await app.anonymous().post('/api/session', { username: name, password: TEST_USERS.viewer.password })
    expect(blocked.status).toBe(429)
    const { entries } = await audit(`action=sign_in&user=${name}&limit=1`)
    expect(entries[0]).toMatchObject({ outcome: 'refused', code: 'rate_limited', status: 429 })
    await app.db.query('DELETE FROM login_attempts WHERE username = $1', [name])
  })

  it('records user and token management, imports and check runs with what they created', async () => {
    const user = await admin.post('/api/users', { username: 'audit_u1', password: 'audit-password-1', role: 'viewer' })
    expect(user.status).toBe(201)
    const token = await admin.post('/api/tokens', { name: 'audit script' })
    expect(token.status).toBe(201)
    const script = app.anonymous()
    script.bearer = token.body.token
    const layer = await script.post('/api/layers', { name: '审计图层', kind: 'zoning' })
    expect(layer.status).toBe(201)
    const revoke = await admin.delete(`/api/tokens/${token.body.id}`)
    expect(revoke.status).toBe(204)
    const parcel = await ownParcel()
    const check = await admin.post('/api/checks', { kinds: ['area'], parcel_ids: [parcel.id] })
    expect(check.status).toBe(201)
    const square = (lon: number, lat: number) => [[[lon, lat], [lon + 0.0005, lat], [lon + 0.0005, lat + 0.0005], [lon, lat + 0.0005], [lon, lat]]]
    const file = JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { kind: 'shed', code: 'AUD-1' }, geometry: { type: 'Polygon', coordinates: square(120.45, 36.4) } }],
    })
    const imported = await admin.upload('audit.geojson', file, { target: 'occupations' })
    expect(imported.status).toBe(201)

    const { entries } = await audit('limit=6')
    const byAction = Object.fromEntries(entries.map((e) => [e.action, e]))
    expect(byAction['POST /api/users']).toMatchObject({ target: `user:${user.body.id}`, status: 201, user: 'admin' })
    expect(byAction['POST /api/tokens']).toMatchObject({ target: `token:${token.body.id}`, status: 201 })
    expect(byAction['POST /api/layers']).toMatchObject({ target: `layer:${layer.body.id}`, via: 'token', user: 'admin' })
    expect(byAction['DELETE /api/tokens/:id']).toMatchObject({ target: `token:${token.body.id}`, status: 204 })
    expect(byAction['POST /api/checks']).toMatchObject({ kind: 'checks', target: `check:${check.body.run_id}` })
    expect(byAction['POST /api/imports']).toMatchObject({ kind: 'imports', target: `import:${imported.body.import_id}` })
  })

  it('records OGC API writes with the feature they changed', async () => {
    const parcel = await ownParcel()
    const editor = await app.as('editorHuanxiu')
    const patched = await editor.patch(`/ogc/collections/parcels/items/${parcel.id}`, { properties: { subtype: '审计' } }, {
      'content-type': 'application/merge-patch+json', 'if-match': `"${parcel.version}"`,
    })
    expect(patched.status).toBe(200)
    const { entries } = await audit(`kind=ogc&target=parcel:${parcel.id}`)
    expect(entries[0]).toMatchObject({
      method: 'PATCH', path: `/ogc/collections/parcels/items/${parcel.id}`, status: 200, outcome: 'ok', user: 'editor_hx',
    })
  })

  it('never records a password, a token or a session id', async () => {
    const client = app.anonymous()
    await client.post('/api/session', { username: 'analyst', password: 'a-wrong-secret-pw' })
    await client.signIn('analyst', TEST_USERS.analyst.password)
    const session = client.cookie!.split('=')[1]!
    const issued = await client.post('/api/tokens', { name: 'secret check' })
    const script = app.anonymous()
    script.bearer = issued.body.token
    await script.post('/api/tokens', { name: 'made with a token' })
    await client.post('/api/users', { username: 'x_secret', password: 'another-secret-pw' })

    const { rows } = await app.db.query<{ dump: string }>(`SELECT coalesce(string_agg(a::text, E'\\n'), '') AS dump FROM audit_log a`)
    const dump = rows[0]!.dump
    expect(dump).toContain('analyst')
    for (const secret of ['a-wrong-secret-pw', TEST_USERS.analyst.password, session, issued.body.token, 'another-secret-pw']) {
      expect(dump).not.toContain(secret)
    }
  })

  it('is read by admins only, filtered by user, kind, action, target and time, in pages', async () => {
    expect((await (await app.as('analyst')).get('/api/audit')).status).toBe(403)
    expect((await app.anonymous().get('/api/audit')).status).toBe(401)

    const all = await audit('limit=2')
    expect(all.entries).toHaveLength(2)
    expect(all.total).toBeGreaterThan(10)
    const next = await audit('limit=2&offset=2')
    expect(next.entries[0].id).toBeLessThan(all.entries[1].id)

    const sessions = await audit('kind=session&limit=1000')
    expect(sessions.entries.every((e) => e.kind === 'session')).toBe(true)
    const patches = await audit('action=PATCH%20/api/parcels&limit=1000')
    expect(patches.total).toBeGreaterThanOrEqual(3)
    expect(patches.entries.every((e) => e.action.startsWith('PATCH /api/parcels'))).toBe(true)

    const future = await audit('from=2999-01-01')
    expect(future.total).toBe(0)
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
    const byDay = await audit(`from=${today}&to=${today}&user=editor_hx`)
    expect(byDay.total).toBeGreaterThan(0)
    const past = await audit(`to=2000-01-01T00:00:00Z`)
    expect(past.total).toBe(0)

    const bad = await admin.get('/api/audit?from=yesterday')
    expect(bad.status).toBe(400)
    expect(bad.body.error.details ?? bad.body.error.message).toBeTruthy()
  })
})

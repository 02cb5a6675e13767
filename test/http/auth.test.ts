import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type TestApp } from '../helpers/app.ts'
import { TEST_USERS } from '../helpers/fixtures.ts'

describe.each(backends())('accounts on the %s database', (backend) => {
  let app: TestApp

  beforeAll(async () => {
    app = await startTestApp(backend)
  })
  afterAll(async () => app?.close())

  it('signs in with an http-only SameSite session cookie kept in the database, and signs out', async () => {
    const client = app.anonymous()
    const reply = await client.post('/api/session', { username: 'viewer', password: TEST_USERS.viewer.password })
    expect(reply.status).toBe(201)
    expect(reply.body.user).toMatchObject({ username: 'viewer', role: 'viewer', town: null })
    const cookie = reply.headers.get('set-cookie')!
    expect(cookie).toMatch(/^jiyuan_session=/)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    const token = client.cookie!.split('=')[1]!
    const { rows } = await app.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sessions WHERE token_hash = $1 OR token_hash = $2',
      [token, (await import('node:crypto')).createHash('sha256').update(token).digest('hex')],
    )
    expect(rows[0]!.n).toBe(1)

    expect((await client.get('/api/session')).body.user.username).toBe('viewer')
    expect((await client.delete('/api/session')).status).toBe(204)
    const after = new (client.constructor as any)(app.url)
    after.cookie = `jiyuan_session=${token}`
    const ended = await after.get('/api/session')
    expect(ended.status).toBe(200)
    expect(ended.body.user).toBeNull()
    expect((await after.get('/api/parcels?limit=1')).status).toBe(401)
  })

  it('stores passwords only as scrypt hashes', async () => {
    const { rows } = await app.db.query<{ password_hash: string }>(
      `SELECT password_hash FROM users WHERE username = 'admin'`,
    )
    expect(rows[0]!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(rows[0]!.password_hash).not.toContain(TEST_USERS.admin.password)
  })

  it('refuses a wrong password with the same answer as an unknown user', async () => {
    const wrong = await app.anonymous().post('/api/session', { username: 'analyst', password: 'nope-nope' })
    const unknown = await app.anonymous().post('/api/session', { username: 'nobody', password: 'nope-nope' })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body).toEqual(unknown.body)
  })

  it('rate-limits failed sign-ins per username, even with the right password afterwards', async () => {
    const client = app.anonymous()
    const username = TEST_USERS.editorTianheng.username
    for (let i = 0; i < 5; i++) {
      expect((await client.post('/api/session', { username, password: `wrong-${i}` })).status).toBe(401)
    }
    const blocked = await client.post('/api/session', { username, password: TEST_USERS.editorTianheng.password })
    expect(blocked.status).toBe(429)
    expect(blocked.body.error.code).toBe('too_many_attempts')
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    // Other accounts are not locked out by it.
    expect((await app.anonymous().post('/api/session', { username: 'viewer', password: TEST_USERS.viewer.password })).status).toBe(201)
    await app.db.query('DELETE FROM login_attempts WHERE username = $1', [username])
  })

  it('issues bearer tokens for scripts, honours them, and stops honouring them once revoked', async () => {
    const analyst = await app.as('analyst')
    const issued = await analyst.post('/api/tokens', { name: 'QGIS', expires_in_days: 30 })
    expect(issued.status).toBe(201)
    expect(issued.body.token).toMatch(/^jy_/)

    const script = app.anonymous()
    script.bearer = issued.body.token
    const list = await script.get('/api/parcels?limit=1')
    expect(list.status).toBe(200)
    expect((await script.get('/api/session')).body.user.username).toBe('analyst')
    const { rows } = await app.db.query('SELECT token_hash FROM api_tokens WHERE id = $1', [issued.body.id])
    expect(rows[0]!.token_hash).not.toBe(issued.body.token)

    expect((await analyst.delete(`/api/tokens/${issued.body.id}`)).status).toBe(204)
    const refused = await script.get('/api/parcels?limit=1')
    expect(refused.status).toBe(401)
    expect(refused.body.error.code).toBe('invalid_token')
  })

  it('lets only admins create and list users, with the town editor bound to a real town', async () => {
    const admin = await app.as('admin')
    const created = await admin.post('/api/users', {
      username: 'editor_jk', password: 'a-long-password', role: 'town_editor', town: '370215102',
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ username: 'editor_jk', role: 'town_editor', town: '370215102' })
    const editor = app.anonymous()
    await editor.signIn('editor_jk', 'a-long-password')
    expect((await editor.get('/api/parcels?limit=5')).body.features.every((f: any) => f.properties.town === '370215102')).toBe(true)

    const listed = await admin.get('/api/users')
    expect(listed.body.map((u: any) => u.username)).toContain('editor_jk')
    expect(JSON.stringify(listed.body)).not.toContain('scrypt')

    const noTown = await admin.post('/api/users', { username: 'x1', password: 'a-long-password', role: 'town_editor' })
    expect(noTown.status).toBe(422)
    expect(noTown.body.error.code).toBe('invalid_user')
    const badTown = await admin.post('/api/users', { username: 'x2', password: 'a-long-password', role: 'town_editor', town: '370215999' })
    expect(badTown.body.error.code).toBe('unknown_town')
    const duplicate = await admin.post('/api/users', { username: 'editor_jk', password: 'a-long-password', role: 'viewer' })
    expect(duplicate.status).toBe(409)

    const viewer = await app.as('viewer')
    expect((await viewer.post('/api/users', { username: 'x3', password: 'a-long-password', role: 'admin' })).status).toBe(403)
    expect((await viewer.get('/api/users')).status).toBe(403)
  })

  it('refuses a cookie-carried write from another site', async () => {
    const admin = await app.as('admin')
    const reply = await admin.post('/api/users', { username: 'x4', password: 'a-long-password', role: 'viewer' }, {
      origin: 'https://evil.example',
    })
    expect(reply.status).toBe(403)
    expect(reply.body.error.code).toBe('csrf_rejected')
    const { rows } = await app.db.query(`SELECT 1 FROM users WHERE username = 'x4'`)
    expect(rows).toHaveLength(0)
  })

  it('answers an unknown API route with a JSON 404 and never leaks a stack trace', async () => {
    const admin = await app.as('admin')
    const reply = await admin.get('/api/nothing-here')
    expect(reply.status).toBe(404)
    expect(reply.body.error.code).toBe('route_not_found')
    const bad = await admin.get('/api/parcels/abc')
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.ts:\d+/)
  })
})

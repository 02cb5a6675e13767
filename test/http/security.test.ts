import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ROOT } from '../../server/src/config.ts'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type TestApp } from '../helpers/app.ts'
import { TEST_USERS } from '../helpers/fixtures.ts'
import { embeddedDataDir, serverDatabase, spawnServer } from '../helpers/process.ts'

describe.each(backends())('security of the answers on the %s database', (backend) => {
  let app: TestApp

  beforeAll(async () => {
    app = await startTestApp(backend)
  })
  afterAll(async () => app?.close())

  it('sends helmet headers with a CSP that allows the map client and nothing inline but styles', async () => {
    for (const route of ['/api/health', '/api/parcels?limit=1', '/']) {
      const reply = await app.anonymous().get(route)
      const csp = reply.headers.get('content-security-policy')!
      expect(csp, route).toContain("script-src 'self'")
      expect(csp).toContain("worker-src 'self' blob:")
      expect(csp).toMatch(/img-src 'self' data: blob:/)
      expect(csp).toContain("object-src 'none'")
      expect(csp).toContain("frame-ancestors 'self'")
      expect(csp).not.toContain('upgrade-insecure-requests')
      expect(csp).not.toMatch(/script-src[^;]*unsafe/)
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff')
      expect(reply.headers.get('x-frame-options')).toBe('SAMEORIGIN')
      expect(reply.headers.get('strict-transport-security')).toMatch(/max-age=\d+/)
      expect(reply.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
      expect(reply.headers.get('x-powered-by')).toBeNull()
    }
  })

  it('answers an unexpected failure with a reference, never a stack trace or the SQL', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    await app.db.query('ALTER TABLE towns RENAME TO towns_hidden')
    try {
      const reply = await (await app.as('viewer')).get('/api/towns')
      expect(reply.status, JSON.stringify(reply.body)).toBe(500)
      expect(reply.body.error.code, JSON.stringify(reply.body)).toBe('internal_error')
      const ref = /编号 ([0-9a-f]{8})/.exec(reply.body.error.message)?.[1]
      expect(ref, reply.body.error.message).toBeDefined()
      expect(reply.body.error.details).toBeNull()
      const text = JSON.stringify(reply.body)
      for (const leak of ['relation', 'towns', 'SELECT', 'Error:', '.ts:', 'node_modules', ' at ']) expect(text).not.toContain(leak)
      // The log has the cause under the same reference, for whoever runs the server.
      const lines = logged.mock.calls.map((call) => String(call[0]))
      expect(lines.some((line) => line.includes(ref!) && line.includes('towns'))).toBe(true)
      expect(lines.join('\n')).not.toMatch(/\n\s+at /)
    } finally {
      await app.db.query('ALTER TABLE towns_hidden RENAME TO towns')
      logged.mockRestore()
    }
  })
})

describe.each(backends())('the log of a server process on the %s database', (backend) => {
  it('never shows a password, a token, a session id or the database password, even at debug level', { timeout: 300_000 }, async () => {
    const dbPassword = `Db-${randomBytes(9).toString('hex')}`
    const role = `jiyuan_log_${randomBytes(4).toString('hex')}`
    const store = backend === 'embedded' ? await embeddedDataDir() : await serverDatabase()
    const admin = backend === 'postgres' ? new pg.Client({ connectionString: process.env.TEST_DATABASE_URL }) : null
    let url = ''
    if (backend === 'postgres') {
      await admin!.connect()
      await admin!.query(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${dbPassword}'`)
      const parsed = new URL((store as { url: string }).url)
      parsed.username = role
      parsed.password = dbPassword
      url = parsed.toString()
    }
    const server = await spawnServer(backend === 'embedded' ? { dataDir: (store as { dir: string }).dir } : { databaseUrl: url }, {
      LOG_LEVEL: 'debug',
      JIYUAN_ADMIN_PASSWORD: 'Env-admin-password-never-logged',
    })
    try {
      const wrong = `Wrong-${randomBytes(6).toString('hex')}`
      await server.anonymous().post('/api/session', { username: 'analyst', password: wrong })
      const analyst = await server.as('analyst')
      const session = analyst.cookie!.split('=')[1]!
      const token = (await analyst.post('/api/tokens', { name: 'log check' })).body.token as string
      const script = server.anonymous()
      script.bearer = token
      expect((await script.get('/api/parcels?limit=1')).status).toBe(200)
      const newPassword = `New-${randomBytes(6).toString('hex')}`
      const adminClient = await server.as('admin')
      expect((await adminClient.post('/api/users', { username: 'log_user', password: newPassword, role: 'viewer' })).status).toBe(201)
      await server.anonymous().post('/api/session', { username: 'log_user', password: newPassword })
      await server.anonymous().get('/api/parcels?limit=1', { authorization: `Bearer ${token}x` })
      await analyst.delete('/api/session')

      await server.stop()
      const output = server.output()
      expect(output).toMatch(/DEBUG sql /)
      expect(output).toContain('sign-in refused')
      for (const secret of [wrong, TEST_USERS.analyst.password, TEST_USERS.admin.password, session, token, newPassword, 'Env-admin-password-never-logged', dbPassword]) {
        expect(output, `the log shows ${secret}`).not.toContain(secret)
      }
    } finally {
      await server.kill()
      await store.drop()
      if (admin) {
        await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined)
        await admin.end()
      }
    }
  })

  // once, from the PostGIS server's run: it needs no running server, only a DATABASE_URL
  if (backend === 'postgres') it('does not show the database password when it cannot connect at start-up', () => {
    const secret = `Unreachable-${randomBytes(6).toString('hex')}`
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/src/main.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PORT: '0', JIYUAN_CLIENT_BUILD: 'off', DATABASE_URL: `postgres://nobody:${secret}@127.0.0.1:1/none` },
    })
    expect(result.status).toBe(1)
    expect(result.stdout + result.stderr).toContain('start-up failed')
    expect(result.stdout + result.stderr).not.toContain(secret)
  })
})

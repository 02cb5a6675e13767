import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { inject } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { readConfig, ROOT, type Config } from '../../server/src/config.ts'
import type { Db } from '../../server/src/db/db.ts'
import { openEmbedded } from '../../server/src/db/embedded.ts'
import { prepare } from '../../server/src/db/open.ts'
import { openServer } from '../../server/src/db/server.ts'
import { JOB_HANDLERS } from '../../server/src/jobs/handlers.ts'
import { startJobWorker } from '../../server/src/jobs/worker.ts'
import type { Backend } from './backends.ts'
import { TEST_USERS, type TestUser } from './fixtures.ts'
import { databaseUrl, PG_TEMPLATE } from './template.ts'

export interface TestApp {
  url: string
  db: Db
  backend: Backend
  /** A client signed in as one of the test users. */
  as(user: TestUser): Promise<Client>
  anonymous(): Client
  close(): Promise<void>
}

/** Opens a fresh copy of the template database for one test file. */
async function openCopy(backend: Backend): Promise<{ db: Db; drop(): Promise<void> }> {
  if (backend === 'embedded') {
    const dump = readFileSync(inject('embeddedTemplate'))
    const db = await openEmbedded({ loadDataDir: new Blob([dump]) })
    return { db, drop: async () => undefined }
  }
  const adminUrl = process.env.TEST_DATABASE_URL!
  const name = `jiyuan_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${PG_TEMPLATE}`)
  await admin.end()
  const db = await openServer(databaseUrl(adminUrl, name))
  return {
    db,
    drop: async () => {
      const again = new pg.Client({ connectionString: adminUrl })
      await again.connect()
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await again.end()
    },
  }
}

/** The real app on an ephemeral port, on its own copy of the sample database. */
export async function startTestApp(backend: Backend, overrides: Partial<Config> = {}): Promise<TestApp> {
  const { db, drop } = await openCopy(backend)
  const { postgis } = await prepare(db)
  const config = { ...readConfig({}), port: 0, ...overrides }
  const server: Server = createServer(createApp({ config, db, postgis }))
  const worker = startJobWorker(db, JOB_HANDLERS, { pollMs: 200 })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    db,
    backend,
    async as(user) {
      const client = new Client(url)
      await client.signIn(TEST_USERS[user].username, TEST_USERS[user].password)
      return client
    },
    anonymous: () => new Client(url),
    async close() {
      await new Promise((resolve) => server.close(resolve))
      await worker.stop()
      await db.close()
      await drop()
    },
  }
}

export interface Reply<T = any> {
  status: number
  headers: Headers
  body: T
}

/** A small HTTP client that keeps the session cookie, like a browser. */
export class Client {
  cookie: string | undefined
  bearer: string | undefined

  constructor(readonly url: string) {}

  async signIn(username: string, password: string): Promise<Reply> {
    const reply = await this.request('POST', '/api/session', { username, password })
    if (reply.status !== 201) throw new Error(`sign-in as ${username} failed: ${JSON.stringify(reply.body)}`)
    return reply
  }

  async request<T = any>(
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const form = body instanceof FormData
    const raw = typeof body === 'string' || body instanceof Uint8Array || form
    const response = await fetch(this.url + route, {
      method,
      headers: {
        ...(body !== undefined && !form ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.bearer ? { authorization: `Bearer ${this.bearer}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : raw ? (body as string | FormData) : JSON.stringify(body),
    })
    const setCookie = response.headers.get('set-cookie')
    if (setCookie) this.cookie = setCookie.split(';')[0]
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T }
  }

  /** POST /api/imports with a file and form fields. */
  upload = <T = any>(fileName: string, bytes: Uint8Array | string, fields: Record<string, string> = {}) => {
    const form = new FormData()
    for (const [name, value] of Object.entries(fields)) form.append(name, value)
    form.append('file', new Blob([bytes as BlobPart]), fileName)
    return this.request<T>('POST', '/api/imports', form)
  }

  get = <T = any>(route: string, headers?: Record<string, string>) => this.request<T>('GET', route, undefined, headers)
  post = <T = any>(route: string, body?: unknown, headers?: Record<string, string>) =>
    this.request<T>('POST', route, body, headers)
  patch = <T = any>(route: string, body?: unknown, headers?: Record<string, string>) =>
    this.request<T>('PATCH', route, body, headers)
  delete = <T = any>(route: string, headers?: Record<string, string>) =>
    this.request<T>('DELETE', route, undefined, headers)
}

/**
 * Starts `npm start`'s server as a child process on a fresh data directory
 * (for browser tests). It loads the samples, so the first start takes ~30 s.
 */
export async function startServerProcess(): Promise<{ url: string; adminPassword: string; stop(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jiyuan-e2e-'))
  const adminPassword = TEST_USERS.admin.password
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', JIYUAN_DATA_DIR: dataDir, JIYUAN_ADMIN_PASSWORD: adminPassword, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`server did not start in 120 s:\n${output}`)), 120_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /url=(http:\/\/localhost:\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)))
  })
  return {
    url,
    adminPassword,
    async stop() {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

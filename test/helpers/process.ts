import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { inject } from 'vitest'
import { ROOT } from '../../server/src/config.ts'
import { openEmbedded } from '../../server/src/db/embedded.ts'
import { Client } from './app.ts'
import { TEST_USERS, type TestUser } from './fixtures.ts'
import { databaseUrl, PG_TEMPLATE } from './template.ts'

/** Where a server process keeps its data: a data directory, or a database on the PostGIS server. */
export type Store = { dataDir: string } | { databaseUrl: string }

/** A copy of the test template on the PostGIS server, for server processes to share. */
export async function serverDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL!
  const name = `jiyuan_proc_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${PG_TEMPLATE}`)
  await admin.end()
  return {
    url: databaseUrl(adminUrl, name),
    async drop() {
      const again = new pg.Client({ connectionString: adminUrl })
      await again.connect()
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await again.end()
    },
  }
}

/** A data directory holding a copy of the embedded test template. */
export async function embeddedDataDir(): Promise<{ dir: string; drop(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'jiyuan-proc-'))
  const db = await openEmbedded({ dataDir: dir, loadDataDir: new Blob([readFileSync(inject('embeddedTemplate'))]) })
  await db.close()
  return { dir, drop: () => rm(dir, { recursive: true, force: true }) }
}

export interface ServerProcess {
  url: string
  child: ChildProcess
  /** Everything the process printed so far. */
  output(): string
  /** Resolves when a line matching `pattern` has been printed. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>
  as(user: TestUser): Promise<Client>
  anonymous(): Client
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>
  /** SIGKILL: no shutdown, no flush, as a power cut of the process. */
  kill(): Promise<void>
}

/**
 * Runs `npm start`'s server as a child process on `store`, without building
 * the client or loading samples (the stores come from the test template).
 */
export async function spawnServer(store: Store, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      JIYUAN_SAMPLES: 'off',
      JIYUAN_CLIENT_BUILD: 'off',
      DATABASE_URL: 'databaseUrl' in store ? store.databaseUrl : '',
      JIYUAN_DATA_DIR: 'dataDir' in store ? store.dataDir : '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const waiters: { pattern: RegExp; resolve(line: string): void }[] = []
  const onData = (chunk: Buffer) => {
    output += chunk.toString()
    for (const waiter of [...waiters]) {
      const match = waiter.pattern.exec(output)
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(match[0])
      }
    }
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const waitFor = (pattern: RegExp, timeoutMs = 120_000) =>
    new Promise<string>((resolve, reject) => {
      const match = pattern.exec(output)
      if (match) return resolve(match[0])
      const timer = setTimeout(() => reject(new Error(`no ${pattern} after ${timeoutMs} ms:\n${output.slice(-3000)}`)), timeoutMs)
      waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) })
      void exited.then(() => reject(new Error(`server exited with ${child.exitCode ?? child.signalCode} before ${pattern}:\n${output.slice(-3000)}`)))
    })

  const listening = await waitFor(/url=http:\/\/localhost:\d+/)
  const url = listening.replace('url=', '').replace('localhost', '127.0.0.1')
  return {
    url,
    child,
    output: () => output,
    waitFor,
    async as(user) {
      const client = new Client(url)
      await client.signIn(TEST_USERS[user].username, TEST_USERS[user].password)
      return client
    },
    anonymous: () => new Client(url),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}

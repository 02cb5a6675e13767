import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { postgis } from '@electric-sql/pglite-postgis'
import { log, sqlFields } from '../log.ts'
import { runBeforeCommit, type Db, type Queryable, type Rows } from './db.ts'

/**
 * The embedded driver. PGlite is one connection: it runs queries and whole
 * transactions one at a time, so a transaction never interleaves with
 * another request's statements.
 */
export async function openEmbedded(options: { dataDir?: string; loadDataDir?: Blob }): Promise<Db> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true })
  const lock = options.dataDir ? lockDataDir(options.dataDir) : null
  try {
    const pg = await PGlite.create({
      dataDir: options.dataDir,
      loadDataDir: options.loadDataDir,
      extensions: { postgis },
    })
    // An import stages its rows in a temporary table (100,000 parcels: ~50 MB).
    // At the default 8 MB of temp_buffers its pages are written out and read
    // back through PGlite's in-memory file system; with room for them, staging
    // and checking 100,000 parcels took 2.5 → 1.8 s. Set before any temporary
    // table is used, as PostgreSQL requires; pages are taken only as needed.
    await pg.exec(`SET temp_buffers = '256MB'`)
    return new EmbeddedDb(pg, lock)
  } catch (error) {
    if (lock) rmSync(lock, { force: true })
    throw error
  }
}

// PGlite takes no lock of its own (its postmaster.pid holds a fixed pid), and
// two processes writing one data directory corrupt it. The process that opens
// it writes its pid here; another is refused while that process lives. A lock
// left by a killed process names a dead pid and is taken over.
const LOCK_FILE = 'jiyuan.pid'

function lockDataDir(dir: string): string {
  const file = path.join(dir, LOCK_FILE)
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return file
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error
    }
    const holder = existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0
    if (holder > 0 && alive(holder)) {
      throw new Error(`the embedded database in ${dir} is open in process ${holder}: stop that process first`)
    }
    rmSync(file, { force: true })
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

class EmbeddedDb implements Db {
  readonly driver = 'embedded' as const

  constructor(
    readonly pg: PGlite,
    private readonly lock: string | null = null,
  ) {}

  query<R>(sql: string, params: unknown[] = []): Promise<Rows<R>> {
    return run<R>(this.pg, sql, params)
  }

  async exec(sql: string): Promise<void> {
    await this.pg.exec(sql)
  }

  copyFrom(sql: string, data: readonly Uint8Array[]): Promise<void> {
    return copy(this.pg, sql, data)
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction(async (tx) => {
      const q: Queryable = {
        query: (sql, params = []) => run(tx, sql, params),
        exec: async (sql) => void (await tx.exec(sql)),
        copyFrom: (sql, data) => copy(tx, sql, data),
      }
      const result = await work(q)
      await runBeforeCommit(q)
      return result
    })
  }

  /** A copy of the whole data directory, used by tests to start from a template. */
  dump(): Promise<File | Blob> {
    return this.pg.dumpDataDir('none')
  }

  async close(): Promise<void> {
    await this.pg.close()
    if (this.lock) rmSync(this.lock, { force: true })
  }
}

type PgliteLike = Pick<PGlite, 'query'>

async function run<R>(pg: PgliteLike, sql: string, params: unknown[]): Promise<Rows<R>> {
  log.debug('sql', sqlFields(sql, params))
  const result = await pg.query<R>(sql, params)
  // PGlite counts affected rows for INSERT, UPDATE and DELETE only; node-postgres
  // counts selected rows too. Report whichever is larger, as node-postgres does.
  return { rows: result.rows, rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) }
}

/**
 * PGlite reads COPY data from a Blob under the name /dev/blob: the statement
 * says `FROM STDIN` for both drivers and is rewritten here.
 */
async function copy(pg: PgliteLike, sql: string, data: readonly Uint8Array[]): Promise<void> {
  const fromBlob = sql.replace(/\bFROM\s+STDIN\b/i, "FROM '/dev/blob'")
  log.debug('sql', { sql: fromBlob, bytes: data.reduce((n, c) => n + c.length, 0) })
  await pg.query(fromBlob, [], { blob: new Blob(data as unknown as BlobPart[]) })
}

export function isEmbedded(db: Db): db is Db & { dump(): Promise<File | Blob> } {
  return db instanceof EmbeddedDb
}

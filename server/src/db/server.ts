import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import pg from 'pg'
import { from as copyFromStdin } from 'pg-copy-streams'
import { log, sqlFields } from '../log.ts'
import { runBeforeCommit, type Db, type Queryable, type Rows } from './db.ts'

// bigint (int8) and numeric arrive as strings from node-postgres; PGlite gives
// numbers. Parse both to numbers here so rows look the same from either driver.
// Counts and ids in this schema stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value))

/** The server driver: a node-postgres pool against PostgreSQL + PostGIS. */
export async function openServer(connectionString: string): Promise<Db> {
  // Connections are kept once opened (no idle timeout): a new backend loads PostGIS on its first
  // spatial call, and a burst of requests after a quiet spell would pay that on every connection
  // at once (tile p95 ~15 ms with kept connections, ~200 ms after ten idle seconds).
  const pool = new pg.Pool({ connectionString, max: 10, idleTimeoutMillis: 0, application_name: 'jiyuan' })
  pool.on('error', (error) => log.error('idle database connection failed', { error }))
  await pool.query('SELECT 1')
  return new ServerDb(pool)
}

class ServerDb implements Db {
  readonly driver = 'postgres' as const

  constructor(readonly pool: pg.Pool) {}

  query<R>(sql: string, params: unknown[] = []): Promise<Rows<R>> {
    return run<R>(this.pool, sql, params)
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql)
  }

  async copyFrom(sql: string, data: readonly Uint8Array[]): Promise<void> {
    const client = await this.pool.connect()
    try {
      await copy(client, sql, data)
    } finally {
      client.release()
    }
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    try {
      await client.query('BEGIN')
      const q: Queryable = {
        query: (sql, params = []) => run(client, sql, params),
        exec: async (sql) => void (await client.query(sql)),
        copyFrom: (sql, data) => copy(client, sql, data),
      }
      const result = await work(q)
      await runBeforeCommit(q)
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }

  async close(): Promise<void> {
    await this.pool.end()
  }
}

async function run<R>(client: pg.Pool | pg.PoolClient, sql: string, params: unknown[]): Promise<Rows<R>> {
  log.debug('sql', sqlFields(sql, params))
  const result = await client.query(sql, params)
  return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length }
}

/** COPY … FROM STDIN through pg-copy-streams (node-postgres has no COPY of its own). */
async function copy(client: pg.PoolClient, sql: string, data: readonly Uint8Array[]): Promise<void> {
  log.debug('sql', { sql, bytes: data.reduce((n, c) => n + c.length, 0) })
  await pipeline(Readable.from(data, { objectMode: false }), client.query(copyFromStdin(sql)))
}

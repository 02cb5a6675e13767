import { createReadStream, existsSync, readdirSync } from 'node:fs'
import { rename } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { createGunzip } from 'node:zlib'
import type { Db, Queryable } from '../db/db.ts'
import { ident } from '../db/db.ts'
import { openEmbedded } from '../db/embedded.ts'
import { listMigrations, migrate } from '../db/migrate.ts'
import { openServer } from '../db/server.ts'
import { BACKUP_FORMAT, BACKUP_VERSION } from './dump.ts'
import { castList, listTables, type BackupColumn, type BackupTable } from './tables.ts'

/** Where to restore to: a PostgreSQL + PostGIS database, or an embedded data directory. */
export type RestoreTarget = { databaseUrl: string } | { dataDir: string }

export interface RestoreSummary {
  tables: Record<string, number>
  /** where a replaced embedded database was moved to (with force) */
  movedAside: string | null
  ms: number
}

/** A restore refused before anything was written, with a message for the person running it. */
export class RestoreRefused extends Error {}

interface Header {
  format: string
  version: number
  migrations: number[]
  created_at: string
  driver: string
}

// Rows per INSERT, or fewer when they add up to this many characters of JSON.
const BATCH_ROWS = 2000
const BATCH_CHARS = 8 * 1024 * 1024

/**
 * Restores a backup into an empty database: brings the schema to the
 * backup's migration, loads every table in one transaction (all or nothing)
 * with the application's triggers off (history and areas are restored as
 * they were, not written anew), sets the id sequences past the restored ids,
 * then applies any newer migrations. A database that already holds users or
 * parcels is refused unless `force`: then an embedded data directory is moved
 * aside, and a server database's public schema is dropped.
 */
export async function restoreBackup(file: string, target: RestoreTarget, options: { force?: boolean } = {}): Promise<RestoreSummary> {
  const started = Date.now()
  const lines = readLines(file)
  const header = parseHeader(await next(lines, file))
  const { db, movedAside } = await openTarget(target, options.force ?? false)
  try {
    await migrate(db, { through: Math.max(...header.migrations) })
    await sameMigrations(db, header)
    const tables = await db.transaction((tx) => load(tx, lines, file))
    await migrate(db)
    await db.exec('ANALYZE')
    return { tables, movedAside, ms: Date.now() - started }
  } finally {
    await db.close()
  }
}

type Lines = AsyncIterator<string>

function readLines(file: string): Lines {
  const input = createReadStream(file).pipe(createGunzip())
  return createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]()
}

async function next(lines: Lines, file: string): Promise<string> {
  const { value, done } = await lines.next()
  if (done) throw new RestoreRefused(`${file} ends early: the backup is incomplete`)
  return value
}

function parseHeader(line: string): Header {
  let header: Header
  try {
    header = JSON.parse(line) as Header
  } catch {
    throw new RestoreRefused('not a Jiyuan backup: its first line is not JSON')
  }
  if (header.format !== BACKUP_FORMAT) throw new RestoreRefused(`not a Jiyuan backup (format ${JSON.stringify(header.format)})`)
  if (header.version !== BACKUP_VERSION) throw new RestoreRefused(`backup format version ${header.version}; this server reads ${BACKUP_VERSION}`)
  const known = new Set(listMigrations().map((m) => m.version))
  const unknown = header.migrations.filter((v) => !known.has(v))
  if (unknown.length > 0) {
    throw new RestoreRefused(`the backup comes from a newer version of Jiyuan (migrations ${unknown.join(', ')}): update this installation first`)
  }
  return header
}

async function openTarget(target: RestoreTarget, force: boolean): Promise<{ db: Db; movedAside: string | null }> {
  if ('dataDir' in target) {
    if (!existsSync(target.dataDir) || readdirSync(target.dataDir).length === 0) {
      return { db: await openEmbedded({ dataDir: target.dataDir }), movedAside: null }
    }
    const db = await openEmbedded({ dataDir: target.dataDir })
    const held = await contents(db).catch(async (error: unknown) => {
      await db.close()
      throw error
    })
    if (!held) return { db, movedAside: null }
    await db.close()
    if (!force) {
      throw new RestoreRefused(
        `${target.dataDir} already holds a database with ${held}: restoring would replace them. ` +
          'Give --force to move it aside (it is kept, renamed) and restore into a new one.',
      )
    }
    const movedAside = `${target.dataDir}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`
    await rename(target.dataDir, movedAside)
    return { db: await openEmbedded({ dataDir: target.dataDir }), movedAside }
  }
  const db = await openServer(target.databaseUrl)
  try {
    const held = await contents(db)
    if (held && !force) {
      throw new RestoreRefused(
        `the database already holds ${held}: restoring would replace them. ` +
          'Give --force to drop its public schema (every table in it) and restore.',
      )
    }
    if (held) await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public')
    return { db, movedAside: null }
  } catch (error) {
    await db.close()
    throw error
  }
}

/** "3 users and 5000 parcels", or null for a database without either. */
async function contents(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ users: boolean; parcels: boolean }>(
    `SELECT to_regclass('public.users') IS NOT NULL AS users, to_regclass('public.parcels') IS NOT NULL AS parcels`,
  )
  const counted: string[] = []
  for (const table of ['users', 'parcels'] as const) {
    if (!rows[0]![table]) continue
    const { rows: n } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ident(table)}`)
    if (n[0]!.n > 0) counted.push(`${n[0]!.n} ${table}`)
  }
  return counted.length > 0 ? counted.join(' and ') : null
}

async function sameMigrations(db: Queryable, header: Header): Promise<void> {
  const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY 1')
  const applied = rows.map((r) => r.version).join(',')
  if (applied !== [...header.migrations].sort((a, b) => a - b).join(',')) {
    throw new RestoreRefused(`the database's schema (migrations ${applied}) does not match the backup's (${header.migrations.join(',')})`)
  }
}

/** Empties every table and loads the backup's rows; throws (rolling back) on anything unexpected. */
async function load(tx: Queryable, lines: Lines, file: string): Promise<Record<string, number>> {
  const tables = new Map((await listTables(tx)).map((t) => [t.name, t]))
  const all = [...tables.keys()].map(ident).join(', ')
  if (all) await tx.query(`TRUNCATE ${all} RESTART IDENTITY CASCADE`)
  for (const name of tables.keys()) await tx.query(`ALTER TABLE ${ident(name)} DISABLE TRIGGER USER`)

  const counts: Record<string, number> = {}
  for (;;) {
    const line = JSON.parse(await next(lines, file)) as { table?: string; columns?: BackupColumn[]; end?: true; tables?: Record<string, number> }
    if (line.end === true) {
      for (const [name, n] of Object.entries(line.tables ?? {})) {
        if (counts[name] !== n) throw new RestoreRefused(`table ${name}: the backup lists ${n} rows, ${counts[name] ?? 0} were read`)
      }
      break
    }
    const table = tables.get(line.table ?? '')
    if (!table) throw new RestoreRefused(`the backup has a table ${JSON.stringify(line.table)} that this database does not`)
    counts[table.name] = await loadTable(tx, table, line.columns ?? [], lines, file)
  }

  for (const name of tables.keys()) {
    await tx.query(`ALTER TABLE ${ident(name)} ENABLE TRIGGER USER`)
    await resetSequences(tx, tables.get(name)!)
  }
  return counts
}

async function loadTable(tx: Queryable, table: BackupTable, given: BackupColumn[], lines: Lines, file: string): Promise<number> {
  // The types come from this database, never from the file: the file only names columns.
  const columns = given.map((g) => {
    const column = table.columns.find((c) => c.name === g.name)
    if (!column) throw new RestoreRefused(`the backup has a column ${table.name}.${g.name} that this database does not`)
    return column
  })
  const overriding = table.identity.length > 0 ? ' OVERRIDING SYSTEM VALUE' : ''
  const insert = `INSERT INTO ${ident(table.name)} (${columns.map((c) => ident(c.name)).join(', ')})${overriding}
    SELECT ${castList(columns)} FROM jsonb_array_elements($1::jsonb) AS e(r)`

  let batch: string[] = []
  let chars = 0
  let count = 0
  const flush = async () => {
    if (batch.length === 0) return
    await tx.query(insert, [`[${batch.join(',')}]`])
    count += batch.length
    batch = []
    chars = 0
  }
  for (;;) {
    const line = await next(lines, file)
    if (line.startsWith('{')) {
      await flush()
      const end = JSON.parse(line) as { end?: string; rows?: number }
      if (end.end !== table.name || end.rows !== count) {
        throw new RestoreRefused(`table ${table.name}: the backup lists ${end.rows} rows, ${count} were read`)
      }
      return count
    }
    batch.push(line)
    chars += line.length
    if (batch.length >= BATCH_ROWS || chars >= BATCH_CHARS) await flush()
  }
}

/** Moves each identity or serial sequence past the largest restored id. */
async function resetSequences(tx: Queryable, table: BackupTable): Promise<void> {
  for (const column of table.columns) {
    const { rows } = await tx.query<{ seq: string | null }>('SELECT pg_get_serial_sequence($1, $2) AS seq', [
      ident(table.name), column.name,
    ])
    const seq = rows[0]?.seq
    if (!seq) continue
    await tx.query(
      `SELECT setval($1, coalesce((SELECT max(${ident(column.name)}) FROM ${ident(table.name)}), 0) + 1, false)`,
      [seq],
    )
  }
}

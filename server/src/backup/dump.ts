import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { createGzip } from 'node:zlib'
import type { Db } from '../db/db.ts'
import { ident } from '../db/db.ts'
import { listTables, selectList, type BackupTable } from './tables.ts'

/**
 * The backup file: gzip-compressed lines of JSON, the same for both databases,
 * so a backup of one restores into the other.
 *
 *   {"format":"jiyuan-backup","version":1,"migrations":[1,2,…],…}   header
 *   {"table":"parcels","columns":[{"name","type","encoding"},…]}   a table
 *   ["1","JM-0001",…,"0106000020BA11…"]                            its rows
 *   {"end":"parcels","rows":5000}
 *   …
 *   {"end":true,"tables":{"parcels":5000,…}}                        complete
 *
 * Every value is the column's own text form (geometry as hex EWKB, times with
 * their offset, arrays and jsonb as PostgreSQL writes them), which PostgreSQL
 * reads back exactly; bytea (attachments) as base64.
 */
export const BACKUP_FORMAT = 'jiyuan-backup'
export const BACKUP_VERSION = 1

export interface BackupSummary {
  file: string
  tables: Record<string, number>
  bytes: number
  ms: number
}

// Rows fetched at a time: attachments are up to 20 MiB each, so a few.
const FETCH_ROWS = 2000
const FETCH_ROWS_BYTEA = 8

/**
 * Writes a consistent backup of every table: one REPEATABLE READ, READ ONLY
 * transaction sees the database as of its start, however long it takes and
 * whatever is written meanwhile. Writes `file.part` and renames it when
 * complete, so an interrupted backup never looks like one.
 */
export async function writeBackup(db: Db, file: string): Promise<BackupSummary> {
  const started = Date.now()
  const partial = `${file}.part`
  const gzip = createGzip()
  const out = createWriteStream(partial)
  gzip.pipe(out)
  const write = async (value: unknown) => {
    if (!gzip.write(JSON.stringify(value) + '\n')) await once(gzip, 'drain')
  }

  try {
    const tables = await db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY')
      const { rows: migrations } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY 1')
      const { rows: about } = await tx.query<{ postgis: string; server: string }>(
        `SELECT postgis_lib_version() AS postgis, current_setting('server_version') AS server`,
      )
      await write({
        format: BACKUP_FORMAT, version: BACKUP_VERSION, created_at: new Date().toISOString(), driver: db.driver,
        server: about[0]!.server, postgis: about[0]!.postgis, migrations: migrations.map((m) => m.version),
      })
      const counts: Record<string, number> = {}
      for (const table of await listTables(tx)) counts[table.name] = await dumpTable(tx, table, write)
      await write({ end: true, tables: counts })
      return counts
    })
    gzip.end()
    await once(out, 'close')
    await rename(partial, file)
    return { file, tables, bytes: out.bytesWritten, ms: Date.now() - started }
  } catch (error) {
    gzip.destroy()
    out.destroy()
    await rm(partial, { force: true })
    throw error
  }
}

async function dumpTable(
  tx: { query: Db['query'] },
  table: BackupTable,
  write: (value: unknown) => Promise<void>,
): Promise<number> {
  await write({ table: table.name, columns: table.columns })
  const order = table.key.length > 0 ? ` ORDER BY ${table.key.map(ident).join(', ')}` : ''
  const batch = table.columns.some((c) => c.encoding === 'base64') ? FETCH_ROWS_BYTEA : FETCH_ROWS
  await tx.query(`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT ${selectList(table)} FROM ${ident(table.name)}${order}`)
  let count = 0
  for (;;) {
    const { rows } = await tx.query<Record<string, string | null>>(`FETCH ${batch} FROM backup_rows`)
    for (const row of rows) await write(table.columns.map((_c, i) => row[`c${i}`]))
    count += rows.length
    if (rows.length < batch) break
  }
  await tx.query('CLOSE backup_rows')
  await write({ end: table.name, rows: count })
  return count
}

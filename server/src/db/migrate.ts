import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { log } from '../log.ts'
import type { Db } from './db.ts'

const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations')

// Any fixed number: all server processes take the same advisory lock, so two
// processes starting on one database apply each migration once.
const MIGRATION_LOCK = 370215

interface Migration {
  version: number
  name: string
  sql: string
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{3}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(path.join(dir, file), 'utf8'),
    }))
}

/**
 * Applies the pending numbered migrations, each in its own transaction, and
 * records them; with `through`, only those up to that number (a restore
 * brings the schema to its backup's version first).
 */
export async function migrate(db: Db, options: { through?: number } = {}): Promise<string[]> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`)
  const applied: string[] = []
  for (const migration of listMigrations().filter((m) => m.version <= (options.through ?? Infinity))) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version])
      if (seen.rowCount > 0) return false
      await tx.exec(migration.sql)
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ])
      return true
    })
    if (done) applied.push(migration.name)
  }
  if (applied.length > 0) log.info('migrations applied', { migrations: applied.join(',') })
  return applied
}

import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from '../config.ts'
import type { Db, Queryable } from '../db/db.ts'
import { sqlFiles } from '../db/sql-files.ts'

const DIR = path.join(import.meta.dirname, 'sql')

/** The text of server/src/checks/sql/<name>.sql, read once. */
export const sql = sqlFiles(DIR)

/**
 * What a run records as its code: the package version and a digest of the
 * check SQL, so two runs with the same version but different queries differ.
 */
export const CODE_VERSION = (() => {
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
  const hash = createHash('sha256')
  for (const file of readdirSync(DIR).sort()) hash.update(file).update(readFileSync(path.join(DIR, file)))
  return `${version}+sql.${hash.digest('hex').slice(0, 10)}`
})()

/**
 * Runs a check statement, each of which answers at least one row. An empty
 * answer means the database dropped the statement without reporting an
 * error, as the embedded PostGIS does when GEOS fails inside it; that must
 * fail the run rather than pass for "nothing found". JIT compilation is
 * turned off for the statement: its cost estimates are high enough to
 * trigger LLVM, which costs more than the statement saves. Each statement
 * first yields to the event loop: the embedded database runs on this thread,
 * and without a pause a long run would keep every request waiting until it ends.
 */
export async function runStatement<R>(db: Db | Queryable, name: string | string[], values: unknown[]): Promise<R[]> {
  await new Promise((resolve) => setImmediate(resolve))
  // a statement in parts: a head ending in a CTE, then the tail that reads it
  const names = typeof name === 'string' ? [name] : name
  const run = async (q: Queryable) => {
    await q.query(`SELECT set_config('jit', 'off', true)`)
    return (await q.query<R>(names.map((n) => sql(n)).join(',\n'), values)).rows
  }
  const rows = 'transaction' in db ? await db.transaction(run) : await run(db)
  if (rows.length === 0) {
    const files = names.map((n) => `${n}.sql`).join(' + ')
    throw new Error(`${files} gave no answer: the database dropped the statement without an error (GEOS failure?)`)
  }
  return rows
}

/**
 * A Db whose every statement goes to one open transaction `tx`: a small run
 * does all its work there, so its findings appear at once or not at all.
 * A nested transaction() joins the open one.
 */
export function pin(tx: Queryable, driver: Db['driver']): Db {
  return {
    driver,
    query: (text, values) => tx.query(text, values),
    exec: (text) => tx.exec(text),
    copyFrom: (text, data) => tx.copyFrom(text, data),
    transaction: (work) => work(tx),
    close: async () => undefined,
  }
}

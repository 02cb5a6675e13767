// What tells that a refused request wrote nothing: a fingerprint of the tables.
import type { Db } from '../../server/src/db/db.ts'

/**
 * Tables a refused request may still write: sign-in bookkeeping, the audit
 * log, and the import log, which records a refused file with its report.
 */
export const BOOKKEEPING = /^(sessions|login_attempts|imports|schema_migrations|spatial_ref_sys)$|audit/

/**
 * A query fingerprinting every other table: its name, row count and the sum
 * of its rows' xmin (the transaction that wrote each row version), which any
 * insert, update or delete changes. Rows: { name, n, xmins }.
 */
export async function fingerprintQuery(db: Db): Promise<string> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )
  return rows
    .filter(({ name }) => !BOOKKEEPING.test(name))
    .map(({ name }) => `SELECT '${name}' AS name, count(*)::int AS n, coalesce(sum(xmin::text::bigint), 0)::text AS xmins FROM "${name}"`)
    .join(' UNION ALL ')
}

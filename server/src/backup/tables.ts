import type { Queryable } from '../db/db.ts'
import { ident } from '../db/db.ts'

/** A column as the backup carries it: its name, its type, and how its value is written. */
export interface BackupColumn {
  name: string
  /** format_type(): the type to cast the text back to, e.g. geometry(MultiPolygon,4490) */
  type: string
  /** text: the type's own text form (exact for every type); base64: bytea */
  encoding: 'text' | 'base64'
}

export interface BackupTable {
  name: string
  columns: BackupColumn[]
  /** primary-key columns, to read rows in a stable order */
  key: string[]
  /** columns GENERATED ALWAYS AS IDENTITY: restored with OVERRIDING SYSTEM VALUE */
  identity: string[]
}

// Kept by PostGIS and by the migrations themselves, not by the application.
const NOT_DATA = ['spatial_ref_sys', 'schema_migrations']

/**
 * The application's tables in the public schema, each after the tables its
 * foreign keys point to, so that a restore inserts parents before children.
 * Tables that belong to an extension (PostGIS's) are left out.
 */
export async function listTables(db: Queryable): Promise<BackupTable[]> {
  const { rows: names } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> ALL($1)
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
     ORDER BY 1`,
    [NOT_DATA],
  )
  const { rows: edges } = await db.query<{ child: string; parent: string }>(
    `SELECT ch.relname AS child, pa.relname AS parent
     FROM pg_constraint k JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid
     JOIN pg_namespace n ON n.oid = ch.relnamespace
     WHERE k.contype = 'f' AND n.nspname = 'public' AND ch.oid <> pa.oid`,
  )
  const ordered = dependencyOrder(names.map((r) => r.name), edges)
  const tables: BackupTable[] = []
  for (const name of ordered) tables.push(await describeTable(db, name))
  return tables
}

function dependencyOrder(names: string[], edges: { child: string; parent: string }[]): string[] {
  const known = new Set(names)
  const parents = new Map(names.map((name) => [name, new Set<string>()]))
  for (const { child, parent } of edges) if (known.has(child) && known.has(parent)) parents.get(child)!.add(parent)
  const ordered: string[] = []
  const placed = new Set<string>()
  while (ordered.length < names.length) {
    const ready = names.filter((name) => !placed.has(name) && [...parents.get(name)!].every((p) => placed.has(p)))
    if (ready.length === 0) {
      const left = names.filter((name) => !placed.has(name))
      throw new Error(`the foreign keys of ${left.join(', ')} form a cycle: no order to restore them in`)
    }
    for (const name of ready) {
      ordered.push(name)
      placed.add(name)
    }
  }
  return ordered
}

async function describeTable(db: Queryable, name: string): Promise<BackupTable> {
  const { rows } = await db.query<{ name: string; type: string; generated: string; identity: string; key: boolean }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attgenerated::text AS generated,
       a.attidentity::text AS identity,
       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY(i.indkey)) AS key
     FROM pg_attribute a
     WHERE a.attrelid = (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = 'public' AND c.relname = $1)
       AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attnum`,
    [name],
  )
  // Generated columns are computed again on insert; they cannot be written.
  const stored = rows.filter((r) => r.generated === '')
  return {
    name,
    columns: stored.map((r) => ({ name: r.name, type: r.type, encoding: r.type === 'bytea' ? 'base64' : 'text' })),
    key: stored.filter((r) => r.key).map((r) => r.name),
    identity: stored.filter((r) => r.identity === 'a').map((r) => r.name),
  }
}

/** The select list that writes each column as text (bytea as base64), named c0, c1 … in order. */
export function selectList(table: BackupTable): string {
  return table.columns
    .map((c, i) => `${c.encoding === 'base64' ? `encode(${ident(c.name)}, 'base64')` : `${ident(c.name)}::text`} AS c${i}`)
    .join(', ')
}

/** The expressions that turn the i-th text value of a JSON array row `r` back into each column's type. */
export function castList(columns: BackupColumn[]): string {
  return columns
    .map((c, i) => (c.encoding === 'base64' ? `decode(r ->> ${i}, 'base64')` : `(r ->> ${i})::${c.type}`))
    .join(', ')
}

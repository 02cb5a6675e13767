/**
 * One database interface over two drivers: the embedded PGlite with its
 * PostGIS extension, and node-postgres against a PostgreSQL + PostGIS server.
 * Both run exactly the same SQL; values always travel as $n parameters.
 */
export interface Rows<R> {
  rows: R[]
  rowCount: number
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Rows<R>>
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>
}

export interface Db extends Queryable {
  readonly driver: 'embedded' | 'postgres'
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** Quotes an SQL identifier; the one place identifiers are built from names. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

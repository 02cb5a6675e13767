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
  /**
   * Runs `COPY … FROM STDIN` with `data` as the rows, in the chunks given
   * (e.g. from BinaryCopyWriter, for `(FORMAT binary)`).
   */
  copyFrom(sql: string, data: readonly Uint8Array[]): Promise<void>
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

/**
 * Work done inside every transaction just before it commits, by both drivers.
 * The audit log uses it to write a request's row in the same transaction as
 * the request's write (server/src/audit/record.ts); outside a request it does
 * nothing.
 */
export type BeforeCommit = (tx: Queryable) => Promise<void>

let beforeCommit: BeforeCommit | null = null

export function setBeforeCommit(hook: BeforeCommit | null): void {
  beforeCommit = hook
}

export async function runBeforeCommit(tx: Queryable): Promise<void> {
  if (beforeCommit) await beforeCommit(tx)
}

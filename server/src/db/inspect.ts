import { log } from '../log.ts'
import type { Db } from './db.ts'

export const STORAGE_SRID = 4490

// Geometry columns that are never searched by place: the history keeps the
// geometry of each version to show and restore it, looked up by parcel id.
export const NOT_SEARCHED = new Set(['parcel_versions.geom_before', 'parcel_versions.geom_after'])

interface GeometryColumn {
  table: string
  column: string
  srid: number
  indexed: boolean
}

/**
 * Reports the geometry columns of the public schema with their SRID and
 * whether a GiST index covers them; warns about each that is not as expected.
 */
export async function inspectGeometryColumns(db: Db): Promise<GeometryColumn[]> {
  const { rows } = await db.query<GeometryColumn>(`
    SELECT g.f_table_name AS "table", g.f_geometry_column AS "column", g.srid,
           EXISTS (
             SELECT 1
             FROM pg_index i
             JOIN pg_class ix ON ix.oid = i.indexrelid
             JOIN pg_am am ON am.oid = ix.relam
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
             WHERE i.indrelid = (quote_ident(g.f_table_schema) || '.' || quote_ident(g.f_table_name))::regclass
               AND a.attname = g.f_geometry_column
               AND am.amname = 'gist'
           ) AS indexed
    FROM geometry_columns g
    WHERE g.f_table_schema = 'public'
    ORDER BY 1, 2`)
  for (const column of rows) {
    const name = `${column.table}.${column.column}`
    if (!column.indexed && !NOT_SEARCHED.has(name)) log.warn('geometry column has no GiST index', { column: name })
    if (column.srid !== STORAGE_SRID) {
      log.warn('geometry column has an unexpected SRID', { column: name, srid: column.srid, expected: STORAGE_SRID })
    }
  }
  return rows
}

export async function postgisVersion(db: Db): Promise<string> {
  const { rows } = await db.query<{ version: string }>('SELECT postgis_lib_version() AS version')
  return rows[0]?.version ?? 'unknown'
}

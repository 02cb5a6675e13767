import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inspectGeometryColumns, NOT_SEARCHED } from '../../server/src/db/inspect.ts'
import { listMigrations, migrate } from '../../server/src/db/migrate.ts'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type TestApp } from '../helpers/app.ts'

describe.each(backends())('the schema on the %s database', (backend) => {
  let app: TestApp

  beforeAll(async () => {
    app = await startTestApp(backend)
  })
  afterAll(async () => app?.close())

  it('records every migration once, and applying them again does nothing', async () => {
    const { rows } = await app.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
    expect(rows.map((r) => r.version)).toEqual(listMigrations().map((m) => m.version))
    expect(await migrate(app.db)).toEqual([])
  })

  it('stores every geometry in EPSG:4490 under a GiST index', async () => {
    const columns = await inspectGeometryColumns(app.db)
    const names = columns.map((c) => `${c.table}.${c.column}`)
    expect(names).toEqual(expect.arrayContaining(['parcels.geom', 'villages.geom', 'zones.geom', 'occupations.geom']))
    for (const column of columns) {
      const name = `${column.table}.${column.column}`
      expect(column.srid, name).toBe(4490)
      expect(column.indexed || NOT_SEARCHED.has(name), name).toBe(true)
    }
  })

  it('warns at start-up about a geometry column without a GiST index or with another SRID', async () => {
    await app.db.exec('CREATE TABLE stray (id int, geom geometry(Point, 4326))')
    const warnings: string[] = []
    const original = console.error
    console.error = (line: string) => warnings.push(line)
    try {
      await inspectGeometryColumns(app.db)
    } finally {
      console.error = original
      await app.db.exec('DROP TABLE stray')
    }
    expect(warnings.some((w) => w.includes('no GiST index') && w.includes('stray.geom'))).toBe(true)
    expect(warnings.some((w) => w.includes('unexpected SRID') && w.includes('srid=4326'))).toBe(true)
  })

  it('refuses an invalid parcel geometry even when written straight to the table', async () => {
    const bowtie = 'MULTIPOLYGON(((120.45 36.39,120.451 36.391,120.451 36.39,120.45 36.391,120.45 36.39)))'
    await expect(
      app.db.query(
        `INSERT INTO parcels (code, town, category, geom)
         VALUES ('T-RAW-1', '370215001', 'intensive_use', ST_GeomFromText($1, 4490))`,
        [bowtie],
      ),
    ).rejects.toThrow(/check constraint/)
  })

  it('refuses a value written to area_m2: PostgreSQL computes it from the geometry', async () => {
    const square = 'MULTIPOLYGON(((120.45 36.39,120.451 36.39,120.451 36.391,120.45 36.391,120.45 36.39)))'
    await expect(
      app.db.query(
        `INSERT INTO parcels (code, town, category, geom, area_m2)
         VALUES ('T-RAW-2', '370215001', 'intensive_use', ST_GeomFromText($1, 4490), 1)`,
        [square],
      ),
    ).rejects.toThrow(/area_m2/)
  })

  it('keeps area_m2 as the ellipsoidal area whatever a writer puts there', async () => {
    const { rows } = await app.db.query<{ stored: number; measured: number }>(
      `SELECT area_m2 AS stored, ST_Area(geom::geography) AS measured FROM parcels ORDER BY id LIMIT 50`,
    )
    for (const row of rows) expect(row.stored).toBeCloseTo(row.measured, 6)
  })

  it('has a history version for every sample parcel', async () => {
    const { rows } = await app.db.query<{ parcels: number; versions: number }>(
      `SELECT (SELECT count(*)::int FROM parcels) AS parcels,
              (SELECT count(DISTINCT parcel_id)::int FROM parcel_versions) AS versions`,
    )
    expect(rows[0]!.versions).toBe(rows[0]!.parcels)
  })
})

import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { zipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERRORS } from '../../server/src/errors/catalogue.ts'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { DATA_EXTERNAL, dataExternalPresent, externalFile, externalMembers } from '../helpers/data-external.ts'

const present = dataExternalPresent()

/**
 * What each real file gives on import, as reviewed: the status, then the
 * stored / read features and the codes of the refused ones, or the error
 * code. JIYUAN_UPDATE_FIXTURES=1 writes it anew from the embedded run.
 */
const OUTCOMES = path.join(import.meta.dirname, '../fixtures/imports-external/outcomes.json')
const UPDATE = process.env.JIYUAN_UPDATE_FIXTURES === '1'

interface Upload {
  name: string
  bytes: Uint8Array
  fields?: Record<string, string>
}

/** Loose Shapefile members zipped as a user would before uploading. */
function zipped(folder: string, base: string): Upload {
  const members = Object.fromEntries(externalMembers(folder, base))
  return { name: `${base}.zip`, bytes: zipSync(members) }
}

function bases(folder: string): string[] {
  const files = readdirSync(path.join(DATA_EXTERNAL, folder)).filter((f) => /\.shp$/i.test(f))
  return files.map((f) => f.replace(/\.shp$/i, '')).sort()
}

function uploads(): Upload[] {
  if (!present) return []
  const zips = ['shapefile-js', 'pyshp'].flatMap((folder) =>
    readdirSync(path.join(DATA_EXTERNAL, folder))
      .filter((f) => f.endsWith('.zip'))
      .map((f) => ({ name: f, bytes: externalFile(folder, f) })),
  )
  const loose = ['shapefile-js', 'mbostock-shapefile', 'pyshp', 'geotools'].flatMap((folder) =>
    bases(folder).map((base) => zipped(folder, base)),
  )
  const geojson = ['good', 'bad'].flatMap((kind) =>
    readdirSync(path.join(DATA_EXTERNAL, 'geojsonhint', kind))
      .filter((f) => f.endsWith('.geojson'))
      .map((f) => ({ name: `${kind}-${f}`, bytes: externalFile('geojsonhint', kind, f) })),
  )
  return [...zips, ...loose, ...geojson]
}

describe.skipIf(!present).each(backends())('real files from other projects, imported on the %s database', (backend) => {
  let app: TestApp
  let analyst: Client
  let layer: number

  beforeAll(async () => {
    app = await startTestApp(backend)
    analyst = await app.as('analyst')
    layer = (await analyst.post('/api/layers', { name: '外部测试数据', kind: 'test' })).body.id
  })
  afterAll(async () => app?.close())

  async function counts(): Promise<Record<string, number>> {
    const { rows } = await app.db.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM parcels) AS parcels, (SELECT count(*)::int FROM zones) AS zones,
              (SELECT count(*)::int FROM occupations) AS occupations,
              (SELECT count(*)::int FROM parcel_versions) AS versions`,
    )
    return rows[0]!
  }

  it('reads every file as reviewed: never a 5xx; a refusal has its own code and changes nothing; what is stored adds up', async () => {
    const files = uploads()
    expect(files.length).toBeGreaterThan(100)
    const outcomes: Record<string, string> = {}
    for (const file of files) {
      const before = await counts()
      // Foreign files lie outside Jimo: as a planning layer they are accepted
      // where a parcel would be refused (SRID 4490 where no CRS can be found).
      const reply = await analyst.upload(file.name, file.bytes, { target: `layer:${layer}`, class: 'test_zone', mode: 'partial' })
      const after = await counts()
      const refused = [...new Set<string>((reply.body.rejected ?? []).map((r: { code: string }) => r.code))].sort()
      outcomes[file.name] = reply.body.error?.code
        ? `${reply.status} ${reply.body.error.code}`
        : `${reply.status} ${reply.body.accepted}/${reply.body.feature_count} ${refused.join(',')}`.trim()
      expect(reply.status, file.name).toBeLessThan(500)
      if (reply.status >= 400) {
        expect(Object.keys(ERRORS), file.name).toContain(reply.body.error.code)
        expect(after, file.name).toEqual(before)
      } else {
        expect(after.zones! - before.zones!, file.name).toBe(reply.body.accepted)
        expect(reply.body.accepted + new Set(reply.body.rejected.map((r: any) => r.index)).size, file.name).toBe(reply.body.feature_count)
        expect(after.parcels, file.name).toBe(before.parcels)
      }
    }
    // Points have no area: a planning layer (and every target) refuses them per
    // feature as unsupported_geometry_type; senate.zip's one invalid polygon is
    // invalid for GDAL too (ogrinfo -dialect sqlite: NOT ST_IsValid).
    if (UPDATE && backend === 'embedded') writeFileSync(OUTCOMES, `${JSON.stringify(outcomes, null, 1)}\n`)
    else expect(outcomes).toEqual(JSON.parse(readFileSync(OUTCOMES, 'utf8')))
  })

  it('refuses the broken zips with the reason', async () => {
    const cases: [string, string, string][] = [
      ['shapefile-js', 'noshp.zip', 'no_shapefile'],
      ['shapefile-js', 'badzip.zip', 'not_a_zip'],
      ['pyshp', 'empty_zipfile.zip', 'no_shapefile'],
    ]
    for (const [folder, name, code] of cases) {
      const reply = await analyst.upload(name, externalFile(folder, name), { target: `layer:${layer}`, class: 'test_zone' })
      expect([name, reply.body.error?.code]).toEqual([name, code])
    }
  })

  it('lands the Massachusetts State Plane stations at their longitude and latitude', async () => {
    const reply = await analyst.upload('train_stations.zip', externalFile('shapefile-js', 'train_stations.zip'), { dry_run: 'true', target: `layer:${layer}`, class: 'test_zone' })
    expect(reply.status).toBe(200)
    expect(reply.body.detected).toMatchObject({ format: 'shapefile', crs_source: 'prj', encoding: 'utf-8' })
    expect(reply.body.feature_count).toBe(361)
  })
})

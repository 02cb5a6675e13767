import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { backends } from '../helpers/backends.ts'
import { ogcErrors } from '../helpers/ogc-schemas.ts'

const HUANXIU = '370215001'
const TIANHENG = '370215101'
const EPSG = (code: number) => `http://www.opengis.net/def/crs/EPSG/0/${code}`
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'
const PARCELS = '/ogc/collections/parcels/items'

/** gdaltransform (Debian gdal-bin), an independent PROJ to check the coordinates against. */
const GDAL = spawnSync('gdaltransform', ['--version'], { encoding: 'utf8' }).status === 0
if (!GDAL) {
  if (process.env.CI === 'true') throw new Error('CI=true but gdaltransform (Debian gdal-bin) is missing')
  console.warn('gdaltransform (Debian gdal-bin) is not installed: the CRS checks against PROJ are skipped')
}
const withGdal = GDAL ? it : it.skip

/** Positions from EPSG:4490 lon/lat to `srid`, x (easting) first, by GDAL's own PROJ. */
function gdalTransform(positions: number[][], srid: number): number[][] {
  const input = positions.map((p) => `${p[0]} ${p[1]}`).join('\n') + '\n'
  const run = spawnSync('gdaltransform', ['-s_srs', 'EPSG:4490', '-t_srs', `EPSG:${srid}`], { input, encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`gdaltransform failed: ${run.stderr}`)
  return run.stdout.trim().split('\n').map((line) => line.split(/\s+/).slice(0, 2).map(Number))
}

function firstRing(feature: { geometry: { coordinates: number[][][][] } }): number[][] {
  return feature.geometry.coordinates[0]![0]!
}

/** A small square in the middle of a village of the town, for writes. */
async function squareIn(app: TestApp, town: string, size = 0.0003) {
  const { rows } = await app.db.query<{ lon: number; lat: number; village: string }>(
    `SELECT ST_X(pt) AS lon, ST_Y(pt) AS lat, v.code AS village
     FROM villages v, LATERAL ST_PointOnSurface(v.geom) pt WHERE v.town = $1 ORDER BY v.code LIMIT 1`,
    [town],
  )
  const { lon, lat, village } = rows[0]!
  const ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
  return { village, geometry: { type: 'Polygon', coordinates: [ring] } }
}

describe.each(backends())('OGC API Features on the %s database', (backend) => {
  let app: TestApp
  let admin: Client
  let editor: Client
  let liveParcels: number

  beforeAll(async () => {
    app = await startTestApp(backend)
    admin = await app.as('admin')
    editor = await app.as('editorHuanxiu')
    const { rows } = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcels WHERE deleted_at IS NULL')
    liveParcels = rows[0]!.n
  })
  afterAll(async () => app?.close())

  describe('Part 1 core', () => {
    it('serves a landing page, conformance and the API definition without sign-in', async () => {
      const anonymous = app.anonymous()
      const landing = await anonymous.get('/ogc')
      expect(landing.status).toBe(200)
      expect(ogcErrors('landingPage', landing.body)).toBe('')
      const rels = landing.body.links.map((l: { rel: string }) => l.rel)
      expect(rels).toEqual(expect.arrayContaining(['self', 'service-desc', 'conformance', 'data']))

      const conformance = await anonymous.get('/ogc/conformance')
      expect(ogcErrors('confClasses', conformance.body)).toBe('')
      expect(conformance.body.conformsTo).toEqual(expect.arrayContaining([
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
        'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
        'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete',
      ]))

      const api = await anonymous.get('/ogc/api')
      expect(api.headers.get('content-type')).toMatch(/^application\/vnd\.oai\.openapi\+json;\s*version=3\.0/)
      expect(api.body.openapi).toMatch(/^3\.0\./)
      for (const path of ['/ogc', '/ogc/conformance', '/ogc/collections', '/ogc/collections/{collectionId}',
        '/ogc/collections/{collectionId}/items', '/ogc/collections/{collectionId}/items/{featureId}']) {
        expect(api.body.paths[path]?.get, path).toBeDefined()
      }
      const items = api.body.paths['/ogc/collections/{collectionId}/items']
      expect(Object.keys(items)).toEqual(expect.arrayContaining(['get', 'post']))
    })

    it('keeps the data behind sign-in, with errors in the OGC exception shape', async () => {
      const reply = await app.anonymous().get('/ogc/collections')
      expect(reply.status).toBe(401)
      expect(ogcErrors('exception', reply.body)).toBe('')
      expect(reply.body.code).toBe('unauthenticated')
      const missing = await admin.get('/ogc/collections/nothing-here')
      expect(missing.status).toBe(404)
      expect(ogcErrors('exception', missing.body)).toBe('')
    })

    it('lists parcels, every planning layer, occupations and findings as valid collections', async () => {
      const reply = await admin.get('/ogc/collections')
      expect(reply.status).toBe(200)
      expect(ogcErrors('collections', reply.body)).toBe('')
      const ids = reply.body.collections.map((c: { id: string }) => c.id)
      const { rows } = await app.db.query<{ id: number }>('SELECT id FROM planning_layers WHERE deleted_at IS NULL ORDER BY id')
      expect(rows.length).toBeGreaterThan(0)
      expect(ids).toEqual(['parcels', ...rows.map((r) => `layer-${r.id}`), 'occupations', 'findings'])
      const parcels = reply.body.collections[0]
      expect(parcels.crs).toEqual([CRS84, EPSG(4490), EPSG(4549), EPSG(4528), EPSG(3857)])
      expect(parcels.storageCrs).toBe(EPSG(4490))
      const [minLon, minLat, maxLon, maxLat] = parcels.extent.spatial.bbox[0]
      expect(minLon).toBeGreaterThan(120.1)
      expect(maxLon).toBeLessThan(121)
      expect(minLat).toBeGreaterThan(36.1)
      expect(maxLat).toBeLessThan(36.7)
      const single = await admin.get('/ogc/collections/occupations')
      expect(ogcErrors('collection', single.body)).toBe('')
      expect(single.body.extent.temporal.interval[0][0]).toMatch(/^\d{4}-/)
    })

    it('answers every collection’s items as a valid FeatureCollection with Chinese text intact', async () => {
      const { body } = await admin.get('/ogc/collections')
      for (const { id } of body.collections as { id: string }[]) {
        const reply = await admin.get(`/ogc/collections/${id}/items?limit=5`)
        expect(reply.status, id).toBe(200)
        expect(reply.headers.get('content-type')).toContain('application/geo+json')
        expect(reply.headers.get('content-crs')).toBe(`<${CRS84}>`)
        expect(ogcErrors('featureCollectionGeoJSON', reply.body), id).toBe('')
      }
      const { rows } = await app.db.query<{ name: string }>('SELECT name FROM parcels WHERE id = (SELECT min(id) FROM parcels)')
      const first = await admin.get(`${PARCELS}?limit=1`)
      expect(first.body.features[0].properties.name).toBe(rows[0]!.name)
      expect(first.body.features[0].properties.name).toMatch(/[\u4e00-\u9fff]/)
    })

    it('pages through every parcel exactly once by following next links', async () => {
      const seen = new Map<number, number>()
      let url: string | undefined = `${PARCELS}?limit=700`
      let pages = 0
      while (url) {
        const reply: { status: number; body: any } = await admin.get(url.replace(app.url, ''))
        expect(reply.status).toBe(200)
        expect(reply.body.numberMatched).toBe(liveParcels)
        expect(reply.body.numberReturned).toBe(reply.body.features.length)
        for (const f of reply.body.features) seen.set(f.id, (seen.get(f.id) ?? 0) + 1)
        url = reply.body.links.find((l: { rel: string }) => l.rel === 'next')?.href
        pages++
      }
      expect(pages).toBe(Math.ceil(liveParcels / 700))
      expect(seen.size).toBe(liveParcels)
      expect([...seen.values()].every((n) => n === 1)).toBe(true)
    })

    it('takes a limit over the maximum as the maximum, and refuses unknown parameters', async () => {
      const big = await admin.get(`${PARCELS}?limit=999999`)
      expect(big.status).toBe(200)
      expect(big.body.numberReturned).toBe(Math.min(10_000, liveParcels))
      const unknown = await admin.get(`${PARCELS}?colour=red`)
      expect(unknown.status).toBe(400)
      expect(unknown.body.code).toBe('ogc_unknown_parameter')
    })

    it('filters by bbox, properties and datetime as the database does', async () => {
      const box = [120.45, 36.38, 120.5, 36.42]
      const { rows } = await app.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM parcels WHERE deleted_at IS NULL AND category = 'idle_industrial'
           AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4490))`,
        box,
      )
      expect(rows[0]!.n).toBeGreaterThan(0)
      const reply = await admin.get(`${PARCELS}?bbox=${box.join(',')}&category=idle_industrial`)
      expect(reply.body.numberMatched).toBe(rows[0]!.n)
      expect(reply.body.features.every((f: any) => f.properties.category === 'idle_industrial')).toBe(true)

      const problem = await app.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM parcels WHERE deleted_at IS NULL AND 'contract' = ANY (problems)`,
      )
      expect((await admin.get(`${PARCELS}?problem=contract&limit=1`)).body.numberMatched).toBe(problem.rows[0]!.n)

      const surveyed = await app.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM occupations WHERE deleted_at IS NULL
           AND surveyed_at BETWEEN '2023-05-01' AND '2023-06-30'`,
      )
      expect(surveyed.rows[0]!.n).toBeGreaterThan(0)
      const dated = await admin.get('/ogc/collections/occupations/items?datetime=2023-05-01/2023-06-30&limit=1')
      expect(dated.body.numberMatched).toBe(surveyed.rows[0]!.n)
      const open = await admin.get('/ogc/collections/occupations/items?datetime=../2023-06-30&limit=1')
      expect(open.body.numberMatched).toBeGreaterThanOrEqual(surveyed.rows[0]!.n)
      const zones = await admin.get('/ogc/collections/layer-1/items?datetime=2023-01-01')
      expect(zones.status).toBe(400)
    })

    it('serves findings of finished runs, dated by the run and confined to the town', async () => {
      // A finished run with one finding in each of two towns, written as the engine stores them
      const { rows: runs } = await app.db.query<{ id: number }>(
        `INSERT INTO check_runs (status, trigger, kinds, scope, params, code_version, finished_at)
         VALUES ('done', 'request', '{overlap}', 'district', '{}', 'test', '2025-03-01T08:00:00Z') RETURNING id`,
      )
      const run = runs[0]!.id
      for (const town of [HUANXIU, TIANHENG]) {
        await app.db.query(
          `INSERT INTO check_findings (run_id, kind, code, severity, parcel_id, town, zone_class, area_m2, ratio,
             message_zh, message_en, geom)
           SELECT $1, 'overlap', 'zone_overlap', 'conflict', p.id, p.town, 'basic_farmland', 120.5, 0.25,
             '与永久基本农田重叠', 'overlaps permanent basic farmland', ST_PointOnSurface(p.geom)
           FROM parcels p WHERE p.town = $2 ORDER BY p.id LIMIT 1`,
          [run, town],
        )
      }
      const all = await admin.get(`/ogc/collections/findings/items?run_id=${run}`)
      expect(all.body.numberMatched).toBe(2)
      expect(ogcErrors('featureCollectionGeoJSON', all.body)).toBe('')
      expect(all.body.features[0].geometry.type).toBe('Point')
      expect(all.body.features[0].properties).toMatchObject({ severity: 'conflict', message_zh: '与永久基本农田重叠', area_mu: Number(((120.5 * 15) / 10000).toFixed(4)) })
      const own = await editor.get(`/ogc/collections/findings/items?run_id=${run}`)
      expect(own.body.features.map((f: any) => f.properties.town)).toEqual([HUANXIU])
      const dated = await admin.get(`/ogc/collections/findings/items?run_id=${run}&datetime=2025-03-01`)
      expect(dated.body.numberMatched).toBe(2)
      const before = await admin.get(`/ogc/collections/findings/items?run_id=${run}&datetime=../2025-02-28T23:59:59Z`)
      expect(before.body.numberMatched).toBe(0)
    })

    it('answers a single parcel with its ETag and 304 for If-None-Match', async () => {
      const reply = await admin.get(`${PARCELS}/1`)
      expect(reply.status).toBe(200)
      expect(ogcErrors('featureGeoJSON', reply.body)).toBe('')
      const etag = reply.headers.get('etag')
      expect(etag).toBe(`"${reply.body.properties.version}"`)
      expect(reply.body.links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'collection'])
      expect((await admin.get(`${PARCELS}/1`, { 'if-none-match': etag! })).status).toBe(304)
      expect((await admin.get(`${PARCELS}/99999999`)).status).toBe(404)
    })
  })

  describe('Part 2 CRS', () => {
    withGdal('gives coordinates in each CRS in its axis order, matching PROJ, with Content-Crs', async () => {
      const stored = firstRing((await admin.get(`${PARCELS}/1`)).body)
      for (const [srid, northFirst] of [[4490, true], [4549, true], [4528, true], [3857, false]] as const) {
        const reply = await admin.get(`${PARCELS}/1?crs=${encodeURIComponent(EPSG(srid))}`)
        expect(reply.headers.get('content-crs')).toBe(`<${EPSG(srid)}>`)
        const got = firstRing(reply.body).map(([a, b]) => (northFirst ? [b!, a!] : [a!, b!]))
        const expected = gdalTransform(stored, srid)
        const tolerance = srid === 4490 ? 1e-9 : 0.002 // degrees; metres (the output has 1 mm)
        got.forEach(([x, y], i) => {
          expect(Math.abs(x! - expected[i]![0]!), `EPSG:${srid} x`).toBeLessThan(tolerance)
          expect(Math.abs(y! - expected[i]![1]!), `EPSG:${srid} y`).toBeLessThan(tolerance)
        })
      }
      // 4549 northings are ~4 000 000 m and eastings ~540 000 m here: northing first
      const gk = firstRing((await admin.get(`${PARCELS}/1?crs=${EPSG(4549)}`)).body)[0]!
      expect(gk[0]).toBeGreaterThan(3_000_000)
      expect(gk[1]).toBeLessThan(1_000_000)
    })

    it('selects the same parcels for a bbox in any bbox-crs', async () => {
      const lonLat = [120.45, 36.38, 120.5, 36.42]
      const base = (await admin.get(`${PARCELS}?bbox=${lonLat.join(',')}&limit=1`)).body.numberMatched
      expect(base).toBeGreaterThan(0)
      const latLon = [36.38, 120.45, 36.42, 120.5]
      const swapped = await admin.get(`${PARCELS}?bbox=${latLon.join(',')}&bbox-crs=${EPSG(4490)}&limit=1`)
      expect(swapped.body.numberMatched).toBe(base)
      // The same box in Web Mercator metres (its edges are parallels and meridians too)
      const mercatorX = (lon: number) => (lon * 20037508.342789244) / 180
      const mercatorY = (lat: number) => Math.log(Math.tan(((90 + lat) * Math.PI) / 360)) * 6378137
      const [w, s, e, n] = [mercatorX(120.45), mercatorY(36.38), mercatorX(120.5), mercatorY(36.42)]
      const mercator = await admin.get(`${PARCELS}?bbox=${[w, s, e, n].join(',')}&bbox-crs=${EPSG(3857)}&limit=1`)
      expect(mercator.body.numberMatched).toBe(base)
      const bad = await admin.get(`${PARCELS}?bbox=1,2,3,4&bbox-crs=${EPSG(4326)}`)
      expect(bad.status).toBe(400)
      expect(bad.body.code).toBe('ogc_unsupported_crs')
    })
  })

  describe('Part 4 writes', () => {
    it('creates, updates, replaces and deletes a parcel, each a version in its history', async () => {
      const { geometry, village } = await squareIn(app, HUANXIU)
      const created = await editor.post(PARCELS, {
        type: 'Feature', geometry,
        properties: { code: 'OGC-P4-1', name: '开放接口地块', village, category: 'intensive_use' },
      }, { 'content-type': 'application/geo+json' })
      expect(created.status).toBe(201)
      expect(ogcErrors('featureGeoJSON', created.body)).toBe('')
      expect(created.body.properties.town).toBe(HUANXIU)
      const id = created.body.id
      expect(created.headers.get('location')).toBe(`${app.url}${PARCELS}/${id}`)
      expect(created.headers.get('etag')).toBe('"1"')

      const patched = await editor.patch(`${PARCELS}/${id}`, { properties: { subtype: '四荒地' } },
        { 'content-type': 'application/merge-patch+json', 'if-match': '"1"' })
      expect(patched.status).toBe(200)
      expect(patched.body.properties).toMatchObject({ subtype: '四荒地', name: '开放接口地块', version: 2 })

      const replaced = await editor.request('PUT', `${PARCELS}/${id}`, {
        type: 'Feature', geometry, properties: { code: 'OGC-P4-1', town: HUANXIU, category: 'intensive_use' },
      }, { 'if-match': '"2"' })
      expect(replaced.status).toBe(200)
      // a replacement: what was not sent is back to its default
      expect(replaced.body.properties).toMatchObject({ subtype: null, name: '', village: null, version: 3 })

      const deleted = await editor.delete(`${PARCELS}/${id}`, { 'if-match': '"3"' })
      expect(deleted.status).toBe(204)
      expect((await admin.get(`${PARCELS}/${id}`)).status).toBe(410)

      const history = await admin.get(`/api/parcels/${id}/history`)
      expect(history.body.map((v: any) => [v.version, v.action, v.changed_by])).toEqual([
        [1, 'create', 'editor_hx'], [2, 'update', 'editor_hx'], [3, 'update', 'editor_hx'], [4, 'delete', 'editor_hx'],
      ])
      expect(history.body[1].changed_fields).toEqual(['subtype'])
    })

    it('refuses stale or missing If-Match and changes nothing', async () => {
      const before = await admin.get(`${PARCELS}/2`)
      const version = before.body.properties.version
      const stale = await admin.patch(`${PARCELS}/2`, { properties: { name: '改' } }, { 'if-match': `"${version + 5}"` })
      expect(stale.status).toBe(412)
      const missing = await admin.patch(`${PARCELS}/2`, { properties: { name: '改' } })
      expect(missing.status).toBe(428)
      const after = await admin.get(`${PARCELS}/2`)
      expect(after.body.properties).toEqual(before.body.properties)
    })

    it('holds a town editor to its own town', async () => {
      const { geometry } = await squareIn(app, TIANHENG)
      const elsewhere = await editor.post(PARCELS, {
        type: 'Feature', geometry, properties: { code: 'OGC-P4-2', town: TIANHENG, category: 'intensive_use' },
      })
      expect(elsewhere.status).toBe(403)
      const { rows } = await app.db.query<{ id: number; version: number }>(
        'SELECT id, version FROM parcels WHERE town = $1 AND deleted_at IS NULL ORDER BY id LIMIT 1',
        [TIANHENG],
      )
      const other = rows[0]!
      const patch = await editor.patch(`${PARCELS}/${other.id}`, { properties: { name: '越权' } }, { 'if-match': `"${other.version}"` })
      expect(patch.status).toBe(403)
      const del = await editor.delete(`${PARCELS}/${other.id}`, { 'if-match': `"${other.version}"` })
      expect(del.status).toBe(403)
      const unchanged = await app.db.query<{ version: number }>('SELECT version FROM parcels WHERE id = $1', [other.id])
      expect(unchanged.rows[0]!.version).toBe(other.version)
      // reads are confined too
      expect((await editor.get(`${PARCELS}/${other.id}`)).status).toBe(403)
      const listed = await editor.get(`${PARCELS}?limit=10000`)
      expect(listed.body.features.every((f: any) => f.properties.town === HUANXIU)).toBe(true)
    })

    it('takes a body in Gauss-Krüger metres named by Content-Crs', async () => {
      const { geometry } = await squareIn(app, HUANXIU)
      const lonLat = geometry.coordinates[0]!
      // northing, easting: the axis order of EPSG:4549
      const metres = gdalTransformOrSkip(lonLat, 4549)?.map(([x, y]) => [y!, x!])
      if (!metres) return
      const created = await admin.post(PARCELS, {
        type: 'Feature', geometry: { type: 'Polygon', coordinates: [metres] },
        properties: { code: 'OGC-P4-3', town: HUANXIU, category: 'idle_industrial' },
      }, { 'content-crs': `<${EPSG(4549)}>` })
      expect(created.status).toBe(201)
      firstRing(created.body).forEach(([lon, lat], i) => {
        expect(Math.abs(lon! - lonLat[i]![0]!)).toBeLessThan(1e-7)
        expect(Math.abs(lat! - lonLat[i]![1]!)).toBeLessThan(1e-7)
      })
      // the same metres without Content-Crs are not degrees in Jimo
      const unmarked = await admin.post(PARCELS, {
        type: 'Feature', geometry: { type: 'Polygon', coordinates: [metres] },
        properties: { code: 'OGC-P4-4', town: HUANXIU, category: 'idle_industrial' },
      })
      expect(unmarked.status).toBe(422)
    })

    it('keeps the other collections read-only', async () => {
      const reply = await admin.delete('/ogc/collections/occupations/items/1', { 'if-match': '"1"' })
      expect(reply.status).toBe(405)
      expect(reply.headers.get('allow')).toBe('GET')
      const viewer = await app.as('viewer')
      const { geometry } = await squareIn(app, HUANXIU)
      const refused = await viewer.post(PARCELS, { type: 'Feature', geometry, properties: { code: 'OGC-P4-5', town: HUANXIU, category: 'intensive_use' } })
      expect(refused.status).toBe(403)
    })
  })
})

function gdalTransformOrSkip(positions: number[][], srid: number): number[][] | undefined {
  return GDAL ? gdalTransform(positions, srid) : undefined
}

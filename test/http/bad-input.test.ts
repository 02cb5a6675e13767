// The inputs the fuzz run (fuzz.test.ts) once answered with a 500, each kept
// here as a plain case: refused with its own 4xx, nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { backends } from '../helpers/backends.ts'
import { HUANXIU, newParcel, rowCount, square, villageSpot } from '../helpers/workflow.ts'

describe.each(backends())('inputs the fuzz run found, on the %s database', (backend) => {
  let app: TestApp
  let admin: Client
  let spot: { village: string; lon: number; lat: number }
  let parcel: any

  beforeAll(async () => {
    app = await startTestApp(backend)
    admin = await app.as('admin')
    spot = await villageSpot(app, HUANXIU)
    parcel = await newParcel(app, admin, HUANXIU, 'T-BI-1', 0)
  })
  afterAll(async () => app?.close())

  const feature = (code: string, properties: Record<string, unknown> = {}) => ({
    type: 'Feature',
    properties: { code, town: HUANXIU, village: spot.village, category: 'intensive_use', ...properties },
    geometry: square(spot.lon + 0.003, spot.lat),
  })

  /** Sends a body as it is, with the content type given. */
  function raw(method: string, path: string, body: string | Uint8Array, contentType: string, headers: Record<string, string> = {}) {
    return fetch(app.url + path, { method, body: body as BodyInit, headers: { cookie: admin.cookie!, 'content-type': contentType, ...headers } })
  }

  async function expectNothingWritten(write: () => Promise<{ status: number; code: string }>, status: number, code: string) {
    const parcels = await rowCount(app, 'parcels')
    const versions = await rowCount(app, 'parcel_versions')
    expect(await write()).toEqual({ status, code })
    expect(await rowCount(app, 'parcels')).toBe(parcels)
    expect(await rowCount(app, 'parcel_versions')).toBe(versions)
  }

  const answer = async (response: Response) => ({ status: response.status, code: ((await response.json()) as any).error.code })

  it('refuses a JSON body in a charset JSON does not have with 415', async () => {
    await expectNothingWritten(
      async () => answer(await raw('POST', '/api/parcels', JSON.stringify(feature('T-BI-CHARSET')), 'application/json; charset=latin1')),
      415,
      'unsupported_media_type',
    )
    const patched = await raw('PATCH', `/api/parcels/${parcel.properties.id}`, '{}', 'application/json; charset=iso-8859-1', { 'if-match': '"1"' })
    expect(await answer(patched)).toEqual({ status: 415, code: 'unsupported_media_type' })
  })

  const deep = (depth: number, leaf: string) => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth)

  it('refuses attributes that jsonb cannot hold (U+0000, a lone surrogate, nesting 50,000 deep) with 422, on create and on edit', async () => {
    const base = JSON.stringify(feature('T-BI-ATTR'))
    const bodies = [
      base.replace('"properties":{', '"properties":{"attributes":{"备注":"a\\u0000b"},'),
      base.replace('"properties":{', '"properties":{"attributes":{"\\ud800":1},'),
      base.replace('"properties":{', `"properties":{"attributes":${deep(50_000, '1')},`),
    ]
    for (const body of bodies) {
      await expectNothingWritten(async () => answer(await raw('POST', '/api/parcels', body, 'application/json')), 422, 'invalid_property')
      const patch = `{"properties":{"attributes":${body.slice(body.indexOf('"attributes":') + 13, body.indexOf(',"code"'))}}}`
      const etag = { 'if-match': `"${parcel.properties.version}"` }
      await expectNothingWritten(async () => answer(await raw('PATCH', `/api/parcels/${parcel.properties.id}`, patch, 'application/json', etag)), 422, 'invalid_property')
    }
  })

  it('refuses a name with a lone surrogate instead of storing U+FFFD in its place', async () => {
    const body = JSON.stringify(feature('T-BI-NAME')).replace('"properties":{', '"properties":{"name":"旧\\udc00厂",')
    await expectNothingWritten(async () => answer(await raw('POST', '/api/parcels', body, 'application/json')), 422, 'invalid_property')
  })

  it('refuses coordinates or a type nested 50,000 deep with 422, naming them briefly', async () => {
    const base = JSON.stringify(feature('T-BI-DEEP'))
    const nest = `${'['.repeat(50_000)}1${']'.repeat(50_000)}`
    const coordinates = base.replace(/"coordinates":\[.*?\]\]\]/, `"coordinates":[[[${nest},36.4],[120.4,36.4],[120.4,36.5],[${nest},36.4]]]`)
    await expectNothingWritten(async () => answer(await raw('POST', '/api/parcels', coordinates, 'application/json')), 422, 'invalid_coordinates')
    const type = base.replace('"type":"Polygon"', `"type":${'['.repeat(50_000)}${']'.repeat(50_000)}`)
    const reply = await raw('POST', '/api/parcels', type, 'application/json')
    expect(reply.status).toBe(422)
    expect(((await reply.json()) as any).error.message).toContain('[…]')
  })

  /** POST /api/imports of one file; the answer's status, the codes of its refused features, and what it wrote. */
  async function importOf(name: string, text: string) {
    const parcels = await rowCount(app, 'parcels')
    const reply = await admin.upload(name, text)
    expect(await rowCount(app, 'parcels')).toBe(reply.status === 201 ? parcels + reply.body.created : parcels)
    return { status: reply.status, codes: (reply.body.rejected ?? []).map((r: any) => r.code), body: reply.body }
  }

  const collection = (geometry: string, properties = '{"code":"T-BI-IMP","town":"370215001","category":"intensive_use"}') =>
    `{"type":"FeatureCollection","features":[{"type":"Feature","properties":${properties},"geometry":${geometry}}]}`

  it('refuses an imported feature whose geometry or properties nest 50,000 deep, naming the feature', async () => {
    const coordinates = await importOf('deep.geojson', collection(`{"type":"Polygon","coordinates":${'['.repeat(50_000)}1${']'.repeat(50_000)}}`))
    expect(coordinates).toMatchObject({ status: 422, codes: ['malformed_geometry'] })
    const properties = await importOf('deep.geojson', collection('null', deep(50_000, '1')))
    expect(properties).toMatchObject({ status: 422, codes: ['malformed_feature'] })
    const single = await importOf('deep.geojson', `{"type":"Feature","properties":{},"geometry":${deep(50_000, '1')}}`)
    expect(single).toMatchObject({ status: 422, body: { error: { code: 'invalid_geojson' } } })
  })

  it('refuses an imported polygon ring of three positions or not closed (CSV WKT) as malformed, instead of passing it to PostGIS', async () => {
    const { lon, lat } = spot
    const csv = (wkt: string) => `code,town,category,WKT\nT-BI-CSV,370215001,intensive_use,"${wkt}"\n`
    const three = await importOf('parcels.csv', csv(`POLYGON((${lon} ${lat},${lon + 0.001} ${lat},${lon} ${lat}))`))
    expect(three).toMatchObject({ status: 422, codes: ['malformed_geometry'] })
    const open = await importOf('parcels.csv', csv(`POLYGON((${lon} ${lat},${lon + 0.001} ${lat},${lon + 0.001} ${lat + 0.001},${lon} ${lat + 0.0005}))`))
    expect(open).toMatchObject({ status: 422, codes: ['malformed_geometry'] })
  })

  it('refuses imported attributes jsonb cannot hold, and keeps the report of a refusal that quotes a lone surrogate', async () => {
    const square = JSON.stringify(feature('x').geometry)
    const nul = await importOf('parcels.geojson', collection(square, '{"code":"T-BI-NUL","town":"370215001","category":"intensive_use","备注":"a\\u0000b"}'))
    expect(nul).toMatchObject({ status: 422, codes: ['invalid_property'] })
    const town = await importOf('parcels.geojson', collection(square, '{"code":"T-BI-TOWN","town":"\\ud800镇","category":"intensive_use"}'))
    expect(town).toMatchObject({ status: 422, codes: ['unknown_town'] })
    const { rows } = await app.db.query<{ report: any }>('SELECT report FROM imports WHERE id = $1', [town.body.import_id])
    expect(rows[0]!.report.rejected[0].message).toContain('\ufffd镇')
  })

  it('refuses an imported Polygon whose ring is an empty array as malformed (geojson-validation threw on it)', async () => {
    const empty = await importOf('parcels.geojson', collection('{"type":"Polygon","coordinates":[[]]}'))
    expect(empty).toMatchObject({ status: 422, codes: ['malformed_geometry'] })
  })

  it('refuses an imported polygon whose holes outweigh its shell as invalid, whose area PostGIS 3.3 cannot take', async () => {
    const ring = (lon: number, lat: number) => `[[${lon},${lat}],[${lon + 0.0002},${lat}],[${lon + 0.0002},${lat + 0.0002}],[${lon},${lat + 0.0002}],[${lon},${lat}]]`
    const { lon, lat } = spot
    const holes = `${ring(lon, lat)},${ring(lon, lat)},${ring(lon + 0.01, lat)}`
    const holed = await importOf('parcels.geojson', collection(`{"type":"Polygon","coordinates":[${holes}]}`))
    expect(holed).toMatchObject({ status: 422, codes: ['invalid_geometry'] })
  })
})

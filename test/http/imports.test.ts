import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../../server/src/config.ts'
import { DEFAULT_LIMITS } from '../../server/src/import/types.ts'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'

const TIANHENG = '370215101'
const HUANXIU = '370215001'

/** A small rectangle at (lon, lat), as GeoJSON in EPSG:4490 (about 45 m × 33 m). */
function square(lon: number, lat: number, size = 0.0005): number[][][] {
  return [[[lon, lat], [lon + size, lat], [lon + size, lat + size * 0.6], [lon, lat + size * 0.6], [lon, lat]]]
}

function geojson(features: { props: Record<string, unknown>; coordinates: number[][][] }[]): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: features.map((f) => ({ type: 'Feature', properties: f.props, geometry: { type: 'Polygon', coordinates: f.coordinates } })),
  })
}

describe.each(backends())('imports on the %s database', (backend) => {
  let app: TestApp
  let admin: Client
  let spot: { village: string; villageName: string; lon: number; lat: number }

  beforeAll(async () => {
    app = await startTestApp(backend, {
      importLimits: { ...DEFAULT_LIMITS, maxUploadBytes: 20 * 1024 * 1024, maxUncompressedBytes: 50 * 1024 * 1024 },
    })
    admin = await app.as('admin')
    // A free place inside the first village of 田横镇: its point on surface, moved off any parcel.
    const { rows } = await app.db.query<{ code: string; name: string; lon: number; lat: number }>(
      `SELECT v.code, v.name, ST_X(pt) AS lon, ST_Y(pt) AS lat
       FROM villages v, LATERAL ST_PointOnSurface(v.geom) AS pt
       WHERE v.town = $1 AND NOT EXISTS (
         SELECT 1 FROM parcels p WHERE ST_DWithin(p.geom, pt, 0.003))
       ORDER BY v.code LIMIT 1`,
      [TIANHENG],
    )
    spot = { village: rows[0]!.code, villageName: rows[0]!.name, lon: rows[0]!.lon, lat: rows[0]!.lat }
  })
  afterAll(async () => app?.close())

  async function count(table: string): Promise<number> {
    const { rows } = await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)
    return rows[0]!.n
  }

  /** Three new parcels with Chinese column names, as staff export them from a web tool. */
  function newParcels(prefix: string, name = '新登记地块'): string {
    return geojson([0, 1, 2].map((i) => ({
      props: {
        地块编码: `${prefix}-${i}`, 地块名称: `${name}${i}`, 镇街: '田横镇', 村名: spot.villageName,
        地类: '农村集体建设用地', 面积: 1.2 + i, 权属: `${spot.villageName}股份经济合作社`, 备注: '测试',
      },
      coordinates: square(spot.lon + i * 0.0008, spot.lat),
    })))
  }

  it('reads the sample GBK Shapefile in Gauss-Krüger metres and reports what it detected, storing nothing on a dry run', async () => {
    const zip = readFileSync(path.join(ROOT, 'data-samples/parcels-gbk.zip'))
    const before = await count('parcel_versions')
    const reply = await admin.upload('parcels-gbk.zip', zip, { dry_run: 'true' })
    expect(reply.status).toBe(200)
    expect(reply.body.status).toBe('dry_run')
    expect(reply.body.detected).toMatchObject({ format: 'shapefile', srid: 4549, crs_source: 'prj', encoding_source: 'cpg' })
    expect(reply.body.detected.encoding.toLowerCase()).toMatch(/gbk|cp936|936/)
    expect(reply.body.mapping).toMatchObject({ 地块编码: 'code', 地块名称: 'name', 镇街: 'town', 村名: 'village' })
    expect(reply.body.rejected).toEqual([])
    expect(reply.body.feature_count).toBeGreaterThan(100)
    expect(await count('parcel_versions')).toBe(before)
  })

  it('re-imports the sample Shapefile by code: every parcel is found, none duplicated, and within 1 mm nothing changes', async () => {
    const zip = readFileSync(path.join(ROOT, 'data-samples/parcels-gbk.zip'))
    const parcels = await count('parcels')
    const reply = await admin.upload('parcels-gbk.zip', zip)
    expect(reply.status).toBe(201)
    expect(reply.body.created).toBe(0)
    expect(reply.body.accepted).toBe(reply.body.feature_count)
    expect(reply.body.unchanged + reply.body.updated).toBe(reply.body.feature_count)
    expect(reply.body.updated).toBe(0)
    expect(await count('parcels')).toBe(parcels)
  })

  it('creates parcels from Chinese columns, keeps unknown columns, and updates them by code on re-import', async () => {
    const first = await admin.upload('新地块.geojson', newParcels('T-IMP'))
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ created: 3, updated: 0, unchanged: 0, accepted: 3, rejected: [] })
    const parcel = (await admin.get('/api/parcels?q=T-IMP-1')).body.features[0]
    expect(parcel.properties).toMatchObject({
      town: TIANHENG, village: spot.village, category: 'collective_construction', declared_area_mu: 2.2,
      name: '新登记地块1', attributes: { 备注: '测试' },
    })

    const same = await admin.upload('新地块.geojson', newParcels('T-IMP'))
    expect(same.body).toMatchObject({ created: 0, updated: 0, unchanged: 3 })
    const changed = await admin.upload('新地块.geojson', newParcels('T-IMP', '改名地块'))
    expect(changed.body).toMatchObject({ created: 0, updated: 3, unchanged: 0 })
    const history = await admin.get(`/api/parcels/${parcel.id}/history`)
    expect(history.body.map((v: any) => v.action)).toEqual(['create', 'update'])
    expect(history.body[1].changed_fields).toEqual(['name'])
  })

  it('refuses a whole file in atomic mode for one bad feature, stores nothing, and records the refusal', async () => {
    const bad = JSON.parse(newParcels('T-ATOM'))
    bad.features[1].geometry.coordinates = [[[spot.lon, spot.lat + 0.01], [spot.lon + 0.001, spot.lat + 0.011], [spot.lon + 0.001, spot.lat + 0.01], [spot.lon, spot.lat + 0.011], [spot.lon, spot.lat + 0.01]]]
    bad.features[2].properties['地类'] = '耕地'
    const parcels = await count('parcels')
    const reply = await admin.upload('bad.geojson', JSON.stringify(bad))
    expect(reply.status).toBe(422)
    expect(reply.body.error.code).toBe('import_rejected')
    expect(reply.body.accepted).toBe(0)
    expect(reply.body.rejected.map((r: any) => [r.index, r.code])).toEqual(
      expect.arrayContaining([[1, 'invalid_geometry'], [2, 'unknown_category']]),
    )
    expect(reply.body.rejected.find((r: any) => r.index === 1).message).toMatch(/Self-intersection at 120\.\d+ 36\.\d+/)
    expect(await count('parcels')).toBe(parcels)
    const record = await admin.get(`/api/imports/${reply.body.import_id}`)
    expect(record.body).toMatchObject({ status: 'rejected', accepted: 0, rejected: 2, file_name: 'bad.geojson' })
  })

  it('refuses a status or a problem it does not know, naming the column and the value, rather than keeping it aside', async () => {
    const file = JSON.parse(newParcels('T-WORDS'))
    file.features[0].properties['状态'] = '待定'
    file.features[1].properties['问题'] = '侵占集体资产资源；乱收费'
    file.features[2].properties['问题'] = '侵占；合同'
    const parcels = await count('parcels')
    const reply = await admin.upload('words.geojson', JSON.stringify(file))
    expect(reply.status).toBe(422)
    expect(reply.body.rejected.map((r: any) => [r.index, r.code])).toEqual([[0, 'unknown_status'], [1, 'unknown_problem']])
    expect(reply.body.rejected[1].message).toContain('问题 = "侵占集体资产资源；乱收费"')
    expect(await count('parcels')).toBe(parcels)
  })

  it('asks for a multipart upload when a file is posted as JSON', async () => {
    const reply = await admin.post('/api/imports', JSON.parse(newParcels('T-JSON')), { 'accept-language': 'en' })
    expect(reply.status).toBe(415)
    expect(reply.body.error).toMatchObject({ code: 'unsupported_media_type' })
    expect(reply.body.error.message).toBe('The request body must be multipart/form-data, got application/json')
  })

  it('stores the good features in partial mode and reports the rest', async () => {
    const bad = JSON.parse(newParcels('T-PART'))
    bad.features[2].properties['镇街'] = '不存在镇'
    const reply = await admin.upload('partial.geojson', JSON.stringify(bad), { mode: 'partial' })
    expect(reply.status).toBe(201)
    expect(reply.body).toMatchObject({ created: 2, accepted: 2 })
    expect(reply.body.rejected).toEqual([expect.objectContaining({ index: 2, code: 'unknown_town' })])
    expect(reply.body.rejected[0].message).toContain('不存在镇')
  })

  it('finds an invalid outline while writing: atomic mode names its reason and place and stores nothing, partial mode stores the others', async () => {
    const file = JSON.parse(newParcels('T-OPT'))
    const [x, y] = [spot.lon, spot.lat + 0.03]
    file.features[1].geometry.coordinates = [[[x, y], [x + 0.001, y + 0.001], [x + 0.001, y], [x, y + 0.001], [x, y]]]
    const parcels = await count('parcels')
    const atomic = await admin.upload('outline.geojson', JSON.stringify(file))
    expect(atomic.status).toBe(422)
    expect(atomic.body.rejected).toEqual([expect.objectContaining({ index: 1, code: 'invalid_geometry' })])
    expect(atomic.body.rejected[0].message).toMatch(/T-OPT-1.*Self-intersection at 120\.\d+ 36\.\d+/)
    expect(await count('parcels')).toBe(parcels)
    const partial = await admin.upload('outline.geojson', JSON.stringify(file), { mode: 'partial' })
    expect(partial.status).toBe(201)
    expect(partial.body).toMatchObject({ created: 2, accepted: 2 })
    expect(partial.body.rejected).toEqual([expect.objectContaining({ index: 1, code: 'invalid_geometry' })])
    expect(await count('parcels')).toBe(parcels + 2)
  })

  it('names the importing user in the history of every parcel it creates', async () => {
    const reply = await admin.upload('who.geojson', newParcels('T-WHO'))
    expect(reply.status).toBe(201)
    for (const i of [0, 1, 2]) {
      const parcel = (await admin.get(`/api/parcels?q=T-WHO-${i}`)).body.features[0]
      const history = await admin.get(`/api/parcels/${parcel.id}/history`)
      expect(history.body).toEqual([expect.objectContaining({ action: 'create', changed_by: 'admin' })])
    }
  })

  it('repairs an invalid geometry only when asked, and says so in the history', async () => {
    const file = JSON.parse(newParcels('T-FIX'))
    const [x, y] = [spot.lon, spot.lat + 0.02]
    file.features = [file.features[0]]
    file.features[0].geometry.coordinates = [[[x, y], [x + 0.001, y + 0.001], [x + 0.001, y], [x, y + 0.001], [x, y]]]
    expect((await admin.upload('fix.geojson', JSON.stringify(file))).status).toBe(422)
    const fixed = await admin.upload('fix.geojson', JSON.stringify(file), { makeValid: 'true' })
    expect(fixed.status).toBe(201)
    expect(fixed.body).toMatchObject({ created: 1, repaired: 1 })
    const parcel = (await admin.get('/api/parcels?q=T-FIX-0')).body.features[0]
    expect(parcel.geometry.type).toBe('MultiPolygon')
    expect(parcel.geometry.coordinates).toHaveLength(2)
    const history = await admin.get(`/api/parcels/${parcel.id}/history`)
    expect(history.body[0].note).toMatch(/ST_MakeValid.*Self-intersection/)
  })

  it("keeps a town editor's import inside its own town", async () => {
    const editor = await app.as('editorHuanxiu')
    const reply = await editor.upload('other-town.geojson', newParcels('T-SCOPE'))
    expect(reply.status).toBe(422)
    expect(reply.body.rejected.map((r: any) => r.code)).toEqual(['out_of_scope', 'out_of_scope', 'out_of_scope'])
    expect((await admin.get('/api/parcels?q=T-SCOPE')).body.features).toHaveLength(0)
    const viewer = await app.as('viewer')
    expect((await viewer.upload('x.geojson', newParcels('T-VIEW'))).status).toBe(403)
  })

  it('replaces the zones of a planning layer and keeps the old version', async () => {
    const analyst = await app.as('analyst')
    const layer = await analyst.post('/api/layers', { name: '村庄建设用地（测试）', kind: 'zoning' })
    expect(layer.status).toBe(201)
    const zones = (n: number) => geojson(Array.from({ length: n }, (_, i) => ({
      props: { name: `村庄建设用地${i}` }, coordinates: square(120.45 + i * 0.001, 36.39),
    })))
    const first = await analyst.upload('zones.geojson', zones(3), { target: `layer:${layer.body.id}`, class: 'village_construction' })
    expect(first.status).toBe(201)
    expect(first.body.created).toBe(3)
    const second = await analyst.upload('zones.geojson', zones(2), { target: `layer:${layer.body.id}`, class: 'village_construction' })
    expect(second.body.created).toBe(2)
    const listed = (await analyst.get('/api/layers')).body.find((l: any) => l.id === layer.body.id)
    expect(listed).toMatchObject({ version: 2, zone_count: 2 })
    const { rows } = await app.db.query<{ layer_version: number; n: number }>(
      'SELECT layer_version, count(*)::int AS n FROM zones WHERE layer_id = $1 GROUP BY 1 ORDER BY 1',
      [layer.body.id],
    )
    expect(rows).toEqual([{ layer_version: 1, n: 3 }, { layer_version: 2, n: 2 }])
    const noClass = await analyst.upload('zones.geojson', zones(1), { target: `layer:${layer.body.id}` })
    expect(noClass.status).toBe(422)
    expect(noClass.body.rejected[0].code).toBe('missing_property')
  })

  it('imports occupations and updates them by code', async () => {
    const file = geojson([{ props: { code: 'OC-T-1', kind: 'shed', description: '私搭彩钢棚' }, coordinates: square(120.46, 36.38, 0.0001) }])
    const before = await count('occupations')
    expect((await admin.upload('occ.geojson', file, { target: 'occupations' })).body.created).toBe(1)
    expect((await admin.upload('occ.geojson', file, { target: 'occupations' })).body).toMatchObject({ created: 0, updated: 1 })
    expect(await count('occupations')).toBe(before + 1)
  })

  it('refuses files it cannot read, each with its own error, and stores nothing', async () => {
    const parcels = await count('parcels')
    const cases: [string, Uint8Array | string, Record<string, string>, number, string][] = [
      ['empty.geojson', '', {}, 422, 'empty_file'],
      ['notes.txt', 'just some text', {}, 415, 'unsupported_format'],
      ['broken.zip', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]), {}, 422, 'not_a_zip'],
      ['bad.geojson', '{"type": "FeatureCollection", "features": [', {}, 422, 'invalid_geojson'],
      ['x.geojson', newParcels('T-X'), { target: 'somewhere' }, 400, 'invalid_parameter'],
      ['x.geojson', newParcels('T-X'), { srid: 'abc' }, 400, 'invalid_parameter'],
      ['x.geojson', newParcels('T-X'), { target: 'layer:99999' }, 404, 'not_found'],
    ]
    for (const [name, bytes, fields, status, code] of cases) {
      const reply = await admin.upload(name, bytes, fields)
      expect([name, reply.status, reply.body.error?.code]).toEqual([name, status, code])
    }
    expect(await count('parcels')).toBe(parcels)
  })

  it('cuts off an upload over the size limit without reading it all', async () => {
    const big = new Uint8Array(200 * 1024 * 1024)
    big.set(new TextEncoder().encode('{"type":"FeatureCollection","features":[]} '))
    const reply = await admin.upload('huge.geojson', big)
    expect(reply.status).toBe(413)
    expect(reply.body.error.code).toBe('upload_too_large')
  })

  it('refuses a 200 MB upload sent in chunks, without a declared length, and stores nothing', async () => {
    const boundary = 'jiyuan-chunked-upload'
    const head = new TextEncoder().encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.geojson"\r\n` +
        'Content-Type: application/geo+json\r\n\r\n{"type":"FeatureCollection","features":[] ',
    )
    const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`)
    const megabyte = new Uint8Array(1024 * 1024).fill(0x20)
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(head)
        if (sent === 200) {
          controller.enqueue(tail)
          controller.close()
        } else controller.enqueue(megabyte)
        sent += 1
      },
    })
    const parcels = await count('parcels')
    const imports = await count('imports')
    const response = await fetch(`${admin.url}/api/imports`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: admin.cookie! },
      body,
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(413)
    expect(((await response.json()) as any).error.code).toBe('upload_too_large')
    expect([await count('parcels'), await count('imports')]).toEqual([parcels, imports])
  })

  it('lists imports with who, when, the file, the counts and what was detected', async () => {
    const list = await admin.get('/api/imports')
    expect(list.status).toBe(200)
    const shapefile = list.body.find((i: any) => i.file_name === 'parcels-gbk.zip')
    expect(shapefile).toMatchObject({ created_by: 'admin', format: 'shapefile', source_srid: 4549, crs_source: 'prj', status: 'stored' })
    expect(Date.parse(shapefile.created_at)).not.toBeNaN()
    const editor = await app.as('editorHuanxiu')
    const own = await editor.get('/api/imports')
    expect(own.body.every((i: any) => i.created_by === 'editor_hx')).toBe(true)
  })
})

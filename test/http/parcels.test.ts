import geodesic from 'geographiclib-geodesic'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'

// 环秀街道 (370215001) and 田横镇 (370215101): the two towns with a test editor.
const HUANXIU = '370215001'
const TIANHENG = '370215101'

/** A 40 m × 30 m rectangle near (lon, lat), as a GeoJSON Polygon in EPSG:4490. */
function rectangle(lon: number, lat: number): { type: 'Polygon'; coordinates: number[][][] } {
  const dLon = 40 / (111_320 * Math.cos((lat * Math.PI) / 180))
  const dLat = 30 / 110_950
  return {
    type: 'Polygon',
    coordinates: [[[lon, lat], [lon + dLon, lat], [lon + dLon, lat + dLat], [lon, lat + dLat], [lon, lat]]],
  }
}

// The CGCS2000 ellipsoid: a = 6378137 m, f = 1/298.257222101.
const CGCS2000 = new geodesic.Geodesic.Geodesic(6378137, 1 / 298.257222101)

function geodesicArea(ring: number[][]): number {
  const polygon = CGCS2000.Polygon(false)
  for (const [lon, lat] of ring.slice(0, -1)) polygon.AddPoint(lat!, lon!)
  return Math.abs(polygon.Compute(false, true).area!)
}

describe.each(backends())('parcels API on the %s database', (backend) => {
  let app: TestApp
  let admin: Client

  beforeAll(async () => {
    app = await startTestApp(backend)
    admin = await app.as('admin')
  })
  afterAll(async () => app?.close())

  async function parcelCount(): Promise<number> {
    const { rows } = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcels')
    return rows[0]!.n
  }

  async function someParcel(town: string): Promise<any> {
    const reply = await admin.get(`/api/parcels?town=${town}&limit=1`)
    expect(reply.body.features).toHaveLength(1)
    return reply.body.features[0]
  }

  /** A free spot inside a town's first village, for new parcels. */
  async function spotIn(town: string): Promise<{ village: string; lon: number; lat: number }> {
    const { rows } = await app.db.query<{ code: string; lon: number; lat: number }>(
      `SELECT v.code, ST_X(pt) AS lon, ST_Y(pt) AS lat
       FROM villages v, LATERAL ST_PointOnSurface(v.geom) AS pt
       WHERE v.town = $1 ORDER BY v.code LIMIT 1`,
      [town],
    )
    return { village: rows[0]!.code, lon: rows[0]!.lon, lat: rows[0]!.lat }
  }

  it('reports the driver and the PostGIS version at /api/health without sign-in', async () => {
    const reply = await app.anonymous().get('/api/health')
    expect(reply.status).toBe(200)
    expect(reply.body.status).toBe('ok')
    expect(reply.body.database).toBe(backend)
    expect(reply.body.postgis).toMatch(/^3\.\d+/)
  })

  it('refuses the parcel list to a caller who has not signed in', async () => {
    const reply = await app.anonymous().get('/api/parcels')
    expect(reply.status).toBe(401)
    expect(reply.body.error.code).toBe('unauthenticated')
  })

  it('lists sample parcels of all three categories, each with area_m2 and area_mu', async () => {
    const reply = await admin.get('/api/parcels?limit=10000')
    expect(reply.status).toBe(200)
    expect(reply.headers.get('content-type')).toContain('application/geo+json')
    const features = reply.body.features as any[]
    expect(features.length).toBeGreaterThan(1000)
    expect(reply.body.numberMatched).toBe(features.length)
    expect(new Set(features.map((f) => f.properties.category))).toEqual(
      new Set(['idle_industrial', 'collective_construction', 'intensive_use']),
    )
    for (const { properties: p } of features) {
      expect(p.area_m2).toBeGreaterThan(0)
      expect(p.area_mu).toBeCloseTo((p.area_m2 * 15) / 10000, 3)
    }
  })

  it('measures area_m2 on the CGCS2000 ellipsoid, not in a projection', async () => {
    const ring = [[120.5, 36.4], [120.503, 36.4], [120.503, 36.402], [120.5, 36.402], [120.5, 36.4]]
    const created = await admin.post('/api/parcels', {
      type: 'Feature',
      properties: { code: 'T-AREA-1', town: HUANXIU, category: 'intensive_use' },
      geometry: { type: 'Polygon', coordinates: [ring] },
    })
    expect(created.status).toBe(201)
    // Independent: Karney's geodesic polygon area on the CGCS2000 ellipsoid.
    const expected = geodesicArea(ring)
    expect(created.body.properties.area_m2).toBeCloseTo(expected, 1)
    expect(created.body.properties.area_mu).toBeCloseTo((expected * 15) / 10000, 3)
    // Web Mercator would be ~56 % too large at 36.4°N: make sure that is not what we got.
    const { rows } = await app.db.query<{ mercator: number }>(
      `SELECT ST_Area(ST_Transform(ST_MakeEnvelope(120.5, 36.4, 120.503, 36.402, 4490), 3857)) AS mercator`,
    )
    expect(rows[0]!.mercator / expected).toBeGreaterThan(1.5)
  })

  it('filters the list by town, category, text and bounding box', async () => {
    const byTown = await admin.get(`/api/parcels?town=${TIANHENG}&category=intensive_use&limit=50`)
    expect(byTown.body.features.length).toBeGreaterThan(0)
    for (const f of byTown.body.features) {
      expect(f.properties.town).toBe(TIANHENG)
      expect(f.properties.category).toBe('intensive_use')
    }
    const one = byTown.body.features[0]
    const byCode = await admin.get(`/api/parcels?q=${encodeURIComponent(one.properties.code)}`)
    expect(byCode.body.features.map((f: any) => f.id)).toContain(one.id)

    const [lon, lat] = one.geometry.coordinates[0][0][0]
    const box = `${lon - 0.001},${lat - 0.001},${lon + 0.001},${lat + 0.001}`
    const byBox = await admin.get(`/api/parcels?bbox=${box}`)
    expect(byBox.body.features.map((f: any) => f.id)).toContain(one.id)
    expect(byBox.body.features.length).toBeLessThan(100)

    const badBox = await admin.get('/api/parcels?bbox=1,2,3')
    expect(badBox.status).toBe(400)
    expect(badBox.body.error.code).toBe('invalid_parameter')
    expect(badBox.body.error.message).toContain('bbox')
  })

  it('confines a town editor to its own town when listing and reading', async () => {
    const editor = await app.as('editorHuanxiu')
    const list = await editor.get('/api/parcels?limit=10000')
    expect(list.body.features.length).toBeGreaterThan(0)
    expect(new Set(list.body.features.map((f: any) => f.properties.town))).toEqual(new Set([HUANXIU]))
    const foreign = await someParcel(TIANHENG)
    const read = await editor.get(`/api/parcels/${foreign.id}`)
    expect(read.status).toBe(403)
    expect(read.body.error.code).toBe('out_of_scope')
  })

  it("refuses a town editor's change to another town's parcel and leaves the row unchanged", async () => {
    const editor = await app.as('editorHuanxiu')
    const foreign = await someParcel(TIANHENG)
    const before = await app.db.query('SELECT name, version FROM parcels WHERE id = $1', [foreign.id])
    const reply = await editor.patch(
      `/api/parcels/${foreign.id}`,
      { properties: { name: '越权修改' } },
      { 'if-match': `"${foreign.properties.version}"` },
    )
    expect(reply.status).toBe(403)
    expect(reply.body.error.code).toBe('out_of_scope')
    expect(reply.body.error.message).toContain(foreign.properties.code)
    const after = await app.db.query('SELECT name, version FROM parcels WHERE id = $1', [foreign.id])
    expect(after.rows).toEqual(before.rows)
  })

  it("lets a town editor change its own town's parcel, but not move it to another town", async () => {
    const editor = await app.as('editorHuanxiu')
    const own = await someParcel(HUANXIU)
    const reply = await editor.patch(
      `/api/parcels/${own.id}`,
      { properties: { name: '环秀街道测试地块', problems: ['contract'] } },
      { 'if-match': `"${own.properties.version}"` },
    )
    expect(reply.status).toBe(200)
    expect(reply.body.properties.name).toBe('环秀街道测试地块')
    expect(reply.body.properties.version).toBe(own.properties.version + 1)
    expect(reply.body.properties.updated_by).toBe('editor_hx')
    expect(reply.headers.get('etag')).toBe(`"${own.properties.version + 1}"`)

    const move = await editor.patch(
      `/api/parcels/${own.id}`,
      { properties: { town: TIANHENG, village: null } },
      { 'if-match': reply.headers.get('etag')! },
    )
    expect(move.status).toBe(403)
    expect(move.body.error.code).toBe('town_out_of_scope')
  })

  it('refuses a stale If-Match with 412 and a missing one with 428, changing nothing', async () => {
    const parcel = await someParcel(TIANHENG)
    const url = `/api/parcels/${parcel.id}`
    const first = await admin.patch(url, { properties: { ownership: '村集体' } }, { 'if-match': `"${parcel.properties.version}"` })
    expect(first.status).toBe(200)

    const stale = await admin.patch(url, { properties: { ownership: '某公司' } }, { 'if-match': `"${parcel.properties.version}"` })
    expect(stale.status).toBe(412)
    expect(stale.body.error.code).toBe('version_conflict')
    const missing = await admin.patch(url, { properties: { ownership: '某公司' } })
    expect(missing.status).toBe(428)
    expect(missing.body.error.code).toBe('precondition_required')

    const now = await admin.get(url)
    expect(now.body.properties.ownership).toBe('村集体')
    expect(now.headers.get('etag')).toBe(first.headers.get('etag'))
    const cached = await admin.get(url, { 'if-none-match': now.headers.get('etag')! })
    expect(cached.status).toBe(304)
  })

  it('records every change in the history with who, when, what and the geometry before and after', async () => {
    const editor = await app.as('editorTianheng')
    const spot = await spotIn(TIANHENG)
    const created = await editor.post('/api/parcels', {
      type: 'Feature',
      properties: { code: 'T-HIST-1', name: '历史测试', village: spot.village, category: 'collective_construction' },
      geometry: rectangle(spot.lon, spot.lat),
    })
    expect(created.status).toBe(201)
    expect(created.body.properties.town).toBe(TIANHENG)
    const url = `/api/parcels/${created.body.id}`
    const moved = rectangle(spot.lon + 0.0002, spot.lat)
    const patched = await editor.patch(url, { properties: { ownership: '村股份经济合作社' }, geometry: moved }, { 'if-match': '"1"' })
    expect(patched.status).toBe(200)
    const deleted = await admin.delete(url, { 'if-match': '"2"' })
    expect(deleted.status).toBe(204)
    const restored = await admin.post(`${url}/restore`, undefined, { 'if-match': '"3"' })
    expect(restored.status).toBe(200)
    expect(restored.body.properties.version).toBe(4)

    const history = await editor.get(`${url}/history`)
    expect(history.status).toBe(200)
    expect(history.body.map((v: any) => [v.version, v.action, v.changed_by])).toEqual([
      [1, 'create', 'editor_th'],
      [2, 'update', 'editor_th'],
      [3, 'delete', 'admin'],
      [4, 'restore', 'admin'],
    ])
    const update = history.body[1]
    expect(update.changed_fields).toEqual(expect.arrayContaining(['ownership', 'geometry']))
    expect(update.changed_fields).not.toContain('name')
    expect(update.before.ownership).toBeNull()
    expect(update.after.ownership).toBe('村股份经济合作社')
    expect(update.after.geometry.coordinates[0][0][0][0]).toBeCloseTo(moved.coordinates[0]![0]![0]!, 9)
    for (const version of history.body) expect(Date.parse(version.changed_at)).not.toBeNaN()
  })

  it('soft-deletes: the parcel leaves the list, answers 410, and stays restorable', async () => {
    const spot = await spotIn(HUANXIU)
    const created = await admin.post('/api/parcels', {
      type: 'Feature',
      properties: { code: 'T-DEL-1', town: HUANXIU, village: spot.village, category: 'idle_industrial' },
      geometry: rectangle(spot.lon, spot.lat + 0.0005),
    })
    const url = `/api/parcels/${created.body.id}`
    expect((await admin.delete(url, { 'if-match': '"1"' })).status).toBe(204)
    expect((await admin.get(url)).status).toBe(410)
    expect((await admin.get('/api/parcels?q=T-DEL-1')).body.features).toHaveLength(0)
    const { rows } = await app.db.query('SELECT deleted_at FROM parcels WHERE id = $1', [created.body.id])
    expect(rows[0]!.deleted_at).not.toBeNull()
    const again = await admin.delete(url, { 'if-match': '"2"' })
    expect(again.status).toBe(410)
  })

  it('refuses roles that may not edit parcels', async () => {
    const parcel = await someParcel(HUANXIU)
    for (const role of ['viewer', 'analyst'] as const) {
      const client = await app.as(role)
      expect((await client.get(`/api/parcels/${parcel.id}`)).status).toBe(200)
      const reply = await client.patch(`/api/parcels/${parcel.id}`, { properties: { name: 'x' } }, { 'if-match': '"1"' })
      expect(reply.status).toBe(403)
      expect(reply.body.error.code).toBe('forbidden')
    }
  })

  describe('refuses bad input with its own error code and writes nothing', () => {
    const valid = () => ({
      type: 'Feature',
      properties: { code: 'T-BAD-1', town: HUANXIU, category: 'intensive_use', name: '测试' },
      geometry: rectangle(120.45, 36.39),
    })
    const cases: [string, () => unknown, number, string][] = [
      ['malformed JSON', () => '{"type": "Feature", "properties": {', 400, 'malformed_json'],
      ['a wrong geometry type', () => ({ ...valid(), geometry: { type: 'LineString', coordinates: [[120.45, 36.39], [120.46, 36.4]] } }), 422, 'invalid_geometry_type'],
      ['coordinates outside Jimo', () => ({ ...valid(), geometry: rectangle(116.4, 39.9) }), 422, 'outside_district'],
      ['metres given as degrees', () => ({ ...valid(), geometry: rectangle(500000, 4030000) }), 422, 'outside_district'],
      ['coordinates that are not finite', () => JSON.stringify(valid()).replace('120.45,', '1e999,'), 422, 'invalid_coordinates'],
      ['an unclosed ring', () => ({ ...valid(), geometry: { type: 'Polygon', coordinates: [[[120.45, 36.39], [120.451, 36.39], [120.451, 36.391], [120.45, 36.391]]] } }), 422, 'invalid_coordinates'],
      ['a self-intersecting ring', () => ({ ...valid(), geometry: { type: 'Polygon', coordinates: [[[120.45, 36.39], [120.451, 36.391], [120.451, 36.39], [120.45, 36.391], [120.45, 36.39]]] } }), 422, 'invalid_geometry'],
      ['an unknown category', () => ({ ...valid(), properties: { ...valid().properties, category: 'farmland' } }), 422, 'unknown_category'],
      ['an unknown town', () => ({ ...valid(), properties: { ...valid().properties, town: '370215999' } }), 422, 'unknown_town'],
      ['an unknown property', () => ({ ...valid(), properties: { ...valid().properties, colour: 'red' } }), 422, 'unknown_property'],
      ['a 10 MB property', () => ({ ...valid(), properties: { ...valid().properties, name: '地'.repeat(10 * 1024 * 1024 / 3) } }), 413, 'payload_too_large'],
      ['an over-long name', () => ({ ...valid(), properties: { ...valid().properties, name: '地'.repeat(201) } }), 422, 'property_too_long'],
      ['SQL in the parcel code', () => ({ ...valid(), properties: { ...valid().properties, code: "x'; DROP TABLE parcels; --" } }), 422, 'invalid_code'],
      ['SQL in the town code', () => ({ ...valid(), properties: { ...valid().properties, town: "370215001' OR '1'='1" } }), 422, 'unknown_town'],
      ['SQL in the category', () => ({ ...valid(), properties: { ...valid().properties, category: "intensive_use'--" } }), 422, 'unknown_category'],
      ['a negative declared area', () => ({ ...valid(), properties: { ...valid().properties, declared_area_mu: -3 } }), 422, 'invalid_property'],
      ['a FeatureCollection instead of a Feature', () => ({ type: 'FeatureCollection', features: [] }), 422, 'invalid_feature'],
    ]

    it.each(cases)('%s', async (_name, body, status, code) => {
      const before = await parcelCount()
      const reply = await admin.post('/api/parcels', body())
      expect(reply.status).toBe(status)
      expect(reply.body.error.code).toBe(code)
      expect(reply.body.error.message.length).toBeGreaterThan(4)
      expect(await parcelCount()).toBe(before)
    })

    it('names the field and the value in the message, in Chinese by default and English on request', async () => {
      const body = { ...valid(), properties: { ...valid().properties, category: 'farmland' } }
      const zh = await admin.post('/api/parcels', body)
      expect(zh.body.error.message).toContain('farmland')
      expect(zh.body.error.message).toContain('未知的土地类别')
      const en = await admin.post('/api/parcels', body, { 'accept-language': 'en' })
      expect(en.body.error.message).toContain('Unknown land category "farmland"')
    })

    it('stores SQL-looking free text verbatim, as text', async () => {
      const name = "Robert'); DROP TABLE parcels; --"
      const reply = await admin.post('/api/parcels', {
        ...valid(),
        properties: { ...valid().properties, code: 'T-SQL-1', name },
        geometry: rectangle(120.452, 36.392),
      })
      expect(reply.status).toBe(201)
      expect(reply.body.properties.name).toBe(name)
      expect(await parcelCount()).toBeGreaterThan(1000)
    })

    it('refuses a second parcel with a code already in use', async () => {
      const existing = await someParcel(HUANXIU)
      const before = await parcelCount()
      const reply = await admin.post('/api/parcels', {
        ...valid(),
        properties: { ...valid().properties, code: existing.properties.code },
      })
      expect(reply.status).toBe(409)
      expect(reply.body.error.code).toBe('duplicate_code')
      expect(await parcelCount()).toBe(before)
    })
  })
})

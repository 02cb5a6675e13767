// What the map client asks of the API beyond the parcel routes: statistics
// and parcels under the same filters, the zone classes of each planning
// layer, and road classes in the zone tiles.
import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'

const TIANHENG = '370215101'

describe.each(backends())('the map client’s API on the %s database', (backend) => {
  let app: TestApp
  let analyst: Client
  let editorTh: Client

  beforeAll(async () => {
    app = await startTestApp(backend)
    analyst = await app.as('analyst')
    editorTh = await app.as('editorTianheng')
  })
  afterAll(async () => {
    await app?.close()
  })

  it('counts only the parcels matching the filters of GET /api/parcels', async () => {
    const query = `category=collective_construction&status=registered&problem=contract&town=${TIANHENG}`
    const stats = await analyst.get(`/api/statistics?${query}`)
    const listed = await analyst.get(`/api/parcels?${query}&limit=10000`)
    expect(stats.status).toBe(200)
    expect(stats.body.total.parcels).toBeGreaterThan(0)
    expect(stats.body.total.parcels).toBe(listed.body.numberMatched)
    const m2 = listed.body.features.reduce((sum: number, f: { properties: { area_m2: number } }) => sum + f.properties.area_m2, 0)
    expect(stats.body.total.area_m2).toBeCloseTo(m2, 0)
    const categories = stats.body.by_category.filter((t: { parcels: number }) => t.parcels > 0)
    expect(categories.map((t: { code: string }) => t.code)).toEqual(['collective_construction'])
    expect(stats.body.by_town.filter((t: { parcels: number }) => t.parcels > 0).map((t: { code: string }) => t.code)).toEqual([TIANHENG])
  })

  it('finds parcels by subtype and by part of a code, in the list and in the statistics alike', async () => {
    const { rows } = await app.db.query<{ subtype: string; n: number }>(
      `SELECT subtype, count(*)::int AS n FROM parcels WHERE deleted_at IS NULL AND subtype IS NOT NULL
       GROUP BY subtype ORDER BY n DESC LIMIT 1`,
    )
    const subtype = rows[0]!
    const listed = await analyst.get(`/api/parcels?subtype=${encodeURIComponent(subtype.subtype)}&limit=1`)
    expect(listed.body.numberMatched).toBe(subtype.n)
    expect(listed.body.features[0].properties.subtype).toBe(subtype.subtype)
    const stats = await analyst.get(`/api/statistics?subtype=${encodeURIComponent(subtype.subtype)}`)
    expect(stats.body.total.parcels).toBe(subtype.n)

    const searched = await analyst.get(`/api/statistics?q=${TIANHENG}`)
    const listedByCode = await analyst.get(`/api/parcels?q=${TIANHENG}&limit=1`)
    expect(searched.body.total.parcels).toBe(listedByCode.body.numberMatched)
    expect((await analyst.get('/api/statistics?q=%25')).body.total.parcels).toBe(0)
  })

  it('refuses a statistics filter that names no category, and keeps a town editor to its town', async () => {
    const bad = await analyst.get('/api/statistics?category=forest')
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('invalid_parameter')
    const own = await editorTh.get('/api/statistics?category=intensive_use')
    expect(own.body.by_town.filter((t: { parcels: number }) => t.parcels > 0).map((t: { code: string }) => t.code)).toEqual([TIANHENG])
  })

  it('lists the zone classes of each planning layer', async () => {
    const layers = await analyst.get('/api/layers')
    const byName = Object.fromEntries(layers.body.map((l: { name: string; classes: string[] }) => [l.name, l.classes]))
    expect(byName['永久基本农田']).toEqual(['basic_farmland'])
    expect(byName['河道管理范围']).toEqual(['river_area'])
    expect(byName['公路']).toEqual(['road'])
  })

  it('gives road lines their road class in the zone tiles', async () => {
    // zoom 10 around Jimo's centre: roads of every class cross it
    const response = await fetch(`${app.url}/tiles/zones/10/854/400.mvt`, { headers: { cookie: analyst.cookie! } })
    const layer = new VectorTile(new PbfReader(new Uint8Array(await response.arrayBuffer()))).layers.zones!
    const classes = new Set<string>()
    for (let i = 0; i < layer.length; i++) {
      const properties = layer.feature(i).properties
      if (properties.class === 'road') classes.add(String(properties.road_class))
    }
    expect(classes.size).toBeGreaterThan(1)
    expect([...classes].every((c) => ['expressway', 'national', 'provincial', 'county', 'township'].includes(c))).toBe(true)
  })
})

describe('the map settings', () => {
  let app: TestApp

  beforeAll(async () => {
    app = await startTestApp('embedded', {
      basemap: { kind: 'raster', url: 'https://t{0-7}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=KEY' },
    })
  })
  afterAll(async () => {
    await app?.close()
  })

  it('give the map client the basemap the deployment set, to signed-in users only', async () => {
    const viewer = await app.as('viewer')
    const reply = await viewer.get('/api/map-settings')
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({
      basemap: { kind: 'raster', url: 'https://t{0-7}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=KEY' },
    })
    expect((await app.anonymous().get('/api/map-settings')).status).toBe(401)
  })
})

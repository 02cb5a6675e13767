// The tile cache: rendered parcel and zone tiles are kept in memory and
// served again until tile_changes (migration 031) says their data changed,
// whichever process changed it.
import { VectorTile } from '@mapbox/vector-tile'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PbfReader } from 'pbf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.ts'
import { readConfig } from '../../server/src/config.ts'
import { tileAt } from '../../server/src/tiles/grid.ts'
import { Client, startTestApp, type TestApp } from '../helpers/app.ts'
import { backends } from '../helpers/backends.ts'
import { TEST_USERS } from '../helpers/fixtures.ts'

function tileOf(lon: number, lat: number, z: number): string {
  const { x, y } = tileAt(lon, lat, z)
  return `${z}/${x}/${y}`
}

async function tile(client: Client, route: string, etag?: string) {
  const response = await fetch(client.url + route, {
    // Cache-Control of its own, or fetch adds no-cache to a conditional request (Fetch, HTTP-network-or-cache fetch)
    headers: { cookie: client.cookie ?? '', ...(etag ? { 'if-none-match': etag, 'cache-control': 'max-age=0' } : {}) },
  })
  const bytes = new Uint8Array(await response.arrayBuffer())
  const layer = (name: string) => {
    if (response.status !== 200) return []
    const found = new VectorTile(new PbfReader(bytes)).layers[name]
    return found ? Array.from({ length: found.length }, (_, i) => found.feature(i)) : []
  }
  return { status: response.status, etag: response.headers.get('etag'), layer }
}

describe.each(backends())('the tile cache on the %s database', (backend) => {
  let app: TestApp
  let admin: Client
  /** A second app on the same database, with its own cache: another server process. */
  let other: Server
  let otherAdmin: Client
  let parcel: { id: number; version: number; route: string }

  beforeAll(async () => {
    app = await startTestApp(backend)
    admin = await app.as('admin')
    other = createServer(createApp({ config: { ...readConfig({}), tileCacheBytes: 8 * 1024 * 1024 }, db: app.db, postgis: 'same' }))
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    otherAdmin = new Client(`http://127.0.0.1:${(other.address() as AddressInfo).port}`)
    await otherAdmin.signIn(TEST_USERS.admin.username, TEST_USERS.admin.password)
    const { rows } = await app.db.query<{ id: number; version: number; lon: number; lat: number }>(
      `SELECT id, version, ST_X(pt) AS lon, ST_Y(pt) AS lat FROM parcels, LATERAL ST_PointOnSurface(geom) pt
       WHERE deleted_at IS NULL ORDER BY id LIMIT 1`,
    )
    const found = rows[0]!
    parcel = { id: found.id, version: found.version, route: `/tiles/parcels/${tileOf(found.lon, found.lat, 15)}.mvt` }
  })
  afterAll(async () => {
    await new Promise((resolve) => other?.close(resolve))
    await app?.close()
  })

  it('answers an unchanged tile with 304 to its ETag', async () => {
    const first = await tile(admin, parcel.route)
    expect(first.status).toBe(200)
    expect(first.etag).toMatch(/^"[\w-]{22}"$/)
    const again = await tile(admin, parcel.route, first.etag!)
    expect(again.status).toBe(304)
  })

  it('draws a parcel’s tile anew after the parcel is edited, in this process and in another', async () => {
    const before = await tile(admin, parcel.route)
    const seenElsewhere = await tile(otherAdmin, parcel.route)
    expect(seenElsewhere.etag).toBe(before.etag)
    const name = (t: Awaited<ReturnType<typeof tile>>) =>
      t.layer('parcels').find((f) => f.id === parcel.id)?.properties.name

    const edited = await admin.patch(`/api/parcels/${parcel.id}`, { properties: { name: '缓存测试地块' } }, {
      'if-match': `"${parcel.version}"`,
    })
    expect(edited.status).toBe(200)

    const after = await tile(admin, parcel.route, before.etag!)
    expect(after.status).toBe(200)
    expect(name(after)).toBe('缓存测试地块')
    const afterElsewhere = await tile(otherAdmin, parcel.route, before.etag!)
    expect(afterElsewhere.status).toBe(200)
    expect(name(afterElsewhere)).toBe('缓存测试地块')
  })

  it('drops a planning layer’s zones from the zone tiles once the layer is deleted, whoever deleted it', async () => {
    const { rows } = await app.db.query<{ id: number; lon: number; lat: number }>(
      `SELECT l.id, ST_X(ST_PointOnSurface(z.geom)) AS lon, ST_Y(ST_PointOnSurface(z.geom)) AS lat
       FROM planning_layers l JOIN zones z ON z.layer_id = l.id AND z.layer_version = l.version
       WHERE l.name = '永久基本农田' ORDER BY z.id LIMIT 1`,
    )
    const farmland = rows[0]!
    const route = `/tiles/zones/${tileOf(farmland.lon, farmland.lat, 12)}.mvt`
    const ofLayer = (t: Awaited<ReturnType<typeof tile>>) =>
      t.layer('zones').filter((f) => f.properties.layer_id === farmland.id).length
    const before = await tile(otherAdmin, route)
    expect(ofLayer(before)).toBeGreaterThan(0)

    await app.db.query('UPDATE planning_layers SET deleted_at = now() WHERE id = $1', [farmland.id])
    const after = await tile(otherAdmin, route, before.etag!)
    expect(after.status).toBe(200)
    expect(ofLayer(after)).toBe(0)
  })
})

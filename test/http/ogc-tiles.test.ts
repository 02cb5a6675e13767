import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { User } from '../../server/src/auth/roles.ts'
import type { Db, Queryable } from '../../server/src/db/db.ts'
import { FINDINGS, PARCELS } from '../../server/src/ogc/collections.ts'
import { encodeTile } from '../../server/src/tiles/encode.ts'
import { tileAt, tileBounds, unitDegrees } from '../../server/src/tiles/grid.ts'
import { renderTile } from '../../server/src/tiles/render.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { backends, type Backend } from '../helpers/backends.ts'

// The embedded database's encoder, watched: the server database's tiles must not pass through it.
vi.mock('../../server/src/tiles/encode.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../server/src/tiles/encode.ts')>()
  return { ...actual, encodeTile: vi.fn(actual.encodeTile) }
})

const HUANXIU = '370215001'

interface Decoded {
  id: number
  type: number
  properties: Record<string, unknown>
  /** rings or lines in tile units */
  geometry: [number, number][][]
}

async function fetchTile(client: Client, route: string): Promise<{ status: number; type: string | null; bytes: Uint8Array }> {
  const response = await fetch(client.url + route, { headers: { cookie: client.cookie ?? '' } })
  return { status: response.status, type: response.headers.get('content-type'), bytes: new Uint8Array(await response.arrayBuffer()) }
}

function decode(bytes: Uint8Array, layer: string): Decoded[] {
  const tile = new VectorTile(new PbfReader(bytes))
  const found = tile.layers[layer]
  if (!found) return []
  const features: Decoded[] = []
  for (let i = 0; i < found.length; i++) {
    const f = found.feature(i)
    features.push({
      id: Number(f.id),
      type: f.type,
      properties: f.properties,
      geometry: f.loadGeometry().map((ring) => ring.map((p) => [p.x, p.y] as [number, number])),
    })
  }
  return features
}

/** The surveyor's formula in tile coordinates (y down), doubled: MVT exterior rings are positive. */
function signedArea(ring: [number, number][]): number {
  let sum = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1]
  return sum
}


/** The tile without its buffer, less a tile unit all round (a centre on the edge may round either way), degrees. */
function properBounds({ z, x, y }: { z: number; x: number; y: number }): [number, number, number, number] {
  const size = 2 ** z
  const inset = 1 / 4096
  const lon = (column: number) => (column / size) * 360 - 180
  const lat = (row: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * row) / size))) * 180) / Math.PI
  return [lon(x + inset), lat(y + 1 - inset), lon(x + 1 - inset), lat(y + inset)]
}

const BACKENDS = backends()

describe('vector tiles and TileJSON', () => {
  const apps = new Map<Backend, TestApp>()
  const admins = new Map<Backend, Client>()
  let app: TestApp
  let admin: Client
  /** Tiles around parcel 1 at zooms 10, 12 and 14. */
  let tiles: { z: number; x: number; y: number }[]
  /** Tiles around parcel 1 the two databases' tiles are compared in. */
  let parityTiles: { z: number; x: number; y: number }[]

  beforeAll(async () => {
    for (const backend of BACKENDS) {
      const started = await startTestApp(backend)
      apps.set(backend, started)
      admins.set(backend, await started.as('admin'))
    }
    app = apps.get('embedded')!
    admin = admins.get('embedded')!
    const { rows } = await app.db.query<{ lon: number; lat: number }>(
      'SELECT ST_X(pt) AS lon, ST_Y(pt) AS lat FROM parcels, LATERAL ST_PointOnSurface(geom) pt WHERE id = 1',
    )
    tiles = [10, 12, 14].map((z) => tileAt(rows[0]!.lon, rows[0]!.lat, z))
    parityTiles = [10, 12, 13, 14, 16].map((z) => tileAt(rows[0]!.lon, rows[0]!.lat, z))
    await addFindings([...apps.values()].map((started) => started.db), tiles[1]!)
  })
  afterAll(async () => {
    for (const started of apps.values()) await started.close()
  })

  it('describes each collection’s tiles in TileJSON 3.0.0', async () => {
    const { body: collections } = await admin.get('/ogc/collections')
    for (const collection of collections.collections as { id: string; links: { rel: string; href: string }[] }[]) {
      const href = collection.links.find((l) => l.rel === 'tilejson')!.href
      const reply = await admin.get(href.replace(app.url, ''))
      expect(reply.status, collection.id).toBe(200)
      expect(reply.body).toMatchObject({ tilejson: '3.0.0', scheme: 'xyz', minzoom: 0, maxzoom: 22 })
      expect(reply.body.tiles).toEqual([`${app.url}/tiles/${collection.id}/{z}/{x}/{y}.mvt`])
      expect(reply.body.vector_layers[0].id).toBe(collection.id)
    }
    const parcels = await admin.get('/tiles/parcels/tilejson.json')
    const [w, s, e, n] = parcels.body.bounds
    expect([w > 120.1, e < 121, s > 36.1, n < 36.7]).toEqual([true, true, true, true])
    expect(Object.keys(parcels.body.vector_layers[0].fields)).toContain('category')
  })

  it('holds exactly the parcels that touch the tile, with exterior rings as MVT defines them', async () => {
    const tile = tiles[2]!
    const reply = await fetchTile(admin, `/tiles/parcels/${tile.z}/${tile.x}/${tile.y}.mvt`)
    expect(reply.status).toBe(200)
    expect(reply.type).toBe('application/vnd.mapbox-vector-tile')
    const features = decode(reply.bytes, 'parcels')
    const { rows } = await app.db.query<{ id: number }>(
      `SELECT id FROM parcels WHERE deleted_at IS NULL
         AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4490)) ORDER BY id`,
      tileBounds(tile),
    )
    expect(rows.length).toBeGreaterThan(0)
    expect(features.map((f) => f.id)).toEqual(rows.map((r) => r.id))
    const one = features.find((f) => f.id === 1)!
    expect(one.type).toBe(3)
    expect(one.properties).toMatchObject({ id: 1, code: expect.any(String), category: expect.any(String) })
    expect(signedArea(one.geometry[0]!)).toBeGreaterThan(0)
  })

  it('puts parcel 1 where it is, to within a tile unit', async () => {
    const tile = tiles[2]!
    const reply = await fetchTile(admin, `/tiles/parcels/${tile.z}/${tile.x}/${tile.y}.mvt`)
    const vt = new VectorTile(new PbfReader(reply.bytes))
    const layer = vt.layers.parcels!
    let feature
    for (let i = 0; i < layer.length; i++) if (layer.feature(i).id === 1) feature = layer.feature(i)
    const geojson = feature!.toGeoJSON(tile.x, tile.y, tile.z)
    const got = (geojson.geometry as { coordinates: number[][][] }).coordinates[0]!
    const { rows } = await app.db.query<{ geometry: string }>('SELECT ST_AsGeoJSON(geom) AS geometry FROM parcels WHERE id = 1')
    const want = JSON.parse(rows[0]!.geometry).coordinates[0][0] as number[][]
    // a tile unit at zoom 14 is 360 / 2^14 / 4096 ≈ 5.4e-6° of longitude
    for (const [lon, lat] of want) {
      const nearest = Math.min(...got.map(([x, y]) => Math.hypot(x! - lon!, y! - lat!)))
      expect(nearest).toBeLessThan(1e-5)
    }
  })

  it('shows a town editor the parcels of its own town only', async () => {
    const editor = await app.as('editorHuanxiu')
    const tile = tiles[0]!
    const features = decode((await fetchTile(editor, `/tiles/parcels/${tile.z}/${tile.x}/${tile.y}.mvt`)).bytes, 'parcels')
    expect(features.length).toBeGreaterThan(0)
    expect(features.every((f) => f.properties.town === HUANXIU)).toBe(true)
    const all = decode((await fetchTile(admin, `/tiles/parcels/${tile.z}/${tile.x}/${tile.y}.mvt`)).bytes, 'parcels')
    expect(all.length).toBeGreaterThan(features.length)
  })

  it('serves zones, occupations and each planning layer, and refuses tiles that do not exist', async () => {
    const tile = tiles[0]!
    for (const layer of ['zones', 'occupations', 'layer-1']) {
      const reply = await fetchTile(admin, `/tiles/${layer}/${tile.z}/${tile.x}/${tile.y}.mvt`)
      expect(reply.status, layer).toBe(200)
      expect(decode(reply.bytes, layer).length, layer).toBeGreaterThan(0)
    }
    expect((await fetchTile(admin, '/tiles/parcels/3/8/0.mvt')).status).toBe(400)
    expect((await fetchTile(admin, '/tiles/parcels/23/0/0.mvt')).status).toBe(400)
    expect((await fetchTile(admin, '/tiles/nothing/1/0/0.mvt')).status).toBe(404)
    expect((await fetchTile(admin, '/tiles/parcels/1/0/0.png')).status).toBe(404)
    expect((await fetchTile(app.anonymous(), `/tiles/parcels/${tile.z}/${tile.x}/${tile.y}.mvt`)).status).toBe(401)
  })

  it('draws parcels too small to see at zoom 10 as points at the centre of their box, one per cell and category', async () => {
    const tile = tiles[0]!
    const features = decode((await fetchTile(admin, `/tiles/parcels/${tile.z}/${tile.x}/${tile.y}.mvt`)).bytes, 'parcels')
    const points = features.filter((f) => f.type === 1)
    expect(points.length).toBeGreaterThan(0)
    for (const point of points) {
      const [x, y] = point.geometry[0]![0]!
      expect([x >= 0 && x < 4096, y >= 0 && y < 4096], `point ${point.id}`).toEqual([true, true])
      expect(point.properties).toHaveProperty('category')
    }
    // every parcel whose box centre lies in the tile proper is there, as an area or a point, or
    // shares its 6-pixel cell and category with a point there, one with problems when any has them
    const [w, s, e, n] = properBounds(tile)
    const { rows } = await app.db.query<{ id: number; x: number; y: number; category: string; problems: boolean }>(
      `SELECT id, box_x AS x, box_y AS y, category, cardinality(problems) > 0 AS problems FROM parcels
       WHERE deleted_at IS NULL AND box_x BETWEEN $1 AND $3 AND box_y BETWEEN $2 AND $4`,
      [w, s, e, n],
    )
    const cell = unitDegrees(tile.z) * 48
    const cellOf = (r: { x: number; y: number; category: string }) =>
      `${Math.floor(r.x / cell)} ${Math.floor(r.y / cell)} ${r.category}`
    const byId = new Map(rows.map((r) => [r.id, r]))
    const drawn = new Set(features.map((f) => f.id))
    const represented = new Map(points.filter((p) => byId.has(p.id)).map((p) => [cellOf(byId.get(p.id)!), byId.get(p.id)!]))
    expect(rows.length).toBeGreaterThan(10)
    expect(points.length).toBeLessThan(rows.length)
    const missing = rows.filter((r) => !drawn.has(r.id))
    expect(missing.filter((r) => !represented.has(cellOf(r))).map((r) => r.id)).toEqual([])
    expect(missing.filter((r) => r.problems && !represented.get(cellOf(r))!.problems).map((r) => r.id)).toEqual([])
  })

  it('narrows parcel tiles by the filters of GET /api/parcels and refuses any other parameter', async () => {
    const tile = tiles[0]!
    const route = `/tiles/parcels/${tile.z}/${tile.x}/${tile.y}.mvt`
    const all = decode((await fetchTile(admin, route)).bytes, 'parcels')
    const idle = decode((await fetchTile(admin, `${route}?category=idle_industrial&status=registered`)).bytes, 'parcels')
    expect(idle.length).toBeGreaterThan(0)
    expect(idle.length).toBeLessThan(all.length)
    expect(idle.every((f) => f.properties.category === 'idle_industrial' && f.properties.status === 'registered')).toBe(true)
    const code = String(all.find((f) => f.type === 3 || f.type === 1)!.id)
    const { rows } = await app.db.query<{ code: string }>('SELECT code FROM parcels WHERE id = $1', [Number(code)])
    const searched = decode((await fetchTile(admin, `${route}?q=${encodeURIComponent(rows[0]!.code)}`)).bytes, 'parcels')
    expect(searched.map((f) => f.id)).toEqual([Number(code)])

    const unknown = await fetchTile(admin, `${route}?colour=red`)
    expect(unknown.status).toBe(400)
    expect((await fetchTile(admin, `${route}?category=forest`)).status).toBe(400)
    const findings = await fetchTile(admin, `/tiles/findings/${tile.z}/${tile.x}/${tile.y}.mvt?severity=conflict`)
    expect(findings.status).toBe(200)
  })

  it.each(BACKENDS)('labels each parcel once at close zoom, at a point of the tile that holds the centre of its box (%s)', async (backend) => {
    const client = admins.get(backend)!
    const tile = tiles[2]!
    const seen = new Map<number, string>()
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
      const at = { z: tile.z, x: tile.x + dx!, y: tile.y + dy! }
      const bytes = (await fetchTile(client, `/tiles/parcels/${at.z}/${at.x}/${at.y}.mvt`)).bytes
      const labels = decode(bytes, 'parcels-labels')
      const areas = new Set(decode(bytes, 'parcels').map((f) => f.id))
      for (const label of labels) {
        expect(seen.get(label.id), `parcel ${label.id} labelled twice`).toBeUndefined()
        seen.set(label.id, `${at.x}/${at.y}`)
        expect(label.type).toBe(1)
        expect(areas.has(label.id)).toBe(true)
        expect(label.properties).toMatchObject({ code: expect.any(String), area_mu: expect.any(Number) })
      }
    }
    expect(seen.size).toBeGreaterThan(0)
    const low = (await fetchTile(client, `/tiles/parcels/${tiles[1]!.z}/${tiles[1]!.x}/${tiles[1]!.y}.mvt`)).bytes
    expect(decode(low, 'parcels-labels')).toEqual([])
  })

  const bothDatabases = BACKENDS.includes('postgres') ? it : it.skip
  if (!BACKENDS.includes('postgres')) console.warn('TEST_DATABASE_URL is not set: the tiles of the two databases are not compared')

  bothDatabases('draws the server database’s tiles with ST_AsMVT, never with the embedded database’s encoder', async () => {
    const reader: User = { id: 0, username: 'tile-test', displayName: null, role: 'admin', town: null }
    for (const backend of BACKENDS) {
      const { db } = apps.get(backend)!
      const { recorder, sql, rows } = recording(db)
      // zoom 10 in a transaction with its settings, zoom 14 with labels on its own; findings with their collections
      for (const [source, tile] of [[PARCELS, tiles[0]!], [PARCELS, tiles[2]!], [FINDINGS, tiles[1]!]] as const) {
        vi.mocked(encodeTile).mockClear()
        sql.length = 0
        rows.length = 0
        const bytes = await renderTile(recorder, reader, source, tile)
        expect(bytes.length, `${backend} ${source.id} ${tile.z}`).toBeGreaterThan(0)
        const tileSql = sql.filter((text) => !/^SET LOCAL/.test(text))
        expect(tileSql).toHaveLength(1)
        if (backend === 'embedded') {
          expect(vi.mocked(encodeTile)).toHaveBeenCalledTimes(1)
          expect(tileSql[0]).not.toContain('ST_AsMVT')
          continue
        }
        expect(vi.mocked(encodeTile)).not.toHaveBeenCalled()
        expect(tileSql[0]).toMatch(/ST_AsMVT\(/)
        expect(tileSql[0]).toMatch(/ST_AsMVTGeom\(/)
        expect(tileSql[0]).toMatch(/ST_TileEnvelope\(/)
        expect(tileSql[0]).not.toContain('ST_AsGeoJSON')
        // the bytes served are the bytes the database returned
        expect(rows.at(-1)).toEqual([{ tile: bytes }])
      }
    }
    // and over HTTP: a server database's tile request never reaches the encoder
    vi.mocked(encodeTile).mockClear()
    const tile = tiles[1]!
    const reply = await fetchTile(admins.get('postgres')!, `/tiles/parcels/${tile.z}/${tile.x}/${tile.y}.mvt?status=registered`)
    expect(reply.status).toBe(200)
    expect(decode(reply.bytes, 'parcels').length).toBeGreaterThan(0)
    expect(vi.mocked(encodeTile)).not.toHaveBeenCalled()
  })

  bothDatabases('has the same contents from ST_AsMVT on the server database as from the encoder of the embedded one', async () => {
    const server = admins.get('postgres')!
    const measure = apps.get('postgres')!.db
    const layers = [
      ['parcels', 'parcels'], ['parcels', 'parcels-labels'], ['zones', 'zones'], ['layer-1', 'layer-1'],
      ['occupations', 'occupations'], ['findings', 'findings'],
    ] as const
    const compared = new Map<string, number>()
    const findings: Decoded[] = []
    for (const [collection, layer] of layers) {
      for (const tile of parityTiles) {
        const route = `/tiles/${collection}/${tile.z}/${tile.x}/${tile.y}.mvt`
        const embeddedBytes = (await fetchTile(admin, route)).bytes
        const serverBytes = (await fetchTile(server, route)).bytes
        const a = decode(embeddedBytes, layer)
        const b = decode(serverBytes, layer)
        // the same features in the same order, each of the same kind
        expect(b.map((f) => `${f.id}:${f.type}`), route).toEqual(a.map((f) => `${f.id}:${f.type}`))
        a.forEach((feature, i) => expectSameProperties(feature, b[i]!, `${route} ${layer} ${feature.id}`))
        await expectSameGeometry(measure, a, b, `${route} ${layer}`, layer === 'parcels-labels')
        if (layer === 'parcels-labels') {
          expectLabelsInside(a, decode(embeddedBytes, 'parcels'), `${route} embedded`)
          expectLabelsInside(b, decode(serverBytes, 'parcels'), `${route} server`)
        }
        compared.set(layer, (compared.get(layer) ?? 0) + a.length)
        if (layer === 'findings') findings.push(...b)
      }
    }
    // the findings went through the collection split and the waiver
    const kindsOf = (id: number) => findings.filter((f) => f.id === id).map((f) => f.type)
    expect(findings.some((f) => kindsOf(f.id).includes(3) && kindsOf(f.id).includes(2))).toBe(true)
    expect(findings.some((f) => f.properties.waived === true)).toBe(true)
    expect(findings.some((f) => f.properties.waived === false && f.properties.zone_class === undefined)).toBe(true)
    for (const [collection, layer] of layers) expect(compared.get(layer), `${collection} ${layer}`).toBeGreaterThan(3)
    expect([...compared.values()].reduce((sum, n) => sum + n)).toBeGreaterThan(500)
  })
})

/**
 * The same findings of a finished run in each database, so both draw the
 * same findings tiles: pieces of the parcels of a tile, some a collection of
 * a piece and a line (as an encroachment check may give), some a line only,
 * one with no area, one waived. The geometry is made once, by the first
 * database, and stored as the same EWKB in all.
 */
async function addFindings(dbs: Db[], tile: { z: number; x: number; y: number }): Promise<void> {
  const { rows } = await dbs[0]!.query<{ parcel_id: number; town: string; village: string; geom: string; area_m2: number | null }>(
    `SELECT id AS parcel_id, town, village, piece::text AS geom,
       CASE WHEN ST_Dimension(piece) = 2 THEN ST_Area(piece::geography) END AS area_m2
     FROM (SELECT id, town, village, CASE id % 5
         WHEN 0 THEN ST_Collect(ST_Intersection(geom, ST_Buffer(pt, 0.0004)), ST_MakeLine(pt, ST_Translate(pt, 0.002, 0.001)))
         WHEN 1 THEN ST_Boundary(geom)
         ELSE ST_Intersection(geom, ST_Buffer(pt, 0.0004)) END AS piece
       FROM parcels, LATERAL ST_PointOnSurface(geom) pt
       WHERE deleted_at IS NULL AND geom && ST_MakeEnvelope($1, $2, $3, $4, 4490)
       ORDER BY id LIMIT 60) p`,
    tileBounds(tile),
  )
  for (const db of dbs) {
    await db.query(
      `INSERT INTO check_runs (id, status, trigger, kinds, scope, params, code_version, finished_at)
       OVERRIDING SYSTEM VALUE VALUES ($1, 'done', 'request', ARRAY['encroachment'], 'district', '{}', $2, now())`,
      [9001, 'tile-parity'],
    )
    for (const [i, row] of rows.entries()) {
      await db.query(
        `INSERT INTO check_findings (id, run_id, kind, code, severity, parcel_id, town, village, zone_class,
           area_m2, ratio, message_zh, message_en, geom)
         OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::geometry)`,
        [900_000 + i, 9001, 'encroachment', 'occupation_in_parcel', i % 3 === 0 ? 'conflict' : 'warning', row.parcel_id,
          row.town, row.village, i % 2 === 0 ? 'basic_farmland' : null, row.area_m2, 0.25, `地块被占 ${i}`, `encroached ${i}`, row.geom],
      )
    }
    await db.query(
      `INSERT INTO finding_waivers (finding_id, finding_key, parcel_id, town, village, approval_number, approver, approved_on, reason, recorded_by)
       SELECT f.id, finding_key(f), f.parcel_id, f.town, f.village, $2, $3, $4, $5, (SELECT id FROM users WHERE username = $6)
       FROM check_findings f WHERE f.id = $1`,
      [900_002, '即自然资批〔2024〕1号', '即墨区自然资源局', '2024-05-01', '历史遗留', 'admin'],
    )
  }
}

/** A Db whose statements and rows are kept, to see what a tile was drawn with. */
function recording(db: Db): { recorder: Db; sql: string[]; rows: unknown[][] } {
  const sql: string[] = []
  const rows: unknown[][] = []
  const watch = (target: Queryable): Queryable => ({
    async query<R>(text: string, params?: unknown[]) {
      sql.push(text.trim())
      const result = await target.query<R>(text, params)
      rows.push(result.rows)
      return result
    },
    exec: (text) => target.exec(text),
    copyFrom: (text, data) => target.copyFrom(text, data),
  })
  const recorder: Db = {
    ...watch(db),
    driver: db.driver,
    transaction: (work) => db.transaction((tx) => work(watch(tx))),
    close: () => db.close(),
  }
  return { recorder, sql, rows }
}

function expectSameProperties(a: Decoded, b: Decoded, where: string): void {
  // area_mu is the stored ellipsoidal area, which PostGIS 3.3 and 3.6 compute
  // 4e-5 apart (STACK.md): the databases differ there, not the encoders
  const { area_mu: mine, ...rest } = a.properties
  const { area_mu: theirs, ...others } = b.properties
  expect(others, where).toEqual(rest)
  expect(typeof theirs, where).toBe(typeof mine)
  if (mine !== undefined) expect(Math.abs(Number(theirs) / Number(mine) - 1), where).toBeLessThan(1e-4)
}


type Ring = [number, number][]

/** MVT rings as GeoJSON polygons: an exterior ring (positive area, y down) starts a polygon, the holes after it are its own (MVT 2.1, 4.3.4.4). */
function polygonsOf(rings: Ring[]): Ring[][] {
  const polygons: Ring[][] = []
  for (const ring of rings) {
    if (signedArea(ring) > 0 || polygons.length === 0) polygons.push([ring])
    else polygons.at(-1)!.push(ring)
  }
  return polygons
}

const asGeoJson = (feature: Decoded) =>
  JSON.stringify(feature.type === 3
    ? { type: 'MultiPolygon', coordinates: polygonsOf(feature.geometry) }
    : { type: 'MultiLineString', coordinates: feature.geometry })

/**
 * Each pair of features (same id, same kind) drawn alike, in tile units.
 * Both encoders take the same outline, simplified and clipped by the SQL
 * they share, and snap it to the same grid; they may part where a vertex
 * lies on a half unit (Math.round rounds up, ST_AsMVTGeom's rint to even),
 * where ST_AsMVTGeom drops a vertex on a straight line (no change of shape)
 * and where its Wagyu repairs a ring that snapping made invalid. Each vertex
 * then moves by a unit at most, which sweeps at most half a unit times each
 * of its two edges: the outlines' symmetric difference stays under the
 * perimeter times one unit, a line within one unit of the other (Hausdorff),
 * a point within a unit on each axis. Labels are placed by different
 * algorithms (labelPoint, ST_PointOnSurface) and are checked by
 * expectLabelsInside instead. Areas are measured by GEOS on the server
 * database, after ST_MakeValid (a snapped ring may touch itself).
 */
async function expectSameGeometry(db: Queryable, a: Decoded[], b: Decoded[], where: string, labels: boolean): Promise<void> {
  const pairs = a.map((feature, i) => ({ i, mine: feature, theirs: b[i]! }))
  for (const { mine, theirs } of labels ? [] : pairs.filter((p) => p.mine.type === 1)) {
    const [one, other] = [mine.geometry.flat(), theirs.geometry.flat()]
    expect(other.length, `${where} ${mine.id}`).toBe(one.length)
    const shift = Math.max(...one.map(([x, y], k) => Math.max(Math.abs(x - other[k]![0]), Math.abs(y - other[k]![1]))))
    expect(shift, `${where} ${mine.id}: point moved`).toBeLessThanOrEqual(1)
  }
  const shapes = pairs.filter((p) => p.mine.type !== 1)
    .map((p) => ({ i: p.i, type: p.mine.type, mine: asGeoJson(p.mine), theirs: asGeoJson(p.theirs) }))
  if (shapes.length === 0) return
  const { rows } = await db.query<{ i: number; type: number; perimeter: number; difference: number; hausdorff: number }>(
    `SELECT i, type, ST_Perimeter(a) AS perimeter, ST_Area(ST_SymDifference(a, b)) AS difference,
       ST_HausdorffDistance(a, b) AS hausdorff
     FROM json_to_recordset($1::json) AS x(i int, type int, mine text, theirs text),
       LATERAL (SELECT ST_CollectionExtract(ST_MakeValid(ST_GeomFromGeoJSON(x.mine)), x.type) AS a,
                       ST_CollectionExtract(ST_MakeValid(ST_GeomFromGeoJSON(x.theirs)), x.type) AS b) g
     ORDER BY i`,
    [JSON.stringify(shapes)],
  )
  expect(rows).toHaveLength(shapes.length)
  for (const row of rows) {
    const at = `${where} ${a[row.i]!.id}`
    if (row.type === 3) expect(row.difference, `${at}: outlines apart`).toBeLessThanOrEqual(row.perimeter * 1)
    else expect(row.hausdorff, `${at}: lines apart`).toBeLessThanOrEqual(1)
  }
}

/** True when a point lies inside the rings (even-odd, as MVT fills) or on one of them. */
function covers(rings: Ring[], [x, y]: [number, number]): boolean {
  let inside = false
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!
      const [xj, yj] = ring[j]!
      const onSegment = (x - xi) * (yj - yi) === (y - yi) * (xj - xi) &&
        x >= Math.min(xi, xj) && x <= Math.max(xi, xj) && y >= Math.min(yi, yj) && y <= Math.max(yi, yj)
      if (onSegment) return true
      if (yi > y !== yj > y && x < xi + ((y - yi) * (xj - xi)) / (yj - yi)) inside = !inside
    }
  }
  return inside
}

/** Every label a point of its parcel's outline in the same tile. */
function expectLabelsInside(labels: Decoded[], areas: Decoded[], where: string): void {
  const outlines = new Map(areas.filter((f) => f.type === 3).map((f) => [f.id, f.geometry]))
  for (const label of labels) {
    const rings = outlines.get(label.id)
    expect(rings, `${where}: parcel ${label.id} labelled without its outline`).toBeDefined()
    expect(covers(rings!, label.geometry[0]![0]!), `${where}: label of parcel ${label.id} outside it`).toBe(true)
  }
}

// 四至 on hand-made layouts with a known answer on each side. Each layout is
// drawn in CGCS2000 Gauss-Krüger metres (EPSG:4549) around (455000, 3985000),
// west of the sample district where nothing else lies, and stored in 4490.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fourSides, fourSidesText, type FourSides } from '../../server/src/reports/four-sides.ts'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type TestApp } from '../helpers/app.ts'

const X0 = 455000
const Y0 = 3985000
const TOWN = '370215990'

/** A rectangle [x1,x2]×[y1,y2] in metres from the origin, as EWKT in EPSG:4549. */
const box = (x1: number, y1: number, x2: number, y2: number) =>
  `SRID=4549;MULTIPOLYGON(((${[[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]].map(([x, y]) => `${X0 + x!} ${Y0 + y!}`).join(',')})))`
const line = (...points: [number, number][]) => `SRID=4549;MULTILINESTRING((${points.map(([x, y]) => `${X0 + x} ${Y0 + y}`).join(',')}))`
const to4490 = 'ST_Multi(ST_Transform(ST_GeomFromEWKT($1), 4490))'

describe.each(backends())('四至 on the %s database', (backend) => {
  let app: TestApp
  const ids: Record<string, number> = {}

  async function parcel(code: string, wkt: string, village: string | null): Promise<number> {
    const { rows } = await app.db.query<{ id: number }>(
      `INSERT INTO parcels (geom, code, name, town, village, category) VALUES (${to4490}, $2, $3, $4, $5, 'intensive_use') RETURNING id`,
      [wkt, code, `${code}名`, TOWN, village],
    )
    ids[code] = rows[0]!.id
    return rows[0]!.id
  }

  beforeAll(async () => {
    app = await startTestApp(backend)
    const db = app.db
    await db.query(`INSERT INTO towns (code, name, kind) VALUES ($1, '测试镇', 'town')`, [TOWN])
    // Layout A: two villages meeting along y = 110; layout B lies in village 甲 too
    await db.query(`INSERT INTO villages (code, name, town, geom) VALUES ($2, '测试甲村', $3, ${to4490})`, [box(-200, -200, 3000, 110), `${TOWN}001`, TOWN])
    await db.query(`INSERT INTO villages (code, name, town, geom) VALUES ($2, '测试乙村', $3, ${to4490})`, [box(-200, 110, 3000, 400), `${TOWN}002`, TOWN])
    const { rows } = await db.query<{ id: number }>(`INSERT INTO planning_layers (name, kind) VALUES ('四至测试图层', 'test') RETURNING id`)
    const layer = rows[0]!.id
    const zone = (cls: string, code: string, name: string, wkt: string, attributes: object) =>
      db.query(`INSERT INTO zones (layer_id, layer_version, class, code, name, attributes, geom) VALUES ($2, 1, $3, $4, $5, $6, ST_Transform(ST_GeomFromEWKT($1), 4490))`,
        [wkt, layer, cls, code, name, JSON.stringify(attributes)])

    // Layout A: subject S = [0,100]²
    await parcel('T-S', box(0, 0, 100, 100), `${TOWN}001`)
    // east: a parcel 5 m off, and a second one behind it 70 m off
    await parcel('T-E', box(105, 20, 160, 80), `${TOWN}001`)
    await parcel('T-E2', box(170, 0, 200, 100), `${TOWN}001`)
    // a parcel off the north-east corner, beyond both the east and the north side
    await parcel('T-NE', box(115, 115, 170, 170), `${TOWN}002`)
    // a deleted parcel right on the north side must not count
    const deleted = await parcel('T-DEL', box(20, 102, 80, 108), `${TOWN}001`)
    await db.query('UPDATE parcels SET deleted_at = now() WHERE id = $1', [deleted])
    // south: a county road 12 m from the edge, road land 10 m wide, so 7 m to its edge
    await zone('road', 'TEST-RD', '测试路', line([-50, -12], [150, -12]), { road_class: 'county', width_m: 10 })
    // west: a river management area 10 m off
    await zone('river_area', 'TEST-HD', '测试河河道管理范围', box(-40, -20, -10, 120), {})
    // north: the line between 甲 and 乙 at y = 110, 10 m off

    // Layout B, 2 km east: a parcel with nothing within 30 m
    await parcel('T-LONE', box(2000, -100, 2040, -60), `${TOWN}001`)
  })

  afterAll(async () => {
    await app?.close()
  })

  async function sidesOf(code: string): Promise<FourSides> {
    return (await fourSides(app.db, [ids[code]!])).get(ids[code]!)!
  }

  it('names the nearest thing on each side: a parcel, a road, a river and the village line', async () => {
    const s = await sidesOf('T-S')
    expect(s.east).toMatchObject({ kind: 'parcel', ref: 'T-E' })
    expect(s.east.distance_m).toBeCloseTo(5, 1)
    expect(s.south).toMatchObject({ kind: 'road', ref: 'TEST-RD', road_class: 'county' })
    // 12 m to the centre line less half the 10 m road land
    expect(s.south.distance_m).toBeCloseTo(7, 0)
    expect(s.west).toMatchObject({ kind: 'river', ref: 'TEST-HD', name: '测试河河道管理范围' })
    expect(s.west.distance_m).toBeCloseTo(10, 1)
    expect(s.north).toMatchObject({ kind: 'village_boundary', ref: `${TOWN}002`, name: '测试乙村' })
    expect(s.north.distance_m).toBeCloseTo(10, 1)
  })

  it('words the four sides in Chinese', async () => {
    const text = fourSidesText(await sidesOf('T-S'))
    expect(text).toBe(
      '东至：地块 T-E（T-E名），相距约 5 米；南至：测试路（县道），相距约 7 米；' +
        '西至：测试河河道管理范围，相距约 10 米；北至：村界（邻测试乙村），相距约 10 米',
    )
  })

  it('sees the subject from its neighbour: west of T-E is T-S, and nothing lies diagonally', async () => {
    const e = await sidesOf('T-E')
    expect(e.west).toMatchObject({ kind: 'parcel', ref: 'T-S' })
    expect(e.east).toMatchObject({ kind: 'parcel', ref: 'T-E2' })
    // T-NE is off the corner of T-S: in neither its east nor its north strip
    const s = await sidesOf('T-S')
    expect([s.east.ref, s.north.ref]).not.toContain('T-NE')
  })

  it('says 空地 on every side when nothing lies within 30 m, and finds it with a longer reach', async () => {
    const lone = await sidesOf('T-LONE')
    expect(Object.values(lone).map((n) => n.kind)).toEqual(['none', 'none', 'none', 'none'])
    expect(fourSidesText(lone)).toBe('东至：空地；南至：空地；西至：空地；北至：空地')
    const far = (await fourSides(app.db, [ids['T-S']!], 80)).get(ids['T-S']!)!
    expect(far.east).toMatchObject({ kind: 'parcel', ref: 'T-E' })
  })
})

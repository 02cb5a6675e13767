import { expect } from 'vitest'
import type { Client, TestApp } from './app.ts'

// 环秀街道 (370215001) and 田横镇 (370215101): the two towns with a test editor.
export const HUANXIU = '370215001'
export const TIANHENG = '370215101'

/** A town approver (镇街审核人), created by the admin and signed in. */
export async function approverOf(app: TestApp, admin: Client, username: string, town: string): Promise<Client> {
  const password = `${username}-password-1`
  const created = await admin.post('/api/users', { username, password, role: 'town_approver', town })
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  const client = app.anonymous()
  await client.signIn(username, password)
  return client
}

/** The first village of a town and a point inside it, EPSG:4490. */
export async function villageSpot(app: TestApp, town: string): Promise<{ village: string; lon: number; lat: number }> {
  const { rows } = await app.db.query<{ code: string; lon: number; lat: number }>(
    `SELECT v.code, ST_X(pt) AS lon, ST_Y(pt) AS lat
     FROM villages v, LATERAL ST_PointOnSurface(v.geom) AS pt
     WHERE v.town = $1 ORDER BY v.code LIMIT 1`,
    [town],
  )
  return { village: rows[0]!.code, lon: rows[0]!.lon, lat: rows[0]!.lat }
}

/** A square of `size` degrees with its south-west corner at (lon, lat), EPSG:4490. */
export function square(lon: number, lat: number, size = 0.0002) {
  const ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
  return { type: 'Polygon', coordinates: [ring] }
}

/**
 * Creates a parcel in the first village of `town`, `slot` squares east of the
 * village's inner point so that parcels of one test do not overlap.
 */
export async function newParcel(
  app: TestApp,
  client: Client,
  town: string,
  code: string,
  slot: number,
  properties: Record<string, unknown> = {},
): Promise<any> {
  const spot = await villageSpot(app, town)
  const created = await client.post('/api/parcels', {
    type: 'Feature',
    properties: { code, name: code, town, village: spot.village, category: 'collective_construction', ...properties },
    geometry: square(spot.lon + slot * 0.0003, spot.lat),
  })
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  return created.body
}

export async function rowCount(app: TestApp, table: string): Promise<number> {
  const { rows } = await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)
  return rows[0]!.n
}

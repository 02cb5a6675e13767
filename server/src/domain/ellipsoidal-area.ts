// Ellipsoidal area on CGCS2000, the way land surveys and PostGIS
// `ST_Area(geography)` measure it: Karney's geodesic polygon area
// (GeographicLib). CGCS2000: a = 6378137 m, f = 1/298.257222101. Plain
// code: the sample generator and the map client's live area use it.
import geographiclib from 'geographiclib-geodesic'
import type { MultiPolygon, Polygon, Position } from 'geojson'

const CGCS2000 = new geographiclib.Geodesic.Geodesic(6378137, 1 / 298.257222101)

/** 1 亩 = 10000/15 m² */
export const M2_PER_MU = 10000 / 15

/** |area| in m² of one lon/lat ring (closed or not). */
export function ringAreaM2(ring: readonly Position[]): number {
  const polygon = CGCS2000.Polygon(false)
  const n = ring.length
  const closed = n > 1 && ring[0]?.[0] === ring[n - 1]?.[0] && ring[0]?.[1] === ring[n - 1]?.[1]
  for (let i = 0; i < (closed ? n - 1 : n); i++) {
    const [lon = NaN, lat = NaN] = ring[i] ?? []
    polygon.AddPoint(lat, lon)
  }
  return Math.abs(polygon.Compute(false, true).area ?? 0)
}

/** Area in m² of a lon/lat Polygon or MultiPolygon: shells minus holes. */
export function areaM2(geometry: Polygon | MultiPolygon): number {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  let total = 0
  for (const rings of polygons) {
    rings.forEach((ring, i) => (total += (i === 0 ? 1 : -1) * ringAreaM2(ring)))
  }
  return total
}

// Ring orientation as PostGIS's ST_ForcePolygonCCW leaves it: exterior rings
// counter-clockwise, interior rings clockwise (RFC 7946 §3.1.6; Shapefiles
// wind them the other way). Done here, before the geometry is sent, so the
// staged geometry is the one ST_ForcePolygonCCW(ST_Multi(…)) made in SQL.
//
// The same decisions as liblwgeom: ST_ForcePolygonCCW is
// lwgeom_force_clockwise then lwgeom_reverse_in_place, and a ring counts as
// clockwise when ptarray_signed_area (computed below with the same
// operations in the same order) is above zero. So an exterior ring is
// reversed when it is clockwise, an interior ring when it is not (a flat
// interior ring too), and an empty polygon has all its rings reversed.
import type { MultiPolygon, Polygon, Position } from 'geojson'

/** liblwgeom's ptarray_signed_area: positive for clockwise rings, 0 for flat ones. */
export function signedArea(ring: readonly Position[]): number {
  if (ring.length < 3) return 0
  let p1 = ring[0]!
  let p2 = ring[1]!
  const x0 = p1[0]!
  let sum = 0
  for (let i = 2; i < ring.length; i++) {
    const p3 = ring[i]!
    sum += (p2[0]! - x0) * (p1[1]! - p3[1]!)
    p1 = p2
    p2 = p3
  }
  return sum / 2
}

/** The polygon's rings as ST_ForcePolygonCCW orients them; rings already right are kept as they are. */
function orientPolygon(rings: Position[][]): Position[][] {
  const empty = rings.length === 0 || rings[0]!.length === 0
  return rings.map((ring, i) => {
    const reverse = empty || (i === 0 ? signedArea(ring) > 0 : !(signedArea(ring) > 0))
    return reverse ? ring.slice().reverse() : ring
  })
}

/** ST_ForcePolygonCCW(ST_Multi(g)) for a Polygon or MultiPolygon, as a MultiPolygon. */
export function multiPolygonCcw(geometry: Polygon | MultiPolygon): MultiPolygon {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  return { type: 'MultiPolygon', coordinates: polygons.map(orientPolygon) }
}

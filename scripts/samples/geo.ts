// From construction space to the files: Gauss-Krüger metres (EPSG:4549) to
// CGCS2000 lon/lat (EPSG:4490) at 7 decimals (about 1 cm), RFC 7946
// winding, and a GEOS-equivalent validity check (jsts IsValidOp).
import type { MultiPolygon, Polygon } from 'geojson'
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js'
import GeoJSONReader from 'jsts/org/locationtech/jts/io/GeoJSONReader.js'
import GeoJSONWriter from 'jsts/org/locationtech/jts/io/GeoJSONWriter.js'
import BufferOp from 'jsts/org/locationtech/jts/operation/buffer/BufferOp.js'
import SnapIfNeededOverlayOp from 'jsts/org/locationtech/jts/operation/overlay/snap/SnapIfNeededOverlayOp.js'
import IsValidOp from 'jsts/org/locationtech/jts/operation/valid/IsValidOp.js'
import { toEpsg } from '../../server/src/geo/crs.ts'
import { closeRing, rewind, signedArea, type Poly, type Pt, type Ring } from './geometry.ts'

export type Area = Polygon | MultiPolygon

const reader = new GeoJSONReader(new GeometryFactory())
const writer = new GeoJSONWriter()

export function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7
}

/** Gauss-Krüger CM 120E metres → lon/lat rounded to 7 decimals. */
export function toLonLat(p: Pt): Pt {
  const [lon, lat] = toEpsg(p, 4549, 4490)
  return [round7(lon), round7(lat)]
}

export function toGk(p: Pt): Pt {
  return toEpsg(p, 4490, 4549)
}

/** lon/lat control points → Gauss-Krüger metres. */
export function gkLine(lonLat: readonly Pt[]): Pt[] {
  return lonLat.map(toGk)
}

/** Drop repeated points and back-and-forth spikes that rounding can leave. */
export function cleanRing(ring: readonly Pt[]): Ring {
  const out: Pt[] = []
  for (const p of ring.slice(0, -1)) {
    const last = out[out.length - 1]
    if (last && last[0] === p[0] && last[1] === p[1]) continue
    const before = out[out.length - 2]
    if (before && before[0] === p[0] && before[1] === p[1]) {
      out.pop()
      continue
    }
    out.push(p)
  }
  while (
    out.length > 1 &&
    out[0]?.[0] === out[out.length - 1]?.[0] &&
    out[0]?.[1] === out[out.length - 1]?.[1]
  ) {
    out.pop()
  }
  return out.length >= 3 ? closeRing(out) : []
}

/** Polygons in metres → a lon/lat Polygon or MultiPolygon, or null if nothing is left. */
export function toLonLatArea(polys: readonly Poly[]): Area | null {
  const out: Poly[] = []
  for (const poly of polys) {
    const rings = poly.map((ring) => cleanRing(ring.map(toLonLat)))
    const [outer, ...holes] = rings
    if (!outer || outer.length < 4 || signedArea(outer) === 0) continue
    out.push(rewind([outer, ...holes.filter((h) => h.length >= 4 && signedArea(h) !== 0)]))
  }
  if (out.length === 0) return null
  return out.length === 1
    ? { type: 'Polygon', coordinates: out[0] as Poly }
    : { type: 'MultiPolygon', coordinates: out }
}

/** Why GEOS would call this geometry invalid, or null when it is valid. */
export function invalidReason(geometry: Area): string | null {
  const op = new IsValidOp(reader.read(geometry))
  return op.isValid() ? null : String(op.getValidationError())
}

/**
 * Repair with a zero-width buffer, round to 7 decimals again and re-check.
 * Returns null when the result is still invalid or empty.
 */
export function repairLonLat(geometry: Area): Area | null {
  const fixed = writer.write(BufferOp.bufferOp(reader.read(geometry), 0)) as Area
  if (fixed.type !== 'Polygon' && fixed.type !== 'MultiPolygon') return null
  const polys = fixed.type === 'Polygon' ? [fixed.coordinates] : fixed.coordinates
  const rounded = polys.map((poly) =>
    poly.map((ring) => cleanRing(ring.map(([x = 0, y = 0]) => [round7(x), round7(y)]))),
  )
  const kept = rounded
    .filter((poly) => (poly[0]?.length ?? 0) >= 4)
    .map((poly) => rewind(poly.filter((r) => r.length >= 4)))
  if (kept.length === 0) return null
  const area: Area =
    kept.length === 1
      ? { type: 'Polygon', coordinates: kept[0] as Poly }
      : { type: 'MultiPolygon', coordinates: kept }
  return invalidReason(area) ? null : area
}

/** A valid lon/lat area from metres, repaired if rounding broke it. */
export function validLonLatArea(polys: readonly Poly[], what: string): Area | null {
  const area = toLonLatArea(polys)
  if (!area || !invalidReason(area)) return area
  const repaired = repairLonLat(area)
  if (!repaired)
    throw new Error(`${what}: invalid after rounding to 7 decimals (${invalidReason(area)})`)
  return repaired
}

/** Buffer a line or area in metres (jsts, 8 segments per quarter circle). */
export function bufferMetres(
  geometry: Area | { type: 'LineString'; coordinates: Pt[] },
  metres: number,
): Poly[] {
  const result = writer.write(BufferOp.bufferOp(reader.read(geometry), metres, 8)) as Area
  if (result.type === 'Polygon') return [result.coordinates as Poly]
  if (result.type === 'MultiPolygon') return result.coordinates as Poly[]
  return []
}

// Overlay in metres with jsts: turf's polyclip-ts computes with bignumber.js
// and was ~50x slower on the district's wavy borders.
type Overlay = 'intersection' | 'difference' | 'union'

function overlay(op: Overlay, a: readonly Poly[], b: readonly Poly[]): Poly[] {
  if (a.length === 0) return op === 'union' ? [...b] : []
  if (b.length === 0) return op === 'intersection' ? [] : [...a]
  const ga = reader.read(multi(a))
  const gb = reader.read(multi(b))
  let result
  try {
    result = SnapIfNeededOverlayOp[op](ga, gb)
  } catch {
    // a robustness failure ("side location conflict"): retry on cleaned inputs
    result = SnapIfNeededOverlayOp[op](BufferOp.bufferOp(ga, 0), BufferOp.bufferOp(gb, 0))
  }
  return polygonsIn(
    writer.write(result) as { type: string; coordinates?: unknown; geometries?: unknown[] },
  )
}

function multi(polys: readonly Poly[]): MultiPolygon {
  return { type: 'MultiPolygon', coordinates: polys as Poly[] }
}

function polygonsIn(g: { type: string; coordinates?: unknown; geometries?: unknown[] }): Poly[] {
  if (g.type === 'Polygon') return [g.coordinates as Poly]
  if (g.type === 'MultiPolygon') return g.coordinates as Poly[]
  if (g.type === 'GeometryCollection')
    return (g.geometries ?? []).flatMap((x) => polygonsIn(x as typeof g))
  return []
}

export function intersectPolys(a: readonly Poly[], b: readonly Poly[]): Poly[] {
  return overlay('intersection', a, b)
}

/** `b` may overlap itself (a heap of exclusions): subtracted one by one. */
export function subtractPolys(a: readonly Poly[], b: readonly Poly[]): Poly[] {
  return b.reduce<Poly[]>((rest, hole) => overlay('difference', rest, [hole]), [...a])
}

export function unionPolys(a: readonly Poly[], b: readonly Poly[]): Poly[] {
  return overlay('union', a, b)
}

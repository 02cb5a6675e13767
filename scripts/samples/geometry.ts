// Small planar geometry kernel for the sample generator. It works in any
// x/y plane: Gauss-Krüger metres (EPSG:4549) while shapes are built, and
// lon/lat degrees (EPSG:4490) for the checks on the coordinates as written.
import type { MultiPolygon, Polygon } from 'geojson'

export type Pt = [number, number]
/** A closed ring: the first point repeated at the end. */
export type Ring = Pt[]
/** Outer ring first, then holes. */
export type Poly = Ring[]
export type Box = [number, number, number, number]

export function closeRing(points: readonly Pt[]): Ring {
  const first = points[0]
  const last = points[points.length - 1]
  if (!first || !last) return []
  const closed = first[0] === last[0] && first[1] === last[1]
  return closed ? [...points] : [...points, [first[0], first[1]]]
}

/** Shoelace area: positive when counter-clockwise (x east, y north). */
export function signedArea(ring: readonly Pt[]): number {
  let sum = 0
  for (let i = 1; i < ring.length; i++) {
    const [ax, ay] = ring[i - 1] as Pt
    const [bx, by] = ring[i] as Pt
    sum += ax * by - bx * ay
  }
  return sum / 2
}

export function polyArea(poly: Poly): number {
  return poly.reduce((sum, ring, i) => sum + (i === 0 ? 1 : -1) * Math.abs(signedArea(ring)), 0)
}

/** RFC 7946 winding: outer ring counter-clockwise, holes clockwise. */
export function rewind(poly: Poly): Poly {
  return poly.map((ring, i) => {
    const ccw = signedArea(ring) > 0
    return ccw === (i === 0) ? ring : [...ring].reverse()
  })
}

export function polygonsOf(geometry: Polygon | MultiPolygon): Poly[] {
  return (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as Poly[]
}

export function boxOf(points: Iterable<Pt>): Box {
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity]
  for (const [x, y] of points) {
    if (x < box[0]) box[0] = x
    if (y < box[1]) box[1] = y
    if (x > box[2]) box[2] = x
    if (y > box[3]) box[3] = y
  }
  return box
}

export function boxesOverlap(a: Box, b: Box): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

export function growBox(box: Box, by: number): Box {
  return [box[0] - by, box[1] - by, box[2] + by, box[3] + by]
}

function cross(o: Pt, a: Pt, b: Pt): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
}

function onSegment(p: Pt, a: Pt, b: Pt): boolean {
  return (
    Math.min(a[0], b[0]) <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= p[1] &&
    p[1] <= Math.max(a[1], b[1])
  )
}

/** Do segments ab and cd share any point (touching counts)? */
export function segmentsIntersect(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const d1 = cross(c, d, a)
  const d2 = cross(c, d, b)
  const d3 = cross(a, b, c)
  const d4 = cross(a, b, d)
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
    return true
  }
  return (
    (d1 === 0 && onSegment(a, c, d)) ||
    (d2 === 0 && onSegment(b, c, d)) ||
    (d3 === 0 && onSegment(c, a, b)) ||
    (d4 === 0 && onSegment(d, a, b))
  )
}

/** Even-odd ray test; a point exactly on the boundary may go either way. */
export function pointInRing(p: Pt, ring: readonly Pt[]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as Pt
    const [xj, yj] = ring[j] as Pt
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) {
      inside = !inside
    }
  }
  return inside
}

export function pointInPoly(p: Pt, poly: Poly): boolean {
  const [outer, ...holes] = poly
  if (!outer || !pointInRing(p, outer)) return false
  return !holes.some((hole) => pointInRing(p, hole))
}

function ringsCross(a: readonly Pt[], b: readonly Pt[], bBox: Box): boolean {
  for (let i = 1; i < a.length; i++) {
    const p = a[i - 1] as Pt
    const q = a[i] as Pt
    const segBox: Box = [
      Math.min(p[0], q[0]),
      Math.min(p[1], q[1]),
      Math.max(p[0], q[0]),
      Math.max(p[1], q[1]),
    ]
    if (!boxesOverlap(segBox, bBox)) continue
    for (let j = 1; j < b.length; j++) {
      if (segmentsIntersect(p, q, b[j - 1] as Pt, b[j] as Pt)) return true
    }
  }
  return false
}

/** Do two polygons share any point: crossing or touching edges, or nesting. */
export function polysIntersect(a: Poly, b: Poly): boolean {
  const aBox = boxOf(a[0] ?? [])
  const bBox = boxOf(b[0] ?? [])
  if (!boxesOverlap(aBox, bBox)) return false
  for (const ra of a) for (const rb of b) if (ringsCross(ra, rb, boxOf(rb))) return true
  const aFirst = a[0]?.[0]
  const bFirst = b[0]?.[0]
  return Boolean((aFirst && pointInPoly(aFirst, b)) || (bFirst && pointInPoly(bFirst, a)))
}

/**
 * Is `inner` strictly inside `outer`, its boundary touching nowhere? With no
 * crossing, one vertex tells inside from outside for the whole shell.
 */
export function polyWithin(inner: Poly, outer: Poly): boolean {
  const shell = inner[0] ?? []
  const first = shell[0]
  if (!first) return false
  const box = boxOf(shell)
  if (outer.some((ring) => ringsCross(ring, shell, box))) return false
  if (!pointInPoly(first, outer)) return false
  return !outer.slice(1).some((hole) => hole[0] !== undefined && pointInRing(hole[0], shell))
}

export function pointSegmentDistance(p: Pt, a: Pt, b: Pt): number {
  const dx = b[0] - a[0]
  const dy = b[1] - a[1]
  const len2 = dx * dx + dy * dy
  const t =
    len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2))
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy))
}

export function segmentDistance(a: Pt, b: Pt, c: Pt, d: Pt): number {
  if (segmentsIntersect(a, b, c, d)) return 0
  return Math.min(
    pointSegmentDistance(a, c, d),
    pointSegmentDistance(b, c, d),
    pointSegmentDistance(c, a, b),
    pointSegmentDistance(d, a, b),
  )
}

/** Distance from a polygon (its area included) to segment ab. */
export function polySegmentDistance(poly: Poly, a: Pt, b: Pt): number {
  if (pointInPoly(a, poly)) return 0
  let best = Infinity
  for (const ring of poly) {
    for (let i = 1; i < ring.length; i++) {
      best = Math.min(best, segmentDistance(ring[i - 1] as Pt, ring[i] as Pt, a, b))
      if (best === 0) return 0
    }
  }
  return best
}

/** Area-weighted centroid of a ring. */
export function ringCentroid(ring: readonly Pt[]): Pt {
  let cx = 0
  let cy = 0
  let a2 = 0
  const [ox, oy] = ring[0] ?? [0, 0]
  for (let i = 1; i < ring.length; i++) {
    const [ax, ay] = ring[i - 1] as Pt
    const [bx, by] = ring[i] as Pt
    const f = (ax - ox) * (by - oy) - (bx - ox) * (ay - oy)
    cx += (ax + bx - 2 * ox) * f
    cy += (ay + by - 2 * oy) * f
    a2 += f
  }
  if (a2 === 0) return [ox, oy]
  return [ox + cx / (3 * a2), oy + cy / (3 * a2)]
}

export function distance(a: Pt, b: Pt): number {
  return Math.hypot(b[0] - a[0], b[1] - a[1])
}

export function lerp(a: Pt, b: Pt, t: number): Pt {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
}

/** Rotate by `angle` radians about the origin, then move by (dx, dy). */
export function place(points: readonly Pt[], angle: number, dx: number, dy: number): Pt[] {
  const c = Math.cos(angle)
  const s = Math.sin(angle)
  return points.map(([x, y]) => [dx + x * c - y * s, dy + x * s + y * c])
}

export function lineLength(line: readonly Pt[]): number {
  let total = 0
  for (let i = 1; i < line.length; i++) total += distance(line[i - 1] as Pt, line[i] as Pt)
  return total
}

/** Insert points so that no segment is longer than `step`. */
export function densify(line: readonly Pt[], step: number): Pt[] {
  const out: Pt[] = []
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1] as Pt
    const b = line[i] as Pt
    const n = Math.max(1, Math.ceil(distance(a, b) / step))
    for (let k = 0; k < n; k++) out.push(lerp(a, b, k / n))
  }
  const last = line[line.length - 1]
  if (last) out.push(last)
  return out
}

/** Chaikin corner cutting, ends kept: smooth roads and rivers. */
export function smooth(line: readonly Pt[], rounds: number): Pt[] {
  let pts = [...line]
  for (let r = 0; r < rounds; r++) {
    const next: Pt[] = [pts[0] as Pt]
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1] as Pt
      const b = pts[i] as Pt
      next.push(lerp(a, b, 0.25), lerp(a, b, 0.75))
    }
    next.push(pts[pts.length - 1] as Pt)
    pts = next
  }
  return pts
}

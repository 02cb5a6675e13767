import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Position } from 'geojson'

type Ring = Position[]
type Rings = Ring[]

/** Twice the signed planar area of a ring, in squared degrees: enough to rank polygons. */
function ringArea2(ring: Ring): number {
  let sum = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = 0, yi = 0] = ring[i] ?? []
    const [xj = 0, yj = 0] = ring[j] ?? []
    sum += xj * yi - xi * yj
  }
  return sum
}

function largestPolygon(geometry: Polygon | MultiPolygon): Rings | null {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  let best: Rings | null = null
  let bestArea = -1
  for (const rings of polygons) {
    const area = Math.abs(ringArea2(rings[0] ?? []))
    if (area > bestArea) [best, bestArea] = [rings, area]
  }
  return best
}

function ringCentroid(ring: Ring): Position | null {
  const area2 = ringArea2(ring)
  if (area2 === 0) return null

  let cx = 0
  let cy = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = 0, yi = 0] = ring[i] ?? []
    const [xj = 0, yj = 0] = ring[j] ?? []
    const cross = xj * yi - xi * yj
    cx += (xi + xj) * cross
    cy += (yi + yj) * cross
  }
  return [cx / (3 * area2), cy / (3 * area2)]
}

/** Where the horizontal line at `y` crosses the rings, sorted by x. */
function crossings(rings: Rings, y: number): number[] {
  const xs: number[] = []
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi = 0, yi = 0] = ring[i] ?? []
      const [xj = 0, yj = 0] = ring[j] ?? []
      // Half-open on y, so a vertex on the line counts once.
      if (yi > y !== yj > y) xs.push(xi + ((y - yi) * (xj - xi)) / (yj - yi))
    }
  }
  return xs.sort((a, b) => a - b)
}

/** Even-odd rule over all rings, so a point in a hole is outside. */
export function pointInRings(point: Position, rings: Rings): boolean {
  const [x = 0, y = 0] = point
  return crossings(rings, y).filter((crossX) => crossX > x).length % 2 === 1
}

/** The middle of the widest inside span along the horizontal line at `y`. */
function widestSpanMiddle(rings: Rings, y: number): Position | null {
  const xs = crossings(rings, y)
  let best: Position | null = null
  let bestWidth = 0
  for (let i = 0; i + 1 < xs.length; i += 2) {
    const [from = 0, to = 0] = [xs[i], xs[i + 1]]
    if (to - from > bestWidth) [best, bestWidth] = [[(from + to) / 2, y], to - from]
  }
  return best
}

/**
 * A point inside the largest part of a polygon, for a label or a marker: the
 * centroid when it falls inside, else the middle of the widest span through
 * the centroid's latitude (a C- or L-shaped parcel has its centroid outside).
 */
export function labelPoint(geometry: Polygon | MultiPolygon): Position | null {
  const rings = largestPolygon(geometry)
  const outer = rings?.[0]
  if (!rings || !outer || outer.length < 4) return null

  const centroid = ringCentroid(outer)
  if (centroid && pointInRings(centroid, rings)) return centroid

  const ys = outer.map((position) => position[1] ?? 0)
  const y = centroid?.[1] ?? (Math.min(...ys) + Math.max(...ys)) / 2
  return widestSpanMiddle(rings, y) ?? outer[0] ?? null
}

/** One labelled point per polygon feature, with the feature's properties. */
export function labelPoints<P>(
  collection: FeatureCollection<Polygon | MultiPolygon, P>,
): FeatureCollection<Point, P> {
  const features: Feature<Point, P>[] = []
  for (const feature of collection.features) {
    const point = feature.geometry && labelPoint(feature.geometry)
    if (point)
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: point },
        properties: feature.properties,
      })
  }
  return { type: 'FeatureCollection', features }
}

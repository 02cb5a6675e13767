// Snapping a drawn point to neighbouring parcels: to one of their vertices
// when the pointer is within a few pixels of it, else onto the nearest of
// their edges. Distances are measured on the screen, where the user aims;
// a point snapped onto an edge lies exactly on it in lon/lat, so the two
// parcels share the boundary rather than overlap or leave a sliver.
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson'

export interface ScreenPoint {
  x: number
  y: number
}

export type Project = (lon: number, lat: number) => ScreenPoint

/** The rings of the neighbouring parcels, each with its lon/lat box to skip it quickly. */
export interface SnapRing {
  positions: Position[]
  box: [number, number, number, number]
}

export function snapRings(features: readonly Feature<Polygon | MultiPolygon>[]): SnapRing[] {
  const result: SnapRing[] = []
  for (const feature of features) {
    const geometry = feature.geometry
    const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat()
    for (const positions of rings) {
      const lons = positions.map((p) => p[0]!)
      const lats = positions.map((p) => p[1]!)
      result.push({
        positions,
        box: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)],
      })
    }
  }
  return result
}

export interface SnapQuery {
  /** the pointer on the screen, and where that is in lon/lat */
  pointer: ScreenPoint
  lonLat: Position
  /** how far from the pointer a vertex or edge is taken, px */
  tolerancePx: number
  /** the same reach in degrees, for the boxes (an upper bound is enough) */
  toleranceDeg: number
}

const distance = (a: ScreenPoint, b: ScreenPoint) => Math.hypot(a.x - b.x, a.y - b.y)

/** Where along the segment a→b (0–1) the point p is closest. */
function along(p: ScreenPoint, a: ScreenPoint, b: ScreenPoint): number {
  const dx = b.x - a.x
  const dy = b.y - a.y
  const length2 = dx * dx + dy * dy
  if (length2 === 0) return 0
  return Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2))
}

function near(ring: SnapRing, q: SnapQuery): boolean {
  const [lon, lat] = q.lonLat as [number, number]
  const [w, s, e, n] = ring.box
  return (
    lon >= w - q.toleranceDeg &&
    lon <= e + q.toleranceDeg &&
    lat >= s - q.toleranceDeg &&
    lat <= n + q.toleranceDeg
  )
}

/** The vertex or edge point to snap to, or undefined when none is within reach. */
export function snap(
  rings: readonly SnapRing[],
  project: Project,
  q: SnapQuery,
): Position | undefined {
  const candidates = rings.filter((ring) => near(ring, q))
  let vertex: { at: Position; d: number } | undefined
  let edge: { at: Position; d: number } | undefined

  for (const { positions } of candidates) {
    const screen = positions.map(([lon, lat]) => project(lon!, lat!))
    for (let i = 0; i < positions.length; i++) {
      const d = distance(q.pointer, screen[i]!)
      if (d <= q.tolerancePx && (!vertex || d < vertex.d)) vertex = { at: positions[i]!, d }
      if (i === 0) continue
      // the closest point of the edge, interpolated in lon/lat so it lies on the stored edge
      const [a, b] = [positions[i - 1]!, positions[i]!]
      const t = along(q.pointer, screen[i - 1]!, screen[i]!)
      const at = [a[0]! + t * (b[0]! - a[0]!), a[1]! + t * (b[1]! - a[1]!)]
      const onScreen = {
        x: screen[i - 1]!.x + t * (screen[i]!.x - screen[i - 1]!.x),
        y: screen[i - 1]!.y + t * (screen[i]!.y - screen[i - 1]!.y),
      }
      const de = distance(q.pointer, onScreen)
      if (de <= q.tolerancePx && (!edge || de < edge.d)) edge = { at, d: de }
    }
  }
  // a vertex in reach wins over a nearer edge: corners are what surveys share
  return vertex?.at ?? edge?.at
}

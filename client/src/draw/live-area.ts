// The area of an outline while it is drawn, the very figure the server will
// store: ellipsoidal on the CGCS2000 ellipsoid (Karney's algorithm, as
// PostGIS computes ST_Area(geography)), never a Web-Mercator area.
import type { MultiPolygon, Polygon, Position } from 'geojson'
import { areaM2, M2_PER_MU } from '../../../server/src/domain/ellipsoidal-area.ts'

export interface LiveArea {
  m2: number
  mu: number
}

/** Distinct positions of a ring, closed or not. */
function distinct(ring: readonly Position[]): number {
  return new Set(ring.map(([lon, lat]) => `${lon},${lat}`)).size
}

/** The outline's area, or null while it has fewer than three distinct points. */
export function liveArea(outline: Polygon | MultiPolygon): LiveArea | null {
  const shells =
    outline.type === 'Polygon' ? [outline.coordinates[0]] : outline.coordinates.map((p) => p[0])
  if (!shells.some((ring) => ring !== undefined && distinct(ring) >= 3)) return null
  const m2 = areaM2(outline)
  return { m2, mu: m2 / M2_PER_MU }
}

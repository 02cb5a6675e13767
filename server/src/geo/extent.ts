/**
 * Jimo district lies within about 120.2–120.9°E, 36.2–36.6°N (CGCS2000,
 * EPSG:4490). Coordinates are accepted within this box, which adds a margin
 * of ~0.1° for the coast and the district's ragged edge; anything outside it
 * is metres given as degrees, swapped axes or another place altogether.
 */
export const JIMO_BOUNDS = { minLon: 120.1, minLat: 36.1, maxLon: 121.0, maxLat: 36.7 } as const

export function insideJimo(lon: number, lat: number): boolean {
  const b = JIMO_BOUNDS
  return lon >= b.minLon && lon <= b.maxLon && lat >= b.minLat && lat <= b.maxLat
}

/** 1 亩 = 10000/15 m² (DOMAIN.md). */
export const M2_PER_MU = 10000 / 15

export function m2ToMu(m2: number): number {
  return (m2 * 15) / 10000
}

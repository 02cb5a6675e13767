import { AppError, quote } from '../errors/app-error.ts'
import { insideJimo } from '../geo/extent.ts'

export type Position = [number, number]
export type MultiPolygonCoordinates = Position[][][]

/** A parcel geometry accepted for storage: always a MultiPolygon in EPSG:4490. */
export interface ParcelGeometry {
  type: 'MultiPolygon'
  coordinates: MultiPolygonCoordinates
}

export const MAX_VERTICES = 100_000

/**
 * Checks the structure of a GeoJSON geometry for a parcel: type, finite
 * numbers, closed rings of four or more positions, and every coordinate inside
 * Jimo. Validity proper (self-intersections, holes) is PostGIS's verdict, see
 * store.ts. Throws the first problem found, naming where it is.
 */
export function parseParcelGeometry(geometry: unknown): ParcelGeometry {
  if (typeof geometry !== 'object' || geometry === null || Array.isArray(geometry)) {
    throw new AppError('invalid_feature', { reason: 'geometry must be an object' })
  }
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown }
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    throw new AppError('invalid_geometry_type', { type: typeof type === 'string' ? type : quote(type) })
  }
  const polygons = type === 'Polygon' ? [coordinates] : coordinates
  if (!Array.isArray(polygons) || polygons.length === 0) {
    throw new AppError('invalid_coordinates', { path: 'coordinates', reason: 'an empty or missing array' })
  }
  const counter = { vertices: 0 }
  const prefix = type === 'Polygon' ? 'coordinates' : 'coordinates[$]'
  polygons.forEach((polygon, p) => checkPolygon(polygon, prefix.replace('$', String(p)), counter))
  return { type: 'MultiPolygon', coordinates: polygons as MultiPolygonCoordinates }
}

function checkPolygon(polygon: unknown, path: string, counter: { vertices: number }): void {
  if (!Array.isArray(polygon) || polygon.length === 0) {
    throw new AppError('invalid_coordinates', { path, reason: 'a polygon needs at least one ring' })
  }
  polygon.forEach((ring, r) => checkRing(ring, `${path}[${r}]`, counter))
}

function checkRing(ring: unknown, path: string, counter: { vertices: number }): void {
  if (!Array.isArray(ring) || ring.length < 4) {
    throw new AppError('invalid_coordinates', { path, reason: 'a ring needs at least 4 positions' })
  }
  ring.forEach((position, i) => checkPosition(position, `${path}[${i}]`))
  const first = ring[0] as Position
  const last = ring[ring.length - 1] as Position
  if (first[0] !== last[0] || first[1] !== last[1]) {
    throw new AppError('invalid_coordinates', { path, reason: 'the ring is not closed (first position ≠ last)' })
  }
  counter.vertices += ring.length
  if (counter.vertices > MAX_VERTICES) {
    throw new AppError('too_many_vertices', { count: `>${MAX_VERTICES}`, limit: MAX_VERTICES })
  }
}

function checkPosition(position: unknown, path: string): void {
  if (!Array.isArray(position) || position.length < 2 || position.length > 3) {
    throw new AppError('invalid_coordinates', { path, reason: 'a position is [longitude, latitude]' })
  }
  const [lon, lat] = position as unknown[]
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) {
    throw new AppError('invalid_coordinates', { path, reason: `not finite numbers: ${quote(position)}` })
  }
  if (!insideJimo(lon, lat)) throw new AppError('outside_district', { lon, lat })
}

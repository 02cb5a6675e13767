// The Web Mercator tile grid (EPSG:3857, the OGC WebMercatorQuad tile matrix
// set) and the conversion of CGCS2000 lon/lat into tile coordinates.
//
// CGCS2000 and WGS 84 agree to a few centimetres in Jimo, far below a tile
// unit even at zoom 22 (~0.9 cm at the equator, ~0.7 cm here), so stored
// EPSG:4490 degrees are projected as if WGS 84, as ST_Transform does.
import { AppError } from '../errors/app-error.ts'

/** Tile units per side, as ST_AsMVT uses by default. */
export const EXTENT = 4096
/** Geometry kept beyond the tile edge, in tile units, so strokes join across tiles. */
export const BUFFER = 64
export const MAX_ZOOM = 22

export interface TileId {
  z: number
  x: number
  y: number
}

export function parseTile(z: string, x: string, y: string): TileId {
  const tile = { z: Number(z), x: Number(x), y: Number(y) }
  const fail = (reason: string) => new AppError('invalid_tile', { z, x, y, reason })
  if (![z, x, y].every((part) => /^\d{1,8}$/.test(part))) throw fail('z, x and y are whole numbers')
  if (tile.z > MAX_ZOOM) throw fail(`zoom is at most ${MAX_ZOOM}`)
  const size = 2 ** tile.z
  if (tile.x >= size || tile.y >= size) throw fail(`x and y are below ${size} at zoom ${tile.z}`)
  return tile
}

const lonOf = (column: number, size: number) => (column / size) * 360 - 180
const latOf = (row: number, size: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * row) / size))) * 180) / Math.PI

/**
 * The tile with its buffer as a lon/lat box [minLon, minLat, maxLon, maxLat]
 * (EPSG:4490 degrees). Web Mercator keeps meridians and parallels straight,
 * so the box in degrees is exactly the tile.
 */
export function tileBounds({ z, x, y }: TileId): [number, number, number, number] {
  const size = 2 ** z
  const b = BUFFER / EXTENT
  const maxLat = Math.min(85.0511287798, latOf(y - b, size))
  const minLat = Math.max(-85.0511287798, latOf(y + 1 + b, size))
  return [Math.max(-180, lonOf(x - b, size)), minLat, Math.min(180, lonOf(x + 1 + b, size)), maxLat]
}

/** Degrees of longitude per tile unit at zoom z: the simplification tolerance. */
export function unitDegrees(z: number): number {
  return 360 / (2 ** z * EXTENT)
}

/** The tile of zoom z that holds a lon/lat point (degrees); y counts down from the north. */
export function tileAt(lon: number, lat: number, z: number): TileId {
  const size = 2 ** z
  const phi = (lat * Math.PI) / 180
  const row = ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * size
  return { z, x: Math.floor(((lon + 180) / 360) * size), y: Math.floor(row) }
}

/** Projects lon/lat (degrees) to integer tile coordinates, y down. */
export function project(lon: number, lat: number, { z, x, y }: TileId): [number, number] {
  const size = 2 ** z
  const phi = (lat * Math.PI) / 180
  const mercatorY = (1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2
  return [Math.round(((lon + 180) / 360) * size * EXTENT - x * EXTENT), Math.round(mercatorY * size * EXTENT - y * EXTENT)]
}

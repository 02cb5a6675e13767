import type { Geometry, Position } from 'geojson'
import type { Bbox } from '../api/parcels.ts'

function positions(geometry: Geometry): Position[] {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates]
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates
    case 'MultiLineString':
    case 'Polygon':
      return geometry.coordinates.flat()
    case 'MultiPolygon':
      return geometry.coordinates.flat(2)
    case 'GeometryCollection':
      return geometry.geometries.flatMap(positions)
  }
}

/** The box [minLon, minLat, maxLon, maxLat] around geometries; null when they have no position. */
export function bboxOf(...geometries: (Geometry | null | undefined)[]): Bbox | null {
  let box: Bbox | null = null
  for (const geometry of geometries) {
    if (!geometry) continue
    for (const [x, y] of positions(geometry)) {
      if (x === undefined || y === undefined) continue
      if (!box) box = [x, y, x, y]
      else box = [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)]
    }
  }
  return box
}

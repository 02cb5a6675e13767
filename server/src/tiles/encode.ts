// Turns clipped lon/lat GeoJSON geometries into Mapbox Vector Tile features
// (spec 2.1) and the tile's bytes, for the embedded database only: its
// PostGIS has no ST_AsMVT (built without protobuf-c). The PostGIS server
// encodes its tiles itself (mvt.ts) with the same features, properties and
// grid; test/http/ogc-tiles.test.ts holds the two to the same contents.
import { fromGeojsonVt } from '@maplibre/vt-pbf'
import type { Geometry, Position } from 'geojson'
import type { TileProperties } from '../ogc/collections.ts'
import { EXTENT, project, type TileId } from './grid.ts'

type Point = [number, number]

/** A feature as vt-pbf takes it: 1 points, 2 lines, 3 polygons (rings of all parts in a row). */
export interface TileFeature {
  id: number
  type: 1 | 2 | 3
  geometry: Point[] | Point[][]
  tags: TileProperties
}

/** Projects and drops repeated positions (several degrees-positions fall in one tile unit). */
function projectLine(line: Position[], tile: TileId): Point[] {
  const out: Point[] = []
  for (const position of line) {
    const point = project(position[0]!, position[1]!, tile)
    const last = out[out.length - 1]
    if (!last || last[0] !== point[0] || last[1] !== point[1]) out.push(point)
  }
  return out
}

/** The surveyor's formula in tile coordinates (y down), doubled. */
function signedArea(ring: Point[]): number {
  let sum = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1]
  }
  return sum
}

/**
 * A polygon's rings in tile units. MVT 2.1 (4.3.4.4) defines an exterior ring
 * by a positive area in tile coordinates and an interior one by a negative
 * area, whatever order GeoJSON had; a ring that snapped to nothing is
 * dropped, and with its exterior ring, its holes.
 */
function polygonRings(polygon: Position[][], tile: TileId): Point[][] {
  const rings: Point[][] = []
  for (const [index, ring] of polygon.entries()) {
    const points = projectLine(ring, tile)
    if (points.length < 4) {
      if (index === 0) return []
      continue
    }
    const area = signedArea(points)
    if (area === 0) {
      if (index === 0) return []
      continue
    }
    const exterior = index === 0
    rings.push(exterior === area > 0 ? points : points.reverse())
  }
  return rings
}

/** Points, lines and polygons of a geometry, each kind gathered (collections are split). */
function parts(geometry: Geometry, tile: TileId, into: { 1: Point[]; 2: Point[][]; 3: Point[][] }): void {
  switch (geometry.type) {
    case 'Point':
      into[1].push(project(geometry.coordinates[0]!, geometry.coordinates[1]!, tile))
      break
    case 'MultiPoint':
      for (const p of geometry.coordinates) into[1].push(project(p[0]!, p[1]!, tile))
      break
    case 'LineString':
      into[2].push(projectLine(geometry.coordinates, tile))
      break
    case 'MultiLineString':
      for (const line of geometry.coordinates) into[2].push(projectLine(line, tile))
      break
    case 'Polygon':
      into[3].push(...polygonRings(geometry.coordinates, tile))
      break
    case 'MultiPolygon':
      for (const polygon of geometry.coordinates) into[3].push(...polygonRings(polygon, tile))
      break
    case 'GeometryCollection':
      for (const member of geometry.geometries) parts(member, tile, into)
      break
  }
}

/**
 * The tile features of one geometry: one per kind present, polygons first
 * (a finding may be a collection of a piece and a line).
 */
export function tileFeatures(id: number, geometry: Geometry, tags: TileProperties, tile: TileId): TileFeature[] {
  const found = { 1: [] as Point[], 2: [] as Point[][], 3: [] as Point[][] }
  parts(geometry, tile, found)
  const features: TileFeature[] = []
  if (found[3].length > 0) features.push({ id, type: 3, geometry: found[3], tags })
  const lines = found[2].filter((line) => line.length >= 2)
  if (lines.length > 0) features.push({ id, type: 2, geometry: lines, tags })
  if (found[1].length > 0) features.push({ id, type: 1, geometry: found[1], tags })
  return features
}

type VtTile = Parameters<typeof fromGeojsonVt>[0][string]

/** The tile's protobuf bytes: a layer named after the collection, and any others given. */
export function encodeTile(layers: Record<string, TileFeature[]>): Uint8Array {
  // vt-pbf's types name geojson-vt's tile; the shape it reads is { features }
  const tiles: Record<string, VtTile> = {}
  for (const [name, features] of Object.entries(layers)) tiles[name] = { features } as unknown as VtTile
  return fromGeojsonVt(tiles, { version: 2, extent: EXTENT })
}

// GeoJSON geometry → EWKB (little-endian, 2-D, with SRID), the form PostGIS
// parses fastest: as bytes in a binary COPY, or as hex in `'<hex>'::geometry`,
// several times faster than ST_GeomFromGeoJSON over jsonb (STACK.md, "Fast
// paths").
// Only x and y are written; a third coordinate is dropped as the 2-D
// parcel and zone columns would drop it.
import type { Geometry, Position } from 'geojson'

const TYPE_CODES = {
  Point: 1,
  LineString: 2,
  Polygon: 3,
  MultiPoint: 4,
  MultiLineString: 5,
  MultiPolygon: 6,
  GeometryCollection: 7,
} as const

/** EWKB flag: an SRID follows the type. */
const HAS_SRID = 0x20000000

class WkbWriter {
  constructor(
    private view: DataView,
    public offset = 0,
  ) {}

  header(type: Geometry['type'], srid?: number): void {
    this.view.setUint8(this.offset, 1)
    this.view.setUint32(this.offset + 1, TYPE_CODES[type] | (srid === undefined ? 0 : HAS_SRID), true)
    this.offset += 5
    if (srid !== undefined) this.uint32(srid)
  }

  uint32(value: number): void {
    this.view.setUint32(this.offset, value, true)
    this.offset += 4
  }

  point(p: Position): void {
    this.view.setFloat64(this.offset, p[0]!, true)
    this.view.setFloat64(this.offset + 8, p[1]!, true)
    this.offset += 16
  }

  points(points: readonly Position[]): void {
    this.uint32(points.length)
    for (let i = 0; i < points.length; i++) this.point(points[i]!)
  }
}

/** Bytes of a geometry's WKB (without SRID): 5 of header, then counts and 16 bytes a point. */
function size(g: Geometry): number {
  switch (g.type) {
    case 'Point':
      return 21
    case 'LineString':
    case 'MultiPoint':
      return 9 + (g.type === 'MultiPoint' ? 21 : 16) * g.coordinates.length
    case 'Polygon':
      return 9 + g.coordinates.reduce((n, ring) => n + 4 + 16 * ring.length, 0)
    case 'MultiLineString':
      return 9 + g.coordinates.reduce((n, line) => n + 9 + 16 * line.length, 0)
    case 'MultiPolygon':
      return 9 + g.coordinates.reduce((n, p) => n + 9 + p.reduce((m, ring) => m + 4 + 16 * ring.length, 0), 0)
    case 'GeometryCollection':
      return 9 + g.geometries.reduce((n, part) => n + size(part), 0)
  }
}

function write(w: WkbWriter, g: Geometry, srid?: number): void {
  w.header(g.type, srid)
  switch (g.type) {
    case 'Point':
      w.point(g.coordinates)
      return
    case 'LineString':
      w.points(g.coordinates)
      return
    case 'Polygon':
      w.uint32(g.coordinates.length)
      for (const ring of g.coordinates) w.points(ring)
      return
    case 'MultiPoint':
    case 'MultiLineString':
    case 'MultiPolygon':
      w.uint32(g.coordinates.length)
      for (const part of g.coordinates) write(w, partOf(g.type, part))
      return
    case 'GeometryCollection':
      w.uint32(g.geometries.length)
      for (const part of g.geometries) write(w, part)
  }
}

function partOf(type: 'MultiPoint' | 'MultiLineString' | 'MultiPolygon', coordinates: unknown): Geometry {
  if (type === 'MultiPoint') return { type: 'Point', coordinates: coordinates as Position }
  if (type === 'MultiLineString') return { type: 'LineString', coordinates: coordinates as Position[] }
  return { type: 'Polygon', coordinates: coordinates as Position[][] }
}

/** Bytes of a geometry's EWKB with an SRID. */
export function ewkbSize(geometry: Geometry): number {
  return size(geometry) + 4
}

/** Writes a geometry's EWKB with its SRID at `offset`; returns the offset after it. */
export function writeEwkb(view: DataView, offset: number, geometry: Geometry, srid: number): number {
  const w = new WkbWriter(view, offset)
  write(w, geometry, srid)
  return w.offset
}

/** Hex EWKB of a GeoJSON geometry with its SRID, e.g. for `$1::geometry`. */
export function toHexEwkb(geometry: Geometry, srid: number): string {
  const bytes = new Uint8Array(ewkbSize(geometry))
  writeEwkb(new DataView(bytes.buffer), 0, geometry, srid)
  return Buffer.from(bytes.buffer).toString('hex')
}

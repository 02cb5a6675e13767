// The coordinate reference systems the OGC API offers (Features Part 2), by
// their OGC URIs, with the SRID PostGIS knows them by and their axis order.
//
// Part 2 puts coordinates in the axis order the CRS authority defines, except
// CRS84, which is longitude first by definition. EPSG:4490 is latitude,
// longitude; the CGCS2000 Gauss-Krüger systems EPSG:4549 and EPSG:4528 are
// northing (X), easting (Y); EPSG:3857 is easting, northing. GDAL's OAPIF
// driver reads them that way and reports them in GIS order again.
//
// The parcels are stored in EPSG:4490. CRS84 (WGS 84) and CGCS2000 agree to a
// few centimetres here, so CRS84 output is the stored lon/lat, untransformed.
import { AppError } from '../errors/app-error.ts'

export interface OgcCrs {
  uri: string
  /** The SRID of spatial_ref_sys; CRS84 is served as the stored 4490 lon/lat. */
  srid: 4490 | 4549 | 4528 | 3857
  /** The first axis is north (latitude or northing): coordinates are swapped. */
  northFirst: boolean
  /** Decimals written: 9 for degrees (0.1 mm), 3 for metres (1 mm). */
  decimals: number
}

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'
const epsg = (code: number) => `http://www.opengis.net/def/crs/EPSG/0/${code}`

export const CRSES: readonly OgcCrs[] = [
  { uri: CRS84, srid: 4490, northFirst: false, decimals: 9 },
  { uri: epsg(4490), srid: 4490, northFirst: true, decimals: 9 },
  { uri: epsg(4549), srid: 4549, northFirst: true, decimals: 3 },
  { uri: epsg(4528), srid: 4528, northFirst: true, decimals: 3 },
  { uri: epsg(3857), srid: 3857, northFirst: false, decimals: 3 },
]

export const STORAGE_CRS = epsg(4490)
export const CRS_URIS = CRSES.map((c) => c.uri)

/**
 * Finds a CRS by its URI. The safe CURIE `[EPSG:4490]` and `EPSG:4490` are
 * taken too, as some clients send them.
 */
export function parseCrs(value: string, field: string): OgcCrs {
  const curie = /^\[?(EPSG|OGC):(\w+)\]?$/i.exec(value.trim())
  const uri = curie
    ? curie[1]!.toUpperCase() === 'OGC' ? CRS84 : epsg(Number(curie[2]))
    : value.trim().replace(/^https:/, 'http:')
  const found = CRSES.find((c) => c.uri === uri)
  if (!found) throw new AppError('ogc_unsupported_crs', { field, value: value.slice(0, 100), allowed: CRS_URIS.join(', ') })
  return found
}

export const DEFAULT_CRS = CRSES[0]!

/**
 * SQL turning a stored EPSG:4490 geometry expression into the CRS asked for,
 * axes in that CRS's order, as GeoJSON text.
 */
export function geometrySql(geom: string, crs: OgcCrs): string {
  let expr = crs.srid === 4490 ? geom : `ST_Transform(${geom}, ${crs.srid})`
  if (crs.northFirst) expr = `ST_FlipCoordinates(${expr})`
  return `ST_AsGeoJSON(${expr}, ${crs.decimals}, 0)`
}

/** The four numbers of a bbox as lower x, lower y, upper x, upper y in GIS order (east first). */
export function bboxInGisOrder(numbers: number[], crs: OgcCrs): [number, number, number, number] {
  const [a, b, c, d] = numbers as [number, number, number, number]
  return crs.northFirst ? [b, a, d, c] : [a, b, c, d]
}

/**
 * A bbox given in `crs` (GIS order, see bboxInGisOrder) as SQL for an
 * EPSG:4490 polygon, with `?` for each value. Projected boxes are densified
 * first (100 points a side), so their edges stay the projection's straight
 * lines once in degrees.
 */
export function bboxPolygonSql(crs: OgcCrs, box: number[]): { sql: string; values: number[] } {
  const [minX, minY, maxX, maxY] = box as [number, number, number, number]
  const envelope = `ST_MakeEnvelope(?, ?, ?, ?, ${crs.srid})`
  if (crs.srid === 4490) return { sql: envelope, values: [minX, minY, maxX, maxY] }
  const step = Math.max(maxX - minX, maxY - minY) / 100 || 1
  return {
    sql: `ST_Transform(ST_Segmentize(${envelope}, ?::float8), 4490)`,
    values: [minX, minY, maxX, maxY, step],
  }
}

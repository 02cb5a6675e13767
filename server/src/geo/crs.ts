// Coordinate reference systems the district's data arrives in, and
// conversions between them with proj4.
//
// CGCS2000 uses the GRS80 ellipsoid parameters (a = 6378137,
// f = 1/298.257222101); PROJ itself writes EPSG:4490 as `+ellps=GRS80`, and
// CGCS2000 coincides with WGS 84 to a few centimetres, so no datum shift.
import proj4 from 'proj4'

export type Epsg = 4490 | 4549 | 4528

/** lon/lat or easting/northing, in that order (never latitude first). */
export type XY = [number, number]

/** proj4 definitions, as `projinfo -o PROJ EPSG:n` prints them. */
export const PROJ4_DEFS: Readonly<Record<Epsg, string>> = {
  // CGCS2000 geographic, degrees
  4490: '+proj=longlat +ellps=GRS80 +no_defs',
  // CGCS2000 / 3-degree Gauss-Kruger CM 120E, metres, no zone prefix
  4549: '+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs',
  // CGCS2000 / 3-degree Gauss-Kruger zone 40: eastings prefixed by 40
  4528: '+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=40500000 +y_0=0 +ellps=GRS80 +units=m +no_defs',
}

const GCS_CGCS2000 =
  'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",' +
  'DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],' +
  'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'

function gaussKrugerWkt(name: string, falseEasting: string): string {
  return (
    `PROJCS["${name}",${GCS_CGCS2000},PROJECTION["Gauss_Kruger"],` +
    `PARAMETER["False_Easting",${falseEasting}],` +
    'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],' +
    'PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],' +
    'UNIT["Meter",1.0]]'
  )
}

/**
 * ESRI WKT for a Shapefile's .prj, on one line, the text ArcGIS writes (and
 * `gdalsrsinfo -o wkt_esri EPSG:n` prints).
 */
export const ESRI_WKT: Readonly<Record<Epsg, string>> = {
  4490: GCS_CGCS2000,
  4549: gaussKrugerWkt('CGCS2000_3_Degree_GK_CM_120E', '500000.0'),
  4528: gaussKrugerWkt('CGCS2000_3_Degree_GK_Zone_40', '40500000.0'),
}

// Per process, like every cache of the server: a converter depends only on the
// two fixed CRS definitions, so all processes build the same one.
const converters = new Map<string, proj4.Converter>()

function converter(from: Epsg, to: Epsg): proj4.Converter {
  const key = `${from}>${to}`
  let found = converters.get(key)
  if (!found) {
    found = proj4(PROJ4_DEFS[from], PROJ4_DEFS[to])
    converters.set(key, found)
  }
  return found
}

/** One position from `from` to `to`; x (longitude or easting) first. */
export function toEpsg(xy: readonly number[], from: Epsg, to: Epsg): XY {
  if (from === to) return [xy[0] ?? NaN, xy[1] ?? NaN]
  const [x, y] = converter(from, to).forward([xy[0] ?? NaN, xy[1] ?? NaN])
  return [x, y]
}

/** Nested coordinate arrays of any depth (a GeoJSON `coordinates`). */
export type Coordinates = number[] | Coordinates[]

/** Reproject GeoJSON-style nested coordinates, keeping their nesting. */
export function reprojectCoordinates<T extends Coordinates>(coords: T, from: Epsg, to: Epsg): T {
  if (typeof coords[0] === 'number') return toEpsg(coords as number[], from, to) as unknown as T
  return (coords as Coordinates[]).map((c) => reprojectCoordinates(c, from, to)) as T
}

export function isEpsg(value: number): value is Epsg {
  return value in PROJ4_DEFS
}

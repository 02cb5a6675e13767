// Which coordinate reference system an uploaded layer is in: from a .prj
// (ESRI or OGC WKT), a GeoJSON "crs" member, an EPSG code the user gives,
// or, failing those, the coordinates themselves. And the transformation
// from it to CGCS2000 lon/lat (EPSG:4490).
//
// CGCS2000 and WGS 84 agree to well under a metre here (both realise the
// ITRF; they drift apart by a few cm a year with the plate), so data in WGS
// 84 or in any CRS proj4 reaches through WGS 84 is taken as EPSG:4490
// without a shift: good at the metre level, which is what such sources
// carry anyway.
import proj4 from 'proj4'
import { AppError, quote } from '../errors/app-error.ts'
import { PROJ4_DEFS } from '../geo/crs.ts'
import { child, childrenOf, epsgOf, parseWkt, type WktNode } from './wkt.ts'

export interface SourceCrs {
  /** EPSG code; 0 for a WKT that names none */
  srid: number
  name: string
  /** a proj4 definition: a PROJ string, or the WKT itself */
  def: string
  geographic: boolean
  warnings: string[]
}

interface KnownCrs {
  name: string
  def: string
  geographic: boolean
  warning?: string
}

const TMERC = (lon0: number, x0: number, ellps: string) =>
  `+proj=tmerc +lat_0=0 +lon_0=${lon0} +k=1 +x_0=${x0} +y_0=0 ${ellps} +units=m +no_defs`

// Beijing 1954 → WGS 84: EPSG:15919, "Beijing 1954 to WGS 84 (2)", for the
// Yellow Sea (Huang Hai), stated accuracy 15 m; position-vector convention,
// as proj4's +towgs84 takes it.
const BEIJING_1954 = '+ellps=krass +towgs84=15.53,-113.82,-41.38,0,0,0.814,-0.38'
// Xi'an 1980 (IAG 1975 ellipsoid, PROJ's IAU76): EPSG has no transformation
// to WGS 84 or CGCS2000, and the local ones are not public; only the
// ellipsoid changes.
const XIAN_1980 = '+ellps=IAU76'
const CGCS2000 = '+ellps=GRS80'

const BEIJING_WARNING =
  'Beijing 1954 is converted with the published EPSG:15919 shift (Yellow Sea, stated ' +
  'accuracy 15 m); the result can be off by 10–20 m: obtain the data in CGCS2000 for survey accuracy'
const XIAN_WARNING =
  "Xi'an 1980 has no public transformation to CGCS2000: only the ellipsoid is changed, and " +
  'the result can be off by tens of metres; obtain the data in CGCS2000 for survey accuracy'

type DatumFamily = 'cgcs2000' | 'xian1980' | 'beijing1954'

/** EPSG codes of the first of each run of Gauss-Krüger CRSs on one datum. */
interface GkCodes {
  /** 3° zones 25–45, eastings prefixed by the zone */
  zone3: number
  /** 3° central meridians 75–135°E, no prefix */
  cm3: number
  /** 6° zones 13–23, prefixed */
  zone6: number
  /** 6° central meridians 75–135°E, no prefix */
  cm6: number
}

interface Family {
  label: string
  ellps: string
  warning?: string
  codes: GkCodes
  /** the EPSG code of the geographic CRS */
  geographic: number
}

const FAMILIES: Readonly<Record<DatumFamily, Family>> = {
  cgcs2000: {
    label: 'CGCS2000',
    ellps: CGCS2000,
    codes: { zone3: 4513, cm3: 4534, zone6: 4491, cm6: 4502 },
    geographic: 4490,
  },
  xian1980: {
    label: 'Xian 1980',
    ellps: XIAN_1980,
    warning: XIAN_WARNING,
    codes: { zone3: 2349, cm3: 2370, zone6: 2327, cm6: 2338 },
    geographic: 4610,
  },
  beijing1954: {
    label: 'Beijing 1954',
    ellps: BEIJING_1954,
    warning: BEIJING_WARNING,
    codes: { zone3: 2401, cm3: 2422, zone6: 21413, cm6: 21453 },
    geographic: 4214,
  },
}

/** Every CRS an EPSG code may name here, built once. */
const KNOWN: ReadonlyMap<number, KnownCrs> = buildKnown()

function buildKnown(): Map<number, KnownCrs> {
  const known = new Map<number, KnownCrs>()
  known.set(4490, { name: 'CGCS2000', def: PROJ4_DEFS[4490], geographic: true })
  known.set(4326, { name: 'WGS 84', def: '+proj=longlat +datum=WGS84 +no_defs', geographic: true })
  known.set(4610, {
    name: 'Xian 1980',
    def: `+proj=longlat ${XIAN_1980} +no_defs`,
    geographic: true,
    warning: XIAN_WARNING,
  })
  known.set(4214, {
    name: 'Beijing 1954',
    def: `+proj=longlat ${BEIJING_1954} +no_defs`,
    geographic: true,
    warning: BEIJING_WARNING,
  })
  known.set(3857, { name: 'WGS 84 / Pseudo-Mercator', def: 'EPSG:3857', geographic: false })
  for (const family of Object.values(FAMILIES)) addGaussKruger(known, family)
  return known
}

function addGaussKruger(known: Map<number, KnownCrs>, family: Family): void {
  const { label, ellps, warning, codes } = family
  const add = (code: number, name: string, lon0: number, x0: number) =>
    known.set(code, {
      name: `${label} / ${name}`,
      def: TMERC(lon0, x0, ellps),
      geographic: false,
      warning,
    })
  for (let zone = 25; zone <= 45; zone++) {
    add(
      codes.zone3 + zone - 25,
      `3-degree Gauss-Kruger zone ${zone}`,
      zone * 3,
      zone * 1e6 + 500000,
    )
    add(codes.cm3 + zone - 25, `3-degree Gauss-Kruger CM ${zone * 3}E`, zone * 3, 500000)
  }
  for (let zone = 13; zone <= 23; zone++) {
    add(codes.zone6 + zone - 13, `Gauss-Kruger zone ${zone}`, zone * 6 - 3, zone * 1e6 + 500000)
    add(codes.cm6 + zone - 13, `Gauss-Kruger CM ${zone * 6 - 3}E`, zone * 6 - 3, 500000)
  }
}

/** The CRS of an EPSG code we can transform from, or undefined. */
export function knownCrs(srid: number): SourceCrs | undefined {
  const known = KNOWN.get(srid)
  if (!known) return undefined
  return {
    srid,
    name: known.name,
    def: known.def,
    geographic: known.geographic,
    warnings: known.warning ? [known.warning] : [],
  }
}

export function givenCrs(srid: number): SourceCrs {
  const crs = knownCrs(srid)
  if (!crs) throw new AppError('unsupported_crs', { crs: `EPSG:${srid}`, source: 'srid' })
  return crs
}

export type PrjReading = { ok: true; crs: SourceCrs } | { ok: false; reason: string }

/**
 * The CRS a .prj describes. Text that is not WKT at all (a web server's
 * HTML error page saved as .prj) is reported, not thrown, so the caller can
 * fall back to the coordinates; WKT naming a CRS we cannot transform from
 * throws unsupported_crs.
 */
export function crsFromPrj(text: string, member: string): PrjReading {
  const tree = parseWkt(text.replace(/^\uFEFF/, ''))
  if (!tree) {
    return {
      ok: false,
      reason: `${member} is not WKT (starts ${JSON.stringify(text.trim().slice(0, 20))})`,
    }
  }
  const node = horizontal(tree)
  const name = String((node ?? tree).values[0] ?? tree.keyword)
  if (!node) throw new AppError('unsupported_crs', { crs: quote(name), source: member })
  const crs = matchKnown(node) ?? viaProj4(text, node, name, member)
  return { ok: true, crs }
}

const PROJECTED = ['PROJCS', 'PROJCRS', 'PROJECTEDCRS']
const GEOGRAPHIC = [
  'GEOGCS',
  'GEOGCRS',
  'GEODCRS',
  'GEOGRAPHICCRS',
  'GEODETICCRS',
  'BASEGEOGCRS',
  'BASEGEODCRS',
]

/** The horizontal CRS: itself, or the first part of a compound or bound CRS. */
function horizontal(node: WktNode): WktNode | undefined {
  if (PROJECTED.includes(node.keyword) || GEOGRAPHIC.includes(node.keyword)) return node
  if (['COMPD_CS', 'COMPOUNDCRS'].includes(node.keyword)) {
    const first = node.children.find(
      (c) => PROJECTED.includes(c.keyword) || GEOGRAPHIC.includes(c.keyword),
    )
    return first && horizontal(first)
  }
  const source = child(node, 'SOURCECRS')?.children[0]
  return source ? horizontal(source) : undefined
}

function matchKnown(node: WktNode): SourceCrs | undefined {
  const epsg = epsgOf(node)
  if (epsg !== null && KNOWN.has(epsg)) return knownCrs(epsg)
  const projected = PROJECTED.includes(node.keyword)
  const geog = projected ? child(node, ...GEOGRAPHIC) : node
  const family = datumFamily(geog)
  if (!projected) {
    if (family) return knownCrs(FAMILIES[family].geographic)
    return isWgs84(geog) ? knownCrs(4326) : undefined
  }
  if (!family) return undefined
  const srid = gaussKrugerCode(node, family)
  return srid === undefined ? undefined : knownCrs(srid)
}

interface Ellipsoid {
  name: string
  a: number
  rf: number
}

function ellipsoidOf(geog: WktNode | undefined): Ellipsoid | undefined {
  const datum = child(geog, 'DATUM', 'GEODETICDATUM', 'TRF')
  const sph = child(datum, 'SPHEROID', 'ELLIPSOID')
  if (!sph) return undefined
  return { name: String(sph.values[0]), a: Number(sph.values[1]), rf: Number(sph.values[2]) }
}

/** Names of the CRS, its datum and ellipsoid, for matching by words. */
function datumWords(geog: WktNode | undefined): string {
  const datum = child(geog, 'DATUM', 'GEODETICDATUM', 'TRF')
  return [geog?.values[0], datum?.values[0], ellipsoidOf(geog)?.name].join(' ')
}

/**
 * CGCS2000, Xi'an 1980 or Beijing 1954, by datum name and ellipsoid size
 * (GRS80/CGCS2000 a = 6378137, IAG 1975 a = 6378140, Krassowsky
 * a = 6378245), so that ESRI's "D_China_2000" and OGC's "China_2000" or
 * "China Geodetic Coordinate System 2000" all match.
 */
function datumFamily(geog: WktNode | undefined): DatumFamily | undefined {
  const words = datumWords(geog)
  const a = ellipsoidOf(geog)?.a
  if (/china|cgcs/i.test(words) && a === 6378137) return 'cgcs2000'
  if (/xi.?an|1980/i.test(words) && a === 6378140) return 'xian1980'
  if (/beijing|1954/i.test(words) && a === 6378245) return 'beijing1954'
  return undefined
}

function isWgs84(geog: WktNode | undefined): boolean {
  const e = ellipsoidOf(geog)
  return (
    /wgs.?(19)?84/i.test(datumWords(geog)) &&
    e?.a === 6378137 &&
    Math.abs(e.rf - 298.257223563) < 1e-6
  )
}

/**
 * The EPSG code of a Gauss-Krüger projection on a Chinese datum, from its
 * parameters: transverse Mercator, scale 1, origin at the equator, metres,
 * a central meridian on the 3° or 6° grid, and a false easting of 500 km
 * with or without the zone number in front.
 */
function gaussKrugerCode(node: WktNode, family: DatumFamily): number | undefined {
  const method = String(
    child(node, 'PROJECTION')?.values[0] ??
      child(child(node, 'CONVERSION'), 'METHOD')?.values[0] ??
      '',
  )
  if (!/transverse.?mercator|gauss.?kr[uü]ger|tmerc/i.test(method)) return undefined
  const p = parameters(node)
  const cm = p.central_meridian ?? p.longitude_of_natural_origin ?? p.longitude_of_origin
  const fe = p.false_easting ?? 0
  const ok =
    (p.scale_factor ?? p.scale_factor_at_natural_origin ?? 1) === 1 &&
    (p.latitude_of_origin ?? p.latitude_of_natural_origin ?? 0) === 0 &&
    (p.false_northing ?? 0) === 0 &&
    linearUnit(node) === 1
  if (!ok || cm === undefined) return undefined
  const codes = FAMILIES[family].codes
  const sixDegree = !/3.?deg|3度/i.test(String(node.values[0])) && (cm + 3) % 6 === 0
  if (sixDegree && cm >= 75 && cm <= 135) {
    const zone = (cm + 3) / 6
    if (fe === 500000) return codes.cm6 + zone - 13
    if (fe === zone * 1e6 + 500000) return codes.zone6 + zone - 13
  }
  if (cm % 3 === 0 && cm >= 75 && cm <= 135) {
    const zone = cm / 3
    if (fe === 500000) return codes.cm3 + zone - 25
    if (fe === zone * 1e6 + 500000) return codes.zone3 + zone - 25
  }
  return undefined
}

/** PARAMETER["Central_Meridian",120] → { central_meridian: 120 }, WKT1 or WKT2. */
function parameters(node: WktNode): Record<string, number> {
  const holder = child(node, 'CONVERSION') ?? node
  const out: Record<string, number> = {}
  for (const p of childrenOf(holder, 'PARAMETER')) {
    const key = String(p.values[0])
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
    out[key] = Number(p.values[1])
  }
  return out
}

/** Metres per unit of the projected coordinates (1 when the WKT does not say). */
function linearUnit(node: WktNode): number {
  const unit = child(node, 'UNIT', 'LENGTHUNIT') ?? child(child(node, 'CS'), 'LENGTHUNIT')
  return unit ? Number(unit.values[1]) : 1
}

/** Any other CRS proj4 can read from the WKT (e.g. a US State Plane). */
function viaProj4(text: string, node: WktNode, name: string, member: string): SourceCrs {
  let parsed: { projName?: string; datum_params?: unknown; a?: number }
  try {
    parsed = proj4.Proj(text) as unknown as typeof parsed
    proj4(text, PROJ4_DEFS[4490]).forward([0, 0])
  } catch {
    throw new AppError('unsupported_crs', { crs: quote(name), source: member })
  }
  const warnings: string[] = []
  if (!parsed.datum_params && parsed.a !== 6378137) {
    warnings.push(
      `${name}: no datum shift to WGS 84 is known for its datum; only the ellipsoid is ` +
        'changed, which can be off by tens to hundreds of metres',
    )
  }
  const geographic = parsed.projName === 'longlat'
  return { srid: epsgOf(node) ?? 0, name, def: text, geographic, warnings }
}

/**
 * The CRS a GeoJSON "crs" member names (GeoJSON 2008; RFC 7946 dropped it
 * but GDAL and ArcGIS still write it), or null without one. Names such as
 * "urn:ogc:def:crs:EPSG::4490", "EPSG:4549" and
 * "urn:ogc:def:crs:OGC:1.3:CRS84" are understood.
 *
 * EPSG:4490 and EPSG:4326 officially put latitude first, but GeoJSON files
 * in practice (GDAL, ArcGIS, QGIS) write longitude first whatever the crs
 * says, so x is always read as longitude.
 */
export function crsFromGeoJson(member: unknown): SourceCrs | null {
  if (member === undefined || member === null) return null
  const props = (member as { properties?: Record<string, unknown> }).properties ?? {}
  const name = String(props.name ?? props.code ?? props.href ?? JSON.stringify(member))
  if (/crs:?84$/i.test(name)) return knownCrs(4326) as SourceCrs
  const match = /EPSG(?::+|\/(?:[\d.]+\/)?|:[\d.]+:)(\d+)$/i.exec(name) ?? /^(\d+)$/.exec(name)
  const crs = match ? knownCrs(Number(match[1])) : undefined
  if (!crs) {
    throw new AppError('unsupported_crs', { crs: quote(name), source: 'the GeoJSON "crs" member' })
  }
  return crs
}

export type Box = [number, number, number, number]

/**
 * The EPSG code the coordinates of a box suggest, or null:
 * - within ±180, ±90: CGCS2000 lon/lat (4490);
 * - eastings 200–800 km with northings 2,000–6,000 km (China): Gauss-Krüger
 *   without zone prefix, taken as CM 120E (4549), Jimo's;
 * - eastings with a zone number in front (40,500,000 ± 300 km): that zone,
 *   3° for zones 25–45 (4513–4533, Jimo's is 40: 4528), 6° for 13–23.
 */
export function sridOfBox(box: Box): number | null {
  const [minX, minY, maxX, maxY] = box
  if (minX >= -180 && maxX <= 180 && minY >= -90 && maxY <= 90) return 4490
  if (minY < 2e6 || maxY > 6e6) return null
  if (minX >= 2e5 && maxX <= 8e5) return 4549
  const zone = Math.floor(minX / 1e6)
  if (zone !== Math.floor(maxX / 1e6)) return null
  const rest = [minX - zone * 1e6, maxX - zone * 1e6]
  if ((rest[0] as number) < 2e5 || (rest[1] as number) > 8e5) return null
  if (zone >= 25 && zone <= 45) return 4513 + zone - 25
  if (zone >= 13 && zone <= 23) return 4491 + zone - 13
  return null
}

export interface Detection {
  srid: number
  /** features whose box agreed */
  agreeing: number
  total: number
}

/**
 * The CRS most feature boxes agree on, so one stray feature (a latitude of
 * 95, a point at 0 0) does not make the whole layer unknown: it is
 * reported on its own later. Null when no box looks like anything.
 */
export function detectSrid(boxes: readonly Box[]): Detection | null {
  const votes = new Map<number, number>()
  for (const box of boxes) {
    const srid = sridOfBox(box)
    if (srid !== null) votes.set(srid, (votes.get(srid) ?? 0) + 1)
  }
  let best: Detection | null = null
  for (const [srid, agreeing] of votes) {
    if (!best || agreeing > best.agreeing) best = { srid, agreeing, total: boxes.length }
  }
  return best
}

export function detectionWarnings(srid: number): string[] {
  if (srid === 4490) return []
  const name = KNOWN.get(srid)?.name ?? `EPSG:${srid}`
  return [
    `coordinates with no declared CRS read as ${name} (EPSG:${srid}), judged from their range; ` +
      "Xi'an 1980 or Beijing 1954 data, or another central meridian, would be misplaced: " +
      'give the srid if so',
  ]
}

// Per process: built from fixed CRS definitions only, the same in every process.
const converters = new Map<string, proj4.Converter>()

/** A function from the source CRS to EPSG:4490 lon/lat. */
export function toCgcs2000(crs: SourceCrs): (xy: readonly number[]) => [number, number] {
  if (crs.srid === 4490 || crs.srid === 4326) return (xy) => [xy[0] as number, xy[1] as number]
  let converter = converters.get(crs.def)
  if (!converter) {
    converter = proj4(crs.def, PROJ4_DEFS[4490])
    converters.set(crs.def, converter)
  }
  const c = converter
  return (xy) => {
    const [x, y] = c.forward([xy[0] as number, xy[1] as number])
    return [x, y]
  }
}

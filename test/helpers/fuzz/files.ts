// Files for POST /api/imports that a reader must refuse, or read without
// harm: GeoJSON files bent like the parcel bodies, CSV with broken WKT, and
// zipped Shapefiles broken at every level: the zip (cut short, bits flipped,
// lying sizes, bombs, path-traversal and duplicate names), its members (a
// header field of the .shp, .shx or .dbf set to an odd value, bits flipped,
// cut short, missing, doubled) and the .prj and .cpg text.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import type { Feature } from 'geojson'
import { ROOT } from '../../../server/src/config.ts'
import { writeShapefile, type ShapefileFiles } from '../../../server/src/export/shapefile.ts'
import { crc32 } from '../../../server/src/import/zip.ts'
import { baseFeature, mutateFeature, type Spot } from './features.ts'
import type { Random } from './random.ts'
import { brokenJson } from './text.ts'
import { json, oddString } from './values.ts'

export interface ImportFile {
  name: string
  bytes: Uint8Array
  fields: Record<string, string>
}

const encoder = new TextEncoder()

// Zip members -------------------------------------------------------------

export interface ZipMember {
  name: string | Uint8Array
  data: Uint8Array
  /** 0 stored, 8 deflate (default), or any other number to claim */
  method?: number
  /** what the headers claim instead of the truth */
  declaredSize?: number
  crc?: number
  flags?: number
}

/** A zip (APPNOTE 6.3.10) written by hand, so that its headers can lie. */
export function zip(members: readonly ZipMember[]): Uint8Array {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const member of members) {
    const name = typeof member.name === 'string' ? Buffer.from(member.name) : Buffer.from(member.name)
    const method = member.method ?? 8
    const packed = method === 8 ? zlib.deflateRawSync(member.data) : Buffer.from(member.data)
    const size = member.declaredSize ?? member.data.length
    const crc = member.crc ?? crc32(member.data)
    const flags = member.flags ?? (typeof member.name === 'string' ? 0x800 : 0)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(flags, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(crc >>> 0, 14)
    local.writeUInt32LE(packed.length >>> 0, 18)
    local.writeUInt32LE(size >>> 0, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(flags, 8)
    central.writeUInt16LE(method, 10)
    central.writeUInt32LE(crc >>> 0, 16)
    central.writeUInt32LE(packed.length >>> 0, 20)
    central.writeUInt32LE(size >>> 0, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, packed)
    centrals.push(central, name)
    offset += 30 + name.length + packed.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(members.length, 8)
  end.writeUInt16LE(members.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return new Uint8Array(Buffer.concat([...locals, directory, end]))
}

// The Shapefiles the cases start from --------------------------------------

interface Bases {
  /** a few parcels at the spot: Gauss-Krüger EPSG:4549, GBK, Chinese columns, as the samples */
  small: ShapefileFiles
  /** data-samples/parcels-gbk.zip, 田横镇's 676 parcels */
  sample: Uint8Array
  /** 64 MiB of zeros, deflated: 64 KiB that unpack past the test app's limit */
  bomb: Buffer
}

let bases: Bases | undefined

function basesFor(spot: Spot): Bases {
  if (bases) return bases
  const features: Feature[] = [0, 1, 2].map((i) => {
    const [lon, lat] = [spot.lon + i * 0.0005, spot.lat - 0.001]
    const ring = [[lon, lat], [lon + 0.0002, lat], [lon + 0.0002, lat + 0.0002], [lon, lat + 0.0002], [lon, lat]]
    return {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [ring] },
      properties: { 地块编码: `T-FZ-SHP-${i}`, 地块名称: '测试地块', 镇街: spot.town, 村名: spot.village, 地类: '闲置低效工业用地', 面积亩: 0.6 },
    }
  })
  const small = writeShapefile(features, { encoding: 'GBK', targetEpsg: 4549, date: new Date(Date.UTC(2024, 0, 1)) }).files
  const sample = new Uint8Array(readFileSync(path.join(ROOT, 'data-samples/parcels-gbk.zip')))
  bases = { small, sample, bomb: zlib.deflateRawSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 }) }
  return bases
}

// Header fields of the Shapefile members: [offset, bytes, little-endian?]
const SHP_FIELDS: [number, number, boolean][] = [
  [0, 4, false], [24, 4, false], [28, 4, true], [32, 4, true], [36, 8, true], [44, 8, true], [52, 8, true],
  [100, 4, false], [104, 4, false], [108, 4, true], [144, 4, true], [148, 4, true], [152, 4, true],
]
const SHX_FIELDS: [number, number, boolean][] = [[24, 4, false], [100, 4, false], [104, 4, false], [108, 4, false]]
const DBF_FIELDS: [number, number, boolean][] = [
  [0, 1, true], [4, 4, true], [8, 2, true], [10, 2, true], [29, 1, true], [43, 1, true], [48, 1, true], [49, 1, true],
  [75, 1, true], [80, 1, true],
]

const ODD_INTEGERS = [0, 1, -1, 2, 3, 5, 8, 13, 28, 31, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, -0x80000000, 0xffffffff, 1e6]

function setField(bytes: Uint8Array, [at, size, little]: [number, number, boolean], r: Random): void {
  if (at + size > bytes.length) return
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (size === 8) view.setFloat64(at, r.pick([NaN, Infinity, -Infinity, 1e308, -1e308, 0, 5e-324]), little)
  else if (size === 4) view.setUint32(at, r.pick(ODD_INTEGERS) >>> 0, little)
  else if (size === 2) view.setUint16(at, r.pick(ODD_INTEGERS) & 0xffff, little)
  else view.setUint8(at, r.pick([0, 0x0d, 0x20, 0x2a, 0x43, 0x4d, 0x4e, 0x58, 0x7f, 0xff]))
}

function flipBits(bytes: Uint8Array, r: Random, count = r.between(1, 8)): Uint8Array {
  const out = bytes.slice()
  for (let i = 0; i < count && out.length > 0; i++) out[r.int(out.length)]! ^= 1 << r.int(8)
  return out
}

const ODD_PRJ = [
  '', 'garbage', 'GEOGCS[', 'PROJCS["x",GEOGCS["y"]]', 'EPSG:4490', '\u0000\u0000', 'PROJCS["CGCS2000_3_Degree_GK_CM_999E"]',
  'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,0]]]',
]
const ODD_CPG = ['', 'UTF-8', 'GBK', '936', 'ANSI 936', 'UTF-16', 'latin1', 'EBCDIC', 'x'.repeat(5000), '\u0000', 'utf8\n\n']

/** A member of the Shapefile made odd: a header field, bits, its end, its text. */
function mutateMember(ext: string, bytes: Uint8Array, r: Random): Uint8Array {
  if (ext === 'prj') return encoder.encode(r.chance(0.8) ? r.pick(ODD_PRJ) : oddString(r))
  if (ext === 'cpg') return encoder.encode(r.pick(ODD_CPG))
  const out = bytes.slice()
  switch (r.int(4)) {
    case 0:
    case 1: {
      const fields = ext === 'shp' ? SHP_FIELDS : ext === 'shx' ? SHX_FIELDS : DBF_FIELDS
      for (let i = r.between(1, 3); i > 0; i--) setField(out, r.pick(fields), r)
      return out
    }
    case 2:
      return flipBits(out, r)
    default:
      return out.subarray(0, r.int(out.length))
  }
}

/** A zipped Shapefile with one to three of its members changed, dropped or doubled. */
function brokenShapefile(base: Record<string, Uint8Array>, stem: string, r: Random): ZipMember[] {
  const members = new Map(Object.entries(base).map(([ext, bytes]) => [ext, bytes]))
  for (let i = r.between(1, 3); i > 0; i--) {
    const ext = r.weighted([[4, 'shp'], [2, 'shx'], [4, 'dbf'], [1, 'prj'], [1, 'cpg']] as const)
    const action = r.weighted([[8, 'mutate'], [1, 'drop'], [1, 'empty']] as const)
    if (action === 'drop') members.delete(ext)
    else if (action === 'empty') members.set(ext, new Uint8Array(0))
    else members.set(ext, mutateMember(ext, members.get(ext) ?? new Uint8Array(0), r))
  }
  const list: ZipMember[] = [...members].map(([ext, data]) => ({ name: `${stem}.${ext}`, data, method: r.chance(0.2) ? 0 : 8 }))
  if (r.chance(0.1)) list.push({ name: `${stem}.shp`, data: r.bytes(r.int(200)) }) // the same name twice
  return list
}

const ODD_NAMES = [
  '../../../../etc/passwd.shp', '/tmp/abs.shp', 'C:\\Windows\\x.shp', 'a/../../b.shp', 'dir/', './x.shp', 'x.SHP',
  'x.shp\u0000.txt', '\u202eplh.shp', ' .shp', '.shp', `${'长'.repeat(300)}.shp`, '__MACOSX/._x.shp', 'x.shp/',
]

/** A zip broken at the zip level, or holding odd names, bombs, nothing, or zips. */
function brokenZip(b: Bases, r: Random): Uint8Array {
  const small = () => Object.entries(b.small).map(([ext, data]) => ({ name: `parcels.${ext}`, data }) as ZipMember)
  switch (r.int(10)) {
    case 0:
      return zip(small()).subarray(0, r.int(zip(small()).length))
    case 1:
      return flipBits(zip(small()), r)
    case 2: {
      // a header field of the zip itself: the end record, a central or local entry
      const bytes = zip(small())
      const view = new DataView(bytes.buffer)
      const end = bytes.length - 22
      const at = r.pick([end + 8, end + 10, end + 12, end + 16, end - 46 + 10, end - 46 + 20, end - 46 + 24, end - 46 + 28, end - 46 + 42, 8, 18, 22, 26, 28, 6])
      view.setUint32(Math.min(at, bytes.length - 4), r.pick(ODD_INTEGERS) >>> 0, true)
      return bytes
    }
    case 3:
      return bombZip(b, r)
    case 4:
      return zip(small().map((m) => ({ ...m, name: r.chance(0.5) ? r.pick(ODD_NAMES) : String(m.name) })))
    case 5:
      return zip(small().map((m) => ({ ...m, name: r.chance(0.3) ? Buffer.from(String(m.name), 'utf16le') : m.name, flags: r.pick([0, 0x1, 0x8, 0x800, 0xffff]) })))
    case 6:
      return zip(r.pick([[], [{ name: 'dir/', data: new Uint8Array(0) }], [{ name: 'inner.zip', data: zip(small()) }], [{ name: 'readme.txt', data: encoder.encode('hi') }]]))
    case 7:
      // two Shapefiles, or one member claiming an odd compression method
      return r.chance(0.5)
        ? zip([...small(), ...small().map((m) => ({ ...m, name: `other.${String(m.name).split('.').pop()}` }))])
        : zip(small().map((m) => ({ ...m, method: r.pick([1, 6, 9, 12, 14, 99, 0xffff]) })))
    case 8:
      return new Uint8Array([...r.bytes(r.int(64)), ...zip(small()), ...r.bytes(r.int(64))])
    default: {
      // 20,000 entries claimed, or a ZIP64 locator pointing nowhere
      const bytes = zip(small())
      const view = new DataView(bytes.buffer)
      if (r.chance(0.5)) view.setUint16(bytes.length - 12, 20_000, true)
      else return new Uint8Array([...bytes.subarray(0, bytes.length - 22), ...zip64Locator(r), ...bytes.subarray(bytes.length - 22)])
      return bytes
    }
  }
}

function zip64Locator(r: Random): Uint8Array {
  const locator = Buffer.alloc(20)
  locator.writeUInt32LE(0x07064b50, 0)
  locator.writeBigUInt64LE(BigInt(r.pick([0, 1, 2 ** 40, Number.MAX_SAFE_INTEGER])), 8)
  return locator
}

/** The 64 MiB bomb as the .shp of an otherwise sound Shapefile, its size told or understated. */
function bombZip(b: Bases, r: Random): Uint8Array {
  const members: ZipMember[] = Object.entries(b.small)
    .filter(([ext]) => ext !== 'shp')
    .map(([ext, data]) => ({ name: `parcels.${ext}`, data }))
  return zipWithPacked(members, 'parcels.shp', b.bomb, r.pick([64 * 1024 * 1024, 1000, 0]))
}

/** zip() with one member whose deflated bytes are given, declaring `size`. */
function zipWithPacked(members: ZipMember[], name: string, packed: Buffer, size: number): Uint8Array {
  const plain = zip(members)
  // rebuild with the packed member first, by hand: local header, data, then the others shifted
  const head = Buffer.alloc(30)
  const nameBytes = Buffer.from(name)
  head.writeUInt32LE(0x04034b50, 0)
  head.writeUInt16LE(20, 4)
  head.writeUInt16LE(0x800, 6)
  head.writeUInt16LE(8, 8)
  head.writeUInt32LE(0, 14)
  head.writeUInt32LE(packed.length, 18)
  head.writeUInt32LE(size, 22)
  head.writeUInt16LE(nameBytes.length, 26)
  const shift = 30 + nameBytes.length + packed.length
  const view = new DataView(plain.buffer)
  const end = plain.length - 22
  const directoryAt = view.getUint32(end + 16, true)
  const central = Buffer.alloc(46)
  central.writeUInt32LE(0x02014b50, 0)
  central.writeUInt16LE(20, 4)
  central.writeUInt16LE(20, 6)
  central.writeUInt16LE(0x800, 8)
  central.writeUInt16LE(8, 10)
  central.writeUInt32LE(packed.length, 20)
  central.writeUInt32LE(size, 24)
  central.writeUInt16LE(nameBytes.length, 28)
  central.writeUInt32LE(0, 42)
  const directory = Buffer.from(plain.subarray(directoryAt, end))
  for (let at = 0; at + 46 <= directory.length;) {
    directory.writeUInt32LE(directory.readUInt32LE(at + 42) + shift, at + 42)
    at += 46 + directory.readUInt16LE(at + 28) + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32)
  }
  const newDirectory = Buffer.concat([central, nameBytes, directory])
  const endRecord = Buffer.from(plain.subarray(end))
  endRecord.writeUInt16LE(endRecord.readUInt16LE(8) + 1, 8)
  endRecord.writeUInt16LE(endRecord.readUInt16LE(10) + 1, 10)
  endRecord.writeUInt32LE(newDirectory.length, 12)
  endRecord.writeUInt32LE(directoryAt + shift, 16)
  return new Uint8Array(Buffer.concat([head, nameBytes, packed, plain.subarray(0, directoryAt), newDirectory, endRecord]))
}

// GeoJSON and CSV files ----------------------------------------------------

function geojsonFile(spot: Spot, code: string, r: Random): Uint8Array {
  const features = Array.from({ length: r.between(1, 3) }, (_, i) => mutateFeature(baseFeature(spot, `${code}-${i}`, r), r))
  const collection: Record<string, unknown> = { type: 'FeatureCollection', features }
  if (r.chance(0.15)) collection.crs = { type: 'name', properties: { name: r.pick(['EPSG:4549', 'urn:ogc:def:crs:EPSG::4528', 'EPSG:3857', 'EPSG:0', oddString(r)]) } }
  if (r.chance(0.1)) collection.features = r.pick([null, {}, 'features', features[0]])
  if (r.chance(0.05)) collection.type = r.pick(['Feature', 'GeometryCollection', null])
  const text = json(collection)
  return r.chance(0.2) ? brokenJson(text, r) : encoder.encode(text)
}

const WKT = [
  'POLYGON((120.4 36.4,120.401 36.4,120.401 36.401,120.4 36.4))', 'POLYGON((', 'POLYGON EMPTY', 'POINT(1 2)',
  'SRID=4549;POLYGON((500000 4000000,500100 4000000,500100 4000100,500000 4000000))', 'SRID=abc;POLYGON((1 1,2 2,3 3,1 1))',
  'MULTIPOLYGON(((1e999 1,2 2,3 3,1e999 1)))', 'POLYGON((NaN NaN,1 1,2 2,NaN NaN))', 'POLYGON((1 1,2 2,3 3))',
  'GEOMETRYCOLLECTION(POLYGON((1 1,2 2,3 1,1 1)))', 'POLYGON Z((1 1 1,2 2 2,3 1 3,1 1 1))', `POLYGON((${'1 1,'.repeat(5000)}1 1))`,
  'POLYGON((120.4 36.4,120.401 36.401,120.401 36.4,120.4 36.401,120.4 36.4))', '((((((((((', 'SRID=4490;',
]

function csvFile(spot: Spot, code: string, r: Random): Uint8Array {
  const rows = ['code,name,town,village,category,WKT']
  for (let i = r.between(1, 3); i > 0; i--) {
    const cells = [`${code}-${i}`, r.chance(0.3) ? `"${oddString(r).slice(0, 500).replace(/"/g, '""')}"` : '名称', spot.town, spot.village, 'intensive_use', `"${r.pick(WKT)}"`]
    if (r.chance(0.2)) cells.splice(r.int(cells.length), 1)
    rows.push(cells.join(r.chance(0.9) ? ',' : ';'))
  }
  const text = rows.join(r.pick(['\n', '\r\n', '\r']))
  return r.chance(0.2) ? flipBits(encoder.encode(text), r) : encoder.encode(text)
}

// The form fields beside the file --------------------------------------------

function fields(r: Random): Record<string, string> {
  const out: Record<string, string> = {}
  if (r.chance(0.15)) out.srid = r.pick(['4490', '4549', '4528', '4326', '3857', '2385', '0', '99999', 'abc', '4490;', '-1', ''])
  if (r.chance(0.1)) out.encoding = r.pick(['gbk', 'utf-8', 'UTF-16', 'latin1', 'cp936', 'x-unknown', '', oddString(r).slice(0, 200)])
  if (r.chance(0.15)) out.mode = r.pick(['atomic', 'partial', 'ATOMIC', '', 'x'])
  // other targets only where they are refused: the accounting of accepted cases counts parcels
  if (r.chance(0.05)) out.target = r.pick(['parcels', 'layer:999999', 'layer:', 'layer:-1', 'zones', ''])
  if (r.chance(0.05)) out.mapping = r.pick(['{}', '{"x":"code"}', '{"地块编码":"geometry"}', '[]', '{', 'null', '{"a":"__proto__"}'])
  if (r.chance(0.05)) out.make_valid = r.pick(['true', 'false', 'yes', '2'])
  if (r.chance(0.05)) out.dry_run = r.pick(['true', '1', 'no'])
  if (r.chance(0.03)) out.gcj02 = r.pick(['true', 'x'])
  return out
}

const FILE_NAMES = ['parcels.geojson', 'parcels.json', 'parcels.zip', 'parcels.csv', 'parcels.shp', 'parcels', 'parcels.txt', '../../parcels.geojson', `${'地'.repeat(400)}.geojson`, 'a\u0000.geojson', '.geojson']

/** One import case: a file and its form fields. */
export function importFile(spot: Spot, code: string, r: Random): ImportFile {
  const b = basesFor(spot)
  const kind = r.weighted([[35, 'geojson'], [8, 'csv'], [30, 'shapefile'], [20, 'zip'], [1, 'sample'], [3, 'raw']] as const)
  let name: string
  let bytes: Uint8Array
  switch (kind) {
    case 'geojson':
      ;[name, bytes] = [r.pick(['parcels.geojson', 'parcels.json', 'parcels']), geojsonFile(spot, code, r)]
      break
    case 'csv':
      ;[name, bytes] = ['parcels.csv', csvFile(spot, code, r)]
      break
    case 'shapefile':
      ;[name, bytes] = ['parcels.zip', zip(brokenShapefile(b.small as unknown as Record<string, Uint8Array>, 'parcels', r))]
      break
    case 'zip':
      ;[name, bytes] = ['parcels.zip', brokenZip(b, r)]
      break
    case 'sample':
      // the district's own sample zip, bits flipped or cut short: refused before its 676 parcels are read
      ;[name, bytes] = ['parcels-gbk.zip', r.chance(0.7) ? flipBits(b.sample, r, r.between(1, 4)) : b.sample.subarray(0, r.int(b.sample.length))]
      break
    default:
      ;[name, bytes] = [r.pick(FILE_NAMES), r.bytes(r.int(2000))]
  }
  if (r.chance(0.05)) name = r.pick(FILE_NAMES)
  return { name, bytes, fields: fields(r) }
}

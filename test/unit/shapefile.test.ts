import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import type { Feature, FeatureCollection, Position } from 'geojson'
import iconv from 'iconv-lite'
import { parseZip } from 'shpjs'
import { afterAll, describe, expect, test } from 'vitest'
import { dbfFieldNames, truncateToBytes, writeDbf } from '../../server/src/export/dbf.ts'
import { writeShapefile, zipShapefile } from '../../server/src/export/shapefile.ts'
import { toEpsg } from '../../server/src/geo/crs.ts'

const LONG_NAME = '王家庄村北闲置厂房及附属仓库'.repeat(20) // 280 characters

/** Two parcels near 田横镇, one a MultiPolygon with a hole, CCW as GeoJSON has it. */
const PARCELS: Feature[] = [
  {
    type: 'Feature',
    properties: {
      地块编码: '370215101007-012',
      地块名称: '王家庄村北闲置厂房',
      面积亩: 12.35,
      权属: '王家庄村股份经济合作社',
      在册: true,
    },
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [120.75, 36.47],
          [120.752, 36.47],
          [120.752, 36.4715],
          [120.75, 36.4715],
          [120.75, 36.47],
        ],
      ],
    },
  },
  {
    type: 'Feature',
    properties: {
      地块编码: '370215101012-003',
      地块名称: LONG_NAME,
      面积亩: 0.5,
      权属: null,
      在册: false,
    },
    geometry: {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [120.76, 36.48],
            [120.765, 36.48],
            [120.765, 36.484],
            [120.76, 36.484],
            [120.76, 36.48],
          ],
          [
            [120.761, 36.481],
            [120.761, 36.482],
            [120.762, 36.482],
            [120.762, 36.481],
            [120.761, 36.481],
          ],
        ],
        [
          [
            [120.77, 36.48],
            [120.771, 36.48],
            [120.771, 36.481],
            [120.77, 36.48],
          ],
        ],
      ],
    },
  },
]

const ROAD: Feature = {
  type: 'Feature',
  properties: { name: '青威路', road_class: 'provincial', width_m: 24 },
  geometry: {
    type: 'LineString',
    coordinates: [
      [120.45, 36.4],
      [120.6, 36.45],
      [120.8, 36.5],
    ],
  },
}

const FIXED_DATE = new Date(Date.UTC(2023, 11, 31))

const tempDirs: string[] = []
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jiyuan-shp-'))
  tempDirs.push(dir)
  return dir
}

function unzipTo(zip: Uint8Array): string {
  const dir = tempDir()
  for (const [name, bytes] of Object.entries(unzipSync(zip))) writeFileSync(join(dir, name), bytes)
  return dir
}

async function readBack(zip: Uint8Array): Promise<FeatureCollection> {
  const parsed = await parseZip(zip)
  if (Array.isArray(parsed)) throw new Error(`expected one layer, got ${parsed.length}`)
  return parsed
}

function firstPosition(feature: Feature | undefined): Position {
  const g = feature?.geometry
  if (g?.type === 'Polygon') return g.coordinates[0]?.[0] ?? []
  if (g?.type === 'MultiPolygon') return g.coordinates[0]?.[0]?.[0] ?? []
  if (g?.type === 'LineString') return g.coordinates[0] ?? []
  return []
}

describe('DBF text and field names', () => {
  test('field names longer than 10 bytes are cut on a character boundary and reported', () => {
    const utf8 = dbfFieldNames(['地块编码', '地块编号', 'name'], 'UTF-8')
    expect(utf8).toEqual(['地块编', '地块_1', 'name'])
    expect(dbfFieldNames(['地块编码', '地块名称'], 'GBK')).toEqual(['地块编码', '地块名称'])
  })

  test('a name that clashes with another regardless of case gets a numeric suffix', () => {
    expect(dbfFieldNames(['Code', 'CODE', 'code'], 'GBK')).toEqual(['Code', 'CODE_1', 'code_2'])
  })

  test('text is truncated without splitting a GBK or UTF-8 character', () => {
    expect(truncateToBytes('王家庄村', 5, 'GBK')).toBe('王家')
    expect(truncateToBytes('王家庄村', 8, 'UTF-8')).toBe('王家')
    expect(truncateToBytes('a王b', 2, 'GBK')).toBe('a')
  })

  test('character columns are as wide as the longest value, at most 254 bytes', () => {
    const table = writeDbf([{ s: '甲乙' }, { s: LONG_NAME }], { encoding: 'GBK', date: FIXED_DATE })
    expect(table.fields[0]).toMatchObject({ type: 'C', length: 254 })
    const short = writeDbf([{ s: '甲乙' }, { s: 'abc' }], { encoding: 'GBK', date: FIXED_DATE })
    expect(short.fields[0]).toMatchObject({ type: 'C', length: 4 })
  })

  test('numbers become N columns with the decimals they need', () => {
    const table = writeDbf(
      [
        { a: 12.35, b: 3 },
        { a: 0.5, b: 1200 },
      ],
      { encoding: 'UTF-8' },
    )
    expect(table.fields.map((f) => [f.type, f.length, f.decimals])).toEqual([
      ['N', 5, 2],
      ['N', 4, 0],
    ])
  })

  test('the language-driver byte says GBK (0x4D) or nothing for UTF-8', () => {
    expect(writeDbf([{ a: '甲' }], { encoding: 'GBK' }).bytes[29]).toBe(0x4d)
    expect(writeDbf([{ a: '甲' }], { encoding: 'UTF-8' }).bytes[29]).toBe(0)
  })
})

describe.each(['GBK', 'UTF-8'] as const)('a %s Shapefile read back by shpjs', (encoding) => {
  test('keeps the Chinese attributes, booleans and numbers', async () => {
    const shapefile = writeShapefile(PARCELS, { encoding, date: FIXED_DATE })
    const back = await readBack(zipShapefile('parcels', shapefile.files))
    const name = (key: string) => shapefile.fieldMap[key] ?? key
    const first = back.features[0]?.properties ?? {}
    expect(first[name('地块编码')]).toBe('370215101007-012')
    expect(first[name('地块名称')]).toBe('王家庄村北闲置厂房')
    expect(first[name('权属')]).toBe('王家庄村股份经济合作社')
    expect(first[name('面积亩')]).toBe(12.35)
    expect(first[name('在册')]).toBe(true)
    const truncated = String(back.features[1]?.properties?.[name('地块名称')])
    expect(LONG_NAME.startsWith(truncated)).toBe(true)
    expect(iconv.encode(truncated, encoding).length).toBeLessThanOrEqual(254)
  })

  test('writes a .cpg naming the encoding and the ESRI .prj of EPSG:4490', () => {
    const { files } = writeShapefile(PARCELS, { encoding })
    expect(new TextDecoder().decode(files.cpg)).toBe(encoding)
    expect(new TextDecoder().decode(files.prj)).toMatch(
      /^GEOGCS\["GCS_China_Geodetic_Coordinate_System_2000"/,
    )
  })
})

describe('Shapefile geometry', () => {
  test('polygons keep their rings and coordinates, holes included', async () => {
    const shapefile = writeShapefile(PARCELS, { encoding: 'UTF-8' })
    const back = await readBack(zipShapefile('parcels', shapefile.files))
    expect(back.features.map((f) => f.geometry.type)).toEqual(['Polygon', 'MultiPolygon'])
    const multi = back.features[1]?.geometry
    expect(multi?.type === 'MultiPolygon' && multi.coordinates[0]?.length).toBe(2)
    // shpjs runs lon/lat through proj4 as well, which leaves ~1e-14° of noise
    const [lon = 0, lat = 0] = firstPosition(back.features[0])
    expect(lon).toBeCloseTo(120.75, 10)
    expect(lat).toBeCloseTo(36.47, 10)
  })

  test('outer rings are written clockwise and holes counter-clockwise', () => {
    const { files } = writeShapefile([PARCELS[1] as Feature], { encoding: 'UTF-8' })
    const view = new DataView(files.shp.buffer)
    const parts = view.getInt32(100 + 8 + 36, true)
    const points = view.getInt32(100 + 8 + 40, true)
    const starts = Array.from({ length: parts }, (_, i) =>
      view.getInt32(100 + 8 + 44 + 4 * i, true),
    )
    const at = 100 + 8 + 44 + 4 * parts
    const xy = (i: number): [number, number] => [
      view.getFloat64(at + 16 * i, true),
      view.getFloat64(at + 16 * i + 8, true),
    ]
    const areas = starts.map((start, p) => {
      const end = starts[p + 1] ?? points
      let sum = 0
      for (let i = start + 1; i < end; i++) {
        const [ax, ay] = xy(i - 1)
        const [bx, by] = xy(i)
        sum += ax * by - bx * ay
      }
      return Math.sign(sum)
    })
    expect(areas).toEqual([-1, 1, -1])
  })

  test('the header and record bounding boxes enclose every point', () => {
    const { files } = writeShapefile(PARCELS, { encoding: 'UTF-8' })
    const view = new DataView(files.shp.buffer)
    const box = [36, 44, 52, 60].map((at) => view.getFloat64(at, true))
    expect(box).toEqual([120.75, 36.47, 120.771, 36.484])
    expect(view.getInt32(24, false) * 2).toBe(files.shp.length)
  })

  test('lines (roads) are written as PolyLine shapes', async () => {
    const shapefile = writeShapefile([ROAD], { encoding: 'GBK' })
    expect(shapefile.shapeType).toBe(3)
    const back = await readBack(zipShapefile('roads', shapefile.files))
    expect(back.features[0]?.geometry.type).toBe('LineString')
    expect(back.features[0]?.properties?.name).toBe('青威路')
  })

  test('coordinates reprojected to Gauss-Krüger EPSG:4549 come back as the same lon/lat', async () => {
    const shapefile = writeShapefile(PARCELS, { encoding: 'GBK', targetEpsg: 4549 })
    expect(new TextDecoder().decode(shapefile.files.prj)).toContain('CGCS2000_3_Degree_GK_CM_120E')
    const [e = 0, n = 0] = toEpsg([120.75, 36.47], 4490, 4549)
    expect(e).toBeGreaterThan(560_000)
    expect(n).toBeGreaterThan(4_000_000)
    const back = await readBack(zipShapefile('parcels', shapefile.files))
    const [lon = 0, lat = 0] = firstPosition(back.features[0])
    expect(lon).toBeCloseTo(120.75, 8)
    expect(lat).toBeCloseTo(36.47, 8)
  })

  test('mixing points and polygons in one Shapefile is refused', () => {
    const point: Feature = {
      type: 'Feature',
      properties: {},
      geometry: { type: 'Point', coordinates: [120.5, 36.4] },
    }
    expect(() => writeShapefile([point, PARCELS[0] as Feature])).toThrow(/one geometry family/)
  })
})

function findOgrinfo(): string | null {
  try {
    return execFileSync('which', ['ogrinfo'], { encoding: 'utf8' }).trim() || null
  } catch {
    return null
  }
}

const OGRINFO = findOgrinfo()
const mustHaveOgrinfo = process.env.CI === 'true'
if (!OGRINFO && !mustHaveOgrinfo) {
  console.warn(
    'shapefile.test.ts: ogrinfo not found (apt-get install gdal-bin); skipping the GDAL checks',
  )
}

describe.skipIf(!OGRINFO && !mustHaveOgrinfo)('a Shapefile read back by GDAL ogrinfo', () => {
  function ogrinfo(args: string[]): string {
    if (!OGRINFO) throw new Error('ogrinfo is required when CI=true; install gdal-bin')
    return execFileSync(OGRINFO, ['-ro', ...args], { encoding: 'utf8' })
  }

  test.each(['GBK', 'UTF-8'] as const)(
    '%s attributes and field names come back in Chinese',
    (encoding) => {
      const shapefile = writeShapefile(PARCELS, { encoding, date: FIXED_DATE })
      const dir = unzipTo(zipShapefile('parcels', shapefile.files))
      const all = ogrinfo(['-al', join(dir, 'parcels.shp')])
      expect(all).toContain(`${shapefile.fieldMap['地块名称']} (String) = 王家庄村北闲置厂房`)
      expect(all).toContain('= 王家庄村股份经济合作社')
      expect(all).toContain('= 370215101007-012')
      expect(all).toMatch(/= 12\.35\b/)
      expect(all).toContain('MULTIPOLYGON')
    },
  )

  test('without a .cpg, GDAL still reads GBK from the language-driver byte', () => {
    const { files } = writeShapefile(PARCELS, { encoding: 'GBK' })
    const dir = unzipTo(zipShapefile('parcels', files))
    rmSync(join(dir, 'parcels.cpg'))
    expect(ogrinfo(['-al', join(dir, 'parcels.shp')])).toContain(
      '地块名称 (String) = 王家庄村北闲置厂房',
    )
  })

  test('the CRS is recognised as CGCS2000 geographic or Gauss-Krüger CM 120E', () => {
    const geographic = writeShapefile(PARCELS, { encoding: 'GBK' })
    const projected = writeShapefile(PARCELS, { encoding: 'GBK', targetEpsg: 4549 })
    const summary = (files: typeof geographic.files) =>
      ogrinfo(['-al', '-so', join(unzipTo(zipShapefile('parcels', files)), 'parcels.shp')])
    const geo = summary(geographic.files)
    expect(geo).toContain('Feature Count: 2')
    expect(geo).toMatch(/China Geodetic Coordinate System 2000|CGCS2000/)
    const gk = summary(projected.files)
    expect(gk).toContain('CGCS2000 / 3-degree Gauss-Kruger CM 120E')
    expect(gk).toContain('ID["EPSG",4549]')
    expect(gk).toMatch(/Extent: \(5\d{5}\.\d+, 40\d{5}\.\d+\)/)
  })
})

// Shapefiles as Chinese desktop GIS writes them: GBK attributes under every
// spelling of the code page (or none), and Gauss-Krüger coordinates on
// CGCS2000 with and without a .prj. Expected lon/lat come from PROJ 9
// (`cs2cs EPSG:4549 EPSG:4490`), not from the proj4 the reader uses.
import type { Feature } from 'geojson'
import { describe, expect, test } from 'vitest'
import { writeShapefile, type ShapefileFiles } from '../../server/src/export/shapefile.ts'
import { ESRI_WKT, type Epsg } from '../../server/src/geo/crs.ts'
import { readMembers } from '../../server/src/import/read.ts'
import { DEFAULT_LIMITS, type ReadOptions, type ReadResult } from '../../server/src/import/types.ts'

const PROPERTIES = {
  地块编码: 'TH-0153',
  地块名称: '王家庄村北闲置厂房',
  镇街: '田横镇',
  类型: '闲置低效工业用地',
  面积亩: 12.35,
}

/** A 60 m × 50 m parcel near 田横镇 in EPSG:4549 metres, outer ring clockwise. */
const PARCEL_4549 = [
  [567200, 4037950],
  [567200, 4038000],
  [567260, 4038000],
  [567260, 4037950],
  [567200, 4037950],
]

// cs2cs -f %.10f EPSG:4549 EPSG:4490 (PROJ 9), written lon first
const PARCEL_4490 = [
  [120.7497784351, 36.4699385915],
  [120.7497827744, 36.4703891343],
  [120.7504521714, 36.4703849267],
  [120.750447828, 36.469934384],
  [120.7497784351, 36.4699385915],
]

function parcel(coordinates: number[][]): Feature {
  return {
    type: 'Feature',
    properties: PROPERTIES,
    geometry: { type: 'Polygon', coordinates: [coordinates] },
  }
}

interface Variant {
  cpg?: string | null
  ldid?: number
  prj?: string | null
  encoding?: 'GBK' | 'UTF-8'
  epsg?: Epsg
  coordinates?: number[][]
}

function shapefile(variant: Variant): Map<string, Uint8Array> {
  const epsg = variant.epsg ?? 4549
  const written = writeShapefile([parcel(variant.coordinates ?? PARCEL_4549)], {
    encoding: variant.encoding ?? 'GBK',
    sourceEpsg: epsg,
    targetEpsg: epsg,
  })
  const files: Partial<ShapefileFiles> = { ...written.files, dbf: written.files.dbf.slice() }
  if (variant.ldid !== undefined) files.dbf![29] = variant.ldid
  if (variant.cpg === null) delete files.cpg
  else if (variant.cpg !== undefined) files.cpg = new TextEncoder().encode(variant.cpg)
  if (variant.prj === null) delete files.prj
  else if (variant.prj !== undefined) files.prj = new TextEncoder().encode(variant.prj)
  return new Map(Object.entries(files).map(([ext, bytes]) => [`地块.${ext}`, bytes]))
}

function read(variant: Variant, extra: Partial<ReadOptions> = {}): Promise<ReadResult> {
  return readMembers(shapefile(variant), {
    fileName: '地块.zip',
    limits: { ...DEFAULT_LIMITS },
    ...extra,
  })
}

function ring(result: ReadResult): number[][] {
  const geometry = result.features[0]?.geometry
  if (geometry?.type !== 'Polygon') throw new Error(`expected a Polygon, got ${geometry?.type}`)
  return geometry.coordinates[0] as number[][]
}

function expectNear(actual: number[][], expected: number[][], tolerance = 1e-7): void {
  expect(actual).toHaveLength(expected.length)
  actual.forEach((p, i) => {
    expect(Math.abs((p[0] as number) - (expected[i]![0] as number))).toBeLessThan(tolerance)
    expect(Math.abs((p[1] as number) - (expected[i]![1] as number))).toBeLessThan(tolerance)
  })
}

describe('GBK attributes arrive intact whatever the .cpg says', () => {
  test.each([
    ['GBK', 'gbk'],
    ['GB2312', 'gbk'],
    ['GB18030', 'gb18030'],
    ['936', 'gbk'],
    ['CP936', 'gbk'],
    ['ANSI 936', 'gbk'],
  ])('a .cpg of "%s" is read as %s', async (cpg, encoding) => {
    const result = await read({ cpg })
    expect(result.encoding).toBe(encoding)
    expect(result.encodingSource).toBe('cpg')
    expect(result.features[0]?.properties).toEqual(PROPERTIES)
  })

  test('a wrong .cpg "UTF-8" over GBK bytes is noticed, and the language driver 0x4D used, with a warning', async () => {
    const result = await read({ cpg: 'UTF-8' })
    expect(result.encoding).toBe('gbk')
    expect(result.encodingSource).toBe('ldid')
    expect(result.warnings.join(' ')).toMatch(/says UTF-8 but .* is not valid UTF-8/)
    expect(result.features[0]?.properties).toEqual(PROPERTIES)
  })

  test('a wrong .cpg "UTF-8" over GBK bytes without a language driver falls back to detected GBK', async () => {
    const result = await read({ cpg: 'UTF-8', ldid: 0 })
    expect(result.encoding).toBe('gbk')
    expect(result.encodingSource).toBe('detected')
    expect(result.warnings.join(' ')).toMatch(/says UTF-8/)
    expect(result.features[0]?.properties).toEqual(PROPERTIES)
  })

  test('no .cpg and language driver 0x4D (ArcGIS on a Chinese Windows) reads GBK', async () => {
    const result = await read({ cpg: null, ldid: 0x4d })
    expect(result.encodingSource).toBe('ldid')
    expect(result.features[0]?.properties).toEqual(PROPERTIES)
  })

  test('no .cpg and no language driver: the GBK bytes are detected', async () => {
    const result = await read({ cpg: null, ldid: 0 })
    expect(result.encoding).toBe('gbk')
    expect(result.encodingSource).toBe('detected')
    expect(result.features[0]?.properties).toEqual(PROPERTIES)
  })

  test('no .cpg and language driver 0x57 over GBK bytes (tools that always write 0x57) reads GBK, with a warning', async () => {
    const result = await read({ cpg: null, ldid: 0x57 })
    expect(result.encoding).toBe('gbk')
    expect(result.warnings.join(' ')).toMatch(/language driver 0x57/)
    expect(result.features[0]?.properties).toEqual(PROPERTIES)
  })

  test('a UTF-8 table keeps its values; the 10-byte cut column names still map to parcel properties', async () => {
    const result = await read({ encoding: 'UTF-8', cpg: 'UTF-8', ldid: 0 })
    expect(result.encoding).toBe('utf-8')
    // 地块编码 and 地块名称 are 12 bytes in UTF-8: the writer cut them to 地块编 and 地块名
    expect(result.features[0]?.properties).toMatchObject({
      地块编: 'TH-0153',
      地块名: '王家庄村北闲置厂房',
    })
  })

  test('the encoding option overrides the .cpg', async () => {
    const result = await read({ cpg: 'UTF-8' }, { encoding: 'CP936' })
    expect(result.encodingSource).toBe('given')
    expect(result.features[0]?.properties).toEqual(PROPERTIES)
  })

  test('a problem names the feature by its 地块编码', async () => {
    const result = await read({})
    expect(result.problems).toEqual([])
    const outside = await read({ coordinates: PARCEL_4549.map(([x, y]) => [x! - 200000, y!]) })
    expect(outside.problems[0]?.message).toMatch(
      /^feature 0 \(地块编码 TH-0153\): coordinate 118\.5\d* 36\.\d+/,
    )
    expect(outside.problems[0]?.zh).toMatch(
      /^要素 0（地块编码 TH-0153）：坐标 118\.5\d* 36\.\d+（EPSG:4490 经纬度）不在即墨区范围内/,
    )
  })
})

// Other writers' WKT for the same CRSs (projinfo -o WKT1_GDAL / WKT1_ESRI / WKT2_2019).
const OGC_4549 =
  'PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 120E",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",120],PARAMETER["scale_factor",1],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]]]'
const WKT2_4528 =
  'PROJCRS["CGCS2000 / 3-degree Gauss-Kruger zone 40",BASEGEOGCRS["China Geodetic Coordinate System 2000",DATUM["China 2000",ELLIPSOID["CGCS2000",6378137,298.257222101,LENGTHUNIT["metre",1]]],PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]]],CONVERSION["3-degree Gauss-Kruger zone 40",METHOD["Transverse Mercator",ID["EPSG",9807]],PARAMETER["Latitude of natural origin",0,ANGLEUNIT["degree",0.0174532925199433],ID["EPSG",8801]],PARAMETER["Longitude of natural origin",120,ANGLEUNIT["degree",0.0174532925199433],ID["EPSG",8802]],PARAMETER["Scale factor at natural origin",1,SCALEUNIT["unity",1],ID["EPSG",8805]],PARAMETER["False easting",40500000,LENGTHUNIT["metre",1],ID["EPSG",8806]],PARAMETER["False northing",0,LENGTHUNIT["metre",1],ID["EPSG",8807]]],CS[Cartesian,2],AXIS["northing (X)",north,ORDER[1],LENGTHUNIT["metre",1]],AXIS["easting (Y)",east,ORDER[2],LENGTHUNIT["metre",1]]]'
const ESRI_XIAN_2385 =
  'PROJCS["Xian_1980_3_Degree_GK_CM_120E",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
const ESRI_BEIJING_2437 =
  'PROJCS["Beijing_1954_3_Degree_GK_CM_120E",GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'

describe('Gauss-Krüger coordinates land at the right lon/lat', () => {
  test('an ESRI .prj of EPSG:4549 is matched and the parcel lands within 1e-7° of PROJ', async () => {
    const result = await read({})
    expect(result.sourceSrid).toBe(4549)
    expect(result.crsSource).toBe('prj')
    expectNear(ring(result), PARCEL_4490)
  })

  test('an OGC .prj of EPSG:4549 (GDAL) is matched by its parameters', async () => {
    const result = await read({ prj: OGC_4549 })
    expect(result.sourceSrid).toBe(4549)
    expectNear(ring(result), PARCEL_4490)
  })

  test('an ESRI .prj of EPSG:4528 with zone-40 eastings lands at the same place', async () => {
    const zoned = PARCEL_4549.map(([x, y]) => [x! + 40_000_000, y!])
    const result = await read({ epsg: 4528, coordinates: zoned })
    expect(result.sourceSrid).toBe(4528)
    expect(ESRI_WKT[4528]).toContain('40500000')
    expectNear(ring(result), PARCEL_4490)
  })

  test('a WKT2 .prj of EPSG:4528 is matched by its parameters', async () => {
    const zoned = PARCEL_4549.map(([x, y]) => [x! + 40_000_000, y!])
    const result = await read({ epsg: 4528, coordinates: zoned, prj: WKT2_4528 })
    expect(result.sourceSrid).toBe(4528)
    expectNear(ring(result), PARCEL_4490)
  })

  test('6-digit eastings without a .prj are detected as EPSG:4549, with a warning', async () => {
    const result = await read({ prj: null })
    expect(result.sourceSrid).toBe(4549)
    expect(result.crsSource).toBe('detected')
    expect(result.warnings.join(' ')).toMatch(/EPSG:4549.*give the srid/)
    expectNear(ring(result), PARCEL_4490)
  })

  test('zone-40 eastings without a .prj are detected as EPSG:4528', async () => {
    const zoned = PARCEL_4549.map(([x, y]) => [x! + 40_000_000, y!])
    const result = await read({ epsg: 4528, coordinates: zoned, prj: null })
    expect(result.sourceSrid).toBe(4528)
    expectNear(ring(result), PARCEL_4490)
  })

  test("Xi'an 1980 CM 120E is read as EPSG:2385 on its own ellipsoid, warning about tens of metres", async () => {
    const result = await read({ prj: ESRI_XIAN_2385 })
    expect(result.sourceSrid).toBe(2385)
    expect(result.warnings.join(' ')).toMatch(/Xi'an 1980.*tens of metres/)
    // cs2cs: +ellps=IAU76 tmerc CM 120 → lon/lat, no datum shift
    expectNear(ring(result).slice(0, 1), [[120.7497779184, 36.469921628]])
  })

  test('Beijing 1954 CM 120E is read as EPSG:2437 with the EPSG:15919 shift', async () => {
    const result = await read({ prj: ESRI_BEIJING_2437 })
    expect(result.sourceSrid).toBe(2437)
    expect(result.warnings.join(' ')).toMatch(/EPSG:15919/)
    // cs2cs with +towgs84=15.53,-113.82,-41.38,0,0,0.814,-0.38 to WGS 84
    expectNear(ring(result).slice(0, 1), [[120.7504861687, 36.4695839502]])
  })

  test('a .prj saying lon/lat over Gauss-Krüger metres gives a warning and out-of-range problems', async () => {
    const result = await read({ prj: ESRI_WKT[4490] })
    expect(result.warnings.join(' ')).toMatch(/look like Gauss-Krüger metres \(like EPSG:4549\)/)
    expect(result.problems.map((p) => p.code)).toEqual(['coordinates_out_of_range'])
    expect(result.features).toHaveLength(0)
  })

  test('the srid option overrides the .prj', async () => {
    const result = await read({ prj: ESRI_WKT[4490] }, { srid: 4549 })
    expect(result.crsSource).toBe('given')
    expectNear(ring(result), PARCEL_4490)
  })

  test('an srid we cannot transform from is refused naming it', async () => {
    await expect(read({}, { srid: 9999 })).rejects.toMatchObject({
      code: 'unsupported_crs',
      message: /EPSG:9999/,
    })
  })
})

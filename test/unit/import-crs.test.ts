// Recognising a CRS from the WKT other software writes, and from the range
// of the coordinates when there is no WKT.
import { describe, expect, test } from 'vitest'
import { crsFromPrj, sridOfBox, toCgcs2000 } from '../../server/src/import/crs-detect.ts'
import { ESRI_WKT } from '../../server/src/geo/crs.ts'
import { parseWkt } from '../../server/src/import/wkt.ts'

function srid(wkt: string): number {
  const reading = crsFromPrj(wkt, 'test.prj')
  if (!reading.ok) throw new Error(reading.reason)
  return reading.crs.srid
}

// projinfo EPSG:n -o WKT1_ESRI / WKT1_GDAL (PROJ 9.1)
const ESRI_GK_ZONE_21 =
  'PROJCS["CGCS2000_GK_Zone_21",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",21500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",123.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
const OGC_4490 =
  'GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]'
const ESRI_WGS84 =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
const ESRI_CGCS_CM_117 = ESRI_WKT[4549]
  .replace('CM_120E', 'CM_117E')
  .replace('["Central_Meridian",120.0]', '["Central_Meridian",117.0]')
const PULKOVO_GK =
  'PROJCS["Pulkovo_1942_GK_Zone_4",GEOGCS["GCS_Pulkovo_1942",DATUM["D_Pulkovo_1942",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",4500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",21.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'

describe('a .prj', () => {
  test.each([
    ['ESRI CGCS2000 geographic (crs.ts)', ESRI_WKT[4490], 4490],
    ['OGC CGCS2000 geographic', OGC_4490, 4490],
    ['ESRI 3-degree CM 120E (crs.ts)', ESRI_WKT[4549], 4549],
    ['ESRI 3-degree zone 40 (crs.ts)', ESRI_WKT[4528], 4528],
    ['ESRI 3-degree CM 117E', ESRI_CGCS_CM_117, 4548],
    ['ESRI 6-degree zone 21', ESRI_GK_ZONE_21, 4499],
    ['ESRI WGS 84', ESRI_WGS84, 4326],
  ])('%s is EPSG:%i', (_, wkt, code) => {
    expect(srid(wkt)).toBe(code)
  })

  test('Pulkovo 1942 Gauss-Krüger (Krassowsky, like Beijing 1954) is not taken for Beijing 1954', () => {
    const reading = crsFromPrj(PULKOVO_GK, 'test.prj')
    expect(reading.ok && reading.crs.srid).toBe(0)
    expect(reading.ok && reading.crs.name).toBe('Pulkovo_1942_GK_Zone_4')
  })

  test('an HTML page is reported as not WKT, not thrown', () => {
    expect(crsFromPrj('<!DOCTYPE html><html><head>', 'x.prj')).toEqual({
      ok: false,
      reason: 'x.prj is not WKT (starts "<!DOCTYPE html><html")',
    })
  })

  test('WKT that is not a horizontal CRS is refused as unsupported_crs naming it', () => {
    expect(() =>
      crsFromPrj('LOCAL_CS["site grid",LOCAL_DATUM["x",0],UNIT["Meter",1]]', 'x.prj'),
    ).toThrow(
      expect.objectContaining({
        code: 'unsupported_crs',
        message: expect.stringContaining('site grid'),
      }),
    )
  })

  test('the WKT parser keeps nesting, strings and numbers', () => {
    expect(parseWkt('UNIT["Meter",1.0,AUTHORITY["EPSG","9001"]]')).toEqual({
      keyword: 'UNIT',
      values: ['Meter', 1],
      children: [{ keyword: 'AUTHORITY', values: ['EPSG', '9001'], children: [] }],
    })
  })
})

describe('detection from the coordinates', () => {
  test.each([
    [[120.2, 36.2, 120.9, 36.6], 4490],
    [[-180, -90, 180, 90], 4490],
    [[527000, 4013000, 567300, 4038100], 4549],
    [[40527000, 4013000, 40567300, 4038100], 4528],
    [[39527000, 4013000, 39567300, 4038100], 4527],
    [[21527000, 4013000, 21567300, 4038100], 4499],
    [[1268893, 475701, 1270585, 477409], null],
    [[40527000, 4013000, 41567300, 4038100], null],
  ] as const)('the box %j suggests %s', (box, expected) => {
    expect(sridOfBox([...box])).toBe(expected)
  })

  test('CGCS2000 Gauss-Krüger to lon/lat matches PROJ within 1e-9°', () => {
    const reading = crsFromPrj(ESRI_WKT[4549], 'x.prj')
    if (!reading.ok) throw new Error(reading.reason)
    // cs2cs -f %.10f EPSG:4549 EPSG:4490
    const [lon, lat] = toCgcs2000(reading.crs)([526960, 4013320])
    expect(Math.abs(lon - 120.299960751)).toBeLessThan(1e-9)
    expect(Math.abs(lat - 36.2499573704)).toBeLessThan(1e-9)
  })
})

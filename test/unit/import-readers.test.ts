// The import readers on real files written by other software (ArcGIS,
// QGIS, GeoServer, GDAL, pyshp, GeoTools), read in place from
// ../shared/data-external.
import type { Geometry } from 'geojson'
import { describe, expect, test } from 'vitest'
import { AppError } from '../../server/src/errors/app-error.ts'
import { readMembers, readUpload } from '../../server/src/import/read.ts'
import { DEFAULT_LIMITS, type ReadOptions, type ReadResult } from '../../server/src/import/types.ts'
import {
  dataExternalPresent,
  externalFile,
  externalMembers,
  externalNames,
} from '../helpers/data-external.ts'

const present = dataExternalPresent()

function options(fileName: string, extra: Partial<ReadOptions> = {}): ReadOptions {
  return { fileName, limits: { ...DEFAULT_LIMITS }, ...extra }
}

function readZip(
  folder: string,
  name: string,
  extra: Partial<ReadOptions> = {},
): Promise<ReadResult> {
  return readUpload(externalFile(folder, name), options(name, extra))
}

function readLoose(
  folder: string,
  base: string,
  extra: Partial<ReadOptions> = {},
): Promise<ReadResult> {
  return readMembers(externalMembers(folder, base), options(base, extra))
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppError)
  return error as AppError
}

function codes(result: ReadResult): string[] {
  return [...new Set(result.problems.map((p) => p.code))]
}

function firstPosition(geometry: Geometry): number[] {
  let c: unknown = (geometry as { coordinates: unknown }).coordinates
  while (Array.isArray(c) && Array.isArray(c[0])) c = c[0]
  return c as number[]
}

describe.skipIf(!present)('shapefile-js test data', () => {
  test('utf.zip keeps the 4-byte UTF-8 character its .cpg announces', async () => {
    const result = await readZip('shapefile-js', 'utf.zip')
    expect(result.encoding).toBe('utf-8')
    expect(result.encodingSource).toBe('cpg')
    expect(result.features.map((f) => f.properties.field)).toContain('💩')
  })

  test('codepage.zip decodes its second record as Windows-1250 Czech from the .cpg "1250"', async () => {
    const result = await readZip('shapefile-js', 'codepage.zip')
    expect(result.encoding).toBe('windows-1250')
    expect(result.encodingSource).toBe('cpg')
    // the first record holds literal "??" bytes (GDAL reads the same)
    expect(result.features.map((f) => f.properties.field)).toEqual(['??', 'Hněvošický háj'])
  })

  test('qgis.zip reads its two polygons and ignores the qgis.mshp side file', async () => {
    const result = await readZip('shapefile-js', 'qgis.zip')
    expect(result.features).toHaveLength(2)
    expect(result.features.every((f) => f.geometry.type === 'Polygon')).toBe(true)
    expect(result.sourceSrid).toBe(4326)
  })

  test('T8Th4_6n.zip finds its Shapefile inside the export/ folder', async () => {
    const result = await readZip('shapefile-js', 'T8Th4_6n.zip')
    expect(result.layerName).toBe('POLYLINE')
    expect(result.features).toHaveLength(1)
    expect(result.features[0]?.properties).toEqual({ name: '1974.1004' })
  })

  test('SHP_Exclude.zip has no .prj and lon/lat values, so it is detected as EPSG:4490 in Belgium', async () => {
    const result = await readZip('shapefile-js', 'SHP_Exclude.zip')
    expect(result.crsSource).toBe('detected')
    expect(result.sourceSrid).toBe(4490)
    const [lon, lat] = firstPosition(result.features[0]!.geometry)
    expect(lon).toBeCloseTo(4.1761, 3)
    expect(lat).toBeCloseTo(50.9332, 3)
    expect(codes(result)).toEqual(['outside_district'])
    expect(result.features[0]?.properties.__ID42).toBe(-1102864799)
  })

  test('noshp.zip is refused as holding no .shp, naming what it holds', async () => {
    const error = await failure(readZip('shapefile-js', 'noshp.zip'))
    expect(error.code).toBe('no_shapefile')
    expect(error.message).toContain('counties.dbf')
  })

  test('badzip.zip is refused as not a zip', async () => {
    const error = await failure(readZip('shapefile-js', 'badzip.zip'))
    expect(error.code).toBe('not_a_zip')
  })

  test('train_stations.zip reads the .cst as UTF-8 and reprojects NAD83 Massachusetts to lon/lat', async () => {
    const result = await readZip('shapefile-js', 'train_stations.zip')
    expect(result.features).toHaveLength(361)
    expect(result.encodingSource).toBe('cpg')
    expect(result.sourceSrid).toBe(26986)
    // GDAL (ogr2ogr -t_srs EPSG:4326) gives -70.969767176 42.449798235 for RIVER WORKS
    const first = result.features[0]!
    expect(first.properties.station).toBe('RIVER WORKS')
    expect(firstPosition(first.geometry)[0]).toBeCloseTo(-70.969767176, 8)
    expect(firstPosition(first.geometry)[1]).toBeCloseTo(42.449798235, 8)
  })

  test('senate.zip reprojects 40 polygons from the ESRI State Plane .prj', async () => {
    const result = await readZip('shapefile-js', 'senate.zip')
    expect(result.features).toHaveLength(40)
    expect(result.sourceSrid).toBe(0)
    expect(result.sourceCrsName).toBe('NAD_1983_StatePlane_Massachusetts_Mainland_FIPS_2001')
    expect(result.encoding).toBe('windows-1252') // LDID 0x57
    // GDAL gives -71.624702 42.350465 for the first vertex
    expect(firstPosition(result.features[0]!.geometry)).toEqual([-71.624702, 42.350465])
  })

  test('mixedcase.zip finds senate.DBF in upper case', async () => {
    const result = await readZip('shapefile-js', 'mixedcase.zip')
    expect(result.features).toHaveLength(40)
    expect(result.features[0]?.properties.SEN_LAST).toBe('Chandler')
  })

  test('an HTML page saved as .prj is ignored with a warning and the CRS detected', async () => {
    const result = await readLoose('shapefile-js', 'htmlprj')
    expect(result.crsSource).toBe('detected')
    expect(result.warnings.join(' ')).toMatch(/htmlprj\.prj ignored.*not WKT/)
    expect(result.features).toHaveLength(2)
  })

  test('an HTML page saved as .cpg is ignored with a warning and the encoding detected', async () => {
    const result = await readLoose('shapefile-js', 'htmlcpg')
    expect(result.encodingSource).toBe('detected')
    expect(result.warnings.join(' ')).toMatch(/htmlcpg\.cpg ignored/)
    expect(result.features.map((f) => f.properties.field)).toContain('💩')
  })

  test('ipra_dresden_polygon reads an OGC WKT .prj with AUTHORITY as EPSG:4326', async () => {
    const result = await readLoose('shapefile-js', 'ipra_dresden_polygon')
    expect(result.sourceSrid).toBe(4326)
    expect(result.crsSource).toBe('prj')
    expect(firstPosition(result.features[0]!.geometry)).toEqual([-88.248416, 41.346216])
  })

  test('zero-len-line.zip reports its null shape and keeps the other two lines', async () => {
    const result = await readZip('shapefile-js', 'zero-len-line.zip')
    expect(result.features.map((f) => f.index)).toEqual([0, 2])
    expect(result.problems.find((p) => p.code === 'null_geometry')?.index).toBe(1)
  })
})

/** The readers round lon/lat to 1e-9°. */
function rounded(geometry: unknown): unknown {
  const round = (c: unknown): unknown =>
    typeof c === 'number' ? Math.round(c * 1e9) / 1e9 : Array.isArray(c) ? c.map(round) : c
  const g = geometry as { type: string; coordinates: unknown }
  return { type: g.type, coordinates: round(g.coordinates) }
}

/** mbostock's expected JSON leaves null properties out and writes dates as YYYYMMDD. */
function comparable(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(properties)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [
        k,
        typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v.replace(/-/g, '') : v,
      ]),
  )
}

describe.skipIf(!present)('mbostock-shapefile test data against its expected GeoJSON', () => {
  const names = present
    ? externalNames('mbostock-shapefile', '.json').map((n) => n.replace(/\.json$/, ''))
    : []

  test.each(names)('%s.shp reads as its .json says', async (name) => {
    const expected = JSON.parse(
      new TextDecoder().decode(externalFile('mbostock-shapefile', `${name}.json`)),
    )
    const result = await readLoose('mbostock-shapefile', name)
    type Expected = { geometry: Geometry | null; properties: Record<string, unknown> }
    const withGeometry = (expected.features as Expected[]).filter((f) => f.geometry !== null)
    expect(result.features.map((f) => f.geometry)).toEqual(
      withGeometry.map((f) => rounded(f.geometry)),
    )
    // fixtures whose JSON has no properties at all were made from the .shp alone
    if (withGeometry.some((f) => Object.keys(f.properties).length > 0)) {
      expect(result.features.map((f) => comparable(f.properties))).toEqual(
        withGeometry.map((f) => f.properties),
      )
    }
    const nulls = expected.features.length - withGeometry.length
    expect(result.problems.filter((p) => p.code === 'null_geometry')).toHaveLength(nulls)
  })

  test('latin1-property is read as Windows-1252 from its language driver 0x57: México', async () => {
    const result = await readLoose('mbostock-shapefile', 'latin1-property')
    expect(result.encoding).toBe('windows-1252')
    expect(result.encodingSource).toBe('ldid')
    expect(result.features[0]?.properties.name).toBe('México')
  })

  test('latin1-property with its language driver cleared is still México, not GBK mojibake', async () => {
    const members = externalMembers('mbostock-shapefile', 'latin1-property')
    const dbf = members.get('latin1-property.dbf')!.slice()
    dbf[29] = 0
    members.set('latin1-property.dbf', dbf)
    const result = await readMembers(members, options('latin1-property'))
    expect(result.encodingSource).toBe('detected')
    expect(result.features[0]?.properties.name).toBe('México')
  })

  test('utf8-property keeps the snowman field name and the Greek value', async () => {
    const result = await readLoose('mbostock-shapefile', 'utf8-property')
    expect(result.features[0]?.properties).toEqual({ '☃': 'ηελλο ςορλδ' })
  })

  test('a .shp without .shx or .dbf reads, with a warning that attributes are missing', async () => {
    const result = await readLoose('mbostock-shapefile', 'pointm')
    expect(result.features).toHaveLength(3)
    expect(result.warnings.join(' ')).toMatch(/pointm\.dbf is missing/)
    expect(result.warnings.join(' ')).toMatch(/Z and M values were dropped/)
  })
})

describe.skipIf(!present)('pyshp test data', () => {
  test('corrupt_too_long yields exactly its 10 records and ignores the junk after them', async () => {
    const result = await readLoose('pyshp', 'corrupt_too_long')
    expect(result.features).toHaveLength(10)
    expect(result.features.every((f) => f.geometry.type === 'LineString')).toBe(true)
    expect(result.warnings.join(' ')).toMatch(/bytes after record 10/)
  })

  test('empty_zipfile.zip is refused as holding no .shp', async () => {
    const error = await failure(readZip('pyshp', 'empty_zipfile.zip'))
    expect(error.code).toBe('no_shapefile')
    expect(error.message).toContain('dummyfile.txt')
  })

  test('REL.zip finds the Shapefile in its folder and reprojects MGI Austria Lambert', async () => {
    const result = await readZip('pyshp', 'REL.zip')
    expect(result.layerName).toBe('releaseArea20090407')
    expect(result.sourceCrsName).toBe('MGI_Austria_Lambert')
    // GDAL gives 12.273528117 46.931226305 for the first vertex
    const [lon, lat] = firstPosition(result.features[0]!.geometry)
    expect(lon).toBeCloseTo(12.273528117, 8)
    expect(lat).toBeCloseTo(46.931226305, 8)
  })

  test('latin1 without .cpg and with language driver 0 reads Ñandú, warning about the guess', async () => {
    const result = await readLoose('pyshp', 'latin1')
    expect(result.encodingSource).toBe('detected')
    expect(result.features[0]?.properties.Name).toBe('Ñandú')
    expect(result.warnings.join(' ')).toMatch(/Windows-1252/)
  })
})

describe.skipIf(!present)('geotools test data', () => {
  test('rus-windows-1251 reads Кириллица from its .cpg "Windows-1251" over its language driver', async () => {
    const result = await readLoose('geotools', 'rus-windows-1251')
    expect(result.encoding).toBe('windows-1251')
    expect(result.features[0]?.properties.TEXT).toBe('Кириллица')
  })

  test('danish_point without .cpg and with language driver 0 reads Charløtte', async () => {
    const result = await readLoose('geotools', 'danish_point')
    expect(result.features[0]?.properties.TEKST1).toBe('Charløtte')
    // ETRS89 UTM 32N-like .prj; GDAL gives 12.40852644 55.645687853
    expect(firstPosition(result.features[0]!.geometry)).toEqual([12.40852644, 55.645687853])
  })

  test('holeTouchEdge has no .prj and 7-digit eastings, so its CRS is asked for', async () => {
    const error = await failure(readLoose('geotools', 'holeTouchEdge'))
    expect(error.code).toBe('unknown_crs')
    expect(error.message).toContain('srid')
  })

  test('holeTouchEdge with a given srid keeps the hole that touches its shell inside it', async () => {
    const result = await readLoose('geotools', 'holeTouchEdge', { srid: 4549 })
    expect(result.crsSource).toBe('given')
    const geometry = result.features[0]!.geometry
    expect(geometry.type).toBe('Polygon')
    expect((geometry as { coordinates: unknown[] }).coordinates).toHaveLength(2)
  })

  test('extraAtEnd.shp reads its 3 records and reports the bytes its last record does not account for', async () => {
    const result = await readLoose('geotools', 'extraAtEnd')
    expect(result.features).toHaveLength(3)
    expect(result.warnings.join(' ')).toMatch(/80 bytes after record 3 \(offset 1500\)/)
  })
})

/**
 * What each geojsonhint file gives. geojsonhint's own verdicts are in the
 * .result files; where ours differ the reason is noted.
 */
const GEOJSONHINT_BAD: Record<
  string,
  { refused: true } | { features: number; problems: string[] }
> = {
  'bad-duplicate-properties.geojson': { refused: true }, // JSON.parse keeps the last "type": a Feature without geometry
  'bad-featurelist.geojson': { refused: true },
  'bad-json.geojson': { refused: true },
  'bad-object-type.geojson': { refused: true },
  'bad-polygon-interiorring-rhr.geojson': { features: 1, problems: [] }, // winding is a "should"; PostGIS does not care
  'bad-polygonloop.geojson': { refused: true },
  'bad-properties-as-array.geojson': { features: 0, problems: ['malformed_feature'] },
  'badcoord.geojson': { refused: true },
  'badcoordtype.geojson': { features: 0, problems: ['malformed_geometry'] }, // one bad feature of a collection
  'badfeature.geojson': { features: 0, problems: ['malformed_feature'] },
  'badfeatureid.geojson': { features: 1, problems: [] }, // an object id is dropped, the feature kept
  'bbox-4or6elements.geojson': { refused: true },
  'bbox-contains-string.geojson': { features: 1, problems: [] }, // bbox is not used
  'bbox-string.geojson': { refused: true },
  'different-first-last.geojson': { refused: true },
  'different-first-size.geojson': { refused: true },
  'excessive_precision_truncated.geojson': { features: 1, problems: [] }, // rounded to 1e-9°
  'expected_object.geojson': { features: 0, problems: ['malformed_feature'] },
  'false.geojson': { refused: true },
  'feature_changed_semantics.geojson': { features: 1, problems: [] }, // foreign members are ignored
  'featurecollection-obj.geojson': { refused: true },
  'featurecollection-type-case.geojson': { refused: true },
  'featurecollection.geojson': { refused: true },
  'featurecollection_changed_semantics.geojson': { features: 3, problems: [] },
  'geometry_changed_semantics.geojson': { features: 1, problems: [] },
  'geometrycollection_nested.geojson': { features: 0, problems: ['unsupported_geometry_type'] }, // mixed points and a collection
  'geometrycollection_single.geojson': { features: 1, problems: [] }, // one point: a MultiPoint
  'multiple_problems.geojson': {
    features: 1,
    problems: ['malformed_geometry', 'malformed_feature'],
  },
  'multipoint-multidimension.geojson': { refused: true },
  'multipoint-nondimension.geojson': { refused: true },
  'nofeaturetype.geojson': { features: 0, problems: ['malformed_feature'] },
  'notype.geojson': { refused: true },
  'point-labeled-as-a-multipolygon.geojson': { refused: true },
  'point-string.geojson': { refused: true },
  'point-toofew.geojson': { refused: true },
  'point-toomany.geojson': { features: 1, problems: [] }, // positions are cut to x, y
  'point.geojson': { refused: true },
  'polygon_winding_order.geojson': { features: 1, problems: [] },
  'rootstring.geojson': { refused: true },
  'short-line.geojson': { refused: true },
  'short-linearring.geojson': { refused: true },
  'short-multilinestring.geojson': { refused: true },
  'stringcoord.geojson': { features: 1, problems: ['malformed_geometry'] },
  'unknowntype.geojson': { refused: true },
}

describe.skipIf(!present)('geojsonhint test data', () => {
  const good = present ? externalNames('geojsonhint/good', '.geojson') : []
  const bad = present ? externalNames('geojsonhint/bad', '.geojson') : []

  test.each(good)('good/%s reads without being refused', async (name) => {
    const result = await readZip('geojsonhint/good', name)
    expect(result.format).toBe('geojson')
    expect(
      result.features.length + result.problems.filter((p) => p.code !== 'outside_district').length,
    ).toBeGreaterThan(0)
  })

  test('every bad file has an expectation in the table', () => {
    expect(bad.sort()).toEqual(Object.keys(GEOJSONHINT_BAD).sort())
  })

  test.each(bad)('bad/%s gives the expected verdict', async (name) => {
    const expected = GEOJSONHINT_BAD[name]!
    const reading = readZip('geojsonhint/bad', name)
    if ('refused' in expected) {
      expect((await failure(reading)).code).toBe('invalid_geojson')
      return
    }
    const result = await reading
    expect(result.features).toHaveLength(expected.features)
    expect(
      codes(result).filter((c) => c !== 'outside_district' && c !== 'coordinates_out_of_range'),
    ).toEqual(expected.problems)
  })

  test('good/issue82 holds values beyond ±180/±90 and reports them per feature', async () => {
    const result = await readZip('geojsonhint/good', 'issue82.geojson')
    expect(result.crsSource).toBe('default')
    expect(codes(result)).toEqual(['coordinates_out_of_range'])
  })

  test('a JSON syntax error names the line and column', async () => {
    const error = await failure(readZip('geojsonhint/bad', 'bad-json.geojson'))
    expect(error.message).toMatch(/line 3, column \d+/)
  })
})

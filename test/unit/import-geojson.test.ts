// The GeoJSON reader: text decoding, syntax errors, the "crs" member,
// coordinates that JSON can hold but a map cannot, and GCJ-02 input.
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import iconv from 'iconv-lite'
import { describe, expect, test } from 'vitest'
import { readUpload } from '../../server/src/import/read.ts'
import { syntaxErrorOffset } from '../../server/src/import/geojson.ts'
import { toGcj02 } from '../../server/src/import/gcj02.ts'
import { DEFAULT_LIMITS, type ReadOptions, type ReadResult } from '../../server/src/import/types.ts'

function read(text: string | Uint8Array, extra: Partial<ReadOptions> = {}): Promise<ReadResult> {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text
  return readUpload(bytes, { fileName: 'parcels.geojson', limits: { ...DEFAULT_LIMITS }, ...extra })
}

function collection(features: Feature<Geometry | null>[], extra: object = {}): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    ...extra,
    features,
  } satisfies FeatureCollection<Geometry | null>)
}

function point(code: string, coordinates: number[]): Feature {
  return {
    type: 'Feature',
    properties: { 地块编码: code },
    geometry: { type: 'Point', coordinates },
  }
}

describe('decoding and syntax', () => {
  test('a UTF-8 BOM is dropped and Chinese properties kept', async () => {
    const result = await read('\uFEFF' + collection([point('TH-1', [120.5, 36.4])]))
    expect(result.features[0]?.properties.地块编码).toBe('TH-1')
    expect(result.crsSource).toBe('default')
    expect(result.sourceSrid).toBe(4490)
  })

  test('a GBK-encoded file is read with a warning', async () => {
    const text = collection([
      { ...point('TH-1', [120.5, 36.4]), properties: { 名称: '王家庄村北闲置厂房' } },
    ])
    const result = await read(iconv.encode(text, 'gbk'))
    expect(result.features[0]?.properties.名称).toBe('王家庄村北闲置厂房')
    expect(result.warnings.join(' ')).toMatch(/not UTF-8; its bytes read as GBK/)
  })

  test('a syntax error is refused naming its line and column', async () => {
    const text =
      '{"type": "FeatureCollection",\n "features": [\n  {"type": "Feature" "geometry": null}\n ]}'
    await expect(read(text)).rejects.toMatchObject({
      code: 'invalid_geojson',
      message: /line 3, column 22/,
    })
  })

  test.each([
    ['{"a": 1,\n "b": }', 15],
    ['[1, 2', 5],
    ['{"a" 1}', 5],
    ['{"a": tru}', 6],
    ['[1,]', 3],
    ['{"a": [1, 2}', 11],
    ['"unterminated', 0],
  ])('the scan finds the error in %j at offset %i', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow()
    expect(syntaxErrorOffset(text)).toBe(offset)
  })

  test('a top level that is not a GeoJSON object is refused, listing the first errors', async () => {
    await expect(read('{"type": "Topology", "objects": {}}')).rejects.toMatchObject({
      code: 'invalid_geojson',
      message: /type must be one of/,
    })
  })
})

describe('coordinates', () => {
  test('1e999 (Infinity once parsed) is reported as non-finite and the feature left out', async () => {
    const text =
      '{"type":"FeatureCollection","features":[' +
      '{"type":"Feature","properties":{"地块编码":"INF"},"geometry":{"type":"Point","coordinates":[1e999,36.4]}},' +
      '{"type":"Feature","properties":{"地块编码":"OK"},"geometry":{"type":"Point","coordinates":[120.5,36.4]}}]}'
    const result = await read(text)
    expect(result.features.map((f) => f.properties.地块编码)).toEqual(['OK'])
    expect(result.problems[0]).toMatchObject({
      index: 0,
      code: 'non_finite_coordinates',
      message: /INF.*Infinity 36\.4/,
    })
  })

  test('a latitude of 95 is out of range for lon/lat; the other features still decide the CRS', async () => {
    const result = await read(
      collection([point('A', [120.5, 36.4]), point('B', [120.5, 95]), point('C', [120.6, 36.5])]),
    )
    expect(result.sourceSrid).toBe(4490)
    expect(result.features.map((f) => f.properties.地块编码)).toEqual(['A', 'C'])
    expect(result.problems).toEqual([
      expect.objectContaining({
        index: 1,
        code: 'coordinates_out_of_range',
        message: expect.stringContaining('120.5 95'),
      }),
    ])
  })

  test('a point outside Jimo is kept and reported with the coordinate', async () => {
    const result = await read(collection([point('QD', [120.38, 36.07])]))
    expect(result.features).toHaveLength(1)
    expect(result.problems[0]).toMatchObject({
      code: 'outside_district',
      message: /120\.38 36\.07/,
    })
  })

  test('a null geometry is reported as null_geometry', async () => {
    const result = await read(
      collection([{ type: 'Feature', properties: { 地块编码: 'N' }, geometry: null }]),
    )
    expect(result.problems[0]).toMatchObject({
      code: 'null_geometry',
      message: 'feature 0 (地块编码 N): it has no geometry',
    })
  })

  test('Z values are dropped and lon/lat rounded to 1e-9°', async () => {
    const result = await read(collection([point('Z', [120.12345678912345, 36.4, 12.5])]))
    expect(result.features[0]?.geometry).toEqual({
      type: 'Point',
      coordinates: [120.123456789, 36.4],
    })
  })

  test('a GeometryCollection of polygons becomes a MultiPolygon', async () => {
    const square = (x: number) => [
      [
        [x, 36.4],
        [x + 0.01, 36.4],
        [x + 0.01, 36.41],
        [x, 36.4],
      ],
    ]
    const text = JSON.stringify({
      type: 'GeometryCollection',
      geometries: [
        { type: 'Polygon', coordinates: square(120.5) },
        { type: 'Polygon', coordinates: square(120.6) },
      ],
    })
    const result = await read(text)
    expect(result.features[0]?.geometry).toEqual({
      type: 'MultiPolygon',
      coordinates: [square(120.5), square(120.6)],
    })
  })
})

describe('the crs member and the srid', () => {
  // cs2cs -f %.10f EPSG:4549 EPSG:4490: 567200 4037950 → 120.7497784351 36.4699385915
  test.each([
    'urn:ogc:def:crs:EPSG::4549',
    'EPSG:4549',
    'http://www.opengis.net/def/crs/EPSG/0/4549',
  ])('a crs named %s is reprojected from Gauss-Krüger metres', async (name) => {
    const result = await read(
      collection([point('GK', [567200, 4037950])], { crs: { type: 'name', properties: { name } } }),
    )
    expect(result.crsSource).toBe('geojson_crs')
    expect(result.sourceSrid).toBe(4549)
    const [lon, lat] = (result.features[0]?.geometry as { coordinates: number[] }).coordinates
    expect(Math.abs(lon! - 120.7497784351)).toBeLessThan(1e-7)
    expect(Math.abs(lat! - 36.4699385915)).toBeLessThan(1e-7)
  })

  test('urn:ogc:def:crs:EPSG::4490 keeps x as longitude, as GeoJSON files in practice do', async () => {
    const crs = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4490' } }
    const result = await read(collection([point('A', [120.5, 36.4])], { crs }))
    expect(result.features[0]?.geometry).toEqual({ type: 'Point', coordinates: [120.5, 36.4] })
  })

  test('OGC CRS84 is WGS 84 lon/lat', async () => {
    const crs = { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } }
    expect((await read(collection([point('A', [120.5, 36.4])], { crs }))).sourceSrid).toBe(4326)
  })

  test('a crs we cannot transform from is refused naming it and asking for the srid', async () => {
    const crs = { type: 'name', properties: { name: 'EPSG:31466' } }
    await expect(read(collection([point('A', [2500000, 5600000])], { crs }))).rejects.toMatchObject(
      {
        code: 'unsupported_crs',
        message: expect.stringMatching(/EPSG:31466.*srid/),
      },
    )
  })

  test('Gauss-Krüger metres without a crs member are detected as EPSG:4549', async () => {
    const result = await read(collection([point('GK', [567200, 4037950])]))
    expect(result.crsSource).toBe('detected')
    expect(result.sourceSrid).toBe(4549)
  })
})

describe('GCJ-02 input', () => {
  test('the gcj02 option moves AMap coordinates back onto CGCS2000 within 0.5 m', async () => {
    const truth = [120.45, 36.39]
    const gcj = toGcj02(truth[0]!, truth[1]!)
    const result = await read(collection([point('AMAP', gcj)]), { gcj02: true })
    expect(result.gcj02).toBe(true)
    const [lon, lat] = (result.features[0]?.geometry as { coordinates: number[] }).coordinates
    // 1e-6° is ~0.1 m here
    expect(Math.abs(lon! - truth[0]!)).toBeLessThan(5e-6)
    expect(Math.abs(lat! - truth[1]!)).toBeLessThan(5e-6)
  })
})

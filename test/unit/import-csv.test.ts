// The CSV reader and its WKT geometry: RFC 4180 quoting, code pages, and
// a report per row that cannot be read.
import iconv from 'iconv-lite'
import { describe, expect, test } from 'vitest'
import { csvField } from '../../server/src/export/csv.ts'
import { parseRecords, readCsv } from '../../server/src/import/csv.ts'
import { DEFAULT_LIMITS } from '../../server/src/import/types.ts'
import { parseWktGeometry } from '../../server/src/import/wkt-geometry.ts'

const options = { fileName: 'parcels.csv', limits: DEFAULT_LIMITS }
const encode = (text: string) => new TextEncoder().encode(text)

describe('RFC 4180 records', () => {
  test('quoted fields keep commas, doubled quotes and line breaks; CRLF and LF both end a record', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","line 1\nline 2"\n1,,3\r\n\r\n'
    expect(parseRecords(text).map((r) => r.cells)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'line 1\nline 2'],
      ['1', '', '3'],
    ])
  })

  test('each record knows the line it starts on, past line breaks inside quotes', () => {
    const records = parseRecords('h\n"a\nb"\nc')
    expect(records.map((r) => r.line)).toEqual([1, 2, 4])
  })
})

describe('the CSV reader', () => {
  const header = '地块编码,地块名称,WKT\r\n'
  const row = 'A-1,"仓库,北","POLYGON((120.5 36.4,120.501 36.4,120.501 36.401,120.5 36.4))"\r\n'

  test('reads UTF-8 with a BOM, empty cells as null, geometry from the WKT column', () => {
    const layer = readCsv(encode('\uFEFF' + header + row + 'A-2,,\r\n'), options)
    expect(layer).toMatchObject({
      encoding: 'utf-8',
      encodingSource: 'detected',
      problems: [],
      crs: null,
    })
    expect(layer.features[0]).toMatchObject({
      index: 0,
      properties: { 地块编码: 'A-1', 地块名称: '仓库,北' },
    })
    expect(layer.features[0]!.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [120.5, 36.4],
          [120.501, 36.4],
          [120.501, 36.401],
          [120.5, 36.4],
        ],
      ],
    })
    expect(layer.features[1]).toMatchObject({ geometry: null, properties: { 地块名称: null } })
  })

  test('falls back to GBK when the bytes are not UTF-8, and says so', () => {
    const layer = readCsv(new Uint8Array(iconv.encode(header + row, 'gbk')), options)
    expect(layer.encoding).toBe('gbk')
    expect(layer.features[0]!.properties.地块名称).toBe('仓库,北')
    expect(layer.warnings.join()).toMatch(/not UTF-8.*GBK/)
  })

  test('reports a row whose WKT cannot be read, naming its line, and keeps the others', () => {
    const layer = readCsv(encode(header + row + 'A-3,x,"POLYGON((120.5 36.4,120.6))"\r\n'), options)
    expect(layer.features).toHaveLength(1)
    expect(layer.problems).toEqual([
      expect.objectContaining({ index: 1, code: 'malformed_geometry' }),
    ])
    expect(layer.problems[0]!.message).toMatch(/A-3.*line 3/)
  })

  test('takes the CRS from an EWKT prefix shared by every row', () => {
    const layer = readCsv(encode('code,WKT\nA,SRID=4549;POINT(520000 4030000)\n'), options)
    expect(layer.crs?.srid).toBe(4549)
  })

  test('refuses a file without a geometry column, naming the columns it has', () => {
    expect(() => readCsv(encode('地块编码,名称\nA,B\n'), options)).toThrow(
      /no WKT geometry column among 地块编码, 名称/,
    )
  })
})

describe('WKT geometry', () => {
  test('reads MULTIPOLYGON with holes, Z coordinates and EMPTY', () => {
    expect(
      parseWktGeometry(
        'MULTIPOLYGON Z (((0 0 1,4 0 1,4 4 1,0 0 1),(1 1 1,2 1 1,2 2 1,1 1 1)),((5 5 0,6 5 0,6 6 0,5 5 0)))',
      ).geometry,
    ).toEqual({
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [0, 0],
            [4, 0],
            [4, 4],
            [0, 0],
          ],
          [
            [1, 1],
            [2, 1],
            [2, 2],
            [1, 1],
          ],
        ],
        [
          [
            [5, 5],
            [6, 5],
            [6, 6],
            [5, 5],
          ],
        ],
      ],
    })
    expect(parseWktGeometry('POLYGON EMPTY').geometry).toEqual({ type: 'Polygon', coordinates: [] })
    expect(parseWktGeometry('MULTIPOINT (1 2, (3 4))').geometry).toEqual({
      type: 'MultiPoint',
      coordinates: [
        [1, 2],
        [3, 4],
      ],
    })
  })

  test('says what is wrong with text that is not WKT', () => {
    expect(() => parseWktGeometry('POLYGON((0 0,1 1)')).toThrow(/ends where "\)" was expected/)
    expect(() => parseWktGeometry('CIRCLE(0 0, 1)')).toThrow(/"CIRCLE" is not a WKT geometry type/)
    expect(() => parseWktGeometry('POINT(1 2) x')).toThrow(/text follows the geometry/)
  })
})

describe('formula-like text', () => {
  test('is written with a leading apostrophe, so a spreadsheet shows it as text, and read back as it was', () => {
    const names = ['=HYPERLINK("http://x","点我")', '+86 电话', '-3 号地', '@备注', '普通名称']
    const cells = names.map((name) => csvField(name))
    expect(cells.slice(0, 4).every((cell) => cell.replace(/^"/, '').startsWith("'"))).toBe(true)
    expect(cells[4]).toBe('普通名称')
    expect(csvField(-3)).toBe('-3')
    const text = `地块编码,地块名称,WKT\r\n${names.map((_, i) => `A-${i},${cells[i]},"POLYGON((120.5 36.4,120.501 36.4,120.501 36.401,120.5 36.4))"`).join('\r\n')}\r\n`
    const layer = readCsv(encode(text), options)
    expect(layer.features.map((f) => f.properties['地块名称'])).toEqual(names)
  })
})

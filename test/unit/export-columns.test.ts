// The columns of the CSV, DBF and XLSX exports against the importer's
// column mapping: every name an export writes must read back as the
// property it came from.
import iconv from 'iconv-lite'
import { describe, expect, test } from 'vitest'
import { EXPORT_COLUMNS } from '../../server/src/export/columns.ts'
import type { ExportRow } from '../../server/src/export/rows.ts'
import { mapParcelAttributes, planColumns } from '../../server/src/import/mapping.ts'

/** What the importer should make of each export column. */
const EXPECTED: Record<string, object> = {
  code: { field: 'code' },
  name: { field: 'name' },
  town: { field: 'town' },
  town_name: { field: null, repeats: 'town' },
  village: { field: 'village' },
  village_name: { field: null, repeats: 'village' },
  category: { field: 'category' },
  subtype: { field: 'subtype' },
  status: { field: 'status' },
  problems: { field: 'problems' },
  ownership: { field: 'ownership' },
  location: { field: 'location' },
  intended_use: { field: 'intended_use' },
  declared_area_mu: { field: 'declared_area_mu', unit: 'mu' },
  area_mu: { field: null, role: 'derived' },
  area_m2: { field: null, role: 'derived' },
  attributes: { field: null, role: 'attributes' },
}

const ROW: ExportRow = {
  id: 7,
  code: 'TH-0153',
  name: '王家庄村北闲置厂房',
  town: '370215101',
  town_name: '田横镇',
  village: '370215101007',
  village_name: '王家庄村',
  category: 'idle_industrial',
  subtype: '长期闲置的工业厂房',
  status: 'publicized',
  problems: ['contract', 'encroachment'],
  ownership: '王家庄村股份经济合作社',
  declared_area_mu: 12.35,
  location: '王家庄村北',
  intended_use: '仓储',
  attributes: { 备注: '村委会提供' },
  area_m2: 8240.5,
  version: 3,
  updated_at: '2025-06-01T00:00:00Z',
  updated_by: 'admin',
  geometry: null,
}

const context = {
  resolveTown: (v: string) => (v === '田横镇' || v === '370215101' ? '370215101' : undefined),
  resolveVillage: (v: string) =>
    v === '王家庄村' || v === '370215101007' ? '370215101007' : undefined,
}

describe.each([
  ['CSV and XLSX headers', (c: (typeof EXPORT_COLUMNS)[number]) => c.header],
  ['GBK DBF names', (c: (typeof EXPORT_COLUMNS)[number]) => c.gbk],
  ['UTF-8 DBF names', (c: (typeof EXPORT_COLUMNS)[number]) => c.ascii],
])('the %s', (_, nameOf) => {
  const names = EXPORT_COLUMNS.map(nameOf)

  test('map back to the property each column came from', () => {
    const planned = planColumns(names)
    EXPORT_COLUMNS.forEach((column, i) =>
      expect(planned[i], column.key).toMatchObject(EXPECTED[column.key]!),
    )
  })

  test('give back the parcel, its other attributes, and nothing else', () => {
    const properties = Object.fromEntries(EXPORT_COLUMNS.map((c) => [nameOf(c), c.value(ROW)]))
    const result = mapParcelAttributes(properties, {}, context)
    expect(result.parcel).toEqual({
      code: 'TH-0153',
      name: '王家庄村北闲置厂房',
      town: '370215101',
      village: '370215101007',
      category: 'idle_industrial',
      subtype: '长期闲置的工业厂房',
      status: 'publicized',
      problems: ['contract', 'encroachment'],
      ownership: '王家庄村股份经济合作社',
      declared_area_mu: 12.35,
      location: '王家庄村北',
      intended_use: '仓储',
    })
    expect(result.extra).toEqual({ 备注: '村委会提供' })
    expect(result.unmatched).toEqual([])
  })
})

describe('DBF field names', () => {
  test('fit in 10 bytes: Chinese in GBK, ASCII in UTF-8, each unique', () => {
    for (const column of EXPORT_COLUMNS) {
      expect(iconv.encode(column.gbk, 'gbk').length, column.gbk).toBeLessThanOrEqual(10)
      expect(column.ascii, column.key).toMatch(/^[A-Z0-9_]{1,10}$/)
    }
    expect(new Set(EXPORT_COLUMNS.map((c) => c.gbk)).size).toBe(EXPORT_COLUMNS.length)
    expect(new Set(EXPORT_COLUMNS.map((c) => c.ascii)).size).toBe(EXPORT_COLUMNS.length)
  })

  test('every area column says its unit', () => {
    for (const column of EXPORT_COLUMNS.filter((c) => c.decimals !== undefined)) {
      expect(column.header, column.key).toMatch(/\((亩|平方米)\)$/)
      expect(column.meaning, column.key).toMatch(/亩|m²/)
    }
  })
})

describe('an API answer saved to a file', () => {
  test('reads back without the read-only properties, problems as an array, attributes merged', () => {
    const result = mapParcelAttributes({
      id: 7,
      code: 'A',
      problems: ['contract'],
      attributes: { 备注: 'x' },
      area_m2: 1,
      area_mu: 0.0015,
      version: 2,
      updated_at: '2025-06-01T00:00:00Z',
      updated_by: 'admin',
      其他: 'y',
    })
    expect(result.parcel).toEqual({ code: 'A', problems: ['contract'] })
    expect(result.extra).toEqual({ 备注: 'x', 其他: 'y' })
  })

  test('keeps a plain id or area column of any other file', () => {
    const result = mapParcelAttributes({ 地块编码: 'A', id: 7, 面积: 2, 面积平方米: 1000 })
    expect(result.extra).toEqual({ id: 7, 面积平方米: 1000 })
    expect(result.parcel.declared_area_mu).toBe(2)
  })
})

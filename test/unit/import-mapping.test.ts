// From a file's columns to parcel properties: Chinese names, pinyin
// initials, DBF names cut to 10 bytes, and values turned into codes.
import { describe, expect, test } from 'vitest'
import { AUTO_COLUMNS, autoColumn, mapParcelAttributes } from '../../server/src/import/mapping.ts'

const TOWNS: Record<string, string> = { 田横镇: '370215101', 环秀街道: '370215001' }
const context = {
  resolveTown: (value: string) =>
    TOWNS[value] ?? (Object.values(TOWNS).includes(value) ? value : undefined),
  resolveVillage: (value: string, town: string | undefined) =>
    value === '王家庄村' && town === '370215101' ? '370215101007' : undefined,
}

describe('automatic column mapping', () => {
  test('common Chinese columns fill the parcel, converting names to codes', () => {
    const result = mapParcelAttributes(
      {
        地块编码: 'TH-0153',
        地块名称: '王家庄村北闲置厂房',
        镇街: '田横镇',
        村名: '王家庄村',
        类型: '闲置低效工业用地',
        面积亩: 12.35,
        权属单位: '王家庄村股份经济合作社',
        坐落: '王家庄村北',
        状态: '公示中',
        规划用途: '仓储',
        问题: '侵占集体资产资源；合同签订不规范',
        备注: '村委会提供',
      },
      {},
      context,
    )
    expect(result.parcel).toEqual({
      code: 'TH-0153',
      name: '王家庄村北闲置厂房',
      town: '370215101',
      village: '370215101007',
      category: 'idle_industrial',
      declared_area_mu: 12.35,
      ownership: '王家庄村股份经济合作社',
      location: '王家庄村北',
      status: 'publicized',
      intended_use: '仓储',
      problems: ['contract', 'encroachment'],
    })
    expect(result.extra).toEqual({ 备注: '村委会提供' })
    expect(result.used.地块编码).toBe('code')
    expect(result.unmatched).toEqual([])
  })

  test.each([
    ['工业用地', 'idle_industrial'],
    ['集体建设用地', 'collective_construction'],
    ['可集约利用', 'intensive_use'],
    ['intensive_use', 'intensive_use'],
    ['撂荒土地', 'intensive_use'],
  ])('the category %s maps to %s', (value, code) => {
    expect(mapParcelAttributes({ 地类: value }).parcel.category).toBe(code)
  })

  test('an area column in square metres is converted to 亩 (× 15 / 10000)', () => {
    expect(mapParcelAttributes({ '面积（平方米）': 6666.67 }).parcel.declared_area_mu).toBeCloseTo(
      10.000005,
      6,
    )
    expect(mapParcelAttributes({ TBMJ: 1000 }).parcel.declared_area_mu).toBe(1.5)
    expect(mapParcelAttributes({ 面积公顷: 2 }).parcel.declared_area_mu).toBe(30)
  })

  test('DBF names cut to 10 bytes still map: 地块编 (UTF-8, clean cut) and 地块编 plus a broken byte', () => {
    expect(autoColumn('地块编')?.field).toBe('code')
    expect(autoColumn('地块编\uFFFD')?.field).toBe('code')
    expect(autoColumn('面积平')).toMatchObject({ field: 'declared_area_mu', unit: 'm2' })
    // a prefix that is not a 10-byte cut of any known name is not guessed at
    expect(autoColumn('地块')).toBeUndefined()
  })

  test('a numeric 地块编码 keeps all its digits', () => {
    expect(mapParcelAttributes({ DKBM: 370215101007001 }).parcel.code).toBe('370215101007001')
  })

  test('a town name not in the list stays in extra and is listed as unmatched', () => {
    const result = mapParcelAttributes({ 镇街: '城阳区' }, {}, context)
    expect(result.parcel.town).toBeUndefined()
    expect(result.extra).toEqual({ 镇街: '城阳区' })
    expect(result.unmatched).toEqual([{ column: '镇街', field: 'town', value: '城阳区' }])
  })

  test('an explicit mapping wins, and null keeps a column out of the parcel', () => {
    const result = mapParcelAttributes({ 标识: 'X-1', 编号: '7' }, { 标识: 'code', 编号: null })
    expect(result.parcel).toEqual({ code: 'X-1' })
    expect(result.extra).toEqual({ 编号: '7' })
  })

  test('of two columns for the same property the first wins and the second goes to extra', () => {
    const result = mapParcelAttributes({ 地块编码: 'A', 编号: 'B' })
    expect(result.parcel.code).toBe('A')
    expect(result.extra).toEqual({ 编号: 'B' })
  })

  test('the automatic table names each property at least once', () => {
    const fields = new Set(AUTO_COLUMNS.map((c) => c.field))
    expect([...fields].sort()).toEqual([
      'category',
      'code',
      'declared_area_mu',
      'intended_use',
      'location',
      'name',
      'ownership',
      'problems',
      'status',
      'subtype',
      'town',
      'village',
    ])
  })
})

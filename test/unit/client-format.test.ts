import { afterEach, describe, expect, it } from 'vitest'
import { darken, parseHex } from '../../client/src/domain/color.ts'
import {
  formatArea,
  formatNumber,
  m2FromMu,
  muFromM2,
  parcelLabel,
} from '../../client/src/format/area.ts'
import { problemName, roleName, statusName } from '../../client/src/format/names.ts'
import { labelPoint, pointInRings } from '../../server/src/domain/label-point.ts'
import { setLanguage, t } from '../../client/src/i18n/index.ts'

afterEach(() => setLanguage('zh-CN'))

describe('area formatting', () => {
  it('converts between m² and 亩 at 10000/15 m² per 亩', () => {
    expect(muFromM2(10000)).toBe(15)
    expect(m2FromMu(15)).toBeCloseTo(10000, 9)
    expect(muFromM2(m2FromMu(3.25))).toBeCloseTo(3.25, 12)
  })

  it('writes two decimals with thousands separators, and a dash for no value', () => {
    expect(formatNumber(2166.666)).toBe('2,166.67')
    expect(formatNumber(0)).toBe('0.00')
    expect(formatNumber(null)).toBe('—')
    expect(formatNumber(Number.NaN)).toBe('—')
  })

  it('shows 亩 first and m² beside it', () => {
    expect(formatArea(3.25, 2166.67)).toBe('3.25 亩 (2,166.67 m²)')
  })

  it('derives the missing one of 亩 and m² from the other', () => {
    expect(formatArea(1.5)).toBe('1.50 亩 (1,000.00 m²)')
    expect(formatArea(null, 1000)).toBe('1.50 亩 (1,000.00 m²)')
    expect(formatArea(null, null)).toBe('—')
  })

  it('words the unit in the interface language', () => {
    setLanguage('en')
    expect(formatArea(3.25, 2166.67)).toBe('3.25 mu (2,166.67 m²)')
  })

  it('labels a parcel with its code over its area in 亩', () => {
    expect(parcelLabel('370215101007-012', 3.2512)).toBe('370215101007-012\n3.25 亩')
    expect(parcelLabel('370215101007-013', null)).toBe('370215101007-013')
  })
})

describe('names of codes', () => {
  it('names every parcel status in Chinese', () => {
    const names = ['registered', 'publicized', 'recovering', 'recovered', 'reused'].map(statusName)
    expect(names).toEqual(['已登记', '公示中', '清收中', '已收回', '已盘活'])
  })

  it('names statuses in English after the switch', () => {
    setLanguage('en')
    expect(statusName('publicized')).toBe('Publicized')
  })

  it('shows an unknown code as it came rather than hiding it', () => {
    expect(statusName('archived')).toBe('archived')
    expect(problemName('noise')).toBe('noise')
  })

  it('names roles, with the town of a town editor', () => {
    expect(roleName('admin')).toBe('区级管理员')
    expect(roleName('analyst')).toBe('区自然资源局分析员')
    expect(roleName('viewer')).toBe('只读用户')
    expect(roleName('town_editor', '通济街道')).toBe('镇街编辑（通济街道）')
    expect(roleName('town_editor')).toBe('镇街编辑')
  })

  it('names problems', () => {
    expect(problemName('encroachment')).toBe('侵占集体资产资源')
  })

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('map.count', { shown: 12 })).toBe('当前视图 12 个地块')
    expect(t('map.truncated', { shown: 10 })).toContain('{matched}')
  })
})

describe('colors', () => {
  it('parses short and long hex colors', () => {
    expect(parseHex('#ff8000')).toEqual([255, 128, 0])
    expect(parseHex('#f80')).toEqual([255, 136, 0])
    expect(parseHex('orange')).toBeNull()
  })

  it('darkens towards black', () => {
    expect(darken('#c86432', 0.5)).toBe('#643219')
    expect(darken('not a color')).toBe('not a color')
  })
})

describe('label points', () => {
  const square = [
    [0, 0],
    [4, 0],
    [4, 4],
    [0, 4],
    [0, 0],
  ]

  it('puts the label of a convex parcel at its centroid', () => {
    expect(labelPoint({ type: 'Polygon', coordinates: [square] })).toEqual([2, 2])
  })

  it('keeps the label of a C-shaped parcel inside it', () => {
    // A square with a notch cut from the east side through the centre.
    const cShape = [
      [0, 0],
      [4, 0],
      [4, 1],
      [1, 1],
      [1, 3],
      [4, 3],
      [4, 4],
      [0, 4],
      [0, 0],
    ]
    const point = labelPoint({ type: 'Polygon', coordinates: [cShape] })
    expect(point).not.toBeNull()
    expect(pointInRings(point!, [cShape])).toBe(true)
  })

  it('keeps the label out of a hole', () => {
    const hole = [
      [1, 1],
      [1, 3],
      [3, 3],
      [3, 1],
      [1, 1],
    ]
    const point = labelPoint({ type: 'Polygon', coordinates: [square, hole] })
    expect(pointInRings(point!, [square, hole])).toBe(true)
  })

  it('labels the largest part of a multipolygon', () => {
    const small = [
      [10, 10],
      [11, 10],
      [11, 11],
      [10, 11],
      [10, 10],
    ]
    expect(labelPoint({ type: 'MultiPolygon', coordinates: [[small], [square]] })).toEqual([2, 2])
  })
})

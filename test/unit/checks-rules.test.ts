import { describe, expect, it } from 'vitest'
import { parseRule, resolveRule, type Rule } from '../../server/src/checks/rules.ts'

let id = 0
const rule = (fields: Partial<Rule>): Rule => ({
  id: ++id, kind: 'overlap', zone_class: 'basic_farmland', category: null, intended_use: null, occupation_kind: null,
  severity: 'warning', basis_zh: '依据', basis_en: 'basis', ...fields,
})

const RULES = [
  rule({ severity: 'warning' }),
  rule({ intended_use: 'agriculture', severity: 'info' }),
  rule({ intended_use: 'industrial', severity: 'conflict' }),
  rule({ category: 'collective_construction', severity: 'conflict' }),
  rule({ category: 'collective_construction', intended_use: 'agriculture', severity: 'info' }),
  rule({ zone_class: 'urban_boundary', severity: 'info' }),
  rule({ kind: 'encroachment', zone_class: 'road_control', severity: 'conflict' }),
  rule({ kind: 'encroachment', zone_class: 'road_control', occupation_kind: 'pile', severity: 'warning' }),
]

const severity = (key: Parameters<typeof resolveRule>[1]) => resolveRule(RULES, key)?.severity

describe('the severity rule table', () => {
  it('takes the rule naming both category and use over one naming the use, over one naming the category, over the class alone', () => {
    expect(severity({ kind: 'overlap', zoneClass: 'basic_farmland', category: 'collective_construction', intendedUse: 'agriculture' })).toBe('info')
    expect(severity({ kind: 'overlap', zoneClass: 'basic_farmland', category: 'intensive_use', intendedUse: 'industrial' })).toBe('conflict')
    expect(severity({ kind: 'overlap', zoneClass: 'basic_farmland', category: 'collective_construction', intendedUse: 'ecology' })).toBe('conflict')
    expect(severity({ kind: 'overlap', zoneClass: 'basic_farmland', category: 'intensive_use', intendedUse: 'ecology' })).toBe('warning')
    expect(severity({ kind: 'overlap', zoneClass: 'basic_farmland', category: 'intensive_use', intendedUse: null })).toBe('warning')
  })

  it('grades occupations by zone class and occupation kind, and finds nothing for a class without rules', () => {
    expect(severity({ kind: 'encroachment', zoneClass: 'road_control', occupationKind: 'pile' })).toBe('warning')
    expect(severity({ kind: 'encroachment', zoneClass: 'road_control', occupationKind: 'building' })).toBe('conflict')
    expect(severity({ kind: 'overlap', zoneClass: 'sea_area', category: 'intensive_use' })).toBeUndefined()
  })

  it('refuses a rule that mixes the two kinds, names an unknown category or severity, or lacks its basis', () => {
    const base = { kind: 'overlap', zone_class: 'basic_farmland', severity: 'conflict', basis_zh: '依据', basis_en: 'basis' }
    expect(parseRule(base)).toMatchObject({ ...base, category: null, intended_use: null, occupation_kind: null })
    expect(() => parseRule({ ...base, occupation_kind: 'pile' })).toThrow(/occupation_kind/)
    expect(() => parseRule({ ...base, kind: 'encroachment', category: 'intensive_use' })).toThrow(/category/)
    expect(() => parseRule({ ...base, category: 'farmland' })).toThrow(/category/)
    expect(() => parseRule({ ...base, severity: 'fatal' })).toThrow(/severity/)
    expect(() => parseRule({ ...base, basis_en: '' })).toThrow(/basis_en/)
    expect(() => parseRule({ ...base, zone_class: 'Basic Farmland' })).toThrow(/zone_class/)
  })
})

import { describe, expect, it } from 'vitest'
import { DEFAULT_PARAMS, parseParams } from '../../server/src/checks/params.ts'

describe('check parameters', () => {
  it('default to a 1 % area tolerance with a floor of 0.01 亩 and the national road control distances', () => {
    expect(DEFAULT_PARAMS).toMatchObject({
      area_tolerance: 0.01, area_floor_mu: 0.01, min_piece_m2: 1, raise_above_mu: null,
      road_control_m: { expressway: 30, national: 20, provincial: 15, county: 10, township: 5 },
    })
  })

  it('take what a run names over the defaults, road classes one by one', () => {
    const params = parseParams({ min_piece_m2: 5, raise_above_mu: 2, road_control_m: { county: 12 } }, DEFAULT_PARAMS)
    expect(params).toMatchObject({ min_piece_m2: 5, raise_above_mu: 2, road_control_m: { county: 12, national: 20 } })
    expect(DEFAULT_PARAMS.road_control_m.county).toBe(10)
    expect(parseParams({ raise_above_mu: null }, params).raise_above_mu).toBeNull()
  })

  it('refuse unknown names and values out of range, naming the field', () => {
    expect(() => parseParams({ tolerance: 0.02 }, DEFAULT_PARAMS)).toThrow(/params\.tolerance/)
    expect(() => parseParams({ area_tolerance: -0.1 }, DEFAULT_PARAMS)).toThrow(/params\.area_tolerance/)
    expect(() => parseParams({ min_piece_m2: '5' }, DEFAULT_PARAMS)).toThrow(/params\.min_piece_m2/)
    expect(() => parseParams({ road_control_m: { highway: 10 } }, DEFAULT_PARAMS)).toThrow(/road_control_m\.highway/)
    expect(() => parseParams([1], DEFAULT_PARAMS)).toThrow(/params/)
  })
})

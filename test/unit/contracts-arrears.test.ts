import { describe, expect, it } from 'vitest'
import { addYears, arrears, instalments, type Terms } from '../../server/src/contracts/arrears.ts'

// Every expected figure below is worked out by hand in the comment above it.

const ten: Terms = { start_on: '2020-01-01', end_on: '2029-12-31', terminated_on: null, annual_fee_fen: 1_200_000, payment_timing: 'in_advance' }

describe('the arrears of a contract', () => {
  it('counts a year in advance on its first day: five years from 2020 fell due by 15 June 2024', () => {
    // 2020, 2021, 2022, 2023 and 2024 began by 2024-06-15: 5 × 12 000 元 = 60 000 元
    const result = arrears(ten, [], '2024-06-15')
    expect(result.due_fen).toBe(6_000_000)
    expect(result.arrears_fen).toBe(6_000_000)
    expect(result.overdue_since).toBe('2020-01-01')
  })

  it('counts a year in arrears on its last day: four years by 15 June 2024', () => {
    // 2020 … 2023 ended by 2024-06-15: 4 × 12 000 元 = 48 000 元
    expect(arrears({ ...ten, payment_timing: 'in_arrears' }, [], '2024-06-15').due_fen).toBe(4_800_000)
  })

  it('takes payments in the order the fees fell due and says since when the rest is overdue', () => {
    // paid 12 000 + 12 000 + 6 000 = 30 000 元 of 60 000 元: 30 000 元 owed; 2020 and 2021 are
    // covered, 2022 only half, so it is overdue since 2022-01-01
    const payments = [
      { paid_on: '2020-01-05', amount_fen: 1_200_000 },
      { paid_on: '2021-01-10', amount_fen: 1_200_000 },
      { paid_on: '2022-03-01', amount_fen: 600_000 },
      // after the day counted to: left out
      { paid_on: '2024-07-01', amount_fen: 1_200_000 },
    ]
    expect(arrears(ten, payments, '2024-06-15')).toEqual({
      due_fen: 6_000_000, paid_fen: 3_000_000, arrears_fen: 3_000_000, credit_fen: 0, overdue_since: '2022-01-01',
    })
  })

  it('charges a year cut short by termination pro rata by days', () => {
    // 2023: 10 000 元; 2024-01-01 … 2024-06-30 is 182 of 366 days: 10 000 × 182 / 366 = 4 972.68 元
    const terms: Terms = { start_on: '2023-01-01', end_on: '2027-12-31', terminated_on: '2024-06-30', annual_fee_fen: 1_000_000, payment_timing: 'in_advance' }
    expect(instalments(terms, '2026-01-01').map((i) => [i.period_start, i.period_end, i.amount_fen])).toEqual([
      ['2023-01-01', '2023-12-31', 1_000_000],
      ['2024-01-01', '2024-06-30', 497_268],
    ])
    expect(arrears(terms, [], '2026-01-01').due_fen).toBe(1_497_268)
  })

  it('keeps counting an open-ended contract and owes nothing before it starts', () => {
    // from 2022-07-01 without an end, 800 元 a year in advance: 2022, 2023 and 2024 by 2024-07-01 = 2 400 元
    const oral: Terms = { start_on: '2022-07-01', end_on: null, terminated_on: null, annual_fee_fen: 80_000, payment_timing: 'in_advance' }
    expect(arrears(oral, [], '2024-07-01').due_fen).toBe(240_000)
    expect(arrears(oral, [], '2024-06-30').due_fen).toBe(160_000)
    expect(arrears(oral, [], '2022-06-30')).toMatchObject({ due_fen: 0, arrears_fen: 0, overdue_since: null })
  })

  it('shows a payment ahead of time as credit, not as negative arrears', () => {
    // due 12 000 元 (2020), paid 15 000 元: 3 000 元 ahead
    expect(arrears(ten, [{ paid_on: '2020-01-02', amount_fen: 1_500_000 }], '2020-06-01')).toMatchObject({ arrears_fen: 0, credit_fen: 300_000, overdue_since: null })
  })

  it('turns 29 February into 28 February in a common year', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28')
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29')
    expect(addYears('2023-12-31', 1)).toBe('2024-12-31')
  })
})

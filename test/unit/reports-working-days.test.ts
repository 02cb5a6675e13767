import { describe, expect, it } from 'vitest'
import { isWorkingDay, NO_EXCEPTIONS, noticeEndDate, parseDate } from '../../server/src/reports/working-days.ts'

const calendar = (holidays: string[], workdays: string[] = []) => ({ holidays: new Set(holidays), workdays: new Set(workdays) })

describe('the 5-working-day notice period', () => {
  it('runs Monday to Friday when posted on a Monday', () => {
    // 2026-12-07 is a Monday
    expect(noticeEndDate('2026-12-07', 5, NO_EXCEPTIONS)).toBe('2026-12-11')
  })

  it('skips the weekend: posted on Thursday it ends on the next Wednesday', () => {
    // Thu 3, Fri 4, (Sat 5, Sun 6), Mon 7, Tue 8, Wed 9
    expect(noticeEndDate('2026-12-03', 5, NO_EXCEPTIONS)).toBe('2026-12-09')
  })

  it('starts counting on Monday when posted on a Saturday', () => {
    expect(noticeEndDate('2026-12-05', 5, NO_EXCEPTIONS)).toBe('2026-12-11')
  })

  it('skips a configured holiday as well as the weekend', () => {
    // Monday 7 December made a holiday: Thu 3, Fri 4, Tue 8, Wed 9, Thu 10
    expect(noticeEndDate('2026-12-03', 5, calendar(['2026-12-07']))).toBe('2026-12-10')
  })

  it('skips a whole holiday week and counts a 调休 working Saturday', () => {
    // National Day 2026-10-01 … 10-07 off; Saturday 10-10 worked in exchange
    const days = ['01', '02', '03', '04', '05', '06', '07'].map((d) => `2026-10-${d}`)
    const national = calendar(days, ['2026-10-10'])
    // posted Wed 30 Sep: 30 Sep, Thu 8, Fri 9, Sat 10 (workday), Mon 12
    expect(noticeEndDate('2026-09-30', 5, national)).toBe('2026-10-12')
    expect(noticeEndDate('2026-09-30', 5, NO_EXCEPTIONS)).toBe('2026-10-06')
  })

  it('knows weekends, holidays and exchanged workdays', () => {
    expect(isWorkingDay('2026-12-05', NO_EXCEPTIONS)).toBe(false)
    expect(isWorkingDay('2026-12-04', NO_EXCEPTIONS)).toBe(true)
    expect(isWorkingDay('2026-12-04', calendar(['2026-12-04']))).toBe(false)
    expect(isWorkingDay('2026-12-05', calendar([], ['2026-12-05']))).toBe(true)
  })

  it('refuses dates that do not exist and a calendar with no working day', () => {
    expect(parseDate('2026-02-30')).toBeNull()
    expect(() => noticeEndDate('2026-13-01', 5, NO_EXCEPTIONS)).toThrow(RangeError)
    const everyDay = calendar(Array.from({ length: 800 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10)))
    expect(() => noticeEndDate('2026-01-01', 5, everyDay)).toThrow(/no 5 working days/)
  })
})

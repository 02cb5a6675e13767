/**
 * The length of each bar as a share (0–1) of the longest a chart allows, on
 * a scale whose end is a round number at or above the largest value, so
 * charts of similar figures compare by eye.
 */
export function barShares(values: number[]): { shares: number[]; scaleMax: number } {
  const largest = Math.max(0, ...values.filter(Number.isFinite))
  const scaleMax = niceCeiling(largest)
  return { shares: values.map((v) => (scaleMax > 0 && Number.isFinite(v) ? Math.max(0, v) / scaleMax : 0)), scaleMax }
}

/** Round ends of a scale, × 10ⁿ: close enough that the longest bar nearly fills its track. */
const STEPS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]

/** The smallest of 1, 1.2, 1.5, 2 … 8 × 10ⁿ at or above `value`; 0 for 0. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 0
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of STEPS) {
    if (step * power >= value) return step * power
  }
  return 10 * power
}

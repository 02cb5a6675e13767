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

/** The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value`; 0 for 0. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 0
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value) return step * power
  }
  return 10 * power
}

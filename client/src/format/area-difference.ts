import { formatNumber, M2_PER_MU } from './area.ts'
import { t } from '../i18n/index.ts'

export interface AreaDifference {
  /** declared − measured */
  mu: number
  m2: number
  /** of the measured area; null when nothing was measured */
  ratio: number | null
}

/** Declared against measured area; null when no area was declared. */
export function areaDifference(
  declaredMu: number | null | undefined,
  measuredM2: number,
): AreaDifference | null {
  if (declaredMu === null || declaredMu === undefined || !Number.isFinite(declaredMu)) return null
  const m2 = declaredMu * M2_PER_MU - measuredM2
  return { mu: m2 / M2_PER_MU, m2, ratio: measuredM2 > 0 ? m2 / measuredM2 : null }
}

/** "+0.25 亩（+166.67 m²，+1.20%）": the sign said, 亩 first. */
export function formatDifference(d: AreaDifference): string {
  const sign = d.m2 > 0.005 ? '+' : d.m2 < -0.005 ? '−' : ''
  return t('details.differenceValue', {
    sign,
    mu: formatNumber(Math.abs(d.mu)),
    m2: formatNumber(Math.abs(d.m2)),
    percent: d.ratio === null ? '—' : formatNumber(Math.abs(d.ratio) * 100),
  })
}

import { t } from '../i18n/index.ts'

/** 1 亩 = 10000/15 m² (DOMAIN.md, "Units and coordinates"). */
export const M2_PER_MU = 10000 / 15

// A fixed locale keeps separators the same in both interface languages.
const twoDecimals = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
})

export function muFromM2(m2: number): number {
  return (m2 * 15) / 10000
}

export function m2FromMu(mu: number): number {
  return mu * M2_PER_MU
}

function isNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

/** "2,166.67": two decimals with thousands separators; "—" for no value. */
export function formatNumber(value: number | null | undefined): string {
  return isNumber(value) ? twoDecimals.format(value) : '—'
}

/**
 * "3.25 亩 (2,166.67 m²)": 亩 first, as staff think in 亩. Either value may be
 * missing; the other one is then derived from it.
 */
export function formatArea(mu: number | null | undefined, m2?: number | null): string {
  const shownMu = isNumber(mu) ? mu : isNumber(m2) ? muFromM2(m2) : null
  const shownM2 = isNumber(m2) ? m2 : isNumber(mu) ? m2FromMu(mu) : null
  if (shownMu === null || shownM2 === null) return '—'

  return `${formatNumber(shownMu)} ${t('unit.mu')} (${formatNumber(shownM2)} ${t('unit.m2')})`
}

/** The map label of a parcel at close zoom: its code over its area in 亩. */
export function parcelLabel(code: string, mu: number | null | undefined): string {
  if (!isNumber(mu)) return code
  return `${code}\n${formatNumber(mu)} ${t('unit.mu')}`
}

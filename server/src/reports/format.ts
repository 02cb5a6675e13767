// How numbers, dates and names read in the reports: 亩 first with m² beside
// it (DOMAIN.md), times in China Standard Time.
import { categoryByCode } from '../domain/categories.ts'
import { PROBLEM_NAMES, STATUS_NAMES } from '../domain/workflow.ts'
import { m2ToMu } from '../geo/extent.ts'

const CHINA_OFFSET_MS = 8 * 3600 * 1000

/** YYYY-MM-DD HH:mm in China Standard Time (UTC+8). */
export function chinaTime(date: Date | string): string {
  return new Date(new Date(date).getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')
}

/** 2026-12-03 → 2026年12月3日 */
export function chineseDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  return `${y}年${m}月${d}日`
}

/** Two decimals, without the "-0.00" that toFixed gives for tiny negatives. */
export function fixed2(value: number): string {
  const text = value.toFixed(2)
  return text === '-0.00' ? '0.00' : text
}

export const mu = (m2: number): string => fixed2(m2ToMu(m2))
export const m2 = (value: number): string => fixed2(value)

/** "3.75 亩（2500.00 m²）" */
export function areaText(areaM2: number): string {
  return `${mu(areaM2)} 亩（${m2(areaM2)} m²）`
}

export const categoryText = (code: string) => categoryByCode(code)?.zh ?? code
export const statusText = (code: string) => STATUS_NAMES[code as keyof typeof STATUS_NAMES]?.zh ?? code
export const problemsText = (codes: readonly string[]) =>
  codes.map((c) => PROBLEM_NAMES[c as keyof typeof PROBLEM_NAMES]?.zh ?? c).join('；') || '无'

/** Attribute keys that hold contract facts (合同、承包、租赁, amounts), as imported files name them. */
const CONTRACT_KEY = /合同|承包|租|发包|甲方|乙方|期限|金额|费|contract|lease|rent|tenant|amount/i

export function contractFields(attributes: Record<string, unknown>): [string, string][] {
  return Object.entries(attributes)
    .filter(([key, value]) => CONTRACT_KEY.test(key) && value !== null && value !== '')
    .map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)])
}

/** 数额 of the ledger: the contract amount where the parcel's attributes carry one. */
const AMOUNT_KEY = /金额|数额|承包费|租金|amount|rent/i

export function amountText(attributes: Record<string, unknown>): string {
  const found = Object.entries(attributes).find(([key, value]) => AMOUNT_KEY.test(key) && value !== null && value !== '')
  return found ? String(found[1]) : ''
}

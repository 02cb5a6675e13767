import { getLanguage } from '../i18n/index.ts'

/** Items in a running list: "甲、乙、丙" in Chinese, "a, b, c" in English. */
export function listText(items: readonly string[]): string {
  return items.join(getLanguage() === 'en' ? ', ' : '、')
}

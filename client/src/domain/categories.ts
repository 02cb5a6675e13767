import { CATEGORIES, categoryByCode } from '../../../server/src/domain/categories.ts'
import { getLanguage } from '../i18n/index.ts'

/** A land category as the interface shows it: named in the current language. */
export interface CategoryView {
  code: string
  name: string
  color: string
}

/** Grey for a category code this client does not know. */
const UNKNOWN_COLOR = '#9e9e9e'

export function categoryName(code: string): string {
  const category = categoryByCode(code)
  if (!category) return code
  return getLanguage() === 'en' ? category.en : category.zh
}

export function categoryColor(code: string): string {
  return categoryByCode(code)?.color ?? UNKNOWN_COLOR
}

/** The three categories (三类土地), in the order of the action plan. */
export function categoryList(): CategoryView[] {
  return CATEGORIES.map(({ code }) => ({
    code,
    name: categoryName(code),
    color: categoryColor(code),
  }))
}

export function categoryColors(): { code: string; color: string }[] {
  return CATEGORIES.map(({ code, color }) => ({ code, color }))
}

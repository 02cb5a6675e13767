// Intended uses (拟用途) a parcel may carry: the reuse directions of the
// action plan (作坊、仓储、民宿、乡村旅游 …) grouped as the check rules grade
// them. The first five are construction uses (migration 003's rule table);
// a parcel may also carry a use not listed here, shown as it is.

export interface IntendedUse {
  readonly code: string
  readonly zh: string
  readonly en: string
  /** builds on the land: graded as construction inside protected zones */
  readonly construction: boolean
}

export const INTENDED_USES: readonly IntendedUse[] = [
  { code: 'residential', zh: '居住', en: 'Residential', construction: true },
  { code: 'industrial', zh: '工业、仓储', en: 'Industry and storage', construction: true },
  { code: 'commercial', zh: '商业服务', en: 'Commercial', construction: true },
  { code: 'public', zh: '公共服务设施', en: 'Public facilities', construction: true },
  { code: 'tourism', zh: '乡村旅游、民宿', en: 'Rural tourism and homestays', construction: true },
  { code: 'agriculture', zh: '农业生产', en: 'Farming', construction: false },
  { code: 'ecology', zh: '生态保护修复', en: 'Ecological protection', construction: false },
]

const BY_CODE = new Map(INTENDED_USES.map((use) => [use.code, use]))

/** The use's name in Chinese or English; an unlisted use as it was given. */
export function intendedUseName(code: string | null | undefined, language: 'zh' | 'en' = 'zh'): string {
  if (!code) return ''
  return BY_CODE.get(code)?.[language] ?? code
}

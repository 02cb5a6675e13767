/** The stages a parcel moves through (DOMAIN.md, "The work, in order"). */
export const STATUSES = ['registered', 'publicized', 'recovering', 'recovered', 'reused'] as const
export type Status = (typeof STATUSES)[number]

export const STATUS_NAMES: Record<Status, { zh: string; en: string }> = {
  registered: { zh: '已登记', en: 'registered' },
  publicized: { zh: '公示中', en: 'publicized' },
  recovering: { zh: '清收中', en: 'recovering' },
  recovered: { zh: '已收回', en: 'recovered' },
  reused: { zh: '已盘活', en: 'reused' },
}

/** The three problems (三类问题). */
export const PROBLEMS = ['encroachment', 'contract', 'environment'] as const
export type Problem = (typeof PROBLEMS)[number]

export const PROBLEM_NAMES: Record<Problem, { zh: string; en: string }> = {
  encroachment: { zh: '侵占集体资产资源', en: 'encroachment on collective assets' },
  contract: { zh: '合同签订不规范', en: 'irregular contract' },
  environment: { zh: '破坏城乡公共区域环境', en: 'damage to public spaces' },
}

// Statistics for the dashboard and the ledger's 统计 sheet: parcel counts
// and areas (m² ellipsoidal on the CGCS2000 ellipsoid, and 亩) by town,
// category, status and problem, within the caller's town scope.
import { CATEGORIES } from '../domain/categories.ts'
import { PROBLEMS, STATUSES } from '../domain/workflow.ts'
import type { Queryable } from '../db/db.ts'
import { m2ToMu } from '../geo/extent.ts'
import { containsPattern, type ParcelFilters } from '../parcels/list.ts'
import { categoryText, problemsText, statusText } from './format.ts'
import { sql } from './sql.ts'

export interface Tally {
  code: string
  name: string
  parcels: number
  area_m2: number
  area_mu: number
}

export interface Statistics {
  scope: { town: string | null; village: string | null }
  total: Omit<Tally, 'code' | 'name'>
  by_town: Tally[]
  by_category: Tally[]
  by_status: Tally[]
  by_problem: Tally[]
}

export const DIMENSION_NAMES = { by_town: '镇街', by_category: '类型', by_status: '状态', by_problem: '问题' } as const

interface Row {
  dimension: 'total' | 'town' | 'category' | 'status' | 'problem'
  code: string
  parcels: number
  area_m2: number
}

const round = (value: number, digits: number) => Number(value.toFixed(digits))

function tally(code: string, name: string, row: Row | undefined): Tally {
  const area = Number(row?.area_m2 ?? 0)
  return { code, name, parcels: row?.parcels ?? 0, area_m2: round(area, 2), area_mu: round(m2ToMu(area), 4) }
}

/** Filters beyond the place, as GET /api/parcels takes them; `q` matches code or name. */
export type StatisticsFilter = Omit<ParcelFilters, 'town' | 'village'>

/** Every category, status and problem appears, with zeros where no parcel has it. */
export async function statistics(
  db: Queryable,
  town: string | null,
  village: string | null,
  filter: StatisticsFilter = {},
): Promise<Statistics> {
  const { rows } = await db.query<Row>(sql('statistics'), [
    town, village, filter.category ?? null, filter.subtype ?? null, filter.status ?? null, filter.problem ?? null,
    filter.q ? containsPattern(filter.q) : null,
  ])
  const find = (dimension: Row['dimension'], code: string) => rows.find((r) => r.dimension === dimension && r.code === code)
  const { rows: towns } = await db.query<{ code: string; name: string }>(
    'SELECT code, name FROM towns WHERE $1::text IS NULL OR code = $1 ORDER BY code',
    [town],
  )
  const total = tally('', '', find('total', ''))
  return {
    scope: { town, village },
    total: { parcels: total.parcels, area_m2: total.area_m2, area_mu: total.area_mu },
    by_town: towns.map((t) => tally(t.code, t.name, find('town', t.code))).filter((t) => village === null || t.parcels > 0),
    by_category: CATEGORIES.map((c) => tally(c.code, categoryText(c.code), find('category', c.code))),
    by_status: STATUSES.map((s) => tally(s, statusText(s), find('status', s))),
    by_problem: [...PROBLEMS, 'none'].map((p) => tally(p, p === 'none' ? '无问题' : problemsText([p]), find('problem', p))),
  }
}

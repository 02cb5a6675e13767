// The columns of the tabular exports (CSV, the Shapefile's DBF, the XLSX
// ledger), in order. Each has a Chinese header that says its unit, and two
// DBF field names of at most 10 bytes: in a GBK table the Chinese name
// itself (2 bytes a character), in a UTF-8 table ASCII pinyin initials,
// since four Chinese characters take 12 bytes there. Every header and DBF
// name maps back to the parcel property through server/src/import/mapping.ts,
// so an export can be imported again.
import { CATEGORIES, categoryByCode } from '../domain/categories.ts'
import { PROBLEM_NAMES, PROBLEMS, STATUS_NAMES, STATUSES } from '../domain/workflow.ts'
import { m2ToMu } from '../geo/extent.ts'
import type { ExportRow } from './rows.ts'

export type Cell = string | number | null

export interface ExportColumn {
  key: string
  /** CSV and XLSX header, with its unit */
  header: string
  /** DBF field name in a GBK table (at most 10 bytes in GBK) */
  gbk: string
  /** DBF field name in a UTF-8 table (ASCII, at most 10 characters) */
  ascii: string
  /** what the column holds, for README.txt and the OpenAPI description */
  meaning: string
  /** a number column: the decimals written to the DBF */
  decimals?: number
  /** a text column filled from the database: the SQL of its value (sizes the DBF column) */
  sql?: string
  /** a text column from a fixed list: every value it can take (sizes the DBF column) */
  values?: readonly string[]
  value(row: ExportRow): Cell
}

/** Joins several problems in one cell; the importer splits on it. */
export const PROBLEM_SEPARATOR = '；'

export const categoryName = (code: string): string => categoryByCode(code)?.zh ?? code

export const statusName = (status: string): string =>
  STATUS_NAMES[status as keyof typeof STATUS_NAMES]?.zh ?? status

export function problemNames(problems: readonly string[]): string {
  const name = (p: string) => PROBLEM_NAMES[p as keyof typeof PROBLEM_NAMES]?.zh ?? p
  return problems.map(name).join(PROBLEM_SEPARATOR)
}

const round = (value: number, digits: number) => Number(value.toFixed(digits))

/** The parcel's other attributes as JSON text; empty when it has none. */
function attributesText(attributes: Record<string, unknown>): string | null {
  return Object.keys(attributes).length > 0 ? JSON.stringify(attributes) : null
}

type Names = [key: string, header: string, gbk: string, ascii: string, meaning: string]

function fromDb(
  [key, header, gbk, ascii, meaning]: Names,
  sql: string,
  value: (r: ExportRow) => Cell,
): ExportColumn {
  return { key, header, gbk, ascii, meaning, sql, value }
}

function fromList(
  [key, header, gbk, ascii, meaning]: Names,
  values: readonly string[],
  value: (r: ExportRow) => Cell,
): ExportColumn {
  return { key, header, gbk, ascii, meaning, values, value }
}

function number(
  [key, header, gbk, ascii, meaning]: Names,
  decimals: number,
  value: (r: ExportRow) => Cell,
): ExportColumn {
  return { key, header, gbk, ascii, meaning, decimals, value }
}

export const EXPORT_COLUMNS: readonly ExportColumn[] = [
  fromDb(['code', '地块编码', '地块编码', 'DKBM', 'parcel code'], 'p.code', (r) => r.code),
  fromDb(['name', '地块名称', '地块名称', 'DKMC', 'parcel name'], 'p.name', (r) => r.name),
  fromDb(
    ['town', '镇街代码', '镇街代码', 'ZJDM', 'town/street code (9 digits)'],
    'p.town',
    (r) => r.town,
  ),
  fromDb(['town_name', '镇街', '镇街', 'ZJMC', 'town/street name'], 't.name', (r) => r.town_name),
  fromDb(
    ['village', '村代码', '村代码', 'CDM', 'village code (12 digits)'],
    'p.village',
    (r) => r.village,
  ),
  fromDb(['village_name', '村', '村', 'CMC', 'village name'], 'v.name', (r) => r.village_name),
  fromList(
    ['category', '类别', '类别', 'DKLB', 'land category, in Chinese'],
    CATEGORIES.map((c) => c.zh),
    (r) => categoryName(r.category),
  ),
  fromDb(
    ['subtype', '子类', '子类', 'DKZLB', 'subtype, in Chinese'],
    'p.subtype',
    (r) => r.subtype,
  ),
  fromList(
    ['status', '状态', '状态', 'DKZT', 'status, in Chinese'],
    STATUSES.map(statusName),
    (r) => statusName(r.status),
  ),
  fromList(
    ['problems', '问题', '问题', 'DKWT', `problems, in Chinese, separated by ${PROBLEM_SEPARATOR}`],
    [problemNames(PROBLEMS)],
    (r) => problemNames(r.problems) || null,
  ),
  fromDb(
    ['ownership', '权属', '权属', 'QSDW', 'ownership (权属)'],
    'p.ownership',
    (r) => r.ownership,
  ),
  fromDb(['location', '位置', '位置', 'ZL', 'location (位置)'], 'p.location', (r) => r.location),
  fromDb(
    ['intended_use', '用途', '用途', 'DKYT', 'intended use'],
    'p.intended_use',
    (r) => r.intended_use,
  ),
  number(
    ['declared_area_mu', '申报面积(亩)', '申报面积亩', 'SBMJ_MU', 'declared area, 亩'],
    6,
    (r) => r.declared_area_mu,
  ),
  number(
    [
      'area_mu',
      '面积(亩)',
      '面积(亩)',
      'MJ_MU',
      'measured area, 亩 (= m² × 15 / 10000), to 0.0001',
    ],
    4,
    (r) => round(m2ToMu(r.area_m2), 4),
  ),
  number(
    [
      'area_m2',
      '面积(平方米)',
      '面积平方米',
      'MJ_M2',
      'measured area, m², ellipsoidal (CGCS2000), to 0.01',
    ],
    2,
    (r) => round(r.area_m2, 2),
  ),
  fromDb(
    ['attributes', '其他属性', '其他属性', 'QTSX', 'other attributes, as one JSON object'],
    "nullif(p.attributes::text, '{}')",
    (r) => attributesText(r.attributes),
  ),
]

// Which source column is which parcel property: common Chinese and pinyin
// column names map by themselves, the rest go to `extra` (never dropped;
// only values the server computes itself are skipped, see derivedColumns).
// Values are converted on the way: a town or village name to its code, a
// category name or short form to its code, an area in m² or 公顷 to 亩.
import { CATEGORIES, type CategoryCode } from '../domain/categories.ts'
import {
  PROBLEM_NAMES,
  PROBLEMS,
  STATUS_NAMES,
  STATUSES,
  type Problem,
  type Status,
} from '../domain/workflow.ts'
import iconv from 'iconv-lite'

export type ParcelField =
  | 'code'
  | 'name'
  | 'town'
  | 'village'
  | 'category'
  | 'subtype'
  | 'status'
  | 'ownership'
  | 'declared_area_mu'
  | 'location'
  | 'intended_use'
  | 'problems'

export interface MappedParcel {
  code: string
  name: string
  town: string
  village: string
  category: CategoryCode
  subtype: string
  status: Status
  ownership: string
  declared_area_mu: number
  location: string
  intended_use: string
  problems: Problem[]
}

/** Area units a column name can carry; values are converted to 亩. */
export type AreaUnit = 'mu' | 'm2' | 'hectare'

export interface AutoColumn {
  field: ParcelField
  /** column names, compared without case, spaces, and with full-width brackets as ASCII */
  names: readonly string[]
  unit?: AreaUnit
}

/**
 * The automatic column table, as data so the import dialog can show it.
 * Pinyin initials are those of the land-survey databases (DKBM 地块编码,
 * QSDWMC 权属单位名称, ZLDWMC 坐落单位名称, TBMJ 图斑面积 in m²).
 * Order matters only when one file has two columns for the same property:
 * the first column met in the file wins, the other goes to `extra` unless
 * it holds the same value (a town name beside its code).
 */
export const AUTO_COLUMNS: readonly AutoColumn[] = [
  {
    field: 'code',
    names: ['地块编码', '地块编号', '编码', '编号', '地块代码', 'DKBM', 'DKBH', 'code'],
  },
  { field: 'name', names: ['地块名称', '名称', '地块名', 'DKMC', 'MC', 'name'] },
  {
    field: 'town',
    names: [
      '镇街',
      '镇街道',
      '镇（街道）',
      '乡镇',
      '乡镇街道',
      '街道',
      '镇',
      '所属镇街',
      '镇街代码',
      'XZ',
      'ZJDM',
      'ZJMC',
      'town',
    ],
  },
  {
    field: 'village',
    names: [
      '村名',
      '村',
      '村庄',
      '行政村',
      '村居',
      '社区',
      '所属村',
      '村代码',
      'CDM',
      'CMC',
      'village',
    ],
  },
  {
    field: 'category',
    names: ['类型', '地类', '土地类型', '类别', '土地类别', '资源类型', 'DKLB', 'category'],
  },
  { field: 'subtype', names: ['子类', '细类', '子类型', '小类', 'DKZLB', 'subtype'] },
  { field: 'status', names: ['状态', '处置状态', 'DKZT', 'status'] },
  {
    field: 'ownership',
    names: ['权属', '权属单位', '所有权人', '权属人', 'QSDW', 'QSDWMC', 'ownership'],
  },
  {
    field: 'declared_area_mu',
    names: [
      '面积',
      '面积亩',
      '面积(亩)',
      '亩',
      '亩数',
      '申报面积',
      '申报面积(亩)',
      '申报面积亩',
      'MJ',
      'MJ_MU',
      'SBMJ',
      'SBMJ_MU',
      'declared_area_mu',
    ],
    unit: 'mu',
  },
  {
    field: 'declared_area_mu',
    names: [
      '面积平方米',
      '面积(平方米)',
      '面积m2',
      '面积(m2)',
      '面积㎡',
      '面积(㎡)',
      '平方米',
      'TBMJ',
      'MJ_M2',
      'area_sqm',
    ],
    unit: 'm2',
  },
  {
    field: 'declared_area_mu',
    names: ['面积公顷', '面积(公顷)', '公顷', 'area_ha'],
    unit: 'hectare',
  },
  {
    field: 'location',
    names: ['位置', '坐落', '地址', '座落', '坐落位置', 'ZL', 'ZLDWMC', 'location'],
  },
  {
    field: 'intended_use',
    names: ['用途', '规划用途', '拟用途', '利用方式', 'DKYT', 'intended_use'],
  },
  { field: 'problems', names: ['问题', '问题类型', '存在问题', 'DKWT', 'problems'] },
]

export type TownResolver = (nameOrCode: string) => string | undefined
export type VillageResolver = (
  nameOrCode: string,
  townCode: string | undefined,
) => string | undefined

export interface MappingContext {
  resolveTown?: TownResolver
  resolveVillage?: VillageResolver
}

export interface Unmatched {
  column: string
  field: ParcelField
  value: unknown
}

export interface MappingResult {
  parcel: Partial<MappedParcel>
  /** columns not mapped, and mapped ones whose value could not be converted */
  extra: Record<string, unknown>
  /** source column → the property it filled */
  used: Record<string, ParcelField>
  /** values of mapped columns that could not be converted (a town name not in the list …) */
  unmatched: Unmatched[]
}

/** An explicit mapping: a column to a property, or null to keep it in `extra`. */
export type ExplicitMapping = Record<string, ParcelField | null>

// The features of one file share their columns: the plan is made once per
// set of columns, not once per feature (100,000 times for a district).
// Per process: a plan depends only on the column names and the fixed
// dictionaries of this file, never on the database.
const PLAN_CACHE_SIZE = 64
const planCache = new Map<string, PlannedColumn[]>()

function cachedPlan(columns: string[], explicit: ExplicitMapping): PlannedColumn[] {
  const key = JSON.stringify(columns) + explicitKey(explicit)
  let plan = planCache.get(key)
  if (!plan) {
    if (planCache.size >= PLAN_CACHE_SIZE) planCache.clear()
    // town first: resolving a village needs its town
    plan = planColumns(columns, explicit).sort((a, b) => Number(b.field === 'town') - Number(a.field === 'town'))
    planCache.set(key, plan)
  }
  return plan
}

// One file's features share one explicit mapping object: its key is made once.
const explicitKeys = new WeakMap<ExplicitMapping, string>()

function explicitKey(explicit: ExplicitMapping): string {
  let key = explicitKeys.get(explicit)
  if (key === undefined) {
    key = JSON.stringify(explicit)
    explicitKeys.set(explicit, key)
  }
  return key
}

export function mapParcelAttributes(
  properties: Record<string, unknown>,
  explicit: ExplicitMapping = {},
  context: MappingContext = {},
): MappingResult {
  const plan = cachedPlan(Object.keys(properties), explicit)
  const result: MappingResult = { parcel: {}, extra: {}, used: {}, unmatched: [] }
  const attributes: Record<string, unknown> = {}
  for (const planned of plan) {
    const { column, field, unit } = planned
    const value = properties[column]
    if (planned.role === 'derived' || isRepeat(planned, value, result.parcel, context)) continue
    if (planned.role === 'attributes') {
      if (!mergeAttributes(attributes, value)) result.extra[column] = value
      continue
    }
    if (!field) {
      result.extra[column] = value
      continue
    }
    result.used[column] = field
    if (value === null || value === undefined || value === '') continue
    const converted = convert(field, value, unit, result.parcel, context)
    if (converted === undefined) {
      result.unmatched.push({ column, field, value })
      result.extra[column] = value
    } else {
      ;(result.parcel as Record<string, unknown>)[field] = converted
    }
  }
  result.extra = { ...attributes, ...result.extra }
  return result
}

/**
 * A second column for a property already filled, holding the same value
 * (a town name beside its code, as the exports write them) or nothing: it
 * adds nothing, so it is not kept in `extra`.
 */
function isRepeat(
  planned: PlannedColumn,
  value: unknown,
  parcel: Partial<MappedParcel>,
  context: MappingContext,
): boolean {
  const field = planned.repeats
  if (field === undefined) return false
  if (value === null || value === undefined || value === '') return true
  const filled = parcel[field]
  const converted = convert(field, value, planned.unit, parcel, context)
  return filled !== undefined && JSON.stringify(converted) === JSON.stringify(filled)
}

/** The parcel's other attributes, as an object or its JSON text; false when it is neither. */
function mergeAttributes(into: Record<string, unknown>, value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true
  let object = value
  if (typeof value === 'string') {
    try {
      object = JSON.parse(value)
    } catch {
      return false
    }
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return false
  Object.assign(into, object)
  return true
}

interface PlannedColumn {
  column: string
  field: ParcelField | null
  unit: AreaUnit | undefined
  /** derived: computed by the server, skipped; attributes: merged into `extra` */
  role?: 'derived' | 'attributes'
  /** the property an earlier column already fills from the same automatic entry */
  repeats?: ParcelField
}

/**
 * Columns that carry the parcel's other attributes as one JSON object:
 * `attributes` of the GeoJSON export and the API, 其他属性 (QTSX in a
 * UTF-8 DBF) of the CSV and Shapefile exports.
 */
export const ATTRIBUTE_COLUMNS: readonly string[] = ['attributes', '其他属性', '附加属性', 'QTSX']

/** Names of a declared-area column; beside one, other area columns are the measured area. */
const DECLARED_AREA = [
  '申报面积',
  '申报面积(亩)',
  '申报面积亩',
  'SBMJ',
  'SBMJ_MU',
  'declared_area_mu',
]

/** The read-only properties of the parcel API, which ignores them in a body too. */
const READ_ONLY = [
  'id',
  'area_m2',
  'area_mu',
  'version',
  'updated_at',
  'updated_by',
  'created_at',
  'created_by',
  'deleted_at',
]
// All three present: the file is a parcel API answer or a GeoJSON export.
const API_MARKERS = ['area_m2', 'version', 'updated_at']

/**
 * Columns holding what the server computes itself, skipped on import (not
 * a property, not kept in `extra`), so an export imported back changes
 * nothing:
 * - beside a declared-area column (申报面积…), the other area columns are
 *   the measured area (the exports write 申报面积(亩), 面积(亩), 面积(平方米));
 * - in a file with the API's area_m2, version and updated_at, the API's
 *   read-only properties.
 */
export function derivedColumns(columns: readonly string[]): Set<string> {
  const names = columns.map(normalise)
  const has = (list: readonly string[]) => (name: string) => list.some((n) => normalise(n) === name)
  const derived = new Set<string>()
  if (names.some(has(DECLARED_AREA))) {
    columns
      .filter(
        (c) => !has(DECLARED_AREA)(normalise(c)) && autoColumn(c)?.field === 'declared_area_mu',
      )
      .forEach((c) => derived.add(c))
  }
  if (API_MARKERS.every((marker) => names.includes(marker))) {
    columns.filter((c) => has(READ_ONLY)(normalise(c))).forEach((c) => derived.add(c))
  }
  return derived
}

/**
 * Each column's property: explicit ones first, then the automatic table;
 * one column each. Derived and attribute columns are marked, a repeated
 * automatic property too.
 */
export function planColumns(
  columns: readonly string[],
  explicit: ExplicitMapping = {},
): PlannedColumn[] {
  const taken = new Set<ParcelField>(
    Object.values(explicit).filter((f): f is ParcelField => f !== null),
  )
  const derived = derivedColumns(columns)
  const attributes = new Set(ATTRIBUTE_COLUMNS.map(normalise))
  return columns.map((column): PlannedColumn => {
    if (column in explicit) {
      const field = explicit[column] ?? null
      return { column, field, unit: field === 'declared_area_mu' ? unitOfName(column) : undefined }
    }
    if (derived.has(column)) return { column, field: null, unit: undefined, role: 'derived' }
    if (attributes.has(normalise(column))) {
      return { column, field: null, unit: undefined, role: 'attributes' }
    }
    const auto = autoColumn(column)
    if (!auto) return { column, field: null, unit: undefined }
    if (taken.has(auto.field)) {
      return { column, field: null, unit: auto.unit ?? unitOfName(column), repeats: auto.field }
    }
    taken.add(auto.field)
    return {
      column,
      field: auto.field,
      unit: auto.unit ?? (auto.field === 'declared_area_mu' ? unitOfName(column) : undefined),
    }
  })
}

/** Case, spaces and full-width brackets do not matter: "面积（亩）" = "面积(亩)". */
function normalise(name: string): string {
  return name.replace(/\s+/g, '').replace(/（/g, '(').replace(/）/g, ')').toLowerCase()
}

const AUTO_INDEX: ReadonlyMap<string, AutoColumn> = new Map(
  AUTO_COLUMNS.flatMap((auto) => auto.names.map((name) => [normalise(name), auto] as const)),
)

/**
 * The automatic entry for a column name, also when the name was cut to
 * the 10 bytes of a DBF field name: "地块编码" is 12 bytes in UTF-8 and
 * arrives as "地块编" (plus a broken byte, decoded as U+FFFD); "面积平方米"
 * in GBK fits, in UTF-8 it arrives as "面积平". A cut name is accepted
 * when it equals a known name cut at 10 bytes in UTF-8 or GBK, and all the
 * names it could be the start of mean the same property.
 */
export function autoColumn(column: string): AutoColumn | undefined {
  if (autoCache.has(column)) return autoCache.get(column)
  if (autoCache.size >= AUTO_CACHE_SIZE) autoCache.clear()
  const auto = findAutoColumn(column)
  autoCache.set(column, auto)
  return auto
}

// Column names repeat in every feature of a file: each is looked up once.
const AUTO_CACHE_SIZE = 1024
const autoCache = new Map<string, AutoColumn | undefined>()

function findAutoColumn(column: string): AutoColumn | undefined {
  const name = normalise(column).replace(/\uFFFD+$/, '')
  const exact = AUTO_INDEX.get(name)
  if (exact) return exact
  const cut = cutIndex().get(name) ?? []
  const kinds = new Set(cut.map((a) => `${a.field}/${a.unit ?? ''}`))
  return kinds.size === 1 ? cut[0] : undefined
}

let cutNames: Map<string, AutoColumn[]> | null = null

/** Every known name as it arrives when cut to 10 bytes, built once. */
function cutIndex(): Map<string, AutoColumn[]> {
  if (cutNames) return cutNames
  cutNames = new Map()
  for (const [known, auto] of AUTO_INDEX) {
    for (const cut of cutForms(known)) cutNames.set(cut, [...(cutNames.get(cut) ?? []), auto])
  }
  return cutNames
}

const DBF_NAME_BYTES = 10

function cutForms(name: string): string[] {
  return (['utf8', 'gbk'] as const)
    .filter((enc) => iconv.encode(name, enc).length > DBF_NAME_BYTES)
    .map((enc) => cutToBytes(name, DBF_NAME_BYTES, enc))
}

function cutToBytes(text: string, maxBytes: number, encoding: string): string {
  let kept = ''
  let used = 0
  for (const char of text) {
    used += iconv.encode(char, encoding).length
    if (used > maxBytes) break
    kept += char
  }
  return kept
}

function unitOfName(column: string): AreaUnit {
  if (/平方米|m2|㎡|m²|sqm/i.test(column)) return 'm2'
  if (/公顷|hectare|\bha\b/i.test(column)) return 'hectare'
  return 'mu'
}

function convert(
  field: ParcelField,
  value: unknown,
  unit: AreaUnit | undefined,
  parcel: Partial<MappedParcel>,
  context: MappingContext,
): unknown {
  const text =
    typeof value === 'string'
      ? value.trim()
      : typeof value === 'number'
        ? numberText(value)
        : undefined
  if (field === 'declared_area_mu') return areaInMu(value, unit ?? 'mu')
  // a GeoJSON array, as the API and the GeoJSON export write it
  if (field === 'problems' && Array.isArray(value)) {
    return value.length === 0 ? [] : problemsOf(value.map(String).join('；'))
  }
  if (text === undefined || text === '') return undefined
  switch (field) {
    case 'town':
      return context.resolveTown
        ? context.resolveTown(text)
        : /^370215\d{3}$/.test(text)
          ? text
          : undefined
    case 'village':
      return context.resolveVillage
        ? context.resolveVillage(text, parcel.town)
        : /^370215\d{6}$/.test(text)
          ? text
          : undefined
    case 'category':
      return categoryOf(text)
    case 'status':
      return statusOf(text)
    case 'problems':
      return problemsOf(text)
    default:
      return text
  }
}

/** Integers as written (a numeric 地块编码 stays 370215101007, not 3.70215101007e+11). */
function numberText(value: number): string {
  return Number.isInteger(value) ? BigInt(value).toString() : String(value)
}

const MU_PER: Readonly<Record<AreaUnit, number>> = {
  mu: 1,
  m2: 15 / 10000, // 1 亩 = 10000/15 m²
  hectare: 15, // 1 公顷 = 15 亩
}

function areaInMu(value: unknown, unit: AreaUnit): number | undefined {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string'
        ? Number(value.replace(/[,，\s亩]|平方米|㎡|公顷/g, ''))
        : NaN
  if (!Number.isFinite(number) || number < 0) return undefined
  return Math.round(number * MU_PER[unit] * 1e6) / 1e6
}

/** Short and long names of each category, and its subtypes, as people write them. */
const CATEGORY_WORDS: ReadonlyArray<readonly [string, CategoryCode]> = [
  ...CATEGORIES.flatMap(
    (c) =>
      [
        [c.code, c.code],
        [c.zh, c.code],
        [c.en, c.code],
      ] as const,
  ),
  ...CATEGORIES.flatMap((c) => c.subtypes.map((s) => [s.zh, c.code] as const)),
  ['闲置工业用地', 'idle_industrial'],
  ['低效工业用地', 'idle_industrial'],
  ['闲置低效工业', 'idle_industrial'],
  ['工业用地', 'idle_industrial'],
  ['工业', 'idle_industrial'],
  ['集体建设用地', 'collective_construction'],
  ['农村集体建设', 'collective_construction'],
  ['集体建设', 'collective_construction'],
  ['宅基地', 'collective_construction'],
  ['可集约利用土地', 'intensive_use'],
  ['农村可集约利用', 'intensive_use'],
  ['可集约利用', 'intensive_use'],
  ['集约利用', 'intensive_use'],
  ['四荒地', 'intensive_use'],
  ['四边地', 'intensive_use'],
  ['撂荒地', 'intensive_use'],
]

const CATEGORY_INDEX: ReadonlyMap<string, CategoryCode> = new Map(
  [...CATEGORY_WORDS].reverse().map(([word, code]) => [normalise(word), code]),
)

export function categoryOf(text: string): CategoryCode | undefined {
  return CATEGORY_INDEX.get(normalise(text))
}

const STATUS_INDEX: ReadonlyMap<string, Status> = new Map(
  STATUSES.flatMap((s) => [[normalise(STATUS_NAMES[s].zh), s] as const, [s, s] as const]),
)

export function statusOf(text: string): Status | undefined {
  return STATUS_INDEX.get(normalise(text))
}

const PROBLEM_SHORT: Readonly<Record<string, Problem>> = {
  侵占: 'encroachment',
  合同: 'contract',
  合同不规范: 'contract',
  环境: 'environment',
  破坏环境: 'environment',
}

const PROBLEM_INDEX: ReadonlyMap<string, Problem> = new Map(
  PROBLEMS.flatMap((code) => [[normalise(PROBLEM_NAMES[code].zh), code] as const, [code, code] as const]),
)

/**
 * "侵占集体资产资源；合同签订不规范" → ['contract', 'encroachment'];
 * undefined if any part is unknown.
 */
export function problemsOf(text: string): Problem[] | undefined {
  const parts = text
    .split(/[,，;；、/|]+/)
    .map(normalise)
    .filter(Boolean)
  const codes = parts.map((p) => PROBLEM_INDEX.get(p) ?? PROBLEM_SHORT[p])
  if (codes.length === 0 || codes.some((c) => c === undefined)) return undefined
  return [...new Set(codes as Problem[])].sort()
}

/** The parcel code a feature carries, for naming it in messages; undefined without one. */
export function codeOf(properties: Record<string, unknown>): string | undefined {
  for (const [column, value] of Object.entries(properties)) {
    if (autoColumn(column)?.field !== 'code') continue
    if (typeof value === 'string' && value.trim()) return value.trim()
    if (typeof value === 'number') return numberText(value)
  }
  return undefined
}

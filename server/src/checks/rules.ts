import type { User } from '../auth/roles.ts'
import { CATEGORY_CODES } from '../domain/categories.ts'
import type { Queryable } from '../db/db.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { SEVERITIES, type Severity } from './kinds.ts'

/** A row of the severity rule table (check_rules). */
export interface Rule {
  id: number
  kind: 'overlap' | 'encroachment'
  zone_class: string
  category: string | null
  intended_use: string | null
  occupation_kind: string | null
  severity: Severity
  basis_zh: string
  basis_en: string
  updated_at?: string | Date
  updated_by?: string | null
}

export interface RuleKey {
  kind: Rule['kind']
  zoneClass: string
  category?: string | null
  intendedUse?: string | null
  occupationKind?: string | null
}

const matches = (field: string | null, value: string | null | undefined) => field === null || field === (value ?? null)

/** How specific a matching rule is: category and use > use > category > neither. */
function specificity(rule: Rule): number {
  return (rule.intended_use !== null || rule.occupation_kind !== null ? 2 : 0) + (rule.category !== null ? 1 : 0)
}

/**
 * The most specific rule for a land category × intended use × zone class, or
 * for an occupation kind; none: the finding is recorded as info. The check
 * SQL (overlap-findings.sql and the occupation statements) orders its matches
 * the same way.
 */
export function resolveRule(rules: readonly Rule[], key: RuleKey): Rule | undefined {
  let best: Rule | undefined
  for (const rule of rules) {
    if (rule.kind !== key.kind || rule.zone_class !== key.zoneClass) continue
    if (!matches(rule.category, key.category) || !matches(rule.intended_use, key.intendedUse)) continue
    if (!matches(rule.occupation_kind, key.occupationKind)) continue
    if (!best || specificity(rule) > specificity(best)) best = rule
  }
  return best
}

/**
 * The rules of one kind as the check SQL takes them (a jsonb parameter), read
 * once when a run starts so all its batches grade alike. The SQL picks the
 * most specific match in the same order as resolveRule.
 */
export async function rulesForRun(db: Queryable, kind: Rule['kind']): Promise<string> {
  const { rows } = await db.query<{ rules: string }>(
    `SELECT coalesce(json_agg(json_build_object('id', id, 'zone_class', zone_class, 'category', category,
              'intended_use', intended_use, 'occupation_kind', occupation_kind, 'severity', severity,
              'basis_zh', basis_zh, 'basis_en', basis_en)), '[]')::text AS rules
     FROM check_rules WHERE kind = $1`,
    [kind],
  )
  return rows[0]!.rules
}

const RULE_COLUMNS = `r.id, r.kind, r.zone_class, r.category, r.intended_use, r.occupation_kind, r.severity,
  r.basis_zh, r.basis_en, r.updated_at, (SELECT username FROM users WHERE id = r.updated_by) AS updated_by`

export async function listRules(db: Queryable): Promise<Rule[]> {
  const { rows } = await db.query<Rule>(
    `SELECT ${RULE_COLUMNS} FROM check_rules r
     ORDER BY r.kind, r.zone_class, r.category NULLS FIRST, r.intended_use NULLS FIRST, r.occupation_kind NULLS FIRST`,
  )
  return rows
}

type RuleInput = Omit<Rule, 'id' | 'updated_at' | 'updated_by'>

const TEXT = /^[a-z][a-z0-9_]{0,63}$/

function field(body: Record<string, unknown>, name: string, pattern: RegExp | null, nullable: boolean): string | null {
  const value = body[name]
  if ((value === undefined || value === null) && nullable) return null
  if (typeof value !== 'string' || value.trim() === '' || (pattern && !pattern.test(value))) {
    throw new AppError('invalid_check', { field: name, value: quote(value), reason: pattern ? `matching ${pattern}` : 'a non-empty text' })
  }
  return value.trim()
}

/** Validates a rule from a request body; `base` fills what a partial change leaves out. */
export function parseRule(input: unknown, base?: RuleInput): RuleInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AppError('invalid_check', { field: 'body', value: quote(input), reason: 'a JSON object' })
  }
  const body = { ...base, ...(input as Record<string, unknown>) }
  const kind = field(body, 'kind', /^(overlap|encroachment)$/, false) as Rule['kind']
  const category = field(body, 'category', null, true)
  if (category !== null && !CATEGORY_CODES.includes(category as never)) {
    throw new AppError('invalid_check', { field: 'category', value: quote(category), reason: `one of ${CATEGORY_CODES.join(', ')}` })
  }
  const severity = field(body, 'severity', null, false) as Severity
  if (!SEVERITIES.includes(severity)) {
    throw new AppError('invalid_check', { field: 'severity', value: quote(severity), reason: `one of ${SEVERITIES.join(', ')}` })
  }
  const rule: RuleInput = {
    kind,
    zone_class: field(body, 'zone_class', TEXT, false)!,
    category,
    intended_use: field(body, 'intended_use', /^.{1,100}$/, true),
    occupation_kind: field(body, 'occupation_kind', /^.{1,100}$/, true),
    severity,
    basis_zh: field(body, 'basis_zh', /^[\s\S]{1,1000}$/, false)!,
    basis_en: field(body, 'basis_en', /^[\s\S]{1,1000}$/, false)!,
  }
  if (kind === 'overlap' && rule.occupation_kind !== null) {
    throw new AppError('invalid_check', { field: 'occupation_kind', value: quote(rule.occupation_kind), reason: 'only encroachment rules name an occupation kind' })
  }
  if (kind === 'encroachment' && (rule.category !== null || rule.intended_use !== null)) {
    throw new AppError('invalid_check', { field: 'category', value: quote(rule.category ?? rule.intended_use), reason: 'encroachment rules name an occupation kind, not a land category or use' })
  }
  return rule
}

const RULE_VALUES = (r: RuleInput) => [
  r.kind, r.zone_class, r.category, r.intended_use, r.occupation_kind, r.severity, r.basis_zh, r.basis_en,
]

/** The unique index on the rule key refuses a second rule for the same combination. */
async function onDuplicateRule<T>(rule: RuleInput, write: Promise<T>): Promise<T> {
  try {
    return await write
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      const key = [rule.kind, rule.zone_class, rule.category, rule.intended_use, rule.occupation_kind]
      throw new AppError('duplicate_check_rule', { key: key.map((k) => k ?? '*').join(' × ') })
    }
    throw error
  }
}

export async function createRule(db: Queryable, user: User, input: unknown): Promise<Rule> {
  const rule = parseRule(input)
  const { rows } = await onDuplicateRule(rule, db.query<{ id: number }>(
    `INSERT INTO check_rules (kind, zone_class, category, intended_use, occupation_kind, severity, basis_zh, basis_en, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [...RULE_VALUES(rule), user.id],
  ))
  return (await readRule(db, rows[0]!.id))!
}

export async function readRule(db: Queryable, id: number): Promise<Rule | undefined> {
  const { rows } = await db.query<Rule>(`SELECT ${RULE_COLUMNS} FROM check_rules r WHERE r.id = $1`, [id])
  return rows[0]
}

export async function updateRule(db: Queryable, user: User, id: number, input: unknown): Promise<Rule> {
  const current = await readRule(db, id)
  if (!current) throw new AppError('not_found', { what: `check rule ${id}` })
  const rule = parseRule(input, current)
  await onDuplicateRule(rule, db.query(
    `UPDATE check_rules SET kind = $1, zone_class = $2, category = $3, intended_use = $4, occupation_kind = $5,
       severity = $6, basis_zh = $7, basis_en = $8, updated_by = $9, updated_at = now()
     WHERE id = $10`,
    [...RULE_VALUES(rule), user.id, id],
  ))
  return (await readRule(db, id))!
}

export async function deleteRule(db: Queryable, id: number): Promise<void> {
  const { rowCount } = await db.query('DELETE FROM check_rules WHERE id = $1', [id])
  if (rowCount === 0) throw new AppError('not_found', { what: `check rule ${id}` })
}

// POST /api/checks/preview: what a parcel outline would overlap if it were
// saved, for the live warning while a user draws or edits. Nothing is
// written; saving re-checks the parcel for real (recheck.ts).
import { townScope, type User } from '../auth/roles.ts'
import { CATEGORY_CODES } from '../domain/categories.ts'
import type { Queryable } from '../db/db.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { parseParcelGeometry, type ParcelGeometry } from '../parcels/geometry.ts'
import { readParcel } from '../parcels/store.ts'
import { M2_PER_MU, SEVERITIES, ZONE_CLASS_NAMES, type Severity } from './kinds.ts'
import { loadDefaults } from './params.ts'
import { listRules, resolveRule, type Rule } from './rules.ts'
import { sql } from './sql.ts'

export interface PreviewRequest {
  geometry: ParcelGeometry
  category: string | null
  intendedUse: string | null
  /** the parcel being edited: left out of the overlaps, its category the default */
  parcelId: number | null
}

export interface PreviewOverlap {
  kind: 'parcel' | 'zone'
  /** as a check run would name it: parcel_overlap, duplicate, sliver or zone_overlap */
  code: string
  severity: Severity
  /** the other parcel; its code only when the user may read it (own town) */
  parcel_id: number | null
  parcel_code: string | null
  layer_id: number | null
  layer_name: string | null
  layer_version: number | null
  zone_class: string | null
  rule_id: number | null
  /** the rule's basis in the language of the request */
  basis: string | null
  /** the piece, ellipsoidal on the CGCS2000 ellipsoid */
  area_m2: number
  area_mu: number
  /** the piece's share of the candidate */
  ratio: number
  message: string
  /** the piece, GeoJSON EPSG:4490 */
  geometry: unknown
}

export interface Preview {
  valid: boolean
  /** GEOS's reason and place when invalid: nothing else is measured then */
  invalid_reason: string | null
  invalid_location: [number, number] | null
  area_m2: number | null
  area_mu: number | null
  overlaps: PreviewOverlap[]
}

const invalid = (field: string, value: unknown, reason: string) =>
  new AppError('invalid_check', { field, value: quote(value), reason })

function optionalText(body: Record<string, unknown>, name: string, allowed?: readonly string[]): string | null {
  const value = body[name]
  if (value === undefined || value === null) return null
  if (typeof value !== 'string' || value.length > 100 || (allowed && !allowed.includes(value))) {
    throw invalid(name, value, allowed ? `one of ${allowed.join(', ')}` : 'a text of at most 100 characters')
  }
  return value
}

/** The body of POST /api/checks/preview. */
export function parsePreviewRequest(input: unknown): PreviewRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('body', input, 'a JSON object')
  const body = input as Record<string, unknown>
  const known = ['geometry', 'category', 'intended_use', 'parcel_id']
  const unknown = Object.keys(body).find((name) => !known.includes(name))
  if (unknown) throw invalid(unknown, body[unknown], `not a field; known: ${known.join(', ')}`)
  const id = body.parcel_id
  if (id !== undefined && id !== null && (!Number.isInteger(id) || (id as number) < 1)) {
    throw invalid('parcel_id', id, 'a positive integer')
  }
  return {
    geometry: parseParcelGeometry(body.geometry),
    category: optionalText(body, 'category', CATEGORY_CODES),
    intendedUse: optionalText(body, 'intended_use'),
    parcelId: typeof id === 'number' ? id : null,
  }
}

interface PieceRow {
  kind: 'parcel' | 'zone'
  parcel_id: number | null
  parcel_code: string | null
  town: string | null
  layer_id: number | null
  layer_name: string | null
  layer_version: number | null
  zone_class: string | null
  area_m2: number
  ratio: number
  pair_code: 'duplicate' | 'sliver' | 'parcel_overlap' | null
  geometry: string
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits

/** One step up, as a run does for pieces above raise_above_mu. */
function raised(severity: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.indexOf(severity) + 1, SEVERITIES.length - 1)]!
}

interface Grading {
  rules: readonly Rule[]
  category: string | null
  intendedUse: string | null
  raiseAboveM2: number | null
  scope: string | null
  lang: 'zh' | 'en'
}

function areaText(m2: number, lang: 'zh' | 'en'): string {
  const mu = (m2 / M2_PER_MU).toFixed(2)
  return lang === 'zh' ? `${mu} 亩（${m2.toFixed(1)} 平方米）` : `${mu} mu (${m2.toFixed(1)} m²)`
}

function parcelOverlap(row: PieceRow, g: Grading): Pick<PreviewOverlap, 'code' | 'severity' | 'parcel_code' | 'message'> {
  const readable = g.scope === null || g.scope === row.town
  const code = readable ? row.parcel_code : null
  const other = code ?? (g.lang === 'zh' ? '（其他镇街的地块）' : '(a parcel of another town)')
  const area = areaText(row.area_m2, g.lang)
  const pair = row.pair_code ?? 'parcel_overlap'
  const message = {
    duplicate: { zh: `与地块 ${other} 范围相同（重复登记）`, en: `covers the same ground as parcel ${other} (registered twice)` },
    sliver: { zh: `与地块 ${other} 有细碎重叠 ${area}，多为边界错位`, en: `shares a sliver of ${area} with parcel ${other}, most likely a misdrawn boundary` },
    parcel_overlap: { zh: `与已登记地块 ${other} 重叠 ${area}`, en: `overlaps registered parcel ${other} by ${area}` },
  }[pair][g.lang]
  return { code: pair, severity: pair === 'sliver' ? 'warning' : 'conflict', parcel_code: code, message }
}

function zoneOverlap(row: PieceRow, g: Grading): Pick<PreviewOverlap, 'severity' | 'rule_id' | 'basis' | 'message'> {
  const rule = resolveRule(g.rules, {
    kind: 'overlap', zoneClass: row.zone_class!, category: g.category, intendedUse: g.intendedUse,
  })
  const graded = rule?.severity ?? 'info'
  const severity = g.raiseAboveM2 !== null && row.area_m2 > g.raiseAboveM2 ? raised(graded) : graded
  const basis = rule ? (g.lang === 'zh' ? rule.basis_zh : rule.basis_en) : null
  const zone = ZONE_CLASS_NAMES[row.zone_class!]?.[g.lang] ?? row.zone_class!
  const share = `${(row.ratio * 100).toFixed(1)}%`
  const area = areaText(row.area_m2, g.lang)
  const message = g.lang === 'zh'
    ? `有 ${area}（占 ${share}）位于${zone}（${row.layer_name}）${basis ? `：${basis}` : ''}`
    : `${area} (${share}) lies in ${zone} (${row.layer_name})${basis ? `: ${basis}` : ''}`
  return { severity, rule_id: rule?.id ?? null, basis, message }
}

function toOverlap(row: PieceRow, g: Grading): PreviewOverlap {
  const common = {
    kind: row.kind, parcel_id: row.parcel_id, layer_id: row.layer_id, layer_name: row.layer_name,
    layer_version: row.layer_version, zone_class: row.zone_class,
    area_m2: round(row.area_m2, 2), area_mu: round(row.area_m2 / M2_PER_MU, 4), ratio: round(row.ratio, 6),
    geometry: JSON.parse(row.geometry) as unknown,
  }
  if (row.kind === 'parcel') return { ...common, ...parcelOverlap(row, g), rule_id: null, basis: null }
  return { ...common, ...zoneOverlap(row, g), code: 'zone_overlap', parcel_code: null }
}

const BY_SEVERITY = (a: PreviewOverlap, b: PreviewOverlap) =>
  SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || b.area_m2 - a.area_m2

/**
 * Validity first (ST_IsValidDetail, as saving checks it); then, for a valid
 * outline, its area and what it overlaps, most severe first.
 */
export async function previewChecks(db: Queryable, user: User, request: PreviewRequest, lang: 'zh' | 'en'): Promise<Preview> {
  const edited = request.parcelId === null ? null : await readParcel(db, user, request.parcelId)
  const geometry = JSON.stringify(request.geometry)
  const { rows } = await db.query<{ valid: boolean; reason: string | null; x: number | null; y: number | null }>(
    `SELECT d.valid, d.reason, ST_X(d.location) AS x, ST_Y(d.location) AS y
     FROM ST_IsValidDetail(ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4490)) AS d`,
    [geometry],
  )
  const detail = rows[0]!
  if (!detail.valid) {
    const location: [number, number] | null = detail.x === null ? null : [detail.x, detail.y!]
    return { valid: false, invalid_reason: detail.reason, invalid_location: location, area_m2: null, area_mu: null, overlaps: [] }
  }

  const params = await loadDefaults(db)
  const area = await db.query<{ m2: number }>(
    'SELECT ST_Area(ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4490)::geography) AS m2',
    [geometry],
  )
  const pieces = await db.query<PieceRow>(sql('preview-overlaps'), [
    geometry, request.parcelId, params.min_piece_m2, params.sliver_width_m,
  ])
  const grading: Grading = {
    rules: (await listRules(db)).filter((rule) => rule.kind === 'overlap'),
    category: request.category ?? edited?.category ?? null,
    intendedUse: request.intendedUse ?? edited?.intended_use ?? null,
    raiseAboveM2: params.raise_above_mu === null ? null : params.raise_above_mu * M2_PER_MU,
    scope: townScope(user),
    lang,
  }
  const m2 = Number(area.rows[0]!.m2)
  return {
    valid: true, invalid_reason: null, invalid_location: null,
    area_m2: round(m2, 2), area_mu: round(m2 / M2_PER_MU, 4),
    overlaps: pieces.rows.map((row) => toOverlap({ ...row, area_m2: Number(row.area_m2), ratio: Number(row.ratio) }, grading)).sort(BY_SEVERITY),
  }
}

import type { Geometry } from 'geojson'
import { can, type User } from '../auth/roles.ts'
import type { Db, Queryable } from '../db/db.ts'
import { jsonbText } from '../db/jsonb.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { log } from '../log.ts'
import type { ExplicitMapping } from './mapping.ts'
import { loadPlaces } from './places.ts'
import { planOccupations, planParcels, planZones, type Plan } from './plan.ts'
import { readUpload } from './read.ts'
import type { StoreOptions, StoreOutcome } from './staging.ts'
import { storeOccupations, storeZones } from './store-others.ts'
import { storeParcels } from './store-parcels.ts'
import { addStage, stage, stageSummary, timeStages, type StageTimes } from './stages.ts'
import { KEPT_WITH_PROBLEM, type FeatureProblem, type ImportLimits, type RawFeature, type ReadResult } from './types.ts'

export type ImportTarget = { kind: 'parcels' } | { kind: 'occupations' } | { kind: 'layer'; layerId: number }

export interface ImportRequest {
  bytes: Uint8Array
  fileName: string
  target: string
  mode: 'atomic' | 'partial'
  makeValid: boolean
  srid?: number
  encoding?: string
  gcj02?: boolean
  mapping?: ExplicitMapping
  /** zone class for every feature of a layer file that has none of its own */
  zoneClass?: string
  /** read, check and report, then roll everything back */
  dryRun?: boolean
  /** filled with the milliseconds each stage took, when given (benchmarks) */
  stageTimes?: StageTimes
  /** with dryRun: put the features, as read and converted to EPSG:4490, in the report for a map */
  preview?: boolean
  limits: ImportLimits
}

export interface ImportReport {
  import_id: number | null
  status: 'stored' | 'rejected' | 'dry_run'
  target: string
  feature_count: number
  accepted: number
  /** each refused feature: its index in the file, the refusal's code, and a message naming it (in Chinese too where the reader wrote one) */
  rejected: FeatureProblem[]
  created: number
  updated: number
  unchanged: number
  repaired: number
  detected: {
    format: string
    layer_name: string
    srid: number
    crs_name: string
    crs_source: string
    encoding: string | null
    encoding_source: string | null
    gcj02: boolean
  }
  mapping: Record<string, string>
  warnings: string[]
  /** a dry run's features for a map, when asked for (at most PREVIEW_LIMITS) */
  preview?: ImportPreview
}

/** The features of a dry run for a map: each with its place in the file and what became of it. */
export interface ImportPreview {
  type: 'FeatureCollection'
  features: {
    type: 'Feature'
    geometry: Geometry
    properties: { index: number; label: string | null; rejected: string | null }
  }[]
  /** true when the file has more features or vertices than PREVIEW_LIMITS allows */
  truncated: boolean
}

/** A preview stays a few MB at most, whatever the file. */
export const PREVIEW_LIMITS = { features: 5000, vertices: 500_000 }

export function parseTarget(value: unknown): ImportTarget {
  if (value === 'parcels' || value === undefined || value === '') return { kind: 'parcels' }
  if (value === 'occupations') return { kind: 'occupations' }
  const layer = typeof value === 'string' ? /^layer:(\d{1,9})$/.exec(value) : null
  if (layer) return { kind: 'layer', layerId: Number(layer[1]) }
  throw new AppError('invalid_parameter', {
    field: 'target', value: quote(value), reason: 'parcels, occupations or layer:<layer id>',
  })
}

function assertAllowed(user: User, target: ImportTarget): void {
  const action = target.kind === 'parcels' ? 'parcel.write' : target.kind === 'layer' ? 'layer.manage' : 'occupation.write'
  if (!can(user, action)) throw new AppError('forbidden', { role: user.role, action: `import ${target.kind}` })
}

/** Signals an atomic import with problems: the transaction rolls back, the report goes out. */
class Rejected extends Error {
  constructor(readonly outcome: StoreOutcome) {
    super('import rejected')
  }
}

/**
 * Reads an upload, maps and checks its features, and stores them in one
 * transaction: all or nothing in atomic mode, the good ones in partial mode.
 * Every import that gets as far as its features is recorded, stored or not.
 */
export async function runImport(db: Db, user: User, request: ImportRequest): Promise<ImportReport> {
  const times = request.stageTimes ?? new Map()
  return timeStages(times, () => importWith(db, user, request, times))
}

async function importWith(db: Db, user: User, request: ImportRequest, times: StageTimes): Promise<ImportReport> {
  const started = Date.now()
  const target = parseTarget(request.target)
  assertAllowed(user, target)
  if (target.kind === 'layer') await assertLayer(db, target.layerId)

  const read = await readUpload(request.bytes, {
    fileName: request.fileName, srid: request.srid, encoding: request.encoding, gcj02: request.gcj02, limits: request.limits,
  })
  // Reader problems keep a feature out, except a zone lying outside the
  // district (the sea area does): a plan layer may reach beyond it.
  const readerProblems = read.problems.filter((p) => !KEPT_WITH_PROBLEM.includes(p.code) || target.kind !== 'layer')
  const blocked = new Set(readerProblems.map((p) => p.index))
  const features = read.features.filter((f) => !blocked.has(f.index))
  const options = (importId: number): StoreOptions => ({ importId, mode: request.mode, makeValid: request.makeValid })

  let outcome: StoreOutcome
  let plan: Plan<unknown> = { candidates: [], problems: [], mapping: {} }
  let importId: number | null = null
  let workDone = 0
  try {
    outcome = await db.transaction(async (tx) => {
      importId = await recordImport(tx, user, request, read, target)
      plan = await stage('map attributes', () => planFor(tx, target, features, request, importId!))
      const early = [...readerProblems, ...plan.problems]
      // An atomic import refused already still goes through the database
      // checks, so its report names every bad feature at once.
      const checkOnly = request.mode === 'atomic' && early.length > 0
      const stored = await store(tx, user, target, plan, { ...options(importId), checkOnly })
      const all = { ...stored, problems: [...early, ...stored.problems].sort((a, b) => a.index - b.index) }
      if (request.mode === 'atomic' && all.problems.length > 0) throw new Rejected(emptyOutcome(all.problems))
      if (request.dryRun) throw new Rejected(all)
      await finishRecord(tx, importId, all, plan.mapping, read, Date.now() - started)
      workDone = performance.now()
      return all
    })
    addStage('commit', performance.now() - workDone)
  } catch (error) {
    if (!(error instanceof Rejected)) throw error
    outcome = error.outcome
    importId = request.dryRun ? null : await recordRejected(db, user, request, read, target, outcome, plan.mapping, Date.now() - started)
  }
  const report = toReport(importId, request, read, outcome, plan.mapping)
  log.info('import', {
    id: importId, user: user.username, file: request.fileName, target: request.target, status: report.status,
    features: report.feature_count, accepted: report.accepted, rejected: report.rejected.length, ms: Date.now() - started,
    stages: stageSummary(times),
  })
  return report
}

async function assertLayer(db: Queryable, layerId: number): Promise<void> {
  const { rowCount } = await db.query('SELECT 1 FROM planning_layers WHERE id = $1 AND deleted_at IS NULL', [layerId])
  if (rowCount === 0) throw new AppError('not_found', { what: `layer ${layerId}` })
}

async function planFor(
  tx: Queryable, target: ImportTarget, features: RawFeature[], request: ImportRequest, importId: number,
): Promise<Plan<unknown>> {
  if (target.kind === 'parcels') return planParcels(features, await loadPlaces(tx), request.mapping)
  if (target.kind === 'occupations') return planOccupations(features, `IMP${importId}`)
  return planZones(features, request.zoneClass)
}

function store(tx: Queryable, user: User, target: ImportTarget, plan: Plan<unknown>, options: StoreOptions): Promise<StoreOutcome> {
  if (target.kind === 'parcels') return storeParcels(tx, user, plan.candidates as never, options)
  if (target.kind === 'occupations') return storeOccupations(tx, user, plan.candidates as never, options)
  return storeZones(tx, target.layerId, plan.candidates as never, options)
}

function emptyOutcome(problems: FeatureProblem[]): StoreOutcome {
  return { problems, created: 0, updated: 0, unchanged: 0, repaired: 0 }
}

const IMPORT_COLUMNS = `created_by, file_name, file_bytes, format, target, layer_id, mode, make_valid, status,
  source_srid, crs_source, encoding, encoding_source, gcj02, feature_count`

function importValues(user: User, request: ImportRequest, read: ReadResult, target: ImportTarget, status: string): unknown[] {
  return [
    user.id, request.fileName, request.bytes.length, read.format, request.target || 'parcels',
    target.kind === 'layer' ? target.layerId : null, request.mode, request.makeValid, status,
    read.sourceSrid, read.crsSource, read.encoding, read.encodingSource, read.gcj02,
    read.features.length + read.problems.filter((p) => !KEPT_WITH_PROBLEM.includes(p.code)).length,
  ]
}

async function recordImport(tx: Queryable, user: User, request: ImportRequest, read: ReadResult, target: ImportTarget): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO imports (${IMPORT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     RETURNING id`,
    importValues(user, request, read, target, 'stored'),
  )
  return rows[0]!.id
}

async function finishRecord(
  tx: Queryable, importId: number, outcome: StoreOutcome, mapping: Record<string, string>, read: ReadResult, ms: number,
): Promise<void> {
  const rejected = new Set(outcome.problems.map((p) => p.index)).size
  await tx.query(
    `UPDATE imports SET accepted = $2, rejected = $3, created = $4, updated = $5, unchanged = $6,
       repaired = $7, report = $8, duration_ms = $9 WHERE id = $1`,
    [importId, outcome.created + outcome.updated + outcome.unchanged, rejected, outcome.created, outcome.updated,
      outcome.unchanged, outcome.repaired, jsonbText({ rejected: outcome.problems, warnings: read.warnings, mapping }), ms],
  )
}

/** An atomic import refused for its features is still recorded, with its report. */
async function recordRejected(
  db: Db, user: User, request: ImportRequest, read: ReadResult, target: ImportTarget,
  outcome: StoreOutcome, mapping: Record<string, string>, ms: number,
): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO imports (${IMPORT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       RETURNING id`,
      importValues(user, request, read, target, 'rejected'),
    )
    const id = rows[0]!.id
    await finishRecord(tx, id, { ...outcome, created: 0, updated: 0, unchanged: 0, repaired: 0 }, mapping, read, ms)
    await tx.query('UPDATE imports SET accepted = 0 WHERE id = $1', [id])
    return id
  })
}

function toReport(
  importId: number | null, request: ImportRequest, read: ReadResult, outcome: StoreOutcome, mapping: Record<string, string>,
): ImportReport {
  const refused = request.dryRun ? false : request.mode === 'atomic' && outcome.problems.length > 0
  return {
    import_id: importId,
    status: request.dryRun ? 'dry_run' : refused ? 'rejected' : 'stored',
    target: request.target || 'parcels',
    feature_count: read.features.length + read.problems.filter((p) => !KEPT_WITH_PROBLEM.includes(p.code)).length,
    accepted: refused ? 0 : outcome.created + outcome.updated + outcome.unchanged,
    rejected: outcome.problems.map(({ index, code, message, zh }) => (zh ? { index, code, message, zh } : { index, code, message })),
    created: outcome.created,
    updated: outcome.updated,
    unchanged: outcome.unchanged,
    repaired: outcome.repaired,
    detected: {
      format: read.format, layer_name: read.layerName, srid: read.sourceSrid, crs_name: read.sourceCrsName,
      crs_source: read.crsSource, encoding: read.encoding, encoding_source: read.encodingSource, gcj02: read.gcj02,
    },
    mapping,
    warnings: read.warnings,
    ...(request.dryRun && request.preview ? { preview: previewOf(read, outcome.problems, mapping) } : {}),
  }
}

function positions(coordinates: unknown): number {
  if (!Array.isArray(coordinates)) return 0
  if (typeof coordinates[0] === 'number') return 1
  return coordinates.reduce((n: number, inner: unknown) => n + positions(inner), 0)
}

function vertexCount(geometry: Geometry): number {
  if (geometry.type === 'GeometryCollection') return geometry.geometries.reduce((n, g) => n + vertexCount(g), 0)
  return positions(geometry.coordinates)
}

/** The label of a feature on the preview map: the column mapped to code, else to name. */
function labelColumn(mapping: Record<string, string>): string | undefined {
  const entries = Object.entries(mapping)
  return (entries.find(([, field]) => field === 'code') ?? entries.find(([, field]) => field === 'name'))?.[0]
}

function previewOf(read: ReadResult, problems: FeatureProblem[], mapping: Record<string, string>): ImportPreview {
  const rejected = new Map<number, string>()
  for (const problem of problems) if (!rejected.has(problem.index)) rejected.set(problem.index, problem.code)
  const column = labelColumn(mapping)
  const features: ImportPreview['features'] = []
  let vertices = 0
  for (const feature of read.features) {
    vertices += vertexCount(feature.geometry)
    if (features.length >= PREVIEW_LIMITS.features || vertices > PREVIEW_LIMITS.vertices) {
      return { type: 'FeatureCollection', features, truncated: true }
    }
    const label = column === undefined ? null : feature.properties[column]
    features.push({
      type: 'Feature',
      geometry: feature.geometry,
      properties: {
        index: feature.index,
        label: label === undefined || label === null || label === '' ? null : String(label),
        rejected: rejected.get(feature.index) ?? null,
      },
    })
  }
  return { type: 'FeatureCollection', features, truncated: false }
}

import { Router, type Request } from 'express'
import { requireAction, requireUser } from '../auth/middleware.ts'
import { townScope } from '../auth/roles.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { language } from '../errors/middleware.ts'
import type { AppContext } from '../http/context.ts'
import { readUpload, type Upload } from '../http/upload.ts'
import type { ExplicitMapping } from './mapping.ts'
import { runImport, type ImportRequest } from './run.ts'
import { DEFAULT_LIMITS, type ImportLimits } from './types.ts'

/** The import's upload: one file within the configured size. */
function readImportUpload(req: Request, limits: ImportLimits): Promise<Upload> {
  return readUpload(req, {
    maxBytes: limits.maxUploadBytes,
    tooLarge: (file, size) => new AppError('upload_too_large', { file, size, limit: limits.maxUploadBytes }),
  })
}

function flag(fields: Record<string, string>, name: string): boolean {
  const value = fields[name]
  if (value === undefined || value === '' || value === 'false' || value === '0') return false
  if (value === 'true' || value === '1') return true
  throw new AppError('invalid_parameter', { field: name, value, reason: 'true or false' })
}

function optionalInteger(fields: Record<string, string>, name: string): number | undefined {
  const value = fields[name]
  if (value === undefined || value === '') return undefined
  if (!/^\d{4,6}$/.test(value)) throw new AppError('invalid_parameter', { field: name, value, reason: 'an EPSG code such as 4490 or 4549' })
  return Number(value)
}

function mapping(fields: Record<string, string>): ExplicitMapping | undefined {
  const value = fields.mapping
  if (value === undefined || value === '') return undefined
  try {
    const parsed = JSON.parse(value) as unknown
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as ExplicitMapping
  } catch {
    // reported below
  }
  throw new AppError('invalid_parameter', { field: 'mapping', value: quote(value), reason: 'a JSON object {"column": "property"}' })
}

/** The import a form asks for (the route's fields; `npm run import` passes its flags as the same fields). */
export function importRequest(upload: Upload, limits: ImportLimits): ImportRequest {
  const { fields } = upload
  const mode = fields.mode || 'atomic'
  if (mode !== 'atomic' && mode !== 'partial') {
    throw new AppError('invalid_parameter', { field: 'mode', value: mode, reason: 'atomic or partial' })
  }
  return {
    bytes: upload.bytes,
    fileName: upload.fileName,
    target: fields.target ?? 'parcels',
    mode,
    makeValid: flag(fields, 'makeValid') || flag(fields, 'make_valid'),
    srid: optionalInteger(fields, 'srid'),
    encoding: fields.encoding || undefined,
    gcj02: flag(fields, 'gcj02'),
    mapping: mapping(fields),
    zoneClass: fields.class || undefined,
    dryRun: flag(fields, 'dry_run'),
    preview: flag(fields, 'preview'),
    limits,
  }
}

export function importRoutes(ctx: AppContext, limits: ImportLimits = DEFAULT_LIMITS): Router {
  const router = Router()

  router.post('/api/imports', async (req, res) => {
    const user = requireUser(req)
    const upload = await readImportUpload(req, limits)
    const report = await runImport(ctx.db, user, importRequest(upload, limits))
    if (report.status === 'rejected') {
      // API.md: the 422 carries the same report as a 201, plus the error.
      const error = new AppError('import_rejected', { count: new Set(report.rejected.map((r) => r.index)).size })
      res.status(422).json({ ...report, error: { code: error.code, message: error.message_in(language(req)), details: null } })
      return
    }
    res.status(report.status === 'dry_run' ? 200 : 201).json(report)
  })

  router.get('/api/imports', async (req, res) => {
    const user = requireAction(req, 'import.read')
    const own = townScope(user) === null ? null : user.id
    const { rows } = await ctx.db.query(
      `SELECT i.id, u.username AS created_by, i.created_at, i.file_name, i.file_bytes, i.format, i.target,
              i.mode, i.make_valid, i.status, i.source_srid, i.crs_source, i.encoding, i.encoding_source,
              i.gcj02, i.feature_count, i.accepted, i.rejected, i.created, i.updated, i.unchanged,
              i.repaired, i.duration_ms
       FROM imports i LEFT JOIN users u ON u.id = i.created_by
       WHERE ($1::int IS NULL OR i.created_by = $1)
       ORDER BY i.id DESC LIMIT 500`,
      [own],
    )
    res.json(rows)
  })

  router.get('/api/imports/:id', async (req, res) => {
    const user = requireAction(req, 'import.read')
    const own = townScope(user) === null ? null : user.id
    const { rows } = await ctx.db.query(
      `SELECT i.*, u.username AS created_by FROM imports i LEFT JOIN users u ON u.id = i.created_by
       WHERE i.id = $1 AND ($2::int IS NULL OR i.created_by = $2)`,
      [Number(req.params.id) || 0, own],
    )
    if (!rows[0]) throw new AppError('not_found', { what: `import ${req.params.id}` })
    res.json(rows[0])
  })

  return router
}

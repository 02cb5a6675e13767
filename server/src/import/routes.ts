import busboy from 'busboy'
import { Router, type Request } from 'express'
import { requireAction, requireUser } from '../auth/middleware.ts'
import { townScope } from '../auth/roles.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { language } from '../errors/middleware.ts'
import type { AppContext } from '../http/context.ts'
import type { ExplicitMapping } from './mapping.ts'
import { runImport, type ImportRequest } from './run.ts'
import { DEFAULT_LIMITS, type ImportLimits } from './types.ts'

interface Upload {
  fileName: string
  bytes: Uint8Array
  fields: Record<string, string>
}

/**
 * Reads a multipart upload with one file, bounded in size: the body is cut
 * off at the limit, so a 200 MB upload costs no more than the limit.
 */
function readUpload(req: Request, limits: ImportLimits): Promise<Upload> {
  if (!req.is('multipart/form-data')) {
    return Promise.reject(new AppError('unsupported_media_type', { type: req.headers['content-type'] ?? 'none' }))
  }
  const declared = Number(req.headers['content-length'])
  // Multipart framing adds a few hundred bytes; a declared body well beyond the
  // limit is refused before a byte of it is read.
  if (declared > limits.maxUploadBytes + 64 * 1024) {
    return Promise.reject(new AppError('upload_too_large', { file: 'upload', size: declared, limit: limits.maxUploadBytes }))
  }
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {}
    const chunks: Buffer[] = []
    let fileName: string | undefined
    let size = 0
    let failure: AppError | undefined
    const parser = busboy({
      headers: req.headers,
      limits: { files: 1, fields: 20, fieldSize: 64 * 1024, fileSize: limits.maxUploadBytes },
    })
    parser.on('field', (name, value) => (fields[name] = value))
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume()
        return
      }
      fileName = info.filename || 'upload'
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        chunks.push(chunk)
      })
      stream.on('limit', () => {
        failure = new AppError('upload_too_large', { file: fileName, size: `>${limits.maxUploadBytes}`, limit: limits.maxUploadBytes })
        chunks.length = 0
        stream.resume()
      })
    })
    parser.on('error', (error: Error) => reject(new AppError('invalid_parameter', { field: 'file', value: 'multipart', reason: error.message })))
    parser.on('close', () => {
      if (failure) return reject(failure)
      if (fileName === undefined) {
        return reject(new AppError('invalid_parameter', { field: 'file', value: 'none', reason: 'send the file in the multipart field "file"' }))
      }
      resolve({ fileName, bytes: new Uint8Array(Buffer.concat(chunks, size)), fields })
    })
    req.pipe(parser)
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

function importRequest(upload: Upload, limits: ImportLimits): ImportRequest {
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
    limits,
  }
}

export function importRoutes(ctx: AppContext, limits: ImportLimits = DEFAULT_LIMITS): Router {
  const router = Router()

  router.post('/api/imports', async (req, res) => {
    const user = requireUser(req)
    const upload = await readUpload(req, limits)
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

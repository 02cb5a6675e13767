// POST /api/imports through XMLHttpRequest, whose upload events tell how much
// of the file has gone (fetch cannot). A dry run with preview reads and checks
// the file and returns its features; nothing is stored until a second,
// confirmed upload of the same file.
import type { ImportReport as ServerImportReport } from '../../../server/src/import/run.ts'
import { getLanguage, t } from '../i18n/index.ts'
import { ApiError } from './http.ts'

export interface ImportFields {
  /** parcels, occupations or layer:<id> */
  target: string
  mode: 'atomic' | 'partial'
  srid?: string
  encoding?: string
  /** a planning layer's zone class for features that name none */
  zoneClass?: string
}

/** The import's report, as the server writes it; on a 422 also why the whole file was refused. */
export type ImportReport = ServerImportReport & { error?: { code: string; message: string } }

export interface UploadProgress {
  /** the upload's share sent, 0–1 */
  onUpload(fraction: number): void
  /** the file is sent; the server reads and checks it now */
  onServerWork(): void
}

export interface Upload {
  result: Promise<ImportReport>
  abort(): void
}

function formData(file: File, fields: ImportFields, dryRun: boolean): FormData {
  const form = new FormData()
  form.append('target', fields.target)
  form.append('mode', fields.mode)
  if (fields.srid) form.append('srid', fields.srid)
  if (fields.encoding) form.append('encoding', fields.encoding)
  if (fields.zoneClass) form.append('class', fields.zoneClass)
  if (dryRun) {
    form.append('dry_run', 'true')
    form.append('preview', 'true')
  }
  // the file last: the server reads the fields before the bytes
  form.append('file', file, file.name)
  return form
}

function parse(xhr: XMLHttpRequest): ImportReport | ApiError {
  let body: unknown = null
  try {
    body = JSON.parse(xhr.responseText)
  } catch {
    return new ApiError(xhr.status, 'unexpected', t('error.unexpected', { status: xhr.status }))
  }
  const report = body as ImportReport & {
    error?: { code: string; message: string; details?: unknown }
  }
  // a 422 with a report is an answer to show; any other error is an error
  if (xhr.status < 300 || (xhr.status === 422 && Array.isArray(report.rejected))) return report
  const error = report.error
  return new ApiError(
    xhr.status,
    error?.code ?? 'unexpected',
    error?.message ?? t('error.unexpected', { status: xhr.status }),
    error?.details,
  )
}

/** Sends the file: a dry run with preview when `dryRun`, else the import itself. */
export function uploadImport(
  file: File,
  fields: ImportFields,
  dryRun: boolean,
  progress: UploadProgress,
): Upload {
  const xhr = new XMLHttpRequest()
  const result = new Promise<ImportReport>((resolve, reject) => {
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) progress.onUpload(event.loaded / event.total)
    })
    xhr.upload.addEventListener('load', () => progress.onServerWork())
    xhr.addEventListener('load', () => {
      const answer = parse(xhr)
      if (answer instanceof ApiError) reject(answer)
      else resolve(answer)
    })
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', t('error.network'))))
    xhr.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
  })
  xhr.open('POST', '/api/imports')
  xhr.setRequestHeader('Accept', 'application/json')
  xhr.setRequestHeader('Accept-Language', getLanguage())
  xhr.send(formData(file, fields, dryRun))
  return { result, abort: () => xhr.abort() }
}

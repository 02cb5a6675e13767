// Reading a multipart upload of one file, bounded in size: the body is cut
// off at the limit, so a 200 MB upload costs no more than the limit, and a
// body declared far beyond it is refused before a byte of it is read.
import busboy from 'busboy'
import type { Request } from 'express'
import { AppError } from '../errors/app-error.ts'

export interface Upload {
  fileName: string
  bytes: Uint8Array
  fields: Record<string, string>
}

export interface UploadLimit {
  maxBytes: number
  /** The error for a file over the limit; `size` is the declared or the observed size. */
  tooLarge(file: string, size: number | string): AppError
}

// Multipart framing and the other fields add a few hundred bytes.
const FRAMING_BYTES = 64 * 1024

export function readUpload(req: Request, limit: UploadLimit): Promise<Upload> {
  if (!req.is('multipart/form-data')) {
    return Promise.reject(new AppError('unsupported_media_type', { expected: 'multipart/form-data', type: req.headers['content-type'] ?? 'none' }))
  }
  const declared = Number(req.headers['content-length'])
  if (declared > limit.maxBytes + FRAMING_BYTES) return Promise.reject(limit.tooLarge('upload', declared))
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {}
    const chunks: Buffer[] = []
    let fileName: string | undefined
    let size = 0
    let failure: AppError | undefined
    const parser = busboy({
      headers: req.headers,
      // browsers send the file name as raw UTF-8 (现场照片.png); busboy reads latin1 unless told
      defParamCharset: 'utf8',
      limits: { files: 1, fields: 20, fieldSize: 64 * 1024, fileSize: limit.maxBytes },
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
        failure = limit.tooLarge(fileName!, `>${limit.maxBytes}`)
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

import { randomUUID } from 'node:crypto'
import type { ErrorRequestHandler, Request } from 'express'
import { log } from '../log.ts'
import { AppError } from './app-error.ts'

/** The language of messages: zh-CN unless Accept-Language prefers English. */
export function language(req: Request): 'zh' | 'en' {
  const preferred = req.acceptsLanguages('zh', 'zh-CN', 'en', 'en-US', 'en-GB')
  return typeof preferred === 'string' && preferred.startsWith('en') ? 'en' : 'zh'
}

interface BodyParserError {
  type?: string
  status?: number
  limit?: number
  charset?: string
  encoding?: string
  message?: string
}

/** Turns what body-parser throws into catalogue errors. */
function fromBodyParser(error: BodyParserError): AppError | undefined {
  if (error.type === 'entity.too.large') {
    return new AppError('payload_too_large', { limit: `${Math.round((error.limit ?? 0) / 1024)} KB` })
  }
  // JSON is UTF-8, -16 or -32 (RFC 8259 §8.1); body-parser refuses another charset or a Content-Encoding it lacks
  if (error.type === 'charset.unsupported' || error.type === 'encoding.unsupported') {
    return new AppError('unsupported_media_type', {
      expected: 'JSON in UTF-8, UTF-16 or UTF-32',
      type: error.charset ? `charset ${error.charset}` : `Content-Encoding ${error.encoding ?? 'unknown'}`,
    })
  }
  // the body did not parse, or did not arrive whole (entity.parse.failed, request.size.invalid, request.aborted …)
  if (typeof error.type === 'string' && error.status !== undefined && error.status >= 400 && error.status < 500) {
    return new AppError('malformed_json', { reason: error.message?.slice(0, 200) })
  }
  return undefined
}

/** Writes `{ error: { code, message, details } }`; never a stack trace. */
export const errorMiddleware: ErrorRequestHandler = (err, req, res, _next) => {
  let error = err instanceof AppError ? err : fromBodyParser(err)
  if (!error) {
    const ref = randomUUID().slice(0, 8)
    log.error('request failed', { ref, method: req.method, path: req.path, error: err?.message ?? String(err) })
    if (err?.stack) log.debug('stack', { ref, stack: err.stack })
    error = new AppError('internal_error', { ref })
  }
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value)
  res.status(error.status).json({
    error: { code: error.code, message: error.message_in(language(req)), details: error.details ?? null },
  })
}

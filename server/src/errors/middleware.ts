import { randomUUID } from 'node:crypto'
import type { ErrorRequestHandler, Request } from 'express'
import { log } from '../log.ts'
import { AppError } from './app-error.ts'

/** The language of messages: zh-CN unless Accept-Language prefers English. */
export function language(req: Request): 'zh' | 'en' {
  const preferred = req.acceptsLanguages('zh', 'zh-CN', 'en', 'en-US', 'en-GB')
  return typeof preferred === 'string' && preferred.startsWith('en') ? 'en' : 'zh'
}

/** Turns what body-parser throws into catalogue errors. */
function fromBodyParser(error: { type?: string; limit?: number; message?: string }): AppError | undefined {
  if (error.type === 'entity.parse.failed') {
    return new AppError('malformed_json', { reason: error.message?.slice(0, 200) })
  }
  if (error.type === 'entity.too.large') {
    return new AppError('payload_too_large', { limit: `${Math.round((error.limit ?? 0) / 1024)} KB` })
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

import { ERRORS, type ErrorCode } from './catalogue.ts'

export type ErrorParams = Record<string, string | number | boolean | null | undefined>

/** The one application error: a catalogue code, its message params, details. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly params: ErrorParams
  readonly details: unknown
  /** Extra response headers, e.g. Retry-After. */
  readonly headers: Record<string, string>

  constructor(code: ErrorCode, params: ErrorParams = {}, details?: unknown, headers = {}) {
    super(render(code, params, 'en'))
    this.name = 'AppError'
    this.code = code
    this.params = params
    this.details = details
    this.headers = headers
  }

  get status(): number {
    return ERRORS[this.code].status
  }

  message_in(lang: 'zh' | 'en'): string {
    return render(this.code, this.params, lang)
  }
}

export function render(code: ErrorCode, params: ErrorParams, lang: 'zh' | 'en'): string {
  return ERRORS[code][lang].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name]
    return value === undefined || value === null ? whole : String(value)
  })
}

/** Shortens a user-supplied value for a message, so a 10 MB string is not echoed. */
export function quote(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? value : written(value)
  return `"${text.length > max ? text.slice(0, max) + '…' : text}"`
}

/** JSON text of a value for a message; nesting too deep for JSON.stringify (RangeError) is shown as an ellipsis. */
function written(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return Array.isArray(value) ? '[…]' : '{…}'
  }
}

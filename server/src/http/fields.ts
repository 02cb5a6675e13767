// Reading the fields of a JSON request body. Every refusal is the module's
// own catalogue code with the field, the value and what was expected, and
// names that are not fields at all are refused, so a misspelt field is not
// silently dropped.
import type { ErrorCode } from '../errors/catalogue.ts'
import { AppError, quote } from '../errors/app-error.ts'
import { chinaToday, parseDate } from '../reports/working-days.ts'

/** A catalogue code whose message takes {field}, {value} and {reason}. */
export type FieldErrorCode = Extract<
  ErrorCode,
  'invalid_transition' | 'invalid_objection' | 'invalid_contract' | 'invalid_payment' | 'invalid_waiver' | 'invalid_attachment'
>

// Control characters other than tab and newline have no place in a record.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/

export class Fields {
  private constructor(
    private readonly body: Record<string, unknown>,
    private readonly code: FieldErrorCode,
  ) {}

  /** The body as fields; anything but a JSON object, or a name not in `known`, is refused. */
  static of(body: unknown, code: FieldErrorCode, known: readonly string[]): Fields {
    const object = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null
    if (object === null) throw new AppError(code, { field: 'body', value: quote(body), reason: 'a JSON object' })
    const unknown = Object.keys(object).find((name) => !known.includes(name))
    if (unknown !== undefined) {
      throw new AppError(code, { field: unknown, value: quote(object[unknown]), reason: `not a field; known: ${known.join(', ')}` })
    }
    return new Fields(object, code)
  }

  has(name: string): boolean {
    return this.body[name] !== undefined
  }

  fail(field: string, reason: string): AppError {
    return new AppError(this.code, { field, value: quote(this.body[field]), reason })
  }

  /** Text of 1 to `max` characters, trimmed; null when absent, null or blank and not required. */
  text(name: string, max: number, required = false): string | null {
    const value = this.body[name]
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      if (required) throw this.fail(name, `required: text of 1 to ${max} characters`)
      return null
    }
    if (typeof value !== 'string' || value.length > max || CONTROL.test(value)) {
      throw this.fail(name, `text of 1 to ${max} characters without control characters`)
    }
    return value.trim()
  }

  requiredText(name: string, max: number): string {
    return this.text(name, max, true)!
  }

  /** A calendar date YYYY-MM-DD, not after today in China Standard Time when `past` is set. */
  date(name: string, options: { required?: boolean; past?: boolean } = {}): string | null {
    const value = this.body[name]
    if (value === undefined || value === null) {
      if (options.required) throw this.fail(name, 'required: a date YYYY-MM-DD')
      return null
    }
    if (typeof value !== 'string' || !parseDate(value)) throw this.fail(name, 'a date YYYY-MM-DD')
    if (options.past && value > chinaToday()) throw this.fail(name, `a day that has come: today is ${chinaToday()}`)
    return value
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], required = false): T | null {
    const value = this.body[name]
    if (value === undefined || value === null) {
      if (required) throw this.fail(name, `required: one of ${allowed.join(', ')}`)
      return null
    }
    if (typeof value !== 'string' || !allowed.includes(value as T)) throw this.fail(name, `one of ${allowed.join(', ')}`)
    return value as T
  }

  /** A list of distinct codes out of `allowed`. */
  codes<T extends string>(name: string, allowed: readonly T[]): T[] | null {
    const value = this.body[name]
    if (value === undefined || value === null) return null
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !allowed.includes(v as T))) {
      throw this.fail(name, `an array of ${allowed.join(', ')}`)
    }
    return [...new Set(value as T[])]
  }

  /** An amount of 元 with at most two decimals (分), from 0 (or above 0) to 10^12. */
  yuan(name: string, options: { required?: boolean; positive?: boolean } = {}): number | null {
    const value = this.body[name]
    if (value === undefined || value === null) {
      if (options.required) throw this.fail(name, 'required: an amount in 元')
      return null
    }
    const ok = typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 1e12
      && Math.abs(Math.round(value * 100) - value * 100) < 1e-6 && !(options.positive && value === 0)
    if (!ok) throw this.fail(name, `an amount in 元 with at most 2 decimals, ${options.positive ? 'above' : 'from'} 0`)
    return value as number
  }

  integer(name: string): number | null {
    const value = this.body[name]
    if (value === undefined || value === null) return null
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 999_999_999) {
      throw this.fail(name, 'a positive integer id')
    }
    return value as number
  }
}

/**
 * A sparse structured logger: one line per event, `key=value` pairs after the
 * message. Start-up, summaries, data warnings and errors; SQL only at debug.
 */
type Level = 'debug' | 'info' | 'warn' | 'error'
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

let threshold: Level = (process.env.LOG_LEVEL as Level | undefined) ?? 'info'

export function setLogLevel(level: Level): void {
  threshold = level
}

function write(level: Level, message: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < (ORDER[threshold] ?? 20)) return
  const pairs = Object.entries(fields ?? {})
    .map(([key, value]) => `${key}=${SECRET_FIELD.test(key) ? '[redacted]' : hideUrlPasswords(format(value))}`)
    .join(' ')
  const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}${pairs ? ' ' + pairs : ''}`
  if (level === 'error' || level === 'warn') console.error(line)
  else console.log(line)
}

// Secrets never reach the log: a field named like one is blanked, and the
// password of a URL (a DATABASE_URL in an error message) is masked wherever
// it appears. Bodies, cookies and headers are never logged at all.
const SECRET_FIELD = /password|secret|token|cookie|authorization/i

export function hideUrlPasswords(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^/\s:@"]*:)[^@\s"]*@/gi, '$1***@')
}

/**
 * A statement as the debug log shows it: long parameters (a district's
 * geometries, a file's bytes) cut to their start and length, and none at all
 * for a statement that reads or writes password hashes.
 */
export function sqlFields(sql: string, params: readonly unknown[]): Record<string, unknown> {
  return { sql, params: /password_hash/i.test(sql) ? '[redacted]' : briefParams(params) }
}

function briefParams(params: readonly unknown[]): unknown[] {
  return params.map((value) => {
    const text = typeof value === 'string' ? value : value instanceof Uint8Array ? `<${value.length} bytes>` : null
    if (text === null) return value
    return text.length > 200 ? `${text.slice(0, 60)}… (${text.length} characters)` : text
  })
}

function format(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value
  if (value instanceof Error) return JSON.stringify(value.message)
  return JSON.stringify(value)
}

export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
}

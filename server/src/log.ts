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
    .map(([key, value]) => `${key}=${format(value)}`)
    .join(' ')
  const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}${pairs ? ' ' + pairs : ''}`
  if (level === 'error' || level === 'warn') console.error(line)
  else console.log(line)
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

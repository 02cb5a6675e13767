import { readFileSync } from 'node:fs'
import path from 'node:path'

const DIR = path.join(import.meta.dirname, 'sql')
const cache = new Map<string, string>()

/** The text of server/src/reports/sql/<name>.sql, read once. */
export function sql(name: string): string {
  let text = cache.get(name)
  if (text === undefined) {
    text = readFileSync(path.join(DIR, `${name}.sql`), 'utf8')
    cache.set(name, text)
  }
  return text
}

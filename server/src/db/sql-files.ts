import { readFileSync } from 'node:fs'
import path from 'node:path'

/** A reader of the .sql files in `dir`: sql('name') is the text of name.sql, read once. */
export function sqlFiles(dir: string): (name: string) => string {
  const cache = new Map<string, string>()
  return (name) => {
    let text = cache.get(name)
    if (text === undefined) {
      text = readFileSync(path.join(dir, `${name}.sql`), 'utf8')
      cache.set(name, text)
    }
    return text
  }
}

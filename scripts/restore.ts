/**
 * Restores a backup written by `npm run backup` into an empty database: the
 * embedded one in JIYUAN_DATA_DIR or the server in DATABASE_URL (either may
 * take a backup of the other). A database that already holds users or
 * parcels is refused unless --force is given: an embedded data directory is
 * then moved aside (kept, renamed), a server database's public schema dropped.
 *
 *   npm run restore -- FILE [--database-url postgres://…] [--data-dir DIR] [--force]
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { RestoreRefused, restoreBackup } from '../server/src/backup/restore.ts'
import { readConfig } from '../server/src/config.ts'
import { hideUrlPasswords } from '../server/src/log.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'database-url': { type: 'string' }, 'data-dir': { type: 'string' }, force: { type: 'boolean', default: false } },
})

async function main(): Promise<number> {
  const file = positionals[0]
  if (!file) {
    console.error('usage: npm run restore -- FILE [--database-url postgres://…] [--data-dir DIR] [--force]')
    return 2
  }
  const config = readConfig()
  const url = values['database-url'] ?? (values['data-dir'] ? undefined : config.databaseUrl)
  const dataDir = path.resolve(values['data-dir'] ?? config.dataDir)
  const summary = await restoreBackup(path.resolve(file), url ? { databaseUrl: url } : { dataDir }, { force: values.force })
  const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0)
  if (summary.movedAside) console.log(`the database that was there is kept in ${summary.movedAside}`)
  console.log(
    `restored ${file} into ${url ? hideUrlPasswords(url) : dataDir}: ` +
      `${Object.keys(summary.tables).length} tables, ${rows} rows, ${summary.ms} ms`,
  )
  return 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = hideUrlPasswords(error instanceof Error ? error.message : String(error))
    console.error(error instanceof RestoreRefused ? `restore refused: ${message}` : `restore failed: ${message}`)
    process.exit(error instanceof RestoreRefused ? 3 : 1)
  },
)

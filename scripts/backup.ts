/**
 * Writes a backup of the configured database (the embedded one in
 * JIYUAN_DATA_DIR, or the server in DATABASE_URL) to one file: every table,
 * attachments included, as of one moment.
 *
 *   npm run backup -- FILE [--database-url postgres://…] [--data-dir DIR]
 *
 * The embedded database is opened by one process at a time: stop the server
 * first. A server database is backed up while the servers run.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { writeBackup } from '../server/src/backup/dump.ts'
import { readConfig } from '../server/src/config.ts'
import { openEmbedded } from '../server/src/db/embedded.ts'
import { openServer } from '../server/src/db/server.ts'
import { hideUrlPasswords } from '../server/src/log.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'database-url': { type: 'string' }, 'data-dir': { type: 'string' } },
})

async function main(): Promise<number> {
  const file = positionals[0]
  if (!file) {
    console.error('usage: npm run backup -- FILE [--database-url postgres://…] [--data-dir DIR]')
    return 2
  }
  const config = readConfig()
  const url = values['database-url'] ?? (values['data-dir'] ? undefined : config.databaseUrl)
  const dataDir = path.resolve(values['data-dir'] ?? config.dataDir)
  const db = url ? await openServer(url) : await openEmbedded({ dataDir })
  try {
    const summary = await writeBackup(db, path.resolve(file))
    const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0)
    console.log(
      `backup of ${url ? hideUrlPasswords(url) : dataDir} written to ${summary.file}: ` +
        `${Object.keys(summary.tables).length} tables, ${rows} rows, ${(summary.bytes / 1048576).toFixed(1)} MiB, ${summary.ms} ms`,
    )
    return 0
  } finally {
    await db.close()
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`backup failed: ${hideUrlPasswords(error instanceof Error ? error.message : String(error))}`)
    process.exit(1)
  },
)

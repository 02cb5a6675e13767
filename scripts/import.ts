/**
 * Imports a file from the command line through the same pipeline as
 * POST /api/imports, acting as a user of the configured database.
 *
 *   npm run import -- FILE [--target parcels|occupations|layer:ID] [--srid EPSG]
 *     [--encoding GBK] [--mode atomic|partial] [--make-valid] [--gcj02]
 *     [--class ZONE_CLASS] [--mapping '{"列名":"code"}'] [--dry-run] [--user admin]
 */
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { toUser } from '../server/src/auth/credentials.ts'
import { readConfig } from '../server/src/config.ts'
import { openDatabase } from '../server/src/db/open.ts'
import { AppError } from '../server/src/errors/app-error.ts'
import { importRequest } from '../server/src/import/routes.ts'
import { runImport, type ImportRequest } from '../server/src/import/run.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    target: { type: 'string', default: 'parcels' },
    srid: { type: 'string' },
    encoding: { type: 'string' },
    mode: { type: 'string', default: 'atomic' },
    'make-valid': { type: 'boolean', default: false },
    gcj02: { type: 'boolean', default: false },
    class: { type: 'string' },
    mapping: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    user: { type: 'string', default: 'admin' },
  },
})

async function main(): Promise<number> {
  const file = positionals[0]
  if (!file) {
    console.error('usage: npm run import -- FILE [--target parcels|occupations|layer:ID] [--srid EPSG] …')
    return 2
  }
  const config = readConfig()
  if (statSync(file).size > config.importLimits.maxUploadBytes) {
    console.error(`${file} is larger than the upload limit of ${config.importLimits.maxUploadBytes} bytes`)
    return 1
  }
  // the flags as the route's form fields, read by the route's own rules
  const fields: Record<string, string> = { target: values.target!, mode: values.mode! }
  if (values.srid !== undefined) fields.srid = values.srid
  if (values.encoding !== undefined) fields.encoding = values.encoding
  if (values.class !== undefined) fields.class = values.class
  if (values.mapping !== undefined) fields.mapping = values.mapping
  if (values['make-valid']) fields.makeValid = 'true'
  if (values.gcj02) fields.gcj02 = 'true'
  if (values['dry-run']) fields.dry_run = 'true'
  const upload = { bytes: readFileSync(file), fileName: path.basename(file), fields }
  let request: ImportRequest
  try {
    request = importRequest(upload, config.importLimits)
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    console.error(`${error.code}: ${error.message_in('en')}`)
    return 2
  }
  const { db } = await openDatabase(config)
  try {
    const { rows } = await db.query<Parameters<typeof toUser>[0]>(
      'SELECT id, username, display_name, role, town FROM users WHERE username = $1 AND disabled_at IS NULL',
      [values.user],
    )
    if (!rows[0]) {
      console.error(`no user "${values.user}" in this database`)
      return 1
    }
    const report = await runImport(db, toUser(rows[0]), request)
    console.log(JSON.stringify(report, null, 2))
    return report.status === 'rejected' ? 1 : 0
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    console.error(`${error.code}: ${error.message_in('en')}`)
    return 1
  } finally {
    await db.close()
  }
}

process.exitCode = await main()

import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { ROOT } from '../../server/src/config.ts'
import { createUser } from '../../server/src/auth/users.ts'
import type { Db } from '../../server/src/db/db.ts'
import { isEmbedded, openEmbedded } from '../../server/src/db/embedded.ts'
import { prepare } from '../../server/src/db/open.ts'
import { openServer } from '../../server/src/db/server.ts'
import { loadSamples } from '../../server/src/samples/load.ts'
import { TEST_USERS } from './fixtures.ts'

const MIGRATIONS = path.join(ROOT, 'server/src/db/migrations')
const SAMPLES = path.resolve(process.env.JIYUAN_SAMPLES_DIR ?? path.join(ROOT, 'data-samples'))
const CACHE = path.join(ROOT, 'node_modules/.cache/jiyuan-test')
/**
 * The PostGIS-server template, one per checkout: two checkouts testing against
 * one server at once must not drop each other's template.
 */
export const PG_TEMPLATE = `jiyuan_test_template_${createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}`

/**
 * A digest of everything a test database is built from: the migrations, the
 * sample data and the test accounts. A cached template with another digest
 * is stale.
 */
export function templateDigest(): string {
  const hash = createHash('sha256')
  for (const file of readdirSync(MIGRATIONS).sort()) hash.update(readFileSync(path.join(MIGRATIONS, file)))
  for (const file of ['parcels.geojson', 'villages.geojson', 'occupations.geojson']) {
    hash.update(readFileSync(path.join(SAMPLES, file)))
  }
  hash.update(JSON.stringify(TEST_USERS))
  return hash.digest('hex').slice(0, 16)
}

async function fill(db: Db): Promise<void> {
  await prepare(db)
  await loadSamples(db, SAMPLES)
  for (const user of Object.values(TEST_USERS)) {
    await createUser(db, { ...user, displayName: null })
  }
}

/** Builds (or reuses) the embedded template and returns the path of its data-directory dump. */
export async function embeddedTemplate(): Promise<string> {
  const file = path.join(CACHE, `embedded-${templateDigest()}.tar`)
  if (existsSync(file)) return file
  mkdirSync(CACHE, { recursive: true })
  const db = await openEmbedded({})
  await fill(db)
  if (!isEmbedded(db)) throw new Error('expected the embedded driver')
  const dump = await db.dump()
  await db.close()
  writeFileSync(`${file}.part`, Buffer.from(await dump.arrayBuffer()))
  renameSync(`${file}.part`, file)
  return file
}

/** The URL of another database on the same server as `url`. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

/**
 * Builds the PostGIS-server template database anew for this run; test files
 * clone it with CREATE DATABASE … TEMPLATE, which takes well under a second.
 */
export async function serverTemplate(adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${PG_TEMPLATE} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${PG_TEMPLATE}`)
  await admin.end()
  const db = await openServer(databaseUrl(adminUrl, PG_TEMPLATE))
  await fill(db)
  await db.close()
}

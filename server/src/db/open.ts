import type { Config } from '../config.ts'
import { log } from '../log.ts'
import type { Db } from './db.ts'
import { openEmbedded } from './embedded.ts'
import { inspectGeometryColumns, postgisVersion } from './inspect.ts'
import { migrate } from './migrate.ts'
import { openServer } from './server.ts'

export interface OpenedDb {
  db: Db
  postgis: string
}

/** Opens the configured database, brings its schema up to date and checks it. */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<OpenedDb> {
  const started = Date.now()
  const db = config.databaseUrl
    ? await openServer(config.databaseUrl)
    : await openEmbedded({ dataDir: config.dataDir })
  return prepare(db, started)
}

/** Migrates and inspects an already open database. */
export async function prepare(db: Db, started = Date.now()): Promise<OpenedDb> {
  await migrate(db)
  const postgis = await postgisVersion(db)
  await inspectGeometryColumns(db)
  log.info('database ready', { driver: db.driver, postgis, ms: Date.now() - started })
  return { db, postgis }
}

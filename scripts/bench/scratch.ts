// The database a benchmark works in: a fresh embedded one in a temporary
// folder, or a scratch database made on the PostGIS server and dropped after.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { Db } from '../../server/src/db/db.ts'
import { openEmbedded } from '../../server/src/db/embedded.ts'
import { openServer } from '../../server/src/db/server.ts'

export interface ScratchDb {
  db: Db
  /** Closes the database and removes it (folder or server database). */
  close(): Promise<void>
}

/**
 * Without `url`, an embedded database in $TMPDIR/<prefix>…; with it, the
 * server database `name` made anew (any earlier one of that name dropped).
 */
export async function scratchDb(url: string | undefined, name: string, prefix: string): Promise<ScratchDb> {
  if (!url) {
    const dir = await mkdtemp(path.join(os.tmpdir(), prefix))
    const db = await openEmbedded({ dataDir: dir })
    return { db, close: async () => (await db.close(), await rm(dir, { recursive: true, force: true })) }
  }
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${name}`)
  const target = new URL(url)
  target.pathname = `/${name}`
  const db = await openServer(target.toString())
  return {
    db,
    close: async () => {
      await db.close()
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.end()
    },
  }
}

import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeBackup } from '../../server/src/backup/dump.ts'
import { RestoreRefused, restoreBackup, type RestoreTarget } from '../../server/src/backup/restore.ts'
import { listTables } from '../../server/src/backup/tables.ts'
import { ROOT } from '../../server/src/config.ts'
import type { Db } from '../../server/src/db/db.ts'
import { ident } from '../../server/src/db/db.ts'
import { openEmbedded } from '../../server/src/db/embedded.ts'
import { openServer } from '../../server/src/db/server.ts'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type TestApp } from '../helpers/app.ts'
import { embeddedDataDir, serverDatabase } from '../helpers/process.ts'
import { databaseUrl } from '../helpers/template.ts'

const HUANXIU = '370215001'
const work = mkdtempSync(path.join(os.tmpdir(), 'jiyuan-backup-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** A PNG of noise: its bytes do not compress, like a photo's. */
function photo(): Uint8Array {
  const image = new PNG({ width: 200, height: 200 })
  image.data.set(randomBytes(image.data.length))
  return new Uint8Array(PNG.sync.write(image))
}

/**
 * Row count and a digest of every row of every table, in key order, times in
 * UTC. Generated columns are left out: a restore computes them again (the
 * ellipsoidal area of another PostGIS version may differ in its last bits).
 */
async function fingerprint(db: Db): Promise<Record<string, { rows: number; md5: string }>> {
  const result: Record<string, { rows: number; md5: string }> = {}
  await db.transaction(async (tx) => {
    await tx.query(`SET LOCAL TIME ZONE 'UTC'`)
    for (const table of await listTables(tx)) {
      const order = table.key.length > 0 ? table.key.map((k) => `t.${ident(k)}`).join(', ') : 'row_text'
      const row = `ROW(${table.columns.map((c) => `t.${ident(c.name)}`).join(', ')})::text`
      const { rows } = await tx.query<{ rows: number; md5: string }>(
        `SELECT count(*)::int AS rows, md5(coalesce(string_agg(row_text, E'\\n' ORDER BY ${order}), '')) AS md5
         FROM (SELECT t.*, ${row} AS row_text FROM ${ident(table.name)} t) t`,
      )
      result[table.name] = rows[0]!
    }
  })
  return result
}

/** An empty database on the PostGIS server, or an empty data directory. */
async function emptyTarget(backend: 'embedded' | 'postgres'): Promise<{ target: RestoreTarget; open(): Promise<Db>; drop(): Promise<void> }> {
  if (backend === 'embedded') {
    const dir = path.join(work, `restored-${randomBytes(4).toString('hex')}`)
    return { target: { dataDir: dir }, open: () => openEmbedded({ dataDir: dir }), drop: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  const adminUrl = process.env.TEST_DATABASE_URL!
  const name = `jiyuan_restore_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = databaseUrl(adminUrl, name)
  return {
    target: { databaseUrl: url },
    open: () => openServer(url),
    async drop() {
      const again = new pg.Client({ connectionString: adminUrl })
      await again.connect()
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await again.end()
    },
  }
}

async function withDb<T>(open: () => Promise<Db>, work: (db: Db) => Promise<T>): Promise<T> {
  const db = await open()
  try {
    return await work(db)
  } finally {
    await db.close()
  }
}

describe.each(backends())('backup and restore of the %s database', (backend) => {
  let app: TestApp
  let target: Awaited<ReturnType<typeof emptyTarget>>
  let original: Record<string, { rows: number; md5: string }>
  let photoDigest: string
  const file = path.join(work, `${backend}.jiyuan.gz`)

  beforeAll(async () => {
    app = await startTestApp(backend)
    // Fill it with what a backup must keep: edits with their history, a
    // deleted parcel, a photo, a check run with findings, the audit log.
    const editor = await app.as('editorHuanxiu')
    const listed = await editor.get(`/api/parcels?town=${HUANXIU}&limit=3`)
    const [first, second, third] = listed.body.features
    const edited = await editor.patch(`/api/parcels/${first.id}`, { properties: { ownership: '备份测试', name: '备份测试地块' } }, { 'if-match': `"${first.properties.version}"` })
    expect(edited.status).toBe(200)
    expect((await editor.delete(`/api/parcels/${second.id}`, { 'if-match': `"${second.properties.version}"` })).status).toBe(204)
    const bytes = photo()
    photoDigest = createHash('sha256').update(bytes).digest('hex')
    const form = new FormData()
    form.append('kind', 'survey_photo')
    form.append('file', new Blob([bytes as BlobPart]), '现场照片.png')
    expect((await editor.request('POST', `/api/parcels/${third.id}/attachments`, form)).status).toBe(201)
    const run = await (await app.as('analyst')).post('/api/checks', { kinds: ['overlap', 'area', 'geometry'], village: third.properties.village })
    expect(run.body.status).toBe('done')

    await writeBackup(app.db, file)
    original = await fingerprint(app.db)
    target = await emptyTarget(backend)
  })
  afterAll(async () => {
    await app?.close()
    await target?.drop()
  })

  it('restores into an empty database every row of every table as it was, and refuses to overwrite it unless forced', { timeout: 300_000 }, async () => {
    expect(original.parcels!.rows).toBeGreaterThan(4000)
    expect(original.parcel_versions!.rows).toBeGreaterThan(original.parcels!.rows)
    expect(original.attachments!.rows).toBe(1)
    expect(original.check_findings!.rows).toBeGreaterThan(0)
    expect(original.audit_log!.rows).toBeGreaterThan(0)

    const summary = await restoreBackup(file, target.target)
    expect(summary.tables.parcels).toBe(original.parcels!.rows)
    await withDb(target.open, async (db) => {
      expect(await fingerprint(db)).toEqual(original)
      const { rows } = await db.query<{ digest: string; stored: string }>(`SELECT encode(sha256(content), 'hex') AS digest, sha256 AS stored FROM attachments`)
      expect(rows).toEqual([{ digest: photoDigest, stored: photoDigest }])
      // The restored database goes on numbering after the restored ids.
      const { rows: ids } = await db.query<{ next: number; max: number }>(
        `SELECT nextval(pg_get_serial_sequence('parcels', 'id'))::int AS next, (SELECT max(id) FROM parcels)::int AS max`,
      )
      expect(ids[0]!.next).toBeGreaterThan(ids[0]!.max)
      // Its triggers are back on: an edit is written to the history.
      await db.query(`UPDATE parcels SET name = '恢复后修改' WHERE id = (SELECT min(id) FROM parcels)`)
      const { rows: history } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM parcel_versions WHERE parcel_id = (SELECT min(id) FROM parcels) AND after->>'name' = '恢复后修改'`,
      )
      expect(history[0]!.n).toBe(1)
    })

    const refused = await restoreBackup(file, target.target).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(RestoreRefused)
    expect((refused as Error).message).toMatch(/already holds (a database with )?\d+ users and \d+ parcels/)
    expect((refused as Error).message).toContain('--force')
    await withDb(target.open, async (db) => {
      const { rows } = await db.query<{ name: string }>(`SELECT name FROM parcels WHERE id = (SELECT min(id) FROM parcels)`)
      expect(rows[0]!.name).toBe('恢复后修改')
    })

    const forced = await restoreBackup(file, target.target, { force: true })
    if (backend === 'embedded') expect(forced.movedAside).toMatch(/\.replaced-/)
    await withDb(target.open, async (db) => expect(await fingerprint(db)).toEqual(original))
    if (forced.movedAside) rmSync(forced.movedAside, { recursive: true, force: true })
  })

  it('refuses a truncated backup, leaving a database without data that the next restore takes', { timeout: 300_000 }, async () => {
    const whole = readFileSync(file)
    const cut = path.join(work, `${backend}-cut.jiyuan.gz`)
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)))
    const forced = await restoreBackup(cut, target.target, { force: true }).catch((error: unknown) => error)
    expect(forced).toBeInstanceOf(Error)
    await withDb(target.open, async (db) => {
      const { rows } = await db.query<{ n: number }>('SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM parcels) AS n')
      expect(Number(rows[0]!.n)).toBe(0)
    })
    const clipped = await restoreBackup(cut, target.target).catch((error: unknown) => error)
    expect(clipped).not.toBeInstanceOf(RestoreRefused)
    expect(String(clipped)).toMatch(/ends early|unexpected end|incorrect header|invalid/i)
  })

  // once, from the embedded database's run (so no run of the suite counts it as skipped)
  if (backend === 'embedded' && backends().includes('postgres')) it(
    'restores a backup of the embedded database into the PostGIS server, to move a district onto it',
    { timeout: 180_000 },
    async () => {
      const target = await emptyTarget('postgres')
      try {
        await restoreBackup(file, target.target)
        await withDb(target.open, async (db) => {
          expect(await fingerprint(db)).toEqual(original)
          // The server's PostGIS (3.3) computes each area again: it agrees with the
          // embedded one's (3.6) to well under a millionth (measured: 2.5e-7).
          const areas = async (from: Db) => (await from.query<{ id: number; area_m2: number }>('SELECT id, area_m2 FROM parcels ORDER BY id')).rows
          const [before, after] = [await areas(app.db), await areas(db)]
          expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id))
          const worst = Math.max(...after.map((r, i) => Math.abs(r.area_m2 - before[i]!.area_m2) / before[i]!.area_m2))
          expect(worst).toBeLessThan(1e-6)
        })
      } finally {
        await target.drop()
      }
    },
  )
})

describe.each(backends())('npm run backup and npm run restore on the %s database', (backend) => {
  const run = (script: string, args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', script), ...args], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', JIYUAN_DATA_DIR: '' }, timeout: 300_000,
    })

  it('back up with one command and restore with another, which refuses a filled database without --force', { timeout: 600_000 }, async () => {
    const source = backend === 'embedded' ? await embeddedDataDir() : await serverDatabase()
    const target = backend === 'embedded' ? await emptyTarget('embedded') : await emptyTarget('postgres')
    const where = (store: { dir?: string; url?: string } | RestoreTarget) =>
      'dataDir' in store ? ['--data-dir', store.dataDir] : 'databaseUrl' in store ? ['--database-url', store.databaseUrl] : 'dir' in store ? ['--data-dir', store.dir!] : ['--database-url', store.url!]
    const file = path.join(work, `cli-${backend}.jiyuan.gz`)
    try {
      const backup = run('backup.ts', [file, ...where(source as { dir?: string; url?: string })])
      expect(backup.status, backup.stderr).toBe(0)
      expect(backup.stdout).toMatch(/backup of .* written to .*: \d+ tables, \d+ rows/)
      expect(backup.stdout).not.toContain('postgres:postgres@')

      const restore = run('restore.ts', [file, ...where(target.target)])
      expect(restore.status, restore.stderr).toBe(0)
      expect(restore.stdout).toMatch(/restored .* \d+ tables, \d+ rows/)

      const again = run('restore.ts', [file, ...where(target.target)])
      expect(again.status).toBe(3)
      expect(again.stderr).toMatch(/restore refused: .*already holds.*--force/)

      const [a, b] = await Promise.all([
        withDb(() => ('dir' in source ? openEmbedded({ dataDir: source.dir }) : openServer(source.url)), fingerprint),
        withDb(target.open, fingerprint),
      ])
      expect(b).toEqual(a)
    } finally {
      await source.drop()
      await target.drop()
    }
  })
})

import { randomBytes } from 'node:crypto'
import type { Db } from '../db/db.ts'
import { log } from '../log.ts'
import { hashPassword } from './password.ts'

/**
 * On first start with no users, creates `admin` with JIYUAN_ADMIN_PASSWORD or
 * a random password, which is printed this once and never logged again.
 */
export async function ensureAdmin(db: Db, configured: string | undefined): Promise<string | null> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')
  if ((rows[0]?.n ?? 0) > 0) return null
  const password = configured ?? randomBytes(12).toString('base64url')
  await db.query(`INSERT INTO users (username, password_hash, role, display_name) VALUES ('admin', $1, 'admin', $2)`, [
    await hashPassword(password),
    '管理员',
  ])
  if (configured) log.info('created user admin with the password from JIYUAN_ADMIN_PASSWORD')
  else console.log(`\n  Created user "admin" with password: ${password}\n  (shown only this once; set JIYUAN_ADMIN_PASSWORD to choose it)\n`)
  return password
}

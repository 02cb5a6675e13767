import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from '../db/db.ts'
import type { Role, User } from './roles.ts'

/** Session and API tokens: random, 256 bits; the database keeps only their SHA-256. */
export function newToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url')
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

interface UserRow {
  id: number
  username: string
  display_name: string | null
  role: Role
  town: string | null
}

export function toUser(row: UserRow): User {
  return { id: row.id, username: row.username, displayName: row.display_name, role: row.role, town: row.town }
}

const USER_COLUMNS = 'u.id, u.username, u.display_name, u.role, u.town'

export async function createSession(db: Queryable, userId: number, hours: number): Promise<string> {
  const token = newToken('')
  await db.query(
    `INSERT INTO sessions (token_hash, user_id, expires_at)
     VALUES ($1, $2, now() + make_interval(hours => $3))`,
    [tokenHash(token), userId, hours],
  )
  return token
}

export async function userFromSession(db: Queryable, token: string): Promise<User | null> {
  const { rows } = await db.query<UserRow>(
    `SELECT ${USER_COLUMNS}
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.ended_at IS NULL AND s.expires_at > now()
       AND u.disabled_at IS NULL`,
    [tokenHash(token)],
  )
  return rows[0] ? toUser(rows[0]) : null
}

export async function endSession(db: Queryable, token: string): Promise<void> {
  await db.query('UPDATE sessions SET ended_at = now() WHERE token_hash = $1 AND ended_at IS NULL', [
    tokenHash(token),
  ])
}

export async function userFromApiToken(db: Queryable, token: string): Promise<User | null> {
  const { rows } = await db.query<UserRow>(
    `UPDATE api_tokens t SET last_used_at = now()
     FROM users u
     WHERE t.token_hash = $1 AND u.id = t.user_id AND t.revoked_at IS NULL
       AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.disabled_at IS NULL
     RETURNING ${USER_COLUMNS}`,
    [tokenHash(token)],
  )
  return rows[0] ? toUser(rows[0]) : null
}

import { AppError, quote } from '../errors/app-error.ts'
import type { Queryable } from '../db/db.ts'
import { hashPassword } from './password.ts'
import { ROLES, TOWN_ROLES, type Role, type User } from './roles.ts'
import { toUser } from './credentials.ts'

export const MIN_PASSWORD_LENGTH = 8
const MAX_PASSWORD_LENGTH = 256

export interface NewUser {
  username: string
  password: string
  role: Role
  town: string | null
  displayName: string | null
}

/** Checks a POST /api/users body; every problem names the field and the value. */
export function parseNewUser(body: unknown): NewUser {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const { username, password, role, town, display_name: displayName } = input
  const bad = (field: string, value: unknown, reason: string) =>
    new AppError('invalid_user', { field, value: quote(value), reason })

  if (typeof username !== 'string' || !/^[A-Za-z0-9_.-]{2,64}$/.test(username)) {
    throw bad('username', username, '2–64 letters, digits, ".", "_" or "-"')
  }
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw bad('password', '…', `${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters`)
  }
  if (typeof role !== 'string' || !ROLES.includes(role as Role)) {
    throw bad('role', role, `one of ${ROLES.join(', ')}`)
  }
  const needsTown = TOWN_ROLES.includes(role as Role)
  if (needsTown && typeof town !== 'string') throw bad('town', town, `a ${role} needs a town code`)
  if (!needsTown && town !== undefined && town !== null) throw bad('town', town, `role ${role} is not bound to a town`)
  if (displayName !== undefined && displayName !== null && (typeof displayName !== 'string' || displayName.length > 100)) {
    throw bad('display_name', displayName, 'text of at most 100 characters')
  }
  return {
    username,
    password,
    role: role as Role,
    town: needsTown ? (town as string) : null,
    displayName: (displayName as string | undefined) ?? null,
  }
}

export async function createUser(db: Queryable, user: NewUser): Promise<User> {
  if (user.town !== null) {
    const town = await db.query('SELECT 1 FROM towns WHERE code = $1', [user.town])
    if (town.rowCount === 0) throw new AppError('unknown_town', { value: quote(user.town) })
  }
  const taken = await db.query('SELECT 1 FROM users WHERE username = $1', [user.username])
  if (taken.rowCount > 0) throw new AppError('duplicate_username', { username: user.username })
  const { rows } = await db.query<Parameters<typeof toUser>[0]>(
    `INSERT INTO users (username, password_hash, role, town, display_name)
     VALUES ($1, $2, $3, $4, $5)
     RETURNING id, username, display_name, role, town`,
    [user.username, await hashPassword(user.password), user.role, user.town, user.displayName],
  )
  return toUser(rows[0]!)
}

export function publicUser(user: User): Record<string, unknown> {
  return { id: user.id, username: user.username, display_name: user.displayName, role: user.role, town: user.town }
}

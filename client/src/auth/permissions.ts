import { can, ROLES, type Action, type Role } from '../../../server/src/auth/roles.ts'
import type { SessionUser } from '../api/session.ts'

export type { Action }

/**
 * Whether the signed-in user may do an action, by the server's own table of
 * roles: controls a user may not use are not offered. The server still
 * checks every request (and the town of every write).
 */
export function allowed(user: SessionUser, action: Action): boolean {
  if (!(ROLES as readonly string[]).includes(user.role)) return false
  return can({ id: 0, username: user.username, displayName: null, role: user.role as Role, town: user.town }, action)
}

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

/** Whether the user's reach covers a town: a district-wide role everywhere, a town's staff in their own town. */
export function inReach(user: SessionUser, town: string | undefined): boolean {
  return user.town === null || user.town === town
}

/** Whether the user may change parcels of a town: a writing role whose reach covers it. */
export function writesIn(user: SessionUser, town: string | undefined): boolean {
  return allowed(user, 'parcel.write') && inReach(user, town)
}

/** The roles of DOMAIN.md and what each may do. */
export const ROLES = ['admin', 'analyst', 'town_editor', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export interface User {
  id: number
  username: string
  displayName: string | null
  role: Role
  /** The town code a town editor is bound to; null for the district roles. */
  town: string | null
}

export const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  admin: { zh: '区级管理员', en: 'district administrator' },
  analyst: { zh: '区自然资源局分析员', en: 'natural-resources analyst' },
  town_editor: { zh: '镇街编辑', en: 'town editor' },
  viewer: { zh: '只读用户', en: 'viewer' },
}

export type Action =
  | 'parcel.read'
  | 'parcel.write'
  | 'layer.read'
  | 'layer.manage'
  | 'occupation.write'
  | 'import.read'
  | 'user.manage'
  | 'token.manage'
  | 'check.run'
  | 'check.manage'

const GRANTS: Record<Role, readonly Action[]> = {
  admin: [
    'parcel.read', 'parcel.write', 'layer.read', 'layer.manage', 'occupation.write', 'import.read',
    'user.manage', 'token.manage', 'check.run', 'check.manage',
  ],
  analyst: ['parcel.read', 'layer.read', 'layer.manage', 'occupation.write', 'import.read', 'token.manage', 'check.run'],
  // check.run for its own town only: server/src/checks/request.ts holds it to townScope
  town_editor: ['parcel.read', 'parcel.write', 'layer.read', 'occupation.write', 'import.read', 'token.manage', 'check.run'],
  viewer: ['parcel.read', 'layer.read', 'token.manage'],
}

export function can(user: User, action: Action): boolean {
  return GRANTS[user.role].includes(action)
}

/**
 * The town a user's parcel reads and writes are confined to, or null for the
 * whole district. A town editor sees and changes its own town only.
 */
export function townScope(user: User): string | null {
  return user.role === 'town_editor' ? user.town : null
}

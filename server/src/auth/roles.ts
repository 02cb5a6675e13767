/**
 * The roles of DOMAIN.md and what each may do. API.md's four roles keep their
 * meaning; town_approver (镇街审核人) is a town editor who may also confirm
 * the workflow steps others propose in its town (审查核准).
 */
export const ROLES = ['admin', 'analyst', 'town_editor', 'town_approver', 'viewer'] as const
export type Role = (typeof ROLES)[number]

/** The roles bound to one town: what they read and write stays inside it. */
export const TOWN_ROLES: readonly Role[] = ['town_editor', 'town_approver']

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
  town_approver: { zh: '镇街审核人', en: 'town approver' },
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
  /** confirm or reject a workflow step someone else proposed */
  | 'workflow.confirm'
  /** exempt a check finding, with an approval number, approver and date */
  | 'finding.waive'
  /** read the audit log of writes and sign-ins */
  | 'audit.read'

const GRANTS: Record<Role, readonly Action[]> = {
  admin: [
    'parcel.read', 'parcel.write', 'layer.read', 'layer.manage', 'occupation.write', 'import.read',
    'user.manage', 'token.manage', 'check.run', 'check.manage', 'workflow.confirm', 'finding.waive', 'audit.read',
  ],
  analyst: [
    'parcel.read', 'layer.read', 'layer.manage', 'occupation.write', 'import.read', 'token.manage', 'check.run',
    'finding.waive',
  ],
  // check.run for its own town only: server/src/checks/request.ts holds it to townScope
  town_editor: ['parcel.read', 'parcel.write', 'layer.read', 'occupation.write', 'import.read', 'token.manage', 'check.run'],
  town_approver: [
    'parcel.read', 'parcel.write', 'layer.read', 'occupation.write', 'import.read', 'token.manage', 'check.run',
    'workflow.confirm', 'finding.waive',
  ],
  viewer: ['parcel.read', 'layer.read', 'token.manage'],
}

export function can(user: User, action: Action): boolean {
  return GRANTS[user.role].includes(action)
}

/**
 * The town a user's parcel reads and writes are confined to, or null for the
 * whole district. A town editor or approver sees and changes its own town only.
 */
export function townScope(user: User): string | null {
  return TOWN_ROLES.includes(user.role) ? user.town : null
}

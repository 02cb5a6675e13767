import { t, type MessageKey } from '../i18n/index.ts'

export const STATUSES = ['registered', 'publicized', 'recovering', 'recovered', 'reused'] as const
export const PROBLEMS = ['encroachment', 'contract', 'environment'] as const
export const ROLES = ['admin', 'analyst', 'town_editor', 'town_approver', 'viewer'] as const

export type Status = (typeof STATUSES)[number]
export type Problem = (typeof PROBLEMS)[number]
export type Role = (typeof ROLES)[number]

function includes<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value)
}

/** The status in the interface language; an unknown code is shown as it came. */
export function statusName(status: string): string {
  return includes(STATUSES, status) ? t(`status.${status}` satisfies MessageKey) : status
}

export function problemName(problem: string): string {
  return includes(PROBLEMS, problem) ? t(`problem.${problem}` satisfies MessageKey) : problem
}

/** "镇街编辑（通济街道）" for a town editor, the bare role name otherwise. */
export function roleName(role: string, townName?: string | null): string {
  if (role === 'town_editor' && townName) return t('role.townEditorOf', { town: townName })
  if (role === 'town_approver' && townName) return t('role.townApproverOf', { town: townName })
  return includes(ROLES, role) ? t(`role.${role}` satisfies MessageKey) : role
}

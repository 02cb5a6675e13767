/** Accounts present in every test database, one per role and two town editors. */
export const TEST_USERS = {
  admin: { username: 'admin', password: 'admin-password-1', role: 'admin', town: null },
  analyst: { username: 'analyst', password: 'analyst-password-1', role: 'analyst', town: null },
  viewer: { username: 'viewer', password: 'viewer-password-1', role: 'viewer', town: null },
  // 环秀街道 and 田横镇
  editorHuanxiu: { username: 'editor_hx', password: 'editor-password-1', role: 'town_editor', town: '370215001' },
  editorTianheng: { username: 'editor_th', password: 'editor-password-2', role: 'town_editor', town: '370215101' },
} as const

export type TestUser = keyof typeof TEST_USERS

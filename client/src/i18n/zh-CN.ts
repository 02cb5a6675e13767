/** Simplified Chinese, the default language of the interface. */
export const zhCN = {
  'app.title': '即源 · 即墨区农村公共资源一张图',
  'app.loading': '正在加载…',

  'signIn.heading': '登录',
  'signIn.username': '用户名',
  'signIn.password': '密码',
  'signIn.submit': '登录',
  'signIn.busy': '正在登录…',
  'signIn.failed': '登录失败',

  'header.signOut': '退出',
  'header.language': '语言',

  'role.admin': '区级管理员',
  'role.analyst': '区自然资源局分析员',
  'role.town_editor': '镇街编辑',
  'role.townEditorOf': '镇街编辑（{town}）',
  'role.viewer': '只读用户',

  'status.registered': '已登记',
  'status.publicized': '公示中',
  'status.recovering': '清收中',
  'status.recovered': '已收回',
  'status.reused': '已盘活',

  'problem.encroachment': '侵占集体资产资源',
  'problem.contract': '合同签订不规范',
  'problem.environment': '破坏城乡公共区域环境',

  'unit.mu': '亩',
  'unit.m2': 'm²',

  'legend.title': '图例',
  'legend.problems': '存在问题（红色边线）',
  'legend.town': '镇街界线',
  'legend.village': '村界',

  'parcel.close': '关闭',
  'parcel.code': '地块编码',
  'parcel.name': '名称',
  'parcel.category': '类别',
  'parcel.subtype': '子类',
  'parcel.status': '状态',
  'parcel.area': '面积',
  'parcel.declaredArea': '申报面积',
  'parcel.town': '镇街',
  'parcel.village': '村',
  'parcel.problems': '问题',
  'parcel.none': '无',

  'map.loading': '正在加载地块…',
  'map.count': '当前视图 {shown} 个地块',
  'map.truncated': '当前视图 {matched} 个地块，仅显示 {shown} 个，请放大',
  'map.loadFailed': '地块加载失败：{message}',

  'error.network': '无法连接服务器',
  'error.unexpected': '服务器返回了意外的响应（{status}）',
} as const

export type MessageKey = keyof typeof zhCN

/**
 * Every error the API can answer with: its HTTP status and its message in
 * each language. Messages take `{name}` placeholders filled from the error's
 * params, so they name the field and the value that were wrong.
 */
export interface ErrorEntry {
  status: number
  zh: string
  en: string
}

export const ERRORS = {
  // Request shape
  malformed_json: {
    status: 400,
    zh: '请求体不是有效的 JSON：{reason}',
    en: 'The request body is not valid JSON: {reason}',
  },
  payload_too_large: {
    status: 413,
    zh: '请求体超过上限 {limit}',
    en: 'The request body is larger than the limit of {limit}',
  },
  unsupported_media_type: {
    status: 415,
    zh: '请求体须为 {expected}，收到 {type}',
    en: 'The request body must be {expected}, got {type}',
  },
  invalid_parameter: {
    status: 400,
    zh: '参数 {field} 的值 {value} 无效：{reason}',
    en: 'Parameter {field} has an invalid value {value}: {reason}',
  },
  not_found: {
    status: 404,
    zh: '未找到 {what}',
    en: '{what} was not found',
  },
  route_not_found: {
    status: 404,
    zh: '没有这个接口：{method} {path}',
    en: 'No such route: {method} {path}',
  },

  // Authentication and permission
  unauthenticated: {
    status: 401,
    zh: '请先登录',
    en: 'Sign in first',
  },
  invalid_credentials: {
    status: 401,
    zh: '用户名或密码错误',
    en: 'Wrong username or password',
  },
  invalid_token: {
    status: 401,
    zh: '访问令牌无效、已过期或已撤销',
    en: 'The access token is invalid, expired or revoked',
  },
  too_many_attempts: {
    status: 429,
    zh: '登录失败次数过多，请 {retry_after} 秒后再试',
    en: 'Too many failed sign-ins; try again in {retry_after} s',
  },
  forbidden: {
    status: 403,
    zh: '角色 {role} 无权执行此操作：{action}',
    en: 'Role {role} may not do this: {action}',
  },
  out_of_scope: {
    status: 403,
    zh: '地块 {parcel} 属于 {town}，不在您所在镇街 {own_town} 的权限范围内',
    en: 'Parcel {parcel} belongs to {town}, outside your town {own_town}',
  },
  town_out_of_scope: {
    status: 403,
    zh: '镇街 {town} 不在您所在镇街 {own_town} 的权限范围内',
    en: 'Town {town} is outside your town {own_town}',
  },
  csrf_rejected: {
    status: 403,
    zh: '跨站请求被拒绝（来源 {origin}）',
    en: 'Cross-site request refused (origin {origin})',
  },

  // Users and tokens
  invalid_user: {
    status: 422,
    zh: '用户字段 {field} 的值 {value} 无效：{reason}',
    en: 'User field {field} has an invalid value {value}: {reason}',
  },
  duplicate_username: {
    status: 409,
    zh: '用户名 {username} 已存在',
    en: 'Username {username} already exists',
  },

  // Parcels: the feature and its geometry
  invalid_feature: {
    status: 422,
    zh: '请求体须为 GeoJSON Feature：{reason}',
    en: 'The body must be a GeoJSON Feature: {reason}',
  },
  invalid_geometry_type: {
    status: 422,
    zh: '地块几何须为 Polygon 或 MultiPolygon，收到 {type}',
    en: 'A parcel geometry must be a Polygon or MultiPolygon, got {type}',
  },
  invalid_coordinates: {
    status: 422,
    zh: '坐标无效（{path}）：{reason}',
    en: 'Invalid coordinates at {path}: {reason}',
  },
  outside_district: {
    status: 422,
    zh: '坐标 {lon} {lat} 不在即墨区范围内（CGCS2000 经纬度，EPSG:4490）',
    en: 'Coordinate {lon} {lat} lies outside Jimo district (CGCS2000 lon/lat, EPSG:4490)',
  },
  invalid_geometry: {
    status: 422,
    zh: '几何无效：{reason}，位置 {location}',
    en: 'Invalid geometry: {reason} at {location}',
  },
  too_many_vertices: {
    status: 422,
    zh: '几何有 {count} 个顶点，超过上限 {limit}',
    en: 'The geometry has {count} vertices, more than the limit of {limit}',
  },

  // Parcels: properties
  unknown_property: {
    status: 422,
    zh: '未知属性 {field}',
    en: 'Unknown property {field}',
  },
  missing_property: {
    status: 422,
    zh: '缺少必填属性 {field}',
    en: 'Missing required property {field}',
  },
  invalid_property: {
    status: 422,
    zh: '属性 {field} 的值 {value} 无效：{reason}',
    en: 'Property {field} has an invalid value {value}: {reason}',
  },
  property_too_long: {
    status: 422,
    zh: '属性 {field} 长 {length} 个字符，超过上限 {limit}',
    en: 'Property {field} is {length} characters long, more than the limit of {limit}',
  },
  invalid_code: {
    status: 422,
    zh: '地块编码 {value} 无效：只允许字母、数字、连字符和下划线，最长 64 位',
    en: 'Parcel code {value} is invalid: letters, digits, hyphens and underscores only, at most 64',
  },
  unknown_category: {
    status: 422,
    zh: '未知的土地类别 {value}，应为 {allowed} 之一',
    en: 'Unknown land category {value}; expected one of {allowed}',
  },
  unknown_status: {
    status: 422,
    zh: '未知的状态 {value}，应为 {allowed} 之一',
    en: 'Unknown status {value}; expected one of {allowed}',
  },
  unknown_problem: {
    status: 422,
    zh: '未知的问题类型 {value}，应为 {allowed} 之一',
    en: 'Unknown problem {value}; expected one of {allowed}',
  },
  unknown_town: {
    status: 422,
    zh: '未知的镇街编码 {value}',
    en: 'Unknown town code {value}',
  },
  unknown_village: {
    status: 422,
    zh: '镇街 {town} 下没有村编码 {value}',
    en: 'Town {town} has no village with code {value}',
  },
  duplicate_code: {
    status: 409,
    zh: '地块编码 {code} 已被地块 {id} 使用',
    en: 'Parcel code {code} is already used by parcel {id}',
  },

  // Concurrency and soft delete
  precondition_required: {
    status: 428,
    zh: '修改地块须带 If-Match 请求头（当前版本 ETag {etag}）',
    en: 'Changing a parcel needs an If-Match header (current ETag {etag})',
  },
  version_conflict: {
    status: 412,
    zh: '地块 {parcel} 已被他人修改：您的版本 {given}，当前版本 {current}',
    en: 'Parcel {parcel} was changed by someone else: your version {given}, current {current}',
  },
  parcel_deleted: {
    status: 410,
    zh: '地块 {parcel} 已删除，可恢复',
    en: 'Parcel {parcel} is deleted; it can be restored',
  },
  import_rejected: {
    status: 422,
    zh: '{count} 个要素未通过检查，整个文件未入库（atomic 模式）',
    en: '{count} feature(s) refused; nothing was stored (mode atomic)',
  },
  parcel_not_deleted: {
    status: 409,
    zh: '地块 {parcel} 未被删除，无需恢复',
    en: 'Parcel {parcel} is not deleted; nothing to restore',
  },

  internal_error: {
    status: 500,
    zh: '服务器内部错误（编号 {ref}）',
    en: 'Internal server error (reference {ref})',
  },
  database_unavailable: {
    status: 503,
    zh: '数据库暂时不可用',
    en: 'The database is unavailable',
  },

  // Imports
  empty_file: {
    status: 422,
    zh: '上传的文件 {file} 是空的（0 字节）',
    en: 'The uploaded file {file} is empty (0 bytes)',
  },
  upload_too_large: {
    status: 413,
    zh: '上传的文件 {file} 有 {size} 字节，超过上限 {limit} 字节',
    en: 'The uploaded file {file} is {size} bytes, more than the limit of {limit} bytes',
  },
  unsupported_format: {
    status: 415,
    zh: '无法识别文件 {file} 的格式（开头为 {start}）：请上传 Shapefile 的 zip 压缩包、GeoJSON 或带 WKT 列的 CSV',
    en: 'The format of {file} is not recognised (it starts with {start}): upload a zipped Shapefile, GeoJSON, or a CSV with a WKT column',
  },
  not_a_zip: {
    status: 422,
    zh: '文件 {file} 不是可读的 zip 压缩包：{reason}',
    en: '{file} is not a readable zip archive: {reason}',
  },
  zip_too_many_entries: {
    status: 422,
    zh: '压缩包 {file} 含 {count} 个条目，超过上限 {limit}',
    en: 'The zip {file} holds {count} entries, more than the limit of {limit}',
  },
  zip_too_large: {
    status: 413,
    zh: '压缩包 {file} 解压到 {member} 时超过上限 {limit} 字节',
    en: 'The zip {file} unpacks to more than the limit of {limit} bytes (at member {member})',
  },
  no_shapefile: {
    status: 422,
    zh: '{file} 中没有 .shp 文件（其中有：{members}）',
    en: '{file} holds no .shp file (it holds: {members})',
  },
  several_shapefiles: {
    status: 422,
    zh: '{file} 含 {count} 个 Shapefile：{names}；请每次上传一个',
    en: '{file} holds {count} Shapefiles: {names}; upload one at a time',
  },
  invalid_shapefile: {
    status: 422,
    zh: 'Shapefile 文件 {member} 无法读取：{reason}',
    en: 'The Shapefile member {member} cannot be read: {reason}',
  },
  unknown_crs: {
    status: 422,
    zh: '无法确定 {file} 的坐标系：没有 .prj，坐标范围 {extent} 既不是经纬度，也不像 CGCS2000 高斯-克吕格坐标；请在 srid 字段填写 EPSG 代码（如 4490、4549、4528）',
    en: 'The coordinate system of {file} is unknown: there is no .prj and the extent {extent} is neither lon/lat nor CGCS2000 Gauss-Krüger; give its EPSG code in the srid field (e.g. 4490, 4549, 4528)',
  },
  unsupported_crs: {
    status: 422,
    zh: '无法从坐标系 {crs}（来自 {source}）转换；请在 srid 字段填写 EPSG 代码（如 4490、4549、4528）',
    en: 'Cannot transform from the coordinate system {crs} (from {source}); give its EPSG code in the srid field (e.g. 4490, 4549, 4528)',
  },
  invalid_geojson: {
    status: 422,
    zh: 'GeoJSON 文件 {file} 无效：{reason}',
    en: 'The GeoJSON file {file} is invalid: {reason}',
  },
  invalid_csv: {
    status: 422,
    zh: 'CSV 文件 {file} 无效：{reason}',
    en: 'The CSV file {file} is invalid: {reason}',
  },
  too_many_features: {
    status: 422,
    zh: '{file} 有 {count} 个要素，超过上限 {limit}',
    en: '{file} holds {count} features, more than the limit of {limit}',
  },

  // Checks
  invalid_check: {
    status: 422,
    zh: '检查请求字段 {field} 的值 {value} 无效：{reason}',
    en: 'Check request field {field} has an invalid value {value}: {reason}',
  },
  duplicate_check_rule: {
    status: 409,
    zh: '已有同一组合的检查规则：{key}',
    en: 'A check rule for this combination exists already: {key}',
  },

  // OGC
  ogc_unsupported_crs: {
    status: 400,
    zh: '参数 {field} 的坐标参考系 {value} 不受支持，可用：{allowed}',
    en: 'Parameter {field} names a CRS that is not offered, {value}; offered: {allowed}',
  },
  ogc_unknown_parameter: {
    status: 400,
    zh: '未知的查询参数 {name}，可用：{allowed}',
    en: 'Unknown query parameter {name}; known: {allowed}',
  },
  ogc_read_only: {
    status: 405,
    zh: '要素集 {collection} 只读，只有 parcels 可以写入',
    en: 'Collection {collection} is read-only; only parcels can be written',
  },
  invalid_tile: {
    status: 400,
    zh: '瓦片 {z}/{x}/{y} 不存在：{reason}',
    en: 'There is no tile {z}/{x}/{y}: {reason}',
  },

  // Reports
  invalid_report_request: {
    status: 422,
    zh: '报表请求字段 {field} 的值 {value} 无效：{reason}',
    en: 'Report request field {field} has an invalid value {value}: {reason}',
  },
  too_many_dossiers: {
    status: 422,
    zh: '村 {village} 的地块超过 {limit} 宗，无法一次打包全部核查报告',
    en: 'Village {village} has more than {limit} parcels: too many dossiers for one download',
  },
  // Workflow (流程): steps, notices, objections
  status_by_workflow: {
    status: 409,
    zh: '地块 {parcel} 的状态只能通过流程变更（当前 {current}，请求 {requested}）：请用 POST /api/parcels/{id}/transitions 提出',
    en: 'The status of parcel {parcel} changes only through the workflow (now {current}, asked {requested}): propose the step with POST /api/parcels/{id}/transitions',
  },
  initial_status_forbidden: {
    status: 403,
    zh: '新地块 {parcel} 以 registered（已登记）登记；直接登记为 {status} 须由审核人（admin 或本镇街审核人）操作',
    en: 'New parcel {parcel} starts as registered; registering it as {status} takes an approver (admin or the town approver)',
  },
  invalid_transition: {
    status: 422,
    zh: '流程字段 {field} 的值 {value} 无效：{reason}',
    en: 'Workflow field {field} has an invalid value {value}: {reason}',
  },
  step_not_allowed: {
    status: 409,
    zh: '地块 {parcel} 不能从 {from} 转到 {to}；从 {from} 可转到：{allowed}',
    en: 'Parcel {parcel} cannot go from {from} to {to}; from {from} it can go to: {allowed}',
  },
  transition_pending: {
    status: 409,
    zh: '地块 {parcel} 已有待审核的流程 #{transition}（{from} → {to}）：请先确认、驳回或撤回',
    en: 'Parcel {parcel} has step #{transition} ({from} → {to}) awaiting confirmation: confirm, reject or withdraw it first',
  },
  transition_not_open: {
    status: 409,
    zh: '流程 #{transition} 已是 {state} 状态，不能再{action}',
    en: 'Step #{transition} is {state} already; it cannot be {action}',
  },
  own_proposal: {
    status: 403,
    zh: '流程 #{transition} 由您本人提出，须由另一位审核人确认或驳回',
    en: 'You proposed step #{transition}; another approver confirms or rejects it',
  },
  not_proposer: {
    status: 403,
    zh: '流程 #{transition} 由 {proposer} 提出，只有提出人可以撤回',
    en: 'Step #{transition} was proposed by {proposer}; only they can withdraw it',
  },
  transition_stale: {
    status: 409,
    zh: '流程 #{transition} 是在地块 {parcel} 为 {from} 时提出的，地块现为 {current}：请重新提出',
    en: 'Step #{transition} was proposed while parcel {parcel} was {from}; it is {current} now: propose again',
  },
  notice_required: {
    status: 409,
    zh: '地块 {parcel} 不在村 {village} 的任何有效公示中：请先发布公示（地图“导出”页筛选该村后发布，或 POST /api/villages/{village}/notices）',
    en: 'Parcel {parcel} is not listed in any live notice of village {village}: post one first (the Export tab of the map with the village filtered, or POST /api/villages/{village}/notices)',
  },
  notice_period_running: {
    status: 409,
    zh: '地块 {parcel} 的公示（#{notice}，自 {posted_on} 起 {working_days} 个工作日）至 {ends_on} 结束，{next_day} 起方可进入下一阶段',
    en: 'The notice of parcel {parcel} (#{notice}, {working_days} working days from {posted_on}) runs until {ends_on}; the parcel can move on from {next_day}',
  },
  objections_unanswered: {
    status: 409,
    zh: '地块 {parcel} 有 {count} 条异议尚未答复（{ids}）：全部答复后方可进入下一阶段',
    en: 'Parcel {parcel} has {count} unanswered objection(s) ({ids}): answer them before it moves on',
  },
  invalid_objection: {
    status: 422,
    zh: '异议字段 {field} 的值 {value} 无效：{reason}',
    en: 'Objection field {field} has an invalid value {value}: {reason}',
  },
  objection_answered: {
    status: 409,
    zh: '异议 #{objection} 已于 {answered_on} 答复，不能再次答复',
    en: 'Objection #{objection} was answered on {answered_on}; it cannot be answered again',
  },

  // Contracts and payments
  invalid_contract: {
    status: 422,
    zh: '合同字段 {field} 的值 {value} 无效：{reason}',
    en: 'Contract field {field} has an invalid value {value}: {reason}',
  },
  invalid_payment: {
    status: 422,
    zh: '缴费字段 {field} 的值 {value} 无效：{reason}',
    en: 'Payment field {field} has an invalid value {value}: {reason}',
  },
  contract_precondition_required: {
    status: 428,
    zh: '修改合同须带 If-Match 请求头（当前版本 ETag {etag}）',
    en: 'Changing a contract needs an If-Match header (current ETag {etag})',
  },
  contract_version_conflict: {
    status: 412,
    zh: '合同 #{contract} 已被他人修改：您的版本 {given}，当前版本 {current}',
    en: 'Contract #{contract} was changed by someone else: your version {given}, current {current}',
  },
  contract_deleted: {
    status: 410,
    zh: '合同 #{contract} 已删除',
    en: 'Contract #{contract} is deleted',
  },

  // Waivers of findings (豁免)
  invalid_waiver: {
    status: 422,
    zh: '豁免字段 {field} 的值 {value} 无效：{reason}',
    en: 'Waiver field {field} has an invalid value {value}: {reason}',
  },
  finding_waived: {
    status: 409,
    zh: '检查结果 #{finding} 已豁免（豁免 #{waiver}，批准文号 {approval_number}）',
    en: 'Finding #{finding} is waived already (waiver #{waiver}, approval number {approval_number})',
  },
  waiver_revoked: {
    status: 409,
    zh: '豁免 #{waiver} 已于 {revoked_at} 撤销',
    en: 'Waiver #{waiver} was revoked at {revoked_at}',
  },

  // Parcel history
  version_is_current: {
    status: 409,
    zh: '地块 {parcel} 第 {version} 版的内容与当前相同，无需恢复',
    en: 'Version {version} of parcel {parcel} has the same content as now; nothing to restore',
  },

  // Attachments
  invalid_attachment: {
    status: 422,
    zh: '附件字段 {field} 的值 {value} 无效：{reason}',
    en: 'Attachment field {field} has an invalid value {value}: {reason}',
  },
  attachment_too_large: {
    status: 413,
    zh: '附件 {file}（{size} 字节）超过大小上限 {limit_mb} MB（{limit} 字节）',
    en: 'Attachment {file} ({size} bytes) is larger than the limit of {limit_mb} MB ({limit} bytes)',
  },
  unsupported_attachment_type: {
    status: 415,
    zh: '附件 {file} 的内容不是 JPEG、PNG 或 PDF（开头为 {start}）',
    en: 'The content of attachment {file} is not JPEG, PNG or PDF (it starts with {start})',
  },
  attachment_deleted: {
    status: 410,
    zh: '附件 #{attachment}（{file}）已删除',
    en: 'Attachment #{attachment} ({file}) is deleted',
  },
  attachment_name_mismatch: {
    status: 415,
    zh: '附件 {file} 的扩展名与内容不符：内容是 {detected}，应以 {extensions} 结尾',
    en: 'The name of attachment {file} does not match its content: it is {detected}, so the name ends in {extensions}',
  },
} satisfies Record<string, ErrorEntry>

export type ErrorCode = keyof typeof ERRORS

// Attachments of a parcel (档案): photos and scans kept in the database as
// bytea, so a backup of the database keeps them. Type and size are checked on
// the way in; a delete is soft.
import { createHash } from 'node:crypto'
import type { User } from '../auth/roles.ts'
import type { Db, Queryable } from '../db/db.ts'
import { ATTACHMENT_KIND_NAMES, ATTACHMENT_KINDS, type AttachmentKind } from '../domain/workflow.ts'
import { AppError, quote } from '../errors/app-error.ts'
import type { Upload } from '../http/upload.ts'
import { readParcel } from '../parcels/store.ts'
import { cleanFileName, detectMediaType } from './media.ts'

interface AttachmentRow {
  id: number
  parcel_id: number
  contract_id: number | null
  kind: AttachmentKind
  file_name: string
  media_type: string
  size_bytes: number
  sha256: string
  note: string | null
  created_by: string
  created_at: Date | string
  deleted_at: Date | string | null
}

const COLUMNS = `a.id, a.parcel_id, a.contract_id, a.kind, a.file_name, a.media_type, a.size_bytes, a.sha256, a.note,
  u.username AS created_by, a.created_at, a.deleted_at`

const FROM = 'attachments a JOIN users u ON u.id = a.created_by'

export function attachmentJson(row: AttachmentRow) {
  const { deleted_at, ...rest } = row
  return {
    ...rest,
    kind_name: ATTACHMENT_KIND_NAMES[row.kind].zh,
    created_at: new Date(row.created_at).toISOString(),
    ...(deleted_at ? { deleted_at: new Date(deleted_at).toISOString() } : {}),
    content_url: `/api/attachments/${row.id}/content`,
  }
}

export async function parcelAttachments(db: Queryable, user: User, parcelId: number) {
  await readParcel(db, user, parcelId)
  const { rows } = await db.query<AttachmentRow>(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE a.parcel_id = $1 AND a.deleted_at IS NULL ORDER BY a.id`,
    [parcelId],
  )
  return rows.map(attachmentJson)
}

/** An attachment the user may see, deleted or not (scope from its parcel). */
export async function readAttachment(db: Queryable, user: User, id: number): Promise<AttachmentRow> {
  const { rows } = await db.query<AttachmentRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE a.id = $1`, [id])
  const row = rows[0]
  if (!row) throw new AppError('not_found', { what: `attachment ${id}` })
  await readParcel(db, user, row.parcel_id)
  return row
}

function field(upload: Upload, name: string, pattern: RegExp, reason: string): string | null {
  const value = upload.fields[name]
  if (value === undefined || value === '') return null
  if (!pattern.test(value)) throw new AppError('invalid_attachment', { field: name, value: quote(value), reason })
  return value
}

/** Checks what was sent (kind, note, contract, the file's type) before anything is stored. */
function readFields(upload: Upload) {
  const kind = field(upload, 'kind', new RegExp(`^(${ATTACHMENT_KINDS.join('|')})$`), `one of ${ATTACHMENT_KINDS.join(', ')}`)
  if (kind === null) throw new AppError('invalid_attachment', { field: 'kind', value: '""', reason: `required: one of ${ATTACHMENT_KINDS.join(', ')}` })
  const note = field(upload, 'note', /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f]{1,500}$/, 'text of at most 500 characters')
  const contract = field(upload, 'contract_id', /^[1-9]\d{0,8}$/, 'a contract id')
  const fileName = cleanFileName(upload.fileName)
  if (upload.bytes.length === 0) throw new AppError('empty_file', { file: fileName })
  const media = detectMediaType(fileName, upload.bytes)
  return { kind: kind as AttachmentKind, note: note?.trim() ?? null, contractId: contract === null ? null : Number(contract), fileName, media }
}

export async function storeAttachment(db: Db, user: User, parcelId: number, upload: Upload) {
  const input = readFields(upload)
  const sha256 = createHash('sha256').update(upload.bytes).digest('hex')
  const id = await db.transaction(async (tx) => {
    const parcel = await readParcel(tx, user, parcelId)
    if (parcel.deleted_at) throw new AppError('parcel_deleted', { parcel: parcel.code })
    if (input.contractId !== null) await assertContractOf(tx, input.contractId, parcel.id, parcel.code)
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO attachments (parcel_id, contract_id, kind, file_name, media_type, size_bytes, sha256, content, note, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::bytea, $9, $10) RETURNING id`,
      [parcel.id, input.contractId, input.kind, input.fileName, input.media.type, upload.bytes.length, sha256,
        Buffer.from(upload.bytes.buffer, upload.bytes.byteOffset, upload.bytes.byteLength), input.note, user.id],
    )
    return rows[0]!.id
  })
  return attachmentJson(await readAttachment(db, user, id))
}

async function assertContractOf(tx: Queryable, contractId: number, parcelId: number, parcelCode: string): Promise<void> {
  const { rowCount } = await tx.query(
    'SELECT 1 FROM contracts WHERE id = $1 AND parcel_id = $2 AND deleted_at IS NULL',
    [contractId, parcelId],
  )
  if (rowCount === 0) {
    throw new AppError('invalid_attachment', { field: 'contract_id', value: quote(String(contractId)), reason: `not a live contract of parcel ${parcelCode}` })
  }
}

/** The bytes of a live attachment, with what a download needs to say about them. */
export async function attachmentContent(db: Queryable, user: User, id: number): Promise<{ row: AttachmentRow; bytes: Buffer }> {
  const row = await readAttachment(db, user, id)
  if (row.deleted_at) throw new AppError('attachment_deleted', { attachment: id, file: row.file_name })
  const { rows } = await db.query<{ content: Uint8Array }>('SELECT content FROM attachments WHERE id = $1', [id])
  const content = rows[0]!.content
  return { row, bytes: Buffer.from(content.buffer, content.byteOffset, content.byteLength) }
}

export async function deleteAttachment(db: Db, user: User, id: number): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await readAttachment(tx, user, id)
    if (row.deleted_at) throw new AppError('attachment_deleted', { attachment: id, file: row.file_name })
    await tx.query('UPDATE attachments SET deleted_at = now(), deleted_by = $2 WHERE id = $1', [id, user.id])
  })
}

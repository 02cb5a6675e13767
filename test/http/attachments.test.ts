import { createHash } from 'node:crypto'
import PDFDocument from 'pdfkit'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { HUANXIU, newParcel, rowCount } from '../helpers/workflow.ts'

// A small limit, so the size refusal needs no large file.
const LIMIT = 64 * 1024

function png(width = 4, height = 4): Uint8Array {
  const image = new PNG({ width, height })
  image.data.fill(0x80)
  return new Uint8Array(PNG.sync.write(image))
}

function pdf(): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: 'A6' })
    const chunks: Buffer[] = []
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))))
    doc.text('minutes').end()
  })
}

// The opening of a JFIF file: SOI, an APP0 segment, EOI.
const JPEG = new Uint8Array([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9,
])

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

describe.each(backends())('parcel attachments on the %s database', (backend) => {
  let app: TestApp
  let editor: Client
  let otherEditor: Client
  let viewer: Client
  let parcel: any
  let photo: any
  const photoBytes = png()

  beforeAll(async () => {
    app = await startTestApp(backend, { attachmentMaxBytes: LIMIT })
    editor = await app.as('editorHuanxiu')
    otherEditor = await app.as('editorTianheng')
    viewer = await app.as('viewer')
    parcel = await newParcel(app, editor, HUANXIU, 'T-AT-1', 0)
  })
  afterAll(async () => app?.close())

  function attach(client: Client, name: string, bytes: Uint8Array, fields: Record<string, string> = { kind: 'survey_photo' }, parcelId = parcel.id) {
    const form = new FormData()
    for (const [key, value] of Object.entries(fields)) form.append(key, value)
    form.append('file', new Blob([bytes as BlobPart]), name)
    return client.request('POST', `/api/parcels/${parcelId}/attachments`, form)
  }

  async function download(id: number) {
    const response = await fetch(`${editor.url}/api/attachments/${id}/content`, { headers: { cookie: editor.cookie! } })
    return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) }
  }

  it('keeps a survey photo in the database and gives back the same bytes', async () => {
    const reply = await attach(editor, '现场照片.png', photoBytes, { kind: 'survey_photo', note: '东侧围墙' })
    expect(reply.status, JSON.stringify(reply.body)).toBe(201)
    photo = reply.body
    expect(photo).toMatchObject({
      parcel_id: parcel.id, kind: 'survey_photo', kind_name: '排查照片', file_name: '现场照片.png', media_type: 'image/png',
      size_bytes: photoBytes.length, sha256: sha256(photoBytes), note: '东侧围墙', created_by: 'editor_hx',
    })
    const { rows } = await app.db.query<{ digest: string }>(`SELECT encode(sha256(content), 'hex') AS digest FROM attachments WHERE id = $1`, [photo.id])
    expect(rows[0]!.digest).toBe(sha256(photoBytes))

    const got = await download(photo.id)
    expect(got.status).toBe(200)
    expect(got.headers.get('content-type')).toBe('image/png')
    expect(got.headers.get('x-content-type-options')).toBe('nosniff')
    expect(got.headers.get('content-security-policy')).toContain('sandbox')
    expect(got.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('现场照片.png')}`)
    expect(sha256(got.bytes)).toBe(sha256(photoBytes))
  })

  it('takes JPEG and PDF by their first bytes, whatever the case of the name', async () => {
    const jpeg = await attach(editor, 'NOTICE.JPG', JPEG, { kind: 'notice_photo' })
    expect(jpeg.status).toBe(201)
    expect(jpeg.body.media_type).toBe('image/jpeg')
    const minutes = await attach(editor, '村民代表会议记录.pdf', await pdf(), { kind: 'minutes' })
    expect(minutes.status).toBe(201)
    expect(minutes.body.media_type).toBe('application/pdf')
    const list = await viewer.get(`/api/parcels/${parcel.id}/attachments`)
    expect(list.body.map((a: any) => a.kind)).toEqual(['survey_photo', 'notice_photo', 'minutes'])
  })

  it('refuses files by what they hold and by their size, each with its own code, and stores nothing', async () => {
    const before = await rowCount(app, 'attachments')
    const html = new TextEncoder().encode('<html><script>alert(1)</script></html>')
    const big = new Uint8Array(LIMIT + 1)
    big.set(png().subarray(0, 8))
    const cases: [string, Uint8Array, Record<string, string>, number, string][] = [
      ['animation.gif', new TextEncoder().encode('GIF89a\u0001\u0000'), { kind: 'other' }, 415, 'unsupported_attachment_type'],
      ['photo.jpg', html, { kind: 'survey_photo' }, 415, 'unsupported_attachment_type'],
      ['photo.jpg', photoBytes, { kind: 'survey_photo' }, 415, 'attachment_name_mismatch'],
      ['setup.exe', photoBytes, { kind: 'other' }, 415, 'attachment_name_mismatch'],
      ['large.png', big, { kind: 'survey_photo' }, 413, 'attachment_too_large'],
      ['empty.png', new Uint8Array(0), { kind: 'survey_photo' }, 422, 'empty_file'],
      ['photo.png', photoBytes, {}, 422, 'invalid_attachment'],
      ['photo.png', photoBytes, { kind: 'selfie' }, 422, 'invalid_attachment'],
      ['photo.png', photoBytes, { kind: 'contract', contract_id: '999999' }, 422, 'invalid_attachment'],
    ]
    for (const [name, bytes, fields, status, code] of cases) {
      const reply = await attach(editor, name, bytes, fields)
      expect(reply.status, `${name} ${code}`).toBe(status)
      expect(reply.body.error.code, name).toBe(code)
    }
    expect(await rowCount(app, 'attachments')).toBe(before)
  })

  it('names the limit in the size refusal', async () => {
    const reply = await attach(editor, 'large.png', new Uint8Array(LIMIT + 10).fill(0x89), { kind: 'survey_photo' })
    expect(reply.body.error.message).toContain(String(LIMIT))
  })

  it("keeps another town's editor and a viewer from attaching", async () => {
    expect((await attach(otherEditor, 'photo.png', photoBytes)).body.error.code).toBe('out_of_scope')
    expect((await attach(viewer, 'photo.png', photoBytes)).body.error.code).toBe('forbidden')
    expect((await otherEditor.get(`/api/parcels/${parcel.id}/attachments`)).body.error.code).toBe('out_of_scope')
    expect((await otherEditor.get(`/api/attachments/${photo.id}/content`)).status).toBe(403)
  })

  it('ties a scanned contract to its contract on the parcel', async () => {
    const contract = await editor.post(`/api/parcels/${parcel.id}/contracts`, { contractor: '王某', start_on: '2020-01-01', annual_fee_yuan: 1000 })
    const scan = await attach(editor, '承包合同.pdf', await pdf(), { kind: 'contract', contract_id: String(contract.body.id) })
    expect(scan.status).toBe(201)
    expect(scan.body.contract_id).toBe(contract.body.id)
  })

  it('deletes softly: the file leaves the list and downloads answer 410, while its bytes stay in the database', async () => {
    expect((await viewer.request('DELETE', `/api/attachments/${photo.id}`)).status).toBe(403)
    expect((await editor.delete(`/api/attachments/${photo.id}`)).status).toBe(204)
    const list = await viewer.get(`/api/parcels/${parcel.id}/attachments`)
    expect(list.body.map((a: any) => a.id)).not.toContain(photo.id)
    expect((await download(photo.id)).status).toBe(410)
    expect((await editor.delete(`/api/attachments/${photo.id}`)).status).toBe(410)
    const { rows } = await app.db.query<{ n: number }>('SELECT octet_length(content) AS n FROM attachments WHERE id = $1 AND deleted_at IS NOT NULL', [photo.id])
    expect(rows[0]!.n).toBe(photoBytes.length)
  })
})

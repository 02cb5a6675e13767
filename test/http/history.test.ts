import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backends } from '../helpers/backends.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { approverOf, HUANXIU, newParcel, square, villageSpot } from '../helpers/workflow.ts'

describe.each(backends())('parcel history: diff and restore on the %s database', (backend) => {
  let app: TestApp
  let admin: Client
  let editor: Client
  let otherEditor: Client
  let viewer: Client
  let approver: Client
  let parcel: any
  let spot: { village: string; lon: number; lat: number }
  let firstArea: number

  beforeAll(async () => {
    app = await startTestApp(backend)
    admin = await app.as('admin')
    editor = await app.as('editorHuanxiu')
    otherEditor = await app.as('editorTianheng')
    viewer = await app.as('viewer')
    approver = await approverOf(app, admin, 'approver_hx', HUANXIU)
    spot = await villageSpot(app, HUANXIU)
    // version 1, then a new name and ownership (2), a larger outline (3), attributes (4)
    parcel = await newParcel(app, editor, HUANXIU, 'T-HS-1', 0)
    firstArea = parcel.properties.area_m2
    const url = `/api/parcels/${parcel.id}`
    await editor.patch(url, { properties: { name: '旧粮站', ownership: '村集体' } }, { 'if-match': '"1"' })
    await editor.patch(url, { geometry: square(spot.lon, spot.lat, 0.0003) }, { 'if-match': '"2"' })
    const last = await editor.patch(url, { properties: { attributes: { 备注: '已核实' } } }, { 'if-match': '"3"' })
    expect(last.body.properties.version).toBe(4)
  })
  afterAll(async () => app?.close())

  const diff = (query = '') => viewer.get(`/api/parcels/${parcel.id}/history/diff${query}`)
  const restore = (version: number, ifMatch?: string, client = editor) =>
    client.post(`/api/parcels/${parcel.id}/history/${version}/restore`, undefined, ifMatch ? { 'if-match': ifMatch } : {})

  it('compares the latest version with the one before it by default', async () => {
    const reply = await diff()
    expect(reply.status).toBe(200)
    expect(reply.body.from).toMatchObject({ version: 3, action: 'update', changed_by: 'editor_hx' })
    expect(reply.body.to.version).toBe(4)
    expect(reply.body.properties).toEqual([{ name: 'attributes', before: {}, after: { 备注: '已核实' } }])
    expect(reply.body.geometry.changed).toBe(false)
  })

  it('lists changed properties and the outline with its area before and after, and the ground gained and lost', async () => {
    const reply = await diff('?from=1&to=3')
    expect(reply.body.properties.map((p: any) => [p.name, p.before, p.after])).toEqual([
      ['name', 'T-HS-1', '旧粮站'], ['ownership', null, '村集体'],
    ])
    const { geometry } = reply.body
    const now = (await viewer.get(`/api/parcels/${parcel.id}`)).body.properties
    expect(geometry).toMatchObject({ changed: true, area_m2_before: firstArea, area_m2_after: now.area_m2, removed_m2: 0 })
    // the larger square holds the smaller one: what it gained is the difference of the two
    expect(geometry.added_m2).toBeCloseTo(now.area_m2 - firstArea, 1)
    expect(geometry.area_mu_after).toBeCloseTo((now.area_m2 * 15) / 10000, 3)
  })

  it('refuses a diff of versions out of order or missing', async () => {
    expect((await diff('?from=4&to=2')).status).toBe(400)
    expect((await diff('?from=1&to=99')).status).toBe(404)
    expect((await diff('?from=x')).status).toBe(400)
  })

  it('restores an earlier version as a new version with exactly its content, under If-Match', async () => {
    expect((await restore(1)).status).toBe(428)
    expect((await restore(1, '"2"')).status).toBe(412)
    expect((await restore(1, '"4"', otherEditor)).body.error.code).toBe('out_of_scope')
    expect((await restore(1, '"4"', viewer)).body.error.code).toBe('forbidden')
    expect((await viewer.get(`/api/parcels/${parcel.id}`)).body.properties.version).toBe(4)

    const restored = await restore(1, '"4"')
    expect(restored.status).toBe(200)
    expect(restored.headers.get('etag')).toBe('"5"')
    expect(restored.body.properties).toMatchObject({ version: 5, name: 'T-HS-1', ownership: null, attributes: {}, area_m2: firstArea })
    const same = await diff('?from=1&to=5')
    expect(same.body.properties).toEqual([])
    expect(same.body.geometry.changed).toBe(false)
    const history = (await viewer.get(`/api/parcels/${parcel.id}/history`)).body
    expect(history.at(-1)).toMatchObject({ version: 5, action: 'update', changed_by: 'editor_hx', note: expect.stringContaining('restored from version 1') })
  })

  it('refuses to restore a version whose content is the current one, and writes nothing', async () => {
    const reply = await restore(1, '"5"')
    expect(reply.status).toBe(409)
    expect(reply.body.error.code).toBe('version_is_current')
    expect((await viewer.get(`/api/parcels/${parcel.id}`)).body.properties.version).toBe(5)
  })

  it('keeps the status where the workflow has it when restoring', async () => {
    const other = await newParcel(app, editor, HUANXIU, 'T-HS-2', 2)
    const notice = await editor.post(`/api/villages/${spot.village}/notices`, { posted_on: '2025-03-03', objections_to: '环秀街道办事处' })
    const step = await editor.post(`/api/parcels/${other.id}/transitions`, { to: 'publicized', document: '村民代表会议决议', notice_id: notice.body.id })
    await approver.post(`/api/transitions/${step.body.id}/confirm`, {}, { 'if-match': '"1"' })
    await editor.patch(`/api/parcels/${other.id}`, { properties: { name: '改名' } }, { 'if-match': '"2"' })
    const restored = await editor.post(`/api/parcels/${other.id}/history/1/restore`, undefined, { 'if-match': '"3"' })
    expect(restored.status).toBe(200)
    expect(restored.body.properties).toMatchObject({ name: 'T-HS-2', status: 'publicized', version: 4 })
  })

  it('refuses to restore a code another live parcel has taken since', async () => {
    const moved = await newParcel(app, editor, HUANXIU, 'T-HS-3', 3)
    await editor.patch(`/api/parcels/${moved.id}`, { properties: { code: 'T-HS-3B' } }, { 'if-match': '"1"' })
    await newParcel(app, editor, HUANXIU, 'T-HS-3', 4)
    const reply = await editor.post(`/api/parcels/${moved.id}/history/1/restore`, undefined, { 'if-match': '"2"' })
    expect(reply.status).toBe(409)
    expect(reply.body.error.code).toBe('duplicate_code')
  })

  it('brings a deleted parcel back first, and shows the deletion and the return in the diff', async () => {
    expect((await editor.delete(`/api/parcels/${parcel.id}`, { 'if-match': '"5"' })).status).toBe(204)
    const whileDeleted = await restore(2, '"6"')
    expect(whileDeleted.status).toBe(410)
    expect(whileDeleted.body.error.code).toBe('parcel_deleted')
    const back = await editor.post(`/api/parcels/${parcel.id}/restore`, undefined, { 'if-match': '"6"' })
    expect(back.status).toBe(200)
    const deleted = await diff('?from=5&to=6')
    expect(deleted.body.properties).toEqual([{ name: 'deleted', before: false, after: true }])
    expect((await diff('?from=6&to=7')).body.to.action).toBe('restore')
    expect((await restore(2, '"7"')).body.properties).toMatchObject({ name: '旧粮站', version: 8 })
  })
})

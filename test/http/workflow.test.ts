import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chinaToday } from '../../server/src/reports/working-days.ts'
import { backends } from '../helpers/backends.ts'
import { pdfTextOf, withPdftotext } from '../helpers/pdf.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { approverOf, HUANXIU, newParcel, rowCount, TIANHENG, villageSpot } from '../helpers/workflow.ts'

// A notice posted on Monday 3 March 2025 runs five working days, to Friday 7 March.
const PAST_POSTING = '2025-03-03'

describe.each(backends())('the workflow on the %s database', (backend) => {
  let app: TestApp
  let admin: Client
  let editor: Client
  let otherEditor: Client
  let approver: Client
  let otherApprover: Client
  let viewer: Client
  let village: string
  /** posted with the notice that ended in 2025 */
  let done: any
  /** posted with the notice that runs from today */
  let running: any
  let pastNotice: any
  let currentNotice: any

  beforeAll(async () => {
    app = await startTestApp(backend)
    admin = await app.as('admin')
    editor = await app.as('editorHuanxiu')
    otherEditor = await app.as('editorTianheng')
    viewer = await app.as('viewer')
    approver = await approverOf(app, admin, 'approver_hx', HUANXIU)
    otherApprover = await approverOf(app, admin, 'approver_th', TIANHENG)
    village = (await villageSpot(app, HUANXIU)).village
    done = await newParcel(app, editor, HUANXIU, 'T-WF-DONE', 0)
    running = await newParcel(app, editor, HUANXIU, 'T-WF-RUN', 1)
    pastNotice = (await editor.post(`/api/villages/${village}/notices`, { posted_on: PAST_POSTING, objections_to: '环秀街道办事处 0532-0000000' })).body
    currentNotice = (await editor.post(`/api/villages/${village}/notices`, { objections_to: '环秀街道办事处 0532-0000000' })).body
  })
  afterAll(async () => app?.close())

  const steps = (parcel: any) => `/api/parcels/${parcel.id}/transitions`

  async function parcelNow(parcel: any): Promise<any> {
    return (await admin.get(`/api/parcels/${parcel.id}`)).body.properties
  }

  async function etagOf(parcel: any): Promise<string> {
    return `"${(await parcelNow(parcel)).version}"`
  }

  /** Proposes as the editor and confirms as the approver; returns the confirmed step. */
  async function move(parcel: any, body: Record<string, unknown>): Promise<any> {
    const proposed = await editor.post(steps(parcel), body)
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201)
    const confirmed = await approver.post(`/api/transitions/${proposed.body.id}/confirm`, {}, { 'if-match': await etagOf(parcel) })
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200)
    return confirmed.body
  }

  it('posts the notice periods the tests rely on: five working days from 3 March 2025 end on 7 March', () => {
    expect(pastNotice.ends_on).toBe('2025-03-07')
    expect(currentNotice.posted_on).toBe(chinaToday())
    expect(currentNotice.ends_on > chinaToday()).toBe(true)
  })

  it('binds a town approver to one town, like a town editor', async () => {
    const unbound = await admin.post('/api/users', { username: 'approver_none', password: 'approver-password-1', role: 'town_approver' })
    expect(unbound.status).toBe(422)
    expect(unbound.body.error.code).toBe('invalid_user')
    expect((await approver.get('/api/session')).body.user).toMatchObject({ role: 'town_approver', town: HUANXIU })
  })

  it('refuses a PATCH that changes the status, pointing to the workflow, and accepts the status sent back unchanged', async () => {
    const changed = await editor.patch(`/api/parcels/${done.id}`, { properties: { status: 'reused' } }, { 'if-match': '"1"' })
    expect(changed.status).toBe(409)
    expect(changed.body.error.code).toBe('status_by_workflow')
    expect(changed.body.error.message).toContain(`/api/parcels/${done.id}/transitions`)
    expect((await parcelNow(done)).version).toBe(1)

    const same = await editor.patch(`/api/parcels/${done.id}`, { properties: { status: 'registered', ownership: '村集体' } }, { 'if-match': '"1"' })
    expect(same.status).toBe(200)
    expect(same.body.properties).toMatchObject({ status: 'registered', ownership: '村集体', version: 2 })
  })

  it('registers a new parcel at a later stage only for an approver', async () => {
    const spot = await villageSpot(app, HUANXIU)
    const feature = (code: string) => ({
      type: 'Feature',
      properties: { code, village: spot.village, category: 'intensive_use', status: 'recovered' },
      geometry: { type: 'Polygon', coordinates: [[[spot.lon, spot.lat - 0.001], [spot.lon + 0.0002, spot.lat - 0.001], [spot.lon + 0.0002, spot.lat - 0.0008], [spot.lon, spot.lat - 0.001]]] },
    })
    const before = await rowCount(app, 'parcels')
    const byEditor = await editor.post('/api/parcels', feature('T-WF-LEGACY-1'))
    expect(byEditor.status).toBe(403)
    expect(byEditor.body.error.code).toBe('initial_status_forbidden')
    expect(await rowCount(app, 'parcels')).toBe(before)
    const byApprover = await approver.post('/api/parcels', feature('T-WF-LEGACY-2'))
    expect(byApprover.status).toBe(201)
    expect(byApprover.body.properties.status).toBe('recovered')
  })

  it('refuses an import that moves an existing parcel to another stage, and stores nothing', async () => {
    const spot = await villageSpot(app, HUANXIU)
    const file = JSON.stringify({
      type: 'FeatureCollection',
      features: [{
        type: 'Feature',
        properties: { 地块编码: 'T-WF-RUN', 状态: '已收回' },
        geometry: { type: 'Polygon', coordinates: [[[spot.lon + 0.0003, spot.lat], [spot.lon + 0.0005, spot.lat], [spot.lon + 0.0005, spot.lat + 0.0002], [spot.lon + 0.0003, spot.lat]]] },
      }],
    })
    const reply = await editor.upload('ledger.geojson', file)
    expect(reply.status).toBe(422)
    expect(reply.body.rejected.map((r: any) => r.code)).toEqual(['status_by_workflow'])
    expect((await parcelNow(running)).version).toBe(1)
  })

  it('refuses a step that does not follow from the current stage, naming the ones that do', async () => {
    const reply = await editor.post(steps(done), { to: 'recovered', document_number: '即环政〔2025〕1号' })
    expect(reply.status).toBe(409)
    expect(reply.body.error.code).toBe('step_not_allowed')
    expect(reply.body.error.details).toBeNull()
    expect(reply.body.error.message).toContain('publicized')
  })

  it('needs the decision behind a step', async () => {
    const reply = await editor.post(steps(done), { to: 'publicized', notice_id: pastNotice.id })
    expect(reply.status).toBe(422)
    expect(reply.body.error.code).toBe('invalid_transition')
    expect(reply.body.error.message).toContain('document')
    expect(await rowCount(app, 'parcel_transitions')).toBe(0)
  })

  it('lets only a person entitled to confirm do so, and never the proposer', async () => {
    const proposed = await editor.post(steps(done), { to: 'publicized', document: '村民代表会议决议（2025年2月28日）', notice_id: pastNotice.id })
    expect(proposed.status).toBe(201)
    expect(proposed.body).toMatchObject({ state: 'proposed', from: 'registered', to: 'publicized', proposed_by: 'editor_hx', notice_id: pastNotice.id })
    const confirm = (client: Client, ifMatch?: string) =>
      client.post(`/api/transitions/${proposed.body.id}/confirm`, {}, ifMatch ? { 'if-match': ifMatch } : {})
    const version = await etagOf(done)

    expect((await confirm(editor, version)).body.error.code).toBe('forbidden')
    expect((await confirm(viewer, version)).body.error.code).toBe('forbidden')
    expect((await confirm(otherApprover, version)).body.error.code).toBe('out_of_scope')
    expect((await confirm(approver)).status).toBe(428)
    expect((await confirm(approver, '"999"')).status).toBe(412)
    expect((await parcelNow(done)).status).toBe('registered')

    const second = await editor.post(steps(done), { to: 'publicized', document: '重复', notice_id: pastNotice.id })
    expect(second.status).toBe(409)
    expect(second.body.error.code).toBe('transition_pending')

    const confirmed = await confirm(approver, version)
    expect(confirmed.status).toBe(200)
    expect(confirmed.body).toMatchObject({ state: 'confirmed', decided_by: 'approver_hx' })
    expect(confirmed.headers.get('etag')).toBe(`"${confirmed.body.confirmed_version}"`)
    expect(await parcelNow(done)).toMatchObject({ status: 'publicized', version: confirmed.body.confirmed_version })
    expect((await confirm(approver, await etagOf(done))).body.error.code).toBe('transition_not_open')
  })

  it('does not let an admin confirm a step the admin proposed', async () => {
    const proposed = await admin.post(steps(running), { to: 'publicized', document: '村民代表会议决议', notice_id: currentNotice.id })
    expect(proposed.status).toBe(201)
    const own = await admin.post(`/api/transitions/${proposed.body.id}/confirm`, {}, { 'if-match': await etagOf(running) })
    expect(own.status).toBe(403)
    expect(own.body.error.code).toBe('own_proposal')
    const byApprover = await approver.post(`/api/transitions/${proposed.body.id}/confirm`, {}, { 'if-match': await etagOf(running) })
    expect(byApprover.status).toBe(200)
    expect((await parcelNow(running)).status).toBe('publicized')
  })

  it('keeps a parcel in its notice until the working days have ended, and says until when', async () => {
    const before = await rowCount(app, 'parcel_transitions')
    const reply = await editor.post(steps(running), { to: 'recovering', document: '清收工作方案', method: 'take_back' })
    expect(reply.status).toBe(409)
    expect(reply.body.error.code).toBe('notice_period_running')
    expect(reply.body.error.message).toContain(currentNotice.ends_on)
    expect(await rowCount(app, 'parcel_transitions')).toBe(before)

    const overview = await editor.get(steps(running))
    expect(overview.body.notice).toMatchObject({ id: currentNotice.id, ends_on: currentNotice.ends_on, ended: false })
    const next = overview.body.next.find((n: any) => n.to === 'recovering')
    expect(next.allowed).toBe(false)
    expect(next.blockers.map((b: any) => b.code)).toEqual(['notice_period_running'])
  })

  it('records objections against the parcel and blocks moving on until each is answered', async () => {
    const objection = await editor.post(`/api/parcels/${done.id}/objections`, {
      received_on: '2025-03-05', channel: 'phone', objector: '村民张某', content: '地块东侧边界与我家宅基地重叠',
    })
    expect(objection.status).toBe(201)
    expect(objection.body).toMatchObject({ notice_id: pastNotice.id, during_notice: true, answered: false, recorded_by: 'editor_hx' })

    const blocked = await editor.post(steps(done), { to: 'recovering', document: '清收工作方案', method: 'take_back' })
    expect(blocked.status).toBe(409)
    expect(blocked.body.error.code).toBe('objections_unanswered')
    expect(blocked.body.error.message).toContain(`#${objection.body.id}`)

    const early = await editor.post(`/api/objections/${objection.body.id}/answer`, { answer: '已核实', answer_method: 'phone', answered_on: '2025-03-04', outcome: 'dismissed' })
    expect(early.status).toBe(422)
    const answer = { answer: '经实地复核，边界无误，已电话告知', answer_method: 'phone', answered_on: '2025-03-06', outcome: 'dismissed' }
    const answered = await editor.post(`/api/objections/${objection.body.id}/answer`, answer)
    expect(answered.status).toBe(200)
    expect(answered.body).toMatchObject({ ...answer, answered: true, answered_by: 'editor_hx' })
    const again = await editor.post(`/api/objections/${objection.body.id}/answer`, answer)
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('objection_answered')
  })

  it('looks at objections again on confirmation: one that came in after the proposal blocks it', async () => {
    const proposed = await editor.post(steps(done), { to: 'recovering', document: '清收工作方案', method: 're_tender', procedure: 'auction' })
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201)
    const late = await editor.post(`/api/parcels/${done.id}/objections`, { channel: 'letter', content: '对拍卖底价有异议' })
    expect(late.body.during_notice).toBe(false)
    const version = await etagOf(done)
    const blocked = await approver.post(`/api/transitions/${proposed.body.id}/confirm`, {}, { 'if-match': version })
    expect(blocked.status).toBe(409)
    expect(blocked.body.error.code).toBe('objections_unanswered')
    expect(await parcelNow(done)).toMatchObject({ status: 'publicized', version: Number(version.replace(/"/g, '')) })

    await editor.post(`/api/objections/${late.body.id}/answer`, { answer: '底价经评估确定，书面答复', answer_method: 'letter', outcome: 'dismissed' })
    const confirmed = await approver.post(`/api/transitions/${proposed.body.id}/confirm`, { approval_number: '即环审〔2025〕7号' }, { 'if-match': version })
    expect(confirmed.status).toBe(200)
    expect(confirmed.body).toMatchObject({ method: 're_tender', method_name: '重新发包', procedure_name: '拍卖', approval_number: '即环审〔2025〕7号' })
  })

  it('walks a parcel on to reused and keeps every step, with its decision, in the parcel history', async () => {
    await move(done, { to: 'recovered', document_number: '即环收〔2025〕3号', document_date: '2025-06-30' })
    const noMode = await editor.post(steps(done), { to: 'reused', document: '村民代表会议决议' })
    expect(noMode.status).toBe(422)
    expect(noMode.body.error.message).toContain('reuse_mode')
    await move(done, { to: 'reused', document: '村民代表会议决议（出租）', reuse_mode: 'lease', reuse_use: '民宿' })

    const overview = await viewer.get(steps(done))
    expect(overview.body.status).toBe('reused')
    expect(overview.body.next).toEqual([])
    expect(overview.body.transitions.filter((t: any) => t.state === 'confirmed').map((t: any) => `${t.from}>${t.to}`)).toEqual([
      'registered>publicized', 'publicized>recovering', 'recovering>recovered', 'recovered>reused',
    ])
    const last = overview.body.transitions.at(-1)
    expect(last).toMatchObject({ reuse_mode: 'lease', reuse_mode_name: '出租', reuse_use: '民宿', proposed_by: 'editor_hx', decided_by: 'approver_hx' })

    const history = (await editor.get(`/api/parcels/${done.id}/history`)).body
    const moves = history.filter((v: any) => v.action === 'update' && v.changed_fields.includes('status'))
    expect(moves.map((v: any) => v.after.status)).toEqual(['publicized', 'recovering', 'recovered', 'reused'])
    expect(moves.every((v: any) => v.changed_by === 'approver_hx' && v.changed_fields.length === 1)).toBe(true)
    expect(moves[1].note).toContain('重新发包')
    expect(moves[1].note).toContain('即环审〔2025〕7号')
  })

  withPdftotext("prints the confirmed steps in the parcel's dossier", async () => {
    const text = await pdfTextOf(viewer, `/api/parcels/${done.id}/report.pdf`)
    expect(text).toContain('八、流程记录')
    expect(text).toContain('公示中→清收中')
    expect(text).toContain('即环审〔2025〕7号')
    expect(text).toContain('重新发包，拍卖')
    expect(text).toContain('出租，民宿')
  })

  it('rejects with a reason and lets the proposer alone withdraw', async () => {
    const proposed = await editor.post(steps(running), { to: 'registered', note: '异议属实，修正台账后重新公示' })
    expect(proposed.status).toBe(201)
    expect((await approver.post(`/api/transitions/${proposed.body.id}/reject`, {})).status).toBe(422)
    const rejected = await approver.post(`/api/transitions/${proposed.body.id}/reject`, { note: '异议尚未核实' })
    expect(rejected.body).toMatchObject({ state: 'rejected', decided_by: 'approver_hx', decision_note: '异议尚未核实' })
    expect((await parcelNow(running)).status).toBe('publicized')

    const again = await editor.post(steps(running), { to: 'registered', note: '再次申请' })
    const notMine = await approver.post(`/api/transitions/${again.body.id}/withdraw`, {})
    expect(notMine.status).toBe(403)
    expect(notMine.body.error.code).toBe('not_proposer')
    const withdrawn = await editor.post(`/api/transitions/${again.body.id}/withdraw`, { note: '误提' })
    expect(withdrawn.body).toMatchObject({ state: 'withdrawn', decided_by: 'editor_hx' })
  })

  it('keeps another town out of the workflow of a parcel', async () => {
    expect((await otherEditor.get(steps(running))).body.error.code).toBe('out_of_scope')
    expect((await otherEditor.post(steps(running), { to: 'registered', note: 'x' })).body.error.code).toBe('out_of_scope')
    expect((await otherEditor.post(`/api/parcels/${running.id}/objections`, { channel: 'phone', content: 'x' })).body.error.code).toBe('out_of_scope')
    expect((await viewer.post(steps(running), { to: 'registered', note: 'x' })).body.error.code).toBe('forbidden')
    const own = await otherApprover.get('/api/transitions?state=confirmed')
    expect(own.status).toBe(200)
    expect(own.body).toEqual([])
    expect((await otherApprover.get(`/api/transitions?town=${HUANXIU}`)).body.error.code).toBe('town_out_of_scope')
  })

  it("lists the open steps of the approver's town", async () => {
    const proposed = await editor.post(steps(running), { to: 'registered', note: '异议属实' })
    const open = await approver.get('/api/transitions')
    expect(open.status).toBe(200)
    expect(open.body.map((t: any) => t.id)).toEqual([proposed.body.id])
    expect(open.body[0]).toMatchObject({ parcel_code: 'T-WF-RUN', town: HUANXIU, state: 'proposed' })
  })
})

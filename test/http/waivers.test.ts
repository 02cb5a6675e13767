import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backends } from '../helpers/backends.ts'
import { pdfTextOf, withPdftotext } from '../helpers/pdf.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { approverOf, HUANXIU, newParcel, rowCount, TIANHENG } from '../helpers/workflow.ts'

const APPROVAL = { approval_number: '即自然资豁〔2025〕12号', approver: '区自然资源局 王局长', approved_on: '2025-05-20', reason: '历史遗留，经现场核实面积以确权登记为准' }

describe.each(backends())('waivers of findings on the %s database', (backend) => {
  let app: TestApp
  let editor: Client
  let analyst: Client
  let approver: Client
  let otherApprover: Client
  let parcel: any
  let finding: any
  let waiver: any

  beforeAll(async () => {
    app = await startTestApp(backend)
    const admin = await app.as('admin')
    editor = await app.as('editorHuanxiu')
    analyst = await app.as('analyst')
    approver = await approverOf(app, admin, 'approver_hx', HUANXIU)
    otherApprover = await approverOf(app, admin, 'approver_th', TIANHENG)
    // a square of about 0.6 亩 declared as 10 亩: the re-check after saving finds an area mismatch
    parcel = await newParcel(app, editor, HUANXIU, 'T-WV-1', 0, { declared_area_mu: 10 })
    const findings = await editor.get(`/api/parcels/${parcel.id}/findings`)
    finding = findings.body.findings.find((f: any) => f.code === 'area_mismatch')
  })
  afterAll(async () => app?.close())

  const areaFinding = async (client: Client = editor) =>
    (await client.get(`/api/parcels/${parcel.id}/findings`)).body.findings.find((f: any) => f.code === 'area_mismatch')

  it('starts from an area finding that is not waived', () => {
    expect(finding).toMatchObject({ kind: 'area', waived: false, waiver: null })
  })

  it('waives only with an approval number, approver and date, by someone entitled, and writes nothing otherwise', async () => {
    const url = `/api/findings/${finding.id}/waiver`
    expect((await editor.post(url, APPROVAL)).body.error.code).toBe('forbidden')
    expect((await otherApprover.post(url, APPROVAL)).body.error.code).toBe('town_out_of_scope')
    for (const field of ['approval_number', 'approver', 'approved_on', 'reason'] as const) {
      const { [field]: _left, ...rest } = APPROVAL
      const reply = await analyst.post(url, rest)
      expect(reply.status, field).toBe(422)
      expect(reply.body.error.code).toBe('invalid_waiver')
      expect(reply.body.error.message).toContain(field)
    }
    expect((await analyst.post(url, { ...APPROVAL, approved_on: '2999-01-01' })).status).toBe(422)
    expect(await rowCount(app, 'finding_waivers')).toBe(0)

    const granted = await approver.post(url, APPROVAL)
    expect(granted.status).toBe(201)
    expect(granted.body).toMatchObject({ ...APPROVAL, finding_id: finding.id, parcel_code: 'T-WV-1', town: HUANXIU, recorded_by: 'approver_hx', revoked_at: null })
    waiver = granted.body
    const twice = await analyst.post(url, APPROVAL)
    expect(twice.status).toBe(409)
    expect(twice.body.error.code).toBe('finding_waived')
  })

  it("shows the waiver in the parcel's findings and in the run's findings", async () => {
    const latest = await areaFinding()
    expect(latest).toMatchObject({ waived: true, waiver: { id: waiver.id, approval_number: APPROVAL.approval_number, approver: APPROVAL.approver, approved_on: APPROVAL.approved_on } })
    const run = await analyst.get(`/api/checks/${finding.run_id}?parcel_id=${parcel.id}`)
    const inRun = run.body.findings.find((f: any) => f.id === finding.id)
    expect(inRun.waiver).toMatchObject({ approval_number: APPROVAL.approval_number, reason: APPROVAL.reason })
  })

  it('shows the waiver in the OGC findings collection', async () => {
    const reply = await analyst.get(`/ogc/collections/findings/items?parcel_id=${parcel.id}&code=area_mismatch`, { accept: 'application/geo+json' })
    expect(reply.status).toBe(200)
    const feature = reply.body.features.find((f: any) => f.id === finding.id)
    expect(feature.properties).toMatchObject({ waived: true, waiver: { approval_number: APPROVAL.approval_number, approver: APPROVAL.approver } })
  })

  withPdftotext("prints the waiver in the dossier's findings table", async () => {
    const text = await pdfTextOf(editor, `/api/parcels/${parcel.id}/report.pdf`)
    expect(text).toContain('已豁免')
    expect(text).toContain(APPROVAL.approval_number)
    expect(text).toContain(APPROVAL.approver.replace(/\s+/g, ''))
  })

  it('holds for the same finding found again by a later run', async () => {
    const run = await analyst.post('/api/checks', { kinds: ['area'], parcel_ids: [parcel.id] })
    expect(run.status).toBe(201)
    const again = await areaFinding()
    expect(again.run_id).toBe(run.body.run_id)
    expect(again.id).not.toBe(finding.id)
    expect(again.waiver).toMatchObject({ id: waiver.id, finding_id: finding.id })
  })

  it('no longer holds once the declared area changes what is found', async () => {
    const patched = await editor.patch(`/api/parcels/${parcel.id}`, { properties: { declared_area_mu: 12 } }, { 'if-match': `"${parcel.properties.version}"` })
    expect(patched.status).toBe(200)
    expect(await areaFinding()).toMatchObject({ waived: false, waiver: null })
  })

  it('is revoked with a reason, once, and stays in the register', async () => {
    expect((await editor.post(`/api/waivers/${waiver.id}/revoke`, { reason: 'x' })).body.error.code).toBe('forbidden')
    expect((await approver.post(`/api/waivers/${waiver.id}/revoke`, {})).status).toBe(422)
    const revoked = await approver.post(`/api/waivers/${waiver.id}/revoke`, { reason: '申报面积已更正' })
    expect(revoked.body).toMatchObject({ revoke_reason: '申报面积已更正', revoked_by: 'approver_hx' })
    expect((await approver.post(`/api/waivers/${waiver.id}/revoke`, { reason: 'again' })).body.error.code).toBe('waiver_revoked')
    expect((await editor.get(`/api/waivers?parcel_id=${parcel.id}`)).body).toEqual([])
    const register = await editor.get(`/api/waivers?parcel_id=${parcel.id}&include_revoked=true`)
    expect(register.body.map((w: any) => w.id)).toEqual([waiver.id])
    expect((await otherApprover.get(`/api/waivers?town=${HUANXIU}`)).body.error.code).toBe('town_out_of_scope')
  })
})

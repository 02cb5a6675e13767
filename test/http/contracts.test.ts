import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backends } from '../helpers/backends.ts'
import { pdfTextOf, withPdftotext } from '../helpers/pdf.ts'
import { startTestApp, type Client, type TestApp } from '../helpers/app.ts'
import { HUANXIU, newParcel, rowCount, villageSpot } from '../helpers/workflow.ts'

// The village's arrears are counted to 1 January 2025; every figure is worked out by hand:
//   A 2020-01-01 … 2029-12-31, 12 000 元 a year in advance: 2020 … 2025 due = 72 000.00;
//     paid 12 000 + 12 000 + 6 000.50 = 30 000.50; owed 41 999.50, overdue since 2022-01-01
//   B oral, from 2022-07-01 without end, 800.25 元 in advance: 2022, 2023, 2024 = 2 400.75; nothing paid
//   C 2023-01-01 … 2027-12-31, 10 000 元 in advance, ended 2024-06-30: 10 000 + 10 000 × 182/366
//     = 14 972.68; paid 10 000; owed 4 972.68, overdue since 2024-01-01
//   D 2024, 5 000 元 in arrears, due 2024-12-31, paid 5 000: owed 0
//   totals: due 94 373.43, paid 45 000.50, owed 49 372.93, 3 of 4 in arrears
const AS_OF = '2025-01-01'

describe.each(backends())('contracts and arrears on the %s database', (backend) => {
  let app: TestApp
  let editor: Client
  let otherEditor: Client
  let viewer: Client
  let village: string
  let first: any
  let second: any
  const ids = { a: 0, b: 0, c: 0, d: 0 }

  beforeAll(async () => {
    app = await startTestApp(backend)
    editor = await app.as('editorHuanxiu')
    otherEditor = await app.as('editorTianheng')
    viewer = await app.as('viewer')
    village = (await villageSpot(app, HUANXIU)).village
    first = await newParcel(app, editor, HUANXIU, 'T-CT-1', 0)
    second = await newParcel(app, editor, HUANXIU, 'T-CT-2', 1)
  })
  afterAll(async () => app?.close())

  async function contract(parcel: any, body: Record<string, unknown>): Promise<any> {
    const reply = await editor.post(`/api/parcels/${parcel.id}/contracts`, body)
    expect(reply.status, JSON.stringify(reply.body)).toBe(201)
    return reply.body
  }

  async function pay(id: number, paid_on: string, amount_yuan: number): Promise<any> {
    const reply = await editor.post(`/api/contracts/${id}/payments`, { paid_on, amount_yuan, receipt_number: `R-${paid_on}` })
    expect(reply.status, JSON.stringify(reply.body)).toBe(201)
    return reply.body
  }

  it('registers contracts with their terms, payments and problems', async () => {
    const a = await contract(first, { number: 'HX-2020-01', contractor: '王某', start_on: '2020-01-01', end_on: '2029-12-31', annual_fee_yuan: 12000 })
    expect(a).toMatchObject({ contractor: '王某', annual_fee_yuan: 12000, payment_timing: 'in_advance', problems: [], version: 1, created_by: 'editor_hx' })
    ids.a = a.id
    await pay(a.id, '2020-01-05', 12000)
    await pay(a.id, '2021-01-10', 12000)
    await pay(a.id, '2022-03-01', 6000.5)

    const b = await contract(second, { contractor: '李某', start_on: '2022-07-01', annual_fee_yuan: 800.25, problems: ['oral', 'overdue'] })
    expect(b.problem_names).toEqual(['口头合同', '拖欠承包费、租赁费'])
    ids.b = b.id
    const c = await contract(second, { contractor: '某公司', start_on: '2023-01-01', end_on: '2027-12-31', terminated_on: '2024-06-30', annual_fee_yuan: 10000, problems: ['illegal_use_change'] })
    ids.c = c.id
    await pay(c.id, '2023-01-15', 10000)
    const d = await contract(first, { contractor: '赵某', start_on: '2024-01-01', end_on: '2024-12-31', annual_fee_yuan: 5000, payment_timing: 'in_arrears', problems: ['unfair_price'] })
    ids.d = d.id
    await pay(d.id, '2024-12-31', 5000)
  })

  it("computes each contract's arrears to the day asked", async () => {
    const reply = await viewer.get(`/api/contracts/${ids.a}?as_of=${AS_OF}`)
    expect(reply.status).toBe(200)
    expect(reply.headers.get('etag')).toBe('"1"')
    expect(reply.body).toMatchObject({
      as_of: AS_OF, due_yuan: 72000, paid_yuan: 30000.5, arrears_yuan: 41999.5, credit_yuan: 0, overdue: true, overdue_since: '2022-01-01',
    })
    expect(reply.body.payments.map((p: any) => [p.paid_on, p.amount_yuan, p.recorded_by])).toEqual([
      ['2020-01-05', 12000, 'editor_hx'], ['2021-01-10', 12000, 'editor_hx'], ['2022-03-01', 6000.5, 'editor_hx'],
    ])
  })

  it('lists the arrears of a village, most owed first, with totals that add up to the 分', async () => {
    const reply = await viewer.get(`/api/villages/${village}/arrears?as_of=${AS_OF}`)
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({ village, town: HUANXIU, as_of: AS_OF })
    expect(reply.body.contracts.map((c: any) => [c.contract_id, c.parcel_code, c.due_yuan, c.paid_yuan, c.arrears_yuan, c.overdue_since])).toEqual([
      [ids.a, 'T-CT-1', 72000, 30000.5, 41999.5, '2022-01-01'],
      [ids.c, 'T-CT-2', 14972.68, 10000, 4972.68, '2024-01-01'],
      [ids.b, 'T-CT-2', 2400.75, 0, 2400.75, '2022-07-01'],
      [ids.d, 'T-CT-1', 5000, 5000, 0, null],
    ])
    expect(reply.body.totals).toEqual({ contracts: 4, in_arrears: 3, due_yuan: 94373.43, paid_yuan: 45000.5, arrears_yuan: 49372.93 })
  })

  withPdftotext("prints the contracts with what they owe today in the parcel's dossier", async () => {
    const text = await pdfTextOf(viewer, `/api/parcels/${first.id}/report.pdf`)
    const today = (await viewer.get(`/api/contracts/${ids.a}`)).body
    expect(text).toContain('九、合同信息')
    for (const cell of ['HX-2020-01', '王某', '2029-12-31', '12000.00', today.arrears_yuan.toFixed(2), '价格显失公平']) {
      expect(text).toContain(cell)
    }
  })

  it('leaves struck-out payments and deleted contracts out of the figures, and keeps both', async () => {
    const extra = await pay(ids.d, '2024-12-31', 999)
    const struck = extra.payments.find((p: any) => p.amount_yuan === 999)
    const after = await editor.delete(`/api/contracts/${ids.d}/payments/${struck.id}`)
    expect(after.status).toBe(200)
    expect(after.body.payments.map((p: any) => p.amount_yuan)).toEqual([5000])
    expect(await rowCount(app, 'contract_payments WHERE deleted_at IS NOT NULL')).toBe(1)

    const gone = await contract(first, { contractor: '误录', start_on: '2020-01-01', annual_fee_yuan: 1 })
    expect((await editor.delete(`/api/contracts/${gone.id}`, { 'if-match': '"1"' })).status).toBe(204)
    expect((await editor.get(`/api/contracts/${gone.id}`)).status).toBe(410)
    const list = await viewer.get(`/api/villages/${village}/arrears?as_of=${AS_OF}`)
    expect(list.body.totals).toMatchObject({ contracts: 4, arrears_yuan: 49372.93 })
  })

  it('changes a contract only under If-Match and keeps every version', async () => {
    const url = `/api/contracts/${ids.b}`
    expect((await editor.patch(url, { annual_fee_yuan: 900 })).status).toBe(428)
    expect((await editor.patch(url, { annual_fee_yuan: 900 }, { 'if-match': '"7"' })).status).toBe(412)
    const changed = await editor.patch(url, { problems: ['oral'], note: '已补签书面合同' }, { 'if-match': '"1"' })
    expect(changed.status).toBe(200)
    expect(changed.headers.get('etag')).toBe('"2"')
    expect(changed.body).toMatchObject({ problems: ['oral'], annual_fee_yuan: 800.25, contractor: '李某', version: 2, updated_by: 'editor_hx' })
    const history = await viewer.get(`${url}/history`)
    expect(history.body.map((v: any) => [v.version, v.changed_by])).toEqual([[1, 'editor_hx'], [2, 'editor_hx']])
    expect(history.body[1].before.problems).toEqual(['oral', 'overdue'])
    expect(history.body[1].after.problems).toEqual(['oral'])
  })

  it('refuses bad terms and payments with their own codes and writes nothing', async () => {
    const contracts = await rowCount(app, 'contracts')
    const payments = await rowCount(app, 'contract_payments')
    const cases: [Record<string, unknown>, string][] = [
      [{ contractor: '甲', start_on: '2024-01-01', end_on: '2023-12-31', annual_fee_yuan: 1 }, 'end_on'],
      [{ contractor: '甲', start_on: '2024-01-01', annual_fee_yuan: 1.005 }, 'annual_fee_yuan'],
      [{ contractor: '甲', start_on: '2024-01-01', annual_fee_yuan: -5 }, 'annual_fee_yuan'],
      [{ contractor: '甲', start_on: '2024-02-30', annual_fee_yuan: 1 }, 'start_on'],
      [{ start_on: '2024-01-01', annual_fee_yuan: 1 }, 'contractor'],
      [{ contractor: '甲', start_on: '2024-01-01', annual_fee_yuan: 1, problems: ['late'] }, 'problems'],
      [{ contractor: '甲', start_on: '2024-01-01', annual_fee_yuan: 1, rent: 5 }, 'rent'],
    ]
    for (const [body, field] of cases) {
      const reply = await editor.post(`/api/parcels/${first.id}/contracts`, body)
      expect(reply.status, field).toBe(422)
      expect(reply.body.error.code).toBe('invalid_contract')
      expect(reply.body.error.message, field).toContain(field)
    }
    const zero = await editor.post(`/api/contracts/${ids.a}/payments`, { paid_on: '2024-01-01', amount_yuan: 0 })
    expect(zero.body.error.code).toBe('invalid_payment')
    const future = await editor.post(`/api/contracts/${ids.a}/payments`, { paid_on: '2999-01-01', amount_yuan: 1 })
    expect(future.body.error.code).toBe('invalid_payment')
    expect(await rowCount(app, 'contracts')).toBe(contracts)
    expect(await rowCount(app, 'contract_payments')).toBe(payments)
  })

  it("keeps contracts inside the town: another town's editor neither reads nor writes them", async () => {
    expect((await otherEditor.get(`/api/parcels/${first.id}/contracts`)).body.error.code).toBe('out_of_scope')
    expect((await otherEditor.post(`/api/parcels/${first.id}/contracts`, { contractor: '甲', start_on: '2024-01-01', annual_fee_yuan: 1 })).body.error.code).toBe('out_of_scope')
    expect((await otherEditor.post(`/api/contracts/${ids.a}/payments`, { paid_on: '2024-01-01', amount_yuan: 1 })).body.error.code).toBe('out_of_scope')
    expect((await otherEditor.get(`/api/villages/${village}/arrears`)).body.error.code).toBe('town_out_of_scope')
    expect((await viewer.post(`/api/contracts/${ids.a}/payments`, { paid_on: '2024-01-01', amount_yuan: 1 })).body.error.code).toBe('forbidden')
  })
})

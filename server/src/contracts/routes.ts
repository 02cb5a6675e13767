// Contracts on parcels, their payments, and the arrears (欠款) of a village.
import { Router, type Request } from 'express'
import { requireAction } from '../auth/middleware.ts'
import { AppError, quote } from '../errors/app-error.ts'
import type { AppContext } from '../http/context.ts'
import { pathId } from '../http/params.ts'
import { villageInScope } from '../reports/routes.ts'
import { chinaToday, parseDate } from '../reports/working-days.ts'
import { readParcel } from '../parcels/store.ts'
import { yuan, fen } from './arrears.ts'
import {
  contractArrears, contractHistory, contractJson, createContract, deleteContract, readContract, recordPayment,
  selectContracts, strikePayment, updateContract,
} from './store.ts'

/** ?as_of=YYYY-MM-DD, the day the arrears are counted to; today (China Standard Time) by default. */
function asOf(req: Request): string {
  const value = req.query.as_of
  if (value === undefined) return chinaToday()
  if (typeof value !== 'string' || !parseDate(value)) {
    throw new AppError('invalid_parameter', { field: 'as_of', value: quote(value), reason: 'a date YYYY-MM-DD' })
  }
  return value
}

const etag = (version: number) => `"${version}"`

export function contractRoutes(ctx: AppContext): Router {
  const router = Router()
  const { db } = ctx

  router.get('/api/parcels/:id/contracts', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const parcel = await readParcel(db, user, pathId(req, 'id', 'parcel'))
    const day = asOf(req)
    res.json((await selectContracts(db, { parcelId: parcel.id })).map((row) => contractJson(row, day)))
  })

  router.post('/api/parcels/:id/contracts', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    const row = await createContract(db, user, pathId(req, 'id', 'parcel'), req.body)
    res.status(201).setHeader('Location', `/api/contracts/${row.id}`).setHeader('ETag', etag(row.version)).json(contractJson(row))
  })

  router.get('/api/contracts/:id', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const row = await readContract(db, user, pathId(req, 'id', 'contract'))
    if (row.deleted_at) throw new AppError('contract_deleted', { contract: row.id })
    res.setHeader('ETag', etag(row.version)).json(contractJson(row, asOf(req)))
  })

  router.patch('/api/contracts/:id', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    const row = await updateContract(db, user, pathId(req, 'id', 'contract'), req.headers['if-match'], req.body)
    res.setHeader('ETag', etag(row.version)).json(contractJson(row))
  })

  router.delete('/api/contracts/:id', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    const version = await deleteContract(db, user, pathId(req, 'id', 'contract'), req.headers['if-match'])
    res.setHeader('ETag', etag(version)).status(204).end()
  })

  router.get('/api/contracts/:id/history', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    res.json(await contractHistory(db, user, pathId(req, 'id', 'contract')))
  })

  router.post('/api/contracts/:id/payments', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    res.status(201).json(contractJson(await recordPayment(db, user, pathId(req, 'id', 'contract'), req.body)))
  })

  router.delete('/api/contracts/:id/payments/:payment_id', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    const row = await strikePayment(db, user, pathId(req, 'id', 'contract'), pathId(req, 'payment_id', 'payment'))
    res.json(contractJson(row))
  })

  // Every live contract of the village's live parcels with what it owes on the day, most owed first.
  router.get('/api/villages/:code/arrears', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const village = await villageInScope(db, user, String(req.params.code))
    const day = asOf(req)
    const contracts = (await selectContracts(db, { village: village.code }))
      .map((row) => ({
        contract_id: row.id,
        number: row.number,
        parcel_id: row.parcel_id,
        parcel_code: row.parcel_code,
        parcel_name: row.parcel_name,
        contractor: row.contractor,
        start_on: row.start_on,
        end_on: row.end_on,
        terminated_on: row.terminated_on,
        annual_fee_yuan: row.annual_fee_yuan,
        payment_timing: row.payment_timing,
        problems: row.problems,
        ...contractArrears(row, day),
      }))
      .sort((a, b) => b.arrears_yuan - a.arrears_yuan || a.parcel_code.localeCompare(b.parcel_code) || a.contract_id - b.contract_id)
    const total = (key: 'due_yuan' | 'paid_yuan' | 'arrears_yuan') => yuan(contracts.reduce((sum, c) => sum + fen(c[key]), 0))
    res.json({
      village: village.code,
      village_name: village.name,
      town: village.town,
      town_name: village.townName,
      as_of: day,
      totals: {
        contracts: contracts.length,
        in_arrears: contracts.filter((c) => c.overdue).length,
        due_yuan: total('due_yuan'),
        paid_yuan: total('paid_yuan'),
        arrears_yuan: total('arrears_yuan'),
      },
      contracts,
    })
  })

  return router
}

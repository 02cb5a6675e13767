// Waivers (豁免) of check findings: granted, listed, revoked.
import { Router, type Request } from 'express'
import { requireAction } from '../auth/middleware.ts'
import { AppError, quote } from '../errors/app-error.ts'
import type { AppContext } from '../http/context.ts'
import { grantWaiver, listWaivers, revokeWaiver } from './store.ts'

function pathId(req: Request, name: string, what: string): number {
  const raw = String(req.params[name])
  if (!/^\d{1,15}$/.test(raw)) throw new AppError('invalid_parameter', { field: name, value: quote(raw), reason: `a ${what} id is a positive integer` })
  return Number(raw)
}

function query(req: Request, name: string, pattern: RegExp, reason: string): string | null {
  const value = req.query[name]
  if (value === undefined) return null
  if (typeof value !== 'string' || !pattern.test(value)) throw new AppError('invalid_parameter', { field: name, value: quote(value), reason })
  return value
}

export function waiverRoutes(ctx: AppContext): Router {
  const router = Router()
  const { db } = ctx

  router.post('/api/findings/:id/waiver', async (req, res) => {
    const user = requireAction(req, 'finding.waive')
    const waiver = await grantWaiver(db, user, pathId(req, 'id', 'finding'), req.body)
    res.status(201).json(waiver)
  })

  router.get('/api/waivers', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const parcel = query(req, 'parcel_id', /^\d{1,9}$/, 'a parcel id')
    res.json(await listWaivers(db, user, {
      parcelId: parcel === null ? null : Number(parcel),
      town: query(req, 'town', /^\d{9}$/, 'a 9-digit town code'),
      village: query(req, 'village', /^\d{12}$/, 'a 12-digit village code'),
      withRevoked: query(req, 'include_revoked', /^(true|false)$/, 'true or false') === 'true',
    }))
  })

  router.post('/api/waivers/:id/revoke', async (req, res) => {
    const user = requireAction(req, 'finding.waive')
    res.json(await revokeWaiver(db, user, pathId(req, 'id', 'waiver'), req.body))
  })

  return router
}

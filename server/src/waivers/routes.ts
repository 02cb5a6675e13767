// Waivers (豁免) of check findings: granted, listed, revoked.
import { Router } from 'express'
import { requireAction } from '../auth/middleware.ts'
import type { AppContext } from '../http/context.ts'
import { pathId, queryMatching } from '../http/params.ts'
import { grantWaiver, listWaivers, revokeWaiver } from './store.ts'

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
    const parcel = queryMatching(req, 'parcel_id', /^\d{1,9}$/, 'a parcel id')
    res.json(await listWaivers(db, user, {
      parcelId: parcel === null ? null : Number(parcel),
      town: queryMatching(req, 'town', /^\d{9}$/, 'a 9-digit town code'),
      village: queryMatching(req, 'village', /^\d{12}$/, 'a 12-digit village code'),
      withRevoked: queryMatching(req, 'include_revoked', /^(true|false)$/, 'true or false') === 'true',
    }))
  })

  router.post('/api/waivers/:id/revoke', async (req, res) => {
    const user = requireAction(req, 'finding.waive')
    res.json(await revokeWaiver(db, user, pathId(req, 'id', 'waiver'), req.body))
  })

  return router
}

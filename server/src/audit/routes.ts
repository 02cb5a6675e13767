import { Router } from 'express'
import { requireAction } from '../auth/middleware.ts'
import type { AppContext } from '../http/context.ts'
import { listAudit, parseAuditFilter } from './read.ts'

export function auditRoutes(ctx: AppContext): Router {
  const router = Router()

  router.get('/api/audit', async (req, res) => {
    requireAction(req, 'audit.read')
    res.json(await listAudit(ctx.db, parseAuditFilter(req)))
  })

  return router
}

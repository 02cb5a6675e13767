import { existsSync } from 'node:fs'
import path from 'node:path'
import express, { type Express } from 'express'
import { attachmentRoutes } from './attachments/routes.ts'
import { auditAnswers, auditContext, recordInTransaction } from './audit/record.ts'
import { auditRoutes } from './audit/routes.ts'
import { authenticate, sameOrigin } from './auth/middleware.ts'
import { authRoutes } from './auth/routes.ts'
import { checkRoutes } from './checks/routes.ts'
import { contractRoutes } from './contracts/routes.ts'
import { setBeforeCommit } from './db/db.ts'
import { AppError } from './errors/app-error.ts'
import { errorMiddleware } from './errors/middleware.ts'
import { exportRoutes } from './export/routes.ts'
import { historyRoutes } from './history/routes.ts'
import type { AppContext } from './http/context.ts'
import { importRoutes } from './import/routes.ts'
import { layerRoutes } from './layers/routes.ts'
import { openApiRoute } from './http/openapi.ts'
import { securityHeaders } from './http/security.ts'
import { ogcRoutes } from './ogc/routes.ts'
import { parcelRoutes } from './parcels/routes.ts'
import { placeRoutes } from './places/routes.ts'
import { reportRoutes } from './reports/routes.ts'
import { waiverRoutes } from './waivers/routes.ts'
import { workflowRoutes } from './workflow/routes.ts'

// Large enough for a parcel of 100,000 vertices; a 10 MB property is refused.
export const JSON_LIMIT = '8mb'

/** Builds the Express app without listening, so tests can serve it on any port. */
export function createApp(ctx: AppContext): Express {
  const app = express()
  app.disable('x-powered-by')
  // The client address (rate limit, audit log) and https come from the proxy's headers only when it is trusted.
  app.set('trust proxy', ctx.config.trustProxy)
  app.use(securityHeaders())

  app.get('/api/health', (_req, res) => {
    res.json({ status: 'ok', database: ctx.db.driver, postgis: ctx.postgis })
  })

  app.get('/api/openapi.json', openApiRoute)

  setBeforeCommit(recordInTransaction)
  app.use(auditAnswers(ctx.db))
  app.use('/api', express.json({ limit: JSON_LIMIT, type: ['application/json', 'application/geo+json'] }))
  app.use(authenticate(ctx.db))
  app.use(sameOrigin)
  app.use(auditContext)
  app.use(authRoutes(ctx))
  app.use(auditRoutes(ctx))
  app.use(placeRoutes(ctx))
  app.use(parcelRoutes(ctx))
  app.use(layerRoutes(ctx))
  app.use(checkRoutes(ctx))
  app.use(importRoutes(ctx, ctx.config.importLimits))
  app.use(exportRoutes(ctx))
  app.use(reportRoutes(ctx))
  app.use(historyRoutes(ctx))
  app.use(workflowRoutes(ctx))
  app.use(contractRoutes(ctx))
  app.use(waiverRoutes(ctx))
  app.use(attachmentRoutes(ctx))
  app.use(ogcRoutes(ctx))
  app.all('/api/{*rest}', (req) => {
    throw new AppError('route_not_found', { method: req.method, path: req.path })
  })
  serveClient(app, ctx.config.clientDir)
  app.use(errorMiddleware)
  return app
}

/** The built client, with index.html for any other GET so links into the app work. */
function serveClient(app: Express, dir: string): void {
  const index = path.join(dir, 'index.html')
  app.use(express.static(dir, { index: 'index.html', maxAge: '1h' }))
  app.get('/{*rest}', (_req, res, next) => {
    if (!existsSync(index)) return next()
    res.setHeader('Cache-Control', 'no-cache')
    res.sendFile(index)
  })
}

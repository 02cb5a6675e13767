// A parcel's history beyond the list of versions: the diff of two versions
// and the restore of an earlier one.
import { Router, type Request } from 'express'
import { requireAction } from '../auth/middleware.ts'
import { AppError, quote } from '../errors/app-error.ts'
import type { AppContext } from '../http/context.ts'
import { etag, featureJson } from '../parcels/feature.ts'
import { parcelDiff } from './diff.ts'
import { restoreVersion } from './restore.ts'

function positive(value: unknown, field: string): number {
  if (typeof value !== 'string' || !/^[1-9]\d{0,8}$/.test(value)) {
    throw new AppError('invalid_parameter', { field, value: quote(value), reason: 'a positive integer' })
  }
  return Number(value)
}

const optional = (req: Request, name: string) => (req.query[name] === undefined ? null : positive(req.query[name], name))

export function historyRoutes(ctx: AppContext): Router {
  const router = Router()
  const { db } = ctx

  router.get('/api/parcels/:id/history/diff', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    res.json(await parcelDiff(db, user, positive(req.params.id, 'id'), optional(req, 'from'), optional(req, 'to')))
  })

  router.post('/api/parcels/:id/history/:version/restore', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    const row = await restoreVersion(db, user, positive(req.params.id, 'id'), positive(req.params.version, 'version'), req.headers['if-match'])
    res.setHeader('ETag', etag(row.version)).type('application/geo+json').send(featureJson(row))
  })

  return router
}

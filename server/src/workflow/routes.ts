// The workflow routes: a parcel's steps (propose, confirm, reject, withdraw),
// the approvers' list of open steps, and objections with their answers.
import { Router } from 'express'
import { requireAction } from '../auth/middleware.ts'
import { language } from '../errors/middleware.ts'
import type { AppContext } from '../http/context.ts'
import { pathId, queryMatching } from '../http/params.ts'
import { etag } from '../parcels/feature.ts'
import { answerObjection, parcelObjections, recordObjection } from './objections.ts'
import {
  confirmTransition, listTransitions, parcelWorkflow, proposeTransition, readTransition, rejectTransition,
  TRANSITION_STATES, withdrawTransition,
} from './transitions.ts'

export function workflowRoutes(ctx: AppContext): Router {
  const router = Router()
  const { db } = ctx

  router.get('/api/parcels/:id/transitions', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    res.json(await parcelWorkflow(db, user, pathId(req, 'id', 'parcel'), language(req)))
  })

  router.post('/api/parcels/:id/transitions', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    const transition = await proposeTransition(db, user, pathId(req, 'id', 'parcel'), req.body)
    res.status(201).setHeader('Location', `/api/transitions/${transition.id}`).json(transition)
  })

  // The open steps an approver has to decide on, or any state, by town and village.
  router.get('/api/transitions', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const states = TRANSITION_STATES.join('|')
    res.json(await listTransitions(db, user, {
      state: queryMatching(req, 'state', new RegExp(`^(${states})$`), `one of ${TRANSITION_STATES.join(', ')}`) ?? 'proposed',
      town: queryMatching(req, 'town', /^\d{9}$/, 'a 9-digit town code'),
      village: queryMatching(req, 'village', /^\d{12}$/, 'a 12-digit village code'),
      limit: Number(queryMatching(req, 'limit', /^([1-9]\d{0,3}|10000)$/, 'from 1 to 10000') ?? 1000),
    }))
  })

  router.get('/api/transitions/:id', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    res.json(await readTransition(db, user, pathId(req, 'id', 'workflow step')))
  })

  router.post('/api/transitions/:id/confirm', async (req, res) => {
    const user = requireAction(req, 'workflow.confirm')
    const { transition, version } = await confirmTransition(db, user, pathId(req, 'id', 'workflow step'), req.headers['if-match'], req.body)
    res.setHeader('ETag', etag(version)).json(transition)
  })

  router.post('/api/transitions/:id/reject', async (req, res) => {
    const user = requireAction(req, 'workflow.confirm')
    res.json(await rejectTransition(db, user, pathId(req, 'id', 'workflow step'), req.body))
  })

  router.post('/api/transitions/:id/withdraw', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    res.json(await withdrawTransition(db, user, pathId(req, 'id', 'workflow step'), req.body))
  })

  router.get('/api/parcels/:id/objections', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    res.json(await parcelObjections(db, user, pathId(req, 'id', 'parcel')))
  })

  router.post('/api/parcels/:id/objections', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    res.status(201).json(await recordObjection(db, user, pathId(req, 'id', 'parcel'), req.body))
  })

  router.post('/api/objections/:id/answer', async (req, res) => {
    const user = requireAction(req, 'parcel.write')
    res.json(await answerObjection(db, user, pathId(req, 'id', 'objection'), req.body))
  })

  return router
}

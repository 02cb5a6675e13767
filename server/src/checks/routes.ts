import { Router, type Request } from 'express'
import { requireAction } from '../auth/middleware.ts'
import { townScope } from '../auth/roles.ts'
import { AppError } from '../errors/app-error.ts'
import { language } from '../errors/middleware.ts'
import type { AppContext } from '../http/context.ts'
import { log } from '../log.ts'
import { readParcel } from '../parcels/store.ts'
import { CHECK_KINDS, FINDING_CODES, SEVERITIES } from './kinds.ts'
import { loadDefaults, saveDefaults } from './params.ts'
import { parsePreviewRequest, previewChecks } from './preview.ts'
import { listRuns, parcelFindings, readRun, runFindings, runJson, runSummary, townCounts, type FindingFilter } from './read.ts'
import { parseRunRequest } from './request.ts'
import { createRule, deleteRule, listRules, updateRule } from './rules.ts'
import { BATCH_SIZE, createRun, executeRun, startInBackground } from './run.ts'

const MAX_LIMIT = 10_000

function query(req: Request, name: string, allowed?: readonly string[]): string | null {
  const value = req.query[name]
  if (value === undefined) return null
  if (typeof value !== 'string' || (allowed && !allowed.includes(value))) {
    const reason = allowed ? `one of ${allowed.join(', ')}` : 'give it once'
    throw new AppError('invalid_parameter', { field: name, value: JSON.stringify(value), reason })
  }
  return value
}

function integer(req: Request, name: string, fallback: number, max: number): number {
  const value = query(req, name)
  if (value === null) return fallback
  if (!/^\d{1,9}$/.test(value) || Number(value) > max) {
    throw new AppError('invalid_parameter', { field: name, value, reason: `an integer from 0 to ${max}` })
  }
  return Number(value)
}

function pathId(req: Request, name: string, what: string): number {
  const raw = String(req.params[name])
  if (!/^\d{1,9}$/.test(raw)) throw new AppError('invalid_parameter', { field: name, value: raw, reason: `a ${what} id is a positive integer` })
  return Number(raw)
}

export function checkRoutes(ctx: AppContext): Router {
  const router = Router()
  const { db } = ctx

  // Rules and settings come first: their paths would otherwise match /api/checks/:run_id.
  router.get('/api/checks/rules', async (req, res) => {
    requireAction(req, 'parcel.read')
    res.json(await listRules(db))
  })

  router.post('/api/checks/rules', async (req, res) => {
    const user = requireAction(req, 'check.manage')
    res.status(201).json(await createRule(db, user, req.body))
  })

  router.patch('/api/checks/rules/:id', async (req, res) => {
    const user = requireAction(req, 'check.manage')
    res.json(await updateRule(db, user, pathId(req, 'id', 'rule'), req.body))
  })

  router.delete('/api/checks/rules/:id', async (req, res) => {
    requireAction(req, 'check.manage')
    await deleteRule(db, pathId(req, 'id', 'rule'))
    res.status(204).end()
  })

  router.get('/api/checks/settings', async (req, res) => {
    requireAction(req, 'parcel.read')
    res.json(await loadDefaults(db))
  })

  router.patch('/api/checks/settings', async (req, res) => {
    const user = requireAction(req, 'check.manage')
    res.json(await saveDefaults(db, user, req.body))
  })

  // A candidate outline checked without saving it, for the warning while drawing.
  router.post('/api/checks/preview', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    res.json(await previewChecks(db, user, parsePreviewRequest(req.body), language(req)))
  })

  /**
   * Starts a run. Listed parcels and single villages are checked before the
   * answer, which then says done; a town or the district goes on in the
   * background and the answer says queued.
   */
  router.post('/api/checks', async (req, res) => {
    const user = requireAction(req, 'check.run')
    const request = await parseRunRequest(db, user, req.body)
    const runId = await createRun(db, request)
    const small = request.scope.type === 'parcels' ? request.scope.ids.length <= BATCH_SIZE : request.scope.type === 'village'
    if (small) await executeRun(db, runId, { small: true })
    // Read before a worker can take it, so a background run answers queued.
    const run = await readRun(db, user, runId)
    if (!small) await startInBackground(db, runId)
    log.info('check run started', { run: runId, user: user.username, scope: request.scope.type, kinds: request.kinds.join(','), background: !small })
    const json = runJson(run)
    res.status(201).setHeader('Location', `/api/checks/${runId}`)
    res.json({ run_id: runId, status: run.status, summary: { ...json.summary, progress: json.progress }, run: json })
  })

  router.get('/api/checks', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    res.json(await listRuns(db, user, integer(req, 'limit', 50, 1000)))
  })

  router.get('/api/checks/:run_id', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const run = await readRun(db, user, pathId(req, 'run_id', 'run'))
    const own = townScope(user)
    const filter: FindingFilter = {
      town: own ?? query(req, 'town'),
      village: query(req, 'village'),
      kind: query(req, 'kind', CHECK_KINDS),
      severity: query(req, 'severity', SEVERITIES),
      code: query(req, 'code', Object.keys(FINDING_CODES)),
      parcelId: req.query.parcel_id === undefined ? null : integer(req, 'parcel_id', 0, 999_999_999),
      geometry: query(req, 'geometry', ['0', '1', 'true', 'false']) !== '0' && req.query.geometry !== 'false',
      limit: integer(req, 'limit', 1000, MAX_LIMIT),
      offset: integer(req, 'offset', 0, 100_000_000),
    }
    const counts = own === null ? run.counts : await townCounts(db, run.id, own)
    res.json({ ...runJson(run, counts), ...(await runFindings(db, run.id, filter, language(req))) })
  })

  router.get('/api/checks/:run_id/summary', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const run = await readRun(db, user, pathId(req, 'run_id', 'run'))
    const by = query(req, 'by', ['town', 'village']) ?? 'village'
    const town = townScope(user) ?? query(req, 'town')
    res.json({ run_id: run.id, status: run.status, by, rows: await runSummary(db, run.id, town, by === 'village') })
  })

  router.get('/api/parcels/:id/findings', async (req, res) => {
    const user = requireAction(req, 'parcel.read')
    const parcel = await readParcel(db, user, pathId(req, 'id', 'parcel'))
    res.json(await parcelFindings(db, parcel.id, language(req)))
  })

  return router
}

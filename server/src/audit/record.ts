import { AsyncLocalStorage } from 'node:async_hooks'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { Db, Queryable } from '../db/db.ts'
import { log } from '../log.ts'

/**
 * The audit log of write requests. Every POST, PUT, PATCH and DELETE under
 * /api and /ogc gets one row:
 *
 * - inside the request's first committed transaction (the before-commit hook
 *   of server/src/db/db.ts), so a committed write never lacks its row, even
 *   when the process dies before answering (outcome `committed`);
 * - completed, or written when no transaction was needed, before the answer
 *   leaves: `res.end` waits for it, so a client that got an answer knows the
 *   request is in the log.
 *
 * Refused requests are recorded too (403, 412, 422 …), with their error code.
 * Only the path is kept: never a body, query string, header or cookie, so no
 * password, token or session id is ever written. Sign-ins are recorded by the
 * sign-in route itself (recordSignIn), with the reason of a refusal.
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const AUDITED_PREFIXES = ['/api/', '/ogc/']

export type Outcome = 'ok' | 'refused' | 'failed' | 'aborted' | 'committed'

interface Pending {
  req: Request
  started: number
  /** the row written inside a transaction, completed at the end */
  rowId: number | null
  /** set once a transaction took on writing the row */
  claimed: boolean
  /** what the answer said: the id of something created, the error code */
  createdId: string | null
  errorCode: string | null
  done: Promise<void> | null
}

const current = new AsyncLocalStorage<Pending>()
const PENDING = Symbol('audit')
type AuditedRequest = Request & { [PENDING]?: Pending }

/** Whether a request is a write the log records. The sign-in records itself. */
function audited(req: Request): boolean {
  if (SAFE_METHODS.has(req.method)) return false
  if (req.method === 'POST' && req.path === '/api/session') return false
  return AUDITED_PREFIXES.some((prefix) => req.path.startsWith(prefix))
}

/**
 * First of the two audit middlewares, mounted before body parsing so that
 * refusals of malformed bodies are recorded too: makes `res.end` wait until
 * the request's row is written.
 */
export function auditAnswers(db: Db): RequestHandler {
  return (req, res, next) => {
    if (!audited(req)) return next()
    const pending: Pending = {
      req, started: Date.now(), rowId: null, claimed: false, createdId: null, errorCode: null, done: null,
    }
    ;(req as AuditedRequest)[PENDING] = pending
    watchJson(res, pending)

    const end = res.end.bind(res) as (...args: unknown[]) => Response
    res.end = ((...args: unknown[]) => {
      finish(db, pending, res, outcomeOf(res.statusCode))
        .finally(() => end(...args))
      return res
    }) as Response['end']
    // A client that went away before any answer was started.
    res.once('close', () => {
      if (!res.writableEnded) void finish(db, pending, res, 'aborted')
    })
    next()
  }
}

/**
 * Second audit middleware, mounted after authentication, just before the
 * routes: runs the rest of the request in the context the before-commit hook
 * reads. (Body parsing and authentication continue from stream events, which
 * would lose a context entered earlier.)
 */
export function auditContext(req: Request, _res: Response, next: NextFunction): void {
  const pending = (req as AuditedRequest)[PENDING]
  if (!pending) return next()
  current.run(pending, next)
}

/** The before-commit hook: the first transaction of an audited request writes its row. */
export async function recordInTransaction(tx: Queryable): Promise<void> {
  const pending = current.getStore()
  if (!pending || pending.claimed) return
  pending.claimed = true
  const { rows } = await tx.query<{ id: number }>(INSERT, values(pending, null, 'committed'))
  pending.rowId = rows[0]!.id
}

function outcomeOf(status: number): Outcome {
  return status < 400 ? 'ok' : status < 500 ? 'refused' : 'failed'
}

/** Completes the row written by a transaction, or writes it now. Runs once per request. */
function finish(db: Db, pending: Pending, res: Response, outcome: Outcome): Promise<void> {
  pending.done ??= (async () => {
    const status = outcome === 'aborted' ? null : res.statusCode
    try {
      const updated = pending.rowId === null
        ? 0
        : (await db.query(
            `UPDATE audit_log SET status = $2, outcome = $3, code = $4, target = coalesce(target, $5), duration_ms = $6
             WHERE id = $1`,
            [pending.rowId, status, outcome, pending.errorCode, targetOf(pending), Date.now() - pending.started],
          )).rowCount
      // No transaction wrote a row, or the one that did was rolled back.
      if (updated === 0) await db.query(INSERT, values(pending, status, outcome))
    } catch (error) {
      log.error('audit record failed', { method: pending.req.method, path: pending.req.path, error })
    }
  })()
  return pending.done
}

const INSERT = `INSERT INTO audit_log (user_id, username, via, ip, kind, action, method, path, target, status, outcome, code, duration_ms)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`

function values(pending: Pending, status: number | null, outcome: Outcome): unknown[] {
  const { req } = pending
  return [
    req.user?.id ?? null, req.user?.username ?? null, req.authVia ?? null, req.ip ?? null,
    kindOf(req.path), actionOf(req), req.method, req.path.slice(0, 500), targetOf(pending), status, outcome,
    pending.errorCode, Date.now() - pending.started,
  ]
}

/** Notes the id of what a request created and the code of an error answer. */
function watchJson(res: Response, pending: Pending): void {
  const json = res.json.bind(res)
  res.json = ((body: unknown) => {
    const answer = (body ?? {}) as Record<string, any>
    if (typeof answer.error?.code === 'string') pending.errorCode = answer.error.code
    const id = answer.id ?? answer.properties?.id ?? answer.import_id ?? answer.run_id
    if (res.statusCode === 201 && (typeof id === 'number' || typeof id === 'string')) pending.createdId = String(id)
    return json(body)
  }) as Response['json']
}

/** parcels, imports, checks, users, tokens, session … or ogc. */
export function kindOf(path: string): string {
  const parts = path.split('/').filter(Boolean)
  return (parts[0] === 'api' ? parts[1] : parts[0]) ?? 'unknown'
}

/** The method and route pattern, e.g. "PATCH /api/parcels/:id". */
function actionOf(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path
  const pattern = typeof route === 'string' && !route.includes('*') ? route : req.path.replace(/\/[^/]*\d[^/]*(?=\/|$)/g, '/:id')
  return `${req.method} ${pattern}`
}

const singular = (name: string) => (name.endsWith('s') ? name.slice(0, -1) : name)

/**
 * What a request acted on: the first path segment followed by an id-like one
 * (`/api/parcels/153/history/2/restore` → parcel:153, `/ogc/collections/
 * parcels/items/9` → parcel:9), or what a 201 answer created.
 */
export function targetOf(pending: Pick<Pending, 'req' | 'createdId'>): string | null {
  const parts = pending.req.path.split('/').filter(Boolean).slice(1)
  const items = parts.indexOf('items')
  if (pending.req.path.startsWith('/ogc/') && items > 0) {
    const id = parts[items + 1] ?? pending.createdId
    return id ? `${singular(parts[items - 1]!)}:${id}`.slice(0, 200) : null
  }
  for (let i = 0; i + 1 < parts.length; i++) {
    if (/\d/.test(parts[i + 1]!)) return `${singular(parts[i]!)}:${parts[i + 1]}`.slice(0, 200)
  }
  return pending.createdId && parts[0] ? `${singular(parts[parts.length - 1]!)}:${pending.createdId}` : null
}

export type SignInRefusal = 'malformed' | 'rate_limited' | 'unknown_user' | 'wrong_password'

/** A sign-in attempt: the name tried, the address, and why it was refused. */
export async function recordSignIn(
  db: Queryable,
  attempt: { username: string | null; userId: number | null; ip: string; refusal: SignInRefusal | null; status: number },
): Promise<void> {
  await db.query(INSERT, [
    attempt.userId, attempt.username?.slice(0, 200) ?? null, null, attempt.ip, 'session', 'sign_in', 'POST',
    '/api/session', attempt.userId === null ? null : `user:${attempt.userId}`, attempt.status,
    attempt.refusal ? 'refused' : 'ok', attempt.refusal, null,
  ])
}

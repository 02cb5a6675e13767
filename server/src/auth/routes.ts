import { Router, type Request, type Response } from 'express'
import { recordSignIn, type SignInRefusal } from '../audit/record.ts'
import { AppError } from '../errors/app-error.ts'
import type { AppContext } from '../http/context.ts'
import { log } from '../log.ts'
import { createSession, endSession, newToken, tokenHash, toUser } from './credentials.ts'
import { readCookie, requireAction, SESSION_COOKIE } from './middleware.ts'
import { DUMMY_HASH, verifyPassword } from './password.ts'
import { loginRetryAfter, recordLoginAttempt } from './rate-limit.ts'
import { createUser, parseNewUser, publicUser } from './users.ts'

export function authRoutes(ctx: AppContext): Router {
  const router = Router()
  const { db } = ctx

  router.post('/api/session', async (req, res) => {
    const { username, password } = (req.body ?? {}) as Record<string, unknown>
    const ip = req.ip ?? 'unknown'
    const tried = typeof username === 'string' ? username : null
    // Every attempt is audited, refused ones with their reason; the answer to
    // the client stays the same for an unknown name and a wrong password.
    const refuse = async (refusal: SignInRefusal, error: AppError, userId: number | null = null): Promise<never> => {
      await recordSignIn(db, { username: tried, userId, ip, refusal, status: error.status })
      throw error
    }
    if (typeof username !== 'string' || typeof password !== 'string') return refuse('malformed', new AppError('invalid_credentials'))

    const wait = await loginRetryAfter(db, username, ip)
    if (wait > 0) {
      return refuse('rate_limited', new AppError('too_many_attempts', { retry_after: wait }, null, { 'Retry-After': String(wait) }))
    }
    const { rows } = await db.query<Parameters<typeof toUser>[0] & { password_hash: string }>(
      `SELECT id, username, display_name, role, town, password_hash
       FROM users WHERE username = $1 AND disabled_at IS NULL`,
      [username],
    )
    const row = rows[0]
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH)
    await recordLoginAttempt(db, username, ip, ok && row !== undefined)
    if (!ok || !row) {
      log.info('sign-in refused', { username, ip })
      return refuse(row ? 'wrong_password' : 'unknown_user', new AppError('invalid_credentials'), row?.id ?? null)
    }

    const token = await db.transaction(async (tx) => {
      const created = await createSession(tx, row.id, ctx.config.sessionHours)
      await recordSignIn(tx, { username: tried, userId: row.id, ip, refusal: null, status: 201 })
      return created
    })
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/',
      maxAge: ctx.config.sessionHours * 3600 * 1000,
    })
    res.status(201).json({ user: publicUser(toUser(row)) })
  })

  // Who is signed in: a page asks this before it knows, so "nobody" is an
  // answer (user null), not an error.
  router.get('/api/session', (req, res) => {
    res.json(req.user ? { user: publicUser(req.user), via: req.authVia } : { user: null })
  })

  router.delete('/api/session', async (req: Request, res: Response) => {
    const token = readCookie(req, SESSION_COOKIE)
    if (token) await endSession(db, token)
    res.clearCookie(SESSION_COOKIE, { path: '/' })
    res.status(204).end()
  })

  router.post('/api/tokens', async (req, res) => {
    const user = requireAction(req, 'token.manage')
    const { name, expires_in_days: days } = (req.body ?? {}) as Record<string, unknown>
    if (typeof name !== 'string' || name.length < 1 || name.length > 100) {
      throw new AppError('invalid_parameter', { field: 'name', value: String(name), reason: '1–100 characters' })
    }
    if (days !== undefined && (!Number.isInteger(days) || (days as number) < 1 || (days as number) > 3650)) {
      throw new AppError('invalid_parameter', { field: 'expires_in_days', value: String(days), reason: '1–3650' })
    }
    const token = newToken('jy_')
    const { rows } = await db.query<{ id: number; expires_at: Date | null }>(
      `INSERT INTO api_tokens (token_hash, user_id, name, expires_at)
       VALUES ($1, $2, $3, CASE WHEN $4::int IS NULL THEN NULL ELSE now() + make_interval(days => $4::int) END)
       RETURNING id, expires_at`,
      [tokenHash(token), user.id, name, days ?? null],
    )
    res.status(201).json({ id: rows[0]!.id, name, token, expires_at: rows[0]!.expires_at })
  })

  router.get('/api/tokens', async (req, res) => {
    const user = requireAction(req, 'token.manage')
    const { rows } = await db.query(
      `SELECT id, name, created_at, expires_at, revoked_at, last_used_at
       FROM api_tokens WHERE user_id = $1 ORDER BY id`,
      [user.id],
    )
    res.json(rows)
  })

  router.delete('/api/tokens/:id', async (req, res) => {
    const user = requireAction(req, 'token.manage')
    const { rowCount } = await db.query(
      'UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL',
      [Number(req.params.id) || 0, user.id],
    )
    if (rowCount === 0) throw new AppError('not_found', { what: `token ${req.params.id}` })
    res.status(204).end()
  })

  router.post('/api/users', async (req, res) => {
    requireAction(req, 'user.manage')
    const user = await createUser(db, parseNewUser(req.body))
    log.info('user created', { username: user.username, role: user.role, town: user.town })
    res.status(201).json(publicUser(user))
  })

  router.get('/api/users', async (req, res) => {
    requireAction(req, 'user.manage')
    const { rows } = await db.query(
      `SELECT id, username, display_name, role, town, created_at, disabled_at FROM users ORDER BY id`,
    )
    res.json(rows)
  })

  return router
}

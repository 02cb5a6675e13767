import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { AppError } from '../errors/app-error.ts'
import type { Db } from '../db/db.ts'
import { userFromApiToken, userFromSession } from './credentials.ts'
import { can, type Action, type User } from './roles.ts'

export const SESSION_COOKIE = 'jiyuan_session'

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return decodeURIComponent(value.join('='))
  }
  return undefined
}

/**
 * Identifies the caller from a bearer token or the session cookie. A bearer
 * token that does not match is an error; no credentials leave req.user unset.
 */
export function authenticate(db: Db): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header)
      const user = match?.[1] ? await userFromApiToken(db, match[1]) : null
      if (!user) throw new AppError('invalid_token')
      req.user = user
      req.authVia = 'token'
      return next()
    }
    const token = readCookie(req, SESSION_COOKIE)
    const user = token ? await userFromSession(db, token) : null
    if (user) {
      req.user = user
      req.authVia = 'session'
    }
    next()
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Cross-site request forgery guard for cookie sessions: a state-changing
 * request carried by the cookie must come from this origin. Browsers send
 * Origin on every cross-site POST, PUT, PATCH and DELETE; bearer tokens are
 * never sent by a browser on its own, so they need no guard.
 */
export function sameOrigin(req: Request, _res: Response, next: NextFunction): void {
  if (!UNSAFE.has(req.method) || req.authVia !== 'session') return next()
  const origin = req.headers.origin
  const site = req.headers['sec-fetch-site']
  if (origin !== undefined && origin !== `${req.protocol}://${req.get('host')}`) {
    throw new AppError('csrf_rejected', { origin })
  }
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new AppError('csrf_rejected', { origin: origin ?? site })
  }
  next()
}

export function requireUser(req: Request): User {
  if (!req.user) throw new AppError('unauthenticated')
  return req.user
}

/** The signed-in user, who must be allowed `action`. */
export function requireAction(req: Request, action: Action): User {
  const user = requireUser(req)
  if (!can(user, action)) throw new AppError('forbidden', { role: user.role, action })
  return user
}

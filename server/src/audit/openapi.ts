// The OpenAPI entry of the audit log.
import { AUDIT_OUTCOMES } from './read.ts'

const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const query = (name: string, schema: object, description: string) => ({ name, in: 'query', schema, description })

const entry = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    at: { type: 'string', format: 'date-time' },
    user: { type: 'string', nullable: true, description: 'who was signed in; for a sign-in attempt, the name tried' },
    user_id: { type: 'integer', nullable: true },
    via: { type: 'string', nullable: true, enum: ['session', 'token'] },
    ip: { type: 'string', nullable: true },
    kind: { type: 'string', description: 'parcels, imports, checks, users, tokens, session, ogc …' },
    action: { type: 'string', description: 'sign_in, or the method and route, e.g. "PATCH /api/parcels/:id"' },
    method: { type: 'string' },
    path: { type: 'string', description: 'the request path, without its query string' },
    target: { type: 'string', nullable: true, description: 'what was acted on, e.g. parcel:153' },
    status: { type: 'integer', nullable: true, description: 'HTTP status; null when the process stopped before answering' },
    outcome: { type: 'string', enum: AUDIT_OUTCOMES, description: 'committed: the write was committed but the answer never went out' },
    code: { type: 'string', nullable: true, description: 'the error code of a refusal; for a sign-in: malformed, rate_limited, unknown_user, wrong_password' },
    duration_ms: { type: 'integer', nullable: true },
  },
}

export function auditPaths(standardErrors: object) {
  return {
    '/api/audit': {
      get: {
        summary: 'The audit log (admin): every write request and every sign-in attempt, newest first',
        description: 'Bodies, query strings, headers and cookies are never recorded, so no password, token or session id is.',
        parameters: [
          query('user', { type: 'string' }, 'username (signed in, or tried at sign-in)'),
          query('kind', { type: 'string' }, 'parcels, imports, checks, users, tokens, session, ogc …'),
          query('action', { type: 'string' }, 'the start of the action, e.g. sign_in or "PATCH /api/parcels"'),
          query('target', { type: 'string' }, 'e.g. parcel:153'),
          query('outcome', { type: 'string', enum: AUDIT_OUTCOMES }, 'how it ended'),
          query('from', { type: 'string' }, 'ISO date or date-time; a date is from 00:00 China Standard Time'),
          query('to', { type: 'string' }, 'ISO date or date-time, exclusive; a date takes the whole day (CST)'),
          query('limit', { type: 'integer', minimum: 0, maximum: 1000, default: 100 }, 'entries per page'),
          query('offset', { type: 'integer', minimum: 0, default: 0 }, 'entries to skip'),
        ],
        responses: {
          '200': {
            description: 'a page of entries and the total matched',
            ...json({ type: 'object', properties: { entries: { type: 'array', items: entry }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } } }),
          },
          ...standardErrors,
        },
      },
    },
  }
}

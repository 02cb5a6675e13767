import type { Queryable } from '../db/db.ts'

// Failed sign-ins allowed within the window, per username and per client
// address. Counted in the database, so every server process shares them.
export const LOGIN_WINDOW_MINUTES = 15
export const MAX_FAILURES_PER_USERNAME = 5
export const MAX_FAILURES_PER_IP = 30

/**
 * Seconds to wait before another attempt, or 0 when one is allowed. Failures
 * before the username's last successful sign-in do not count against it.
 */
export async function loginRetryAfter(db: Queryable, username: string, ip: string): Promise<number> {
  const { rows } = await db.query<{ by_user: number; by_ip: number; wait: number }>(
    `WITH recent AS (
       SELECT username, ip, ok, at FROM login_attempts
       WHERE at > now() - make_interval(mins => $3) AND (username = $1 OR ip = $2)
     ),
     last_ok AS (
       SELECT max(at) AS at FROM recent WHERE username = $1 AND ok
     ),
     failures AS (
       SELECT r.* FROM recent r, last_ok
       WHERE NOT r.ok AND (r.username <> $1 OR last_ok.at IS NULL OR r.at > last_ok.at)
     )
     SELECT count(*) FILTER (WHERE username = $1)::int AS by_user,
            count(*) FILTER (WHERE ip = $2)::int AS by_ip,
            coalesce(ceil(extract(epoch FROM
              min(at) + make_interval(mins => $3) - now())), 0)::int AS wait
     FROM failures`,
    [username, ip, LOGIN_WINDOW_MINUTES],
  )
  const row = rows[0]
  if (!row) return 0
  const blocked = row.by_user >= MAX_FAILURES_PER_USERNAME || row.by_ip >= MAX_FAILURES_PER_IP
  return blocked ? Math.max(1, row.wait) : 0
}

export async function recordLoginAttempt(db: Queryable, username: string, ip: string, ok: boolean): Promise<void> {
  await db.query('INSERT INTO login_attempts (username, ip, ok) VALUES ($1, $2, $3)', [username, ip, ok])
}

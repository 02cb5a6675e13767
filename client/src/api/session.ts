import { ApiError, request } from './http.ts'

export interface SessionUser {
  username: string
  role: string
  /** The town code of a town editor; null for the district-wide roles. */
  town: string | null
}

interface SessionBody {
  user: SessionUser | null
}

/** The signed-in user, or null when there is no session. */
export async function getSession(): Promise<SessionUser | null> {
  const body = await request<SessionBody>('/api/session')
  return body.user
}

export async function signIn(username: string, password: string): Promise<SessionUser> {
  const body = await request<Partial<SessionBody> | undefined>('/api/session', {
    method: 'POST',
    body: { username, password },
  })
  if (body?.user) return body.user

  // The sign-in answer need not carry the user; the session does.
  const user = await getSession()
  if (!user) throw new ApiError(401, 'unauthenticated', 'session not established')
  return user
}

export async function signOut(): Promise<void> {
  await request<unknown>('/api/session', { method: 'DELETE' })
}

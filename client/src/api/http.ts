import { getLanguage, t } from '../i18n/index.ts'

/** A failed API call: the server's `{ error: { code, message } }`, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  body?: unknown
  signal?: AbortSignal
  /** e.g. If-Match with a parcel's ETag */
  headers?: Record<string, string>
}

/** A JSON answer with the ETag it came with (a parcel's version in quotes). */
export interface Tagged<T> {
  body: T
  etag: string | null
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown }
}

export async function toApiError(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as ErrorBody | null
  const error = body?.error
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') {
    return new ApiError(
      response.status,
      'unexpected',
      t('error.unexpected', { status: response.status }),
    )
  }
  return new ApiError(response.status, error.code, error.message, error.details)
}

/**
 * Calls the API with the session cookie and the interface language, so that
 * error messages come back in the language the user reads.
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await requestTagged<T>(path, options)).body
}

/** As request(), keeping the answer's ETag for a later If-Match. */
export async function requestTagged<T>(path: string, options: RequestOptions = {}): Promise<Tagged<T>> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': getLanguage(),
    ...options.headers,
  }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json'

  let response: Response
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    })
  } catch (error) {
    if (options.signal?.aborted) throw error
    throw new ApiError(0, 'network', t('error.network'))
  }

  if (!response.ok) throw await toApiError(response)
  const etag = response.headers.get('ETag')
  if (response.status === 204) return { body: undefined as T, etag }
  return { body: (await response.json()) as T, etag }
}

/**
 * A typed JSON call to Parley's own HTTP API (same origin, session cookie) for the archive,
 * reports and admin console; failures become AdminApiError with the server's field issues.
 */
import type { ErrorBody } from '../protocol/events.js'

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** A failed admin call; `status` is 0 when the server could not be reached. */
export class AdminApiError extends Error {
  override name = 'AdminApiError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: NonNullable<ErrorBody['issues']> = [],
  ) {
    super(message)
  }
}


export async function apiRequest<T>(method: Method, path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      // NOTE: non-GET calls always declare JSON, even without a body (the server's CSRF defence)
      headers: method === 'GET' ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new AdminApiError(0, 'network', 'Cannot reach the Parley server. Check your connection and try again.')
  }
  if (response.status === 204) return undefined as T
  let parsed: unknown
  try {
    parsed = await response.json()
  } catch {
    // not JSON (a proxy error page): handled below
  }
  if (!response.ok) {
    const error = (parsed as { error?: Partial<ErrorBody> } | undefined)?.error
    const fallback = response.status === 401 ? 'Your session has ended; log in again.' : `The server answered ${response.status} ${response.statusText}`.trim()
    throw new AdminApiError(response.status, error?.code ?? 'internal', error?.message ?? fallback, error?.issues ?? [])
  }
  return parsed as T
}

/** Query string from defined, non-empty values. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
  const text = search.toString()
  return text ? `?${text}` : ''
}

/** The message of any error, for a form or a banner. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Fetch helpers for the console's HTTP API (same origin, session cookie). Every failure
 * becomes an ApiError carrying the server's `{ error: { code, message, issues? } }`.
 */
import type { ErrorBody, ErrorCode } from '../protocol/events.js'
import type { AgentView } from '../protocol/views.js'

/** An origin allowed to embed the widget. */
export interface EmbedOrigin {
  id: string
  origin: string
  createdAt: string
}

/** A site that tried to embed the widget without being allowed. */
export interface RefusedOrigin {
  origin: string
  count: number
  lastPageUrl: string | null
  firstSeenAt: string
  lastSeenAt: string
}

/** What `GET /api/admin/embed` answers. */
export interface EmbedSettings {
  snippet: string
  origins: EmbedOrigin[]
  refused: RefusedOrigin[]
}

export interface LoginInput {
  tenant: string
  email: string
  password: string
}

/** A failed API call; `status` is 0 when the server could not be reached. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network',
    message: string,
    readonly issues: ErrorBody['issues'] = [],
  ) {
    super(message)
  }
}

async function request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      // NOTE: non-GET calls always declare JSON, even without a body: a cross-site form
      // cannot send that content type, which is part of the server's CSRF defence.
      headers: method === 'GET' ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the Parley server. Check your connection and try again.')
  }
  if (response.status === 204) return undefined as T
  let parsed: unknown = undefined
  try {
    parsed = await response.json()
  } catch {
    // not JSON (a proxy error page, an empty body): handled below
  }
  if (!response.ok) {
    const error = (parsed as { error?: Partial<ErrorBody> } | undefined)?.error
    throw new ApiError(response.status, error?.code ?? (response.status === 401 ? 'unauthorized' : 'internal'), error?.message ?? `The server answered ${response.status} ${response.statusText}`.trim(), error?.issues)
  }
  return parsed as T
}

/** The agent behind the session cookie, or null when not logged in. */
export async function fetchMe(): Promise<AgentView | null> {
  try {
    return (await request<{ agent: AgentView }>('GET', '/api/auth/me')).agent
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null
    throw error
  }
}

/** Log in; the server sets the HttpOnly session cookie. */
export async function login(input: LoginInput): Promise<AgentView> {
  return (await request<{ agent: AgentView }>('POST', '/api/auth/login', input)).agent
}

/** End the session (the server also closes this session's sockets). */
export async function logout(): Promise<void> {
  await request<void>('POST', '/api/auth/logout')
}

/** The embed snippet, allowed origins and refused attempts (admins only). */
export function fetchEmbed(): Promise<EmbedSettings> {
  return request<EmbedSettings>('GET', '/api/admin/embed')
}

/** Allow one more origin to embed the widget (admins only). */
export async function addOrigin(origin: string): Promise<EmbedOrigin> {
  return (await request<{ origin: EmbedOrigin }>('POST', '/api/admin/origins', { origin })).origin
}

/** Stop allowing an origin (admins only). */
export async function removeOrigin(id: string): Promise<void> {
  await request<void>('DELETE', `/api/admin/origins/${encodeURIComponent(id)}`)
}

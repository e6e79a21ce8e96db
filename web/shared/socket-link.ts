/**
 * The few socket operations the web clients need, over a socket.io-client socket. Kept as
 * an interface so the sync logic is testable against any socket (and the bench reuses it).
 */
import type { AckResult, ErrorBody } from '../protocol/events.js'

/** Structural view of a socket.io-client socket; `any` event names so typed sockets fit too. */
export interface SocketLike {
  readonly connected: boolean
  on(event: any, listener: (...args: any[]) => void): unknown
  off(event: any, listener?: (...args: any[]) => void): unknown
  emit(event: any, ...args: any[]): unknown
  timeout(ms: number): { emit(event: any, ...args: any[]): unknown }
}

/** Error codes that a retry cannot fix: the request itself is wrong or no longer allowed. */
const FINAL_ERRORS = new Set<ErrorBody['code']>(['bad_request', 'unauthorized', 'forbidden', 'not_found', 'invalid_state', 'payload_too_large', 'origin_refused'])

export function isFinalError(error: ErrorBody): boolean {
  return FINAL_ERRORS.has(error.code)
}

export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError'
}

export class SocketLink {
  constructor(
    readonly socket: SocketLike,
    private readonly ackTimeoutMs = 10_000,
  ) {}

  get connected(): boolean {
    return this.socket.connected
  }

  /** Emit with an ack; rejects with RequestTimeoutError when no ack arrives in time. */
  request<T>(event: string, payload: unknown): Promise<AckResult<T>> {
    return new Promise((resolve, reject) => {
      this.socket.timeout(this.ackTimeoutMs).emit(event, payload, (timeoutError: Error | null, result: AckResult<T>) => {
        if (timeoutError) reject(new RequestTimeoutError(`${event}: no answer from the server`))
        else resolve(result)
      })
    })
  }

  /** Like request(), but throws the server's error body on a failed ack. */
  async call<T>(event: string, payload: unknown): Promise<T> {
    const result = await this.request<T>(event, payload)
    if (!result.ok) throw Object.assign(new Error(result.error.message), { body: result.error })
    return result.data
  }

  notify(event: string, payload: unknown): void {
    if (this.socket.connected) this.socket.emit(event, payload)
  }
}

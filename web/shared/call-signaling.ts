/**
 * The socket operations a call needs, typed from the protocol's call events. Both the widget
 * and the agent console build one from their SocketLink; CallClient and MediaSession only see
 * this interface (no socket.io, no mediasoup-client here, so the chat chunks can import it).
 */
import type { ChannelEvent } from '../protocol/channel-event.js'
import type { Ack, AckResult, CallClientEvents, CallServerEvents } from '../protocol/events.js'
import type { SocketLink } from './socket-link.js'

type PayloadOf<F> = F extends (payload: infer P, ack: any) => void ? P : never
type AckDataOf<F> = F extends (payload: any, ack: Ack<infer T>) => void ? T : never

/** Payload of a call event sent to the server. */
export type CallPayload<E extends keyof CallClientEvents> = PayloadOf<CallClientEvents[E]>
/** What a call event's ack carries on success. */
export type CallAckData<E extends keyof CallClientEvents> = AckDataOf<CallClientEvents[E]>

/** Server events a call listens to: the media events, the channel log (call and media events) and reconnects. */
export type CallSignalEvents = CallServerEvents & {
  'channel:event': (event: ChannelEvent) => void
  connect: () => void
}

export interface CallSignaling {
  /** Emit with an ack; rejects only when no answer came (timeout, disconnected). */
  request<E extends keyof CallClientEvents>(event: E, payload: CallPayload<E>): Promise<AckResult<CallAckData<E>>>
  on<E extends keyof CallSignalEvents>(event: E, listener: CallSignalEvents[E]): void
  off<E extends keyof CallSignalEvents>(event: E, listener: CallSignalEvents[E]): void
}

/** A refused call request, carrying the server's error code. */
export class CallRequestError extends Error {
  override name = 'CallRequestError'
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
  }
}

/** Like `request()`, but resolves with the data and throws CallRequestError on a refusal. */
export async function callRequest<E extends keyof CallClientEvents>(signaling: CallSignaling, event: E, payload: CallPayload<E>): Promise<CallAckData<E>> {
  const result = await signaling.request(event, payload)
  if (!result.ok) throw new CallRequestError(result.error.message, result.error.code)
  return result.data
}

/** Call signaling over one of the web clients' socket links. */
export function linkSignaling(link: SocketLink): CallSignaling {
  return {
    request: (event, payload) => link.request(event, payload),
    on: (event, listener) => void link.socket.on(event, listener),
    off: (event, listener) => void link.socket.off(event, listener),
  }
}

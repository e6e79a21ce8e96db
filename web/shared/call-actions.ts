/**
 * Asking for, answering and cancelling a channel's call, with what the buttons need to show:
 * which action is in flight and why the last one failed. The call's state itself comes from
 * the channel log (see call-state.ts); these only send the requests. Light: no media code.
 */
import { callRequest, linkSignaling, type CallSignaling } from './call-signaling.js'
import type { SocketLink } from './socket-link.js'

/** An action in flight (closed union). */
export type CallAction = 'request' | 'accept' | 'decline' | 'cancel' | 'record'

export class CallActions {
  /** the action waiting for the server's answer, if any */
  busy: CallAction | null = null
  /** why the last action failed, in words */
  error: string | null = null
  readonly signaling: CallSignaling

  constructor(
    link: SocketLink,
    private readonly onChange: () => void,
  ) {
    this.signaling = linkSignaling(link)
  }

  /** Ask the other side for a voice (or video) call. */
  request(channelId: string, video: boolean): Promise<boolean> {
    return this.run('request', () => callRequest(this.signaling, 'call:request', { channelId, video }))
  }

  /** Answer a call the other side asked for. */
  answer(channelId: string, callId: string, accept: boolean): Promise<boolean> {
    return this.run(accept ? 'accept' : 'decline', () => callRequest(this.signaling, 'call:answer', { channelId, callId, accept }))
  }

  /** Stop ringing a call we asked for. */
  cancel(channelId: string, callId: string): Promise<boolean> {
    return this.run('cancel', () => callRequest(this.signaling, 'call:hangup', { channelId, callId }))
  }

  /** Agents: start or stop recording the call (everyone in it is told). */
  record(channelId: string, callId: string, recording: boolean): Promise<boolean> {
    return this.run('record', () => callRequest(this.signaling, 'call:record', { channelId, callId, recording }))
  }

  /** Forget the last error (e.g. when the call state moved on). */
  clearError(): void {
    if (this.error === null) return
    this.error = null
    this.onChange()
  }

  private async run(action: CallAction, send: () => Promise<unknown>): Promise<boolean> {
    if (this.busy) return false
    this.busy = action
    this.error = null
    this.onChange()
    try {
      await send()
      return true
    } catch (error) {
      this.error = error instanceof Error && error.name === 'CallRequestError' ? error.message : 'The server did not answer. Please try again.'
      return false
    } finally {
      this.busy = null
      this.onChange()
    }
  }
}

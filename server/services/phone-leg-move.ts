/**
 * A phone leg outlives its media server: when the call's room died with its mediasoup worker,
 * the call gets a new room on a live worker (the browsers re-join it by themselves), the phone
 * leg is bridged into it and the phone is re-INVITEd to the new port. The call is not on hold
 * afterwards. If no room comes within MOVE_TIMEOUT_MS the phone is hung up (failed).
 */
import type { Logger } from '../log.js'
import type { PhoneLeg } from './phone-leg.js'
import type { PhoneDeps } from './phone-service.js'

const MOVE_TIMEOUT_MS = 15_000
const RETRY_MS = 300

export async function moveToNextRoom(leg: PhoneLeg, deps: PhoneDeps, logHeld: (channelId: string, held: boolean) => Promise<void>, log: Logger): Promise<void> {
  const deadline = Date.now() + MOVE_TIMEOUT_MS
  while (leg.status === 'answered') {
    const call = deps.calls.liveCalls().find((live) => live.id === leg.callId)
    if (!call) return void (await leg.hangup('call_ended'))
    try {
      // NOTE: with one worker the replacement may still be starting: retried until the deadline
      const room = await deps.media.roomForCall(call)
      const media = await room.addPlainAudioLeg({ legId: leg.id })
      const held = leg.held
      leg.rebind(room, media)
      await leg.sipCall!.moveMedia({ rtp: leg.rtpEndpoint() })
      leg.held = false
      if (held && leg.channelId) await logHeld(leg.channelId, false)
      log.info({ phoneCallId: leg.id, callId: call.id }, 'the media server died: the phone leg moved to a new room')
      return
    } catch (error) {
      if (Date.now() > deadline) {
        log.error({ err: error, phoneCallId: leg.id }, 'the phone leg could not move to a new media room')
        return void (await leg.hangup('failed'))
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
    }
  }
}

/**
 * After a restart, phone calls the previous process had going are gone with it, but the
 * phones may still be connected: every PhoneCall row not ended is ended now, answered ones
 * with a BYE built from the dialog we persisted (no hanging dialogs at the provider), the
 * minutes up to now are metered (the trunk bills until the BYE), the channel hears
 * `phone.ended` (reason restart) and a caller still waiting in the queue leaves it.
 */
import type { DialogSnapshot, SipBridge } from '../../sip/sip-bridge.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { PhoneDeps } from './phone-service.js'

export async function recoverPhoneCalls(db: Database, bridge: SipBridge, deps: PhoneDeps, log: Logger, tenantId?: string): Promise<number> {
  const stale = await db.phoneCall.findMany({ where: { status: { not: 'ended' }, ...(tenantId ? { tenantId } : {}) } })
  const running = new Set(bridge.trunkIds())
  for (const row of stale) {
    const endedAt = new Date()
    if (row.dialog && running.has(row.trunkId)) {
      // in the background: a phone that is gone takes Timer F (32 s) to give up on, and boot must not wait
      const dialog = JSON.parse(row.dialog) as DialogSnapshot
      void bridge.byeDialog(row.trunkId, dialog).then(
        ({ sipStatus }) => db.phoneCall.update({ where: { id: row.id }, data: { sipStatus } }).catch(() => undefined),
        (error: unknown) => log.warn({ err: error, phoneCallId: row.id }, 'the BYE for a phone call left from before a restart went unanswered'),
      )
    }
    await db.phoneCall.update({ where: { id: row.id }, data: { status: 'ended', endReason: 'restart', endedAt, dialog: null } })
    const seconds = row.answeredAt ? (endedAt.getTime() - row.answeredAt.getTime()) / 1000 : 0
    if (seconds > 0) {
      await db.usageRecord.create({ data: { id: newId('us'), tenantId: row.tenantId, kind: 'pstn_seconds', quantity: Math.round(seconds * 1000) / 1000, channelId: row.channelId, callId: row.callId, participantId: row.id, source: 'phone' } })
    }
    if (row.channelId && deps.channels.isOpen(row.channelId)) {
      await deps.events.append({ channelId: row.channelId, type: 'phone.ended', author: { role: 'system' }, payload: { phoneCallId: row.id, reason: 'restart', seconds: Math.round(seconds) } }, endedAt)
      // an inbound caller has nothing left in the conversation
      if (row.purpose === 'inbound') {
        const caller = deps.channels.participantsOf(row.channelId).find((p) => p.role === 'visitor' && !p.leftAt)
        if (caller) await deps.channels.leave(row.channelId, caller.id, 'left')
      }
    }
    if (row.requestId && row.status === 'queued') {
      const request = await db.request.findUnique({ where: { id: row.requestId }, select: { visitorId: true, status: true } })
      if (request && (request.status === 'queued' || request.status === 'scheduled')) await deps.queue.cancel(request.visitorId, row.tenantId, row.requestId).catch(() => undefined)
    }
    log.warn({ phoneCallId: row.id, channelId: row.channelId }, 'ended a phone call left over from before a restart')
  }
  return stale.length
}

/**
 * An agent's co-browsing tab: the tenant's shop page, opened from the console with a lead
 * token. It reads, leads and follows its one channel, and can hand the baton on; nothing else
 * (no offers, no state changes, no other channels).
 */
import type { Socket } from 'socket.io'
import * as schema from '../../web/protocol/schemas.js'
import { ForbiddenError } from '../errors.js'
import type { Logger } from '../log.js'
import type { CompanionGrant } from '../services/channel-links.js'
import type { Member } from '../services/notifier.js'
import type { Services } from '../services/services.js'
import { binder, type Binder } from './handle.js'
import { bindLeadEvents, LEAD_EVENTS } from './lead-events.js'
import { rooms } from './rooms.js'
import { rejectUnknownEvents } from './unknown-events.js'
import { resumeFor } from './visitor-namespace.js'

export interface CompanionSocketData {
  companion: CompanionGrant
}

export async function setUpCompanionSocket(socket: Socket<any, any, any, any>, services: Services, log: Logger): Promise<void> {
  const { agent, channelId, tenantId } = (socket.data as CompanionSocketData).companion
  const member: Member = { kind: 'agent', agentId: agent.id }
  const on = onlyChannel(binder(socket, log), channelId)
  on.request('channel:resume', schema.channelResume, (input) => resumeFor(services, member, tenantId, input))
  on.notice('channel:ack', schema.channelAck, (input) => services.chat.ack(member, tenantId, input))
  bindLeadEvents(on, services, member, tenantId)
  rejectUnknownEvents(socket, ['channel:resume', 'channel:ack', ...LEAD_EVENTS])
  socket.join(rooms.channel(channelId))
  try {
    socket.emit('session', { channel: await services.channels.viewFor(channelId, member, tenantId), agent: { id: agent.id, displayName: agent.displayName } })
  } catch (error) {
    log.warn({ err: error }, 'could not send the co-browsing session')
    socket.disconnect(true)
  }
}

/** A binder that refuses any payload naming another channel than the tab's own. */
function onlyChannel(inner: Binder, channelId: string): Binder {
  const guard = <T>(payload: T): T => {
    if ((payload as { channelId?: string }).channelId !== channelId) throw new ForbiddenError('this co-browsing tab belongs to another conversation')
    return payload
  }
  return {
    request: (event, schema, handler) => inner.request(event, schema, (payload) => handler(guard(payload))),
    notice: (event, schema, handler) => inner.notice(event, schema, (payload) => handler(guard(payload))),
  }
}

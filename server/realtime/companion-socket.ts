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
import { scopedServices } from '../cluster/scoped-services.js'
import type { TenantDispatch } from '../cluster/tenant-dispatch.js'

export interface CompanionSocketData {
  kind: 'companion'
  companion: CompanionGrant
}

export async function setUpCompanionSocket(socket: Socket<any, any, any, any>, services: Services, dispatch: TenantDispatch, log: Logger): Promise<void> {
  const { agentId, channelId, tenantId } = (socket.data as CompanionSocketData).companion
  const member: Member = { kind: 'agent', agentId }
  const scoped = scopedServices(services, dispatch, tenantId)
  const on = onlyChannel(binder(socket, log), channelId)
  on.request('channel:resume', schema.channelResume, (input) => scoped.edge.resume(tenantId, member, input))
  on.notice('channel:ack', schema.channelAck, (input) => scoped.chat.ack(member, tenantId, input))
  bindLeadEvents(on, scoped, member, tenantId)
  rejectUnknownEvents(socket, ['channel:resume', 'channel:ack', ...LEAD_EVENTS])
  socket.join(rooms.channel(channelId))
  try {
    socket.emit('session', await scoped.edge.companionSession(tenantId, agentId, channelId))
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

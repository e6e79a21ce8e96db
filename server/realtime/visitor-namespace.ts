/**
 * The /visitor namespace: the widget on a tenant's site. The handshake names the tenant
 * and carries the visitor's signed token; the Origin must be on the tenant's allow-list.
 */
import * as schema from '../../web/protocol/schemas.js'
import type { ResumeResult } from '../../web/protocol/events.js'
import { LIMITS } from '../../web/protocol/limits.js'
import { InvalidStateError, ValidationError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Services } from '../services/services.js'
import type { TenantInfo } from '../services/tenant-directory.js'
import type { VisitorIdentity } from '../services/visitor-service.js'
import type { Member } from '../services/notifier.js'
import { redactFor } from '../domain/event-audience.js'
import { bindCallEvents, CALL_EVENTS } from './call-events.js'
import { bindLeadEvents, LEAD_EVENTS } from './lead-events.js'
import { binder, connectError } from './handle.js'
import { rooms } from './rooms.js'
import type { VisitorNamespace } from './socket-notifier.js'
import { rejectUnknownEvents } from './unknown-events.js'

interface VisitorSocketData {
  tenant: TenantInfo
  visitor: VisitorIdentity
}

export function setUpVisitorNamespace(nsp: VisitorNamespace, services: Services, log: Logger): void {
  nsp.use(async (socket, next) => {
    try {
      const parsed = schema.visitorHandshake.safeParse(socket.handshake.auth)
      if (!parsed.success) throw ValidationError.fromZod('handshake', parsed.error)
      const referer = socket.handshake.headers.referer
      const tenant = await services.tenants.admit(parsed.data.tenant, socket.handshake.headers.origin, typeof referer === 'string' ? referer : null)
      const visitor = await services.visitors.identify(tenant.id, parsed.data.visitorToken)
      socket.data = { tenant, visitor } satisfies VisitorSocketData
      next()
    } catch (error) {
      next(connectError(error, log))
    }
  })

  nsp.on('connection', async (socket) => {
    const { tenant, visitor } = socket.data as VisitorSocketData
    const member: Member = { kind: 'visitor', visitorId: visitor.id }
    const on = binder(socket, log)

    on.request('request:create', schema.requestCreate, async (input) => {
      if (input.kind === 'call' && !services.media.available) throw new InvalidStateError('calls are not available right now: please start a chat instead')
      return { request: await services.queue.create(visitor, input) }
    })
    on.request('request:cancel', schema.requestRef, async ({ requestId }) => ({ request: await services.queue.cancel(visitor.id, tenant.id, requestId) }))
    on.request('request:schedule', schema.requestSchedule, async ({ requestId, scheduledFor }) => ({ request: await services.queue.schedule(visitor.id, tenant.id, requestId, scheduledFor) }))
    on.request('channel:join', schema.channelJoin, async ({ token }) => ({ channel: await services.links.join(visitor, tenant, token) }))
    bindChannelMemberEvents(on, services, member, tenant.id, socket.id)
    rejectUnknownEvents(socket, ['request:create', 'request:cancel', 'request:schedule', 'channel:join', ...CHANNEL_MEMBER_EVENTS])

    socket.on('disconnect', () => services.presence.disconnected(member, tenant.id))
    socket.join(rooms.visitor(visitor.id))
    const open = services.channels.channelsOf(member, tenant.id)
    for (const channel of open) socket.join(rooms.channel(channel.id))
    services.presence.connected(member, tenant.id)
    try {
      const channels = await Promise.all(open.map((channel) => services.channels.viewFor(channel.id, member, tenant.id)))
      socket.emit('session', {
        visitorId: visitor.id,
        visitorToken: visitor.token,
        returning: visitor.returning,
        requests: services.queue.requestsOf(visitor.id, tenant.id),
        channels,
      })
    } catch (error) {
      log.error({ err: error }, 'could not send the visitor session')
      socket.disconnect(true)
    }
  })
}

export const CHANNEL_MEMBER_EVENTS = ['channel:resume', 'chat:send', 'chat:typing', 'channel:ack', 'channel:leave', ...CALL_EVENTS, ...LEAD_EVENTS] as const

/** Chat and log events shared by visitors and agents. */
export function bindChannelMemberEvents(on: ReturnType<typeof binder>, services: Services, member: Member, tenantId: string, socketId: string): void {
  on.request('channel:resume', schema.channelResume, (input) => resumeFor(services, member, tenantId, input))
  on.request('chat:send', schema.chatSend, (input) => services.chat.send(member, tenantId, input, socketId))
  on.notice('chat:typing', schema.chatTyping, (input) => services.chat.typing(member, tenantId, input, socketId))
  on.notice('channel:ack', schema.channelAck, (input) => services.chat.ack(member, tenantId, input))
  on.request('channel:leave', schema.channelRef, async ({ channelId }) => {
    const { participant } = services.channels.requireOpenMember(channelId, member, tenantId)
    await services.channels.leave(channelId, participant.id, 'left')
    return { channel: await services.channels.viewFor(channelId, member, tenantId) }
  })
  bindCallEvents(on, services, member, tenantId)
  bindLeadEvents(on, services, member, tenantId)
}

/** The channel's log after `afterSeq` as this member may see it (the rest as `hidden` stand-ins). */
export async function resumeFor(services: Services, member: Member, tenantId: string, input: { channelId: string; afterSeq: number }): Promise<ResumeResult> {
  const channel = await services.channels.viewFor(input.channelId, member, tenantId)
  const self = channel.participants.find((p) => p.id === channel.selfParticipantId)
  const viewer = { role: self?.role ?? (member.kind === 'agent' ? 'agent' : 'visitor'), participantId: channel.selfParticipantId } as const
  const { events, hasMore } = await services.events.read(input.channelId, input.afterSeq, LIMITS.resumePage)
  return { channel, events: events.map((event) => redactFor(event, viewer)), hasMore }
}

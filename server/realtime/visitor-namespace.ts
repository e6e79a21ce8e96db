/**
 * The /visitor namespace: the widget on a tenant's site. The handshake names the tenant
 * and carries the visitor's signed token; the Origin must be on the tenant's allow-list.
 */
import * as schema from '../../web/protocol/schemas.js'
import { ValidationError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Services } from '../services/services.js'
import type { TenantInfo } from '../services/tenant-directory.js'
import type { VisitorIdentity } from '../services/visitor-service.js'
import type { Member } from '../services/notifier.js'
import { scopedServices } from '../cluster/scoped-services.js'
import type { TenantDispatch } from '../cluster/tenant-dispatch.js'
import { bindCallEvents, CALL_EVENTS } from './call-events.js'
import { bindLeadEvents, LEAD_EVENTS } from './lead-events.js'
import { binder, connectError } from './handle.js'
import { rooms } from './rooms.js'
import type { VisitorNamespace } from './socket-notifier.js'
import { rejectUnknownEvents } from './unknown-events.js'

/** What a visitor socket carries (plain data: other nodes read it when they take the tenant over). */
export interface VisitorSocketData {
  kind: 'visitor'
  tenantId: string
  visitorId: string
}

/** The admitted tenant and visitor of each socket, for its handlers. */
const admitted = new WeakMap<object, { tenant: TenantInfo; visitor: VisitorIdentity }>()

export function setUpVisitorNamespace(nsp: VisitorNamespace, services: Services, dispatch: TenantDispatch, log: Logger): void {
  nsp.use(async (socket, next) => {
    try {
      const parsed = schema.visitorHandshake.safeParse(socket.handshake.auth)
      if (!parsed.success) throw ValidationError.fromZod('handshake', parsed.error)
      const referer = socket.handshake.headers.referer
      const tenant = await services.tenants.admit(parsed.data.tenant, socket.handshake.headers.origin, typeof referer === 'string' ? referer : null)
      const visitor = await services.visitors.identify(tenant.id, parsed.data.visitorToken)
      admitted.set(socket, { tenant, visitor })
      socket.data = { kind: 'visitor', tenantId: tenant.id, visitorId: visitor.id } satisfies VisitorSocketData
      next()
    } catch (error) {
      next(connectError(error, log))
    }
  })

  nsp.on('connection', async (socket) => {
    const { tenant, visitor } = admitted.get(socket)!
    const member: Member = { kind: 'visitor', visitorId: visitor.id }
    const on = binder(socket, log)
    // the tenant's stateful services, wherever they run
    const scoped = scopedServices(services, dispatch, tenant.id)

    on.request('request:create', schema.requestCreate, async (input) => ({ request: await scoped.edge.createRequest(visitor, input) }))
    on.request('request:cancel', schema.requestRef, async ({ requestId }) => ({ request: await scoped.queue.cancel(visitor.id, tenant.id, requestId) }))
    on.request('request:schedule', schema.requestSchedule, async ({ requestId, scheduledFor }) => ({ request: await scoped.queue.schedule(visitor.id, tenant.id, requestId, scheduledFor) }))
    on.request('channel:join', schema.channelJoin, async ({ token }) => ({ channel: await scoped.links.join({ id: visitor.id, displayName: visitor.displayName }, tenant.id, token) }))
    bindChannelMemberEvents(on, scoped, member, tenant.id, socket.id)
    rejectUnknownEvents(socket, ['request:create', 'request:cancel', 'request:schedule', 'channel:join', ...CHANNEL_MEMBER_EVENTS])

    socket.on('disconnect', () => void Promise.resolve(scoped.edge.visitorDisconnected(tenant.id, visitor.id)).catch((error: unknown) => log.warn({ err: error }, 'could not report a visitor disconnect')))
    socket.join(rooms.visitor(visitor.id))
    try {
      const { requests, channels } = await scoped.edge.visitorConnected(tenant.id, visitor.id)
      for (const channel of channels) socket.join(rooms.channel(channel.id))
      socket.emit('session', { visitorId: visitor.id, visitorToken: visitor.token, returning: visitor.returning, requests, channels })
    } catch (error) {
      log.error({ err: error }, 'could not send the visitor session')
      socket.disconnect(true)
    }
  })
}

export const CHANNEL_MEMBER_EVENTS = ['channel:resume', 'chat:send', 'chat:typing', 'channel:ack', 'channel:leave', ...CALL_EVENTS, ...LEAD_EVENTS] as const

/** Chat and log events shared by visitors and agents (`services`: scoped to the tenant, see scoped-services.ts). */
export function bindChannelMemberEvents(on: ReturnType<typeof binder>, services: Services, member: Member, tenantId: string, socketId: string): void {
  on.request('channel:resume', schema.channelResume, (input) => services.edge.resume(tenantId, member, input))
  on.request('chat:send', schema.chatSend, (input) => services.chat.send(member, tenantId, input, socketId))
  on.notice('chat:typing', schema.chatTyping, (input) => services.chat.typing(member, tenantId, input, socketId))
  on.notice('channel:ack', schema.channelAck, (input) => services.chat.ack(member, tenantId, input))
  on.request('channel:leave', schema.channelRef, async ({ channelId }) => ({ channel: await services.edge.leave(tenantId, member, channelId) }))
  bindCallEvents(on, services, member, tenantId)
  bindLeadEvents(on, services, member, tenantId)
}

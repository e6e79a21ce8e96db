/**
 * The /agent namespace: the agent console, on Parley's own origin, authenticated by the
 * HttpOnly session cookie. The Origin check stops other sites from riding the cookie.
 * An agent's co-browsing tab (the shop page opened from the console) connects here too, from
 * the tenant's site with a lead token, and may only lead and follow its one channel.
 */
import * as schema from '../../web/protocol/schemas.js'
import { ForbiddenError, UnauthorizedError } from '../errors.js'
import type { Logger } from '../log.js'
import { SESSION_COOKIE, readCookie } from '../auth/session-service.js'
import type { Services } from '../services/services.js'
import type { AgentRole } from '../../web/protocol/views.js'
import { scopedServices } from '../cluster/scoped-services.js'
import type { TenantDispatch } from '../cluster/tenant-dispatch.js'
import type { Member } from '../services/notifier.js'
import { binder, connectError } from './handle.js'
import { rooms } from './rooms.js'
import type { AgentNamespace } from './socket-notifier.js'
import { rejectUnknownEvents } from './unknown-events.js'
import { normalizeOrigin } from '../services/tenant-directory.js'
import { CHANNEL_MEMBER_EVENTS, bindChannelMemberEvents } from './visitor-namespace.js'
import { setUpCompanionSocket, type CompanionSocketData } from './companion-socket.js'

/** What an agent console socket carries (plain data: other nodes read it when they take the tenant over). */
export interface AgentSocketData {
  kind: 'agent'
  agentId: string
  tenantId: string
  role: AgentRole
  sessionId: string
}

const AGENT_CHANNEL_EVENTS = ['supervisor:monitor', 'supervisor:barge', 'lead:companion', 'channel:invite'] as const

export function setUpAgentNamespace(nsp: AgentNamespace, services: Services, dispatch: TenantDispatch, isOwnOrigin: (origin: string | undefined) => boolean, log: Logger): void {
  nsp.use(async (socket, next) => {
    try {
      const companion = schema.companionHandshake.safeParse(socket.handshake.auth)
      if (companion.success) {
        const { tenantId } = services.links.readLeadToken(companion.data.leadToken)
        const { slug } = await services.routing.get(tenantId)
        const origins = [...(await services.tenants.require(slug)).origins]
        const grant = await dispatch.call(tenantId, 'links', 'admitCompanion', companion.data.leadToken, normalizeOrigin(socket.handshake.headers.origin), origins)
        socket.data = { kind: 'companion', companion: grant } satisfies CompanionSocketData
        return next()
      }
      if (!isOwnOrigin(socket.handshake.headers.origin)) throw new ForbiddenError('the agent console must be opened from Parley itself')
      const session = await services.sessions.authenticate(readCookie(socket.handshake.headers.cookie, SESSION_COOKIE))
      if (!session) throw new UnauthorizedError('your session has expired, please log in again')
      socket.data = { kind: 'agent', agentId: session.agentId, tenantId: session.tenantId, role: session.role, sessionId: session.sessionId } satisfies AgentSocketData
      next()
    } catch (error) {
      next(connectError(error, log))
    }
  })

  nsp.on('connection', async (socket) => {
    if ((socket.data as Partial<CompanionSocketData>).kind === 'companion') return setUpCompanionSocket(socket, services, dispatch, log)
    const { agentId, tenantId, role, sessionId } = socket.data as AgentSocketData
    const member: Member = { kind: 'agent', agentId }
    const on = binder(socket, log)
    // the tenant's stateful services, wherever they run
    const scoped = scopedServices(services, dispatch, tenantId)

    on.request('agent:set-state', schema.agentSetState, async ({ state, reason }) => ({ agent: await scoped.edge.setState(tenantId, agentId, state, reason) }))
    on.request('request:accept', schema.requestRef, async ({ requestId }) => ({ channel: await scoped.edge.accept(tenantId, agentId, requestId) }))
    on.request('request:decline', schema.requestRef, async ({ requestId }) => {
      await scoped.queue.decline(agentId, tenantId, requestId)
      return { requestId }
    })
    let watching = false
    on.request('supervisor:watch', schema.supervisorWatch, async ({ watch }) => {
      if (role === 'agent') throw new ForbiddenError('the live view is for supervisors and admins')
      if (watch === watching) return { snapshot: watch ? await scoped.supervision.snapshot(tenantId) : null }
      watching = watch
      if (!watch) {
        socket.leave(rooms.supervisors(tenantId))
        await scoped.supervision.unwatch(tenantId)
        return { snapshot: null }
      }
      socket.join(rooms.supervisors(tenantId))
      return { snapshot: await scoped.supervision.watch(tenantId) }
    })
    on.request('supervisor:monitor', schema.supervisorMonitor, async ({ channelId }) => ({ channel: await scoped.edge.monitor(tenantId, agentId, channelId) }))
    on.request('supervisor:barge', schema.supervisorMonitor, async ({ channelId }) => ({ channel: await scoped.edge.barge(tenantId, agentId, channelId) }))
    on.request('lead:companion', schema.leadCompanion, (input) => scoped.links.companionLink(agentId, tenantId, input))
    on.request('channel:invite', schema.channelInvite, (input) => scoped.links.inviteLink(agentId, tenantId, input))
    bindChannelMemberEvents(on, scoped, member, tenantId, socket.id)
    rejectUnknownEvents(socket, ['agent:set-state', 'request:accept', 'request:decline', 'supervisor:watch', ...AGENT_CHANNEL_EVENTS, ...CHANNEL_MEMBER_EVENTS])

    socket.on('disconnect', () => {
      const gone = async () => {
        if (watching) await scoped.supervision.unwatch(tenantId)
        await scoped.edge.agentDisconnected(tenantId, agentId)
      }
      gone().catch((error: unknown) => log.warn({ err: error }, 'could not report an agent disconnect'))
    })
    socket.join([rooms.agent(agentId), rooms.session(sessionId)])
    try {
      const session = await scoped.edge.agentConnected(tenantId, agentId)
      for (const channel of session.channels) socket.join(rooms.channel(channel.id))
      socket.emit('session', session)
    } catch (error) {
      log.error({ err: error }, 'could not send the agent session')
      socket.disconnect(true)
    }
  })
}

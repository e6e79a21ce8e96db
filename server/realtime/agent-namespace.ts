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
import type { AgentRuntime } from '../services/agent-service.js'
import type { Member } from '../services/notifier.js'
import { binder, connectError } from './handle.js'
import { rooms } from './rooms.js'
import type { AgentNamespace } from './socket-notifier.js'
import { rejectUnknownEvents } from './unknown-events.js'
import { normalizeOrigin } from '../services/tenant-directory.js'

const AGENT_CHANNEL_EVENTS = ['supervisor:monitor', 'supervisor:barge', 'lead:companion', 'channel:invite'] as const
import { CHANNEL_MEMBER_EVENTS, bindChannelMemberEvents } from './visitor-namespace.js'
import { setUpCompanionSocket, type CompanionSocketData } from './companion-socket.js'

interface AgentSocketData {
  agent: AgentRuntime
  sessionId: string
}

export function setUpAgentNamespace(nsp: AgentNamespace, services: Services, isOwnOrigin: (origin: string | undefined) => boolean, log: Logger): void {
  nsp.use(async (socket, next) => {
    try {
      const companion = schema.companionHandshake.safeParse(socket.handshake.auth)
      if (companion.success) {
        const grant = await services.links.admitCompanion(companion.data.leadToken, normalizeOrigin(socket.handshake.headers.origin), async (tenantId) => {
          const { slug } = await services.routing.get(tenantId)
          return (await services.tenants.require(slug)).origins
        })
        socket.data = { companion: grant } satisfies CompanionSocketData
        return next()
      }
      if (!isOwnOrigin(socket.handshake.headers.origin)) throw new ForbiddenError('the agent console must be opened from Parley itself')
      const session = await services.sessions.authenticate(readCookie(socket.handshake.headers.cookie, SESSION_COOKIE))
      if (!session) throw new UnauthorizedError('your session has expired, please log in again')
      socket.data = { agent: await services.agents.load(session.agentId), sessionId: session.sessionId } satisfies AgentSocketData
      next()
    } catch (error) {
      next(connectError(error, log))
    }
  })

  nsp.on('connection', async (socket) => {
    if ((socket.data as Partial<CompanionSocketData>).companion) return setUpCompanionSocket(socket, services, log)
    const { agent, sessionId } = socket.data as AgentSocketData
    const member: Member = { kind: 'agent', agentId: agent.id }
    const on = binder(socket, log)

    on.request('agent:set-state', schema.agentSetState, async ({ state, reason }) => ({ agent: services.agents.view(await services.agents.choose(agent.id, state, reason)) }))
    on.request('request:accept', schema.requestRef, async ({ requestId }) => {
      const channel = await services.queue.accept(agent.id, agent.tenantId, requestId)
      // The visitor asked for a call: accepting it starts the call at once.
      if (channel.kind === 'call') await services.calls.startRequested(channel.id)
      return { channel: await services.channels.viewFor(channel.id, member, agent.tenantId) }
    })
    on.request('request:decline', schema.requestRef, async ({ requestId }) => {
      await services.queue.decline(agent.id, agent.tenantId, requestId)
      return { requestId }
    })
    let watching = false
    on.request('supervisor:watch', schema.supervisorWatch, async ({ watch }) => {
      if (agent.role === 'agent') throw new ForbiddenError('the live view is for supervisors and admins')
      if (watch === watching) return { snapshot: watch ? await services.supervision.snapshot(agent.tenantId) : null }
      watching = watch
      if (!watch) {
        socket.leave(rooms.supervisors(agent.tenantId))
        services.supervision.unwatch(agent.tenantId)
        return { snapshot: null }
      }
      socket.join(rooms.supervisors(agent.tenantId))
      return { snapshot: await services.supervision.watch(agent.tenantId) }
    })
    socket.on('disconnect', () => {
      if (watching) services.supervision.unwatch(agent.tenantId)
    })
    on.request('supervisor:monitor', schema.supervisorMonitor, async ({ channelId }) => ({ channel: await services.monitoring.monitor(agent, channelId) }))
    on.request('supervisor:barge', schema.supervisorMonitor, async ({ channelId }) => ({ channel: await services.monitoring.barge(agent, channelId) }))
    on.request('lead:companion', schema.leadCompanion, (input) => services.links.companionLink(agent.id, agent.tenantId, input))
    on.request('channel:invite', schema.channelInvite, (input) => services.links.inviteLink(agent.id, agent.tenantId, input))
    bindChannelMemberEvents(on, services, member, agent.tenantId, socket.id)
    rejectUnknownEvents(socket, ['agent:set-state', 'request:accept', 'request:decline', 'supervisor:watch', ...AGENT_CHANNEL_EVENTS, ...CHANNEL_MEMBER_EVENTS])

    socket.on('disconnect', () => services.presence.disconnected(member, agent.tenantId, agent))
    socket.join([rooms.agent(agent.id), rooms.session(sessionId)])
    const open = services.channels.channelsOf(member, agent.tenantId)
    for (const channel of open) socket.join(rooms.channel(channel.id))
    services.presence.connected(member, agent.tenantId, agent)
    try {
      const channels = await Promise.all(open.map((channel) => services.channels.viewFor(channel.id, member, agent.tenantId)))
      const { settings } = await services.routing.get(agent.tenantId)
      socket.emit('session', { agent: services.agents.view(agent), offers: services.queue.offersFor(agent.id, agent.tenantId), channels, stateReasons: settings.stateReasons })
    } catch (error) {
      log.error({ err: error }, 'could not send the agent session')
      socket.disconnect(true)
    }
  })
}

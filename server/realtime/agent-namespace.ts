/**
 * The /agent namespace: the agent console, on Parley's own origin, authenticated by the
 * HttpOnly session cookie. The Origin check stops other sites from riding the cookie.
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
import { CHANNEL_MEMBER_EVENTS, bindChannelMemberEvents } from './visitor-namespace.js'

interface AgentSocketData {
  agent: AgentRuntime
  sessionId: string
}

export function setUpAgentNamespace(nsp: AgentNamespace, services: Services, isOwnOrigin: (origin: string | undefined) => boolean, log: Logger): void {
  nsp.use(async (socket, next) => {
    try {
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
    bindChannelMemberEvents(on, services, member, agent.tenantId, socket.id)
    rejectUnknownEvents(socket, ['agent:set-state', 'request:accept', 'request:decline', 'supervisor:watch', ...CHANNEL_MEMBER_EVENTS])

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

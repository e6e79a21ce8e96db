/** socket.io room names, one per agent, visitor and channel. */
export const rooms = {
  agent: (agentId: string) => `agent:${agentId}`,
  visitor: (visitorId: string) => `visitor:${visitorId}`,
  channel: (channelId: string) => `channel:${channelId}`,
  /** supervisors watching a tenant's live view */
  supervisors: (tenantId: string) => `supervisors:${tenantId}`,
  /** the sockets of one login session (closed on logout) */
  session: (sessionId: string) => `session:${sessionId}`,
  /** sockets whose send buffer is backed up: droppable signals leave them out (socket-pressure.ts) */
  congested: 'congested',
}

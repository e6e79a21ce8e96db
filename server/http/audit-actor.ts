/** The logged-in agent as an audit actor (name as shown in the audit log, with their IP). */
import type { Request } from 'express'
import type { AuditActor } from '../services/audit-log.js'
import type { Services } from '../services/services.js'

export async function actorOf(req: Request, services: Services): Promise<AuditActor> {
  const agentId = req.agent!.agentId
  const agent = await services.agents.load(agentId)
  return { kind: 'agent', id: agentId, name: `${agent.displayName} <${agent.email}>`, ip: req.ip ?? null }
}

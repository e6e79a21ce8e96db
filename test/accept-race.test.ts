/**
 * Accepting the request that fills an agent's last slot: the agent becomes busy, and the
 * router must already know the request is taken — it is never offered to anyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import type { RequestView } from '../web/protocol/views.js'
import { AGENT_EMAILS, ask, connectAgent, connectVisitor, login, nextSession, startTestParley, type AgentSocket } from './support/parley-harness.js'

let parley: Parley
const sockets: { close(): void }[] = []

beforeAll(async () => {
  parley = await startTestParley()
  await parley.db.agent.updateMany({ where: { email: { in: [AGENT_EMAILS.anna, AGENT_EMAILS.ben] } }, data: { maxChats: 1 } })
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley.close()
})

describe('accepting the last free slot', () => {
  it('never passes the accepted request on to another agent', async () => {
    const agents: AgentSocket[] = []
    const offered: { agent: number; requestId: string }[] = []
    for (const [index, email] of [AGENT_EMAILS.anna, AGENT_EMAILS.ben].entries()) {
      const agent = connectAgent(parley.url, await login(parley.url, email))
      sockets.push(agent)
      await nextSession.agent(agent)
      agent.on('request:offered', (request: RequestView) => offered.push({ agent: index, requestId: request.id }))
      expect(await ask(agent, 'agent:set-state', { state: 'ready' })).toMatchObject({ ok: true })
      agents.push(agent)
    }
    const visitor = connectVisitor(parley.url, parley.shopUrl!)
    sockets.push(visitor)
    await nextSession.visitor(visitor)
    const created = await ask<{ request: RequestView }>(visitor, 'request:create', { clientRequestId: 'race-1', question: 'one slot left', pageUrl: null })
    if (!created.ok) throw new Error(created.error.message)
    const requestId = created.data.request.id
    await expect.poll(() => offered.filter((o) => o.requestId === requestId).length).toBe(1)
    const first = offered.find((o) => o.requestId === requestId)!.agent
    expect(await ask(agents[first]!, 'request:accept', { requestId })).toMatchObject({ ok: true })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(offered.filter((o) => o.requestId === requestId)).toEqual([{ agent: first, requestId }])
    const log = await parley.db.routingLogEntry.findMany({ where: { type: 'offer-made' } })
    expect(log.filter((entry) => entry.payload.includes(requestId))).toHaveLength(1)
  })
})

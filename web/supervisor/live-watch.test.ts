/**
 * LiveWatch against a real Parley: the first snapshot comes with the watch ack, pushes
 * follow changes, a reconnect watches again by itself, stop() ends the pushes, and plain
 * agents are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../../server/app.js'
import { SocketLink } from '../shared/socket-link.js'
import { AGENT_EMAILS, ask, connectAgent, connectVisitor, eventually, login, nextSession, startTestParley, type AgentSocket } from '../../test/support/parley-harness.js'
import { LiveWatch } from './live-watch.js'

let parley: Parley
const sockets: { close(): void }[] = []

async function console_(email: string): Promise<{ socket: AgentSocket; watch: LiveWatch }> {
  const socket = connectAgent(parley.url, await login(parley.url, email))
  sockets.push(socket)
  const watch = new LiveWatch(new SocketLink(socket))
  await nextSession.agent(socket)
  return { socket, watch }
}

async function queueRequest(question: string): Promise<string> {
  const visitor = connectVisitor(parley.url, parley.shopUrl!)
  sockets.push(visitor)
  await nextSession.visitor(visitor)
  const created = await ask<{ request: { id: string } }>(visitor, 'request:create', { clientRequestId: `r-${sockets.length}`, question, pageUrl: null })
  if (!created.ok) throw new Error(created.error.message)
  return created.data.request.id
}

beforeAll(async () => {
  parley = await startTestParley()
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley?.close()
})

describe('LiveWatch', () => {
  it('watches, follows pushes, re-watches after a reconnect and stops', async () => {
    const { socket, watch } = await console_(AGENT_EMAILS.admin)
    const statuses: string[] = []
    watch.onChange(() => statuses.push(watch.status))
    watch.start()
    await eventually(() => expect(watch.status).toBe('live'))
    expect(watch.snapshot!.agents.map((agent) => agent.email).sort()).toEqual(Object.values(AGENT_EMAILS).sort())

    const first = await queueRequest('pushed while watching')
    await eventually(() => expect(watch.snapshot!.waiting.map((request) => request.id)).toContain(first))

    socket.disconnect()
    await eventually(() => expect(watch.status).toBe('paused'))
    expect(watch.snapshot!.waiting.map((request) => request.id)).toContain(first) // the last figures stay
    socket.connect()
    await eventually(() => expect(watch.status).toBe('live'))
    const second = await queueRequest('pushed after the reconnect')
    await eventually(() => expect(watch.snapshot!.waiting.map((request) => request.id)).toContain(second))

    watch.stop()
    expect(watch.status).toBe('idle')
    const before = watch.snapshot
    await queueRequest('not watched any more')
    await new Promise((resolve) => setTimeout(resolve, 1500)) // longer than the server's coalescing interval
    expect(watch.snapshot).toBe(before)
    expect(statuses).toEqual(expect.arrayContaining(['loading', 'live', 'paused', 'idle']))
    watch.close()
    expect(() => watch.start()).toThrow(/closed/)
  })

  it('tells a plain agent that the live view is not for them', async () => {
    const { watch } = await console_(AGENT_EMAILS.anna)
    watch.start()
    await eventually(() => expect(watch.status).toBe('forbidden'))
    expect(watch.error).toMatch(/supervisors and admins/)
    expect(watch.snapshot).toBeNull()
    watch.close()
  })
})

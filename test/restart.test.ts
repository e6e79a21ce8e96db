/**
 * Nothing lost across a crash: the server process is killed (SIGKILL) mid-chat while both
 * sides keep sending; it is restarted on the same SQLite file and port; both sides resume
 * and end up with every message exactly once, in the same order, each sender's messages
 * in the order they were typed.
 */
import { fork, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ChannelEvent } from '../web/protocol/channel-event.js'
import type { ChannelView, RequestView } from '../web/protocol/views.js'
import { ChannelSync } from '../web/shared/channel-sync.js'
import { MemoryOutboxStore } from '../web/shared/outbox-store.js'
import { SocketLink } from '../web/shared/socket-link.js'
import { AGENT_EMAILS, DEMO_PASSWORD, ask, connectAgent, connectVisitor, eventually, freshDataDir, login, next, nextSession } from './support/parley-harness.js'

const root = path.resolve(import.meta.dirname, '..')
const { dataDir, databaseUrl } = freshDataDir()
const children: ChildProcess[] = []
const closers: { close(): void }[] = []

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Run the real server entry point as its own process; resolves once it listens. */
function startServer(port: number, shopPort: number): Promise<{ child: ChildProcess; url: string; shopUrl: string }> {
  const child = fork(path.join(root, 'server/main.ts'), [], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, PORT: String(port), SHOP_PORT: String(shopPort), DATABASE_URL: databaseUrl, DATA_DIR: dataDir, DEMO_PASSWORD, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  children.push(child)
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited early with ${code}`)))
    child.on('message', (message: { type?: string; url?: string; shopUrl?: string }) => {
      if (message.type === 'ready') resolve({ child, url: message.url!, shopUrl: message.shopUrl! })
    })
  })
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit')
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

afterAll(async () => {
  for (const closer of closers) closer.close()
  for (const child of children) if (child.exitCode === null && child.signalCode === null) await kill(child)
})

const chat = (events: ChannelEvent[]) => events.filter((e) => e.type === 'chat.message').map((e) => (e.payload as { text: string }).text)

describe('kill -9 mid-chat and restart', () => {
  it('delivers every message exactly once, in order, on both sides', async () => {
    const [port, shopPort] = [await freePort(), await freePort()]
    const first = await startServer(port, shopPort)

    const agent = connectAgent(first.url, await login(first.url, AGENT_EMAILS.anna))
    closers.push(agent)
    await nextSession.agent(agent)
    await ask(agent, 'agent:set-state', { state: 'ready' })

    const visitor = connectVisitor(first.url, first.shopUrl)
    closers.push(visitor)
    const session = await nextSession.visitor(visitor)
    // as the widget does: reconnect with the token the server issued
    ;(visitor.auth as Record<string, unknown>).visitorToken = session.visitorToken
    const offered = next<RequestView>(agent as never, 'request:offered')
    await ask(visitor, 'request:create', { clientRequestId: 'crash-1', question: 'Will this survive a crash?', pageUrl: null })
    const accepted = await ask<{ channel: ChannelView }>(agent, 'request:accept', { requestId: (await offered).id })
    if (!accepted.ok) throw new Error(accepted.error.message)
    const channelId = accepted.data.channel.id

    const visitorSync = new ChannelSync(new SocketLink(visitor, 3000), new MemoryOutboxStore())
    const agentSync = new ChannelSync(new SocketLink(agent, 3000), new MemoryOutboxStore())
    closers.push(visitorSync, agentSync)
    agentSync.adopt(accepted.data.channel)
    visitorSync.adopt({ ...accepted.data.channel, selfParticipantId: null })

    const sent = { visitor: [] as string[], agent: [] as string[] }
    const say = (who: 'visitor' | 'agent', n: number) => {
      const text = `${who} #${n}`
      sent[who].push(text)
      ;(who === 'visitor' ? visitorSync : agentSync).send(channelId, text)
    }
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

    for (let n = 1; n <= 10; n++) {
      say('visitor', n)
      say('agent', n)
      await pause(15)
    }
    await kill(first.child)
    // sent while the server is down: they wait in the outboxes
    for (let n = 11; n <= 20; n++) {
      say('visitor', n)
      say('agent', n)
      await pause(15)
    }
    expect(visitor.connected).toBe(false)
    const second = await startServer(port, shopPort)
    expect(second.url).toBe(first.url)
    for (let n = 21; n <= 25; n++) {
      say('visitor', n)
      say('agent', n)
      await pause(15)
    }

    const everything = ['Will this survive a crash?', ...sent.visitor, ...sent.agent]
    await eventually(() => {
      for (const sync of [visitorSync, agentSync]) {
        const state = sync.channels.get(channelId)!
        expect(state.pending).toEqual([])
        expect(chat(state.events).sort()).toEqual([...everything].sort())
      }
    }, 30_000)

    const visitorLog = visitorSync.channels.get(channelId)!.events
    const agentLog = agentSync.channels.get(channelId)!.events
    // same log on both sides, dense seqs, each message once
    expect(visitorLog.map((e) => [e.seq, e.type, e.clientMsgId])).toEqual(agentLog.map((e) => [e.seq, e.type, e.clientMsgId]))
    expect(visitorLog.map((e) => e.seq)).toEqual(visitorLog.map((_, i) => i + 1))
    expect(new Set(chat(visitorLog)).size).toBe(chat(visitorLog).length)
    // each side's messages in the order they were typed
    expect(chat(visitorLog).filter((t) => t.startsWith('visitor'))).toEqual(sent.visitor)
    expect(chat(visitorLog).filter((t) => t.startsWith('agent'))).toEqual(sent.agent)

    // and the store agrees with what the clients hold
    const resumed = await ask<{ events: ChannelEvent[] }>(agent, 'channel:resume', { channelId, afterSeq: 0 })
    expect(resumed.ok && resumed.data.events.map((e) => e.seq)).toEqual(agentLog.map((e) => e.seq))
  })
})

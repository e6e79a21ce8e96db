/**
 * Start a real Parley (HTTP + socket.io on port 0, SQLite copied from the migrated template)
 * and connect real socket.io clients to it, as the widget and the console do.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { inject } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import { loadConfig, type Config } from '../../server/config.js'
import { createLogger } from '../../server/log.js'
import { startParley, type Parley } from '../../server/app.js'
import type { AgentClientToServer, AgentServerToClient, AgentSession, VisitorClientToServer, VisitorServerToClient, VisitorSession } from '../../web/protocol/events.js'
import type { ChannelView, RequestView } from '../../web/protocol/views.js'

export const DEMO_PASSWORD = 'correct-horse-battery'
export const AGENT_EMAILS = { admin: 'admin@demo.parley.local', anna: 'anna@demo.parley.local', ben: 'ben@demo.parley.local', sam: 'sam@demo.parley.local' }

export type VisitorSocket = Socket<VisitorServerToClient, VisitorClientToServer>
export type AgentSocket = Socket<AgentServerToClient, AgentClientToServer>

/** A fresh data folder holding a copy of the migrated template database. */
export function freshDataDir(): { dataDir: string; databaseUrl: string } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'))
  const file = path.join(dataDir, 'parley.db')
  fs.copyFileSync(inject('templateDb'), file)
  return { dataDir, databaseUrl: `file:${file}` }
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  const { dataDir, databaseUrl } = freshDataDir()
  return loadConfig({
    PORT: '0',
    SHOP_PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    DEMO_PASSWORD,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Media only where a test asks for it (MEDIA=on with its own port range: files run in parallel).
    MEDIA: 'off',
    ...overrides,
  })
}

export async function startTestParley(overrides: Record<string, string> = {}): Promise<Parley> {
  const config = testConfig(overrides)
  return startParley(config, createLogger(config))
}

/** Log in over HTTP like the console does; returns the session cookie. */
export async function login(url: string, email: string, password = DEMO_PASSWORD, tenant = 'demo'): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ tenant, email, password }),
  })
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`)
  const cookie = response.headers.get('set-cookie')?.split(';')[0]
  if (!cookie) throw new Error('no session cookie')
  return cookie
}

export function connectAgent(url: string, cookie: string, options: { origin?: string } = {}): AgentSocket {
  return io(`${url}/agent`, { forceNew: true, transports: ['websocket'], extraHeaders: { cookie, origin: options.origin ?? url }, reconnectionDelay: 100, reconnectionDelayMax: 500 })
}

export function connectVisitor(url: string, origin: string, options: { tenant?: string; visitorToken?: string | null } = {}): VisitorSocket {
  return io(`${url}/visitor`, {
    // NOTE: without forceNew socket.io-client shares one connection (and its headers) per host.
    forceNew: true,
    transports: ['websocket'],
    extraHeaders: { origin },
    auth: { tenant: options.tenant ?? 'demo', visitorToken: options.visitorToken ?? null },
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
  })
}

/** The next emission of `event` on a socket. */
export function next<T = unknown>(socket: { once(event: string, listener: (value: T) => void): unknown }, event: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), timeoutMs)
    socket.once(event, (value: T) => {
      clearTimeout(timer)
      resolve(value)
    })
  })
}

export const nextSession = {
  visitor: (socket: VisitorSocket) => next<VisitorSession>(socket as never, 'session'),
  agent: (socket: AgentSocket) => next<AgentSession>(socket as never, 'session'),
}

/** Emit with an ack and resolve with the ack's result. */
export function ask<T = any>(socket: Socket<any, any>, event: string, payload: unknown, timeoutMs = 10_000): Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string; issues?: { path: string; message: string }[] } }> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload)
}

/** Poll until `check` passes (for effects that arrive asynchronously). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 10_000, everyMs = 25): Promise<void> {
  const started = Date.now()
  for (;;) {
    try {
      await check()
      return
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error
      await new Promise((resolve) => setTimeout(resolve, everyMs))
    }
  }
}

/** A Ready agent and a visitor in an open channel, the way the console and the widget get there. */
export async function startChat(
  parley: { url: string; shopUrl: string | null },
  options: { agentEmail?: string; question?: string; clientRequestId?: string } = {},
): Promise<{ agent: AgentSocket; visitor: VisitorSocket; visitorSession: VisitorSession; channel: ChannelView }> {
  const agent = connectAgent(parley.url, await login(parley.url, options.agentEmail ?? AGENT_EMAILS.anna))
  await nextSession.agent(agent)
  const ready = await ask(agent, 'agent:set-state', { state: 'ready' })
  if (!ready.ok) throw new Error(ready.error.message)
  const visitor = connectVisitor(parley.url, parley.shopUrl!)
  const visitorSession = await nextSession.visitor(visitor)
  const offered = next<RequestView>(agent as never, 'request:offered')
  const created = await ask(visitor, 'request:create', { clientRequestId: options.clientRequestId ?? 'chat-1', question: options.question ?? 'a question', pageUrl: null })
  if (!created.ok) throw new Error(created.error.message)
  const accepted = await ask<{ channel: ChannelView }>(agent, 'request:accept', { requestId: (await offered).id })
  if (!accepted.ok) throw new Error(accepted.error.message)
  return { agent, visitor, visitorSession, channel: accepted.data.channel }
}

/** Config for a test with voice/video: real mediasoup workers on a port range of its own. */
export function mediaOverrides(workers = 1): Record<string, string> {
  const min = 20000 + Math.floor(Math.random() * 150) * 100
  return { MEDIA: 'on', MEDIA_WORKERS: String(workers), MEDIA_MIN_PORT: String(min), MEDIA_MAX_PORT: String(min + 99), MEDIA_TIMEOUT_MS: '3000' }
}

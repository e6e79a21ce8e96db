/**
 * The same product on PostgreSQL (DATABASE_URL=postgresql://...): migrations apply, and the
 * spine works end to end through the pg driver adapter, including a restart in place.
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import { startParley } from '../server/app.js'
import { createLogger } from '../server/log.js'
import type { ChannelEvent } from '../web/protocol/channel-event.js'
import { ask, startChat, testConfig } from './support/parley-harness.js'

const root = path.resolve(import.meta.dirname, '..')
const admin = process.env.PG_ADMIN_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres'
const database = `parley_test_${process.pid}_${Date.now()}`
const databaseUrl = `${admin.slice(0, admin.lastIndexOf('/'))}/${database}`
const sockets: { close(): void }[] = []
let parley: Parley | undefined

async function onAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

const start = () => {
  const config = testConfig({ DATABASE_URL: databaseUrl })
  return startParley(config, createLogger(config))
}

beforeAll(async () => {
  await onAdmin(`CREATE DATABASE "${database}"`)
  execFileSync(process.execPath, [path.join(root, 'scripts/migrate.mjs'), '--quiet'], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'ignore', 'inherit'] })
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley?.close()
  await onAdmin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
})

describe('on PostgreSQL', () => {
  it('queues, opens a channel, chats idempotently and keeps the log across a restart', async () => {
    parley = await start()
    const { agent, visitor, channel } = await startChat(parley, { question: 'running on postgres?' })
    sockets.push(agent, visitor)
    const sent = await ask<{ seq: number }>(visitor, 'chat:send', { channelId: channel.id, clientMsgId: 'pg-1', text: 'hello from pg' })
    const again = await ask<{ seq: number; duplicate: boolean }>(visitor, 'chat:send', { channelId: channel.id, clientMsgId: 'pg-1', text: 'hello from pg' })
    expect(sent.ok && again.ok && again.data).toMatchObject({ duplicate: true, seq: sent.ok ? sent.data.seq : -1 })
    for (const socket of [agent, visitor]) socket.close()
    await parley.close()

    parley = await start()
    const back = await startChat(parley, { agentEmail: 'ben@demo.parley.local', question: 'second chat', clientRequestId: 'chat-2' })
    sockets.push(back.agent, back.visitor)
    // the first channel's log survived the restart and continues densely
    const row = await parley.db.channelEvent.findMany({ where: { channelId: channel.id }, orderBy: { seq: 'asc' } })
    expect(row.map((r) => r.seq)).toEqual(row.map((_, i) => i + 1))
    expect(row.filter((r) => r.type === 'chat.message').map((r) => JSON.parse(r.payload).text)).toEqual(['running on postgres?', 'hello from pg'])
    const resumed = await ask<{ events: ChannelEvent[] }>(back.visitor, 'channel:resume', { channelId: back.channel.id, afterSeq: 0 })
    expect(resumed.ok && resumed.data.events.map((e) => e.type)).toEqual(['channel.opened', 'participant.joined', 'participant.joined', 'chat.message'])
  })
})

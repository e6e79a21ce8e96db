/**
 * Archive, reports, metering and billing on PostgreSQL: the same scripted day gives the same
 * figures through the pg adapter, the archive search is case-insensitive there too, and a
 * statement is issued and reconciled.
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startParley, type Parley } from '../server/app.js'
import { createLogger } from '../server/log.js'
import { AGENT_EMAILS, ask, eventually, login, startChat, testConfig } from './support/parley-harness.js'
import { DAY, writeScriptedDay } from './support/scripted-day.js'

const root = path.resolve(import.meta.dirname, '..')
const adminUrl = process.env.PG_ADMIN_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres'
const database = `parley_mgmt_${process.pid}_${Date.now()}`
const databaseUrl = `${adminUrl.slice(0, adminUrl.lastIndexOf('/'))}/${database}`
const sockets: { close(): void }[] = []
let parley: Parley
let cookie: string

async function onAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

const get = async (path: string) => {
  const response = await fetch(`${parley.url}${path}`, { headers: { cookie } })
  expect(response.status, path).toBe(200)
  return response.json()
}

beforeAll(async () => {
  await onAdmin(`CREATE DATABASE "${database}"`)
  execFileSync(process.execPath, [path.join(root, 'scripts/migrate.mjs'), '--quiet'], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'ignore', 'inherit'] })
  const config = testConfig({ DATABASE_URL: databaseUrl })
  parley = await startParley(config, createLogger(config))
  await writeScriptedDay(parley.db)
  cookie = await login(parley.url, AGENT_EMAILS.admin)
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley?.close()
  await onAdmin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
})

describe('management on PostgreSQL', () => {
  it('reports the scripted day with the same figures', async () => {
    const queues = await get(`/api/reports/queues?from=${DAY}&to=${DAY}`)
    expect(queues.totals).toMatchObject({ offered: 8, answered: 5, abandoned: 2, cancelled: 1, avgWaitSec: 25, serviceLevel: 0.375 })
    const { agents } = await get(`/api/reports/agents?from=${DAY}&to=${DAY}`)
    expect(agents.find((a: { displayName: string }) => a.displayName === 'Anna')).toMatchObject({ handled: 3, handlingSec: 3000, staffedSec: 25500, occupancy: 0.1176 })
    expect((await get(`/api/reports/funnel?from=${DAY}&to=${DAY}`)).routing).toMatchObject({ enqueued: 8, offered: 6, accepted: 5, offersMade: 8 })
    expect((await get(`/api/reports/calls?from=${DAY}&to=${DAY}`))).toMatchObject({ requested: 2, mediaSec: 1200, pstnSec: 300 })
  })

  it('searches the archive case-insensitively and meters a real channel', async () => {
    const chat = await startChat(parley, { question: 'Postgres Archive Question', clientRequestId: 'pg-arch' })
    sockets.push(chat.agent, chat.visitor)
    await ask(chat.visitor, 'chat:send', { channelId: chat.channel.id, clientMsgId: 'm', text: 'Ünïcode and CASE' })
    await ask(chat.agent, 'channel:leave', { channelId: chat.channel.id })
    expect((await get('/api/archive/channels?q=postgres%20archive')).channels).toHaveLength(1)
    expect((await get(`/api/archive/channels?q=${encodeURIComponent('case')}`)).channels).toHaveLength(1)
    await eventually(async () => expect(await parley.db.usageRecord.findUnique({ where: { id: `us_chat_${chat.channel.id}` } })).not.toBeNull())
  })

  it('issues and reconciles a statement', async () => {
    const tenantId = (await parley.db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })).id
    await parley.management.billing.savePlan(tenantId, {
      ...(await parley.management.billing.plan(tenantId)),
      name: 'PG',
      pstnMinuteMicros: 45_000,
      mediaMinuteMicros: 20_000,
    })
    const issued = await fetch(`${parley.url}/api/billing/statements`, { method: 'POST', headers: { cookie, origin: parley.url, 'content-type': 'application/json' }, body: JSON.stringify({ month: '2026-11' }) })
    expect(issued.status).toBe(201)
    const { statement } = await issued.json()
    // 5 PSTN minutes (0.23) and 36.65 media minutes, 1200 s + the 999 s of Nov 15 (0.73)
    expect(statement.totalMinor).toBe(23 + 73)
    expect((await get(`/api/billing/statements/${statement.id}/reconcile`)).matches).toBe(true)
  })
})

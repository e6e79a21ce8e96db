/**
 * Metering and billing end to end: hits and chat seconds are written as real channels run
 * (and by the boot sweep for what a crash left out, never twice); a month is rated by the
 * tenant's price plan into a statement whose lines equal the sums of the raw usage records
 * rated by hand, whose total is the sum of its lines, and which reconciles after issuing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startParley, type Parley } from '../server/app.js'
import type { Config } from '../server/config.js'
import { createLogger } from '../server/log.js'
import { AGENT_EMAILS, ask, eventually, login, startChat, testConfig } from './support/parley-harness.js'
import { writeScriptedDay } from './support/scripted-day.js'

let config: Config
let parley: Parley
let admin: string
let tenantId: string
const sockets: { close(): void }[] = []

const PLAN = {
  name: 'Growth',
  currency: 'EUR',
  baseFeeMicros: 49_000_000, // 49.00 a month
  chatMinuteMicros: 12_000, // 0.012 per chat minute
  mediaMinuteMicros: 20_000,
  pstnMinuteMicros: 45_000,
  hitMicros: 3_000,
  seatMicros: 9_000_000,
  includedChatMinutes: 10,
  includedMediaMinutes: 0,
  includedPstnMinutes: 0,
  includedHits: 2,
  includedSeats: 1,
  resellerName: 'Web Agency GmbH',
  resellerShareBps: 2000,
  microChargeFeeBps: 500,
}

const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${parley.url}/api/billing${path}`, { method, headers: { cookie: admin, origin: parley.url, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: response.status, body: response.headers.get('content-type')?.includes('json') ? await response.json() : await response.text(), headers: response.headers }
}

/** Independent of server/domain/rating.ts: exact half-up rounding of a rational, in BigInt. */
const half = (n: bigint, d: bigint) => (n * 2n + d) / (2n * d)

beforeAll(async () => {
  config = testConfig()
  parley = await startParley(config, createLogger(config))
  tenantId = (await parley.db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })).id
  admin = await login(parley.url, AGENT_EMAILS.admin)
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley.close()
})

describe('metering as channels run', () => {
  it('writes a hit per request and the chat seconds of each ended channel', async () => {
    for (const n of [1, 2]) {
      const chat = await startChat(parley, { clientRequestId: `bill-${n}` })
      await new Promise((resolve) => setTimeout(resolve, 120))
      expect((await ask(chat.visitor, 'channel:leave', { channelId: chat.channel.id })).ok).toBe(true)
      chat.agent.close()
      chat.visitor.close()
    }
    await eventually(async () => {
      const records = await parley.db.usageRecord.findMany({ where: { tenantId, kind: { in: ['hits', 'chat_seconds'] } } })
      expect(records.filter((r) => r.kind === 'hits')).toHaveLength(2)
      expect(records.filter((r) => r.kind === 'chat_seconds')).toHaveLength(2)
    })
    for (const channel of await parley.db.channel.findMany({ where: { tenantId } })) {
      const record = await parley.db.usageRecord.findUniqueOrThrow({ where: { id: `us_chat_${channel.id}` } })
      expect(Math.round(record.quantity * 1000)).toBe(channel.endedAt!.getTime() - channel.createdAt.getTime())
      expect(record.quantity).toBeGreaterThan(0.1)
    }
  })

  it('meters at boot what a crash left out, and never twice', async () => {
    await writeScriptedDay(parley.db) // as if the process died before metering these
    await parley.close()
    parley = await startParley(config, createLogger(config))
    admin = await login(parley.url, AGENT_EMAILS.admin)
    const records = await parley.db.usageRecord.findMany({ where: { tenantId, kind: { in: ['hits', 'chat_seconds'] } } })
    expect(records.filter((r) => r.kind === 'chat_seconds')).toHaveLength(2 + 5)
    expect(records.filter((r) => r.kind === 'hits')).toHaveLength(2 + 10)
    // a second boot finds nothing left to meter
    expect(await parley.management.usage.sweep()).toBe(0)
  })
})

describe('statements', () => {
  it('saves the price plan through the admin API, validated and audited', async () => {
    const bad = await api('PUT', '/plan', { ...PLAN, currency: 'euro', resellerShareBps: 12000 })
    expect(bad.status).toBe(400)
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['currency', 'resellerShareBps'])
    const saved = await api('PUT', '/plan', PLAN)
    expect(saved.status).toBe(200)
    expect(saved.body.plan).toEqual(PLAN)
    const audit = await parley.db.auditEntry.findFirstOrThrow({ where: { action: 'price_plan.update' } })
    expect(JSON.parse(audit.after!)).toMatchObject({ name: 'Growth', resellerShareBps: 2000 })
    expect(JSON.parse(audit.before!)).toMatchObject({ name: 'Free' })
  })

  it('rates November into a statement equal to the sum of its rated usage', async () => {
    // shopper micro-charges from offers: two charges and a refund
    for (const [amountMinor, kind] of [[1000, 'charge'], [250, 'charge'], [250, 'refund']] as const) {
      await parley.management.billing.recordShopperCharge({ tenantId, amountMinor, currency: 'EUR', kind, description: `expert session ${kind}`, at: new Date('2026-11-16T15:00:00Z') })
    }
    await expect(parley.management.billing.recordShopperCharge({ tenantId, amountMinor: 100, currency: 'USD', description: 'wrong currency' })).rejects.toThrow(/bills in EUR/)

    const { statement } = (await api('GET', '/statements/preview?month=2026-11')).body
    const lines = Object.fromEntries(statement.lines.map((l: { kind: string }) => [l.kind, l]))

    // the raw records of the month, summed independently in exact milliseconds
    const start = new Date('2026-10-31T23:00:00Z') // 2026-11-01 00:00 in Berlin
    const end = new Date('2026-11-30T23:00:00Z')
    const raw = await parley.db.usageRecord.findMany({ where: { tenantId, at: { gte: start, lt: end } } })
    const sum = (kind: string) => raw.filter((r) => r.kind === kind).reduce((total, r) => total + Math.round(r.quantity * 1000), 0)
    expect(sum('chat_seconds')).toBe(5_400_000) // 90 minutes: 10 + 10 + 10 + 30 + 30
    expect(sum('media_seconds')).toBe(2_199_000)
    expect(sum('pstn_seconds')).toBe(300_000)
    expect(lines.chat_minutes.rawQuantity).toBe(sum('chat_seconds'))
    expect(lines.media_minutes.rawQuantity).toBe(sum('media_seconds'))
    expect(lines.pstn_minutes.rawQuantity).toBe(sum('pstn_seconds'))
    expect(lines.hits.rawQuantity).toBe(sum('hits') / 1000)

    // each line rated by hand: cents = billable * price(micros) / 10^4, half up
    const perMinute = (ms: number, includedMin: number, micros: number) => Number(half(BigInt(Math.max(0, ms - includedMin * 60_000)) * BigInt(micros), 60_000n * 10_000n))
    const expected = {
      base_fee: 4900,
      chat_minutes: perMinute(5_400_000, 10, 12_000), // 80 min * 0.012 = 0.96
      media_minutes: perMinute(2_199_000, 0, 20_000), // 36.65 min * 0.02 = 0.733 -> 0.73
      pstn_minutes: perMinute(300_000, 0, 45_000), // 5 min * 0.045 = 0.225 -> 0.23
      hits: Number(half(BigInt(10 - 2) * 3_000n, 10_000n)), // 8 * 0.003 = 0.024 -> 0.02
      seats: 900, // Anna and Ben were seated, one seat included
      micro_charge_fee: 50, // 5 % of 10.00 collected
    }
    expect(expected).toEqual({ base_fee: 4900, chat_minutes: 96, media_minutes: 73, pstn_minutes: 23, hits: 2, seats: 900, micro_charge_fee: 50 })
    expect(Object.fromEntries(statement.lines.map((l: { kind: string; amountMinor: number }) => [l.kind, l.amountMinor]))).toEqual(expected)
    expect(lines.chat_minutes).toMatchObject({ quantity: '90', included: '10', billable: '80' })
    expect(lines.media_minutes).toMatchObject({ quantity: '36.65', billable: '36.65' })
    expect(lines.seats).toMatchObject({ quantity: '2', billable: '1' })

    const total = Object.values(expected).reduce((a, b) => a + b, 0)
    expect(total).toBe(6044)
    expect(statement).toMatchObject({ currency: 'EUR', subtotalMinor: total, totalMinor: total, resellerShareMinor: 1209, hostNetMinor: 6044 - 1209 })
    expect(statement.lines.reduce((a: number, l: { amountMinor: number }) => a + l.amountMinor, 0)).toBe(statement.totalMinor)
  })

  it('issues a month once it is over, once, and the issued statement reconciles with the raw records', async () => {
    expect((await api('POST', '/statements', { month: '2026-13' })).status).toBe(400)
    const thisMonth = new Date().toISOString().slice(0, 7)
    expect((await api('POST', '/statements', { month: thisMonth })).body.error.code).toBe('invalid_state')
    const issued = await api('POST', '/statements', { month: '2026-11' })
    expect(issued.status).toBe(201)
    expect(issued.body.statement).toMatchObject({ month: '2026-11', totalMinor: 6044 })
    expect((await api('POST', '/statements', { month: '2026-11' })).status).toBe(409)
    const id = issued.body.statement.id
    const reconciled = (await api('GET', `/statements/${id}/reconcile`)).body
    expect(reconciled.matches).toBe(true)
    expect(reconciled.recomputed.totalMinor).toBe(6044)
    // a plan change later does not change the issued statement
    await api('PUT', '/plan', { ...PLAN, baseFeeMicros: 99_000_000 })
    expect((await api('GET', `/statements/${id}`)).body.statement.totalMinor).toBe(6044)
    expect((await api('GET', '/statements')).body.statements.map((s: { month: string }) => s.month)).toEqual(['2026-11'])
  })

  it('downloads the statement as CSV whose amounts add up, and as HTML', async () => {
    const [issued] = (await api('GET', '/statements')).body.statements
    const csv = await api('GET', `/statements/${issued.id}/statement.csv`)
    expect(csv.headers.get('content-disposition')).toContain('parley-statement-2026-11.csv')
    const rows = (csv.body as string).trim().split('\r\n').map((line) => line.split(','))
    expect(rows[0]).toEqual(['kind', 'description', 'unit', 'quantity', 'included', 'billable', 'unit_price', 'amount', 'currency'])
    const lineRows = rows.slice(1).filter((r) => !['subtotal', 'reseller_share', 'host_net', 'total'].includes(r[0]!))
    const cents = (text: string) => Math.round(Number(text) * 100)
    expect(lineRows.reduce((a, r) => a + cents(r[7]!), 0)).toBe(6044)
    expect(rows.find((r) => r[0] === 'total')?.[7]).toBe('60.44')
    expect(rows.find((r) => r[0] === 'reseller_share')?.[7]).toBe('12.09')
    const html = await api('GET', `/statements/${issued.id}/statement.html`)
    expect(html.body).toContain('60.44 EUR')
    expect(html.body).toContain('Web Agency GmbH')
    const preview = await api('GET', '/statements/preview/statement.csv?month=2026-11')
    expect(preview.status).toBe(200)
    expect(preview.headers.get('content-disposition')).toContain('preview')
  })

  it('is for admins only', async () => {
    const anna = await login(parley.url, AGENT_EMAILS.anna)
    expect((await fetch(`${parley.url}/api/billing/plan`, { headers: { cookie: anna } })).status).toBe(403)
  })
})

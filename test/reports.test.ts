/**
 * A full scripted day (test/support/scripted-day.ts) through the report API: every figure
 * below was worked out by hand from the script. Plus "in queue now" from a real visitor
 * waiting, and the access rules (supervisors and admins only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import { AGENT_EMAILS, ask, connectVisitor, eventually, login, nextSession, startTestParley } from './support/parley-harness.js'
import { DAY, writeScriptedDay } from './support/scripted-day.js'

let parley: Parley
let admin: string
const sockets: { close(): void }[] = []

const report = async (path: string) => {
  const response = await fetch(`${parley.url}/api/reports/${path}`, { headers: { cookie: admin } })
  expect(response.status, await response.clone().text()).toBe(200)
  return response.json()
}

beforeAll(async () => {
  parley = await startTestParley()
  await writeScriptedDay(parley.db)
  admin = await login(parley.url, AGENT_EMAILS.admin)
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley.close()
})

describe('reports of a scripted day', () => {
  it('queues: volumes, waits and abandonment by local hour, by queue and in total', async () => {
    const r = await report(`queues?from=${DAY}&to=${DAY}&sl=20`)
    expect(r).toMatchObject({ from: DAY, to: DAY, timezone: 'Europe/Berlin', serviceLevelSec: 20 })
    // r0..r7 entered the queue; r8 is booked for tomorrow, "prev" was the evening before
    expect(r.totals).toEqual({
      offered: 8,
      answered: 5,
      abandoned: 2,
      cancelled: 1,
      waiting: 0,
      answeredWithinSl: 3, // r2 10 s, r6 5 s, r7 20 s
      avgWaitSec: 25, // (30 + 10 + 60 + 5 + 20) / 5
      maxWaitSec: 60,
      avgAbandonSec: 58.3, // (10 + 120 + 45) / 3
      abandonRate: 0.375,
      serviceLevel: 0.375, // 3 / (5 answered + 3 left)
    })
    const hour = (h: number) => r.hours[h]
    expect(hour(0)).toMatchObject({ offered: 1, abandoned: 1, answered: 0 })
    expect(hour(9)).toMatchObject({ offered: 3, answered: 2, abandoned: 1, avgWaitSec: 20, maxWaitSec: 30 })
    expect(hour(10)).toMatchObject({ offered: 2, answered: 1, cancelled: 1, avgWaitSec: 60 })
    expect(hour(14)).toMatchObject({ offered: 2, answered: 2, avgWaitSec: 12.5, answeredWithinSl: 2 })
    expect(r.hours.filter((h: { offered: number }) => h.offered > 0).map((h: { hour: number }) => h.hour)).toEqual([0, 9, 10, 14])
    expect(r.days).toEqual([expect.objectContaining({ date: DAY, offered: 8 })])
    const byQueue = Object.fromEntries(r.queues.map((q: { queueId: string }) => [r.queueNames[q.queueId].slug, q]))
    expect(byQueue.general).toMatchObject({ offered: 5, answered: 2, abandoned: 2, cancelled: 1, avgWaitSec: 17.5 })
    expect(byQueue.bikes).toMatchObject({ offered: 3, answered: 3, avgWaitSec: 30, maxWaitSec: 60 })
  })

  it('agents: handled, handle time, occupancy, time per state and offers', async () => {
    const { agents } = await report(`agents?from=${DAY}&to=${DAY}`)
    const anna = agents.find((a: { displayName: string }) => a.displayName === 'Anna')
    const ben = agents.find((a: { displayName: string }) => a.displayName === 'Ben')
    expect(anna).toMatchObject({
      handled: 3,
      avgHandleSec: 1000, // 600 + 600 + 1800
      handlingSec: 3000,
      stateSec: { offline: 57300, ready: 25500, break: 3600 }, // 00:00-08:55 + 17:00-24:00 offline
      staffedSec: 25500,
      occupancy: 0.1176, // 3000 / 25500
      offers: { made: 5, accepted: 3, declined: 1, rangOut: 1 },
    })
    expect(ben).toMatchObject({
      handled: 2,
      avgHandleSec: 1200,
      handlingSec: 2400,
      stateSec: { offline: 68400, ready: 7500, not_ready: 10500 },
      staffedSec: 7500,
      occupancy: 0.32,
      offers: { made: 3, accepted: 2, declined: 0, rangOut: 1 },
    })
    const admin = agents.find((a: { role: string }) => a.role === 'admin')
    expect(admin).toMatchObject({ handled: 0, stateSec: { offline: 86400 }, occupancy: null })
  })

  it('offers funnel from the routing log, with the seam for proactive offers', async () => {
    const r = await report(`funnel?from=${DAY}&to=${DAY}`)
    expect(r.routing).toEqual({ enqueued: 8, offered: 6, accepted: 5, lostAfterOffer: 1, lostBeforeOffer: 2, offersMade: 8, declined: 1, rangOut: 2, offersPerAccepted: 1.6 })
    // the offer service fills the seam: no offers that day
    expect(r.proactive?.map((stage: { id: string; count: number }) => [stage.id, stage.count])).toEqual([['shown', 0], ['accepted', 0], ['ordered', 0], ['declined', 0], ['ignored', 0], ['withdrawn', 0]])
    const offers = parley.management.reports.proactiveOffers
    parley.management.reports.proactiveOffers = {
      funnel: async () => [
        { id: 'shown', label: 'Shown', count: 40 },
        { id: 'accepted', label: 'Accepted', count: 4 },
      ],
    }
    expect((await report(`funnel?from=${DAY}&to=${DAY}`)).proactive).toEqual([
      { id: 'shown', label: 'Shown', count: 40 },
      { id: 'accepted', label: 'Accepted', count: 4 },
    ])
    parley.management.reports.proactiveOffers = offers
  })

  it('attendance of the one-to-many session', async () => {
    const { sessions } = await report(`attendance?from=${DAY}&to=${DAY}`)
    expect(sessions).toEqual([expect.objectContaining({ attendees: 3, peak: 3, avgStaySec: 1301.7, question: 'question r6', agents: ['Ben'] })])
  })

  it('calls and PSTN minutes', async () => {
    const r = await report(`calls?from=${DAY}&to=${DAY}`)
    expect(r).toMatchObject({ requested: 2, answered: 1, voice: 1, video: 1, reasons: { declined: 1, hangup: 1 }, avgDurationSec: 600, talkSec: 600, mediaSec: 1200, mediaSecBySource: { audio: 1200 }, pstnSec: 300 })
    expect(r.hours[10]).toEqual({ hour: 10, calls: 1, answered: 0, talkSec: 0 })
    expect(r.hours[14]).toEqual({ hour: 14, calls: 1, answered: 1, talkSec: 600 })
  })

  it('a day with nothing in it reports zeros, not errors', async () => {
    const r = await report('queues?from=2026-10-01&to=2026-10-01')
    expect(r.totals).toMatchObject({ offered: 0, avgWaitSec: null, abandonRate: null })
  })

  it('in queue now, from a visitor really waiting', async () => {
    const visitor = connectVisitor(parley.url, parley.shopUrl!)
    sockets.push(visitor)
    await nextSession.visitor(visitor)
    expect((await ask(visitor, 'request:create', { clientRequestId: 'live-1', question: 'anyone there?', pageUrl: null })).ok).toBe(true)
    await eventually(async () => {
      const now = await report('in-queue')
      expect(now.waiting).toBe(1)
      expect(now.queues).toEqual([expect.objectContaining({ slug: 'general', waiting: 1, ringing: 0 })])
    })
  })

  it('is for supervisors and admins only, and checks its parameters', async () => {
    const anna = await login(parley.url, AGENT_EMAILS.anna)
    expect((await fetch(`${parley.url}/api/reports/queues`, { headers: { cookie: anna } })).status).toBe(403)
    const bad = await fetch(`${parley.url}/api/reports/queues?from=2026-11-20&to=2026-11-10`, { headers: { cookie: admin } })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.issues).toEqual([{ path: 'to', message: 'must not be before from' }])
    expect((await fetch(`${parley.url}/api/reports/queues?from=yesterday`, { headers: { cookie: admin } })).status).toBe(400)
  })
})

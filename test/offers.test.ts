/**
 * Proactive offers on a real server with real socket.io clients and the widget's HTTP calls:
 * cart events in (JS API endpoint and the public REST API), rules from the admin API, an
 * offer only while a qualified agent is Ready (that agent held: offered nothing else), a yes
 * opening the conversation at once with the cart shown to the agent and the cart untouched,
 * decline and the frequency caps, withdrawal when the agent leaves, expiry, shopper charges,
 * attribution of a later order and the reports' funnel; clear 4xx errors for bad input.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import type { OfferRuleInput } from '../server/domain/offer-rules.js'
import type { ChannelView, RequestView } from '../web/protocol/views.js'
import { hashPassword } from '../server/auth/password.js'
import { newId } from '../server/store/ids.js'
import { AGENT_EMAILS, DEMO_PASSWORD, ask, connectAgent, connectVisitor, eventually, login, next, nextSession, startTestParley, type AgentSocket } from './support/parley-harness.js'
import { admin, answerOffer, BIKE_CART, createRule, OfferStream, postCart } from './support/offer-harness.js'

let parley: Parley
let anna: AgentSocket
let annaId: string
const closers: { close(): void }[] = []

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function setState(state: 'ready' | 'not_ready'): Promise<void> {
  const result = await ask(anna, 'agent:set-state', { state })
  if (!result.ok) throw new Error(result.error.message)
}

/** A shopper with a bike at the payment step and the offers stream open. */
async function shopper(events: unknown[] = BIKE_CART): Promise<{ token: string; visitorId: string; stream: OfferStream }> {
  const posted = await postCart(parley, null, events)
  expect(posted.status).toBe(200)
  const stream = new OfferStream(parley, posted.body.token)
  closers.push(stream)
  await stream.opened
  expect(stream.status).toBe(200)
  return { token: posted.body.token, visitorId: posted.body.visitorId, stream }
}

const STUCK = { name: 'Stuck at payment', conditions: { checkoutSteps: ['payment'], idleSec: 1, minCartValue: 100, categories: ['bikes'] }, offer: { queue: 'bikes', lifetimeSec: 30, modes: ['chat', 'voice'] } } satisfies OfferRuleInput

beforeAll(async () => {
  parley = await startTestParley()
  annaId = (await parley.db.agent.findFirstOrThrow({ where: { email: AGENT_EMAILS.anna } })).id
})

afterEach(async () => {
  for (const closer of closers.splice(0)) closer.close()
  const { body } = await admin(parley, 'GET', '/offer-rules')
  for (const rule of body.rules) await admin(parley, 'DELETE', `/offer-rules/${rule.id}`)
  if (anna?.connected) {
    for (const channel of parley.services.channels.channelsOf({ kind: 'agent', agentId: annaId }, parley.services.channels.allOpen()[0]?.tenantId ?? '')) await ask(anna, 'channel:leave', { channelId: channel.id })
    await setState('not_ready')
  }
})

afterAll(async () => {
  anna?.close()
  await parley?.close()
})

describe('a proactive offer', () => {
  it('appears only while an agent with the skills is Ready, holds that agent, and a yes opens the chat with the cart shown to the agent', async () => {
    await createRule(parley, STUCK)
    const { token, visitorId, stream } = await shopper()
    // idle, stuck at payment, but nobody to serve it: no offer
    await sleep(2500)
    expect(stream.count('offer')).toBe(0)

    anna = connectAgent(parley.url, await login(parley.url, AGENT_EMAILS.anna))
    await nextSession.agent(anna)
    const holdNotice = next<Record<string, unknown>>(anna as never, 'offer:hold')
    await setState('ready')
    const offer = await stream.nextOffer()
    // Anna's console hears she is held, with the cart
    expect(await holdNotice).toMatchObject({ offerId: offer.id, rule: 'Stuck at payment', modes: ['chat'], cart: { value: 1299, step: 'payment' } })
    // media is off here: the browser call cannot be served, so only the chat is offered
    expect(offer).toMatchObject({ message: expect.any(String), modes: ['chat'], preferred: 'chat', agentReady: true, charge: null })
    const tenantId = parley.services.channels.allOpen()[0]?.tenantId ?? (await parley.db.tenant.findFirstOrThrow({ where: { slug: 'demo' } })).id
    expect(parley.services.engine.stateOf(tenantId).agents.get(annaId)?.holding).toMatchObject({ kind: 'chat' })

    // while held, Anna is offered nothing else
    const other = connectVisitor(parley.url, parley.shopUrl!)
    closers.push(other)
    await nextSession.visitor(other)
    const created = await ask<{ request: RequestView }>(other, 'request:create', { clientRequestId: 'walk-in', question: 'Any bells?', pageUrl: null })
    expect(created.ok).toBe(true)
    await sleep(300)
    const walkIn = created.ok ? created.data.request.id : ''
    expect(parley.services.engine.stateOf(tenantId).requests.get(walkIn)?.offer).toBeNull()

    const cartBefore = JSON.stringify(parley.offers.carts.live(visitorId)!.state.items)
    const joined = next<ChannelView>(anna as never, 'channel:joined')
    const walkInOffered = next<RequestView>(anna as never, 'request:offered')
    const holdEnded = next(anna as never, 'offer:hold-ended')
    const accepted = await answerOffer(parley, token, offer.id, { answer: 'accept', mode: 'chat' })
    expect(accepted).toMatchObject({ status: 200, body: { status: 'accepted', mode: 'chat', channelId: expect.any(String) } })
    const channel = await joined
    expect(channel.id).toBe(accepted.body.channelId)
    expect(await holdEnded).toEqual({ offerId: offer.id })
    expect(await stream.next('offer-closed')).toEqual({ id: offer.id, reason: 'accepted' })
    // Anna is free again for the walk-in (one chat of three)
    expect((await walkInOffered).id).toBe(walkIn)
    await ask(anna, 'request:decline', { requestId: walkIn })
    expect((await ask(other, 'request:cancel', { requestId: walkIn })).ok).toBe(true)

    // the agent sees the cart; no question was made up for the shopper; the cart is as it was
    const log = await parley.db.channelEvent.findMany({ where: { channelId: channel.id }, orderBy: { seq: 'asc' } })
    expect(log.map((e) => e.type)).toEqual(['channel.opened', 'participant.joined', 'participant.joined', 'cart.updated'])
    expect(JSON.parse(log[3]!.payload)).toMatchObject({ cart: { value: 1299, categories: ['bikes'], step: 'payment', items: [{ sku: 'trail-x1', quantity: 1 }] }, offer: { id: offer.id, rule: 'Stuck at payment', mode: 'chat' } })
    expect(JSON.stringify(parley.offers.carts.live(visitorId)!.state.items)).toBe(cartBefore)
    expect(await parley.db.proactiveOffer.findUniqueOrThrow({ where: { id: offer.id } })).toMatchObject({ status: 'accepted', mode: 'chat', agentId: annaId, channelId: channel.id, cartValue: 1299 })
    expect((await parley.db.visitor.findUniqueOrThrow({ where: { id: visitorId } })).contactMode).toBe('chat')

    // the shopper's widget finds the conversation open; the cart event is for staff only
    const widget = connectVisitor(parley.url, parley.shopUrl!, { visitorToken: token })
    closers.push(widget)
    const session = await nextSession.visitor(widget)
    expect(session.channels.map((c) => c.id)).toEqual([channel.id])
    const seen = await ask(widget, 'channel:resume', { channelId: channel.id, afterSeq: 0 })
    expect(seen.ok && seen.data.events.map((e: { type: string }) => e.type)).toEqual(['channel.opened', 'participant.joined', 'participant.joined', 'hidden'])

    // a change of the cart during the conversation reaches the agent
    const changed = next<{ type: string; payload: any }>(anna as never, 'channel:event')
    expect((await postCart(parley, token, [{ type: 'item_added', item: { sku: 'u-lock-pro', category: 'accessories', price: 59, quantity: 1 } }])).status).toBe(200)
    expect(await changed).toMatchObject({ type: 'cart.updated', payload: { cart: { value: 1358 } } })

    // later, the shop's server reports the order: it is credited to the accepted offer
    const key = (await admin(parley, 'POST', '/api-keys', { name: 'shop backend' })).body.key as string
    expect((await postCart(parley, token, [{ type: 'cart', cartId: 'shop-cart-42', items: [{ sku: 'trail-x1', price: 1299, quantity: 1 }, { sku: 'u-lock-pro', price: 59, quantity: 1 }] }])).status).toBe(200)
    const api = (body: unknown, apiKey: string | null = key) =>
      fetch(`${parley.url}/api/v1/carts/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) }, body: JSON.stringify(body) })
    expect((await api({ cartId: 'shop-cart-42', events: [{ type: 'order_completed' }] }, null)).status).toBe(401)
    const bad = await api({ events: [{ type: 'order_completed', value: -1 }] })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['cartId', 'events.0.value']))
    const paid = await api({ cartId: 'shop-cart-42', events: [{ type: 'order_completed', orderId: 'o-1001', value: 1358 }] })
    expect(paid.status).toBe(200)
    expect((await paid.json()).data).toMatchObject({ cartId: 'shop-cart-42', visitorId, cart: { items: [], value: 0 } })
    expect(await parley.db.proactiveOffer.findUniqueOrThrow({ where: { id: offer.id } })).toMatchObject({ orderId: 'o-1001', orderValue: 1358, orderCompletedAt: expect.any(Date) })
  })

  it('respects the frequency cap after a decline, and the cooldown for other rules', async () => {
    await createRule(parley, STUCK)
    await setState('ready')
    const { token, stream } = await shopper()
    const offer = await stream.nextOffer()
    expect(await answerOffer(parley, token, offer.id, { answer: 'decline' })).toEqual({ status: 200, body: { status: 'declined' } })
    expect(await stream.next('offer-closed')).toEqual({ id: offer.id, reason: 'declined' })
    expect(parley.offers.offers.liveOffers()).toEqual([])
    // answering twice is refused clearly
    expect(await answerOffer(parley, token, offer.id, { answer: 'accept', mode: 'chat' })).toMatchObject({ status: 409, body: { error: { code: 'invalid_state', message: 'this offer was already declined' } } })
    // active again, then idle again, and another rule that would match: nothing for a day
    await createRule(parley, { ...STUCK, name: 'Second chance', priority: 1 })
    await postCart(parley, token, [{ type: 'activity' }])
    await sleep(2500)
    expect(stream.count('offer')).toBe(1)
    expect((await parley.db.proactiveOffer.findUniqueOrThrow({ where: { id: offer.id } })).status).toBe('declined')
  })

  it('is withdrawn when the held agent leaves Ready (not counted), and ignored when it runs out', async () => {
    await createRule(parley, { ...STUCK, offer: { ...STUCK.offer, lifetimeSec: 10 } })
    await setState('ready')
    const { stream } = await shopper()
    const first = await stream.nextOffer()
    await setState('not_ready')
    expect(await stream.next('offer-closed')).toEqual({ id: first.id, reason: 'withdrawn' })
    expect((await parley.db.proactiveOffer.findUniqueOrThrow({ where: { id: first.id } })).status).toBe('withdrawn')
    await setState('ready')
    const second = await stream.nextOffer()
    expect(second.id).not.toBe(first.id)
    expect(await stream.next('offer-closed', 1, 15_000)).toEqual({ id: second.id, reason: 'expired' })
    expect((await parley.db.proactiveOffer.findUniqueOrThrow({ where: { id: second.id } })).status).toBe('ignored')
    // the hold ended with it: Anna is free
    await eventually(async () => {
      const tenant = await parley.db.tenant.findFirstOrThrow({ where: { slug: 'demo' } })
      expect(parley.services.engine.stateOf(tenant.id).agents.get(annaId)?.holding ?? null).toBeNull()
    })
  })

  it('charges the shopper when the rule makes the call billable, per call and per minute', async () => {
    await createRule(parley, { ...STUCK, name: 'Premium advice', offer: { ...STUCK.offer, charge: { mode: 'per_call', amountMinor: 490 } } })
    await setState('ready')
    const { token, visitorId, stream } = await shopper()
    const offer = await stream.nextOffer()
    expect(offer.charge).toEqual({ mode: 'per_call', amountMinor: 490, currency: 'EUR' })
    const accepted = await answerOffer(parley, token, offer.id, { answer: 'accept', mode: 'chat' })
    expect(accepted.status).toBe(200)
    expect(await parley.db.shopperCharge.findMany({ where: { offerId: offer.id } })).toEqual([expect.objectContaining({ amountMinor: 490, currency: 'EUR', visitorId, channelId: accepted.body.channelId, kind: 'charge' })])
    await ask(anna, 'channel:leave', { channelId: accepted.body.channelId })

    const rules = (await admin(parley, 'GET', '/offer-rules')).body.rules
    await admin(parley, 'PUT', `/offer-rules/${rules[0].id}`, { ...STUCK, name: 'Premium advice', caps: { perVisitorPerDay: 5 }, offer: { ...STUCK.offer, charge: { mode: 'per_minute', amountMinor: 150 } } })
    await postCart(parley, token, [{ type: 'activity' }])
    const byMinute = await stream.nextOffer()
    expect(byMinute.charge).toEqual({ mode: 'per_minute', amountMinor: 150, currency: 'EUR' })
    const second = await answerOffer(parley, token, byMinute.id, { answer: 'accept', mode: 'chat' })
    expect(await parley.db.shopperCharge.count({ where: { offerId: byMinute.id } })).toBe(0)
    await ask(anna, 'channel:leave', { channelId: second.body.channelId })
    await eventually(async () => expect(await parley.db.shopperCharge.findMany({ where: { offerId: byMinute.id } })).toEqual([expect.objectContaining({ amountMinor: 150, description: 'Premium advice: 1 min of advice' })]))
  })

  it('fills the reports funnel and the per-rule figures', async () => {
    const supervisor = await login(parley.url, AGENT_EMAILS.sam)
    const funnel = await (await fetch(`${parley.url}/api/reports/funnel`, { headers: { cookie: supervisor } })).json()
    const stage = (id: string) => funnel.proactive.find((s: { id: string }) => s.id === id).count
    expect([stage('shown'), stage('accepted'), stage('ordered'), stage('declined'), stage('ignored'), stage('withdrawn')]).toEqual([6, 3, 1, 1, 1, 1])
    const stats = (await admin(parley, 'GET', '/offer-rules/stats')).body
    expect(stats.totals).toMatchObject({ shown: 6, accepted: 3, ordered: 1, orderValue: 1358, acceptRate: 60 })
    expect(stats.rules.map((r: { ruleName: string; shown: number }) => [r.ruleName, r.shown])).toEqual([
      // the rules were deleted after each test: their offers keep the rule's name
      ['Stuck at payment', 4],
      ['Premium advice', 2],
    ])
  })
})

describe('a short expected wait', () => {
  it('lets the offer through with no agent free; the yes queues the shopper and the cart reaches the agent when the conversation opens', async () => {
    await createRule(parley, { ...STUCK, name: 'Short wait', offer: { ...STUCK.offer, maxWaitSec: 3600 } })
    expect((await admin(parley, 'PATCH', `/agents/${annaId}`, { maxChats: 1 })).status).toBe(200)
    await setState('ready')
    // Anna is busy with a walk-in: nobody can be held
    const walkIn = connectVisitor(parley.url, parley.shopUrl!)
    closers.push(walkIn)
    await nextSession.visitor(walkIn)
    const ringing = next<RequestView>(anna as never, 'request:offered')
    await ask(walkIn, 'request:create', { clientRequestId: 'busy-1', question: 'Do you ship to Norway?', pageUrl: null })
    const busy = await ask<{ channel: ChannelView }>(anna, 'request:accept', { requestId: (await ringing).id })
    expect(busy.ok).toBe(true)

    const { token, visitorId, stream } = await shopper()
    const offer = await stream.nextOffer()
    expect(offer).toMatchObject({ agentReady: false, modes: ['chat'] })
    expect((await parley.db.proactiveOffer.findUniqueOrThrow({ where: { id: offer.id } })).agentId).toBeNull()
    const queuedOffer = next<RequestView>(anna as never, 'request:offered')
    const accepted = await answerOffer(parley, token, offer.id, { answer: 'accept', mode: 'chat' })
    expect(accepted.body).toMatchObject({ status: 'accepted', mode: 'chat', channelId: null, requestId: expect.any(String) })
    expect(parley.services.queue.requestsOf(visitorId, parley.services.channels.tenantOf(busy.ok ? busy.data.channel.id : '')!)).toEqual([expect.objectContaining({ id: accepted.body.requestId, status: 'queued', question: '' })])

    // Anna finishes the walk-in; the shopper's request rings and she takes it
    await ask(anna, 'channel:leave', { channelId: busy.ok ? busy.data.channel.id : '' })
    expect((await queuedOffer).id).toBe(accepted.body.requestId)
    const opened = await ask<{ channel: ChannelView }>(anna, 'request:accept', { requestId: accepted.body.requestId })
    expect(opened.ok).toBe(true)
    const channelId = opened.ok ? opened.data.channel.id : ''
    await eventually(async () => {
      const log = await parley.db.channelEvent.findMany({ where: { channelId }, orderBy: { seq: 'asc' } })
      expect(log.map((e) => e.type)).toEqual(['channel.opened', 'participant.joined', 'participant.joined', 'cart.updated'])
      expect(JSON.parse(log[3]!.payload)).toMatchObject({ offer: { id: offer.id, rule: 'Short wait', mode: 'chat' }, cart: { value: 1299 } })
    })
    await eventually(async () => expect((await parley.db.proactiveOffer.findUniqueOrThrow({ where: { id: offer.id } })).channelId).toBe(channelId))
    expect((await admin(parley, 'PATCH', `/agents/${annaId}`, { maxChats: 3 })).status).toBe(200)
  })
})

describe('bad input', () => {
  it('gets clear 4xx answers', async () => {
    const bad = await postCart(parley, null, [{ type: 'item_added', item: { sku: '', price: 'cheap' } }, { type: 'teleport' }])
    expect(bad.status).toBe(400)
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['events.0.item.sku', 'events.0.item.price', 'events.1.type']))
    expect((await postCart(parley, null, [])).body.error.message).toContain('at least one event')
    expect((await postCart(parley, null, BIKE_CART, { origin: 'https://evil.example' })).status).toBe(403)
    expect((await postCart(parley, 'v1.forged.token.1.x', BIKE_CART)).status).toBe(200) // a new shopper, not an error
    const stream = new OfferStream(parley, 'v1.forged.token.1.x')
    await stream.opened
    expect(stream.status).toBe(401)
    const { token } = (await postCart(parley, null, BIKE_CART)).body
    expect((await answerOffer(parley, token, 'of_nothing', { answer: 'accept', mode: 'chat' })).status).toBe(404)
    expect((await answerOffer(parley, token, 'of_nothing', { answer: 'accept' })).body.error.issues).toEqual([{ path: 'mode', message: 'pick how to talk: chat, voice or phone' }])
    expect((await answerOffer(parley, token, 'of_x', { answer: 'accept', mode: 'phone', phone: '0170 123' })).body.error.issues[0].path).toBe('phone')

    const rule = await admin(parley, 'POST', '/offer-rules', { name: 'x', conditions: { idleSec: -1 }, offer: { modes: ['fax'] } })
    expect(rule.status).toBe(400)
    expect(rule.body.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['conditions.idleSec', 'offer.modes.0']))
    expect((await admin(parley, 'POST', '/offer-rules', { name: 'x', offer: { queue: 'nope' } })).body.error.issues).toEqual([{ path: 'offer.queue', message: 'unknown queue' }])
    expect((await admin(parley, 'POST', '/offer-rules', { name: 'x' }, await login(parley.url, AGENT_EMAILS.anna))).status).toBe(403)
    expect((await admin(parley, 'PUT', '/offer-rules/or_missing', { name: 'x' })).status).toBe(404)
  })

  it('keeps tenants apart: another tenant can neither feed nor read this one\'s carts and rules', async () => {
    const { visitorId } = (await postCart(parley, null, BIKE_CART)).body
    await createRule(parley, STUCK)
    const other = newId('tn')
    await parley.db.tenant.create({ data: { id: other, slug: 'other', name: 'Other shop' } })
    await parley.db.agent.create({ data: { id: newId('ag'), tenantId: other, email: 'boss@other.example', displayName: 'Other boss', role: 'admin', passwordHash: await hashPassword(DEMO_PASSWORD) } })
    const theirs = await login(parley.url, 'boss@other.example', DEMO_PASSWORD, 'other')
    expect((await admin(parley, 'GET', '/offer-rules', undefined, theirs)).body.rules).toEqual([])
    const key = (await admin(parley, 'POST', '/api-keys', { name: 'theirs' }, theirs)).body.key as string
    const sneaky = await fetch(`${parley.url}/api/v1/carts/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ visitorId, events: [{ type: 'order_completed' }] }) })
    expect(sneaky.status).toBe(404)
    expect(parley.offers.carts.live(visitorId)!.state.items).toHaveLength(1)
    // a demo visitor token means nothing on the other tenant's widget endpoints
    const { token } = (await postCart(parley, null, BIKE_CART)).body
    const stream = await fetch(`${parley.url}/api/widget/other/offers/stream?token=${encodeURIComponent(token)}`, { headers: { origin: parley.shopUrl! } })
    expect([401, 403]).toContain(stream.status)
  })
})

/**
 * Browser leading over real sockets: URL pushes limited to the tenant's site, the baton,
 * the leader's page changes, highlights and form fills (never private fields), and the
 * agent's co-browsing tab admitted only with its token from the tenant's site.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import type { Parley } from '../server/app.js'
import type { ChannelEvent, ChannelFeedEvent } from '../web/protocol/channel-event.js'
import type { ChannelView } from '../web/protocol/views.js'
import { AGENT_EMAILS, ask, eventually, login, next, startChat, startTestParley, type AgentSocket, type VisitorSocket } from './support/parley-harness.js'

let parley: Parley
let agent: AgentSocket
let visitor: VisitorSocket
let channel: ChannelView
const sockets: { close(): void }[] = []
const toVisitor: ChannelFeedEvent[] = []
const toAgent: ChannelFeedEvent[] = []

const agentId = () => channel.participants.find((p) => p.role === 'agent')!.id
const visitorId = () => channel.participants.find((p) => p.role === 'visitor')!.id
const page = (path: string) => `${parley.shopUrl}${path}`
const lastOf = <T extends ChannelEvent['type']>(events: ChannelFeedEvent[], type: T) => events.filter((e): e is Extract<ChannelEvent, { type: T }> => e.type === type).at(-1)

beforeAll(async () => {
  parley = await startTestParley()
  ;({ agent, visitor, channel } = await startChat(parley, { question: 'which lock?' }))
  sockets.push(agent, visitor)
  visitor.on('channel:event', (event) => toVisitor.push(event))
  agent.on('channel:event', (event) => toAgent.push(event))
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley.close()
})

describe('browser leading', () => {
  it('starts with the agent leading, and the channel view says so', () => {
    expect(channel.leading).toEqual({ leaderId: agentId(), scrollAndClicks: false, maskedFields: [] })
  })

  it('sends followers to a page of the shop the agent pushes', async () => {
    expect(await ask(agent, 'lead:navigate', { channelId: channel.id, url: page('/products/u-lock-pro') })).toEqual({ ok: true, data: {} })
    await eventually(() => expect(lastOf(toVisitor, 'lead.navigate')?.payload).toEqual({ url: page('/products/u-lock-pro'), newTab: false, includeLeader: true, source: 'push' }))
  })

  it('refuses other sites, javascript: and data: URLs, and followers who try to lead', async () => {
    const count = await parley.db.channelEvent.count({ where: { channelId: channel.id } })
    for (const url of ['https://evil.example/phish', 'javascript:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>']) {
      const answer = await ask(agent, 'lead:navigate', { channelId: channel.id, url })
      expect(answer.ok).toBe(false)
    }
    expect(await ask(agent, 'lead:navigate', { channelId: channel.id, url: 'https://evil.example/' })).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('allowed origins') } })
    expect(await ask(visitor, 'lead:navigate', { channelId: channel.id, url: page('/') })).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('only the leader') } })
    expect(await ask(visitor, 'lead:highlight', { channelId: channel.id, pageUrl: page('/'), selector: 'h1' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await parley.db.channelEvent.count({ where: { channelId: channel.id } })).toBe(count)
  })

  it('archives the pages the visitor views for staff only', async () => {
    expect(await ask(visitor, 'page:viewed', { channelId: channel.id, url: page('/products/u-lock-pro'), title: 'U-lock Pro' })).toEqual({ ok: true, data: {} })
    await eventually(() => expect(lastOf(toAgent, 'page.viewed')?.payload).toEqual({ url: page('/products/u-lock-pro'), title: 'U-lock Pro' }))
    const seq = lastOf(toAgent, 'page.viewed')!.seq
    await eventually(() => expect(toVisitor.find((e) => e.seq === seq)).toEqual({ channelId: channel.id, seq, type: 'hidden' }))
  })

  it('highlights an element and fills ordinary fields, never private ones', async () => {
    const pageUrl = page('/checkout')
    expect(await ask(agent, 'lead:highlight', { channelId: channel.id, pageUrl, selector: '#pay', region: { x: 0, y: 0, width: 0.5, height: 1 }, label: 'Pay here' })).toEqual({ ok: true, data: {} })
    expect(await ask(agent, 'lead:highlight', { channelId: channel.id, pageUrl, selector: '#pay', region: { x: 0.8, y: 0, width: 0.5, height: 1 } })).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(await ask(agent, 'lead:fill', { channelId: channel.id, pageUrl, selector: '#street', value: 'Main St 1', field: { type: 'text', name: 'street', autocomplete: 'address-line1' } })).toEqual({ ok: true, data: {} })
    for (const field of [{ type: 'password', name: 'pw' }, { type: 'text', name: 'n', autocomplete: 'cc-number' }, { type: 'tel', name: 'card_cvc' }]) {
      expect(await ask(agent, 'lead:fill', { channelId: channel.id, pageUrl, selector: '#x', value: '4111', field })).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('private') } })
    }
    await eventually(() => {
      expect(lastOf(toVisitor, 'lead.highlight')?.payload).toEqual({ pageUrl, selector: '#pay', region: { x: 0, y: 0, width: 0.5, height: 1 }, label: 'Pay here' })
      expect(lastOf(toVisitor, 'lead.fill')?.payload).toEqual({ pageUrl, selector: '#street', value: 'Main St 1' })
    })
    expect(toVisitor.some((e) => e.type === 'lead.fill' && e.payload.value === '4111')).toBe(false)
  })

  it('keeps scrolling and clicks to themselves unless the tenant shares them', async () => {
    agent.emit('lead:scroll', { channelId: channel.id, pageUrl: page('/'), x: 0, y: 0.5 })
    const error = await next<{ code: string; message: string }>(agent as never, 'error')
    expect(error).toMatchObject({ code: 'invalid_state', message: expect.stringContaining('turned off') })
  })

  it('shares scrolling and clicks once an admin turns it on, with the settings validated', async () => {
    const cookie = await login(parley.url, AGENT_EMAILS.admin)
    const put = (body: unknown) => fetch(`${parley.url}/api/admin/settings`, { method: 'PUT', headers: { cookie, origin: parley.url, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const refused = await put({ leadOrigins: ['javascript:alert(1)'], maxVisitorsPerChannel: 0 })
    expect(refused.status).toBe(400)
    expect(JSON.stringify(await refused.json())).toMatch(/leadOrigins|maxVisitorsPerChannel/)
    const saved = await put({ shareScrollAndClicks: true, leadOrigins: ['https://help.example.com/faq'], avatarRules: [{ pattern: '*/products/*', avatarUrl: '/avatars/bike-expert.svg' }] })
    expect(saved.status).toBe(200)
    expect((await saved.json()).settings).toMatchObject({ shareScrollAndClicks: true, leadOrigins: ['https://help.example.com'] })
    await eventually(async () => {
      agent.emit('lead:scroll', { channelId: channel.id, pageUrl: page('/'), x: 0, y: 0.5 })
      await eventually(() => expect(lastOf(toVisitor, 'lead.scroll')?.payload).toEqual({ pageUrl: page('/'), x: 0, y: 0.5 }), 500)
    })
    // the extra origin may be pushed now; others still not
    expect(await ask(agent, 'lead:navigate', { channelId: channel.id, url: 'https://help.example.com/faq/returns' })).toMatchObject({ ok: true })
    expect(await ask(agent, 'lead:navigate', { channelId: channel.id, url: 'https://help.example.org/' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const status = await (await fetch(`${parley.url}/api/widget/demo/status`, { headers: { origin: parley.shopUrl! } })).json()
    expect(status.site).toEqual({ monitoringNotice: expect.stringContaining('monitored'), avatarRules: [{ pattern: '*/products/*', avatarUrl: '/avatars/bike-expert.svg' }] })
  })

  it('passes the baton to the visitor, whose page changes then lead the agent', async () => {
    expect(await ask(visitor, 'lead:pass', { channelId: channel.id, participantId: visitorId() })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const passed = await ask<{ channel: ChannelView }>(agent, 'lead:pass', { channelId: channel.id, participantId: visitorId() })
    expect(passed.ok && passed.data.channel.leading.leaderId).toBe(visitorId())
    await eventually(() => expect(lastOf(toVisitor, 'lead.changed')?.payload).toEqual({ leaderId: visitorId(), previousLeaderId: agentId() }))
    expect(await ask(agent, 'lead:navigate', { channelId: channel.id, url: page('/') })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    await ask(visitor, 'page:viewed', { channelId: channel.id, url: page('/products/helmet-aero'), title: 'Helmet' })
    await eventually(() => expect(lastOf(toAgent, 'lead.navigate')?.payload).toEqual({ url: page('/products/helmet-aero'), newTab: false, includeLeader: false, source: 'leader_page' }))
    // a page off the tenant's site is archived for staff but leads nobody there
    const leads = toAgent.filter((e) => e.type === 'lead.navigate').length
    await ask(visitor, 'page:viewed', { channelId: channel.id, url: 'https://elsewhere.example/', title: null })
    await eventually(() => expect(lastOf(toAgent, 'page.viewed')?.payload.url).toBe('https://elsewhere.example/'))
    expect(toAgent.filter((e) => e.type === 'lead.navigate').length).toBe(leads)
  })

  it('lets the agent take the lead back, and stores who leads', async () => {
    expect(await ask(agent, 'lead:pass', { channelId: channel.id, participantId: agentId() })).toMatchObject({ ok: true })
    const row = await parley.db.channel.findUnique({ where: { id: channel.id } })
    expect(row?.leaderId).toBe(agentId())
  })

  it('replays every leading event on resume, in order, with the visitor seeing a dense log', async () => {
    const resumed = await ask<{ events: ChannelFeedEvent[] }>(visitor, 'channel:resume', { channelId: channel.id, afterSeq: 0 })
    if (!resumed.ok) throw new Error(resumed.error.message)
    const seqs = resumed.data.events.map((e) => e.seq)
    expect(seqs).toEqual(seqs.map((_, i) => i + 1))
    const types = resumed.data.events.map((e) => e.type)
    expect(types).toEqual(expect.arrayContaining(['lead.navigate', 'lead.highlight', 'lead.fill', 'lead.changed', 'hidden']))
    expect(types).not.toContain('page.viewed')
  })
})

describe('the agent’s co-browsing tab', () => {
  const companion = (token: string, origin: string): Socket =>
    io(`${parley.url}/agent`, { forceNew: true, transports: ['websocket'], extraHeaders: { origin }, auth: { leadToken: token }, reconnection: false })

  it('gets a link to the visitor’s page with its token in the fragment', async () => {
    const link = await ask<{ url: string; token: string }>(agent, 'lead:companion', { channelId: channel.id })
    if (!link.ok) throw new Error(link.error.message)
    // the visitor's last page on the shop (not the one they wandered off to)
    expect(link.data.url).toBe(`${page('/products/helmet-aero')}#parley-lead=${link.data.token}`)
    expect(await ask(visitor, 'lead:companion', { channelId: channel.id })).toMatchObject({ ok: false, error: { code: 'bad_request' } })
  })

  it('leads its one channel from the shop’s origin', async () => {
    const link = await ask<{ token: string }>(agent, 'lead:companion', { channelId: channel.id, url: page('/') })
    if (!link.ok) throw new Error(link.error.message)
    const tab = companion(link.data.token, parley.shopUrl!)
    sockets.push(tab)
    const session = await next<{ channel: ChannelView; agent: { displayName: string } }>(tab, 'session')
    expect(session.channel.id).toBe(channel.id)
    expect(session.agent.displayName).toBe('Anna')
    const seen: ChannelFeedEvent[] = []
    tab.on('channel:event', (event: ChannelFeedEvent) => seen.push(event))
    expect(await tab.timeout(5000).emitWithAck('page:viewed', { channelId: channel.id, url: page('/products/trail-x1'), title: 'Trail X1' })).toEqual({ ok: true, data: {} })
    await eventually(() => expect(lastOf(toVisitor, 'lead.navigate')?.payload).toMatchObject({ url: page('/products/trail-x1'), source: 'leader_page' }))
    await eventually(() => expect(seen.some((e) => e.type === 'page.viewed')).toBe(true))
    // nothing but its channel and leading
    expect(await tab.timeout(5000).emitWithAck('agent:set-state', { state: 'ready' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('unknown event') } })
    expect(await tab.timeout(5000).emitWithAck('channel:resume', { channelId: 'ch_other', afterSeq: 0 })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('is refused with a forged token or from another origin', async () => {
    const link = await ask<{ token: string }>(agent, 'lead:companion', { channelId: channel.id })
    if (!link.ok) throw new Error(link.error.message)
    for (const tab of [companion(link.data.token, 'https://evil.example'), companion(link.data.token.slice(0, -2) + 'xx', parley.shopUrl!)]) {
      sockets.push(tab)
      const error = await next<Error & { data?: { code: string } }>(tab, 'connect_error')
      expect(['forbidden', 'unauthorized']).toContain(error.data?.code)
    }
  })
})

/**
 * In Chromium: a supervisor opens yesterday's conversation in the archive, reads it, replays
 * it (play, speed, seek: navigation, highlight, form fill, call and whisper shown in time
 * order), and exports its transcript as JSON and as a printable page (which prints to PDF).
 */
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Parley } from '../server/app.js'
import { hashPassword } from '../server/auth/password.js'
import { newId } from '../server/store/ids.js'
import { DEMO_PASSWORD, ask, eventually, startChat, startTestParley } from '../test/support/parley-harness.js'
import { launchChromium, watchConsole } from './support/browser.js'

let parley: Parley
let browser: Browser
let page: Page
let problems: string[]
let channelId: string
let eventCount: number
const sockets: { close(): void }[] = []
const SUPERVISOR = 'sue@demo.parley.local'
const EVIL = '<img src=x onerror="window.__pwned=1">'

/** Yesterday at 14:00 local time, as the conversation's start. */
const yesterday = () => {
  const day = new Date(Date.now() - 86_400_000)
  day.setHours(14, 0, 0, 0)
  return day
}
const isoDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`

beforeAll(async () => {
  parley = await startTestParley()
  const demo = await parley.db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })
  await parley.db.agent.create({ data: { id: newId('ag'), tenantId: demo.id, email: SUPERVISOR, displayName: 'Sue Supervisor', role: 'supervisor', passwordHash: await hashPassword(DEMO_PASSWORD) } })

  // A real conversation over sockets, with browser leading in its log...
  const chat = await startChat(parley, { question: 'Which helmet fits a 58 cm head?', clientRequestId: 'yday-1' })
  sockets.push(chat.agent, chat.visitor)
  channelId = chat.channel.id
  const agentPart = chat.channel.participants.find((p) => p.role === 'agent')!
  const visitorPart = chat.channel.participants.find((p) => p.role === 'visitor')!
  const agent = { role: 'agent' as const, participantId: agentPart.id, name: agentPart.name }
  const visitor = { role: 'visitor' as const, participantId: visitorPart.id, name: visitorPart.name }
  const shop = parley.shopUrl!
  const append = parley.services.events.append.bind(parley.services.events)
  await append({ channelId, type: 'page.viewed', author: visitor, payload: { url: `${shop}/products/trail-x1`, title: 'Trail X1' } })
  expect((await ask(chat.agent, 'chat:send', { channelId, clientMsgId: 'a1', text: 'Let me show you our helmets.' })).ok).toBe(true)
  await append({ channelId, type: 'lead.changed', author: agent, payload: { leaderId: agentPart.id, previousLeaderId: null } })
  await append({ channelId, type: 'lead.navigate', author: agent, payload: { url: `${shop}/products/helmet-aero`, newTab: false, includeLeader: true, source: 'push' } })
  await append({ channelId, type: 'whisper.message', author: { role: 'supervisor', participantId: 'pa_sup', name: 'Sue Supervisor' }, payload: { text: 'Mention the lock bundle' } })
  await append({ channelId, type: 'lead.highlight', author: agent, payload: { pageUrl: `${shop}/products/helmet-aero`, selector: '#size-guide', region: null, label: 'Size guide' } })
  await append({ channelId, type: 'lead.fill', author: agent, payload: { pageUrl: `${shop}/products/helmet-aero`, selector: '#size', value: 'M (55-59 cm)' } })
  expect((await ask(chat.visitor, 'chat:send', { channelId, clientMsgId: 'v1', text: `Perfect, thanks! ${EVIL}` })).ok).toBe(true)
  await append({ channelId, type: 'call.requested', author: visitor, payload: { callId: 'ca_yday', video: false } })
  await append({ channelId, type: 'call.started', author: agent, payload: { callId: 'ca_yday', video: false } })
  await append({ channelId, type: 'call.ended', author: agent, payload: { callId: 'ca_yday', reason: 'hangup', seconds: 95 } })
  expect((await ask(chat.agent, 'channel:leave', { channelId })).ok).toBe(true)
  await eventually(async () => expect((await parley.db.channel.findUniqueOrThrow({ where: { id: channelId } })).status).toBe('ended'))

  // ...moved to yesterday afternoon, with its events 20 s apart (as if it had taken a while).
  const start = yesterday()
  const channel = await parley.db.channel.findUniqueOrThrow({ where: { id: channelId } })
  const events = await parley.db.channelEvent.findMany({ where: { channelId }, orderBy: { seq: 'asc' } })
  eventCount = events.length
  const at = (seq: number) => new Date(start.getTime() + (seq - 1) * 20_000)
  for (const event of events) await parley.db.channelEvent.update({ where: { channelId_seq: { channelId, seq: event.seq } }, data: { createdAt: at(event.seq) } })
  const end = at(events.length)
  await parley.db.channel.update({ where: { id: channelId }, data: { createdAt: start, endedAt: end } })
  await parley.db.request.update({ where: { id: channel.requestId }, data: { createdAt: new Date(start.getTime() - 30_000), acceptedAt: start, endedAt: end } })
  await parley.db.participant.updateMany({ where: { channelId }, data: { joinedAt: start, leftAt: end } })

  browser = await launchChromium()
  const context = await browser.newContext({ acceptDownloads: true })
  page = await context.newPage()
  problems = watchConsole(page)
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await browser?.close()
  await parley?.close()
})

const replay = () => page.locator('[data-test=replay]')

describe('a supervisor and yesterday’s conversation', () => {
  it('logs in and finds it in the archive by date', async () => {
    await page.goto(`${parley.url}/agent/`)
    await page.locator('[data-test=login-tenant]').fill('demo')
    await page.locator('[data-test=login-email]').fill(SUPERVISOR)
    await page.locator('[data-test=login-password]').fill(DEMO_PASSWORD)
    await page.locator('[data-test=login-submit]').click()
    await page.locator('[data-test=archive-tab]').click()
    // the console asks "who am I" before the login, which answers 401: not a problem
    problems.length = 0
    const day = isoDay(yesterday())
    await page.locator('[data-test=archive-from]').fill(day)
    await page.locator('[data-test=archive-to]').fill(day)
    await page.locator('[data-test=archive-search]').click()
    const row = page.locator(`[data-test=archive-row][data-channel-id="${channelId}"]`)
    await expect.poll(() => page.locator('[data-test=archive-row]').count()).toBe(1)
    await expect.poll(() => row.textContent()).toContain('Which helmet fits a 58 cm head?')
    await row.click()
    await page.locator('[data-test=archive-channel]').waitFor()
  })

  it('reads the transcript, whispers marked as staff only, visitor text inert', async () => {
    const entries = page.locator('[data-test=transcript-entry]')
    await expect.poll(() => entries.count()).toBeGreaterThan(8)
    const text = await page.locator('[data-test=transcript]').textContent()
    expect(text).toContain('Let me show you our helmets.')
    expect(text).toContain(`Perfect, thanks! ${EVIL}`)
    expect(text).toContain('Anna sent the browser to')
    expect(await page.locator('[data-test=transcript-entry][data-type="whisper.message"]').textContent()).toContain('staff only')
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
  })

  it('replays it in time order: play, speed, the led browser, the call, seek', async () => {
    await page.locator('[data-test=archive-view][data-view=replay]').click()
    await replay().waitFor()
    // at the start only the opening has happened
    expect(await replay().getAttribute('data-count')).toBe('1')
    await page.locator('[data-test=replay-speed]').selectOption('16')
    await page.locator('[data-test=replay-play]').click()
    await expect.poll(() => replay().getAttribute('data-playing')).toBe('true')
    // the conversation took 20 s per event; pauses are shortened to 3 s and played 16 times as fast
    await expect.poll(async () => Number(await replay().getAttribute('data-count')), { timeout: 20_000 }).toBeGreaterThanOrEqual(1)
    const seen = new Set<string>()
    await expect
      .poll(
        async () => {
          seen.add((await page.locator('[data-test=replay-url]').textContent()) ?? '')
          return Number(await replay().getAttribute('data-count'))
        },
        { timeout: 20_000, interval: 50 },
      )
      .toBe(eventCount)
    expect([...seen].some((url) => url.includes('products/trail-x1'))).toBe(true)
    expect(await page.locator('[data-test=replay-url]').textContent()).toContain('products/helmet-aero')
    expect(await page.locator('[data-test=replay-leader]').textContent()).toContain('Anna')
    expect(await page.locator('[data-test=replay-highlight]').textContent()).toContain('Size guide')
    expect(await page.locator('[data-test=replay-fills]').textContent()).toContain('M (55-59 cm)')
    expect(await page.locator('[data-test=replay-call]').getAttribute('data-status')).toBe('ended')
    await page.locator('[data-test=replay-ended]').waitFor()
    const feed = await page.locator('[data-test=replay-event]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-type')))
    expect(feed[0]).toBe('channel.opened')
    expect(feed.at(-1)).toBe('channel.ended')
    expect(feed.indexOf('lead.navigate')).toBeLessThan(feed.indexOf('lead.highlight'))
    expect(feed).toContain('whisper.message')
    expect(await replay().getAttribute('data-playing')).toBe('false')

    // seek back to the start: the browser has no page yet, nothing led
    await page.locator('[data-test=replay-seek]').evaluate((input: HTMLInputElement) => {
      input.value = '0'
      input.dispatchEvent(new Event('input', { bubbles: true }))
    })
    await expect.poll(async () => Number(await replay().getAttribute('data-count'))).toBe(1)
    expect(await page.locator('[data-test=replay-highlight]').count()).toBe(0)
    expect(await page.locator('[data-test=replay-leader]').count()).toBe(0)
  })

  it('exports the transcript as JSON and as a printable page that prints to PDF', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=export-json]').click()])
    expect(download.suggestedFilename()).toMatch(/^parley-\d{4}-\d{2}-\d{2}-ch_[\w-]+\.json$/)
    const json = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'))
    expect(json).toMatchObject({ format: 'parley.transcript/1', channel: { id: channelId }, exportedBy: expect.stringContaining('Sue Supervisor') })
    expect(json.events).toHaveLength(eventCount)

    const [printable] = await Promise.all([page.context().waitForEvent('page'), page.locator('[data-test=export-html]').click()])
    await printable.waitForLoadState()
    const body = await printable.locator('body').textContent()
    expect(body).toContain('Conversation with')
    expect(body).toContain(`Perfect, thanks! ${EVIL}`)
    expect(body).toContain('Mention the lock bundle')
    expect(await printable.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
    expect(await printable.locator('img').count()).toBe(0)
    const pdf = await printable.pdf({ format: 'A4' })
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    expect(pdf.length).toBeGreaterThan(2000)

    const audit = await parley.db.auditEntry.findMany({ where: { action: 'transcript.export', targetId: channelId } })
    expect(audit.map((a) => JSON.parse(a.after!).format).sort()).toEqual(['html', 'json'])
    expect(problems).toEqual([])
  })
})

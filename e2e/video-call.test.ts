/**
 * A chat upgraded to a video call in real Chromium (fake camera and microphone): the agent
 * asks, the shopper accepts, both receive the other's audio and video through the SFU, the
 * shopper mutes (the agent stops receiving audio, video keeps flowing), the agent hangs up and
 * the chat goes on. The media server's worker is killed mid-call: the channel logs a
 * media failure, a new router is created and both sides re-join by themselves. The call's
 * code is loaded only when a call rings.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import type { Parley } from '../server/app.js'
import { AGENT_EMAILS, DEMO_PASSWORD, eventually, mediaOverrides, startTestParley } from '../test/support/parley-harness.js'
import { launchChromium, watchConsole } from './support/browser.js'

let parley: Parley
let browser: Browser
let shopper: BrowserContext
let agentContext: BrowserContext
let shop: Page
let console_: Page
let shopProblems: string[]

beforeAll(async () => {
  parley = await startTestParley(mediaOverrides())
  browser = await launchChromium()
  shopper = await browser.newContext()
  agentContext = await browser.newContext()
})

afterAll(async () => {
  await browser?.close()
  await parley?.close()
})

const activeChannel = (page: Page) => page.locator('parley-channel-view[active]')
const agentCall = () => activeChannel(console_).locator('parley-call-view')
const shopCall = () => shop.locator('parley-call-view')

interface InboundStat {
  kind: 'audio' | 'video'
  source: string
  packetsReceived: number
}

/** Packets received so far by one side's call view, per kind. */
async function received(view: Locator): Promise<{ audio: number; video: number }> {
  const stats = (await view.evaluate((element: HTMLElement & { callStats(): Promise<{ inbound: InboundStat[] }> }) => element.callStats())) as { inbound: InboundStat[] }
  const total = { audio: 0, video: 0 }
  for (const stat of stats.inbound) if (stat.source !== 'screen') total[stat.kind] += stat.packetsReceived
  return total
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The call in progress, as the server has it. */
function liveCall() {
  const [call] = parley.services.calls.liveCalls()
  if (!call) throw new Error('no call in progress')
  return call
}

/** Server side: every participant both sends to and receives from the SFU. */
async function serverFlows(): Promise<boolean> {
  const stats = await parley.services.media.stats(liveCall().id)
  return !!stats && stats.participants.length === 2 && stats.participants.every((p) => p.in.packets > 0 && p.out.packets > 0 && p.producers.length === 2)
}

describe('a video call in Chromium', () => {
  it('a shopper and an agent are chatting', async () => {
    console_ = await agentContext.newPage()
    await console_.goto(`${parley.url}/agent/`)
    await console_.locator('[data-test=login-tenant]').fill('demo')
    await console_.locator('[data-test=login-email]').fill(AGENT_EMAILS.anna)
    await console_.locator('[data-test=login-password]').fill(DEMO_PASSWORD)
    await console_.locator('[data-test=login-submit]').click()
    await console_.locator('[data-test=state][data-state=ready]').click()
    await expect.poll(() => console_.locator('[data-test=state-picker]').getAttribute('data-current')).toBe('ready')

    shop = await shopper.newPage()
    shopProblems = watchConsole(shop)
    await shop.goto(`${parley.shopUrl}/products/trail-x1`)
    await shop.locator('[data-test=launcher]').click()
    await shop.locator('[data-test=question]').fill('Can you show me how to adjust the saddle?')
    await shop.locator('[data-test=start]').click()

    await console_.locator('[data-test=offer] [data-test=accept]').click()
    await activeChannel(console_).locator('[data-test=input]').fill('Sure, let me call you.')
    await activeChannel(console_).locator('[data-test=send]').click()
    await expect.poll(() => shop.locator('[data-test=message][data-role=agent]').allTextContents()).toEqual([expect.stringContaining('let me call you')])
  })

  it('the agent asks for a video call; the shopper sees the prompt, the call code loads only now', async () => {
    // before any call: buttons on both sides, and no call code in the shop page
    await shop.locator('[data-test=call-voice]').waitFor()
    await shop.locator('[data-test=call-video-start]').waitFor()
    expect(await shop.evaluate(() => customElements.get('parley-call-view') === undefined)).toBe(true)

    await activeChannel(console_).locator('[data-test=call-video-start]').click()
    await expect.poll(() => activeChannel(console_).locator('[data-test=call-outgoing]').textContent()).toContain('Calling…')
    await activeChannel(console_).locator('[data-test=call-cancel]').waitFor()

    const incoming = shop.locator('[data-test=call-incoming]')
    await incoming.waitFor()
    await expect.poll(() => incoming.textContent()).toContain('video call')
    expect(await shop.locator('[data-test=call-voice]').count()).toBe(0)
    await expect.poll(() => shop.evaluate(() => customElements.get('parley-call-view') !== undefined)).toBe(true)
  })

  it('the shopper accepts and both receive audio and video', async () => {
    await shop.locator('[data-test=call-accept]').click()
    await expect.poll(() => shopCall().getAttribute('data-state'), { timeout: 20_000 }).toBe('connected')
    await expect.poll(() => agentCall().getAttribute('data-state'), { timeout: 20_000 }).toBe('connected')
    expect(await shop.locator('[data-test=call-incoming]').count()).toBe(0)
    expect(await activeChannel(console_).locator('[data-test=call-outgoing]').count()).toBe(0)
    // the agent console offers screen sharing, the widget does not
    expect(await agentCall().locator('[data-test=call-screen]').count()).toBe(1)
    expect(await shopCall().locator('[data-test=call-screen]').count()).toBe(0)

    for (const view of [shopCall(), agentCall()]) {
      await expect.poll(async () => Math.min(...Object.values(await received(view))), { timeout: 20_000 }).toBeGreaterThan(0)
    }
    await expect.poll(serverFlows, { timeout: 10_000 }).toBe(true)
    // remote audio plays by itself
    await expect.poll(() => shopCall().locator('audio').evaluate((audio: HTMLAudioElement) => !audio.paused)).toBe(true)
    await expect.poll(() => agentCall().locator('audio').evaluate((audio: HTMLAudioElement) => !audio.paused)).toBe(true)
  })

  it('the agent records the call: both are told, each voice gets its own file in the archive', async () => {
    const record = activeChannel(console_).locator('[data-test=call-record]')
    await record.click()
    // each voice's recorder starts its own ffmpeg: give it time
    await expect.poll(() => activeChannel(console_).locator('[data-test=call-recording]').getAttribute('data-recording'), { timeout: 20_000 }).toBe('true')
    await shop.locator('[data-test=call-recording]').waitFor()
    await sleep(2000)
    await record.click()
    await expect.poll(() => activeChannel(console_).locator('[data-test=call-recording]').getAttribute('data-recording'), { timeout: 20_000 }).toBe('false')
    await expect.poll(() => shop.locator('[data-test=call-recording]').count()).toBe(0)

    const row = await parley.db.call.findUniqueOrThrow({ where: { id: liveCall().id } })
    const files = JSON.parse(row.recordings) as string[]
    expect(files).toHaveLength(2)
    for (const file of files) {
      expect(file).toMatch(/^recordings\/.+\.ogg$/)
      expect(fs.statSync(path.join(parley.config.dataDir, file)).size).toBeGreaterThan(2000)
    }
    const events = await parley.db.channelEvent.findMany({ where: { type: 'call.recording' }, orderBy: { seq: 'asc' } })
    expect(events.map((event) => JSON.parse(event.payload).recording)).toEqual([true, false])
  })

  it('the shopper mutes: the agent stops receiving audio while video keeps flowing', async () => {
    const mute = shopCall().locator('[data-test=call-mute]')
    await mute.click()
    await expect.poll(() => mute.getAttribute('aria-pressed')).toBe('true')
    await sleep(1000) // packets already on their way
    const first = await received(agentCall())
    await sleep(1500)
    const second = await received(agentCall())
    expect(second.audio).toBe(first.audio)
    expect(second.video).toBeGreaterThan(first.video)

    await mute.click()
    await expect.poll(() => mute.getAttribute('aria-pressed')).toBe('false')
    await expect.poll(async () => (await received(agentCall())).audio, { timeout: 10_000 }).toBeGreaterThan(second.audio)
  })

  it('the media worker dies mid-call: a media failure is logged, a new router is made, the call comes back', async () => {
    const room = (await parley.services.media.roomOf(liveCall().id))!
    const deadPid = room.workerPid
    process.kill(deadPid, 'SIGKILL')
    await eventually(async () => {
      const failed = await parley.db.channelEvent.findMany({ where: { type: 'media.failed' } })
      expect(failed.map((event) => JSON.parse(event.payload).reason)).toContain('worker-died')
    }, 15_000)
    await expect.poll(() => shopCall().getAttribute('data-state'), { timeout: 30_000 }).toBe('connected')
    await expect.poll(() => agentCall().getAttribute('data-state'), { timeout: 30_000 }).toBe('connected')
    await expect.poll(async () => (await parley.services.media.roomOf(liveCall().id))?.workerPid ?? deadPid, { timeout: 20_000 }).not.toBe(deadPid)
    await expect.poll(serverFlows, { timeout: 20_000 }).toBe(true)
    const before = await received(agentCall())
    await expect.poll(async () => (await received(agentCall())).video, { timeout: 20_000 }).toBeGreaterThan(before.video)
  })

  it('the agent hangs up: both call views go, the end is archived and the chat goes on', async () => {
    const callId = liveCall().id
    await agentCall().locator('[data-test=call-hangup]').click()
    await expect.poll(() => agentCall().count()).toBe(0)
    await expect.poll(() => shopCall().count()).toBe(0)
    await activeChannel(console_).locator('[data-test=call-voice]').waitFor()
    await shop.locator('[data-test=call-voice]').waitFor()
    await eventually(async () => {
      const ended = await parley.db.channelEvent.findMany({ where: { type: 'call.ended' } })
      expect(ended).toHaveLength(1)
      expect(JSON.parse(ended[0]!.payload)).toMatchObject({ reason: 'hangup' })
    })
    // every transport is closed: the call has no room left, and its media time is metered
    expect(await parley.services.media.stats(callId)).toBeNull()
    await eventually(async () => {
      const usage = await parley.db.usageRecord.findMany({ where: { callId, kind: 'media_seconds' } })
      expect(new Set(usage.map((record) => record.source))).toEqual(new Set(['audio', 'video']))
      expect(usage.every((record) => record.quantity > 0)).toBe(true)
    })

    await shop.locator('[data-test=input]').fill('Thanks, that helped!')
    await shop.locator('[data-test=send]').click()
    await expect.poll(() => activeChannel(console_).locator('[data-test=message][data-role=visitor]').last().textContent()).toContain('Thanks, that helped!')
    expect(shopProblems).toEqual([])
  })

  it('a shopper starts with a voice call: the agent accepts and both talk at once', async () => {
    await activeChannel(console_).locator('[data-test=end]').click()
    await activeChannel(console_).locator('[data-test=end-confirm]').click()
    await activeChannel(console_).locator('[data-test=ended]').waitFor()

    const caller = await (await browser.newContext()).newPage()
    await caller.goto(`${parley.shopUrl}/products/trail-x1`)
    await caller.locator('[data-test=launcher]').click()
    await caller.locator('[data-test=question]').fill('Can you talk me through the frame sizes?')
    await caller.locator('[data-test=start-call]').click()
    const offer = console_.locator('[data-test=offer][data-kind=call]')
    await offer.waitFor()
    await offer.locator('[data-test=accept]').click()

    const callerView = caller.locator('parley-call-view')
    await expect.poll(() => callerView.getAttribute('data-state'), { timeout: 20_000 }).toBe('connected')
    await expect.poll(() => agentCall().getAttribute('data-state'), { timeout: 20_000 }).toBe('connected')
    await expect.poll(async () => (await received(callerView)).audio, { timeout: 20_000 }).toBeGreaterThan(0)
    await expect.poll(async () => (await received(agentCall())).audio, { timeout: 20_000 }).toBeGreaterThan(0)
    expect((await received(agentCall())).video).toBe(0)
    // the chat runs alongside
    await caller.locator('[data-test=input]').fill('I hear you fine')
    await caller.locator('[data-test=send]').click()
    await expect.poll(() => activeChannel(console_).locator('[data-test=message][data-role=visitor]').last().textContent()).toContain('I hear you fine')
  })
})

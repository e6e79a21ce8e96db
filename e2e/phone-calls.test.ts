/**
 * Phone calls in Chromium with baresip as the phone (auto-answer, a 440 Hz tone as its
 * microphone, what it hears dumped to WAV):
 * - a shopper asks to be called back from the widget: baresip rings and answers, the agent
 *   talks to it from the console (the phone's audio in the agent's inbound-rtp, the agent's
 *   audio non-silent at baresip), DTMF both ways, hold, and the phone hangs up;
 * - baresip calls the tenant's number: it hears the hold tone while queued, the agent accepts
 *   the offer in the console and talks in the browser, then hangs up from the console.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import type { Parley } from '../server/app.js'
import { Baresip } from '../sip/testing/baresip.js'
import { AGENT_EMAILS, DEMO_PASSWORD, eventually, mediaOverrides, startTestParley } from '../test/support/parley-harness.js'
import { createTrunk, DID, phoneEvents, VISITOR_NUMBER } from '../test/support/phone-harness.js'
import { launchChromium } from './support/browser.js'

let parley: Parley
let browser: Browser
let shop: Page
let console_: Page
let phone: Baresip
let trunkPort: number

beforeAll(async () => {
  parley = await startTestParley(mediaOverrides())
  phone = await Baresip.start({ user: VISITOR_NUMBER, maxSeconds: 170 })
  const trunk = await createTrunk(parley, { port: phone.sipPort, username: null, password: null, dids: [{ number: DID, queue: 'bikes' }] })
  trunkPort = trunk.status.address!.port
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await phone?.stop()
  await parley?.close()
})

const activeChannel = (page: Page) => page.locator('parley-channel-view[active]')
const agentCall = () => activeChannel(console_).locator('parley-call-view')
const phoneBar = () => activeChannel(console_).locator('[data-test=phone-bar]')
const openChannelId = () => parley.services.channels.allOpen().at(-1)!.id

async function audioIn(view: Locator): Promise<number> {
  const stats = (await view.evaluate((element: HTMLElement & { callStats(): Promise<{ inbound: { kind: string; packetsReceived: number }[] }> }) => element.callStats())) as {
    inbound: { kind: string; packetsReceived: number }[]
  }
  return stats.inbound.filter((stat) => stat.kind === 'audio').reduce((sum, stat) => sum + stat.packetsReceived, 0)
}

describe('phone callback from the widget', () => {
  it('the shopper asks to be called; the phone answers and the agent talks to it from the browser', async () => {
    console_ = await (await browser.newContext()).newPage()
    await console_.goto(`${parley.url}/agent/`)
    await console_.locator('[data-test=login-tenant]').fill('demo')
    await console_.locator('[data-test=login-email]').fill(AGENT_EMAILS.anna)
    await console_.locator('[data-test=login-password]').fill(DEMO_PASSWORD)
    await console_.locator('[data-test=login-submit]').click()
    await console_.locator('[data-test=state][data-state=ready]').click()
    shop = await (await browser.newContext()).newPage()
    await shop.goto(`${parley.shopUrl}/`)
    await shop.locator('[data-test=launcher]').click()
    await shop.locator('[data-test=question]').fill('Could you call me about a bike?')
    await shop.locator('[data-test=start]').click()
    await console_.locator('[data-test=offer] [data-test=accept]').click()
    await activeChannel(console_).locator('[data-test=input]').waitFor()

    await shop.locator('[data-test=phone-open]').click()
    await shop.locator('[data-test=phone-number]').fill('12345')
    await shop.locator('[data-test=phone-call-me]').click()
    await expect.poll(() => shop.locator('[data-test=phone-error]').textContent()).toContain('international format')
    await shop.locator('[data-test=phone-number]').fill('+1 (555) 123-0000')
    await shop.locator('[data-test=phone-call-me]').click()

    await phone.event('CALL_ESTABLISHED', () => true, 20_000)
    await expect.poll(() => phoneBar().getAttribute('data-phase'), { timeout: 20_000 }).toBe('answered')
    await expect.poll(() => shop.locator('[data-test=phone-bar]').getAttribute('data-phase'), { timeout: 20_000 }).toBe('answered')
    expect(await shop.locator('parley-call-view').count()).toBe(0) // the shopper talks on the phone, not in the browser
    // numbers are masked for agents unless the tenant shows them
    expect(await activeChannel(console_).locator('[data-test=phone-number]').textContent()).toBe('+15 ••• ••00')

    await expect.poll(() => agentCall().getAttribute('data-state'), { timeout: 20_000 }).toBe('connected')
    await expect.poll(() => audioIn(agentCall()), { timeout: 20_000 }).toBeGreaterThan(100) // the phone's tone
    await expect.poll(() => phone.playedLevel(2), { timeout: 20_000 }).toBeGreaterThan(0.005) // the agent's microphone
  })

  it('DTMF both ways and hold', async () => {
    await activeChannel(console_).locator('[data-test=phone-keypad]').click()
    await activeChannel(console_).locator('[data-test=phone-key][data-key="5"]').click()
    await phone.event('CALL_DTMF_START', (event) => event.param === '5', 10_000)
    phone.command('sndcode', '7')
    await eventually(async () => expect((await phoneEvents(parley, openChannelId())).filter((e) => e.type === 'phone.dtmf').map((e) => `${e.payload.from}:${e.payload.digits}`)).toEqual(['agent:5', 'phone:7']))

    await activeChannel(console_).locator('[data-test=phone-hold]').click()
    await expect.poll(() => phoneBar().getAttribute('data-held')).toBe('true')
    await activeChannel(console_).locator('[data-test=phone-hold]').click()
    await expect.poll(() => phoneBar().getAttribute('data-held')).toBe('false')
  })

  it('the phone hangs up: the console and the widget say so, the chat goes on', async () => {
    phone.command('hangup')
    await expect.poll(() => phoneBar().count(), { timeout: 15_000 }).toBe(0)
    await expect.poll(() => shop.locator('[data-test=phone-bar]').count(), { timeout: 15_000 }).toBe(0)
    await expect.poll(() => activeChannel(console_).locator('[data-test=system]').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Phone call ended: hung up')]))
    await expect.poll(() => agentCall().count()).toBe(0)
    await activeChannel(console_).locator('[data-test=input]').fill('Thanks for the call!')
    await activeChannel(console_).locator('[data-test=send]').click()
    await expect.poll(() => shop.locator('[data-test=message][data-role=agent]').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Thanks for the call')]))
    await parley.services.channels.end(openChannelId(), 'agent_left')
  })
})

describe('a call to the tenant\'s number', () => {
  it('the caller hears the hold tone, the agent accepts in the console and talks in the browser, then hangs up', async () => {
    phone.events.length = 0
    const dialled = Date.now()
    phone.command('dial', `sip:${DID}@127.0.0.1:${trunkPort}`)
    const offer = console_.locator('[data-test=offer]')
    await offer.waitFor({ timeout: 20_000 })
    await expect.poll(() => offer.textContent()).toContain('Phone call from')
    await phone.event('CALL_ESTABLISHED', () => true, 20_000)
    await expect.poll(() => phone.playedLevel(1, dialled), { timeout: 20_000 }).toBeGreaterThan(0.005) // the hold tone

    await offer.locator('[data-test=accept]').click()
    await expect.poll(() => phoneBar().getAttribute('data-phase'), { timeout: 20_000 }).toBe('answered')
    expect(await phoneBar().textContent()).toContain('called in')
    await expect.poll(() => agentCall().getAttribute('data-state'), { timeout: 20_000 }).toBe('connected')
    await expect.poll(() => audioIn(agentCall()), { timeout: 20_000 }).toBeGreaterThan(100)
    await expect.poll(() => phone.playedLevel(1, dialled), { timeout: 10_000 }).toBeGreaterThan(0.005)

    await activeChannel(console_).locator('[data-test=phone-hangup]').click()
    await phone.event('CALL_CLOSED', () => true, 15_000)
    await expect.poll(async () => (await parley.db.phoneCall.findFirstOrThrow({ where: { direction: 'inbound' } })).endReason).toBe('agent_hangup')
    // the caller has nothing left in the conversation: it ends
    await activeChannel(console_).locator('[data-test=ended]').waitFor({ timeout: 15_000 })
  })
})

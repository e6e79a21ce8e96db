/**
 * Automatic fallback to the phone in Chromium, with baresip as the visitor's phone: the
 * shopper leaves their number in the widget, the agent calls them in the browser (WebRTC),
 * then the shopper's browser context goes offline. Parley calls the phone through the trunk,
 * bridges it into the same call, and the agent keeps talking to it from the same console:
 * the phone's tone reaches the agent's browser (inbound-rtp) and the agent's microphone
 * reaches the phone (baresip records non-silent audio). Back online, the shopper chats next
 * to the phone leg. The agent hangs the phone up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import type { Parley } from '../server/app.js'
import { Baresip } from '../sip/testing/baresip.js'
import { AGENT_EMAILS, DEMO_PASSWORD, eventually, mediaOverrides, startTestParley } from '../test/support/parley-harness.js'
import { createTrunk, phoneEvents, VISITOR_NUMBER } from '../test/support/phone-harness.js'
import { launchChromium, watchConsole } from './support/browser.js'

let parley: Parley
let browser: Browser
let shopper: BrowserContext
let agentContext: BrowserContext
let shop: Page
let console_: Page
let phone: Baresip

beforeAll(async () => {
  parley = await startTestParley({ ...mediaOverrides(), PHONE_FALLBACK_GRACE_MS: '1000' })
  phone = await Baresip.start({ user: VISITOR_NUMBER, maxSeconds: 170 })
  await createTrunk(parley, { port: phone.sipPort, username: null, password: null })
  browser = await launchChromium()
  shopper = await browser.newContext()
  agentContext = await browser.newContext()
})

afterAll(async () => {
  await browser?.close()
  await phone?.stop()
  await parley?.close()
})

const activeChannel = (page: Page) => page.locator('parley-channel-view[active]')
const agentCall = () => activeChannel(console_).locator('parley-call-view')

/** Audio packets the agent's browser received so far (from the shopper's browser, then from the phone). */
async function agentAudioIn(view: Locator): Promise<number> {
  const stats = (await view.evaluate((element: HTMLElement & { callStats(): Promise<{ inbound: { kind: string; packetsReceived: number }[] }> }) => element.callStats())) as {
    inbound: { kind: string; packetsReceived: number }[]
  }
  return stats.inbound.filter((stat) => stat.kind === 'audio').reduce((sum, stat) => sum + stat.packetsReceived, 0)
}

const channelId = () => parley.services.channels.allOpen()[0]!.id

describe('falling back to the phone in Chromium', () => {
  it('a shopper chats with an agent and leaves their number for the case their connection drops', async () => {
    console_ = await agentContext.newPage()
    watchConsole(console_)
    await console_.goto(`${parley.url}/agent/`)
    await console_.locator('[data-test=login-tenant]').fill('demo')
    await console_.locator('[data-test=login-email]').fill(AGENT_EMAILS.anna)
    await console_.locator('[data-test=login-password]').fill(DEMO_PASSWORD)
    await console_.locator('[data-test=login-submit]').click()
    await console_.locator('[data-test=state][data-state=ready]').click()
    await expect.poll(() => console_.locator('[data-test=state-picker]').getAttribute('data-current')).toBe('ready')

    shop = await shopper.newPage()
    await shop.goto(`${parley.shopUrl}/products/trail-x1`)
    await shop.locator('[data-test=launcher]').click()
    await shop.locator('[data-test=question]').fill('Is the trail bike in stock?')
    await shop.locator('[data-test=start]').click()
    await console_.locator('[data-test=offer] [data-test=accept]').click()
    await activeChannel(console_).locator('[data-test=input]').waitFor()

    await shop.locator('[data-test=phone-open]').click()
    await shop.locator('[data-test=phone-number]').fill('+1 555 123 0000')
    expect(await shop.locator('[data-test=phone-fallback]').isChecked()).toBe(true)
    await shop.locator('[data-test=phone-save]').click()
    await shop.locator('[data-test=phone-saved]').waitFor()
    expect(await parley.db.visitorPhone.findFirst({ where: { number: VISITOR_NUMBER } })).toMatchObject({ fallback: true })
    await shop.locator('[data-test=phone-close]').click()
  })

  it('they talk in a WebRTC call', async () => {
    await activeChannel(console_).locator('[data-test=call-voice]').click()
    await shop.locator('[data-test=call-accept]').click()
    await expect.poll(() => agentCall().getAttribute('data-state'), { timeout: 20_000 }).toBe('connected')
    await expect.poll(() => shop.locator('parley-call-view').getAttribute('data-state'), { timeout: 20_000 }).toBe('connected')
    await expect.poll(() => agentAudioIn(agentCall()), { timeout: 20_000 }).toBeGreaterThan(50)
  })

  it("the shopper's browser goes offline: the phone rings, answers and the agent keeps talking to it in the same call", async () => {
    const callId = parley.services.calls.callOf(channelId())!.id
    await shopper.setOffline(true)
    await eventually(async () => expect((await phoneEvents(parley, channelId())).map((e) => e.type)).toEqual(expect.arrayContaining(['phone.dialing', 'phone.answered'])), 60_000)
    const dialing = (await phoneEvents(parley, channelId())).find((e) => e.type === 'phone.dialing')!
    expect(dialing.payload).toMatchObject({ purpose: 'fallback', callId })
    await phone.event('CALL_ESTABLISHED', () => true, 20_000)
    // same conversation, same call, same agent's call view
    expect(parley.services.calls.callOf(channelId())?.id).toBe(callId)
    await expect.poll(() => activeChannel(console_).locator('[data-test=phone-bar]').getAttribute('data-phase'), { timeout: 20_000 }).toBe('answered')
    expect(await agentCall().count()).toBe(1)

    // the phone's tone reaches the agent's browser...
    const before = await agentAudioIn(agentCall())
    await expect.poll(() => agentAudioIn(agentCall()), { timeout: 20_000 }).toBeGreaterThan(before + 100)
    // ...and the agent's microphone reaches the phone
    await expect.poll(() => phone.playedLevel(2), { timeout: 20_000 }).toBeGreaterThan(0.005)
  })

  it('back online, the shopper chats next to the phone leg', async () => {
    await shopper.setOffline(false)
    await shop.locator('[data-test=phone-bar]').waitFor({ timeout: 30_000 })
    expect(await shop.locator('parley-call-view').count()).toBe(0) // the browser stays out of the call's media
    await shop.locator('parley-message-composer [data-test=input]').fill('I am back in the chat, still on the phone')
    await shop.locator('parley-message-composer [data-test=send]').click()
    await expect.poll(() => activeChannel(console_).locator('[data-test=message]').allTextContents(), { timeout: 15_000 }).toEqual(expect.arrayContaining([expect.stringContaining('still on the phone')]))
    expect(parley.services.phone.liveLegs()[0]?.status).toBe('answered')
  })

  it('the agent hangs up the phone: the phone hears BYE, the chat goes on', async () => {
    await activeChannel(console_).locator('[data-test=phone-hangup]').click()
    await phone.event('CALL_CLOSED', () => true, 15_000)
    await expect.poll(() => activeChannel(console_).locator('[data-test=phone-bar]').count()).toBe(0)
    await expect.poll(async () => (await phoneEvents(parley, channelId())).find((e) => e.type === 'phone.ended')?.payload.reason).toBe('agent_hangup')
    expect(await parley.db.usageRecord.count({ where: { kind: 'pstn_seconds' } })).toBe(1)
  })
})

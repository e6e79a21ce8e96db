/**
 * Proactive offers on the demo shop in Chromium (issue 7's Must show): a shopper puts a bike
 * in the cart, reaches the checkout and goes idle; the offer card comes only once an agent
 * with the skills is Ready, beside the button and never over the pay button or the cart
 * link (bounding boxes, on a phone-sized window, with the button low and then high); "yes"
 * with the preference "browser voice" connects the agent by WebRTC; the next offer
 * preselects that remembered choice, and with "phone" a sipp phone (the trunk's far end) is
 * called into the agent's call; the cart and the page are the same before and after; "no
 * thanks" keeps further offers away (frequency cap / cooldown). Ben, Ready too, lacks the
 * skill the rule's queue needs, so he never makes an offer possible.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import type { Parley } from '../server/app.js'
import { stopAllSipp, type Sipp } from '../sip/testing/sipp.js'
import { AGENT_EMAILS, ask, connectAgent, DEMO_PASSWORD, eventually, login, mediaOverrides, nextSession, startTestParley, type AgentSocket } from '../test/support/parley-harness.js'
import { createRule } from '../test/support/offer-harness.js'
import { createTrunk, phoneEvents, sippTrunk, VISITOR_NUMBER } from '../test/support/phone-harness.js'
import { launchChromium, watchConsole } from './support/browser.js'

let parley: Parley
let browser: Browser
let shopper: BrowserContext
let agentContext: BrowserContext
let shop: Page
let console_: Page
let sipp: Sipp
let shopProblems: string[]
let cartBefore: string | null
let ben: AgentSocket

const IDLE_SEC = 3
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const card = () => shop.locator('parley-offer-card')
const activeChannel = () => console_.locator('parley-channel-view[active]')

interface Rect {
  x: number
  y: number
  width: number
  height: number
}
const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

/** The card never covers the pay button or the cart link, wherever they are on screen. */
async function expectClear(): Promise<void> {
  await expect.poll(async () => {
    const box = await card().boundingBox()
    if (!box) return 'no card'
    for (const locator of [shop.locator('[data-test=pay]'), shop.locator('[data-test=cart-link]'), shop.locator('[data-test=launcher]')]) {
      const other = await locator.boundingBox()
      if (other && overlaps(box, other)) return `covers ${await locator.getAttribute('data-test')}`
    }
    return 'clear'
  }).toBe('clear')
}

/** Where the pay button sits now: scroll so its top is `fromTop` px below the top of the window. */
async function scrollPayTo(fromTop: number): Promise<void> {
  await shop.evaluate((y) => {
    const pay = document.querySelector('[data-test=pay]')!
    window.scrollTo(0, pay.getBoundingClientRect().top + window.scrollY - y)
  }, fromTop)
}

async function pageState(): Promise<{ cart: string | null; url: string; name: string }> {
  return { cart: await shop.evaluate(() => localStorage.getItem('velo-cart')), url: shop.url(), name: await shop.locator('#full-name').inputValue() }
}

async function received(view: Locator): Promise<number> {
  const stats = (await view.evaluate((element: HTMLElement & { callStats(): Promise<{ inbound: { kind: string; packetsReceived: number }[] }> }) => element.callStats())) as { inbound: { kind: string; packetsReceived: number }[] }
  return stats.inbound.filter((s) => s.kind === 'audio').reduce((sum, s) => sum + s.packetsReceived, 0)
}

/** The agent ends the conversation; the shopper minimizes the panel (the cart stays as it is). */
async function endConversation(): Promise<void> {
  await activeChannel().locator('[data-test=end]').click()
  await activeChannel().locator('[data-test=end-confirm]').click()
  await activeChannel().locator('[data-test=close-channel]').click()
  await shop.locator('[data-test=ended]').waitFor()
  await shop.locator('[data-test=minimize]').click()
  await expect.poll(() => shop.locator('[data-test=launcher]').isVisible()).toBe(true)
}

beforeAll(async () => {
  parley = await startTestParley(mediaOverrides())
  const trunk = await sippTrunk('uas_answer.xml')
  sipp = trunk.sipp
  await createTrunk(parley, { port: trunk.port, username: null, password: null })
  await createRule(parley, {
    name: 'Stuck at checkout',
    conditions: { checkoutSteps: ['checkout', 'payment'], idleSec: IDLE_SEC, minCartValue: 100 },
    caps: { perVisitorPerDay: 3, afterDeclineHours: 24 },
    offer: { message: 'Questions before you pay? Our bike expert is free right now.', queue: 'bikes', modes: ['chat', 'voice', 'phone'], lifetimeSec: 90 },
  })
  browser = await launchChromium()
  shopper = await browser.newContext({ viewport: { width: 420, height: 760 } })
  agentContext = await browser.newContext()
})

afterAll(async () => {
  ben?.close()
  await browser?.close()
  await parley?.close()
  await stopAllSipp()
})

describe('a proactive offer in Chromium', () => {
  it('the shopper fills the cart, reaches the checkout and goes idle: no offer while no bike expert is Ready', async () => {
    // Ben is Ready, but his bike skill (2) is below the bikes queue's proficiency 3: he does not match
    ben = connectAgent(parley.url, await login(parley.url, AGENT_EMAILS.ben))
    await nextSession.agent(ben)
    expect((await ask(ben, 'agent:set-state', { state: 'ready' })).ok).toBe(true)
    console_ = await agentContext.newPage()
    await console_.goto(`${parley.url}/agent/`)
    await console_.locator('[data-test=login-tenant]').fill('demo')
    await console_.locator('[data-test=login-email]').fill(AGENT_EMAILS.anna)
    await console_.locator('[data-test=login-password]').fill(DEMO_PASSWORD)
    await console_.locator('[data-test=login-submit]').click()
    await console_.locator('[data-test=state-picker]').waitFor()

    shop = await shopper.newPage()
    shopProblems = watchConsole(shop)
    await shop.goto(`${parley.shopUrl}/products/trail-x1`)
    await shop.locator('[data-test=launcher]').waitFor()
    await shop.locator('[data-test=add-to-cart]').click()
    await shop.locator('[data-test=cart-link]').click()
    await shop.locator('[data-test=checkout]').click()
    await shop.locator('#full-name').fill('Robin Rider')
    cartBefore = await shop.evaluate(() => localStorage.getItem('velo-cart'))
    expect(JSON.parse(cartBefore!)).toEqual([{ slug: 'trail-x1', qty: 1 }])
    // the server has the cart the shop reported
    await eventually(async () => {
      const row = await parley.db.shopperCart.findFirstOrThrow()
      expect(JSON.parse(row.state)).toMatchObject({ step: 'checkout', items: [{ sku: 'trail-x1', quantity: 1, price: 1299 }] })
    })
    await sleep((IDLE_SEC + 3) * 1000)
    expect(await card().count()).toBe(0)
    expect(await parley.db.proactiveOffer.count()).toBe(0)
  })

  it('an offer appears once the agent is Ready, and never covers the pay button or the cart link', async () => {
    // room below the form, so the pay button can be scrolled anywhere on the screen
    await shop.evaluate(() => (document.body.style.paddingBottom = '900px'))
    await scrollPayTo(600) // the pay button low on the screen, near the launcher
    await console_.locator('[data-test=state][data-state=ready]').click()
    await card().waitFor({ timeout: 15_000 })
    await expect.poll(() => card().locator('[data-test=offer-message]').textContent()).toContain('bike expert')
    expect(await card().locator('[data-test=offer-mode]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).toEqual(['chat', 'voice', 'phone'])
    await expectClear()
    const low = (await card().boundingBox())!
    await scrollPayTo(40) // now high: the card moves out of its way
    await expectClear()
    expect((await card().boundingBox())!.y).not.toBe(low.y)
    // Anna's console says she is held, with the cart; she need not click anything
    await expect.poll(() => console_.locator('[data-test=offer-hold]').textContent()).toMatch(/Stuck at checkout.*1,299\.00/s)
    // Anna, the matching agent, is the one held for it
    const anna = await parley.db.agent.findFirstOrThrow({ where: { email: AGENT_EMAILS.anna } })
    expect(parley.offers.offers.liveOffers()).toEqual([expect.objectContaining({ agentId: anna.id })])
  })

  it('yes with "browser voice" connects the agent by WebRTC; the cart and the page are unchanged', async () => {
    await card().locator('[data-test=offer-mode][data-mode=voice]').check()
    await card().locator('[data-test=offer-yes]').click()
    await expect.poll(() => card().count()).toBe(0)
    await expect.poll(() => console_.locator('[data-test=offer-hold]').count()).toBe(0)
    const shopCall = shop.locator('parley-call-view')
    const agentCall = activeChannel().locator('parley-call-view')
    await expect.poll(() => shopCall.getAttribute('data-state'), { timeout: 30_000 }).toBe('connected')
    await expect.poll(() => agentCall.getAttribute('data-state'), { timeout: 30_000 }).toBe('connected')
    await expect.poll(() => received(agentCall), { timeout: 20_000 }).toBeGreaterThan(0)
    await expect.poll(() => received(shopCall), { timeout: 20_000 }).toBeGreaterThan(0)
    const [call] = parley.services.calls.liveCalls()
    expect(call).toMatchObject({ status: 'active', video: false })
    // the agent sees the cart and the offer it came from
    await expect.poll(() => activeChannel().locator('[data-test=channel-offer]').textContent()).toContain('Stuck at checkout')
    await expect.poll(() => activeChannel().locator('[data-test=cart-value]').textContent()).toMatch(/1,299\.00/)
    expect(await activeChannel().locator('[data-test=cart-item]').allTextContents()).toEqual([expect.stringContaining('Trail bike X1')])
    expect(await pageState()).toEqual({ cart: cartBefore, url: `${parley.shopUrl}/checkout`, name: 'Robin Rider' })
    await endConversation()
    expect(await pageState()).toEqual({ cart: cartBefore, url: `${parley.shopUrl}/checkout`, name: 'Robin Rider' })
    expect(await parley.db.visitor.findFirstOrThrow({ where: { contactMode: { not: null } } })).toMatchObject({ contactMode: 'voice' })
  })

  it('the next offer remembers "browser voice"; with "phone" the sipp phone is called into the agent\'s call', async () => {
    await card().waitFor({ timeout: (IDLE_SEC + 15) * 1000 })
    await expectClear()
    expect(await card().locator('[data-test=offer-mode][data-mode=voice]').isChecked()).toBe(true)
    await card().locator('[data-test=offer-mode][data-mode=phone]').check()
    await expect.poll(() => card().locator('[data-test=offer-yes]').isDisabled()).toBe(true) // no number yet
    await card().locator('[data-test=offer-phone]').fill('+1 555 123 0000')
    await card().locator('[data-test=offer-yes]').click()
    await expect.poll(() => card().count()).toBe(0)
    const channelId = (await parley.db.proactiveOffer.findFirstOrThrow({ where: { mode: 'phone' } })).channelId!
    await eventually(async () => expect((await phoneEvents(parley, channelId)).map((e) => e.type)).toEqual(expect.arrayContaining(['phone.dialing', 'call.started', 'phone.answered'])), 20_000)
    expect(await parley.db.phoneCall.findFirstOrThrow({ where: { channelId } })).toMatchObject({ number: VISITOR_NUMBER, purpose: 'callback', direction: 'outbound' })
    await expect.poll(() => activeChannel().locator('parley-call-view').getAttribute('data-state'), { timeout: 30_000 }).toBe('connected')
    expect(await pageState()).toEqual({ cart: cartBefore, url: `${parley.shopUrl}/checkout`, name: 'Robin Rider' })
    await endConversation()
    await eventually(async () => expect((await phoneEvents(parley, channelId)).map((e) => e.type)).toContain('phone.ended'))
    // the phone got its INVITE, answered, and the BYE when the conversation ended
    expect((await sipp.result()).code).toBe(0)
  })

  it('"no thanks" is respected: no offer comes back, the cart is still the same', async () => {
    await card().waitFor({ timeout: (IDLE_SEC + 15) * 1000 })
    expect(await card().locator('[data-test=offer-mode][data-mode=phone]').isChecked()).toBe(true)
    await card().locator('[data-test=offer-no]').click()
    await expect.poll(() => card().count()).toBe(0)
    await sleep((IDLE_SEC + 4) * 1000)
    expect(await card().count()).toBe(0)
    expect((await parley.db.proactiveOffer.findMany({ orderBy: { createdAt: 'asc' } })).map((o) => [o.status, o.mode])).toEqual([
      ['accepted', 'voice'],
      ['accepted', 'phone'],
      ['declined', null],
    ])
    expect(await pageState()).toEqual({ cart: cartBefore, url: `${parley.shopUrl}/checkout`, name: 'Robin Rider' })
    expect(shopProblems).toEqual([])
  })
})

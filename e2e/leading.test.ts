/**
 * Browser leading and supervision in real Chromium, with a shopper, an agent (console plus
 * co-browsing tab) and a supervisor: the agent sends the shopper to the checkout and the chat
 * stays; the agent highlights the Pay button (a screenshot is kept in e2e/artifacts) and fills
 * a delivery field, while card and password fields stay untouched; the baton goes to the
 * shopper, who leads the agent's tab to the cart; the supervisor monitors, whispers (no frame
 * the shopper's browser receives carries it) and barges in, and everyone sees them.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Parley } from '../server/app.js'
import { AGENT_EMAILS, DEMO_PASSWORD, startTestParley } from '../test/support/parley-harness.js'
import { launchChromium, watchConsole } from './support/browser.js'

const ARTIFACTS = path.resolve(import.meta.dirname, 'artifacts')

let parley: Parley
let browser: Browser
let shopperContext: BrowserContext
let agentContext: BrowserContext
let supervisorContext: BrowserContext
let shop: Page
let agent: Page
let cobrowse: Page
let supervisor: Page
/** every websocket frame the shopper's browser received, on every page */
const shopperFrames: string[] = []

beforeAll(async () => {
  parley = await startTestParley()
  browser = await launchChromium()
  shopperContext = await browser.newContext()
  agentContext = await browser.newContext()
  supervisorContext = await browser.newContext()
  fs.mkdirSync(ARTIFACTS, { recursive: true })
})

afterAll(async () => {
  await browser?.close()
  await parley?.close()
})

async function logIn(page: Page, email: string): Promise<void> {
  await page.goto(`${parley.url}/agent/`)
  await page.locator('[data-test=login-tenant]').fill('demo')
  await page.locator('[data-test=login-email]').fill(email)
  await page.locator('[data-test=login-password]').fill(DEMO_PASSWORD)
  await page.locator('[data-test=login-submit]').click()
  await expect.poll(() => page.locator('[data-test=connection]').getAttribute('data-status')).toBe('connected')
}

const channelView = (page: Page) => page.locator('parley-channel-view[active]')

describe('leading and supervision in Chromium', () => {
  it('a shopper and an agent start chatting', async () => {
    agent = await agentContext.newPage()
    await logIn(agent, AGENT_EMAILS.anna)
    await agent.locator('[data-test=state][data-state=ready]').click()
    await expect.poll(() => agent.locator('[data-test=state-picker]').getAttribute('data-current')).toBe('ready')

    shop = await shopperContext.newPage()
    shop.on('websocket', (socket) => socket.on('framereceived', (frame) => shopperFrames.push(String(frame.payload))))
    await shop.goto(`${parley.shopUrl}/products/trail-x1`)
    await shop.locator('[data-test=launcher]').click()
    await shop.locator('[data-test=question]').fill('Can you help me check out?')
    await shop.locator('[data-test=start]').click()
    await agent.locator('[data-test=offer] [data-test=accept]').click()
    await channelView(agent).locator('[data-test=lead-panel]').waitFor()
    await shop.locator('[data-test=monitoring-notice]').waitFor()
    await expect.poll(() => shop.locator('[data-test=lead-strip]').getAttribute('data-leading')).toBe('other')
    // the console learns where the visitor is
    await expect.poll(() => channelView(agent).locator('[data-test=visitor-page]').textContent()).toContain('/products/trail-x1')
  })

  it('the agent sends the shopper to the checkout, and the chat comes along', async () => {
    const problems = watchConsole(shop)
    await channelView(agent).locator('[data-test=push-url]').fill('/checkout')
    await channelView(agent).locator('[data-test=push]').click()
    await shop.waitForURL(`${parley.shopUrl}/checkout`)
    await expect.poll(() => shop.locator('[data-test=message]').allTextContents(), { timeout: 15_000 }).toEqual([expect.stringContaining('Can you help me check out?')])
    await expect.poll(() => channelView(agent).locator('[data-test=visitor-page]').textContent()).toContain('/checkout')
    expect(problems).toEqual([])
  })

  it('the agent co-browses: highlights the Pay button and fills a delivery field, never the card', async () => {
    const opened = agentContext.waitForEvent('page')
    await channelView(agent).locator('[data-test=cobrowse]').click()
    cobrowse = await opened
    await cobrowse.waitForURL(`${parley.shopUrl}/checkout`)
    await expect.poll(() => cobrowse.locator('[data-test=companion-bar]').getAttribute('data-state')).toBe('leading')
    // no "Talk to us" in the agent's own tab, and the token is gone from the address bar
    expect(await cobrowse.locator('[data-test=launcher]').count()).toBe(0)
    expect(cobrowse.url()).not.toContain('parley-lead')

    await cobrowse.locator('#pay').evaluate((button) => button.scrollIntoView({ block: 'center' }))
    await cobrowse.locator('[data-test=companion-highlight]').click()
    await cobrowse.locator('[data-test=lead-picker]').waitFor()
    const pay = await cobrowse.locator('#pay').boundingBox()
    await cobrowse.mouse.click(pay!.x + pay!.width / 2, pay!.y + pay!.height / 2)
    const ring = shop.locator('[data-test=lead-highlight]')
    await ring.waitFor()
    /** the ring encloses the button on the shopper's page (it scrolls there smoothly first) */
    const encloses = async () => {
      const [r, p] = await Promise.all([ring.boundingBox(), shop.locator('#pay').boundingBox()])
      return !!r && !!p && r.x < p.x && r.y < p.y && r.x + r.width > p.x + p.width && r.y + r.height > p.y + p.height
    }
    await expect.poll(encloses).toBe(true)
    await shop.screenshot({ path: path.join(ARTIFACTS, 'leading-highlight.png') })
    // the ring stays on the button when the page scrolls and resizes
    await shop.setViewportSize({ width: 900, height: 600 })
    await shop.mouse.wheel(0, -150)
    await expect.poll(encloses).toBe(true)

    await cobrowse.locator('#street').pressSequentially('Hauptstrasse 5', { delay: 15 })
    await cobrowse.locator('#card-number').pressSequentially('4111111111111111', { delay: 5 })
    await cobrowse.locator('#account-password').fill('hunter2hunter2')
    await expect.poll(() => shop.locator('#street').inputValue()).toBe('Hauptstrasse 5')
    await new Promise((resolve) => setTimeout(resolve, 800))
    expect(await shop.locator('#card-number').inputValue()).toBe('')
    expect(await shop.locator('#account-password').inputValue()).toBe('')
    const stored = await parley.db.channelEvent.findMany({ where: { type: 'lead.fill' } })
    expect(stored.map((e) => JSON.parse(e.payload).selector)).toEqual(expect.arrayContaining(['#street']))
    expect(JSON.stringify(stored)).not.toContain('4111')
    expect(JSON.stringify(stored)).not.toContain('hunter2')
  })

  it('the baton goes to the shopper, who leads the agent’s tab to the cart', async () => {
    await cobrowse.locator('[data-test=companion-give-lead]').click()
    await expect.poll(() => shop.locator('[data-test=lead-strip]').getAttribute('data-leading')).toBe('self')
    await expect.poll(() => cobrowse.locator('[data-test=companion-bar]').getAttribute('data-state')).toBe('following')
    await shop.locator('[data-test=cart-link]').click()
    await shop.waitForURL(`${parley.shopUrl}/cart`)
    await cobrowse.waitForURL(`${parley.shopUrl}/cart`, { timeout: 15_000 })
    await expect.poll(() => cobrowse.locator('[data-test=companion-bar]').getAttribute('data-state')).toBe('following')
    // and the agent takes it back from the console
    await channelView(agent).locator('[data-test=participant][data-role=agent] [data-test=give-lead]').click()
    await expect.poll(() => shop.locator('[data-test=lead-strip]').getAttribute('data-leading')).toBe('other')
  })

  it('a supervisor monitors silently and whispers; the shopper’s browser never receives it', async () => {
    supervisor = await supervisorContext.newPage()
    await logIn(supervisor, AGENT_EMAILS.sam)
    await supervisor.locator('[data-test=live-tab]').click()
    await supervisor.locator('[data-test=sup-channel] [data-test=monitor]').click()
    await channelView(supervisor).locator('[data-test=monitor-panel]').waitFor()
    await expect.poll(() => channelView(supervisor).locator('[data-test=message]').allTextContents()).toEqual([expect.stringContaining('Can you help me check out?')])
    expect(await shop.locator('parley-chat-panel').evaluate((panel) => panel.shadowRoot!.textContent)).not.toContain('Sam')

    await channelView(supervisor).locator('[data-test=input]').fill('Offer them free shipping, code SHIPFREE')
    await channelView(supervisor).locator('[data-test=send]').click()
    const whisper = channelView(agent).locator('[data-test=whisper]')
    await expect.poll(() => whisper.textContent()).toContain('SHIPFREE')
    await whisper.locator('[data-test=use-whisper]').click()
    await expect.poll(() => channelView(agent).locator('[data-test=input]').inputValue()).toContain('SHIPFREE')
    await channelView(agent).locator('[data-test=input]').fill('Good news: use the code SHIPFREE for free delivery.')
    await channelView(agent).locator('[data-test=send]').click()
    await expect.poll(() => shop.locator('[data-test=message][data-role=agent]').allTextContents()).toEqual([expect.stringContaining('use the code SHIPFREE')])
    // the shopper reloads: the resumed log has no trace of the whisper either
    await shop.reload()
    await expect.poll(() => shop.locator('[data-test=message]').count(), { timeout: 15_000 }).toBe(2)
    const received = shopperFrames.join('\n')
    expect(received).toContain('use the code SHIPFREE')
    expect(received).not.toContain('Offer them free shipping')
    expect(received).not.toContain('whisper')
    expect(received).not.toContain('Sam Supervisor')
  })

  it('the supervisor barges in and everyone sees them', async () => {
    await channelView(supervisor).locator('[data-test=barge]').click()
    await expect.poll(() => shop.locator('[data-test=system]').allTextContents()).toContain('Sam Supervisor (supervisor) joined the chat')
    await expect.poll(() => channelView(agent).locator('[data-test=system]').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Sam Supervisor barged in')]))
    await channelView(supervisor).locator('[data-test=audience]').selectOption('everyone')
    await channelView(supervisor).locator('[data-test=input]').fill('Hi, I am Sam, the team lead. Enjoy the free shipping!')
    await channelView(supervisor).locator('[data-test=send]').click()
    await expect.poll(() => shop.locator('[data-test=message][data-role=supervisor]').allTextContents()).toEqual([expect.stringContaining('I am Sam')])
    await expect.poll(() => channelView(agent).locator('[data-test=message][data-role=supervisor]').count()).toBe(1)
  })
})

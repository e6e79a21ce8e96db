/**
 * The first complete journey in real Chromium: a shopper on the demo shop clicks "Talk to
 * us", asks a question and waits; an agent logged into the console is notified, accepts,
 * both chat (the agent sees the visitor's text as it is typed), the shopper browses to
 * another page without losing the conversation, and the agent ends it.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Parley } from '../server/app.js'
import { AGENT_EMAILS, DEMO_PASSWORD, eventually, startTestParley } from '../test/support/parley-harness.js'
import { launchChromium, watchConsole } from './support/browser.js'

let parley: Parley
let browser: Browser
let shopper: BrowserContext
let agentContext: BrowserContext
let shop: Page
let console_: Page

beforeAll(async () => {
  parley = await startTestParley()
  browser = await launchChromium()
  shopper = await browser.newContext()
  agentContext = await browser.newContext()
})

afterAll(async () => {
  await browser?.close()
  await parley?.close()
})

const activeChannel = (page: Page) => page.locator('parley-channel-view[active]')

describe('click to chat in Chromium', () => {
  it('an agent logs in and sets themselves Ready', async () => {
    console_ = await agentContext.newPage()
    await console_.goto(`${parley.url}/agent/`)
    await console_.locator('[data-test=login-tenant]').fill('demo')
    await console_.locator('[data-test=login-email]').fill(AGENT_EMAILS.anna)
    await console_.locator('[data-test=login-password]').fill(DEMO_PASSWORD)
    await console_.locator('[data-test=login-submit]').click()
    await console_.locator('[data-test=state][data-state=ready]').click()
    await expect.poll(() => console_.locator('[data-test=state-picker]').getAttribute('data-current')).toBe('ready')
    await expect.poll(() => console_.locator('[data-test=connection]').getAttribute('data-status')).toBe('connected')
  })

  it('the shopper sees the button, opens the chat and queues a question', async () => {
    shop = await shopper.newPage()
    const problems = watchConsole(shop)
    await shop.goto(`${parley.shopUrl}/products/trail-x1`)
    const launcher = shop.locator('[data-test=launcher]')
    await launcher.waitFor()
    // nothing but the loader before the click
    const before = await shop.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name))
    expect(before.some((name) => name.includes('/assets/'))).toBe(false)
    await launcher.click()
    await shop.locator('[data-test=question]').fill('Does the X1 come in XL?')
    await shop.locator('[data-test=start]').click()
    await expect.poll(() => shop.locator('[data-test=position]').textContent()).toContain('1')
    expect(problems).toEqual([])
  })

  it('the agent is notified with the question and the page, and accepts', async () => {
    const offer = console_.locator('[data-test=offer]')
    await offer.waitFor()
    await expect.poll(() => offer.textContent()).toContain('Does the X1 come in XL?')
    await expect.poll(() => offer.locator('[data-test=offer-page]').getAttribute('href')).toBe(`${parley.shopUrl}/products/trail-x1`)
    await expect.poll(() => console_.title()).toMatch(/^\(1\)/)
    await offer.locator('[data-test=accept]').click()
    await activeChannel(console_).locator('[data-test=input]').waitFor()
    await expect.poll(() => console_.locator('[data-test=capacity]').textContent()).toContain('1')
  })

  it('messages go both ways and the agent sees the shopper typing', async () => {
    await shop.locator('[data-test=input]').waitFor()
    await activeChannel(console_).locator('[data-test=input]').fill('Hi, Anna here. Yes, XL is in stock.')
    await activeChannel(console_).locator('[data-test=send]').click()
    await expect.poll(() => shop.locator('[data-test=message][data-role=agent]').allTextContents()).toEqual([expect.stringContaining('XL is in stock')])

    await shop.locator('[data-test=input]').pressSequentially('Great, and the pri', { delay: 20 })
    await expect.poll(() => activeChannel(console_).locator('[data-test=typing-preview]').textContent()).toContain('Great, and the pri')
    await shop.locator('[data-test=input]').pressSequentially('ce?', { delay: 20 })
    await shop.locator('[data-test=input]').press('Enter')
    await expect
      .poll(() => activeChannel(console_).locator('[data-test=message][data-role=visitor]').allTextContents())
      .toEqual([expect.stringContaining('Does the X1 come in XL?'), expect.stringContaining('Great, and the price?')])
    await expect.poll(() => activeChannel(console_).locator('[data-test=typing-preview]').count()).toBe(0)
  })

  it('the conversation follows the shopper to another page', async () => {
    await shop.goto(`${parley.shopUrl}/products/helmet-aero`)
    await expect
      .poll(() => shop.locator('[data-test=message]').allTextContents(), { timeout: 15_000 })
      .toEqual([expect.stringContaining('Does the X1 come in XL?'), expect.stringContaining('XL is in stock'), expect.stringContaining('Great, and the price?')])
    await shop.locator('[data-test=input]').fill('Now looking at helmets')
    await shop.locator('[data-test=send]').click()
    await expect.poll(() => activeChannel(console_).locator('[data-test=message][data-role=visitor]').last().textContent()).toContain('Now looking at helmets')
  })

  it('the agent ends the conversation and both see it ended', async () => {
    await activeChannel(console_).locator('[data-test=end]').click()
    await activeChannel(console_).locator('[data-test=end-confirm]').click()
    await activeChannel(console_).locator('[data-test=ended]').waitFor()
    await shop.locator('[data-test=ended]').waitFor()
    await expect.poll(() => console_.locator('[data-test=capacity]').textContent()).toContain('0')
    await eventually(async () => {
      const channels = await parley.db.channel.findMany()
      expect(channels.map((c) => [c.status, c.endReason])).toEqual([['ended', 'agent_left']])
    })
    // every event of the conversation is archived, in order, with its time
    const events = await parley.db.channelEvent.findMany({ orderBy: { seq: 'asc' } })
    expect(events.filter((e) => e.type === 'chat.message').map((e) => JSON.parse(e.payload).text)).toEqual([
      'Does the X1 come in XL?',
      'Hi, Anna here. Yes, XL is in stock.',
      'Great, and the price?',
      'Now looking at helmets',
    ])
    expect(events.some((e) => e.type === 'typing.burst')).toBe(true)
  })
})

describe('embedding from a site that is not allowed', () => {
  let foreign: http.Server

  afterAll(() => new Promise<void>((resolve) => foreign?.close(() => resolve())))

  it('shows no button, logs the reason and records the attempt for the admin', async () => {
    foreign = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html')
      res.end(`<!doctype html><title>Other shop</title><h1>Other shop</h1><script src="${parley.url}/widget.js" data-tenant="demo" async></script>`)
    })
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`
    const page = await shopper.newPage()
    const problems = watchConsole(page)
    await page.goto(`${origin}/`)
    await expect.poll(() => problems.join('\n')).toContain('is not allowed to embed this Parley widget')
    expect(await page.locator('[data-test=launcher]').count()).toBe(0)
    await eventually(async () => {
      const refused = await parley.db.refusedOrigin.findMany()
      expect(refused.map((r) => r.origin)).toEqual([origin])
    })
  })
})

/**
 * Hostile content in real Chromium: markup typed by a shopper (question, messages, live typing)
 * and set by an admin (agent name, topic name, monitoring notice) shows as text in the widget
 * on the shop's site and in the agent console, and never runs (an <img onerror> would set
 * window.__pwned). The printable exports are covered by test/escaping.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Parley } from '../server/app.js'
import { AGENT_EMAILS, DEMO_PASSWORD, login, startTestParley } from '../test/support/parley-harness.js'
import { launchChromium } from './support/browser.js'

const EVIL = '<img src=x onerror="window.__pwned=1">'

let parley: Parley
let browser: Browser
let shop: Page
let console_: Page

const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)
const activeChannel = () => console_.locator('parley-channel-view[active]')

beforeAll(async () => {
  parley = await startTestParley()
  const admin = await login(parley.url, AGENT_EMAILS.admin)
  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${parley.url}${path}`, { method, headers: { cookie: admin, origin: parley.url, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
    return response.json() as Promise<any>
  }
  const anna = await parley.db.agent.findFirstOrThrow({ where: { email: AGENT_EMAILS.anna } })
  await call('PATCH', `/api/admin/team/${anna.id}`, { displayName: `Anna ${EVIL}` })
  const routing = await call('GET', '/api/admin/routing', undefined)
  const general = routing.queues.find((queue: { isDefault: boolean }) => queue.isDefault)
  const { id, tenantId: _t, createdAt: _c, updatedAt: _u, ...queue } = general
  await call('PUT', `/api/admin/queues/${id}`, { ...queue, name: `General ${EVIL}` })
  await call('PUT', '/api/admin/settings', { monitoringNotice: `Recorded ${EVIL}` })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await parley?.close()
})

describe('hostile text in the widget and the console', () => {
  it('shows the admin’s names and notice as text on the shop page', async () => {
    console_ = await (await browser.newContext()).newPage()
    await console_.goto(`${parley.url}/agent/`)
    await console_.locator('[data-test=login-tenant]').fill('demo')
    await console_.locator('[data-test=login-email]').fill(AGENT_EMAILS.anna)
    await console_.locator('[data-test=login-password]').fill(DEMO_PASSWORD)
    await console_.locator('[data-test=login-submit]').click()
    await console_.locator('[data-test=state][data-state=ready]').click()
    await expect.poll(() => console_.locator('[data-test=state-picker]').getAttribute('data-current')).toBe('ready')

    shop = await (await browser.newContext()).newPage()
    await shop.goto(`${parley.shopUrl}/products/trail-x1`)
    await shop.locator('[data-test=launcher]').click()
    await expect.poll(() => shop.locator('[data-test=topic]').allTextContents()).toContainEqual(expect.stringContaining(`General ${EVIL}`))
    await shop.locator('[data-test=question]').fill(`Question ${EVIL}`)
    await shop.locator('[data-test=start]').click()
    expect(await pwned(shop)).toBeUndefined()
  })

  it('shows the shopper’s question, typing and messages as text in the console', async () => {
    const offer = console_.locator('[data-test=offer]')
    await expect.poll(() => offer.textContent()).toContain(`Question ${EVIL}`)
    await offer.locator('[data-test=accept]').click()
    await activeChannel().locator('[data-test=input]').waitFor()
    await shop.locator('[data-test=input]').waitFor()
    await expect.poll(() => shop.locator('[data-test=monitoring-notice]').textContent()).toContain(`Recorded ${EVIL}`)

    await shop.locator('[data-test=input]').pressSequentially(`Typing ${EVIL}`, { delay: 5 })
    await expect.poll(() => activeChannel().locator('[data-test=typing-preview]').textContent()).toContain(`Typing ${EVIL}`)
    await shop.locator('[data-test=input]').press('Enter')
    await expect.poll(() => activeChannel().locator('[data-test=message][data-role=visitor]').allTextContents()).toContainEqual(expect.stringContaining(`Typing ${EVIL}`))

    await activeChannel().locator('[data-test=input]').fill(`Reply ${EVIL}`)
    await activeChannel().locator('[data-test=send]').click()
    await expect.poll(() => shop.locator('[data-test=message][data-role=agent]').allTextContents()).toContainEqual(expect.stringContaining(`Reply ${EVIL}`))
    await expect.poll(() => shop.locator('[data-test=message][data-role=agent]').first().textContent()).toContain(`Anna ${EVIL}`)

    // nothing ran, and no element came from the text
    expect(await pwned(shop)).toBeUndefined()
    expect(await pwned(console_)).toBeUndefined()
    for (const page of [shop, console_]) expect(await page.locator('img[src="x"]').count()).toBe(0)
  })
})

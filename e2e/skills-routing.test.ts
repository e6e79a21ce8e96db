/**
 * Skills-based routing in real Chromium: Anna (bikes, no accessories) and Ben (accessories)
 * are both Ready; a shopper picks the "Helmets & locks" topic and only Ben is offered the
 * request. Ben goes Not ready: the shopper's widget shows a wait estimate and the overflow
 * choices (keep waiting, book a time, leave); they keep waiting, Ben comes back and takes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Parley } from '../server/app.js'
import { parseRoutingEvent } from '../server/domain/routing-log.js'
import { AGENT_EMAILS, DEMO_PASSWORD, eventually, startTestParley } from '../test/support/parley-harness.js'
import { launchChromium, watchConsole } from './support/browser.js'

let parley: Parley
let browser: Browser
const contexts: BrowserContext[] = []
let anna: Page
let ben: Page
let shop: Page

beforeAll(async () => {
  parley = await startTestParley()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await parley?.close()
})

async function consoleFor(email: string): Promise<Page> {
  const context = await browser.newContext()
  contexts.push(context)
  const page = await context.newPage()
  await page.goto(`${parley.url}/agent/`)
  await page.locator('[data-test=login-tenant]').fill('demo')
  await page.locator('[data-test=login-email]').fill(email)
  await page.locator('[data-test=login-password]').fill(DEMO_PASSWORD)
  await page.locator('[data-test=login-submit]').click()
  await page.locator('[data-test=state][data-state=ready]').click()
  await expect.poll(() => page.locator('[data-test=state-picker]').getAttribute('data-current')).toBe('ready')
  await expect.poll(() => page.locator('[data-test=connection]').getAttribute('data-status')).toBe('connected')
  return page
}

/** Every agent the router ever offered a request to, from its replayable log. */
async function offeredTo(): Promise<string[]> {
  await parley.services.engine.flush()
  const entries = await parley.db.routingLogEntry.findMany({ orderBy: { id: 'asc' } })
  const agents = await parley.db.agent.findMany({ select: { id: true, displayName: true } })
  const names = new Map(agents.map((agent) => [agent.id, agent.displayName]))
  const offered = new Set<string>()
  for (const entry of entries) {
    const event = parseRoutingEvent(entry.payload)
    if (event.type === 'offer-made') offered.add(names.get(event.agentId) ?? event.agentId)
  }
  return [...offered]
}

describe('skills-based routing in Chromium', () => {
  it('two agents with different skills are Ready', async () => {
    anna = await consoleFor(AGENT_EMAILS.anna)
    ben = await consoleFor(AGENT_EMAILS.ben)
  })

  it('a shopper picks a topic and only the agent with that skill is offered the request', async () => {
    const context = await browser.newContext()
    contexts.push(context)
    shop = await context.newPage()
    const problems = watchConsole(shop)
    await shop.goto(`${parley.shopUrl}/`)
    await shop.locator('[data-test=launcher]').click()
    await shop.locator('[data-test=topic][data-topic=accessories]').click()
    await shop.locator('[data-test=question]').fill('Which helmet fits a 58 cm head?')
    await shop.locator('[data-test=start]').click()
    await expect.poll(() => shop.locator('[data-test=queue]').textContent()).toContain('Helmets & locks')

    const offer = ben.locator('[data-test=offer]')
    await offer.waitFor()
    await expect.poll(() => offer.textContent()).toContain('Which helmet fits a 58 cm head?')
    await expect.poll(() => offer.locator('[data-test=offer-queue]').textContent()).toContain('Helmets & locks')
    expect(await anna.locator('[data-test=offer]').count()).toBe(0)
    expect(await offeredTo()).toEqual(['Ben'])
    expect(problems).toEqual([])
  })

  it('when that agent goes Not ready, the widget shows the wait estimate and the overflow choices', async () => {
    await ben.locator('[data-test=state][data-state=not_ready]').click()
    await ben.locator('[data-test=state-reason][data-state=not_ready][data-reason=Meeting]').click()
    await expect.poll(() => ben.locator('[data-test=state-picker]').getAttribute('data-current')).toBe('not_ready')
    await expect.poll(() => ben.locator('[data-test=offer]').count()).toBe(0)

    const overflow = shop.locator('[data-test=overflow]')
    await overflow.waitFor()
    await expect.poll(() => shop.locator('[data-test=estimate]').textContent()).toMatch(/Estimated wait: about \d+(–\d+)? min/)
    expect(await overflow.locator('[data-test=keep-waiting]').isVisible()).toBe(true)
    expect(await overflow.locator('[data-test=book]').isVisible()).toBe(true)
    expect(await overflow.locator('[data-test=leave]').isVisible()).toBe(true)
    // Anna is Ready, but not for helmets: still nobody offers it to her
    expect(await anna.locator('[data-test=offer]').count()).toBe(0)
  })

  it('the shopper keeps waiting while browsing; the agent comes back and takes it', async () => {
    await shop.locator('[data-test=keep-waiting]').click()
    await expect.poll(() => shop.locator('[data-test=overflow]').count()).toBe(0)
    await shop.goto(`${parley.shopUrl}/products/helmet-aero`)
    await expect.poll(() => shop.locator('[data-test=waiting]').count(), { timeout: 15_000 }).toBe(1)
    await expect.poll(() => shop.locator('[data-test=estimate]').textContent()).toMatch(/min/)

    await ben.locator('[data-test=state][data-state=ready]').click()
    const offer = ben.locator('[data-test=offer]')
    await offer.waitFor()
    await offer.locator('[data-test=accept]').click()
    await shop.locator('[data-test=input]').waitFor()
    expect(await anna.locator('[data-test=offer]').count()).toBe(0)
    await eventually(async () => {
      const channels = await parley.db.channel.findMany({ include: { participants: true } })
      const benId = (await parley.db.agent.findFirstOrThrow({ where: { displayName: 'Ben' } })).id
      expect(channels.map((channel) => channel.participants.flatMap((p) => (p.agentId ? [p.agentId] : [])))).toEqual([[benId]])
    })
    expect(await offeredTo()).toEqual(['Ben'])
  })
})

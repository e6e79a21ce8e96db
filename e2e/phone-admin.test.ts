/**
 * In Chromium: an admin sets up a SIP trunk in the admin console: field errors before and
 * after sending, the saved trunk listening with its number, the password never shown again
 * (an edit keeps it), the phone settings, and deleting it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Parley } from '../server/app.js'
import { AGENT_EMAILS, DEMO_PASSWORD, startTestParley } from '../test/support/parley-harness.js'
import { launchChromium, watchConsole } from './support/browser.js'

let parley: Parley
let browser: Browser
let page: Page
let problems: string[]

beforeAll(async () => {
  parley = await startTestParley()
  browser = await launchChromium()
  page = await (await browser.newContext()).newPage()
  problems = watchConsole(page)
  await page.goto(`${parley.url}/agent/`)
  await page.locator('[data-test=login-tenant]').fill('demo')
  await page.locator('[data-test=login-email]').fill(AGENT_EMAILS.admin)
  await page.locator('[data-test=login-password]').fill(DEMO_PASSWORD)
  await page.locator('[data-test=login-submit]').click()
  await page.locator('[data-test=admin-tab]').click()
  await page.locator('[data-test=admin-nav][data-section=trunks]').click()
  await page.locator('[data-test=phone-admin]').waitFor()
  problems.length = 0
})

afterAll(async () => {
  await browser?.close()
  await parley?.close()
})

describe('SIP trunks in the admin console', () => {
  it('refuses a bad form, saves a trunk and shows where it listens, never showing its password', async () => {
    await page.locator('[data-test=trunk-new]').click()
    const form = page.locator('parley-trunk-form')
    await form.locator('[data-test=trunk-name]').fill('Carrier')
    await form.locator('[data-test=trunk-host]').fill('127.0.0.1')
    await form.locator('[data-test=trunk-callerId]').fill('0301234')
    await form.locator('[data-test=trunk-username]').fill('acct')
    await form.locator('[data-test=trunk-save]').click()
    await expect.poll(() => form.locator('[data-test=field-error]').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('international number'), expect.stringContaining('password')]))

    await form.locator('[data-test=trunk-callerId]').fill('+49 30 1234567')
    await form.locator('[data-test=trunk-password]').fill('very-secret')
    await form.locator('[data-test=trunk-localPort]').fill('0')
    await form.locator('[data-test=trunk-add-did]').click()
    await form.locator('[data-test=trunk-did] input').first().fill('+49 30 7654321')
    await form.locator('[data-test=trunk-did] select').selectOption('bikes')
    await form.locator('[data-test=trunk-save]').click()

    const row = page.locator('[data-test=trunk-row][data-trunk=Carrier]')
    await row.waitFor()
    await expect.poll(() => row.locator('[data-test=trunk-status]').textContent()).toMatch(/Listening on UDP 127\.0\.0\.1:\d+/)
    expect(await row.textContent()).toContain('+49307654321')
    expect(await row.textContent()).toContain('password set')
    expect(await page.content()).not.toContain('very-secret')
    const stored = await parley.db.trunk.findFirstOrThrow({ where: { name: 'Carrier' }, include: { dids: true } })
    expect(stored).toMatchObject({ callerId: '+49301234567', password: 'very-secret', dids: [{ number: '+49307654321' }] })

    // editing keeps the password unless a new one is typed
    await row.locator('[data-test=trunk-edit]').click()
    expect(await form.locator('[data-test=trunk-password]').inputValue()).toBe('')
    await form.locator('[data-test=trunk-name]').fill('Carrier A')
    await form.locator('[data-test=trunk-save]').click()
    await page.locator('[data-test=trunk-row][data-trunk="Carrier A"]').waitFor()
    expect((await parley.db.trunk.findFirstOrThrow({ where: { name: 'Carrier A' } })).password).toBe('very-secret')
  })

  it('saves the phone settings and deletes the trunk', async () => {
    await page.locator('[data-test=phone-setting-phoneNumbersVisible]').check()
    await expect.poll(() => page.locator('[data-test=phone-admin-status]').textContent()).toContain('saved')
    const tenant = await parley.db.tenant.findFirstOrThrow({ where: { slug: 'demo' } })
    expect(JSON.parse(tenant.settings)).toMatchObject({ phoneNumbersVisible: true, phoneFallback: true })

    page.once('dialog', (dialog) => void dialog.accept())
    await page.locator('[data-test=trunk-row][data-trunk="Carrier A"] [data-test=trunk-delete]').click()
    await expect.poll(() => page.locator('[data-test=trunk-row]').count()).toBe(0)
    expect(await parley.db.trunk.count()).toBe(0)
    expect(problems).toEqual([])
  })
})

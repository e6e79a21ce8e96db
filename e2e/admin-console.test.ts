/**
 * In Chromium: an admin runs the contact center from the console: reports of a scripted day
 * as charts with a CSV download, forms that refuse bad input with field errors (team,
 * price plan, webhooks), a team member created with a password shown once, and every change
 * in the audit log.
 */
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Parley } from '../server/app.js'
import { AGENT_EMAILS, DEMO_PASSWORD, startTestParley } from '../test/support/parley-harness.js'
import { DAY, writeScriptedDay } from '../test/support/scripted-day.js'
import { launchChromium, watchConsole } from './support/browser.js'

let parley: Parley
let browser: Browser
let page: Page
let problems: string[]

beforeAll(async () => {
  parley = await startTestParley()
  await writeScriptedDay(parley.db)
  browser = await launchChromium()
  page = await (await browser.newContext({ acceptDownloads: true })).newPage()
  problems = watchConsole(page)
  await page.goto(`${parley.url}/agent/`)
  await page.locator('[data-test=login-tenant]').fill('demo')
  await page.locator('[data-test=login-email]').fill(AGENT_EMAILS.admin)
  await page.locator('[data-test=login-password]').fill(DEMO_PASSWORD)
  await page.locator('[data-test=login-submit]').click()
  await page.locator('[data-test=reports-tab]').waitFor()
  problems.length = 0 // the 401 of "who am I" before logging in
})

afterAll(async () => {
  await browser?.close()
  await parley?.close()
})

const section = async (id: string) => {
  await page.locator('[data-test=admin-tab]').click()
  await page.locator(`[data-test=admin-nav][data-section=${id}]`).click()
  await page.locator(`[data-test=admin-console][data-section=${id}]`).waitFor()
}

describe('the admin console in Chromium', () => {
  it('shows the scripted day as charts and downloads a table as CSV', async () => {
    await page.locator('[data-test=reports-tab]').click()
    for (const which of ['report-from', 'report-to']) {
      await page.locator(`[data-test=${which}]`).fill(DAY)
      await page.locator(`[data-test=${which}]`).dispatchEvent('change')
    }
    await expect.poll(() => page.locator('[data-test=tile-offered]').textContent()).toBe('8')
    expect(await page.locator('parley-bar-chart [data-test=bar]').count()).toBeGreaterThan(4)
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('parley-data-table [data-test=csv]').first().click()])
    expect(download.suggestedFilename()).toBe(`parley-queues-by-hour-${DAY}.csv`)
    const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split('\r\n')
    expect(csv[0]).toBe('Hour,Offered,Answered,Abandoned,Left,Avg wait,Max wait,Abandon rate,Service level')
    expect(csv.slice(1).map((row) => row.split(',').slice(0, 3).join(','))).toEqual(['00:00,1,0', '09:00,3,2', '10:00,2,1', '14:00,2,2'])
    await page.locator('[data-test=report-tab][data-tab=agents]').click()
    await expect.poll(() => page.locator('parley-data-table table').first().textContent()).toContain('Anna')
  })

  it('refuses a bad team member with field errors, then shows the new password once', async () => {
    await section('team')
    await page.locator('[data-test=team-email]').fill('not-an-email')
    await page.locator('[data-test=team-create]').click()
    expect(await page.locator('[data-test=field-error][data-field=email]').textContent()).toContain('email')
    expect(await page.locator('[data-test=field-error][data-field=displayName]').textContent()).toContain('required')
    await page.locator('[data-test=team-email]').fill('dora@demo.parley.local')
    await page.locator('[data-test=team-displayName]').fill('Dora')
    await page.locator('[data-test=team-role]').selectOption('supervisor')
    await page.locator('[data-test=team-create]').click()
    const password = await page.locator('[data-test=team-password-value]').textContent()
    expect(password).toHaveLength(16)
    await expect.poll(() => page.locator('[data-test=team-row][data-email="dora@demo.parley.local"]').textContent()).toContain('Supervisor')
    // the server refuses a duplicate with a clear message
    await page.locator('[data-test=team-email]').fill('dora@demo.parley.local')
    await page.locator('[data-test=team-displayName]').fill('Dora again')
    await page.locator('[data-test=team-create]').click()
    await expect.poll(() => page.locator('[data-test=form-error]').textContent()).toContain('already has an account')
  })

  it('checks the price plan and webhook forms in the browser and on the server', async () => {
    await section('plan')
    await page.locator('[data-test=plan-chatMinuteMicros]').fill('0.0000001')
    await page.locator('[data-test=plan-currency]').fill('euro')
    await page.locator('[data-test=plan-save]').click()
    expect(await page.locator('[data-test=field-error][data-field=chatMinuteMicros]').textContent()).toContain('6 decimals')
    expect(await page.locator('[data-test=field-error][data-field=currency]').textContent()).toContain('3-letter')
    await page.locator('[data-test=plan-chatMinuteMicros]').fill('0.012')
    await page.locator('[data-test=plan-currency]').fill('EUR')
    await page.locator('[data-test=plan-save]').click()
    await expect.poll(async () => (await parley.db.pricePlan.findFirst())?.chatMinuteMicros).toBe(12_000)

    await section('webhooks')
    await page.locator('[data-test=webhook-url]').fill('crm.example.com')
    await page.locator('[data-test=webhook-create]').click()
    expect(await page.locator('parley-webhooks-editor .field-error[data-field=url]').textContent()).toContain('full URL')
    await page.locator('[data-test=webhook-url]').fill('https://crm.example.com/parley')
    await page.locator('[data-test=webhook-create]').click()
    await expect.poll(() => page.locator('[data-test=webhook-secret]').textContent()).toMatch(/whsec_/)
    await expect.poll(() => page.locator('[data-test=webhook-row]').count()).toBe(1)
  })

  it('lists every change in the audit log', async () => {
    await section('audit')
    await expect.poll(() => page.locator('[data-test=audit-entry]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')))).toEqual(['webhook.create', 'price_plan.update', 'agent.create'])
    await page.locator('[data-test=audit-entry][data-action="agent.create"]').click()
    expect(await page.locator('[data-test=audit-log]').textContent()).toContain('dora@demo.parley.local')
    expect(problems.filter((p) => !p.includes('status of 400') && !p.includes('status of 409'))).toEqual([])
  })
})

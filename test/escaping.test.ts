/**
 * Escaping of user content in every view. lit templates escape text and attributes but not
 * URLs (a `javascript:` href runs) and not raw HTML sinks, so: every HTML sink and every URL
 * binding in web/ is listed here after review (a new one fails until it is looked at and
 * added), and the server's HTML pages (printable transcript, statement) are rendered with
 * hostile text in every field a visitor, agent or admin can set: all of it arrives escaped,
 * under a CSP that runs no script. The widget and consoles in Chromium: e2e/hostile-content.test.ts.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import { AGENT_EMAILS, ask, login, startChat, startTestParley } from './support/parley-harness.js'

const root = path.resolve(import.meta.dirname, '..')

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
}

/** Raw HTML sinks (the markup must be constant) and URL sinks (the URL must be http(s) or built by us). */
const SINK = /\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|srcdoc|unsafeHTML|unsafeSVG|unsafeStatic|unsafeCSS|new Function\(|\beval\(|\bhref=\$\{|\bsrc=\$\{|\.href\s*=|\.src\s*=|location\.assign\(|window\.open\(/

/** Every sink in web/, reviewed: file, a piece of the line, and why it is safe. */
const REVIEWED: [file: string, fragment: string, why: string][] = [
  ['web/widget/loader.ts', 'root.innerHTML = `<style>${CSS}</style>', 'constant markup; CSS and LAUNCHER are constants of the file'],
  ['web/widget/lead/page-layer.ts', 'this.root.innerHTML = `<style>${CSS}</style>', 'constant markup'],
  ['web/widget/lead/page-layer.ts', 'control.href = action.href!', 'lead URLs: the server refuses all but the tenant’s http(s) origins (lead-rules.ts)'],
  ['web/demo-shop/shop-pages.ts', "body.innerHTML = '<tr><td colspan=\"3\">Your cart is empty.</td></tr>'", 'constant markup (twice)'],
  ['web/admin/api-keys-editor.ts', 'href=${docs}', 'built from location.origin'],
  ['web/admin/billing-view.ts', 'href=${statementUrl(', 'our own API path'],
  ['web/agent/channel-view.ts', 'href=${href}', 'safeHref(): http(s) only'],
  ['web/agent/lead-panel.ts', 'href=${safeHref(page)!}', 'safeHref(): http(s) only'],
  ['web/agent/lead-panel.ts', 'tab.location.href = link.url', 'a link the server signed for the tenant’s site'],
  ['web/agent/lead-panel.ts', 'window.open(', 'a link the server signed for the tenant’s site'],
  ['web/agent/offer-card.ts', 'href=${href}', 'safeHref(): http(s) only'],
  ['web/agent/embed-admin.ts', 'href=${href}', 'safeHref(): http(s) only'],
  ['web/reports/data-table.ts', 'link.href = url', 'a blob: URL of our own CSV'],
  ['web/widget/message-list.ts', 'src=${avatar}', 'an <img> (never runs script); avatar URLs are the admin’s'],
  ['web/widget/companion.ts', 'href=${page}', 'checked http(s) just above'],
  ['web/archive/archive-channel.ts', 'href=${exportUrl(', 'our own API path'],
  ['web/archive/archive-channel.ts', 'href=${page}', 'safeHref(): http(s) only'],
  ['web/widget/lead/lead-controller.ts', 'location.assign(to)', 'lead URLs: the server refuses all but the tenant’s http(s) origins'],
]

describe('HTML and URL sinks in web/', () => {
  it('are all reviewed (a new innerHTML, unsafeHTML or URL binding must be checked and listed here)', () => {
    const found: string[] = []
    for (const file of sources('web')) {
      for (const [i, line] of fs.readFileSync(path.join(root, file), 'utf8').split('\n').entries()) {
        if (!SINK.test(line)) continue
        if (!REVIEWED.some(([f, fragment]) => f === file && line.includes(fragment))) found.push(`${file}:${i + 1}: ${line.trim().slice(0, 160)}`)
      }
    }
    expect(found).toEqual([])
  })

  it('list nothing that is gone', () => {
    const stale = REVIEWED.filter(([file, fragment]) => !fs.existsSync(path.join(root, file)) || !fs.readFileSync(path.join(root, file), 'utf8').includes(fragment))
    expect(stale.map(([file, fragment]) => `${file}: ${fragment}`)).toEqual([])
  })

  it('never use lit’s unsafe directives', () => {
    for (const file of sources('web')) expect(fs.readFileSync(path.join(root, file), 'utf8'), file).not.toMatch(/lit\/directives\/unsafe-/)
  })
})

describe('server-rendered HTML', () => {
  it('is served from a known list of places, with the no-script CSP where stored data is shown', () => {
    const places: string[] = []
    for (const file of sources('server')) {
      const text = fs.readFileSync(path.join(root, file), 'utf8')
      if (/type\('(text\/)?html'\)/.test(text)) places.push(file)
    }
    expect(places.sort()).toEqual(['server/http/archive-routes.ts', 'server/http/billing-routes.ts', 'server/http/demo-shop.ts'])
    for (const file of ['server/http/archive-routes.ts', 'server/http/billing-routes.ts']) expect(fs.readFileSync(path.join(root, file), 'utf8'), file).toContain('EXPORT_CSP')
  })
})

const EVIL = '<img src=x onerror=alert(1)><script>x</script>"\'&'

describe('hostile text in the printable pages', () => {
  let parley: Parley
  let admin: string
  const headers = () => ({ cookie: admin, origin: parley.url, 'content-type': 'application/json' })

  beforeAll(async () => {
    parley = await startTestParley()
    admin = await login(parley.url, AGENT_EMAILS.admin)
    const put = (url: string, body: unknown, method = 'PUT') => fetch(`${parley.url}${url}`, { method, headers: headers(), body: JSON.stringify(body) })
    // the admin's names: the tenant, an agent, the price plan
    expect((await put('/api/admin/tenant', { name: `Shop ${EVIL}`, timezone: 'Europe/Berlin' })).status).toBe(200)
    const anna = await parley.db.agent.findFirstOrThrow({ where: { email: AGENT_EMAILS.anna } })
    expect((await put(`/api/admin/team/${anna.id}`, { displayName: `Anna ${EVIL}` }, 'PATCH')).status).toBe(200)
    const plan = (await (await fetch(`${parley.url}/api/billing/plan`, { headers: headers() })).json()) as { plan: Record<string, unknown> }
    const { id: _id, ...editable } = plan.plan as Record<string, unknown> & { id?: unknown }
    const saved = await put('/api/billing/plan', { ...editable, name: `Plan ${EVIL}` })
    expect(saved.status, await saved.clone().text()).toBe(200)
  })

  afterAll(async () => {
    await parley?.close()
  })

  it('escapes the question, messages, names and page of a transcript, and runs no script', async () => {
    const { visitor, agent, channel } = await startChat(parley, { question: `Question ${EVIL}`, clientRequestId: 'evil-1' })
    expect((await ask(visitor, 'page:viewed', { channelId: channel.id, url: `${parley.shopUrl}/cart?q="><script>alert(1)</script>`, title: EVIL })).ok).toBe(true)
    expect((await ask(visitor, 'chat:send', { channelId: channel.id, clientMsgId: 'e1', text: `Visitor ${EVIL}` })).ok).toBe(true)
    expect((await ask(agent, 'chat:send', { channelId: channel.id, clientMsgId: 'e2', text: `Agent ${EVIL}` })).ok).toBe(true)
    expect((await ask(agent, 'chat:send', { channelId: channel.id, clientMsgId: 'e3', text: `Whisper ${EVIL}`, whisper: true })).ok).toBe(true)
    expect((await ask(visitor, 'channel:leave', { channelId: channel.id })).ok).toBe(true)
    visitor.close()
    agent.close()
    const response = await fetch(`${parley.url}/api/archive/channels/${channel.id}/export.html`, { headers: headers() })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
    const html = await response.text()
    expectInert(html)
    for (const text of ['Question', 'Visitor', 'Agent', 'Whisper', 'Anna', 'Shop']) expect(html).toContain(`${text} &lt;img src=x onerror=alert(1)&gt;&lt;script&gt;`)
  })

  it('escapes the tenant and plan names of a statement', async () => {
    const month = new Date().toISOString().slice(0, 7)
    const response = await fetch(`${parley.url}/api/billing/statements/preview/statement.html?month=${month}`, { headers: headers() })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
    const html = await response.text()
    expectInert(html)
    expect(html).toContain('Plan &lt;img')
    expect(html).toContain('Shop &lt;img')
  })
})

/** No tag or handler from the hostile text survived (the page's own markup has no img or script). */
function expectInert(html: string): void {
  expect(html).not.toMatch(/<script/i)
  expect(html).not.toMatch(/<img/i)
  // "onerror=" may stand in the text; never inside a tag
  expect(html).not.toMatch(/<[^>]*\bon[a-z]+=/i)
}

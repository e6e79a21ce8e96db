/**
 * The archive over HTTP: supervisors search their tenant's channels and read, export and
 * replay them; agents only their own; nobody sees another tenant's archive (403); exports
 * escape what visitors typed and are audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parley } from '../server/app.js'
import { hashPassword } from '../server/auth/password.js'
import { newId } from '../server/store/ids.js'
import type { Transcript } from '../server/services/archive-service.js'
import { AGENT_EMAILS, DEMO_PASSWORD, ask, eventually, login, startChat, startTestParley } from './support/parley-harness.js'

let parley: Parley
let channelId: string
const cookies: Record<string, string> = {}
const sockets: { close(): void }[] = []
const EVIL = '<script>alert("x")</script> & <b>bold</b>'

async function get(path: string, who: string): Promise<Response> {
  return fetch(`${parley.url}${path}`, { headers: { cookie: cookies[who]! } })
}

beforeAll(async () => {
  parley = await startTestParley()
  const demo = await parley.db.tenant.findUniqueOrThrow({ where: { slug: 'demo' } })
  const hash = await hashPassword(DEMO_PASSWORD)
  await parley.db.agent.create({ data: { id: newId('ag'), tenantId: demo.id, email: 'sue@demo.parley.local', displayName: 'Sue Supervisor', role: 'supervisor', passwordHash: hash } })
  const other = newId('tn')
  await parley.db.tenant.create({ data: { id: other, slug: 'other', name: 'Other shop' } })
  await parley.db.agent.create({ data: { id: newId('ag'), tenantId: other, email: 'boss@other.example', displayName: 'Other boss', role: 'admin', passwordHash: hash } })
  await parley.db.agent.create({ data: { id: newId('ag'), tenantId: other, email: 'agent@other.example', displayName: 'Other agent', role: 'agent', passwordHash: hash } })

  const chat = await startChat(parley, { question: 'Do you ship the Trail X1 to Norway?', clientRequestId: 'arch-1' })
  sockets.push(chat.agent, chat.visitor)
  channelId = chat.channel.id
  expect((await ask(chat.visitor, 'chat:send', { channelId, clientMsgId: 'v1', text: EVIL })).ok).toBe(true)
  expect((await ask(chat.agent, 'chat:send', { channelId, clientMsgId: 'a1', text: 'Yes, in 3-5 days.' })).ok).toBe(true)
  // a private sidebar between two supervisors, and a whisper for all staff
  await parley.services.events.append({ channelId, type: 'sidebar.message', author: { role: 'supervisor', participantId: 'pa_sup1', name: 'S1' }, payload: { text: 'between us', toParticipantId: 'pa_sup2' } })
  await parley.services.events.append({ channelId, type: 'whisper.message', author: { role: 'supervisor', participantId: 'pa_sup1', name: 'S1' }, payload: { text: 'for the agent' } })
  expect((await ask(chat.agent, 'channel:leave', { channelId })).ok).toBe(true)
  await eventually(async () => expect((await parley.db.channel.findUniqueOrThrow({ where: { id: channelId } })).status).toBe('ended'))

  cookies.sue = await login(parley.url, 'sue@demo.parley.local')
  cookies.anna = await login(parley.url, AGENT_EMAILS.anna)
  cookies.ben = await login(parley.url, AGENT_EMAILS.ben)
  cookies.otherAdmin = await login(parley.url, 'boss@other.example', DEMO_PASSWORD, 'other')
  cookies.otherAgent = await login(parley.url, 'agent@other.example', DEMO_PASSWORD, 'other')
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await parley.close()
})

describe('the archive', () => {
  it('lists and searches the tenant’s channels for a supervisor', async () => {
    const all = await (await get('/api/archive/channels', 'sue')).json()
    expect(all.channels.map((c: { id: string }) => c.id)).toEqual([channelId])
    expect(all.channels[0]).toMatchObject({ status: 'ended', question: 'Do you ship the Trail X1 to Norway?', messages: 3, endReason: 'agent_left' })
    expect(all.channels[0].participants.map((p: { role: string; name: string }) => [p.role, p.name])).toEqual(expect.arrayContaining([['agent', 'Anna']]))
    // by message text (case-insensitively) and by question
    expect((await (await get(`/api/archive/channels?q=${encodeURIComponent('3-5 DAYS')}`, 'sue')).json()).channels).toHaveLength(1)
    expect((await (await get('/api/archive/channels?q=norway', 'sue')).json()).channels).toHaveLength(1)
    expect((await (await get('/api/archive/channels?q=nothing-like-this', 'sue')).json()).channels).toHaveLength(0)
    expect((await (await get('/api/archive/channels?status=open', 'sue')).json()).channels).toHaveLength(0)
  })

  it('gives the whole ordered log with timestamps', async () => {
    const transcript: Transcript = await (await get(`/api/archive/channels/${channelId}`, 'sue')).json()
    expect(transcript.events.map((e) => e.seq)).toEqual(transcript.events.map((_, i) => i + 1))
    expect(transcript.events.map((e) => e.type)).toEqual(expect.arrayContaining(['channel.opened', 'participant.joined', 'chat.message', 'participant.left', 'channel.ended']))
    expect(transcript.events.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true)
    expect(transcript.events.filter((e) => e.type === 'chat.message').map((e) => (e.payload as { text: string }).text)).toEqual(['Do you ship the Trail X1 to Norway?', EVIL, 'Yes, in 3-5 days.'])
  })

  it('lets an agent see only the conversations they took part in', async () => {
    const own: Transcript = await (await get(`/api/archive/channels/${channelId}`, 'anna')).json()
    expect(own.events.map((e) => e.type)).toContain('whisper.message')
    expect(own.events.map((e) => e.type)).not.toContain('sidebar.message')
    const all: Transcript = await (await get(`/api/archive/channels/${channelId}`, 'sue')).json()
    expect(all.events.map((e) => e.type)).toContain('sidebar.message')
    const ben = await get(`/api/archive/channels/${channelId}`, 'ben')
    expect(ben.status).toBe(403)
    expect((await (await get('/api/archive/channels', 'ben')).json()).channels).toEqual([])
    expect((await get(`/api/archive/channels/${channelId}/export.json`, 'ben')).status).toBe(403)
  })

  it('refuses another tenant’s channel with 403, to admins and agents alike', async () => {
    for (const who of ['otherAdmin', 'otherAgent']) {
      for (const path of ['', '/export.json', '/export.html']) {
        const response = await get(`/api/archive/channels/${channelId}${path}`, who)
        expect(response.status, `${who} ${path}`).toBe(403)
        expect((await response.json()).error.code).toBe('forbidden')
      }
      expect((await (await get('/api/archive/channels', who)).json()).channels).toEqual([])
    }
    expect((await fetch(`${parley.url}/api/archive/channels`)).status).toBe(401)
  })

  it('exports JSON and a printable, escaped HTML page, and audits the exports', async () => {
    const json = await get(`/api/archive/channels/${channelId}/export.json`, 'sue')
    expect(json.headers.get('content-disposition')).toMatch(/^attachment; filename="parley-\d{4}-\d{2}-\d{2}-ch_[\w-]+\.json"$/)
    const body = await json.json()
    expect(body).toMatchObject({ format: 'parley.transcript/1', tenant: 'Velo Shop (demo)', channel: { id: channelId } })
    expect(body.events.length).toBeGreaterThan(5)

    const page = await get(`/api/archive/channels/${channelId}/export.html`, 'sue')
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
    const html = await page.text()
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;')
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<b>bold')
    expect(html).toContain('Yes, in 3-5 days.')
    expect(html).toContain('@media print')

    const pdf = await get(`/api/archive/channels/${channelId}/export.pdf`, 'sue')
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect(pdf.headers.get('content-disposition')).toMatch(/\.pdf"$/)
    const bytes = Buffer.from(await pdf.arrayBuffer())
    const text = bytes.toString('latin1')
    expect(text.startsWith('%PDF-1.4')).toBe(true)
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true)
    expect(text).toContain('(Conversation with Visitor)')
    expect(text).toContain('alert\\("x"\\)') // parentheses escaped inside PDF strings
    // the cross-reference table points at every object
    const xrefAt = Number(/startxref\n(\d+)/.exec(text)![1])
    expect(text.slice(xrefAt, xrefAt + 4)).toBe('xref')
    const offsets = [...text.slice(xrefAt).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]))
    offsets.forEach((offset, i) => expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`))

    const audit = await parley.db.auditEntry.findMany({ where: { action: 'transcript.export', targetId: channelId } })
    expect(audit.map((a) => JSON.parse(a.after!).format).sort()).toEqual(['html', 'json', 'pdf'])
    expect(audit[0]!.actorName).toContain('Sue Supervisor')
  })
})

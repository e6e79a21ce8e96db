/**
 * Transcript exports: JSON (everything, machine-readable) and a readable, print-friendly
 * HTML page (a browser's "Save as PDF" gives the PDF). Every stored string is escaped, and
 * the page is served with a CSP that allows no script at all (EXPORT_CSP).
 */
import { describeEvent, inTranscript, clockLength } from '../../web/archive/event-text.js'
import type { Transcript } from './archive-service.js'

/** No scripts, no remote loads: an export stays inert even if a value slipped through. */
export const EXPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

/** Escape text for HTML element content and quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** The JSON export: the archive record as is, with the exporter and time. */
export function transcriptJson(transcript: Transcript, exportedBy: string, tenantName: string): string {
  return JSON.stringify({ format: 'parley.transcript/1', exportedAt: new Date().toISOString(), exportedBy, tenant: tenantName, ...transcript }, null, 2)
}

function time(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(iso))
}

function dateTime(iso: string | null, timeZone: string): string {
  return iso ? new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso)) : '—'
}

/** The readable export. `timeZone` is the tenant's, so times read as they happened locally. */
export function transcriptHtml(transcript: Transcript, options: { tenantName: string; timeZone: string; exportedBy: string }): string {
  const { channel } = transcript
  const tz = options.timeZone
  const names = new Map(channel.participants.map((p) => [p.id, p.name]))
  const visitor = channel.participants.find((p) => p.role === 'visitor')?.name ?? 'Visitor'
  const rows = transcript.events.filter(inTranscript).map((event) => {
    const text = describeEvent(event, names)
    const at = `<time datetime="${escapeHtml(event.at)}">${escapeHtml(time(event.at, tz))}</time>`
    const staff = text.staffOnly ? ' <span class="tag">staff only</span>' : ''
    if (text.body !== undefined) {
      return `<div class="row msg ${escapeHtml(text.category)} role-${escapeHtml(event.author.role)}">${at}<div><div class="who">${escapeHtml(text.from)}${text.category !== 'message' ? ` <span class="tag">${escapeHtml(text.category)}</span>` : ''}</div><div class="body">${escapeHtml(text.body)}</div></div></div>`
    }
    return `<div class="row sys ${escapeHtml(text.category)}">${at}<div>${escapeHtml(text.text)}${staff}</div></div>`
  })
  const people = channel.participants
    .map((p) => `<li>${escapeHtml(p.name)} <span class="muted">(${escapeHtml(p.role)}) ${escapeHtml(time(p.joinedAt, tz))}–${p.leftAt ? escapeHtml(time(p.leftAt, tz)) : 'still there'}</span></li>`)
    .join('')
  const calls = transcript.calls.length
    ? `<p><strong>Calls:</strong> ${transcript.calls
        .map((c) => `${c.video ? 'video' : 'voice'} ${c.startedAt && c.endedAt ? clockLength((Date.parse(c.endedAt) - Date.parse(c.startedAt)) / 1000) : escapeHtml(c.endReason ?? c.status)}`)
        .join(', ')}</p>`
    : ''
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Conversation with ${escapeHtml(visitor)} · ${escapeHtml(dateTime(channel.createdAt, tz))}</title>
<style>
  :root { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: #1f2328; }
  body { max-width: 820px; margin: 24px auto; padding: 0 20px; font-size: 14px; line-height: 1.45; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  .muted { color: #656d76; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0; }
  dt { color: #656d76; }
  dd { margin: 0; }
  ul { margin: 4px 0 12px; padding-left: 20px; }
  .log { border-top: 1px solid #d8dee4; margin-top: 12px; }
  .row { display: grid; grid-template-columns: 72px 1fr; gap: 10px; padding: 6px 0; border-bottom: 1px solid #eaeef2; break-inside: avoid; }
  time { color: #656d76; font-variant-numeric: tabular-nums; }
  .who { font-weight: 600; }
  .body { white-space: pre-wrap; overflow-wrap: anywhere; }
  .sys { color: #57606a; font-size: 13px; }
  .whisper .body, .sidebar .body { font-style: italic; }
  .tag { display: inline-block; font-size: 11px; font-weight: 600; padding: 0 5px; border-radius: 4px; background: #fff8c5; color: #7d4e00; }
  .role-visitor .who { color: #1f56c4; }
  footer { margin-top: 18px; font-size: 12px; color: #656d76; }
  @media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
  @page { margin: 16mm; }
</style>
</head>
<body>
<h1>Conversation with ${escapeHtml(visitor)}</h1>
<div class="muted">${escapeHtml(options.tenantName)} · ${escapeHtml(channel.id)}</div>
<dl>
  <dt>Question</dt><dd>${escapeHtml(channel.question)}</dd>
  <dt>Started</dt><dd>${escapeHtml(dateTime(channel.createdAt, tz))}</dd>
  <dt>Ended</dt><dd>${escapeHtml(dateTime(channel.endedAt, tz))}${channel.endReason ? ` (${escapeHtml(channel.endReason)})` : ''}</dd>
  <dt>Length</dt><dd>${escapeHtml(clockLength(channel.durationSec))}</dd>
  <dt>Queue</dt><dd>${escapeHtml(channel.queue?.name ?? '—')}</dd>
  <dt>Page</dt><dd>${escapeHtml(channel.pageUrl ?? '—')}</dd>
</dl>
<strong>Participants</strong>
<ul>${people}</ul>
${calls}
<div class="log">
${rows.join('\n')}
</div>
<footer>Exported ${escapeHtml(dateTime(new Date().toISOString(), tz))} by ${escapeHtml(options.exportedBy)} · times in ${escapeHtml(tz)}</footer>
</body>
</html>
`
}

/**
 * A transcript as a real PDF, written by hand: A4 pages of monospaced text (Courier, one of
 * the 14 standard fonts, so nothing is embedded and every glyph is 0.6 em wide, which makes
 * wrapping exact). Text is WinAnsi-encoded; characters outside it print as "?". The HTML
 * export stays the richer one; this is for archives that must keep a PDF file.
 */
import { clockLength, describeEvent, inTranscript } from '../../web/archive/event-text.js'
import type { Transcript } from './archive-service.js'

const PAGE_W = 595
const PAGE_H = 842
const MARGIN = 50
const SIZE = 9
const LEADING = 12
const CHARS = Math.floor((PAGE_W - 2 * MARGIN) / (SIZE * 0.6))
const LINES = Math.floor((PAGE_H - 2 * MARGIN) / LEADING)

interface Line {
  text: string
  bold?: boolean
}

/** cp1252 bytes of a string; what the encoding lacks becomes "?". */
function winAnsi(text: string): Buffer {
  const extra: Record<string, number> = { '€': 0x80, '‚': 0x82, '„': 0x84, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '–': 0x96, '—': 0x97, '™': 0x99 }
  const bytes: number[] = []
  for (const char of text) {
    const code = char.codePointAt(0)!
    if ((code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff)) bytes.push(code)
    else if (extra[char]) bytes.push(extra[char]!)
    else if (char === '\t') bytes.push(0x20)
    else bytes.push(0x3f)
  }
  return Buffer.from(bytes)
}

/** A PDF literal string: (…) with \, ( and ) escaped, bytes kept as they are. */
function literal(text: string): Buffer {
  const raw = winAnsi(text)
  const out: number[] = [0x28]
  for (const byte of raw) {
    if (byte === 0x5c || byte === 0x28 || byte === 0x29) out.push(0x5c)
    out.push(byte)
  }
  out.push(0x29)
  return Buffer.from(out)
}

/** Break text into lines of at most `width` characters, at spaces where possible. */
export function wrap(text: string, width = CHARS, indent = ''): string[] {
  const lines: string[] = []
  for (const paragraph of text.split(/\r?\n/)) {
    let rest = paragraph
    let first = true
    do {
      const room = first ? width : width - indent.length
      if ([...rest].length <= room) {
        lines.push((first ? '' : indent) + rest)
        break
      }
      let cut = rest.lastIndexOf(' ', room)
      if (cut <= 0) cut = room
      lines.push((first ? '' : indent) + rest.slice(0, cut))
      rest = rest.slice(cut).replace(/^ /, '')
      first = false
    } while (rest.length > 0)
  }
  return lines
}

function transcriptLines(transcript: Transcript, options: { tenantName: string; timeZone: string; exportedBy: string }): Line[] {
  const { channel } = transcript
  const tz = options.timeZone
  const time = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(iso))
  const when = (iso: string | null) => (iso ? new Intl.DateTimeFormat('en-GB', { timeZone: tz, dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso)) : '-')
  const visitor = channel.participants.find((p) => p.role === 'visitor')?.name ?? 'Visitor'
  const names = new Map(channel.participants.map((p) => [p.id, p.name]))
  const lines: Line[] = [{ text: `Conversation with ${visitor}`, bold: true }, { text: `${options.tenantName} - ${channel.id}` }, { text: '' }]
  const field = (label: string, value: string) => wrap(`${label.padEnd(13)}${value}`, CHARS, ' '.repeat(13)).forEach((text) => lines.push({ text }))
  field('Question', channel.question)
  field('Started', when(channel.createdAt))
  field('Ended', `${when(channel.endedAt)}${channel.endReason ? ` (${channel.endReason})` : ''}`)
  field('Length', clockLength(channel.durationSec))
  field('Queue', channel.queue?.name ?? '-')
  field('Participants', channel.participants.map((p) => `${p.name} (${p.role})`).join(', '))
  lines.push({ text: '' }, { text: 'Log', bold: true })
  for (const event of transcript.events.filter(inTranscript)) {
    const text = describeEvent(event, names)
    const prefix = `${time(event.at)}  `
    const body = text.body !== undefined ? `${text.from}${text.staffOnly ? ` [${text.category}, staff only]` : ''}: ${text.body}` : `* ${text.text}${text.staffOnly ? ' [staff only]' : ''}`
    wrap(prefix + body, CHARS, ' '.repeat(prefix.length)).forEach((line) => lines.push({ text: line }))
  }
  lines.push({ text: '' }, { text: `Exported ${when(new Date().toISOString())} by ${options.exportedBy}; times in ${tz}.` })
  return lines
}

/** The transcript as PDF bytes. */
export function transcriptPdf(transcript: Transcript, options: { tenantName: string; timeZone: string; exportedBy: string }): Buffer {
  const all = transcriptLines(transcript, options)
  const pages: Line[][] = []
  for (let i = 0; i < all.length; i += LINES) pages.push(all.slice(i, i + LINES))
  const objects: Buffer[] = []
  const add = (body: Buffer | string) => objects.push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body) // object n = index + 1
  add('<< /Type /Catalog /Pages 2 0 R >>')
  const firstPage = 5
  add(`<< /Type /Pages /Count ${pages.length} /Kids [${pages.map((_, i) => `${firstPage + i * 2} 0 R`).join(' ')}] >>`)
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>')
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /Encoding /WinAnsiEncoding >>')
  pages.forEach((lines, index) => {
    const parts: Buffer[] = [Buffer.from(`BT /F1 ${SIZE} Tf ${LEADING} TL ${MARGIN} ${PAGE_H - MARGIN} Td\n`, 'latin1')]
    for (const line of lines) parts.push(Buffer.from(line.bold ? `/F2 ${SIZE} Tf ` : '', 'latin1'), literal(line.text), Buffer.from(` Tj T*${line.bold ? ` /F1 ${SIZE} Tf` : ''}\n`, 'latin1'))
    parts.push(Buffer.from(`ET\nBT /F1 8 Tf ${PAGE_W - MARGIN - 60} ${MARGIN / 2} Td (Page ${index + 1} of ${pages.length}) Tj ET\n`, 'latin1'))
    const stream = Buffer.concat(parts)
    add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${firstPage + index * 2 + 1} 0 R >>`)
    add(Buffer.concat([Buffer.from(`<< /Length ${stream.length} >>\nstream\n`, 'latin1'), stream, Buffer.from('\nendstream', 'latin1')]))
  })
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')]
  let offset = chunks[0]!.length
  const offsets: number[] = []
  objects.forEach((body, i) => {
    offsets.push(offset)
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')])
    chunks.push(chunk)
    offset += chunk.length
  })
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('')
  chunks.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'))
  return Buffer.concat(chunks)
}

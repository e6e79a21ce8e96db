/**
 * Just enough SIP text handling for the transport layer, which must route, retransmit and
 * rewrite Via before (and without) sip.js's full grammar parse, and must be able to answer
 * "400 Bad Request" to a request that sip.js's parser refuses.
 * Everything here is tolerant: a missing or broken field yields `undefined`, never a throw.
 */

/** A SIP peer address (host may be a DNS name for outgoing traffic). */
export interface Peer {
  host: string
  port: number
}

export interface RawMessage {
  /** start line + header lines, folded lines joined */
  lines: string[]
  body: string
}

export interface Via {
  protocol: string
  host: string
  port?: number
  /** lower-cased parameter names; flag parameters (`;rport`) map to `true` */
  params: Map<string, string | true>
  /** the full first via-parm text */
  value: string
}

const COMPACT: Record<string, string> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  o: 'event',
  r: 'refer-to',
  u: 'allow-events',
}

/** Long, lower-case name of a header (compact forms expanded). */
export function canonicalName(name: string): string {
  const lower = name.trim().toLowerCase()
  return COMPACT[lower] ?? lower
}

/** Split into unfolded lines and body; `undefined` when there is no blank line ending the head. */
export function splitMessage(raw: string): RawMessage | undefined {
  const end = raw.indexOf('\r\n\r\n')
  if (end < 0) return undefined
  const lines: string[] = []
  for (const line of raw.slice(0, end).split('\r\n')) {
    // RFC 3261 7.3.1: a line starting with whitespace continues the previous header
    if ((line.startsWith(' ') || line.startsWith('\t')) && lines.length > 1) lines[lines.length - 1] += ` ${line.trim()}`
    else lines.push(line)
  }
  return { lines, body: raw.slice(end + 4) }
}

export function joinMessage(message: RawMessage): string {
  return `${message.lines.join('\r\n')}\r\n\r\n${message.body}`
}

export function isResponseLine(startLine: string): boolean {
  return startLine.startsWith('SIP/2.0 ')
}

/** `INVITE sip:x@y SIP/2.0` → method and URI. */
export function parseRequestLine(startLine: string): { method: string; uri: string } | undefined {
  const match = /^([A-Za-z]+) (\S+) SIP\/2\.0$/.exec(startLine)
  return match ? { method: match[1]!.toUpperCase(), uri: match[2]! } : undefined
}

export function parseStatusLine(startLine: string): number | undefined {
  const match = /^SIP\/2\.0 ([1-6]\d\d)(?: |$)/.exec(startLine)
  return match ? Number(match[1]) : undefined
}

/** Index of each header line with that (canonical) name. */
function headerIndexes(message: RawMessage, name: string): number[] {
  const wanted = canonicalName(name)
  const out: number[] = []
  for (let i = 1; i < message.lines.length; i++) {
    const line = message.lines[i]!
    const colon = line.indexOf(':')
    if (colon > 0 && canonicalName(line.slice(0, colon)) === wanted) out.push(i)
  }
  return out
}

function valueOf(line: string): string {
  return line.slice(line.indexOf(':') + 1).trim()
}

/** Values of a header, one per header line (no comma splitting). */
export function headerValues(message: RawMessage, name: string): string[] {
  return headerIndexes(message, name).map((i) => valueOf(message.lines[i]!))
}

export function headerValue(message: RawMessage, name: string): string | undefined {
  return headerValues(message, name)[0]
}

/** Split a header value at commas outside quotes and angle brackets. */
export function splitList(value: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quoted = false
  let start = 0
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]
    if (ch === '"' && value[i - 1] !== '\\') quoted = !quoted
    else if (!quoted && ch === '<') depth++
    else if (!quoted && ch === '>') depth = Math.max(0, depth - 1)
    else if (!quoted && depth === 0 && ch === ',') {
      parts.push(value.slice(start, i).trim())
      start = i + 1
    }
  }
  parts.push(value.slice(start).trim())
  return parts.filter((part) => part.length > 0)
}

export function parseVia(value: string): Via | undefined {
  const match = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+(\[[0-9A-Fa-f:.]+\]|[^\s:;]+)(?:\s*:\s*(\d{1,5}))?\s*(.*)$/.exec(value.trim())
  if (!match) return undefined
  const params = new Map<string, string | true>()
  for (const part of match[4]!.split(';')) {
    const p = part.trim()
    if (!p) continue
    const eq = p.indexOf('=')
    if (eq < 0) params.set(p.toLowerCase(), true)
    else params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim())
  }
  const port = match[3] === undefined ? undefined : Number(match[3])
  if (port !== undefined && (port < 1 || port > 65535)) return undefined
  return { protocol: match[1]!.toUpperCase(), host: match[2]!.replace(/^\[|\]$/g, ''), port, params, value: value.trim() }
}

export function topVia(message: RawMessage): Via | undefined {
  const first = headerValue(message, 'via')
  const top = first === undefined ? undefined : splitList(first)[0]
  return top === undefined ? undefined : parseVia(top)
}

/** Replace the first via-parm of the first Via line (keeping any further via-parms on that line). */
export function replaceTopVia(message: RawMessage, newValue: string): void {
  const index = headerIndexes(message, 'via')[0]
  if (index === undefined) return
  const rest = splitList(valueOf(message.lines[index]!)).slice(1)
  message.lines[index] = `Via: ${[newValue, ...rest].join(', ')}`
}

/** Serialize a Via back to text with changed parameters. */
export function formatVia(via: Via): string {
  const host = via.host.includes(':') ? `[${via.host}]` : via.host
  let out = `SIP/2.0/${via.protocol} ${host}${via.port === undefined ? '' : `:${via.port}`}`
  for (const [key, value] of via.params) out += value === true ? `;${key}` : `;${key}=${value}`
  return out
}

/** Method in the CSeq header (`1 INVITE` → INVITE). */
export function cseqMethod(message: RawMessage): string | undefined {
  const value = headerValue(message, 'cseq')
  const match = value === undefined ? null : /^\d+\s+([A-Za-z]+)$/.exec(value)
  return match ? match[1]!.toUpperCase() : undefined
}

/** Host and port of a sip:/sips: URI (with or without <>, display name, params). */
export function uriPeer(uri: string, defaultPort: number): Peer | undefined {
  const inner = /<([^>]*)>/.exec(uri)?.[1] ?? uri
  const match = /^sips?:(?:[^@]*@)?(\[[0-9A-Fa-f:.]+\]|[^:;?>\s]+)(?::(\d{1,5}))?/i.exec(inner.trim())
  if (!match) return undefined
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: match[2] ? Number(match[2]) : defaultPort }
}

/** Does the URI carry the `;lr` (loose routing) parameter? */
export function isLooseRoute(uri: string): boolean {
  const inner = /<([^>]*)>/.exec(uri)?.[1] ?? uri
  return /;lr(?:[;=?>]|$)/i.test(inner)
}

/** Does the To header carry a tag (i.e. is this an in-dialog request)? */
export function hasToTag(message: RawMessage): boolean {
  const to = headerValue(message, 'to') ?? ''
  return /;\s*tag\s*=/i.test(to.replace(/<[^>]*>/g, ''))
}

/**
 * A stateless response built from raw header text, for requests sip.js cannot parse.
 * Copies Via/From/To/Call-ID/CSeq as they are (RFC 3261 8.2.6.2) and adds a To tag.
 */
export function buildRawResponse(request: RawMessage, status: number, reason: string, extraHeaders: readonly string[] = []): string {
  const lines = [`SIP/2.0 ${status} ${reason.replace(/[\r\n]/g, ' ')}`]
  for (const value of headerValues(request, 'via')) lines.push(`Via: ${value}`)
  const from = headerValue(request, 'from')
  if (from !== undefined) lines.push(`From: ${from}`)
  const to = headerValue(request, 'to')
  if (to !== undefined) lines.push(`To: ${to}${hasToTag(request) ? '' : `;tag=${Math.random().toString(36).slice(2, 12)}`}`)
  const callId = headerValue(request, 'call-id')
  if (callId !== undefined) lines.push(`Call-ID: ${callId}`)
  const cseq = headerValue(request, 'cseq')
  if (cseq !== undefined) lines.push(`CSeq: ${cseq}`)
  lines.push(...extraHeaders, 'Content-Length: 0')
  return `${lines.join('\r\n')}\r\n\r\n`
}

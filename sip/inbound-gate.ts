/**
 * The edge for inbound SIP: every message a trunk's transport receives passes here before
 * sip.js's core sees it. sip.js's user agent would silently drop what it cannot parse, 404
 * every DID (it only accepts its own user name), 405 PUBLISH and leave bad bodies to its
 * session code; a contact center's edge must answer each of these properly and cheaply:
 *
 * - not parseable → 400 to the source when the request line is recognisable, else dropped;
 * - missing mandatory headers, CSeq/method mismatch, short body → 400; Max-Forwards 0 → 483;
 * - out-of-dialog OPTIONS → 200 (trunk keep-alives), PUBLISH → the presence inbox;
 * - INVITE: from an allowed source (403), to one of the trunk's DIDs (404), with an SDP body
 *   (415) that offers PCMU (488 / 400) — all stateless, no session is created for junk;
 * - other out-of-dialog methods → 405 with Allow.
 * Accepted messages are parsed once and handed to the core directly; in-dialog requests and
 * DID INVITEs are readdressed to our contact user so the core accepts them.
 */
import type { Logger } from 'pino'
import { Core, UserAgentState, type UserAgent } from 'sip.js'
import { SipRejection } from './errors.js'
import type { PresenceInbox } from './presence-inbox.js'
import { buildRawResponse, parseRequestLine, splitMessage } from './raw-message.js'
import { acceptableAudio } from './sdp.js'
import type { SipTransport, Source } from './sip-transport.js'

export const ALLOW = 'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY, REFER, PUBLISH'
const MANDATORY = ['via', 'from', 'to', 'call-id', 'cseq'] as const

export interface InboundGateOptions {
  userAgent: UserAgent
  transport: SipTransport
  /** user part of our Contact URI */
  contactUser: string
  /** E.164 DIDs this trunk delivers, keyed by their digits */
  dids: ReadonlyMap<string, string>
  /** addresses allowed to send INVITEs; undefined = anyone */
  inviteSources: () => ReadonlySet<string> | undefined
  presence?: PresenceInbox
  log: Logger
}

export interface GateStats {
  /** requests answered by the gate itself, by status */
  answered: Map<number, number>
  unparseable: number
}

/** Digits of a phone number as trunks write it (+1 555..., 1555..., tel-ish separators). */
export function didDigits(user: string | undefined): string {
  return decodeURIComponent(user ?? '').replace(/[^0-9]/g, '')
}

export class InboundGate {
  readonly stats: GateStats = { answered: new Map(), unparseable: 0 }
  private readonly dialledDid = new WeakMap<Core.IncomingRequestMessage, string>()
  private readonly parserLogger: Core.Logger

  constructor(private readonly options: InboundGateOptions) {
    this.parserLogger = options.userAgent.getLogger('sip.Parser')
    options.transport.onInbound = (raw, source) => this.receive(raw, source)
  }

  /** The DID (E.164) an accepted INVITE was sent to. */
  didOf(message: Core.IncomingRequestMessage): string | undefined {
    return this.dialledDid.get(message)
  }

  receive(raw: string, source: Source): void {
    let message: Core.IncomingRequestMessage | Core.IncomingResponseMessage | undefined
    try {
      message = Core.Parser.parseMessage(raw, this.parserLogger)
    } catch {
      // NOTE: sip.js's parser throws (rather than returning undefined) on some bad CSeq values
      message = undefined
    }
    if (!message) return this.refuseUnparseable(raw, source)
    const core = this.options.userAgent.userAgentCore
    if (message instanceof Core.IncomingResponseMessage) {
      if (MANDATORY.some((name) => !message.hasHeader(name)) || message.getHeaders('via').length > 1) return
      core.receiveIncomingResponseFromTransport(message)
      return
    }
    if (this.options.userAgent.state !== UserAgentState.Started) return
    const request = message
    const rejection = this.check(request)
    if (rejection) return this.reply(request, source, rejection.status, rejection.reason, rejection.headers)

    if (request.toTag) {
      this.readdress(request)
      core.receiveIncomingRequestFromTransport(request)
      return
    }
    switch (request.method) {
      case 'ACK':
      case 'CANCEL':
      case 'BYE':
        core.receiveIncomingRequestFromTransport(request) // absorbed, matched, or 481
        return
      case 'OPTIONS':
        return this.reply(request, source, 200, 'OK', [ALLOW, 'Accept: application/sdp, application/pidf+xml', 'Allow-Events: presence'])
      case 'PUBLISH':
        return this.publish(request, source)
      case 'INVITE':
        return this.invite(request, source)
      default:
        return this.reply(request, source, 405, 'Method Not Allowed', [ALLOW])
    }
  }

  private check(request: Core.IncomingRequestMessage): { status: number; reason: string; headers?: string[] } | undefined {
    const missing = MANDATORY.find((name) => !request.hasHeader(name))
    if (missing) return { status: 400, reason: `Missing ${missing} header` }
    // sip.js's core throws on a request without a usable Request-URI (found by fuzzing)
    if (!request.ruri) return { status: 400, reason: 'Bad Request-URI' }
    const cseqMethod = /^\s*\d+\s+([A-Za-z]+)\s*$/.exec(request.getHeader('cseq') ?? '')?.[1]?.toUpperCase()
    if (cseqMethod !== request.method) return { status: 400, reason: 'CSeq method does not match' }
    const contentLength = request.getHeader('content-length')
    if (contentLength !== undefined && Buffer.byteLength(request.body ?? '', 'utf8') < Number(contentLength)) return { status: 400, reason: 'Body shorter than Content-Length' }
    const maxForwards = request.getHeader('max-forwards')
    if (maxForwards !== undefined && Number(maxForwards) === 0 && request.method !== 'ACK') return { status: 483, reason: 'Too Many Hops' }
    // a request of our own that looped back (sip.js's own check, kept)
    if (!request.toTag && request.callId.startsWith(this.options.userAgent.configuration.sipjsId)) return { status: 482, reason: 'Loop Detected' }
    return undefined
  }

  private readdress(request: Core.IncomingRequestMessage): void {
    if (request.ruri && request.ruri.user !== this.options.contactUser) request.ruri.user = this.options.contactUser
  }

  private invite(request: Core.IncomingRequestMessage, source: Source): void {
    const allowed = this.options.inviteSources()
    if (allowed && !allowed.has(source.host)) return this.reply(request, source, 403, 'Forbidden', [])
    const did = this.options.dids.get(didDigits(request.ruri?.user)) ?? this.options.dids.get(didDigits(request.to?.uri?.user))
    if (!did) return this.reply(request, source, 404, 'Not Found', [])
    const body = request.body ?? ''
    if (body.length > 0) {
      const type = (request.getHeader('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
      if (type !== 'application/sdp') return this.reply(request, source, 415, 'Unsupported Media Type', ['Accept: application/sdp'])
      try {
        acceptableAudio(body)
      } catch (error) {
        if (error instanceof SipRejection) return this.reply(request, source, error.sipStatus, error.reasonPhrase, [...error.extraHeaders])
        throw error
      }
    }
    if (!request.hasHeader('contact')) return this.reply(request, source, 400, 'Missing Contact header', [])
    this.dialledDid.set(request, did)
    this.readdress(request)
    this.options.userAgent.userAgentCore.receiveIncomingRequestFromTransport(request)
  }

  private publish(request: Core.IncomingRequestMessage, source: Source): void {
    const inbox = this.options.presence
    if (!inbox) return this.reply(request, source, 405, 'Method Not Allowed', [ALLOW])
    void inbox.handle(request, source).then((reply) => this.reply(request, source, reply.statusCode, reply.reasonPhrase, reply.extraHeaders))
  }

  private reply(request: Core.IncomingRequestMessage, source: Source, status: number, reason: string | undefined, headers: string[] = []): void {
    this.stats.answered.set(status, (this.stats.answered.get(status) ?? 0) + 1)
    if (request.method === 'ACK') return
    try {
      this.options.userAgent.userAgentCore.replyStateless(request, { statusCode: status, reasonPhrase: reason, extraHeaders: headers })
    } catch (error) {
      // To/From that sip.js parsed but cannot echo: answer from the raw text instead
      this.options.log.debug({ err: error }, 'sip: stateless reply failed, answering raw')
      const raw = splitMessage(request.data)
      if (raw) void this.options.transport.sendTo(buildRawResponse(raw, status, reason ?? 'Error', headers), source).catch(() => undefined)
    }
  }

  /** 400 to whatever sent a recognisable request we cannot parse; everything else is dropped. */
  private refuseUnparseable(raw: string, source: Source): void {
    this.stats.unparseable++
    const message = splitMessage(raw)
    const requestLine = message ? parseRequestLine(message.lines[0]!) : undefined
    if (!message || !requestLine || requestLine.method === 'ACK') {
      this.options.log.debug({ source }, 'sip: dropped an unparseable message')
      return
    }
    this.stats.answered.set(400, (this.stats.answered.get(400) ?? 0) + 1)
    void this.options.transport.sendTo(buildRawResponse(message, 400, 'Bad Request'), source).catch(() => undefined)
  }
}

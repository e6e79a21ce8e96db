/**
 * Receives SIP PUBLISH for the presence event package (RFC 3903 + RFC 3856 + PIDF RFC 3863)
 * from agents' phones or a third-party presence source (a PBX), and turns them into typed
 * `presence` events for the server.
 *
 * RFC 3903 in short: an initial PUBLISH carries a PIDF body and gets a SIP-ETag; later
 * PUBLISHes name that tag in SIP-If-Match to refresh (no body), modify (new body) or remove
 * (Expires: 0) it; an unrefreshed publication expires. An entity with several publications
 * (several devices) is open when any of them is.
 *
 * Who may publish for whom is the server's decision (`authorize`): allow (e.g. a trusted PBX
 * by address), deny, or require digest credentials, which we then check (401 challenge).
 */
import { EventEmitter } from 'node:events'
import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import { pino } from 'pino'
import type { Core } from 'sip.js'
import { DigestVerifier, type DigestCredentials } from './digest-verifier.js'
import { PidfError, SipRejection } from './errors.js'
import { parsePidf, PIDF_CONTENT_TYPE } from './pidf.js'
import type { Source } from './sip-transport.js'

export type PresenceStatus = 'open' | 'closed'

export interface PresenceEvent {
  /** the presentity, `sip:user@host` from the PUBLISH's To header */
  entity: string
  /** its user part (agent extension or login), what the server maps to an agent */
  user: string
  status: PresenceStatus
  note?: string
  activity?: string
  /** what caused the event */
  cause: 'publish' | 'removed' | 'expired'
}

export interface PresenceAuthRequest {
  entity: string
  user: string
  source: Source
}

export type PresenceAuthDecision = { action: 'allow' } | { action: 'deny' } | { action: 'digest'; credentials: DigestCredentials }

/** The server's hook: who may publish presence for `entity`. */
export type PresenceAuthorizer = (request: PresenceAuthRequest) => PresenceAuthDecision | Promise<PresenceAuthDecision>

export interface PresenceInboxOptions {
  /** default: deny everyone (presence is opt-in) */
  authorize?: PresenceAuthorizer
  /** digest realm (default "parley") */
  realm?: string
  minExpiresSec?: number
  maxExpiresSec?: number
  log?: Logger
}

export interface PresenceInboxEvents {
  presence: [PresenceEvent]
}

/** The response the edge sends back. */
export interface PublishReply {
  statusCode: number
  reasonPhrase?: string
  extraHeaders: string[]
}

interface Publication {
  etag: string
  entity: string
  user: string
  status: PresenceStatus
  note?: string
  activity?: string
  updated: number
  timer: NodeJS.Timeout
}

const DEFAULT_EXPIRES = 3600

function mimeType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase()
}

export class PresenceInbox extends EventEmitter<PresenceInboxEvents> {
  private readonly publications = new Map<string, Publication>()
  private readonly verifier: DigestVerifier
  private readonly authorize: PresenceAuthorizer
  private readonly minExpires: number
  private readonly maxExpires: number
  private readonly log: Logger
  private closed = false

  constructor(options: PresenceInboxOptions = {}) {
    super()
    this.verifier = new DigestVerifier(options.realm ?? 'parley')
    this.authorize = options.authorize ?? (() => ({ action: 'deny' }))
    this.minExpires = options.minExpiresSec ?? 60
    this.maxExpires = options.maxExpiresSec ?? DEFAULT_EXPIRES
    this.log = options.log ?? pino({ level: 'silent' })
  }

  /** Handle one PUBLISH; never throws (every failure is a SIP status). */
  async handle(message: Core.IncomingRequestMessage, source: Source): Promise<PublishReply> {
    try {
      return await this.process(message, source)
    } catch (error) {
      if (error instanceof SipRejection) return { statusCode: error.sipStatus, reasonPhrase: error.reasonPhrase, extraHeaders: [...error.extraHeaders] }
      this.log.error({ err: error }, 'sip: PUBLISH handling failed')
      return { statusCode: 500, extraHeaders: [] }
    }
  }

  private async process(message: Core.IncomingRequestMessage, source: Source): Promise<PublishReply> {
    if (this.closed) return { statusCode: 503, extraHeaders: [] }
    const event = (message.getHeader('event') ?? '').split(';')[0]!.trim().toLowerCase()
    if (event !== 'presence') return { statusCode: 489, reasonPhrase: 'Bad Event', extraHeaders: ['Allow-Events: presence'] }
    const toUri = message.to?.uri
    const user = toUri?.user
    if (!toUri || !user) throw new SipRejection(400, 'Bad Request (no presentity in To)')
    const entity = `sip:${user}@${toUri.host}`

    const decision = await this.authorize({ entity, user, source })
    if (decision.action === 'deny') return { statusCode: 403, reasonPhrase: 'Forbidden', extraHeaders: [] }
    if (decision.action === 'digest') {
      const authorization = message.getHeader('authorization')
      if (!authorization) return this.challenge(false)
      const result = this.verifier.verify('PUBLISH', authorization, decision.credentials)
      if (result === 'stale') return this.challenge(true)
      if (result === 'invalid') return { statusCode: 403, reasonPhrase: 'Forbidden (bad credentials)', extraHeaders: [] }
    }

    const expires = this.expires(message)
    const ifMatch = message.getHeader('sip-if-match')?.trim()
    const body = message.body ?? ''
    if (ifMatch !== undefined) {
      const publication = this.publications.get(ifMatch)
      if (!publication || publication.entity !== entity) return { statusCode: 412, reasonPhrase: 'Conditional Request Failed', extraHeaders: [] }
      if (expires === 0) {
        this.remove(publication, 'removed')
        return { statusCode: 200, extraHeaders: ['Expires: 0'] }
      }
      if (body.length === 0) return this.store(publication, publication, {}, expires, false)
      return this.store(publication, publication, this.document(message, user), expires, true)
    }
    if (body.length === 0) throw new SipRejection(400, 'Bad Request (initial PUBLISH without body)')
    if (expires === 0) throw new SipRejection(400, 'Bad Request (Expires: 0 without SIP-If-Match)')
    return this.store(undefined, { entity, user }, this.document(message, user), expires, true)
  }

  private challenge(stale: boolean): PublishReply {
    return { statusCode: 401, reasonPhrase: 'Unauthorized', extraHeaders: [`WWW-Authenticate: ${this.verifier.challenge(stale)}`] }
  }

  private expires(message: Core.IncomingRequestMessage): number {
    const header = message.getHeader('expires')
    if (header === undefined) return Math.min(DEFAULT_EXPIRES, this.maxExpires)
    if (!/^\s*\d{1,10}\s*$/.test(header)) throw new SipRejection(400, 'Bad Request (Expires)')
    const value = Number(header)
    if (value !== 0 && value < this.minExpires) throw new SipRejection(423, 'Interval Too Brief', [`Min-Expires: ${this.minExpires}`])
    return Math.min(value, this.maxExpires)
  }

  private document(message: Core.IncomingRequestMessage, user: string): Pick<Publication, 'status' | 'note' | 'activity'> {
    if (mimeType(message.getHeader('content-type')) !== PIDF_CONTENT_TYPE) {
      throw new SipRejection(415, 'Unsupported Media Type', [`Accept: ${PIDF_CONTENT_TYPE}`])
    }
    const pidf = parsePidf(message.body)
    // the document must speak about the presentity the request is for (and was authorized for)
    const pidfUser = /^(?:sips?|pres):([^@;>]+)@/i.exec(pidf.entity)?.[1]
    if (pidfUser !== undefined && decodeURIComponent(pidfUser) !== user) throw new PidfError(`entity ${pidf.entity} is not ${user}`)
    return { status: pidf.status, note: pidf.note, activity: pidf.activity }
  }

  private store(
    existing: Publication | undefined,
    who: { entity: string; user: string },
    state: Partial<Pick<Publication, 'status' | 'note' | 'activity'>>,
    expires: number,
    changed: boolean,
  ): PublishReply {
    if (existing) {
      clearTimeout(existing.timer)
      this.publications.delete(existing.etag)
    }
    const base = existing ?? { ...who, status: 'closed' as PresenceStatus }
    const etag = randomBytes(8).toString('hex')
    const publication: Publication = {
      ...base,
      ...(changed ? { status: state.status!, note: state.note, activity: state.activity } : {}),
      etag,
      updated: Date.now(),
      timer: setTimeout(() => this.remove(publication, 'expired'), expires * 1000),
    }
    publication.timer.unref()
    this.publications.set(etag, publication)
    if (changed) this.announce(publication.entity, publication.user, 'publish')
    return { statusCode: 200, extraHeaders: [`SIP-ETag: ${etag}`, `Expires: ${expires}`] }
  }

  private remove(publication: Publication, cause: 'removed' | 'expired'): void {
    clearTimeout(publication.timer)
    if (!this.publications.delete(publication.etag)) return
    this.announce(publication.entity, publication.user, cause)
  }

  private announce(entity: string, user: string, cause: PresenceEvent['cause']): void {
    const live = [...this.publications.values()].filter((publication) => publication.entity === entity)
    const latest = live.sort((a, b) => b.updated - a.updated)[0]
    const status: PresenceStatus = live.some((publication) => publication.status === 'open') ? 'open' : 'closed'
    const event: PresenceEvent = { entity, user, status, cause }
    if (latest?.note) event.note = latest.note
    if (latest?.activity) event.activity = latest.activity
    this.emit('presence', event)
  }

  /** Current aggregated status of an entity (undefined when nothing is published). */
  statusOf(entity: string): PresenceStatus | undefined {
    const live = [...this.publications.values()].filter((publication) => publication.entity === entity)
    if (live.length === 0) return undefined
    return live.some((publication) => publication.status === 'open') ? 'open' : 'closed'
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    for (const publication of this.publications.values()) clearTimeout(publication.timer)
    this.publications.clear()
    this.removeAllListeners()
  }
}

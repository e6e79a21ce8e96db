/**
 * Calls to a tenant's numbers (DIDs): the caller becomes a visitor (known again by their
 * number), their call a request of kind `call` in the DID's queue (its skills, and the DID's
 * language as a hint), routed like any other. The call is answered at once into a media room
 * of its own, where the caller hears a ringback cadence until an agent accepts; the agent's
 * call then takes over that room, so the agent talks to the caller from the browser.
 */
import type { MediaGateway } from '../../media/index.js'
import type { IncomingCall } from '../../sip/sip-bridge.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { LiveCall } from './call-service.js'
import { HoldTone } from './hold-tone.js'
import { PhoneLeg } from './phone-leg.js'
import type { PhoneDeps, PhoneService } from './phone-service.js'
import type { VisitorIdentity } from './visitor-service.js'

interface Waiting {
  leg: PhoneLeg
  visitorId: string
  hold: HoldTone | undefined
}

export class PhoneInbound {
  /** queued inbound calls by request id */
  private readonly waiting = new Map<string, Waiting>()

  constructor(
    private readonly phone: Pick<PhoneService, 'track' | 'trunks' | 'shown' | 'append'>,
    private readonly deps: PhoneDeps,
    private readonly db: Database,
    private readonly gateway: MediaGateway | null,
    private readonly log: Logger,
  ) {}

  /** The bridge's handler for INVITEs to DIDs (the gate checked source, DID and SDP already). */
  async handle(call: IncomingCall): Promise<void> {
    const route = this.phone.trunks.route(call.did)
    if (!route || route.trunkId !== call.trunk) return call.reject(404)
    if (!this.gateway) return call.reject(503)
    const visitor = await this.visitorFor(route.tenantId, call.callerE164, call.callerName)
    const number = call.callerE164 ?? (call.from || 'anonymous')
    const id = newId('pc')
    const callId = newId('ca')
    await call.ring()
    const queue = route.queueId ? await this.db.queue.findFirst({ where: { id: route.queueId, tenantId: route.tenantId }, select: { slug: true } }) : null
    const room = await this.gateway.createRoom(callId, { phone: true })
    const leg = new PhoneLeg({ id, tenantId: route.tenantId, trunkId: route.trunkId, purpose: 'inbound', number, channelId: null, callId, requestId: null, room, media: await room.addPlainAudioLeg({ legId: id }) })
    await this.db.phoneCall.create({ data: { id, tenantId: route.tenantId, trunkId: route.trunkId, purpose: 'inbound', direction: 'inbound', number, did: call.did, callId, status: 'queued' } })
    this.phone.track(leg)
    leg.attach(call)
    let request: { id: string }
    try {
      request = await this.deps.queue.create(visitor, {
        clientRequestId: id,
        question: `Phone call from ${await this.phone.shown(route.tenantId, number)} to ${call.did}`,
        pageUrl: null,
        topic: queue?.slug ?? null,
        language: route.language,
        cartCategories: [],
        scheduledFor: null,
        kind: 'call',
      })
    } catch (error) {
      // e.g. the same caller is waiting already on another line
      this.log.info({ err: error, did: call.did }, 'an inbound call could not be queued')
      return call.reject(486)
    }
    // NOTE: no await between queueing and this: an agent's accept must find the call's room
    const waiting: Waiting = { leg, visitorId: visitor.id, hold: undefined }
    leg.requestId = request.id
    this.waiting.set(request.id, waiting)
    leg.on('answered', () => {
      if (!leg.connectedAt) waiting.hold = new HoldTone(leg.media)
    })
    void this.db.phoneCall.update({ where: { id }, data: { requestId: request.id } }).catch(() => undefined)
    try {
      await call.answer({ rtp: leg.rtpEndpoint() })
    } catch (error) {
      this.log.warn({ err: error, phoneCallId: id }, 'an inbound call could not be answered')
      await leg.hangup('failed')
    }
  }

  /** The id an accepted inbound request's call must take (its room exists). */
  presetCallFor(channelId: string): string | undefined {
    const requestId = this.deps.channels.get(channelId)?.requestId
    const waiting = requestId ? this.waiting.get(requestId) : undefined
    return waiting && waiting.leg.status !== 'ended' ? waiting.leg.callId : undefined
  }

  /** An agent took a queued caller: stop the hold audio, the call's room is theirs now. */
  callStarted(call: LiveCall): void {
    const requestId = this.deps.channels.get(call.channelId)?.requestId
    const waiting = requestId ? this.waiting.get(requestId) : undefined
    if (!waiting || waiting.leg.callId !== call.id) return
    this.waiting.delete(requestId!)
    waiting.hold?.stop()
    const { leg } = waiting
    leg.connect(call.channelId)
    void this.deps.media.roomForCall(call).catch((error: unknown) => this.log.error({ err: error, callId: call.id }, 'could not adopt the room of an inbound call'))
    void this.db.phoneCall.update({ where: { id: leg.id }, data: { status: 'answered', channelId: call.channelId } }).catch(() => undefined)
    void this.phone.shown(leg.tenantId, leg.number).then((number) => this.phone.append(call.channelId, 'phone.answered', { phoneCallId: leg.id, callId: call.id, purpose: 'inbound', number }))
  }

  /** The caller hung up (or the call failed) before an agent took it: leave the queue. */
  async endedWhileQueued(leg: PhoneLeg): Promise<void> {
    const requestId = leg.requestId
    const waiting = requestId ? this.waiting.get(requestId) : undefined
    if (requestId) this.waiting.delete(requestId)
    waiting?.hold?.stop()
    if (waiting) await this.deps.queue.cancel(waiting.visitorId, leg.tenantId, requestId!).catch(() => undefined)
  }

  /** The caller as a visitor: known again by their number, else a new one. */
  private async visitorFor(tenantId: string, number: string | undefined, name: string | undefined): Promise<VisitorIdentity> {
    const known = number ? await this.db.visitorPhone.findFirst({ where: { tenantId, number }, orderBy: { updatedAt: 'desc' }, include: { visitor: true } }) : null
    const now = new Date()
    if (known) {
      const visitor = await this.db.visitor.update({ where: { id: known.visitorId }, data: { lastSeenAt: now, visits: { increment: 1 } } })
      return { id: visitor.id, tenantId, displayName: visitor.displayName, returning: true, token: '' }
    }
    const id = newId('vi')
    const displayName = name ?? number ?? null
    await this.db.visitor.create({ data: { id, tenantId, displayName, createdAt: now, lastSeenAt: now } })
    // a caller's number is not consent to be called back when something fails
    if (number) await this.db.visitorPhone.create({ data: { visitorId: id, tenantId, number, fallback: false } })
    return { id, tenantId, displayName, returning: false, token: '' }
  }
}

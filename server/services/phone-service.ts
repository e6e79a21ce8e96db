/**
 * The phone: owns the SIP bridge (trunks from the store), calls visitors back through their
 * tenant's trunk on request or when their connection fails (PhoneFallback), takes calls to the
 * tenants' numbers into the queue (PhoneInbound), maps SIP PUBLISH presence to agent states
 * (PhonePresence), and bridges every phone leg's PCMU into the channel call's media room. Each
 * step is a `phone.*` channel event and a PhoneCall row; talk time becomes `pstn_seconds`
 * usage. Shutdown sends BYE; a restart ends (BYE) what a crash left (PhoneRecovery).
 */
import type { MediaGateway, MediaRoom } from '../../media/index.js'
import type { SipBridge } from '../../sip/sip-bridge.js'
import type { ChannelEventAuthor } from '../../web/protocol/channel-event.js'
import type { PhoneEventPayloads, PhonePurpose, VisitorPhoneView } from '../../web/protocol/phone.js'
import type { Config } from '../config.js'
import { ConflictError, ForbiddenError, InvalidStateError, NotFoundError, RateLimitedError, ValidationError } from '../errors.js'
import type { Logger } from '../log.js'
import { startSipBridge } from '../sip-startup.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { LiveCall } from './call-service.js'
import type { ParticipantRuntime } from './channel-service.js'
import type { Member } from './notifier.js'
import { PhoneFallback } from './phone-fallback.js'
import { PhoneInbound } from './phone-inbound.js'
import { guard, guardSync, maskNumber } from './phone-errors.js'
import { PhoneLeg } from './phone-leg.js'
import { moveToNextRoom } from './phone-leg-move.js'
import { PhonePresence } from './phone-presence.js'
import { recoverPhoneCalls } from './phone-recovery.js'
import type { Services } from './services.js'
import { TrunkDirectory } from './trunk-directory.js'

/** The services the phone works with (set at boot). */
export type PhoneDeps = Pick<Services, 'channels' | 'calls' | 'media' | 'events' | 'queue' | 'agents' | 'routing' | 'presence'>

/** A trunk as it runs now (for the admin's status column). */
export interface TrunkStatus {
  running: boolean
  address: { host: string; port: number; transport: 'udp' | 'tcp' | 'tls' } | null
  registered: boolean
  reachable: boolean | null
  error: string | null
}

/** Callbacks a visitor may ask for in one conversation. */
const CALLBACKS_PER_CHANNEL = 5

export class PhoneService {
  readonly trunks: TrunkDirectory
  private bridge: SipBridge | null = null
  private deps: PhoneDeps | undefined
  private readonly legs = new Map<string, PhoneLeg>()
  /** channels whose phone call is being set up (one at a time) */
  private readonly dialing = new Set<string>()
  /** the call id a channel's next call must take: its room exists already */
  private readonly presetCalls = new Map<string, string>()
  private readonly trunkErrors = new Map<string, string>()
  private inbound: PhoneInbound | undefined
  private fallback: PhoneFallback | undefined
  private closing: Promise<void> | undefined

  constructor(
    private readonly db: Database,
    private readonly config: Config,
    private readonly gateway: MediaGateway | null,
    private readonly log: Logger,
  ) {
    this.trunks = new TrunkDirectory(db)
  }

  /** Wire into the other services, start the trunks, end what a previous process left. */
  async boot(deps: PhoneDeps): Promise<void> {
    this.deps = deps
    const { calls, media, presence } = deps
    media.phoneRooms = (tenantId) => this.canBridge(tenantId)
    media.joinRefusal = (call, participantId) => {
      const leg = this.legOfCall(call.id)
      const participant = deps.channels.participant(call.channelId, participantId)
      return leg && participant?.role === 'visitor' ? 'you are in this call on your phone' : null
    }
    calls.presetCallId = (channelId) => this.presetCalls.get(channelId) ?? this.inbound?.presetCallFor(channelId)
    const started = calls.onStarted
    calls.onStarted = (call) => {
      started(call)
      this.inbound?.callStarted(call)
    }
    const ended = calls.onEnded
    calls.onEnded = (call, reason) => {
      ended(call, reason)
      void this.legOfCall(call.id)?.hangup('call_ended')
    }
    this.fallback = new PhoneFallback(this, deps, this.config.PHONE_FALLBACK_GRACE_MS, this.log)
    presence.onChange = (member, tenantId, connected) => this.fallback?.presenceChanged(member, tenantId, connected)
    this.gateway?.on('media-failed', (event) => this.fallback?.mediaFailed(event))
    const phonePresence = new PhonePresence(this.db, this.trunks, deps.agents, this.log)
    this.bridge = await startSipBridge(this.config, this.log, (request) => phonePresence.authorize(request))
    if (!this.bridge) return
    this.bridge.on('presence', (event) => void phonePresence.apply(event))
    this.inbound = new PhoneInbound(this, deps, this.db, this.gateway, this.log)
    this.bridge.onIncomingCall((call) => this.inbound!.handle(call))
    await this.reloadTrunks()
    await recoverPhoneCalls(this.db, this.bridge, deps, this.log)
  }

  /**
   * End (BYE) the phone calls of one tenant that a dead process left: for a node taking a
   * tenant over from another (boot() does it for every tenant of a single process).
   */
  async recoverTenant(tenantId: string): Promise<number> {
    return this.bridge && this.deps ? recoverPhoneCalls(this.db, this.bridge, this.deps, this.log, tenantId) : 0
  }

  get available(): boolean {
    return this.bridge !== null && !this.closing
  }

  /** Read the trunks again and (re)start what changed; returns the trunks that could not start. */
  async reloadTrunks(): Promise<{ trunk: string; error: string }[]> {
    if (!this.bridge) return []
    const runnable = await this.trunks.load({
      listenIp: this.config.SIP_LISTEN_IP,
      announcedIp: this.config.SIP_ANNOUNCED_IP,
      keepAliveSec: this.config.SIP_KEEPALIVE_SEC,
      ringTimeoutSec: this.config.PHONE_RING_TIMEOUT_SEC,
    })
    const { failed } = await this.bridge.updateTrunks(runnable.map((trunk) => trunk.config))
    this.trunkErrors.clear()
    for (const { trunk, error } of failed) {
      this.trunkErrors.set(trunk, error.message)
      this.log.error({ trunk, err: error }, 'a SIP trunk could not start')
    }
    return failed.map(({ trunk, error }) => ({ trunk, error: error.message }))
  }

  trunkStatus(trunkId: string): TrunkStatus {
    const error = this.trunkErrors.get(trunkId) ?? (this.bridge ? null : 'the SIP bridge is off on this server (SIP=off)')
    if (!this.bridge?.trunkIds().includes(trunkId)) return { running: false, address: null, registered: false, reachable: null, error }
    const status = this.bridge.status(trunkId)
    return { running: true, address: status.address, registered: status.registered, reachable: status.reachable ?? null, error }
  }

  /** OPTIONS to a running trunk (the admin's "Test" button). */
  async ping(trunkId: string): Promise<{ sipStatus: number; rttMs: number }> {
    if (!this.bridge?.trunkIds().includes(trunkId)) throw new InvalidStateError('this trunk is not running (disabled, or it could not start)')
    return guard(() => this.bridge!.ping(trunkId))
  }

  /** Calls of this tenant can reach the phone: the media room of every call is a phone room. */
  canBridge(tenantId: string): boolean {
    return this.outboundTrunk(tenantId) !== undefined
  }

  legOfCall(callId: string): PhoneLeg | undefined {
    for (const leg of this.legs.values()) if (leg.callId === callId && leg.status !== 'ended') return leg
    return undefined
  }

  /** Live legs (tests, supervision). */
  liveLegs(): PhoneLeg[] {
    return [...this.legs.values()]
  }

  // ── visitors' numbers ──

  async getPhone(visitorId: string): Promise<VisitorPhoneView | null> {
    const row = await this.db.visitorPhone.findUnique({ where: { visitorId } })
    return row ? { number: row.number, fallback: row.fallback } : null
  }

  async setPhone(visitorId: string, tenantId: string, input: { number: string | null; fallback: boolean }): Promise<VisitorPhoneView | null> {
    if (input.number === null) {
      await this.db.visitorPhone.deleteMany({ where: { visitorId } })
      return null
    }
    const data = { tenantId, number: input.number, fallback: input.fallback, updatedAt: new Date() }
    await this.db.visitorPhone.upsert({ where: { visitorId }, create: { visitorId, ...data }, update: data })
    return { number: input.number, fallback: input.fallback }
  }

  // ── calls ──

  /** Call the visitor's phone into the channel's call (visitors: their number; agents: the visitor's remembered one). */
  async call(member: Member, tenantId: string, input: { channelId: string; number?: string }): Promise<{ phoneCallId: string }> {
    const { channels } = this.requireDeps()
    const { channel, participant } = channels.requireOpenMember(input.channelId, member, tenantId)
    if (participant.role === 'supervisor') throw new ForbiddenError('supervisors cannot call the visitor')
    const visitor = [...channel.participants.values()].find((p) => p.role === 'visitor' && !p.leftAt && p.visitorId)
    if (!visitor?.visitorId) throw new InvalidStateError('the visitor has left this conversation')
    let number = input.number
    if (member.kind === 'agent') {
      if (number) throw new ForbiddenError('agents can only call the number the visitor gave')
      number = (await this.getPhone(visitor.visitorId))?.number
      if (!number) throw new InvalidStateError('the visitor has not given a phone number')
    } else if (number) {
      const known = await this.getPhone(visitor.visitorId)
      await this.setPhone(visitor.visitorId, tenantId, { number, fallback: known?.fallback ?? true })
    } else {
      number = (await this.getPhone(visitor.visitorId))?.number
      if (!number) throw new ValidationError('please give your phone number', [{ path: 'number', message: 'required' }])
    }
    // every callback costs the tenant: a conversation gets a few, not a dialler
    if (member.kind === 'visitor' && (await this.db.phoneCall.count({ where: { channelId: channel.id, purpose: 'callback' } })) >= CALLBACKS_PER_CHANNEL) {
      throw new RateLimitedError(`at most ${CALLBACKS_PER_CHANNEL} phone calls per conversation; the agent can still call you`)
    }
    const leg = await this.dial(channel.id, tenantId, visitor, number, 'callback', member.kind)
    return { phoneCallId: leg.id }
  }

  /** The visitor's media or connection failed during a call: call their phone, if they allowed it. */
  async callOnFailure(channelId: string, visitor: ParticipantRuntime, cause: 'media' | 'disconnect'): Promise<PhoneLeg | null> {
    const { channels, calls, routing } = this.requireDeps()
    const tenantId = channels.tenantOf(channelId)
    const call = calls.callOf(channelId)
    if (!tenantId || !visitor.visitorId || visitor.leftAt || call?.status !== 'active' || this.legOfCall(call.id) || this.dialing.has(channelId)) return null
    if (!(await routing.get(tenantId)).settings.phoneFallback || !this.canBridge(tenantId)) return null
    const phone = await this.getPhone(visitor.visitorId)
    if (!phone?.fallback) return null
    this.log.info({ channelId, cause }, 'the visitor lost their call: calling their phone')
    return this.dial(channelId, tenantId, visitor, phone.number, 'fallback', 'visitor')
  }

  private async dial(channelId: string, tenantId: string, visitor: ParticipantRuntime, number: string, purpose: PhonePurpose, askedBy: 'visitor' | 'agent'): Promise<PhoneLeg> {
    const { calls, media } = this.requireDeps()
    const trunk = this.outboundTrunk(tenantId)
    if (!this.bridge || !trunk || !this.gateway) throw new InvalidStateError('phone calls are not available for this organisation right now')
    if (this.dialing.has(channelId) || this.legOfChannel(channelId)) throw new ConflictError('a phone call is going on in this conversation already')
    this.dialing.add(channelId)
    let room: MediaRoom | undefined
    let preset: string | undefined
    let leg: PhoneLeg | undefined
    try {
      const call = calls.callOf(channelId)
      if (call && call.status !== 'active') throw new ConflictError('answer or cancel the call request first')
      if (call) {
        room = await media.roomForCall(call)
        if (!room.phone) throw new InvalidStateError('this call started before the phone line was set up: hang up and call again')
        room.leave(visitor.id) // the visitor talks on the phone now, not in the browser
      } else {
        preset = newId('ca')
        room = await this.gateway.createRoom(preset, { phone: true })
        this.presetCalls.set(channelId, preset)
      }
      const id = newId('pc')
      leg = new PhoneLeg({ id, tenantId, trunkId: trunk.id, purpose, number, channelId, callId: room.id, requestId: null, room, media: await room.addPlainAudioLeg({ legId: id }) })
      await this.db.phoneCall.create({ data: { id, tenantId, trunkId: trunk.id, purpose, direction: 'outbound', number, channelId, callId: room.id, status: 'dialing' } })
      this.track(leg)
      const endpoint = leg.rtpEndpoint()
      // the shop's name in From: what the visitor's phone shows next to the caller id
      const displayName = (await this.requireDeps().routing.get(tenantId)).name.replace(/["\\\r\n]/g, '').slice(0, 64)
      leg.attach(guardSync(() => this.bridge!.placeCall({ trunk: trunk.id, to: number, rtp: endpoint, ringTimeoutSec: this.config.PHONE_RING_TIMEOUT_SEC, displayName })))
      await this.append(channelId, 'phone.dialing', { phoneCallId: id, callId: room.id, purpose, number: await this.shown(tenantId, number) })
      if (preset) {
        if (!(await calls.startRequested(channelId, askedBy))) {
          await leg.hangup('failed')
          throw new InvalidStateError('the call could not start')
        }
        // the call's media is the room made for it: adopt it now (its usage, failures and end)
        const live = calls.callOf(channelId)
        if (live?.id === room.id) await media.roomForCall(live)
      }
      return leg
    } catch (error) {
      if (leg && !leg.sipCall) await leg.hangup('failed')
      if (preset) this.gateway.closeRoom(preset)
      throw error
    } finally {
      this.dialing.delete(channelId)
      if (preset) this.presetCalls.delete(channelId)
    }
  }

  /** Follow a leg: its events into the channel log and the PhoneCall row, its end into the call. */
  track(leg: PhoneLeg): void {
    this.legs.set(leg.id, leg)
    const update = (data: Parameters<Database['phoneCall']['update']>[0]['data']) =>
      this.db.phoneCall.update({ where: { id: leg.id }, data }).catch((error: unknown) => this.log.error({ err: error, phoneCallId: leg.id }, 'could not store a phone call change'))
    leg.on('ringing', () => {
      void update({ status: 'ringing' })
      if (leg.channelId) void this.append(leg.channelId, 'phone.ringing', { phoneCallId: leg.id })
    })
    leg.on('answered', (dialog) => {
      void update({ ...(leg.purpose === 'inbound' ? {} : { status: 'answered' }), answeredAt: leg.answeredAt, dialog: dialog ? JSON.stringify(dialog) : null, sipCallId: leg.sipCall?.sipCallId ?? null })
      if (leg.channelId) void this.shown(leg.tenantId, leg.number).then((number) => this.append(leg.channelId!, 'phone.answered', { phoneCallId: leg.id, callId: leg.callId, purpose: leg.purpose, number }))
    })
    leg.on('dialog', (dialog) => void update({ dialog: dialog ? JSON.stringify(dialog) : null }))
    leg.on('dtmf', (digit) => {
      if (leg.channelId) void this.append(leg.channelId, 'phone.dtmf', { phoneCallId: leg.id, digits: digit, from: 'phone' })
    })
    leg.on('media-lost', () => void moveToNextRoom(leg, this.requireDeps(), (channelId, held) => this.append(channelId, 'phone.held', { phoneCallId: leg.id, held }), this.log))
    leg.once('ended', (end) => void this.legEnded(leg, end))
  }

  private async legEnded(leg: PhoneLeg, end: { reason: PhoneEventPayloads['phone.ended']['reason']; sipStatus?: number; seconds: number }): Promise<void> {
    this.legs.delete(leg.id)
    const { calls, channels, media } = this.requireDeps()
    // a room made for this leg that no call took over (it failed fast, or the caller left the queue) is ours to close
    if (!calls.liveCalls().some((call) => call.id === leg.callId) && !(await media.roomOf(leg.callId))) this.gateway?.closeRoom(leg.callId)
    await this.db.phoneCall
      .update({ where: { id: leg.id }, data: { status: 'ended', endReason: end.reason, sipStatus: end.sipStatus ?? null, endedAt: new Date(), dialog: null } })
      .catch((error: unknown) => this.log.error({ err: error, phoneCallId: leg.id }, 'could not store the end of a phone call'))
    if (end.seconds > 0) {
      await this.db.usageRecord
        .create({ data: { id: newId('us'), tenantId: leg.tenantId, kind: 'pstn_seconds', quantity: Math.round(end.seconds * 1000) / 1000, channelId: leg.channelId, callId: leg.callId, participantId: leg.id, source: 'phone' } })
        .catch((error: unknown) => this.log.error({ err: error, phoneCallId: leg.id }, 'could not meter a phone call'))
    }
    if (leg.purpose === 'inbound' && !leg.channelId) return this.inbound?.endedWhileQueued(leg)
    const channelId = leg.channelId
    if (!channelId || !channels.isOpen(channelId)) return
    const payload = end.sipStatus === undefined ? { phoneCallId: leg.id, reason: end.reason, seconds: Math.round(end.seconds) } : { phoneCallId: leg.id, reason: end.reason, seconds: Math.round(end.seconds), sipStatus: end.sipStatus }
    await this.append(channelId, 'phone.ended', payload)
    // the visitor was in the call on the phone only: without it the call is over
    if (end.reason !== 'call_ended' && calls.callOf(channelId)?.id === leg.callId) await calls.endFor(channelId, 'hangup')
    if (leg.purpose === 'inbound' && end.reason !== 'shutdown') {
      const caller = channels.participantsOf(channelId).find((p) => p.role === 'visitor' && !p.leftAt)
      if (caller) await channels.leave(channelId, caller.id, 'left')
    }
  }

  // ── the agent's controls ──

  async hangup(member: Member, tenantId: string, input: { channelId: string; phoneCallId: string }): Promise<Record<string, never>> {
    await this.agentLeg(member, tenantId, input).leg.hangup('agent_hangup')
    return {}
  }

  async hold(member: Member, tenantId: string, input: { channelId: string; phoneCallId: string; hold: boolean }): Promise<{ held: boolean }> {
    const { leg } = this.agentLeg(member, tenantId, input)
    if (leg.held !== input.hold) {
      await guard(() => leg.hold(input.hold))
      await this.append(input.channelId, 'phone.held', { phoneCallId: leg.id, held: input.hold })
    }
    return { held: leg.held }
  }

  async dtmf(member: Member, tenantId: string, input: { channelId: string; phoneCallId: string; digits: string }): Promise<{ via: 'rfc4733' | 'info' }> {
    const { leg, author } = this.agentLeg(member, tenantId, input)
    const sent = await guard(() => leg.sendDtmf(input.digits))
    await this.append(input.channelId, 'phone.dtmf', { phoneCallId: leg.id, digits: input.digits.toUpperCase(), from: 'agent' }, author)
    return sent
  }

  async transfer(member: Member, tenantId: string, input: { channelId: string; phoneCallId: string; target: string }): Promise<{ sipStatus: number }> {
    const { leg, author } = this.agentLeg(member, tenantId, input)
    const result = await guard(() => leg.transfer(input.target))
    await this.append(input.channelId, 'phone.transferred', { phoneCallId: leg.id, target: await this.shown(tenantId, input.target) }, author)
    return result
  }

  private agentLeg(member: Member, tenantId: string, input: { channelId: string; phoneCallId: string }): { leg: PhoneLeg; author: ChannelEventAuthor } {
    const { participant } = this.requireDeps().channels.requireOpenMember(input.channelId, member, tenantId)
    if (participant.role !== 'agent') throw new ForbiddenError('only the agent controls the phone call')
    const leg = this.legs.get(input.phoneCallId)
    if (!leg || leg.channelId !== input.channelId || leg.status === 'ended') throw new NotFoundError('no such phone call in this conversation (it may have ended)')
    return { leg, author: { role: participant.role, participantId: participant.id, name: participant.name } }
  }

  /** BYE every live phone call. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.fallback?.close()
      await Promise.all([...this.legs.values()].map((leg) => leg.hangup('shutdown').catch(() => undefined)))
      await this.bridge?.close()
    })()
    return this.closing
  }

  // ── helpers ──

  /** A number as the tenant's agents may see it. */
  async shown(tenantId: string, number: string): Promise<string> {
    const { settings } = await this.requireDeps().routing.get(tenantId)
    return settings.phoneNumbersVisible ? number : maskNumber(number)
  }

  async append<T extends keyof PhoneEventPayloads>(channelId: string, type: T, payload: PhoneEventPayloads[T], author: ChannelEventAuthor = { role: 'system' }): Promise<void> {
    const { channels, events } = this.requireDeps()
    if (!channels.isOpen(channelId)) return
    await events.append({ channelId, type, author, payload } as Parameters<typeof events.append>[0]).catch((error: unknown) => this.log.error({ err: error, type }, 'could not log a phone event'))
  }

  private outboundTrunk(tenantId: string) {
    const bridge = this.bridge
    if (!bridge || this.closing) return undefined
    const up = new Set(bridge.trunkIds())
    return this.trunks.outboundTrunkOf(tenantId, (id) => up.has(id))
  }

  private legOfChannel(channelId: string): PhoneLeg | undefined {
    for (const leg of this.legs.values()) if (leg.channelId === channelId && leg.status !== 'ended') return leg
    return undefined
  }

  private requireDeps(): PhoneDeps {
    if (!this.deps) throw new InvalidStateError('the phone service has not started')
    return this.deps
  }
}

export type { LiveCall }

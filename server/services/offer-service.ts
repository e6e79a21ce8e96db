/**
 * Proactive offers: on every cart change, when an offers stream connects, when routing
 * changes (an agent became Ready) and on a one-second timer (inactivity), the tenant's rules
 * are evaluated for every shopper whose page listens. The first matching rule that can be
 * served makes the offer: an agent with the rule queue's skills is held for the offer's
 * lifetime (or, failing that, the queue's expected wait is below the rule's threshold), and
 * the modes are what can be served now. The offer ends accepted, declined, ignored (it ran
 * out) or withdrawn (the held agent left); each outcome is stored per rule (charges and
 * the credit for later orders: OfferLedger).
 */
import type { AgentHoldView, ContactMode, OfferAccepted, OfferCharge, OfferEndReason, OfferStreamEvents, OfferView } from '../../web/protocol/cart.js'
import { cartCategories, cartMargin, cartValue, cartView } from '../domain/cart-state.js'
import { matchingRules, preselectedMode, servableModes, type CartFacts, type OfferRule } from '../domain/offer-rules.js'
import type { ChannelKind } from '../domain/router.js'
import { parseRequirement } from '../domain/skill-requirement.js'
import { ConflictError, InvalidStateError, NotFoundError, ValidationError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { BillingService } from './billing-service.js'
import type { CartService, LiveCart } from './cart-service.js'
import type { OfferConnector } from './offer-connector.js'
import type { OfferHistoryBook } from './offer-history.js'
import type { OfferLedger } from './offer-ledger.js'
import type { OfferRuleDirectory } from './offer-rule-directory.js'
import type { RoutingQueue } from './routing-directory.js'
import type { Services } from './services.js'
import type { WebhookDispatcher } from './webhook-dispatcher.js'

export type OfferDeps = Pick<Services, 'engine' | 'estimator' | 'routing' | 'channels' | 'queue' | 'media' | 'phone'>

interface LiveOffer {
  id: string
  tenantId: string
  visitorId: string
  rule: OfferRule
  queue: RoutingQueue | null
  hold: { holdId: string; agentId: string; kind: ChannelKind } | null
  modes: ContactMode[]
  charge: OfferCharge | null
  expiresAt: number
  status: 'shown' | 'accepting'
  timer: ReturnType<typeof setTimeout>
}

type Listener = <E extends keyof OfferStreamEvents>(event: E, data: OfferStreamEvents[E]) => void

/** how often waiting carts are looked at again (inactivity, agents coming free) */
const SWEEP_MS = 1000
const CACHE_MS = 60_000
/** offers left 'shown' past their end by a process that died are closed this often */
const STALE_EVERY_MS = 60_000

export class OfferService {
  /** tell the held agent's console (set by the app: the agent's socket room) */
  onHold: (agentId: string, hold: AgentHoldView | null, offerId: string) => void = () => {}

  private readonly live = new Map<string, LiveOffer>()
  private readonly byVisitor = new Map<string, string>()
  private readonly byHold = new Map<string, string>()
  private readonly listeners = new Map<string, Set<{ tenantId: string; listener: Listener }>>()
  private readonly evaluating = new Set<string>()
  private readonly again = new Set<string>()
  private readonly tenantCache = new Map<string, { at: number; timeZone: string; currency: string }>()
  private readonly sweepTimer: ReturnType<typeof setInterval>
  private lastStaleSweep = 0
  private closed = false

  constructor(
    private readonly db: Database,
    private readonly services: OfferDeps,
    private readonly carts: CartService,
    private readonly rules: OfferRuleDirectory,
    private readonly history: OfferHistoryBook,
    private readonly connector: OfferConnector,
    private readonly ledger: OfferLedger,
    private readonly billing: BillingService,
    private readonly webhooks: WebhookDispatcher,
    private readonly log: Logger,
  ) {
    services.engine.onHoldEnded = (_tenantId, holdId, _agentId, reason) => this.holdEnded(holdId, reason)
    services.engine.onChange((tenantId) => this.evaluateTenant(tenantId))
    carts.onChanged = (cart, orders) => {
      if (cart.visitorId) {
        for (const order of orders) void this.ledger.orderCompleted(cart.visitorId, order).catch((error: unknown) => this.log.error({ err: error }, 'could not attribute an order'))
        this.evaluate(cart.visitorId)
      }
    }
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS)
    this.sweepTimer.unref()
  }

  /** A shopper's page listens for offers (the stream); the live offer, if any, comes at once. Returns the unsubscribe. */
  subscribe(tenantId: string, visitorId: string, listener: Listener): () => void {
    let set = this.listeners.get(visitorId)
    if (!set) this.listeners.set(visitorId, (set = new Set()))
    const entry = { tenantId, listener }
    set.add(entry)
    const offerId = this.byVisitor.get(visitorId)
    const offer = offerId ? this.live.get(offerId) : undefined
    const failed = (error: unknown) => this.log.error({ err: error, visitorId }, 'could not serve an offers stream')
    if (offer?.status === 'shown') void this.view(offer).then((view) => listener('offer', view), failed)
    else void this.carts.ofVisitor(visitorId).then(() => this.evaluate(visitorId), failed)
    return () => {
      set.delete(entry)
      if (set.size === 0) this.listeners.delete(visitorId)
    }
  }

  /** The shopper's answer. Accepting starts the chosen conversation (see OfferConnector). */
  async respond(tenantId: string, visitorId: string, offerId: string, answer: { answer: 'accept' | 'decline'; mode?: ContactMode; phone?: string }): Promise<OfferAccepted | { status: 'declined' }> {
    const offer = this.live.get(offerId)
    if (!offer || offer.tenantId !== tenantId || offer.visitorId !== visitorId) {
      const row = await this.db.proactiveOffer.findFirst({ where: { id: offerId, tenantId, visitorId }, select: { status: true } })
      if (!row) throw new NotFoundError('no such offer')
      throw new InvalidStateError(row.status === 'withdrawn' ? 'sorry, this offer is no longer available' : `this offer was already ${row.status}`)
    }
    if (offer.status !== 'shown') throw new ConflictError('this offer is being answered already')
    if (answer.mode) await this.remember(visitorId, answer.mode)
    if (answer.answer === 'decline') {
      await this.finish(offer, 'declined', 'declined')
      await this.history.declined(visitorId, Date.now())
      return { status: 'declined' }
    }
    const mode = answer.mode!
    if (!offer.modes.includes(mode)) throw new ValidationError(`this offer is for ${offer.modes.join(', ')}`, [{ path: 'mode', message: `must be one of ${offer.modes.join(', ')}` }])
    if (this.services.channels.channelsOf({ kind: 'visitor', visitorId }, tenantId).length > 0) throw new ConflictError('you are in a conversation already')
    let phone: string | null = null
    if (mode === 'phone') {
      const known = await this.services.phone.getPhone(visitorId)
      phone = answer.phone ?? known?.number ?? null
      if (!phone) throw new ValidationError('please give the number we should call', [{ path: 'phone', message: 'required for a phone call' }])
      if (answer.phone) await this.services.phone.setPhone(visitorId, tenantId, { number: answer.phone, fallback: known?.fallback ?? true })
    }
    offer.status = 'accepting'
    clearTimeout(offer.timer)
    let connected
    try {
      connected = await this.connector.connect({ id: offer.id, tenantId, visitorId, ruleName: offer.rule.name, queue: offer.queue, hold: offer.hold }, mode, phone, this.carts.live(visitorId) ?? null)
    } catch (error) {
      await this.finish(offer, 'withdrawn', 'withdrawn')
      throw error
    }
    const now = new Date()
    this.forget(offer)
    this.closeStreams(offer, 'accepted')
    await this.db.proactiveOffer.update({ where: { id: offer.id }, data: { status: 'accepted', mode, respondedAt: now, requestId: connected.requestId, channelId: connected.channelId } })
    if (offer.charge && connected.channelId) await this.ledger.opened({ id: offer.id, tenantId, visitorId, ruleName: offer.rule.name, charge: offer.charge }, connected.channelId)
    void this.webhooks
      .emit(tenantId, 'offer.accepted', { offer: { id: offer.id, rule: { id: offer.rule.id, name: offer.rule.name }, mode, channelId: connected.channelId, requestId: connected.requestId, acceptedAt: now.toISOString() } })
      .catch((error: unknown) => this.log.error({ err: error }, 'could not send the offer.accepted webhook'))
    return { status: 'accepted', mode, channelId: connected.channelId, requestId: connected.requestId }
  }

  /** An agent joined a conversation (from the event log): the one a queued offer was waiting for? */
  async channelOpened(channelId: string): Promise<void> {
    const opened = await this.connector.channelOpened(channelId)
    if (!opened) return
    const row = await this.db.proactiveOffer.update({ where: { id: opened.offerId }, data: { channelId } })
    const charge = row.charge ? (JSON.parse(row.charge) as OfferCharge) : null
    if (charge) await this.ledger.opened({ id: row.id, tenantId: row.tenantId, visitorId: row.visitorId, ruleName: row.ruleName, charge }, channelId)
  }

  /** Live offers (tests, supervision). */
  liveOffers(): { id: string; visitorId: string; agentId: string | null; expiresAt: number }[] {
    return [...this.live.values()].map((offer) => ({ id: offer.id, visitorId: offer.visitorId, agentId: offer.hold?.agentId ?? null, expiresAt: offer.expiresAt }))
  }

  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.sweepTimer)
    for (const offer of [...this.live.values()]) if (offer.status === 'shown') await this.finish(offer, 'withdrawn', 'withdrawn').catch(() => undefined)
  }

  // ── evaluation ──

  private sweep(): void {
    if (this.closed) return
    for (const visitorId of this.listeners.keys()) this.evaluate(visitorId)
    const now = Date.now()
    this.history.sweep(now)
    if (now - this.lastStaleSweep >= STALE_EVERY_MS) {
      this.lastStaleSweep = now
      // NOTE: only offers well past their end and not ours: another process may own live ones
      void this.db.proactiveOffer
        .updateMany({ where: { status: 'shown', expiresAt: { lt: new Date(now - 10_000) }, id: { notIn: [...this.live.keys()] } }, data: { status: 'ignored' } })
        .catch((error: unknown) => this.log.warn({ err: error }, 'could not close stale offers'))
    }
  }

  private evaluateTenant(tenantId: string): void {
    for (const [visitorId, set] of this.listeners) if ([...set].some((entry) => entry.tenantId === tenantId)) this.evaluate(visitorId)
  }

  /** Evaluate one shopper (coalesced: one evaluation per shopper at a time). */
  private evaluate(visitorId: string): void {
    if (this.closed || this.byVisitor.has(visitorId) || !this.listeners.has(visitorId)) return
    if (this.evaluating.has(visitorId)) return void this.again.add(visitorId)
    this.evaluating.add(visitorId)
    void this.tryOffer(visitorId)
      .catch((error: unknown) => this.log.error({ err: error, visitorId }, 'offer evaluation failed'))
      .finally(() => {
        this.evaluating.delete(visitorId)
        if (this.again.delete(visitorId)) this.evaluate(visitorId)
      })
  }

  private async tryOffer(visitorId: string): Promise<void> {
    const cart = this.carts.live(visitorId)
    if (!cart?.visitorId || this.byVisitor.has(visitorId)) return
    const { tenantId } = cart
    const { channels, queue } = this.services
    const member = { kind: 'visitor', visitorId } as const
    if (channels.channelsOf(member, tenantId).length > 0 || queue.requestsOf(visitorId, tenantId).some((request) => request.status === 'queued')) return
    const rules = await this.rules.rulesOf(tenantId)
    if (rules.length === 0) return
    const tenant = await this.tenant(tenantId)
    const now = Date.now()
    const history = await this.history.of(tenantId, visitorId, tenant.timeZone, now)
    for (const rule of matchingRules(rules, this.facts(cart), history, now, tenant.timeZone)) {
      if (this.byVisitor.has(visitorId) || !this.listeners.has(visitorId)) return
      if (await this.make(rule, cart, tenant, now)) return
    }
  }

  private facts(cart: LiveCart): CartFacts {
    const state = cart.state
    return {
      value: cartValue(state),
      itemCount: state.items.reduce((sum, item) => sum + item.quantity, 0),
      categories: cartCategories(state),
      skus: state.items.map((item) => item.sku),
      step: state.step,
      margin: cartMargin(state),
      lastActivityAt: state.lastActivityAt,
      paymentFailed: state.paymentFailedAt !== null,
      orderCompleted: state.orderCompletedAt !== null,
      returning: cart.returning,
      pageUrl: cart.pageUrl,
    }
  }

  /** Make the offer if it can be served now; false when it cannot. */
  private async make(rule: OfferRule, cart: LiveCart, tenant: { timeZone: string; currency: string }, now: number): Promise<boolean> {
    const { engine, estimator, routing: directory, media, phone } = this.services
    const visitorId = cart.visitorId!
    const routing = await directory.get(cart.tenantId)
    const queue = (rule.offer.queue ? routing.queues.find((q) => q.slug === rule.offer.queue) : (routing.queues.find((q) => q.isDefault) ?? routing.queues[0])) ?? null
    if (rule.offer.queue && !queue) return false // the rule's queue was deleted
    const voice = media.available
    const phoneOk = media.available && phone.available && phone.canBridge(cart.tenantId)
    const wantsCall = rule.offer.modes.some((mode) => (mode === 'voice' && voice) || (mode === 'phone' && phoneOk))
    const id = newId('of')
    const expiresAt = now + rule.offer.lifetimeSec * 1000
    const holdId = `hold-${id}`
    // NOTE: only the queue's own requirement: cart hints would make the few experts unreachable for an offer
    const held = engine.hold(cart.tenantId, holdId, { requirement: queue ? queue.parsed : parseRequirement('*'), kinds: wantsCall ? ['call', 'chat'] : ['chat'] }, expiresAt)
    let modes: ContactMode[]
    if (held) {
      modes = servableModes(rule.offer.modes, { voice, phone: phoneOk, callAgent: held.kind === 'call', agentHeld: true })
    } else {
      if (rule.offer.maxWaitSec <= 0 || !queue) return false
      const settings = { tenantId: cart.tenantId, ...routing.settings }
      const staffing = estimator.staffing(queue, 'chat', engine.stateOf(cart.tenantId), settings)
      const waiting = this.services.queue.waitingIn(cart.tenantId).filter((request) => request.queue?.id === queue.id).length
      const wait = estimator.forArrival(queue.id, staffing, waiting, routing.settings.defaultHandleTimeSec)
      if (!wait || wait.seconds > rule.offer.maxWaitSec) return false
      modes = servableModes(rule.offer.modes, { voice, phone: phoneOk, callAgent: false, agentHeld: false })
    }
    if (modes.length === 0 || this.byVisitor.has(visitorId)) {
      if (held) engine.release(cart.tenantId, holdId, held.agentId)
      return false
    }
    const charge: OfferCharge | null = rule.offer.charge.mode === 'off' ? null : { mode: rule.offer.charge.mode, amountMinor: rule.offer.charge.amountMinor, currency: tenant.currency }
    const offer: LiveOffer = { id, tenantId: cart.tenantId, visitorId, rule, queue, hold: held ? { holdId, agentId: held.agentId, kind: held.kind } : null, modes, charge, expiresAt, status: 'shown', timer: setTimeout(() => void this.expire(id), expiresAt - now) }
    offer.timer.unref()
    this.live.set(id, offer)
    this.byVisitor.set(visitorId, id)
    if (offer.hold) this.byHold.set(holdId, id)
    try {
      await this.db.proactiveOffer.create({
        data: { id, tenantId: cart.tenantId, ruleId: rule.id, ruleName: rule.name, visitorId, status: 'shown', modes: JSON.stringify(modes), agentId: held?.agentId ?? null, cartValue: cartValue(cart.state), currency: cart.state.currency, charge: charge ? JSON.stringify(charge) : null, createdAt: new Date(now), expiresAt: new Date(expiresAt) },
      })
      await this.history.shown(cart.tenantId, visitorId, id, rule.id, tenant.timeZone, now)
    } catch (error) {
      this.forget(offer)
      if (offer.hold) engine.release(cart.tenantId, holdId, offer.hold.agentId)
      throw error
    }
    if (this.live.get(id)?.status !== 'shown') return true // lost its agent meanwhile (withdrawn)
    const view = await this.view(offer)
    for (const { listener } of this.listeners.get(visitorId) ?? []) listener('offer', view)
    if (offer.hold) this.tellAgent(offer.hold.agentId, { offerId: id, rule: rule.name, modes, expiresAt: view.expiresAt, cart: cartView(cart.state) }, id)
    this.log.info({ offerId: id, rule: rule.name, agentId: held?.agentId ?? null, modes }, 'proactive offer shown')
    return true
  }

  private async view(offer: LiveOffer): Promise<OfferView> {
    const [row, phone] = await Promise.all([this.db.visitor.findUnique({ where: { id: offer.visitorId }, select: { contactMode: true } }), offer.modes.includes('phone') ? this.services.phone.getPhone(offer.visitorId) : null])
    return {
      id: offer.id,
      message: offer.rule.offer.message,
      modes: offer.modes,
      preferred: preselectedMode(offer.modes, (row?.contactMode as ContactMode | null) ?? null),
      phone: phone?.number ?? null,
      charge: offer.charge,
      expiresAt: new Date(offer.expiresAt).toISOString(),
      agentReady: offer.hold !== null,
    }
  }

  // ── endings ──

  private async expire(offerId: string): Promise<void> {
    const offer = this.live.get(offerId)
    if (offer?.status === 'shown') await this.finish(offer, 'ignored', 'expired').catch((error: unknown) => this.log.error({ err: error }, 'could not end an offer'))
  }

  private holdEnded(holdId: string, reason: 'expired' | 'lost'): void {
    const offer = this.live.get(this.byHold.get(holdId) ?? '')
    if (!offer || offer.status !== 'shown') return
    void this.finish(offer, reason === 'expired' ? 'ignored' : 'withdrawn', reason === 'expired' ? 'expired' : 'withdrawn').catch((error: unknown) => this.log.error({ err: error }, 'could not end an offer'))
  }

  private async finish(offer: LiveOffer, status: 'declined' | 'ignored' | 'withdrawn', reason: OfferEndReason): Promise<void> {
    if (this.live.get(offer.id) !== offer) return
    clearTimeout(offer.timer)
    this.forget(offer)
    if (offer.hold) this.services.engine.release(offer.tenantId, offer.hold.holdId, offer.hold.agentId)
    this.closeStreams(offer, reason)
    await this.db.proactiveOffer.update({ where: { id: offer.id }, data: { status, respondedAt: status === 'declined' ? new Date() : null } })
    if (status === 'withdrawn') await this.history.withdrawn(offer.tenantId, offer.visitorId, offer.id, offer.rule.id, (await this.tenant(offer.tenantId)).timeZone, Date.now())
  }

  private forget(offer: LiveOffer): void {
    if (offer.hold) this.tellAgent(offer.hold.agentId, null, offer.id)
    this.live.delete(offer.id)
    if (this.byVisitor.get(offer.visitorId) === offer.id) this.byVisitor.delete(offer.visitorId)
    if (offer.hold) this.byHold.delete(offer.hold.holdId)
  }

  private closeStreams(offer: LiveOffer, reason: OfferEndReason): void {
    for (const { listener } of this.listeners.get(offer.visitorId) ?? []) listener('offer-closed', { id: offer.id, reason })
  }

  private tellAgent(agentId: string, hold: AgentHoldView | null, offerId: string): void {
    try {
      this.onHold(agentId, hold, offerId)
    } catch (error) {
      this.log.warn({ err: error }, 'could not tell the agent about a hold')
    }
  }

  // ── the shopper and the tenant ──

  /** Remember how the shopper likes to talk (the card preselects it next time). */
  private async remember(visitorId: string, mode: ContactMode): Promise<void> {
    await this.db.visitor.update({ where: { id: visitorId }, data: { contactMode: mode } })
  }

  private async tenant(tenantId: string): Promise<{ timeZone: string; currency: string }> {
    const cached = this.tenantCache.get(tenantId)
    if (cached && cached.at > Date.now() - CACHE_MS) return cached
    const [row, plan] = await Promise.all([this.db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { timezone: true } }), this.billing.plan(tenantId)])
    const entry = { at: Date.now(), timeZone: row.timezone, currency: plan.currency }
    this.tenantCache.set(tenantId, entry)
    return entry
  }
}

/**
 * What a shopper's "yes" starts. With an agent held for the offer: a request that is accepted
 * for that agent at once (the conversation opens, no ringing), then, for the voice mode, the
 * browser call starts (the click was the ask, the hold the consent) and, for the phone mode,
 * the phone service calls the shopper's number into that call. Without a held agent (the
 * expected wait was short): a request in the rule's queue, chat or call, routed as usual.
 * Either way the agents get the cart as a `cart.updated` event; the cart itself is never
 * touched.
 */
import type { ContactMode } from '../../web/protocol/cart.js'
import type { ChannelKind } from '../../web/protocol/views.js'
import { hintsFor } from '../domain/skill-hints.js'
import { InvalidStateError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import { newId } from '../store/ids.js'
import type { LiveCart } from './cart-service.js'
import type { CartService } from './cart-service.js'
import type { RoutingQueue } from './routing-directory.js'
import type { Services } from './services.js'

/** The accepted offer, as the connector needs it. */
export interface AcceptedOffer {
  id: string
  tenantId: string
  visitorId: string
  ruleName: string
  queue: RoutingQueue | null
  hold: { holdId: string; agentId: string; kind: ChannelKind } | null
}

export interface Connected {
  channelId: string | null
  requestId: string
}

export type ConnectorDeps = Pick<Services, 'agents' | 'channels' | 'engine' | 'calls' | 'phone' | 'queue' | 'routing' | 'events'>

const kindOf = (mode: ContactMode): ChannelKind => (mode === 'chat' ? 'chat' : 'call')

export class OfferConnector {
  /** request id -> offer, for requests queued by an offer until their conversation opens */
  private readonly queued = new Map<string, { offer: AcceptedOffer; mode: ContactMode }>()

  constructor(
    private readonly db: Database,
    private readonly services: ConnectorDeps,
    private readonly carts: CartService,
    private readonly log: Logger,
  ) {}

  /** Start the conversation the shopper chose. `phone`: the number for the phone mode. */
  async connect(offer: AcceptedOffer, mode: ContactMode, phone: string | null, cart: LiveCart | null): Promise<Connected> {
    const routing = await this.services.routing.get(offer.tenantId)
    const categories = cart ? this.carts.viewOf(cart).categories : []
    const pageUrl = cart?.pageUrl ?? null
    const known = (hint: { key: string; value: string }) => routing.skills.has(`${hint.key}=${hint.value}`)
    const hints = hintsFor({ pageUrl, cartCategories: categories, language: null, pastTopics: [] }, routing.rules).filter(known)
    if (!offer.hold) {
      const view = await this.services.queue.create(
        { id: offer.visitorId, tenantId: offer.tenantId, displayName: null, returning: cart?.returning ?? false, token: '' },
        // NOTE: no question: the shopper said yes and wrote nothing, so no chat message is made up for them
        { clientRequestId: `offer-${offer.id}`, question: '', pageUrl, topic: offer.queue?.slug ?? null, language: null, cartCategories: categories, scheduledFor: null, kind: kindOf(mode) },
      )
      this.queued.set(view.id, { offer, mode })
      return { channelId: null, requestId: view.id }
    }

    const { agents, channels, engine } = this.services
    const hold = offer.hold
    if (!engine.holder(offer.tenantId, hold.holdId, hold.agentId)) throw new InvalidStateError('sorry, the agent is no longer available; please try again in a moment')
    const requestId = newId('rq')
    const kind = kindOf(mode)
    await this.db.request.create({
      data: { id: requestId, tenantId: offer.tenantId, visitorId: offer.visitorId, clientRequestId: `offer-${offer.id}`, question: '', pageUrl, queueId: offer.queue?.id ?? null, kind, hints: JSON.stringify(hints), priority: offer.queue?.priority ?? 0, status: 'queued' },
    })
    let channelId: string
    try {
      const agent = await agents.load(hold.agentId)
      const channel = await channels.openForRequest({ id: requestId, tenantId: offer.tenantId, visitorId: offer.visitorId, visitorName: null, question: '', pageUrl, kind, queueId: offer.queue?.id ?? null }, agent)
      channelId = channel.id
    } catch (error) {
      await this.db.request.updateMany({ where: { id: requestId, status: 'queued' }, data: { status: 'cancelled', endedAt: new Date(), endReason: 'cancelled' } })
      throw error
    } finally {
      // the agent now has the conversation (or is free again): the hold has done its job
      engine.release(offer.tenantId, hold.holdId, hold.agentId)
    }
    await this.tellAgents(channelId, offer, mode, cart)
    if (mode === 'voice' && !(await this.services.calls.startRequested(channelId, 'visitor'))) this.log.warn({ channelId }, 'the accepted voice offer goes on as a chat: calls are unavailable')
    if (mode === 'phone' && phone) {
      try {
        await this.services.phone.call({ kind: 'visitor', visitorId: offer.visitorId }, offer.tenantId, { channelId, number: phone })
      } catch (error) {
        // the chat is open and the agent sees the phone events; the shopper can ask again from the panel
        this.log.warn({ err: error, channelId }, 'the phone callback of an accepted offer failed')
      }
    }
    return { channelId, requestId }
  }

  /** A conversation opened: the one a queued offer request was waiting for? */
  async channelOpened(channelId: string): Promise<{ offerId: string; channelId: string } | null> {
    const channel = this.services.channels.get(channelId)
    const pending = channel ? this.queued.get(channel.requestId) : undefined
    if (!channel || !pending) return null
    this.queued.delete(channel.requestId)
    await this.tellAgents(channelId, pending.offer, pending.mode, await this.carts.ofVisitor(pending.offer.visitorId))
    return { offerId: pending.offer.id, channelId }
  }

  private async tellAgents(channelId: string, offer: AcceptedOffer, mode: ContactMode, cart: LiveCart | null): Promise<void> {
    if (!cart) return
    await this.services.events
      .append({ channelId, type: 'cart.updated', author: { role: 'system' }, payload: { cart: this.carts.viewOf(cart), offer: { id: offer.id, rule: offer.ruleName, mode } } })
      .catch((error: unknown) => this.log.warn({ err: error, channelId }, 'could not show the cart to the agent'))
  }
}

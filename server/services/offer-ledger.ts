/**
 * The money and the credit of accepted offers: a billable conversation is charged to the
 * shopper in the micro-charges ledger (per call when it opens, per started minute when it
 * ends), and an order completed within a week after an accepted offer is credited to it.
 */
import type { OfferCharge } from '../../web/protocol/cart.js'
import type { CompletedOrder } from '../domain/cart-state.js'
import { billedMinutes } from '../domain/offer-rules.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import type { BillingService } from './billing-service.js'

/** an order this long after an accepted offer is still the offer's */
const ATTRIBUTION_MS = 7 * 24 * 3_600_000

/** What charging needs of the accepted offer. */
export interface BillableOffer {
  id: string
  tenantId: string
  visitorId: string
  ruleName: string
  charge: OfferCharge
}

export class OfferLedger {
  /** conversations billed by the minute: channel id -> offer */
  private readonly perMinute = new Map<string, BillableOffer>()

  constructor(
    private readonly db: Database,
    private readonly billing: BillingService,
    private readonly log: Logger,
  ) {}

  /** The conversation of a billable offer opened: charge a call now, or start the minutes. */
  async opened(offer: BillableOffer, channelId: string): Promise<void> {
    if (offer.charge.mode === 'per_minute') return void this.perMinute.set(channelId, offer)
    await this.billing
      .recordShopperCharge({ tenantId: offer.tenantId, amountMinor: offer.charge.amountMinor, currency: offer.charge.currency, description: `${offer.ruleName}: advice call`, visitorId: offer.visitorId, channelId, offerId: offer.id })
      .catch((error: unknown) => this.log.error({ err: error, offerId: offer.id }, 'could not record the shopper charge'))
  }

  /** A conversation ended: bill its started minutes when the shopper agreed to pay by the minute. */
  async ended(channelId: string, openedAt: Date): Promise<void> {
    const offer = this.perMinute.get(channelId)
    if (!offer) return
    this.perMinute.delete(channelId)
    const minutes = billedMinutes((Date.now() - openedAt.getTime()) / 1000)
    await this.billing.recordShopperCharge({
      tenantId: offer.tenantId,
      amountMinor: minutes * offer.charge.amountMinor,
      currency: offer.charge.currency,
      description: `${offer.ruleName}: ${minutes} min of advice`,
      visitorId: offer.visitorId,
      channelId,
      offerId: offer.id,
    })
  }

  /** An order completed: the shopper's latest accepted offer (within a week, not yet credited) gets it. */
  async orderCompleted(visitorId: string, order: CompletedOrder): Promise<void> {
    const offer = await this.db.proactiveOffer.findFirst({
      where: { visitorId, status: 'accepted', orderCompletedAt: null, respondedAt: { gte: new Date(order.at - ATTRIBUTION_MS) } },
      orderBy: { respondedAt: 'desc' },
      select: { id: true },
    })
    if (offer) await this.db.proactiveOffer.update({ where: { id: offer.id }, data: { orderCompletedAt: new Date(order.at), orderId: order.orderId, orderValue: order.value } })
  }
}

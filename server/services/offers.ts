/**
 * Proactive offers, composed beside the live services and management (they need the
 * router's holds, the phone, billing for shopper charges, webhooks and the reports' funnel
 * seam): carts, rules, caps history, the offer service and its connector, and the report.
 * Hooks chain onto whatever else listens (opened and ended channels).
 */
import { VisitorTokens } from '../auth/visitor-token.js'
import type { Config } from '../config.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import { CartService } from './cart-service.js'
import type { Management } from './management.js'
import { OfferConnector } from './offer-connector.js'
import { OfferHistoryBook } from './offer-history.js'
import { OfferLedger } from './offer-ledger.js'
import { OfferReport } from './offer-report.js'
import { OfferRuleDirectory } from './offer-rule-directory.js'
import { OfferService } from './offer-service.js'
import type { Services } from './services.js'

export interface Offers {
  carts: CartService
  rules: OfferRuleDirectory
  offers: OfferService
  report: OfferReport
  /** checks the visitor tokens the widget sends with cart events and answers */
  tokens: VisitorTokens
}

export function createOffers(db: Database, services: Services, management: Management, config: Config, log: Logger): Offers {
  const carts = new CartService(db, services.channels, services.events, log.child({ part: 'carts' }))
  const rules = new OfferRuleDirectory(db, log.child({ part: 'offer-rules' }))
  const connector = new OfferConnector(db, services, carts, log.child({ part: 'offer-connector' }))
  const ledger = new OfferLedger(db, management.billing, log.child({ part: 'offer-ledger' }))
  const offers = new OfferService(db, services, carts, rules, new OfferHistoryBook(db), connector, ledger, management.billing, management.webhooks, log.child({ part: 'offers' }))
  const report = new OfferReport(db)
  management.reports.proactiveOffers = report

  const failed = (what: string) => (error: unknown) => log.error({ err: error }, what)
  const previousCommit = services.events.onCommit
  services.events.onCommit = (committed) => {
    previousCommit(committed)
    // the agent's join ends the opening of a conversation: the cart goes in right after it
    for (const { event } of committed) {
      if (event.type === 'participant.joined' && event.payload.role === 'agent') void offers.channelOpened(event.channelId).catch(failed('could not follow an offer into its conversation'))
    }
  }
  const previousEnded = services.channels.onEnded
  services.channels.onEnded = (channel) => {
    previousEnded(channel)
    // a shopper who just finished talking to us is not idle: no offer right after the goodbye
    for (const participant of channel.participants.values()) if (participant.visitorId) carts.touch(participant.visitorId)
    void ledger.ended(channel.id, channel.createdAt).catch(failed('could not bill an offer conversation'))
  }
  return { carts, rules, offers, report, tokens: new VisitorTokens(config.SECRET) }
}

/** Withdraw live offers (their agents go free) and stop the timers. */
export async function closeOffers(offers: Offers): Promise<void> {
  await offers.offers.close()
  offers.carts.close()
}

/**
 * The contract between the embed loader (plain DOM, loaded on every shop page) and the lazily
 * loaded chat panel module. Both sides import these with `import type` only, so the loader
 * stays free of lit and socket.io.
 */
import type { PresenceView } from '../protocol/views.js'

/** A topic the visitor may pick (one of the tenant's public queues). */
export interface TopicOption {
  slug: string
  name: string
}

/** What the shop told `window.Parley.setCart()`. */
export interface CartInfo {
  /** product categories in the cart, e.g. `['bikes']` */
  categories: string[]
  /** cart value in the shop's currency, if given */
  value?: number
}

/** What the loader hands to the chat panel's `mount()`. */
export interface PanelOptions {
  /** Parley base URL without a trailing slash, e.g. `https://parley.example.com` */
  baseUrl: string
  /** tenant slug from the embed's `data-tenant` */
  tenant: string
  /** tenant display name for the panel header, when the status call provided it */
  tenantName?: string
  /** the tenant's public topics, when the status call provided them */
  topics?: TopicOption[]
  /** the visitor may start with a voice call */
  calls?: boolean
  /** the tenant's site settings (monitoring notice, avatar rules), when the status call provided them */
  site?: SiteOptions
  /** signed visitor token from the first-party cookie, or null for a first visit */
  visitorToken: string | null
  /** the server issued a (possibly refreshed) visitor token: store it */
  onToken(token: string): void
  /** the shop page the visitor is on (`location.href`) */
  pageUrl: string
  /**
   * Follow the loader's presence feed (one stream per page, shared with the button): the
   * listener gets the latest view at once, if any, then every update. Returns the unsubscribe.
   */
  onPresence?(listener: (view: PresenceView) => void): () => void
  /** the cart as the shop last reported it (`Parley.setCart`) */
  cart?(): CartInfo
  /** the visitor asked to minimize the panel (header button or Escape) */
  onMinimize(): void
  /**
   * What to restore on the next page: `active` while a request waits in the queue or a channel
   * is open (reopen the panel); `bookedFor` (ISO) while a later session is booked (connect
   * shortly before it, so the reminder arrives).
   */
  onActiveChange(active: boolean, bookedFor: string | null): void
  /** someone else wrote a chat message (live, not history): e.g. show an unread dot */
  onIncoming?(): void
  /** something needs the visitor now (a booked session is about to start): open the panel */
  onAttention?(): void
}

/** What `mount()` returns. */
export interface PanelHandle {
  /** Move keyboard focus into the panel (its main input). */
  focus(): void
  /** Disconnect and remove the panel; idempotent. */
  close(): void
}

/** What the tenant set for its site (from the status call). */
export interface SiteOptions {
  /** shown in every conversation ("may be monitored…"); '' for none */
  monitoringNotice: string
  /** the agent's picture by page: the first rule whose URL pattern (* matches anything) fits */
  avatarRules: { pattern: string; avatarUrl: string }[]
}

/** What the loader hands to `mountCompanion()` in an agent's co-browsing tab. */
export interface CompanionOptions {
  baseUrl: string
  tenant: string
  /** the signed lead token from the console's link */
  leadToken: string
  site?: SiteOptions
  /** the co-browsing session is over (the conversation ended, the link expired) */
  onEnd(): void
}

/** The shape of the chat panel module, as the loader sees it after `import()`. */
export interface PanelModule {
  mount(container: HTMLElement, options: PanelOptions): PanelHandle
  /** An agent's co-browsing tab: lead and follow one conversation on this page. */
  mountCompanion(options: CompanionOptions): { close(): void }
}

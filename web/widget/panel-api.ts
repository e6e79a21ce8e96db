/**
 * The contract between the embed loader (plain DOM, loaded on every shop page) and the lazily
 * loaded chat panel module. Both sides import these with `import type` only, so the loader
 * stays free of lit and socket.io.
 */

/** What the loader hands to the chat panel's `mount()`. */
export interface PanelOptions {
  /** Parley base URL without a trailing slash, e.g. `https://parley.example.com` */
  baseUrl: string
  /** tenant slug from the embed's `data-tenant` */
  tenant: string
  /** tenant display name for the panel header, when the status call provided it */
  tenantName?: string
  /** signed visitor token from the first-party cookie, or null for a first visit */
  visitorToken: string | null
  /** the server issued a (possibly refreshed) visitor token: store it */
  onToken(token: string): void
  /** the shop page the visitor is on (`location.href`) */
  pageUrl: string
  /** the visitor asked to minimize the panel (header button or Escape) */
  onMinimize(): void
  /** true while a request waits in the queue or a channel is open: restore the panel on the next page */
  onActiveChange(active: boolean): void
  /** someone else wrote a chat message (live, not history): e.g. show an unread dot */
  onIncoming?(): void
}

/** What `mount()` returns. */
export interface PanelHandle {
  /** Move keyboard focus into the panel (its main input). */
  focus(): void
  /** Disconnect and remove the panel; idempotent. */
  close(): void
}

/** The shape of the chat panel module, as the loader sees it after `import()`. */
export interface PanelModule {
  mount(container: HTMLElement, options: PanelOptions): PanelHandle
}

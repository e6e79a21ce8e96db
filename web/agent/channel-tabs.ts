/**
 * `<parley-channel-tabs>`: one tab per conversation (visitor name, unread badge), ended
 * ones greyed with a close button, plus the Archive tab, the Live and Reports tabs for
 * supervisors and admins and the admin tab for admins.
 */
import { LitElement, css, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { baseStyles } from './console-styles.js'

/** What a tab shows about one channel. */
export interface ChannelTab {
  channelId: string
  title: string
  /** a hint telling same-named visitors apart (their question) */
  subtitle: string
  unread: number
  ended: boolean
  /** the visitor is typing right now */
  typing: boolean
}

/** The id of the admin tab in `selected` and `tab-select` events. */
export const ADMIN_TAB = 'admin'

/** The id of the supervisors' live tab in `selected` and `tab-select` events. */
export const LIVE_TAB = 'live'

/** The archive tab (everyone: agents see their own conversations). */
export const ARCHIVE_TAB = 'archive'

/** The reports tab (supervisors and admins). */
export const REPORTS_TAB = 'reports'

/** Detail of the `tab-select` event: a channel id, LIVE_TAB, ARCHIVE_TAB, REPORTS_TAB or ADMIN_TAB. */
export interface TabSelectDetail {
  tab: string
}

/** Detail of the `tab-close` event. */
export interface TabCloseDetail {
  channelId: string
}

/**
 * @fires tab-select - CustomEvent<TabSelectDetail>: the agent clicked a tab
 * @fires tab-close - CustomEvent<TabCloseDetail>: the agent closed an ended conversation's tab
 */
export class ChannelTabs extends LitElement {
  static override properties = {
    tabs: { attribute: false },
    selected: { type: String },
    live: { type: Boolean },
    admin: { type: Boolean },
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        background: var(--p-bg);
        border-bottom: 1px solid var(--p-border);
      }
      nav {
        display: flex;
        align-items: stretch;
        gap: 2px;
        padding: 6px 8px 0;
        overflow-x: auto;
        scrollbar-width: thin;
      }
      .tab {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        max-width: 260px;
        padding: 6px 10px;
        border: 1px solid transparent;
        border-bottom: none;
        border-radius: 6px 6px 0 0;
        background: none;
        color: var(--p-text-muted);
        margin-bottom: -1px;
      }
      .tab:hover:not(:disabled) {
        background: #eef1f4;
      }
      .tab[aria-selected='true'] {
        background: var(--p-surface);
        border-color: var(--p-border);
        color: var(--p-text);
        font-weight: 600;
      }
      .tab .title {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .tab .subtitle {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        max-width: 120px;
        font-size: 12px;
        font-weight: 400;
        color: var(--p-text-faint);
      }
      .dot {
        width: 7px;
        height: 7px;
        border-radius: 50%;
        background: var(--p-ready);
        flex: none;
      }
      .tab.ended .dot {
        background: var(--p-text-faint);
      }
      .tab.ended {
        font-style: italic;
      }
      .unread {
        background: var(--p-primary);
        color: #fff;
      }
      .typing {
        font-size: 11px;
        color: var(--p-text-faint);
        font-style: italic;
        font-weight: 400;
      }
      .close {
        border: none;
        background: none;
        padding: 0 2px;
        line-height: 1;
        font-size: 15px;
        color: var(--p-text-faint);
      }
      .close:hover:not(:disabled) {
        color: var(--p-danger);
        background: none;
      }
      .spacer {
        flex: 1;
      }
      .empty {
        padding: 7px 4px;
        color: var(--p-text-faint);
      }
      .live-dot {
        width: 7px;
        height: 7px;
        border-radius: 50%;
        background: var(--p-danger);
        flex: none;
      }
      .tab[aria-selected='true'] .live-dot {
        animation: pulse 1.6s ease-in-out infinite;
      }
      @keyframes pulse {
        50% {
          opacity: 0.3;
        }
      }
    `,
  ]

  /** Tabs in display order. */
  tabs: ChannelTab[] = []
  /** The selected tab: a channel id, LIVE_TAB, ADMIN_TAB or ''. */
  selected = ''
  /** Show the supervisors' live tab. */
  live = false
  /** Show the admin tab. */
  admin = false

  override render() {
    return html`<nav role="tablist" aria-label="Conversations">
      ${this.tabs.length === 0 ? html`<span class="empty">No conversations yet</span>` : nothing}
      ${repeat(
        this.tabs,
        (tab) => tab.channelId,
        (tab) => html`<div
          class="tab ${tab.ended ? 'ended' : ''}"
          role="tab"
          tabindex="0"
          aria-selected=${this.selected === tab.channelId ? 'true' : 'false'}
          data-test="channel-tab"
          data-channel-id=${tab.channelId}
          data-status=${tab.ended ? 'ended' : 'open'}
          title=${`${tab.title}${tab.subtitle ? ` — ${tab.subtitle}` : ''}${tab.ended ? ' (ended)' : ''}`}
          @click=${() => this.select(tab.channelId)}
          @keydown=${(event: KeyboardEvent) => (event.key === 'Enter' || event.key === ' ') && this.select(tab.channelId)}
        >
          <span class="dot" aria-hidden="true"></span>
          <span class="title">${tab.title}</span>
          ${tab.subtitle ? html`<span class="subtitle">${tab.subtitle}</span>` : nothing}
          ${tab.typing && !tab.ended && this.selected !== tab.channelId ? html`<span class="typing">typing…</span>` : nothing}
          ${tab.unread > 0 ? html`<span class="badge unread" data-test="unread" aria-label="${tab.unread} unread">${tab.unread}</span>` : nothing}
          ${tab.ended
            ? html`<button
                class="close"
                type="button"
                data-test="tab-close"
                aria-label="Close conversation with ${tab.title}"
                title="Close"
                @click=${(event: Event) => {
                  event.stopPropagation()
                  this.dispatchEvent(new CustomEvent<TabCloseDetail>('tab-close', { detail: { channelId: tab.channelId }, bubbles: true, composed: true }))
                }}
              >
                ×
              </button>`
            : nothing}
        </div>`,
      )}
      <span class="spacer"></span>
      ${this.panelTab(ARCHIVE_TAB, 'archive-tab', 'Archive', 'Past conversations: search, read, replay, export')}
      ${this.live ? this.panelTab(REPORTS_TAB, 'reports-tab', 'Reports', 'Queues, agents, offers, attendance, calls') : nothing}
      ${this.live
        ? html`<div
            class="tab"
            role="tab"
            tabindex="0"
            aria-selected=${this.selected === LIVE_TAB ? 'true' : 'false'}
            data-test="live-tab"
            title="Queues, waiting visitors and agents, live"
            @click=${() => this.select(LIVE_TAB)}
            @keydown=${(event: KeyboardEvent) => (event.key === 'Enter' || event.key === ' ') && this.select(LIVE_TAB)}
          >
            <span class="live-dot" aria-hidden="true"></span>
            Live
          </div>`
        : nothing}
      ${this.admin
        ? html`<div
            class="tab"
            role="tab"
            tabindex="0"
            aria-selected=${this.selected === ADMIN_TAB ? 'true' : 'false'}
            data-test="admin-tab"
            @click=${() => this.select(ADMIN_TAB)}
            @keydown=${(event: KeyboardEvent) => (event.key === 'Enter' || event.key === ' ') && this.select(ADMIN_TAB)}
          >
            <svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path fill="currentColor" d="M5.7 4.3a1 1 0 0 1 0 1.4L3.4 8l2.3 2.3a1 1 0 1 1-1.4 1.4l-3-3a1 1 0 0 1 0-1.4l3-3a1 1 0 0 1 1.4 0Zm4.6 0a1 1 0 0 1 1.4 0l3 3a1 1 0 0 1 0 1.4l-3 3a1 1 0 1 1-1.4-1.4L12.6 8l-2.3-2.3a1 1 0 0 1 0-1.4Z"/></svg>
            Admin
          </div>`
        : nothing}
    </nav>`
  }

  private panelTab(id: string, test: string, label: string, title: string) {
    return html`<div
      class="tab"
      role="tab"
      tabindex="0"
      aria-selected=${this.selected === id ? 'true' : 'false'}
      data-test=${test}
      title=${title}
      @click=${() => this.select(id)}
      @keydown=${(event: KeyboardEvent) => (event.key === 'Enter' || event.key === ' ') && this.select(id)}
    >
      ${label}
    </div>`
  }

  private select(tab: string): void {
    this.dispatchEvent(new CustomEvent<TabSelectDetail>('tab-select', { detail: { tab }, bubbles: true, composed: true }))
  }
}

customElements.define('parley-channel-tabs', ChannelTabs)

declare global {
  interface HTMLElementTagNameMap {
    'parley-channel-tabs': ChannelTabs
  }
}

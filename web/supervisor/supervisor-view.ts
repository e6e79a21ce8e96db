/**
 * `<parley-supervisor-view>`: the supervisors' live view — an alert banner for agents over
 * capacity, the queues, the visitors waiting and the agents by state. Watches while it is
 * on the page and the browser tab is visible (`supervisor:watch` through a LiveWatch), and
 * ticks the waits between the server's snapshots.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { baseStyles } from '../agent/console-styles.js'
import type { LiveWatch } from './live-watch.js'
import { supervisorStyles } from './supervisor-styles.js'
import './agent-board.js'
import './queue-table.js'
import './waiting-list.js'
import './live-channels.js'

/**
 * The live view; give it the console session's LiveWatch.
 * @csspart sheet - the scrolling content column
 */
export class SupervisorView extends LitElement {
  static override properties = {
    watch: { attribute: false },
    mine: { attribute: false },
    now: { state: true },
  }

  static override styles = [
    baseStyles,
    supervisorStyles,
    css`
      :host {
        height: 100%;
        overflow-y: auto;
        background: var(--p-bg);
      }
      .sheet {
        max-width: 1200px;
        padding: 16px 20px 40px;
        display: flex;
        flex-direction: column;
        gap: 14px;
      }
      header {
        display: flex;
        align-items: baseline;
        gap: 12px;
      }
      h1 {
        font-size: 18px;
        margin: 0;
      }
      header .spacer {
        flex: 1;
      }
      .status {
        font-size: 12px;
        color: var(--p-text-muted);
        font-variant-numeric: tabular-nums;
      }
      .status[data-status='paused'],
      .status[data-status='error'] {
        color: #9a6700;
        font-weight: 600;
      }
      .alerts {
        border: 1px solid #ffcecb;
        background: var(--p-danger-soft);
        color: #82071e;
        border-radius: 8px;
        padding: 10px 14px;
      }
      .alerts strong {
        display: block;
        margin-bottom: 2px;
      }
      .alerts ul {
        margin: 0;
        padding-left: 18px;
      }
      .problem {
        display: flex;
        gap: 12px;
        align-items: center;
        padding: 12px 14px;
      }
    `,
  ]

  /** The feed to show (the console session's `live`). */
  watch: LiveWatch | null = null
  /** conversations this console already has open (no Monitor button for them) */
  mine: ReadonlySet<string> = new Set()
  private now = Date.now()
  private ticker: ReturnType<typeof setInterval> | undefined
  private unsubscribe: (() => void) | null = null
  private watching: LiveWatch | null = null

  private readonly onVisibility = () => this.sync()

  override connectedCallback(): void {
    super.connectedCallback()
    document.addEventListener('visibilitychange', this.onVisibility)
    this.ticker = setInterval(() => (this.now = Date.now()), 1000)
    this.sync()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    document.removeEventListener('visibilitychange', this.onVisibility)
    clearInterval(this.ticker)
    this.sync()
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('watch')) this.sync()
  }

  override render() {
    const feed = this.watch
    const snapshot = feed?.snapshot ?? null
    const status = feed?.status ?? 'idle'
    // NOTE: while paused the figures stand still at the moment the connection dropped
    const clock = status === 'paused' ? feed!.receivedAt : Math.max(this.now, feed?.receivedAt ?? 0)
    const elapsedSec = snapshot ? Math.max(0, Math.floor((clock - feed!.receivedAt) / 1000)) : 0
    return html`<div class="sheet" part="sheet" data-test="supervisor-view" data-status=${status}>
      <header>
        <h1>Live</h1>
        <span class="muted">Queues, waiting visitors and agents, as they change.</span>
        <span class="spacer"></span>
        <span class="status" data-status=${status} role="status">${this.statusText()}</span>
      </header>
      ${status === 'forbidden' || status === 'error'
        ? html`<div class="card problem" role="alert" data-test="sup-problem">
            <span>${status === 'forbidden' ? 'The live view is for supervisors and admins.' : `Could not load the live view: ${feed?.error}`}</span>
            ${status === 'error' ? html`<button type="button" @click=${() => feed?.retry()}>Try again</button>` : nothing}
          </div>`
        : nothing}
      ${snapshot && snapshot.alerts.length > 0
        ? html`<div class="alerts" role="alert" data-test="sup-alerts">
            <strong>${snapshot.alerts.length === 1 ? 'An agent is over capacity' : `${snapshot.alerts.length} agents are over capacity`}</strong>
            <ul>
              ${snapshot.alerts.map((alert) => html`<li data-test="sup-alert" data-agent-id=${alert.agentId}>${alert.message}</li>`)}
            </ul>
          </div>`
        : nothing}
      ${snapshot
        ? html`<parley-queue-table .queues=${snapshot.queues} .elapsedSec=${elapsedSec}></parley-queue-table>
            <parley-waiting-list .waiting=${snapshot.waiting} .elapsedSec=${elapsedSec}></parley-waiting-list>
            <parley-agent-board .agents=${snapshot.agents} .serverNow=${clock - feed!.skewMs}></parley-agent-board>
            <parley-live-channels .channels=${snapshot.channels ?? []} .serverNow=${clock - feed!.skewMs} .mine=${this.mine}></parley-live-channels>`
        : status === 'loading' || status === 'paused'
          ? html`<div class="card"><div class="empty">Loading…</div></div>`
          : nothing}
    </div>`
  }

  private statusText(): string {
    const feed = this.watch
    switch (feed?.status ?? 'idle') {
      case 'live':
        return `Live · updated ${new Date(feed!.receivedAt).toLocaleTimeString()}`
      case 'loading':
        return 'Connecting…'
      case 'paused':
        return feed?.snapshot ? `Reconnecting… figures as of ${new Date(feed.receivedAt).toLocaleTimeString()}` : 'Reconnecting…'
      case 'error':
        return 'Not live'
      case 'forbidden':
        return ''
      default:
        return 'Paused'
    }
  }

  /** Watch exactly when on the page, visible and given a feed; stop otherwise. */
  private sync(): void {
    const want = this.isConnected && document.visibilityState !== 'hidden' ? this.watch : null
    if (want === this.watching) return
    this.unsubscribe?.()
    this.unsubscribe = null
    this.watching?.stop()
    this.watching = want
    if (want) {
      this.unsubscribe = want.onChange(() => this.requestUpdate())
      want.start()
    }
    this.requestUpdate()
  }
}

customElements.define('parley-supervisor-view', SupervisorView)

declare global {
  interface HTMLElementTagNameMap {
    'parley-supervisor-view': SupervisorView
  }
}

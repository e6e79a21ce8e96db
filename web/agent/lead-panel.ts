/**
 * `<parley-lead-panel>`: browser leading and supervision for one conversation in the console.
 * Who leads (and passing the baton), the page the visitor is on, sending everyone to a page,
 * opening the agent's co-browsing tab, inviting more visitors (a group session) and, for a
 * supervisor who monitors silently, barging in or stopping.
 */
import { LitElement, css, html, nothing } from 'lit'
import type { LinkResult } from '../protocol/events.js'
import type { ChannelState, ChannelSync } from '../shared/channel-sync.js'
import { baseStyles } from './console-styles.js'
import { displayUrl, safeHref } from './format.js'

export class LeadPanel extends LitElement {
  static override properties = {
    sync: { attribute: false },
    channelId: { type: String, attribute: 'channel-id' },
    revision: { type: Number },
    busy: { state: true },
    error: { state: true },
    invite: { state: true },
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        border-bottom: 1px solid var(--p-border);
        background: #fafbfd;
        font-size: 12.5px;
      }
      .rows {
        display: flex;
        flex-direction: column;
        gap: 6px;
        padding: 8px 16px;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px 8px;
      }
      .label {
        color: var(--p-text-faint);
        font-weight: 600;
        min-width: 72px;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        padding: 1px 8px;
        border-radius: 10px;
        background: #eef1f6;
      }
      .chip.leader {
        background: #fff0e0;
        color: #8a3f00;
        font-weight: 600;
      }
      button {
        padding: 3px 9px;
        font-size: 12px;
      }
      input[type='url'],
      input[type='text'] {
        flex: 1 1 220px;
        min-width: 0;
        padding: 4px 8px;
        border: 1px solid var(--p-border);
        border-radius: 6px;
        font: inherit;
      }
      .monitor {
        background: #fff8dc;
      }
      .error {
        color: var(--p-danger, #c4322f);
      }
      a {
        overflow-wrap: anywhere;
      }
    `,
  ]

  sync: ChannelSync | null = null
  channelId = ''
  revision = 0
  declare private busy: boolean
  declare private error: string
  declare private invite: (LinkResult & { seats: { used: number; max: number } }) | null
  private target = ''
  private newTab = false
  private includeLeader = true

  constructor() {
    super()
    this.busy = false
    this.error = ''
    this.invite = null
  }

  override render() {
    const state = this.sync?.channels.get(this.channelId)
    if (!state || state.view.status !== 'open') return nothing
    const view = state.view
    const self = view.participants.find((p) => p.id === view.selfParticipantId)
    if (self?.silent) return this.renderMonitoring()
    const present = view.participants.filter((p) => !p.leftAt && !p.silent)
    const leaderId = view.leading.leaderId
    const leading = leaderId === view.selfParticipantId
    const page = visitorPage(state)
    return html`<div class="rows" data-test="lead-panel" data-leader=${leading ? 'self' : 'other'}>
      <div class="row">
        <span class="label">Leading</span>
        ${present.map(
          (p) => html`<span class="chip ${p.id === leaderId ? 'leader' : ''}" data-test="participant" data-role=${p.role}>
            ${p.id === view.selfParticipantId ? 'You' : p.name}${p.id === leaderId ? ' · leads' : nothing}
            ${p.id !== leaderId && (leading || self?.role === 'agent' || self?.role === 'supervisor')
              ? html`<button class="link" data-test="give-lead" ?disabled=${this.busy} @click=${() => this.pass(p.id)}>${p.id === view.selfParticipantId ? 'Take the lead' : 'Give the lead'}</button>`
              : nothing}
          </span>`,
        )}
      </div>
      <div class="row">
        <span class="label">Visitor is on</span>
        ${page
          ? safeHref(page)
            ? html`<a href=${safeHref(page)!} target="_blank" rel="noopener noreferrer" data-test="visitor-page" title=${page}>${displayUrl(page, 90)}</a>`
            : html`<span data-test="visitor-page">${displayUrl(page, 90)}</span>`
          : html`<span>not known yet</span>`}
      </div>
      ${leading
        ? html`<form class="row" @submit=${this.push}>
            <span class="label">Send to</span>
            <input type="text" data-test="push-url" placeholder="/checkout or a full address on the shop" .value=${this.target} @input=${(e: Event) => (this.target = (e.target as HTMLInputElement).value)} />
            <label><input type="checkbox" data-test="push-new-tab" .checked=${this.newTab} @change=${(e: Event) => (this.newTab = (e.target as HTMLInputElement).checked)} /> new tab</label>
            <label title="Your co-browsing tab goes there too"
              ><input type="checkbox" data-test="push-include-me" .checked=${this.includeLeader} @change=${(e: Event) => (this.includeLeader = (e.target as HTMLInputElement).checked)} /> me too</label
            >
            <button class="primary" type="submit" data-test="push" ?disabled=${this.busy}>Send page</button>
          </form>`
        : nothing}
      <div class="row">
        <button data-test="cobrowse" ?disabled=${this.busy} @click=${this.cobrowse}>Co-browse in a new tab</button>
        ${self?.role === 'agent' ? html`<button data-test="invite" ?disabled=${this.busy} @click=${this.makeInvite}>Invite more visitors</button>` : nothing}
        ${this.invite
          ? html`<input type="text" readonly data-test="invite-url" .value=${this.invite.url} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
              <button data-test="invite-copy" @click=${() => void navigator.clipboard?.writeText(this.invite!.url)}>Copy</button>
              <span>${this.invite.seats.used} of ${this.invite.seats.max} seats taken</span>`
          : nothing}
      </div>
      ${this.error ? html`<div class="row error" role="alert">${this.error}</div>` : nothing}
    </div>`
  }

  private renderMonitoring() {
    return html`<div class="rows monitor" data-test="monitor-panel">
      <div class="row">
        <strong>You are monitoring silently.</strong> The visitor does not see you; whispers reach the agent only.
        <button class="primary" data-test="barge" ?disabled=${this.busy} @click=${this.barge}>Barge in</button>
        <button data-test="stop-monitoring" ?disabled=${this.busy} @click=${this.stopMonitoring}>Stop monitoring</button>
      </div>
      ${this.error ? html`<div class="row error" role="alert">${this.error}</div>` : nothing}
    </div>`
  }

  private readonly push = (event: SubmitEvent): Promise<void> => {
    event.preventDefault()
    const state = this.sync?.channels.get(this.channelId)
    const base = (state && visitorPage(state)) ?? state?.view.pageUrl
    let url: string
    try {
      url = new URL(this.target.trim(), base ?? undefined).href
    } catch {
      this.error = 'Type a page of the shop: a path like /checkout or a full address.'
      return Promise.resolve()
    }
    return this.act(async () => {
      await this.sync!.link.call('lead:navigate', { channelId: this.channelId, url, newTab: this.newTab, includeLeader: this.includeLeader })
      this.target = ''
    })
  }

  private readonly cobrowse = (): Promise<void> => {
    // NOTE: open the window within the click (pop-up blockers), then point it at the signed link.
    const tab = window.open('', `parley-cobrowse-${this.channelId}`)
    return this.act(async () => {
      try {
        const link = await this.sync!.link.call<LinkResult>('lead:companion', { channelId: this.channelId })
        if (tab) tab.location.href = link.url
        else window.open(link.url, `parley-cobrowse-${this.channelId}`)
      } catch (error) {
        tab?.close()
        throw error
      }
    })
  }

  private readonly makeInvite = (): Promise<void> =>
    this.act(async () => {
      this.invite = await this.sync!.link.call('channel:invite', { channelId: this.channelId })
    })

  private readonly barge = (): Promise<void> => this.act(() => this.sync!.link.call('supervisor:barge', { channelId: this.channelId }).then(() => this.sync!.resume(this.channelId)))

  private readonly stopMonitoring = (): Promise<void> => this.act(() => this.sync!.leave(this.channelId).then(() => undefined))

  private pass(participantId: string): Promise<void> {
    return this.act(() => this.sync!.link.call('lead:pass', { channelId: this.channelId, participantId }).then(() => undefined))
  }

  private async act(work: () => Promise<unknown>): Promise<void> {
    if (!this.sync || this.busy) return
    this.busy = true
    this.error = ''
    try {
      await work()
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error)
    } finally {
      this.busy = false
    }
  }
}

/** The page a visitor of the channel viewed last, from the log. */
function visitorPage(state: ChannelState): string | null {
  const visitors = new Set(state.view.participants.filter((p) => p.role === 'visitor').map((p) => p.id))
  for (let i = state.events.length - 1; i >= 0; i--) {
    const event = state.events[i]!
    if (event.type === 'page.viewed' && visitors.has(event.author.participantId ?? '')) return event.payload.url
  }
  return null
}

customElements.define('parley-lead-panel', LeadPanel)

declare global {
  interface HTMLElementTagNameMap {
    'parley-lead-panel': LeadPanel
  }
}

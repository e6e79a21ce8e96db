/**
 * `<parley-channel-view>`: one conversation. A header (visitor, question, page, call and end
 * buttons), the call (CallControls), the transcript (`<parley-transcript-view>`), the "ended" bar and the composer
 * (ChannelComposer). The console keeps one element per open tab, hidden when not selected,
 * so drafts and scroll positions survive tab switches.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit'
import type { ChannelSync } from '../shared/channel-sync.js'
import { CallControls, callControlsStyles } from './call-controls.js'
import { cartSummaryStyles, renderCartSummary } from './cart-summary.js'
import { PhoneControls, phoneControlsStyles } from './phone-controls.js'
import { ChannelComposer } from './channel-composer.js'
import { channelViewStyles } from './channel-view-styles.js'
import { baseStyles } from './console-styles.js'
import { END_REASONS, displayUrl, formatClock, safeHref, visitorName } from './format.js'
import './transcript-view.js'
import './lead-panel.js'

/** Detail of the `channel-close` event. */
export interface ChannelCloseDetail {
  channelId: string
}

/**
 * @fires channel-close - CustomEvent<ChannelCloseDetail>: the agent closed this ended conversation
 */
export class ChannelView extends LitElement {
  static override properties = {
    sync: { attribute: false },
    channelId: { type: String, attribute: 'channel-id' },
    revision: { type: Number },
    active: { type: Boolean, reflect: true },
  }

  static override styles = [baseStyles, channelViewStyles, callControlsStyles, phoneControlsStyles, cartSummaryStyles]

  /** The chat state of every channel; this element shows `channelId`'s. */
  sync: ChannelSync | null = null
  /** The channel shown. */
  channelId = ''
  /** Bumped by the console whenever the channel changed, to re-render. */
  revision = 0
  /** This conversation is the selected tab. */
  active = false
  private readonly composer = new ChannelComposer(this, { onSent: () => this.transcript?.resumeFollowing() })
  private readonly calls = new CallControls(this)
  private readonly phone = new PhoneControls(this)

  override render() {
    const state = this.sync?.channels.get(this.channelId)
    if (!state) return nothing
    const view = state.view
    const ended = view.status === 'ended'
    const href = safeHref(view.pageUrl)
    return html`
      <div class="head">
        <div class="who">
          <h2>${visitorName(view)} <span class="pill ${ended ? 'is-ended' : ''}">${ended ? 'Ended' : 'Open'}</span></h2>
          ${view.question ? html`<p class="question" title=${view.question}>${view.question}</p>` : nothing}
          <div class="meta">
            <span>Started ${formatClock(view.createdAt)}</span>
            ${view.pageUrl
              ? href
                ? html`<a href=${href} target="_blank" rel="noopener noreferrer" title=${view.pageUrl} data-test="channel-page">${displayUrl(view.pageUrl, 100)}</a>`
                : html`<span class="page">${displayUrl(view.pageUrl, 100)}</span>`
              : nothing}
          </div>
          ${renderCartSummary(state.events)}
        </div>
        <div class="actions">
          ${ended
            ? html`<button type="button" @click=${this.close}>Close tab</button>`
            : html`${this.calls.renderStartButtons()}${this.phone.renderStartButton()}${this.composer.renderEndActions(view.participants.find((p) => p.id === view.selfParticipantId)?.role === 'supervisor')}`}
        </div>
      </div>
      ${this.calls.renderBar()}${this.phone.renderBar()}
      <parley-lead-panel .sync=${this.sync} .channelId=${this.channelId} .revision=${this.revision}></parley-lead-panel>
      <parley-transcript-view
        .sync=${this.sync}
        .channelId=${this.channelId}
        .revision=${this.revision}
        @use-draft=${(event: CustomEvent<{ text: string }>) => this.composer.setDraft(event.detail.text)}
      ></parley-transcript-view>
      ${this.composer.renderError()}
      ${ended
        ? html`<div class="ended" data-test="ended" role="status">
            <strong>Conversation ended.</strong>
            <span>${view.endReason ? END_REASONS[view.endReason] : 'This conversation is over.'}</span>
            <button type="button" data-test="close-channel" @click=${this.close}>Close tab</button>
          </div>`
        : nothing}
      ${this.composer.renderForm(ended)}
    `
  }

  protected override updated(changed: PropertyValues<this>): void {
    // the header, error line, "ended" bar and reply box may have changed the transcript's height
    this.transcript?.follow()
    if (changed.has('active') && this.active) {
      const input = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')
      if (input && !input.disabled) input.focus()
    }
  }

  private get transcript() {
    return this.renderRoot.querySelector('parley-transcript-view')
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent<ChannelCloseDetail>('channel-close', { detail: { channelId: this.channelId }, bubbles: true, composed: true }))
  }
}

customElements.define('parley-channel-view', ChannelView)

declare global {
  interface HTMLElementTagNameMap {
    'parley-channel-view': ChannelView
  }
}

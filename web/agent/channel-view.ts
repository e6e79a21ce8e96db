/**
 * `<parley-channel-view>`: one conversation. Renders the channel's contiguous log from
 * ChannelSync (messages, system lines, pending sends with retry/discard, "seen" marks, the
 * visitor's live typing preview) and sends through it. The console keeps one element per
 * open tab, hidden when not selected, so drafts and scroll positions survive tab switches.
 */
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit'
import { live } from 'lit/directives/live.js'
import { repeat } from 'lit/directives/repeat.js'
import type { ChannelEvent } from '../protocol/channel-event.js'
import { LIMITS } from '../protocol/limits.js'
import type { ChannelView as ChannelViewData } from '../protocol/views.js'
import type { ChannelState, ChannelSync } from '../shared/channel-sync.js'
import type { PendingMessage } from '../shared/outbox-store.js'
import { baseStyles } from './console-styles.js'
import { END_REASONS, LEAVE_REASONS, displayUrl, formatClock, safeHref } from './format.js'
import { TypingThrottle } from '../shared/typing-throttle.js'

/** Detail of the `channel-close` event. */
export interface ChannelCloseDetail {
  channelId: string
}

/** How close to the bottom (px) still counts as "following" the conversation. */
const STICK_THRESHOLD_PX = 48

/** The name a channel is known by: its visitor's. */
export function visitorName(view: ChannelViewData): string {
  return view.participants.find((participant) => participant.role === 'visitor')?.name || 'Visitor'
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
    draft: { state: true },
    confirmingEnd: { state: true },
    ending: { state: true },
    actionError: { state: true },
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        height: 100%;
        background: var(--p-surface);
      }
      :host(:not([active])) {
        display: none;
      }
      .head {
        display: flex;
        gap: 16px;
        align-items: flex-start;
        padding: 10px 16px;
        border-bottom: 1px solid var(--p-border);
      }
      .who {
        flex: 1;
        min-width: 0;
      }
      .who h2 {
        font-size: 15px;
        margin: 0 0 2px;
        display: flex;
        align-items: center;
        gap: 8px;
      }
      .pill {
        font-size: 11px;
        font-weight: 600;
        padding: 1px 8px;
        border-radius: 9px;
        background: var(--p-ready-soft);
        color: var(--p-ready);
      }
      .pill.is-ended {
        background: var(--p-not-ready-soft);
        color: var(--p-text-muted);
      }
      .question {
        margin: 2px 0;
        color: var(--p-text);
        overflow-wrap: anywhere;
        display: -webkit-box;
        -webkit-line-clamp: 2;
        -webkit-box-orient: vertical;
        overflow: hidden;
      }
      .question::before {
        content: 'Q: ';
        color: var(--p-text-faint);
        font-weight: 600;
      }
      .meta {
        font-size: 12px;
        color: var(--p-text-muted);
        display: flex;
        gap: 10px;
        min-width: 0;
      }
      .meta a,
      .meta .page {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        min-width: 0;
      }
      .actions {
        display: flex;
        align-items: center;
        gap: 6px;
        flex: none;
      }
      .confirm-text {
        font-weight: 600;
        margin-right: 2px;
      }
      .transcript {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        padding: 14px 16px 6px;
        background: #fbfcfd;
      }
      .loading {
        text-align: center;
        color: var(--p-text-faint);
        padding: 24px;
      }
      .system {
        text-align: center;
        color: var(--p-text-muted);
        font-size: 12px;
        margin: 8px 0;
      }
      .system time {
        color: var(--p-text-faint);
        margin-left: 4px;
      }
      .ended-line {
        color: var(--p-text);
        font-weight: 600;
      }
      .row {
        display: flex;
        flex-direction: column;
        align-items: flex-start;
        margin: 6px 0;
      }
      .row.mine {
        align-items: flex-end;
      }
      .author {
        font-size: 11px;
        color: var(--p-text-muted);
        margin: 0 4px 2px;
      }
      .bubble {
        max-width: min(72%, 640px);
        padding: 7px 11px;
        border-radius: 12px;
        background: #eef1f4;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        border-bottom-left-radius: 4px;
      }
      .row.mine .bubble {
        background: var(--p-primary);
        color: #fff;
        border-bottom-left-radius: 12px;
        border-bottom-right-radius: 4px;
      }
      .row.supervisor .bubble {
        background: #fff8c5;
      }
      .row.pending .bubble {
        opacity: 0.65;
      }
      .row.failed .bubble {
        background: var(--p-danger-soft);
        color: var(--p-text);
        border: 1px solid #ffcecb;
        opacity: 1;
      }
      .stamp {
        font-size: 11px;
        color: var(--p-text-faint);
        margin: 2px 4px 0;
        display: flex;
        gap: 6px;
        align-items: center;
      }
      .seen {
        color: var(--p-primary);
        font-weight: 600;
      }
      .stamp .error {
        font-weight: 600;
      }
      .typing-preview {
        padding: 4px 16px 6px;
        color: var(--p-text-muted);
        font-style: italic;
        font-size: 12px;
        background: #fbfcfd;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        max-height: 4.5em;
        overflow: hidden;
        display: -webkit-box;
        -webkit-line-clamp: 3;
        -webkit-box-orient: vertical;
      }
      .ended {
        padding: 10px 16px;
        border-top: 1px solid var(--p-border);
        background: var(--p-not-ready-soft);
        display: flex;
        align-items: center;
        gap: 10px;
      }
      .ended strong {
        flex: none;
      }
      .ended span {
        flex: 1;
      }
      .problem {
        padding: 6px 16px;
        background: var(--p-danger-soft);
        color: var(--p-danger);
        border-top: 1px solid #ffcecb;
      }
      form {
        display: flex;
        gap: 8px;
        align-items: flex-end;
        padding: 10px 16px 12px;
        border-top: 1px solid var(--p-border);
      }
      .field {
        flex: 1;
        position: relative;
      }
      textarea {
        display: block;
        width: 100%;
        resize: none;
        min-height: 38px;
        max-height: 140px;
        field-sizing: content;
        line-height: 1.4;
        padding: 8px 10px;
      }
      textarea:disabled {
        background: var(--p-bg);
      }
      .counter {
        position: absolute;
        right: 8px;
        bottom: -15px;
        font-size: 11px;
        color: var(--p-text-faint);
      }
      .counter.over {
        color: var(--p-danger);
      }
      form button {
        height: 38px;
        padding: 0 18px;
      }
      .hint {
        font-size: 11px;
        color: var(--p-text-faint);
        padding: 0 16px 6px;
        margin-top: -8px;
      }
    `,
  ]

  /** The chat state of every channel; this element shows `channelId`'s. */
  sync: ChannelSync | null = null
  /** The channel shown. */
  channelId = ''
  /** Bumped by the console whenever the channel changed, to re-render. */
  revision = 0
  /** This conversation is the selected tab. */
  active = false
  private draft = ''
  private confirmingEnd = false
  private ending = false
  private actionError = ''
  /** follow new messages unless the agent scrolled up to read */
  private stick = true
  private expiryTimer: ReturnType<typeof setTimeout> | undefined
  private readonly throttle = new TypingThrottle((text) => {
    if (this.sync?.channels.get(this.channelId)?.view.status === 'open') this.sync.typing(this.channelId, text)
  })

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearTimeout(this.expiryTimer)
    this.expiryTimer = undefined
    this.throttle.close()
  }

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
        </div>
        <div class="actions">${this.renderActions(ended)}</div>
      </div>
      <div class="transcript" role="log" aria-label="Conversation with ${visitorName(view)}" @scroll=${this.onScroll}>
        ${state.loading && state.events.length === 0 ? html`<div class="loading">Loading conversation…</div>` : nothing}
        ${repeat(
          state.events,
          (event) => event.seq,
          (event) => this.renderEvent(event, state),
        )}
        ${repeat(
          state.pending,
          (message) => message.clientMsgId,
          (message) => this.renderPending(message),
        )}
      </div>
      ${this.renderTyping(state)}
      ${this.actionError ? html`<div class="problem" role="alert">${this.actionError}</div>` : nothing}
      ${ended
        ? html`<div class="ended" data-test="ended" role="status">
            <strong>Conversation ended.</strong>
            <span>${view.endReason ? END_REASONS[view.endReason] : 'This conversation is over.'}</span>
            <button type="button" data-test="close-channel" @click=${this.close}>Close tab</button>
          </div>`
        : nothing}
      <form @submit=${this.onSubmit}>
        <div class="field">
          <textarea
            data-test="input"
            rows="1"
            placeholder=${ended ? 'This conversation has ended' : 'Type a reply…'}
            aria-label="Reply"
            maxlength=${LIMITS.messageText}
            ?disabled=${ended}
            .value=${live(this.draft)}
            @input=${this.onInput}
            @keydown=${this.onKeydown}
          ></textarea>
          ${this.draft.length > LIMITS.messageText * 0.9
            ? html`<span class="counter ${this.draft.length >= LIMITS.messageText ? 'over' : ''}">${this.draft.length} / ${LIMITS.messageText}</span>`
            : nothing}
        </div>
        <button class="primary" type="submit" data-test="send" ?disabled=${ended || this.draft.trim() === ''}>Send</button>
      </form>
      ${ended ? nothing : html`<div class="hint">Enter to send · Shift+Enter for a new line</div>`}
    `
  }

  private renderActions(ended: boolean): TemplateResult {
    if (ended) return html`<button type="button" @click=${this.close}>Close tab</button>`
    if (this.confirmingEnd)
      return html`<span class="confirm-text">End this conversation?</span>
        <button class="danger solid" type="button" data-test="end-confirm" ?disabled=${this.ending} @click=${this.end}>${this.ending ? 'Ending…' : 'End'}</button>
        <button type="button" ?disabled=${this.ending} @click=${() => (this.confirmingEnd = false)}>Cancel</button>`
    return html`<button class="danger" type="button" data-test="end" @click=${() => ((this.confirmingEnd = true), (this.actionError = ''))}>End conversation</button>`
  }

  private renderEvent(event: ChannelEvent, state: ChannelState): TemplateResult | typeof nothing {
    switch (event.type) {
      case 'chat.message': {
        const self = state.view.selfParticipantId
        const mine = self !== null && event.author.participantId === self
        const seen = mine && this.visitorAckedSeq(state) >= event.seq
        return html`<div
          class="row ${mine ? 'mine' : ''} ${event.author.role}"
          data-test="message"
          data-seq=${event.seq}
          data-role=${event.author.role}
          data-own=${mine ? 'true' : 'false'}
          data-seen=${seen ? 'true' : 'false'}
        >
          ${mine ? nothing : html`<span class="author">${event.author.name ?? roleName(event.author.role)}</span>`}
          <div class="bubble">${event.payload.text}</div>
          <span class="stamp"
            ><time datetime=${event.at}>${formatClock(event.at)}</time>${mine
              ? seen
                ? html`<span class="seen" data-test="seen" title="The visitor has received this message">✓✓ Seen</span>`
                : html`<span title="Delivered to the server">✓ Sent</span>`
              : nothing}</span
          >
        </div>`
      }
      case 'channel.opened':
        // the question itself is in the header (and usually the visitor's first message)
        return this.systemLine(event, 'Conversation started')
      case 'participant.joined':
        return this.systemLine(event, `${event.payload.name || roleName(event.payload.role)} joined`)
      case 'participant.left':
        return this.systemLine(event, `${event.payload.name || roleName(event.payload.role)} ${LEAVE_REASONS[event.payload.reason] ?? 'left'}`)
      case 'channel.ended':
        return html`<div class="system ended-line" data-test="system" data-seq=${event.seq}>
          Conversation ended — ${END_REASONS[event.payload.reason] ?? event.payload.reason}<time datetime=${event.at}>${formatClock(event.at)}</time>
        </div>`
      default:
        return nothing // archived signals (typing bursts) are not part of the transcript
    }
  }

  private systemLine(event: ChannelEvent, text: string): TemplateResult {
    return html`<div class="system" data-test="system" data-seq=${event.seq}>${text}<time datetime=${event.at}>${formatClock(event.at)}</time></div>`
  }

  private renderPending(message: PendingMessage): TemplateResult {
    return html`<div class="row mine pending ${message.failed ? 'failed' : ''}" data-test="pending" data-client-msg-id=${message.clientMsgId}>
      <div class="bubble">${message.text}</div>
      <span class="stamp">
        ${message.failed
          ? html`<span class="error" data-test="pending-error">Not sent: ${message.failed}</span>
              <button class="link" type="button" data-test="retry" @click=${() => this.sync?.retry(this.channelId, message.clientMsgId)}>Retry</button>
              <button class="link" type="button" data-test="discard" @click=${() => this.sync?.discard(this.channelId, message.clientMsgId)}>Discard</button>`
          : html`<span>Sending…</span>`}
      </span>
    </div>`
  }

  private renderTyping(state: ChannelState): TemplateResult | typeof nothing {
    if (state.view.status === 'ended' || !this.sync) return nothing
    const self = state.view.selfParticipantId
    const signals = this.sync.activeTyping(this.channelId).filter((signal) => signal.participantId !== self)
    if (signals.length === 0) return nothing
    return html`${signals.map((signal) => {
      const who = signal.role === 'visitor' ? 'Visitor' : signal.name || roleName(signal.role)
      const text = signal.text ? `${who} is typing: ${signal.text}` : `${who} is typing…`
      return html`<div class="typing-preview" data-test="typing-preview" data-role=${signal.role} title=${text}>${text}</div>`
    })}`
  }

  protected override updated(changed: PropertyValues<this>): void {
    const transcript = this.renderRoot.querySelector<HTMLElement>('.transcript')
    if (transcript && this.stick) transcript.scrollTop = transcript.scrollHeight
    if (changed.has('active') && this.active) {
      const input = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')
      if (input && !input.disabled) input.focus()
    }
    // Typing previews go stale without any event; re-render until they are all gone.
    if (this.renderRoot.querySelector('.typing-preview') && this.expiryTimer === undefined) {
      this.expiryTimer = setTimeout(() => {
        this.expiryTimer = undefined
        this.requestUpdate()
      }, 1000)
    }
  }

  protected override willUpdate(): void {
    if (this.sync?.channels.get(this.channelId)?.view.status === 'ended') {
      this.throttle.close()
      this.confirmingEnd = false
    }
  }

  /** The highest seq any visitor of this channel acknowledged. */
  private visitorAckedSeq(state: ChannelState): number {
    let seq = 0
    for (const participant of state.view.participants) if (participant.role === 'visitor') seq = Math.max(seq, state.acked.get(participant.id) ?? 0, participant.ackedSeq)
    return seq
  }

  private onScroll(event: Event): void {
    const element = event.currentTarget as HTMLElement
    this.stick = element.scrollHeight - element.scrollTop - element.clientHeight < STICK_THRESHOLD_PX
  }

  private onInput(event: InputEvent): void {
    this.draft = (event.target as HTMLTextAreaElement).value
    this.throttle.update(this.draft)
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault()
      this.send()
    }
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault()
    this.send()
  }

  private send(): void {
    const state = this.sync?.channels.get(this.channelId)
    const text = this.draft
    if (!this.sync || !state || state.view.status !== 'open' || text.trim() === '') return
    this.sync.send(this.channelId, text.slice(0, LIMITS.messageText))
    this.draft = ''
    this.throttle.clear()
    this.stick = true
    this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.focus()
  }

  private async end(): Promise<void> {
    if (!this.sync || this.ending) return
    this.ending = true
    this.actionError = ''
    try {
      this.throttle.close()
      await this.sync.leave(this.channelId)
      this.confirmingEnd = false
    } catch (error) {
      this.actionError = `Could not end the conversation: ${error instanceof Error ? error.message : String(error)}`
    } finally {
      this.ending = false
    }
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent<ChannelCloseDetail>('channel-close', { detail: { channelId: this.channelId }, bubbles: true, composed: true }))
  }
}

function roleName(role: string): string {
  return role === 'visitor' ? 'Visitor' : role === 'agent' ? 'Agent' : role === 'supervisor' ? 'Supervisor' : 'System'
}

customElements.define('parley-channel-view', ChannelView)

declare global {
  interface HTMLElementTagNameMap {
    'parley-channel-view': ChannelView
  }
}

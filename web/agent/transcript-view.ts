/**
 * `<parley-transcript-view>`: the log of one conversation, from ChannelSync: messages,
 * system lines, pending sends with retry/discard and "seen" marks, and under it the live
 * typing preview of the other side. Follows new entries unless the agent scrolled up to read.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import type { ChannelEvent } from '../protocol/channel-event.js'
import type { ChannelState, ChannelSync } from '../shared/channel-sync.js'
import { callEventText } from '../shared/call-state.js'
import { phoneEventText } from '../shared/phone-state.js'
import type { PendingMessage } from '../shared/outbox-store.js'
import { baseStyles } from './console-styles.js'
import { END_REASONS, LEAVE_REASONS, displayUrl, formatClock, roleName, visitorName } from './format.js'
import { transcriptStyles } from './transcript-styles.js'

/** How close to the bottom (px) still counts as "following" the conversation. */
const STICK_THRESHOLD_PX = 48

export class TranscriptView extends LitElement {
  static override properties = {
    sync: { attribute: false },
    channelId: { type: String, attribute: 'channel-id' },
    revision: { type: Number },
  }

  static override styles = [baseStyles, transcriptStyles]

  /** The chat state of every channel; this element shows `channelId`'s. */
  sync: ChannelSync | null = null
  /** The channel shown. */
  channelId = ''
  /** Bumped whenever the channel changed, to re-render. */
  revision = 0
  /** follow new messages unless the agent scrolled up to read */
  private stick = true
  private expiryTimer: ReturnType<typeof setTimeout> | undefined

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearTimeout(this.expiryTimer)
    this.expiryTimer = undefined
  }

  /** Scroll to the newest entry, unless the agent scrolled up to read. */
  follow(): void {
    const transcript = this.renderRoot.querySelector<HTMLElement>('.transcript')
    if (transcript && this.stick) transcript.scrollTop = transcript.scrollHeight
  }

  /** Follow new entries again, wherever the agent had scrolled (e.g. after sending). */
  resumeFollowing(): void {
    this.stick = true
  }

  override render() {
    const state = this.sync?.channels.get(this.channelId)
    if (!state) return nothing
    return html`
      <div class="transcript" role="log" aria-label="Conversation with ${visitorName(state.view)}" @scroll=${this.onScroll}>
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
    `
  }

  private renderEvent(event: ChannelEvent, state: ChannelState): TemplateResult | typeof nothing {
    switch (event.type) {
      case 'chat.message': {
        const self = state.view.selfParticipantId
        const mine = self !== null && event.author.participantId === self
        const seen = mine && visitorAckedSeq(state) >= event.seq
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
      case 'whisper.message':
      case 'sidebar.message': {
        const mine = event.author.participantId === state.view.selfParticipantId
        const to = event.type === 'sidebar.message' ? state.view.participants.find((p) => p.id === event.payload.toParticipantId) : undefined
        const label = event.type === 'whisper.message' ? 'Whisper · the visitor does not see this' : `Private · ${mine ? `to ${to?.name ?? 'participant'}` : 'to you'}`
        return html`<div class="row ${mine ? 'mine' : ''} ${event.type === 'whisper.message' ? 'whisper' : 'sidebar'}" data-test=${event.type === 'whisper.message' ? 'whisper' : 'sidebar'} data-seq=${event.seq}>
          <span class="author">${mine ? '' : `${event.author.name ?? roleName(event.author.role)} · `}${label}</span>
          <div class="bubble">${event.payload.text}</div>
          <span class="stamp"
            ><time datetime=${event.at}>${formatClock(event.at)}</time>${event.type === 'whisper.message' && !mine
              ? html`<button class="link" type="button" data-test="use-whisper" @click=${() => this.useWhisper(event.payload.text)}>Use as reply</button>`
              : nothing}</span
          >
        </div>`
      }
      case 'channel.opened':
        // the question itself is in the header (and usually the visitor's first message)
        return systemLine(event, 'Conversation started')
      case 'participant.joined':
        if (event.payload.silent) return systemLine(event, `${event.payload.name} is monitoring (the visitor is not told)`)
        if (event.payload.barged) return systemLine(event, `${event.payload.name} barged in: everyone sees them now`)
        return systemLine(event, `${event.payload.name || roleName(event.payload.role)} joined`)
      case 'participant.left':
        return systemLine(event, `${event.payload.name || roleName(event.payload.role)} ${LEAVE_REASONS[event.payload.reason] ?? 'left'}`)
      case 'channel.ended':
        return html`<div class="system ended-line" data-test="system" data-seq=${event.seq}>
          Conversation ended — ${END_REASONS[event.payload.reason] ?? event.payload.reason}<time datetime=${event.at}>${formatClock(event.at)}</time>
        </div>`
      case 'page.viewed':
      case 'lead.changed':
      case 'lead.navigate':
      case 'lead.highlight':
      case 'lead.highlight-cleared':
      case 'lead.fill': {
        const text = leadEventText(event, state)
        return text ? html`<div class="system lead" data-test="lead-line" data-type=${event.type} data-seq=${event.seq}>${text}<time datetime=${event.at}>${formatClock(event.at)}</time></div>` : nothing
      }
      default: {
        const call = callEventText(event, state.view.selfParticipantId) ?? phoneEventText(event, 'staff')
        // archived signals (typing bursts) are not part of the transcript
        return call ? systemLine(event, call) : nothing
      }
    }
  }

  /** Hand a supervisor's whispered suggestion to the composer. */
  private useWhisper(text: string): void {
    this.dispatchEvent(new CustomEvent<{ text: string }>('use-draft', { detail: { text }, bubbles: true, composed: true }))
  }

  private renderPending(message: PendingMessage): TemplateResult {
    return html`<div class="row mine pending ${message.failed ? 'failed' : ''} ${message.whisper ? 'whisper' : ''}" data-test="pending" data-client-msg-id=${message.clientMsgId}>
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

  protected override updated(): void {
    this.follow()
    // Typing previews go stale without any event; re-render until they are all gone.
    if (this.renderRoot.querySelector('.typing-preview') && this.expiryTimer === undefined) {
      this.expiryTimer = setTimeout(() => {
        this.expiryTimer = undefined
        this.requestUpdate()
      }, 1000)
    }
  }

  private onScroll(event: Event): void {
    const element = event.currentTarget as HTMLElement
    this.stick = element.scrollHeight - element.scrollTop - element.clientHeight < STICK_THRESHOLD_PX
  }
}

/** A line for the browser-leading events staff see (page views, the baton, pushes, highlights, fills). */
function leadEventText(event: ChannelEvent, state: ChannelState): string | null {
  const who = event.author.participantId === state.view.selfParticipantId ? 'You' : (event.author.name ?? 'Someone')
  const nameOf = (id: string | null) => state.view.participants.find((p) => p.id === id)?.name ?? 'someone'
  switch (event.type) {
    case 'page.viewed':
      return `${who} ${who === 'You' ? 'are' : 'is'} on ${displayUrl(event.payload.url, 80)}${event.payload.title ? ` (${event.payload.title})` : ''}`
    case 'lead.changed':
      return event.payload.leaderId === state.view.selfParticipantId ? 'You lead now' : `${nameOf(event.payload.leaderId)} leads now`
    case 'lead.navigate':
      return event.payload.source === 'push' ? `${who} sent everyone to ${displayUrl(event.payload.url, 80)}${event.payload.newTab ? ' (new tab)' : ''}` : null
    case 'lead.highlight':
      return `${who} highlighted ${event.payload.label ? `“${event.payload.label}” ` : ''}on ${displayUrl(event.payload.pageUrl, 60)}`
    case 'lead.highlight-cleared':
      return `${who} cleared the highlight`
    case 'lead.fill':
      return `${who} filled a field on ${displayUrl(event.payload.pageUrl, 60)}`
    default:
      return null
  }
}

function systemLine(event: ChannelEvent, text: string): TemplateResult {
  return html`<div class="system" data-test="system" data-seq=${event.seq}>${text}<time datetime=${event.at}>${formatClock(event.at)}</time></div>`
}

/** The highest seq any visitor of this channel acknowledged. */
function visitorAckedSeq(state: ChannelState): number {
  let seq = 0
  for (const participant of state.view.participants) if (participant.role === 'visitor') seq = Math.max(seq, state.acked.get(participant.id) ?? 0, participant.ackedSeq)
  return seq
}

customElements.define('parley-transcript-view', TranscriptView)

declare global {
  interface HTMLElementTagNameMap {
    'parley-transcript-view': TranscriptView
  }
}

/** The chat transcript: confirmed events in seq order, then the visitor's unconfirmed messages. */
import { html, LitElement, css, nothing, type PropertyValues } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import type { ChannelEvent, ChannelEndReason } from '../protocol/channel-event.js'
import { callEventText } from '../shared/call-state.js'
import { phoneEventText } from '../shared/phone-state.js'
import type { PendingMessage } from '../shared/outbox-store.js'
import type { ChannelState } from '../shared/channel-sync.js'
import { panelStyles } from './panel-styles.js'

const ENDED: Record<ChannelEndReason, string> = {
  agent_left: 'The agent ended the chat',
  visitor_left: 'You ended the chat',
  visitor_gone: 'The chat was closed because you were away',
  agent_gone: 'The chat ended because the agent lost their connection',
}

/** pixels from the bottom within which the list keeps following new messages */
const STICK_PX = 80

/**
 * Message list; the host is the scroll container.
 * @fires parley-retry - `detail: { clientMsgId }` to send a refused message again
 * @fires parley-discard - `detail: { clientMsgId }` to drop a refused message
 */
export class MessageList extends LitElement {
  static override properties = {
    // NOTE: ChannelSync mutates its state in place, so every render of the panel counts as a change.
    channel: { attribute: false, hasChanged: () => true },
    avatarFor: { attribute: false },
  }
  static override styles = [
    panelStyles,
    css`
      :host {
        display: block;
        overflow-y: auto;
        overscroll-behavior: contain;
        padding: 14px 14px 6px;
        background: #fff;
      }
      .log {
        display: flex;
        flex-direction: column;
        gap: 2px;
      }
      .msg {
        display: flex;
        flex-direction: column;
        max-width: 82%;
        margin-top: 6px;
      }
      .msg.cont {
        margin-top: 0;
      }
      .mine {
        align-self: flex-end;
        align-items: flex-end;
      }
      .theirs {
        align-self: flex-start;
        align-items: flex-start;
      }
      .from {
        display: flex;
        align-items: center;
        gap: 6px;
      }
      .avatar {
        width: 22px;
        height: 22px;
        border-radius: 50%;
        object-fit: cover;
        background: #eef1f6;
      }
      .private {
        margin-left: 6px;
        padding: 0 6px;
        border-radius: 8px;
        background: #fff0d9;
        color: #8a5300;
        font-size: 11px;
        font-weight: 600;
      }
      .who {
        margin: 0 0 2px 4px;
        font-size: 12px;
        font-weight: 600;
        color: var(--parley-muted);
      }
      .bubble {
        padding: 8px 12px;
        border-radius: 16px;
        font-size: 14.5px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .mine .bubble {
        background: var(--parley-primary);
        color: #fff;
        border-bottom-right-radius: 4px;
      }
      .theirs .bubble {
        background: #eef1f6;
        color: var(--parley-text);
        border-bottom-left-radius: 4px;
      }
      .pending .bubble {
        opacity: 0.7;
      }
      .pending.failed .bubble {
        opacity: 1;
        background: #fbe9ea;
        color: var(--parley-text);
        border: 1px solid #f0b9bc;
      }
      .meta {
        margin: 2px 4px 0;
        font-size: 11.5px;
        color: var(--parley-muted);
      }
      .meta.seen {
        color: var(--parley-primary);
      }
      .meta.error {
        color: var(--parley-danger);
      }
      .meta button {
        margin-left: 8px;
        font-size: 12px;
      }
      .sys {
        align-self: center;
        margin: 8px 0 2px;
        padding: 2px 10px;
        border-radius: 10px;
        background: var(--parley-soft);
        color: var(--parley-muted);
        font-size: 12px;
        text-align: center;
      }
      .loading {
        align-self: center;
        color: var(--parley-muted);
        font-size: 13px;
      }
    `,
  ]

  /** the channel to show; undefined while the agent's acceptance is still on its way */
  declare channel: ChannelState | undefined
  /** the picture to show next to a participant's messages (the tenant's, by page), or null */
  declare avatarFor: (participantId: string) => string | null

  private stick = true
  private shown = 0

  constructor() {
    super()
    this.channel = undefined
    this.avatarFor = () => null
  }

  /** Jump to the newest message (e.g. when the panel becomes visible again). */
  scrollToEnd(): void {
    this.scrollTop = this.scrollHeight
  }

  protected override willUpdate(): void {
    // Follow new messages only when the visitor has not scrolled up to read older ones.
    this.stick = this.scrollHeight - this.scrollTop - this.clientHeight < STICK_PX
  }

  protected override updated(_changed: PropertyValues): void {
    const state = this.channel
    const count = state ? state.events.length + state.pending.length : 0
    const ownAdded = count > this.shown && (state?.pending.length ?? 0) > 0
    if (this.stick || ownAdded) this.scrollToEnd()
    this.shown = count
  }

  override render() {
    const state = this.channel
    if (!state) return html`<div class="log"><p class="loading" role="status">Connecting you with an agent…</p></div>`
    const self = state.view.selfParticipantId
    const isMine = (event: ChannelEvent) => (self ? event.author.participantId === self : event.author.role === 'visitor')
    // Receipts: the furthest any other participant (the agent) acknowledged.
    let seen = 0
    for (const participant of state.view.participants) if (participant.id !== self) seen = Math.max(seen, state.acked.get(participant.id) ?? 0)
    // Spelled out under the newest own message only; older ones keep it as an attribute.
    let lastOwn = 0
    for (const event of state.events) if (event.type === 'chat.message' && isMine(event)) lastOwn = event.seq
    return html`
      <div class="log" role="log" aria-live="polite" aria-label="Chat messages">
        ${state.loading && state.events.length === 0 ? html`<p class="loading">Loading the conversation…</p>` : nothing}
        ${repeat(
          state.events,
          (event) => event.seq,
          (event, index) => this.renderEvent(event, self, isMine(event), seen, lastOwn, state.events, index),
        )}
      </div>
      <div class="log">
        ${repeat(
          state.pending,
          (message) => message.clientMsgId,
          (message) => this.renderPending(message),
        )}
      </div>
    `
  }

  private renderEvent(event: ChannelEvent, self: string | null, mine: boolean, seen: number, lastOwn: number, events: ChannelEvent[], index: number) {
    const previous = events[index - 1]
    switch (event.type) {
      case 'chat.message':
      case 'sidebar.message': {
        // Consecutive messages of one author are grouped under one name.
        const continued = previous?.type === event.type && previous.author.participantId === event.author.participantId
        const receipt = mine ? (seen >= event.seq ? 'seen' : 'delivered') : undefined
        const avatar = mine || continued || !event.author.participantId ? null : this.avatarFor(event.author.participantId)
        const privately = event.type === 'sidebar.message'
        return html`<div
          class="msg ${mine ? 'mine' : 'theirs'} ${continued ? 'cont' : ''}"
          data-test=${privately ? 'private-message' : 'message'}
          data-seq=${event.seq}
          data-role=${event.author.role}
          data-receipt=${receipt ?? nothing}
        >
          ${mine || continued
            ? privately
              ? html`<span class="who"><span class="private">Private</span></span>`
              : nothing
            : html`<span class="who from"
                >${avatar ? html`<img class="avatar" data-test="avatar" src=${avatar} alt="" />` : nothing}${event.author.name ?? 'Agent'}${privately
                  ? html`<span class="private">Private</span>`
                  : nothing}</span
              >`}
          <div class="bubble">${event.payload.text}</div>
          <span class="meta ${event.seq === lastOwn ? (receipt ?? '') : ''}" title=${new Date(event.at).toLocaleString()}
            >${clock(event.at)}${event.seq !== lastOwn ? '' : receipt === 'seen' ? ' · ✓✓ Seen' : ' · ✓ Delivered'}</span
          >
        </div>`
      }
      case 'channel.opened':
        // NOTE: the server posts the question as the visitor's first chat message, so it is not repeated here.
        return this.system(event, `Chat started · ${clock(event.at)}`)
      case 'participant.joined':
        // The visitor's own join is the "Chat started" line.
        if (event.payload.participantId === self) return nothing
        if (event.payload.role === 'visitor') return this.system(event, `${event.payload.name} joined`)
        return this.system(event, event.payload.barged ? `${event.payload.name} (supervisor) joined the chat` : `${event.payload.name} joined the chat`)
      case 'lead.changed': {
        const leader = this.channel?.view.participants.find((p) => p.id === event.payload.leaderId)
        return this.system(event, event.payload.leaderId === self ? 'You lead now: others follow the pages you open' : `${leader?.name ?? 'Your guide'} leads the way now`)
      }
      case 'lead.navigate':
        return event.payload.source === 'push' && event.author.participantId !== self ? this.system(event, `${event.author.name ?? 'Your guide'} shared a page · ${pathOf(event.payload.url)}`) : nothing
      case 'participant.left':
        // A leave that ended the chat, and the leaves it caused, are said by the end line.
        if (event.payload.reason === 'channel_ended' || event.payload.participantId === self || endedChat(events, index)) return nothing
        return this.system(event, event.payload.reason === 'gone' ? `${event.payload.name} lost their connection` : `${event.payload.name} left the chat`)
      case 'channel.ended':
        return this.system(event, `${ENDED[event.payload.reason] ?? 'The chat ended'} · ${clock(event.at)}`)
      default: {
        const call = callEventText(event, self) ?? phoneEventText(event, 'visitor')
        // archived signals (typing bursts) are not part of the transcript
        return call ? this.system(event, `${call} · ${clock(event.at)}`) : nothing
      }
    }
  }

  private system(event: ChannelEvent, text: string) {
    return html`<p class="sys" data-test="system" data-seq=${event.seq} data-type=${event.type}>${text}</p>`
  }

  private renderPending(message: PendingMessage) {
    const fire = (name: string) => () => this.dispatchEvent(new CustomEvent(name, { detail: { clientMsgId: message.clientMsgId }, bubbles: true, composed: true }))
    return html`<div class="msg mine pending ${message.failed ? 'failed' : ''}" data-test="pending" data-state=${message.failed ? 'failed' : 'sending'}>
      <div class="bubble">${message.text}</div>
      ${message.failed
        ? html`<span class="meta error" role="alert"
            >Not sent: ${message.failed}<button class="link" @click=${fire('parley-retry')}>Retry</button
            ><button class="link" @click=${fire('parley-discard')}>Discard</button></span
          >`
        : html`<span class="meta">Sending…</span>`}
    </div>`
  }
}

/** Whether the leave at `index` is what ended the chat (only caused leaves lie between it and the end). */
function endedChat(events: ChannelEvent[], index: number): boolean {
  for (let i = index + 1; i < events.length; i++) {
    const event = events[i]!
    if (event.type === 'channel.ended') return true
    if (event.type !== 'participant.left' || event.payload.reason !== 'channel_ended') return false
  }
  return false
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url)
    return parsed.pathname + parsed.search
  } catch {
    return url
  }
}

/** hours and minutes in the visitor's locale */
function clock(at: string): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

if (!customElements.get('parley-message-list')) customElements.define('parley-message-list', MessageList)

declare global {
  interface HTMLElementTagNameMap {
    'parley-message-list': MessageList
  }
}

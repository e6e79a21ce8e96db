/**
 * The composer of `<parley-channel-view>`: the reply box (draft, Enter to send, length
 * counter) with who it goes to (everyone, a whisper among staff, or one participant
 * privately), the throttled live typing signal (replies to everyone only), and ending the
 * conversation with a confirmation step. A lit ReactiveController: its state lives here and the channel view
 * renders its parts where they belong (end buttons in the header, the form at the bottom),
 * all in the view's own shadow root.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit'
import { live } from 'lit/directives/live.js'
import { LIMITS } from '../protocol/limits.js'
import type { ChannelSync } from '../shared/channel-sync.js'
import { TypingThrottle } from '../shared/typing-throttle.js'

/** What the composer needs from the element it serves. */
export interface ComposerHost extends ReactiveControllerHost {
  /** The chat state of every channel. */
  readonly sync: ChannelSync | null
  /** The channel written to. */
  readonly channelId: string
  /** Where the composer's textarea is rendered. */
  readonly renderRoot: HTMLElement | DocumentFragment
}

/** Options of a ChannelComposer. */
export interface ChannelComposerOptions {
  /** Called after a message was handed to ChannelSync. */
  onSent?: () => void
}

/** Who a message goes to: everyone, the staff (a whisper), or one participant id (privately). */
export type Audience = 'everyone' | 'whisper' | { to: string }

export class ChannelComposer implements ReactiveController {
  private draft = ''
  private audience: Audience = 'everyone'
  private confirmingEnd = false
  private ending = false
  private actionError = ''
  private readonly throttle = new TypingThrottle((text) => {
    const { sync, channelId } = this.host
    if (sync?.channels.get(channelId)?.view.status === 'open') sync.typing(channelId, text)
  })

  constructor(
    private readonly host: ComposerHost,
    private readonly options: ChannelComposerOptions = {},
  ) {
    host.addController(this)
  }

  /** Stop signalling once the conversation has ended, and drop a pending confirmation. */
  hostUpdate(): void {
    const view = this.host.sync?.channels.get(this.host.channelId)?.view
    if (view?.status === 'ended') {
      this.throttle.close()
      this.confirmingEnd = false
    }
    // A monitoring supervisor can only whisper; someone who left cannot get private messages.
    if (this.monitoring) this.audience = 'whisper'
    else if (typeof this.audience === 'object') {
      const to = (this.audience as { to: string }).to
      if (!view?.participants.some((p) => p.id === to && !p.leftAt)) this.audience = 'everyone'
    }
  }

  /** Put text into the reply box (e.g. a supervisor's whispered suggestion). */
  setDraft(text: string): void {
    this.draft = text.slice(0, LIMITS.messageText)
    this.audience = this.monitoring ? 'whisper' : 'everyone'
    this.host.requestUpdate()
    void Promise.resolve().then(() => this.host.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.focus())
  }

  /** The user is a supervisor monitoring silently. */
  private get monitoring(): boolean {
    const view = this.host.sync?.channels.get(this.host.channelId)?.view
    return !!view?.participants.find((p) => p.id === view.selfParticipantId)?.silent
  }

  /** Who the reply goes to, for staff. */
  private renderAudience(ended: boolean): TemplateResult | typeof nothing {
    const view = this.host.sync?.channels.get(this.host.channelId)?.view
    if (!view || ended) return nothing
    if (this.monitoring) return html`<span class="audience-note" data-test="audience" data-audience="whisper">Whisper · only staff see it</span>`
    const others = view.participants.filter((p) => p.id !== view.selfParticipantId && !p.leftAt && !p.silent)
    const value = typeof this.audience === 'object' ? this.audience.to : this.audience
    return html`<select class="audience" data-test="audience" data-audience=${value} aria-label="Send to" .value=${live(value)} @change=${this.onAudience}>
      <option value="everyone">To everyone</option>
      <option value="whisper">Whisper to staff</option>
      ${others.map((p) => html`<option value=${p.id}>Privately to ${p.name}</option>`)}
    </select>`
  }

  private readonly onAudience = (event: Event): void => {
    const value = (event.target as HTMLSelectElement).value
    this.audience = value === 'everyone' || value === 'whisper' ? value : { to: value }
    if (this.audience !== 'everyone') this.throttle.clear()
    this.host.requestUpdate()
  }

  /** Drop a scheduled typing signal. */
  hostDisconnected(): void {
    this.throttle.close()
  }

  /**
   * "End conversation", or its confirmation, for the header of an open conversation; a
   * supervisor only leaves (the conversation goes on without them).
   */
  renderEndActions(leaveOnly = false): TemplateResult {
    if (this.confirmingEnd)
      return html`<span class="confirm-text">${leaveOnly ? 'Leave this conversation?' : 'End this conversation?'}</span>
        <button class="danger solid" type="button" data-test="end-confirm" ?disabled=${this.ending} @click=${this.end}>${this.ending ? 'Leaving…' : leaveOnly ? 'Leave' : 'End'}</button>
        <button type="button" ?disabled=${this.ending} @click=${this.cancelEnd}>Cancel</button>`
    return html`<button class="danger" type="button" data-test="end" @click=${this.confirmEnd}>${leaveOnly ? 'Leave' : 'End conversation'}</button>`
  }

  /** Why ending the conversation failed, if it did. */
  renderError(): TemplateResult | typeof nothing {
    return this.actionError ? html`<div class="problem" role="alert">${this.actionError}</div>` : nothing
  }

  /** The reply box with its Send button, and the keyboard hint while the conversation is open. */
  renderForm(ended: boolean): TemplateResult {
    return html`<form @submit=${this.onSubmit} data-audience=${typeof this.audience === 'object' ? 'private' : this.audience}>
        ${this.renderAudience(ended)}
        <div class="field">
          <textarea
            data-test="input"
            rows="1"
            placeholder=${ended ? 'This conversation has ended' : this.audience === 'whisper' ? 'Whisper (the visitor does not see this)…' : 'Type a reply…'}
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
      ${ended ? nothing : html`<div class="hint">Enter to send · Shift+Enter for a new line</div>`}`
  }

  // NOTE: template listeners are called with the host element as `this`, hence arrow functions.

  private readonly onInput = (event: InputEvent): void => {
    this.draft = (event.target as HTMLTextAreaElement).value
    this.host.requestUpdate()
    // Only replies to everyone are previewed to the visitor as they are typed.
    if (this.audience === 'everyone') this.throttle.update(this.draft)
  }

  private readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault()
      this.send()
    }
  }

  private readonly onSubmit = (event: SubmitEvent): void => {
    event.preventDefault()
    this.send()
  }

  private readonly confirmEnd = (): void => {
    this.confirmingEnd = true
    this.actionError = ''
    this.host.requestUpdate()
  }

  private readonly cancelEnd = (): void => {
    this.confirmingEnd = false
    this.host.requestUpdate()
  }

  private send(): void {
    const { sync, channelId } = this.host
    const state = sync?.channels.get(channelId)
    const text = this.draft
    if (!sync || !state || state.view.status !== 'open' || text.trim() === '') return
    const audience = this.audience
    sync.send(channelId, text.slice(0, LIMITS.messageText), audience === 'whisper' ? { whisper: true } : typeof audience === 'object' ? { to: audience.to } : {})
    this.draft = ''
    this.host.requestUpdate()
    this.throttle.clear()
    this.options.onSent?.()
    this.host.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.focus()
  }

  private readonly end = async (): Promise<void> => {
    const { sync, channelId } = this.host
    if (!sync || this.ending) return
    this.ending = true
    this.actionError = ''
    this.host.requestUpdate()
    try {
      this.throttle.close()
      await sync.leave(channelId)
      this.confirmingEnd = false
    } catch (error) {
      this.actionError = `Could not end the conversation: ${error instanceof Error ? error.message : String(error)}`
    } finally {
      this.ending = false
      this.host.requestUpdate()
    }
  }
}

/** Where the visitor writes chat messages: Enter sends, Shift+Enter starts a new line. */
import { html, LitElement, css } from 'lit'
import { LIMITS } from '../protocol/limits.js'
import { panelStyles } from './panel-styles.js'
import { TypingThrottle } from '../shared/typing-throttle.js'

/** the textarea grows with its text up to this height, then scrolls */
const MAX_INPUT_PX = 120

/**
 * Message composer.
 * @fires parley-send - `detail: { text }` when the visitor sends a message
 * @fires parley-typing - `detail: { text }` live preview, throttled; `''` when the box is emptied
 */
export class MessageComposer extends LitElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true }
  static override properties = {
    disabled: { type: Boolean },
  }
  static override styles = [
    panelStyles,
    css`
      :host {
        display: block;
        padding: 10px 12px 12px;
        border-top: 1px solid var(--parley-line);
        background: #fff;
      }
      form {
        display: flex;
        align-items: flex-end;
        gap: 8px;
      }
      textarea {
        flex: 1;
        min-height: 40px;
        max-height: ${MAX_INPUT_PX}px;
        line-height: 1.4;
      }
      .primary {
        height: 40px;
      }
    `,
  ]

  /** no channel to send into yet */
  declare disabled: boolean

  private readonly throttle = new TypingThrottle((text) => this.fire('parley-typing', text))

  constructor() {
    super()
    this.disabled = false
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.throttle.close()
  }

  override render() {
    return html`
      <form @submit=${this.submit}>
        <textarea
          data-test="input"
          rows="1"
          maxlength=${LIMITS.messageText}
          placeholder="Type a message…"
          aria-label="Message"
          ?disabled=${this.disabled}
          @input=${this.input}
          @keydown=${this.keydown}
        ></textarea>
        <button class="primary" type="submit" data-test="send" ?disabled=${this.disabled}>Send</button>
      </form>
    `
  }

  private get box(): HTMLTextAreaElement {
    return this.renderRoot.querySelector('textarea')!
  }

  private input(): void {
    this.resize()
    this.throttle.update(this.box.value)
  }

  private keydown(event: KeyboardEvent): void {
    // isComposing: Enter that confirms an IME composition (Japanese, Chinese…) must not send.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) this.submit(event)
  }

  private submit(event: Event): void {
    event.preventDefault()
    const box = this.box
    if (this.disabled || box.value.trim() === '') return
    this.fire('parley-send', box.value)
    box.value = ''
    this.resize()
    this.throttle.clear()
    box.focus()
  }

  private resize(): void {
    const box = this.box
    box.style.height = 'auto'
    box.style.height = `${Math.min(box.scrollHeight + 2, MAX_INPUT_PX)}px`
  }

  private fire(name: string, text: string): void {
    this.dispatchEvent(new CustomEvent(name, { detail: { text }, bubbles: true, composed: true }))
  }
}

if (!customElements.get('parley-message-composer')) customElements.define('parley-message-composer', MessageComposer)

declare global {
  interface HTMLElementTagNameMap {
    'parley-message-composer': MessageComposer
  }
}

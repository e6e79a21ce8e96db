/** The first step of the widget: the visitor types a question and joins the queue. */
import { html, LitElement, css } from 'lit'
import { LIMITS } from '../protocol/limits.js'
import { panelStyles } from './panel-styles.js'

/**
 * Question form.
 * @fires parley-question - `detail: { question }` when the visitor starts the chat
 */
export class QuestionForm extends LitElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true }
  static override properties = {
    value: {},
    busy: { type: Boolean },
    note: {},
    error: {},
  }
  static override styles = [
    panelStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 12px;
        padding: 20px 18px;
        overflow-y: auto;
      }
      h2 {
        margin: 0;
        font-size: 17px;
        font-weight: 600;
      }
      form {
        display: flex;
        flex-direction: column;
        gap: 10px;
      }
      label {
        font-size: 13px;
        color: var(--parley-muted);
      }
      .row {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 8px;
      }
      .count {
        font-size: 12px;
        color: var(--parley-muted);
      }
      .note {
        padding: 8px 10px;
        border-radius: 8px;
        background: var(--parley-soft);
      }
    `,
  ]

  /** the question text (prefilled by the panel, edited by the visitor) */
  declare value: string
  /** a request is being sent: the button is disabled */
  declare busy: boolean
  /** a short notice above the form, e.g. why the last request ended */
  declare note: string | null
  /** why the last attempt failed */
  declare error: string | null

  constructor() {
    super()
    this.value = ''
    this.busy = false
    this.note = null
    this.error = null
  }

  override render() {
    const empty = this.value.trim() === ''
    return html`
      <h2>Hi! How can we help?</h2>
      ${this.note ? html`<p class="note" role="status">${this.note}</p>` : null}
      <form @submit=${this.submit}>
        <label for="question">Ask your question and we will connect you with someone from our team.</label>
        <textarea
          id="question"
          data-test="question"
          rows="5"
          maxlength=${LIMITS.question}
          placeholder="How can we help?"
          .value=${this.value}
          @input=${(event: InputEvent) => (this.value = (event.target as HTMLTextAreaElement).value)}
          @keydown=${this.keydown}
        ></textarea>
        <div class="row">
          <span class="count" aria-hidden="true">${this.value.length > LIMITS.question * 0.8 ? `${this.value.length} / ${LIMITS.question}` : ''}</span>
          <button class="primary" type="submit" data-test="start" ?disabled=${this.busy || empty}>${this.busy ? 'Starting…' : 'Start chat'}</button>
        </div>
        ${this.error ? html`<p class="error" data-test="error" role="alert">${this.error}</p>` : null}
      </form>
    `
  }

  private keydown(event: KeyboardEvent): void {
    // Ctrl/Cmd+Enter submits; plain Enter makes a new line in a multi-line question.
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) this.submit(event)
  }

  private submit(event: Event): void {
    event.preventDefault()
    if (this.busy || this.value.trim() === '') return
    this.dispatchEvent(new CustomEvent('parley-question', { detail: { question: this.value }, bubbles: true, composed: true }))
  }
}

if (!customElements.get('parley-question-form')) customElements.define('parley-question-form', QuestionForm)

declare global {
  interface HTMLElementTagNameMap {
    'parley-question-form': QuestionForm
  }
}

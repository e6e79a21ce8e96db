/**
 * The first step of the widget: the visitor picks a topic, types a question and joins the
 * queue, or, when nobody is online, books a later session.
 */
import { html, LitElement, css, nothing } from 'lit'
import { LIMITS } from '../protocol/limits.js'
import type { PresenceView } from '../protocol/views.js'
import type { TopicOption } from './panel-api.js'
import { panelStyles } from './panel-styles.js'
import { summarize, topicWait } from './presence-summary.js'
import './slot-picker.js'

/** What the form sends when the visitor starts the chat or books a time. */
export interface QuestionDetail {
  question: string
  /** topic slug, or null for "Not sure" */
  topic: string | null
  /** a booked time (ISO) instead of queueing now */
  scheduledFor: string | null
  /** start with a chat, or with a voice call in the browser */
  kind: 'chat' | 'call'
}

/**
 * Question form.
 * @fires parley-question - `detail: QuestionDetail` when the visitor starts the chat or books a time
 */
export class QuestionForm extends LitElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true }
  static override properties = {
    value: {},
    topic: {},
    topics: { attribute: false },
    callsAvailable: { type: Boolean },
    presence: { attribute: false },
    busy: { type: Boolean },
    note: {},
    error: {},
    booking: { state: true },
  }
  static override styles = [
    panelStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 12px;
        padding: 18px 18px 20px;
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
      label,
      legend {
        font-size: 13px;
        color: var(--parley-muted);
      }
      fieldset {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        margin: 0;
        padding: 0;
        border: 0;
      }
      legend {
        padding: 0;
        margin-bottom: 6px;
      }
      .chip {
        position: relative;
        display: inline-flex;
        align-items: center;
        gap: 4px;
        padding: 5px 11px;
        border: 1px solid #c9d1e0;
        border-radius: 999px;
        background: #fff;
        color: var(--parley-text);
        font-size: 13px;
        cursor: pointer;
        user-select: none;
      }
      .chip input {
        position: absolute;
        opacity: 0;
        pointer-events: none;
      }
      .chip:hover {
        border-color: var(--parley-primary);
      }
      .chip.on {
        border-color: var(--parley-primary);
        background: #e8efff;
        color: var(--parley-primary-dark);
        font-weight: 600;
      }
      .chip:has(input:focus-visible) {
        outline: 3px solid #9bbcff;
        outline-offset: 1px;
      }
      .chip .wait {
        color: var(--parley-muted);
        font-weight: 400;
      }
      .chip .wait.none {
        color: #8a93a3;
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
      .offline {
        margin: 0;
        padding: 8px 10px;
        border-radius: 8px;
        background: #f1f2f5;
        color: #4a5263;
        font-size: 13px;
      }
    `,
  ]

  /** the question text (prefilled by the panel, edited by the visitor) */
  declare value: string
  /** the picked topic slug; null for "Not sure" */
  declare topic: string | null
  /** the tenant's public topics */
  declare topics: TopicOption[]
  /** offer to start with a voice call */
  declare callsAvailable: boolean
  /** live availability, for the topics' waits and the offline offer */
  declare presence: PresenceView | null
  /** a request is being sent: the button is disabled */
  declare busy: boolean
  /** a short notice above the form, e.g. why the last request ended */
  declare note: string | null
  /** why the last attempt failed */
  declare error: string | null
  /** the slot picker is open ("Book a time instead") */
  declare private booking: boolean

  constructor() {
    super()
    this.value = ''
    this.topic = null
    this.topics = []
    this.callsAvailable = false
    this.presence = null
    this.busy = false
    this.note = null
    this.error = null
    this.booking = false
  }

  override render() {
    const empty = this.value.trim() === ''
    const offline = this.presence ? summarize(this.presence).state === 'offline' : false
    return html`
      <h2>Hi! How can we help?</h2>
      ${this.note ? html`<p class="note" role="status">${this.note}</p>` : nothing}
      ${offline
        ? html`<p class="offline" data-test="offline">Nobody is online right now. Leave your question and we'll get back to you here, or book a time to chat.</p>`
        : nothing}
      <form @submit=${this.submit}>
        ${this.topics.length ? this.renderTopics() : nothing}
        <label for="question">Ask your question and we will connect you with someone from our team.</label>
        <textarea
          id="question"
          data-test="question"
          rows="4"
          maxlength=${LIMITS.question}
          placeholder="How can we help?"
          .value=${this.value}
          @input=${(event: InputEvent) => (this.value = (event.target as HTMLTextAreaElement).value)}
          @keydown=${this.keydown}
        ></textarea>
        <div class="row">
          <span class="count" aria-hidden="true">${this.value.length > LIMITS.question * 0.8 ? `${this.value.length} / ${LIMITS.question}` : ''}</span>
          <button class="primary" type="submit" data-test="start" ?disabled=${this.busy || empty}>
            ${this.busy ? 'Sending…' : offline ? 'Send question' : 'Start chat'}
          </button>
          ${this.callsAvailable && !offline
            ? html`<button class="secondary" type="button" data-test="start-call" ?disabled=${this.busy || empty} @click=${() => this.send(null, 'call')}>Call instead</button>`
            : nothing}
        </div>
        ${offline && !this.booking ? html`<button type="button" class="link" data-test="book" @click=${() => (this.booking = true)}>Book a time instead</button>` : nothing}
        ${this.booking
          ? html`<parley-slot-picker
              ?disabled=${empty}
              ?busy=${this.busy}
              hint=${empty ? 'Type your question first, then pick a time.' : "We'll remind you here shortly before."}
              @parley-slot=${(event: CustomEvent<{ at: string }>) => this.send(event.detail.at)}
              @parley-slot-cancel=${() => (this.booking = false)}
            ></parley-slot-picker>`
          : nothing}
        ${this.error ? html`<p class="error" data-test="error" role="alert">${this.error}</p>` : nothing}
      </form>
    `
  }

  private renderTopics() {
    const choice = (slug: string | null, name: string, wait: string) =>
      html`<label class="chip ${this.topic === slug ? 'on' : ''}" data-test="topic" data-topic=${slug ?? ''}>
        <input type="radio" name="topic" .checked=${this.topic === slug} @change=${() => (this.topic = slug)} />${name}${wait
          ? html`<span class="wait ${wait === 'offline' ? 'none' : ''}">&nbsp;· ${wait}</span>`
          : nothing}
      </label>`
    const queues = this.presence?.queues
    return html`<fieldset>
      <legend>What is it about?</legend>
      ${this.topics.map((topic) => choice(topic.slug, topic.name, queues ? topicWait(queues.find((queue) => queue.slug === topic.slug)?.estimate ?? null) : ''))}
      ${choice(null, 'Not sure', '')}
    </fieldset>`
  }

  private keydown(event: KeyboardEvent): void {
    // Ctrl/Cmd+Enter submits; plain Enter makes a new line in a multi-line question.
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) this.submit(event)
  }

  private submit(event: Event): void {
    event.preventDefault()
    this.send(null, 'chat')
  }

  private send(scheduledFor: string | null, kind: 'chat' | 'call' = 'chat'): void {
    if (this.busy || this.value.trim() === '') return
    const detail: QuestionDetail = { question: this.value, topic: this.topic, scheduledFor, kind }
    this.dispatchEvent(new CustomEvent('parley-question', { detail, bubbles: true, composed: true }))
  }
}

if (!customElements.get('parley-question-form')) customElements.define('parley-question-form', QuestionForm)

declare global {
  interface HTMLElementTagNameMap {
    'parley-question-form': QuestionForm
  }
}

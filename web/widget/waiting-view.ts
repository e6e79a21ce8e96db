/** The queue step: the visitor waits for an agent and sees their place in line. */
import { html, LitElement, css } from 'lit'
import type { RequestView } from '../protocol/views.js'
import { panelStyles } from './panel-styles.js'

/**
 * Waiting view.
 * @fires parley-cancel - the visitor leaves the queue
 */
export class WaitingView extends LitElement {
  static override properties = {
    request: { attribute: false },
    busy: { type: Boolean },
    error: {},
  }
  static override styles = [
    panelStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        align-items: center;
        justify-content: center;
        gap: 14px;
        padding: 24px 20px;
        text-align: center;
        overflow-y: auto;
      }
      .dots {
        display: flex;
        gap: 6px;
      }
      .dots span {
        width: 10px;
        height: 10px;
        border-radius: 50%;
        background: var(--parley-primary);
        animation: bounce 1.2s infinite ease-in-out;
      }
      .dots span:nth-child(2) {
        animation-delay: 0.15s;
      }
      .dots span:nth-child(3) {
        animation-delay: 0.3s;
      }
      @keyframes bounce {
        0%,
        80%,
        100% {
          transform: scale(0.6);
          opacity: 0.5;
        }
        40% {
          transform: scale(1);
          opacity: 1;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .dots span {
          animation: none;
        }
      }
      h2 {
        margin: 0;
        font-size: 17px;
        font-weight: 600;
      }
      .position {
        margin: 0;
        font-size: 15px;
      }
      blockquote {
        margin: 0;
        max-width: 100%;
        max-height: 120px;
        overflow-y: auto;
        padding: 10px 12px;
        border-radius: 10px;
        background: var(--parley-soft);
        color: var(--parley-muted);
        font-size: 13px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        text-align: left;
      }
    `,
  ]

  /** the queued request */
  declare request: RequestView | null
  /** the cancel is being sent */
  declare busy: boolean
  /** why the last action failed */
  declare error: string | null

  constructor() {
    super()
    this.request = null
    this.busy = false
    this.error = null
  }

  override render() {
    const position = this.request?.position
    return html`
      <div class="dots" aria-hidden="true"><span></span><span></span><span></span></div>
      <h2 data-test="waiting" role="status">Waiting for an agent…</h2>
      <p class="position" data-test="position" aria-live="polite">
        ${position == null ? 'You are in the queue.' : `You are number ${position} in line.`}
      </p>
      <p class="note">You can keep browsing: the chat follows you from page to page.</p>
      ${this.request ? html`<blockquote aria-label="Your question">${this.request.question}</blockquote>` : null}
      <button class="secondary" data-test="cancel" ?disabled=${this.busy} @click=${this.cancel}>${this.busy ? 'Cancelling…' : 'Cancel'}</button>
      ${this.error ? html`<p class="error" data-test="error" role="alert">${this.error}</p>` : null}
    `
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent('parley-cancel', { bubbles: true, composed: true }))
  }
}

if (!customElements.get('parley-waiting-view')) customElements.define('parley-waiting-view', WaitingView)

declare global {
  interface HTMLElementTagNameMap {
    'parley-waiting-view': WaitingView
  }
}

/**
 * `<parley-state-picker>`: the agent's availability as a segmented control (Ready green,
 * Not ready grey, Break amber).
 */
import { LitElement, css, html } from 'lit'
import type { AgentState } from '../protocol/views.js'
import type { PickableState } from './console-session.js'
import { baseStyles } from './console-styles.js'
import { STATE_LABELS } from './format.js'

const CHOICES: readonly PickableState[] = ['ready', 'not_ready', 'break']

/** Detail of the `state-change` event. */
export interface StateChangeDetail {
  state: PickableState
}

/**
 * @fires state-change - CustomEvent<StateChangeDetail>: the agent picked another state
 */
export class StatePicker extends LitElement {
  static override properties = {
    state: { type: String, reflect: true },
    busy: { type: Boolean, reflect: true },
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        display: inline-flex;
      }
      .group {
        display: inline-flex;
        border: 1px solid var(--p-border);
        border-radius: var(--p-radius);
        overflow: hidden;
        background: var(--p-surface);
      }
      button {
        border: none;
        border-radius: 0;
        padding: 4px 12px;
        display: inline-flex;
        align-items: center;
        gap: 6px;
        color: var(--p-text-muted);
      }
      button + button {
        border-left: 1px solid var(--p-border);
      }
      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--color);
      }
      button[data-state='ready'] {
        --color: var(--p-ready);
        --soft: var(--p-ready-soft);
      }
      button[data-state='not_ready'] {
        --color: var(--p-not-ready);
        --soft: var(--p-not-ready-soft);
      }
      button[data-state='break'] {
        --color: var(--p-break);
        --soft: var(--p-break-soft);
      }
      button[aria-pressed='true'] {
        background: var(--soft);
        color: var(--p-text);
        font-weight: 600;
        box-shadow: inset 0 -2px 0 var(--color);
      }
      button[aria-pressed='true']:hover:not(:disabled) {
        background: var(--soft);
      }
      button:disabled {
        opacity: 1;
      }
      :host([busy]) button {
        cursor: progress;
      }
    `,
  ]

  /** The agent's current state as the server knows it. */
  state: AgentState = 'offline'
  /** A change is being applied; further clicks wait. */
  busy = false

  override render() {
    return html`<div class="group" role="group" aria-label="Availability" data-test="state-picker" data-current=${this.state}>
      ${CHOICES.map(
        (choice) => html`<button
          type="button"
          data-test="state"
          data-state=${choice}
          aria-pressed=${this.state === choice ? 'true' : 'false'}
          ?disabled=${this.busy}
          @click=${() => this.pick(choice)}
        >
          <span class="dot" aria-hidden="true"></span>${STATE_LABELS[choice]}
        </button>`,
      )}
    </div>`
  }

  private pick(state: PickableState): void {
    if (this.busy || state === this.state) return
    this.dispatchEvent(new CustomEvent<StateChangeDetail>('state-change', { detail: { state }, bubbles: true, composed: true }))
  }
}

customElements.define('parley-state-picker', StatePicker)

declare global {
  interface HTMLElementTagNameMap {
    'parley-state-picker': StatePicker
  }
}

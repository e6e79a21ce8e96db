/**
 * `<parley-waiting-list>`: the visitors waiting right now, longest first — queue, question,
 * waited time (ticking between snapshots), position and the agent it rings at, if any.
 */
import { LitElement, css, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import type { SupervisorSnapshot } from '../protocol/events.js'
import { baseStyles } from '../agent/console-styles.js'
import { displayUrl, formatSeconds } from '../agent/format.js'
import { supervisorStyles } from './supervisor-styles.js'

/** One waiting request as the snapshot carries it. */
export type LiveWaiting = SupervisorSnapshot['waiting'][number]

/** Waits longer than this are shown in red. */
const LONG_WAIT_SEC = 120

export class WaitingList extends LitElement {
  static override properties = {
    waiting: { attribute: false },
    elapsedSec: { type: Number, attribute: 'elapsed-sec' },
  }

  static override styles = [
    baseStyles,
    supervisorStyles,
    css`
      .ringing {
        color: var(--p-primary);
        font-weight: 600;
        white-space: nowrap;
      }
      .ringing::before {
        content: '☎ ';
      }
      .question {
        max-width: 460px;
      }
    `,
  ]

  /** Waiting requests, longest wait first. */
  waiting: LiveWaiting[] = []
  /** Seconds since the snapshot arrived (added to the waits it reported). */
  elapsedSec = 0

  override render() {
    return html`<section class="card" aria-label="Waiting visitors">
      <h2>Waiting <span class="badge ${this.waiting.length > 0 ? 'some' : ''}">${this.waiting.length}</span></h2>
      ${this.waiting.length === 0
        ? html`<div class="empty">Nobody is waiting.</div>`
        : html`<table>
            <thead>
              <tr>
                <th>Queue</th>
                <th>Visitor and question</th>
                <th class="num">Waited</th>
                <th class="num">Position</th>
                <th>Offered to</th>
              </tr>
            </thead>
            <tbody>
              ${repeat(
                this.waiting,
                (request) => request.id,
                (request) => this.renderRow(request),
              )}
            </tbody>
          </table>`}
    </section>`
  }

  private renderRow(request: LiveWaiting) {
    const waited = request.waitedSec + this.elapsedSec
    return html`<tr data-test="sup-waiting" data-request-id=${request.id}>
      <td>
        ${request.queue?.name ?? html`<span class="muted">none</span>`}
        ${request.kind === 'call' ? html`<span class="chip call">call</span>` : nothing}
      </td>
      <td class="question">
        <div class="sub">
          ${request.visitor.displayName ?? 'Visitor'}${request.visitor.returning ? ' · returning' : ''}${request.pageUrl ? html` · <span title=${request.pageUrl}>${displayUrl(request.pageUrl, 50)}</span>` : nothing}
        </div>
        <div class="clip" title=${request.question}>${request.question}</div>
        ${request.hints.length > 0 ? html`<div>${request.hints.map((hint) => html`<span class="chip" title="from ${hint.source}">${hint.key}: ${hint.value}</span>`)}</div>` : nothing}
      </td>
      <td class="num ${waited > LONG_WAIT_SEC ? 'bad' : ''}" data-test="sup-waited">
        ${formatSeconds(waited)}${request.overflow ? html`<div class="sub bad" title="Past the queue's maximum wait, or nobody can serve it">overflow</div>` : nothing}
      </td>
      <td class="num">${request.position ?? '—'}</td>
      <td data-test="sup-offered-to">${request.offeredTo ? html`<span class="ringing" title="Ringing at ${request.offeredTo}">${request.offeredTo}</span>` : html`<span class="muted">waiting for an agent</span>`}</td>
    </tr>`
  }
}

customElements.define('parley-waiting-list', WaitingList)

declare global {
  interface HTMLElementTagNameMap {
    'parley-waiting-list': WaitingList
  }
}

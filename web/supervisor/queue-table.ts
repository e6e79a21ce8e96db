/**
 * `<parley-queue-table>`: one row per queue — visitors waiting, the longest wait (ticking
 * between snapshots), agents available and the wait estimate range for someone joining now.
 */
import { LitElement, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import type { SupervisorSnapshot } from '../protocol/events.js'
import { baseStyles } from '../agent/console-styles.js'
import { formatEstimate, formatSeconds } from '../agent/format.js'
import { supervisorStyles } from './supervisor-styles.js'

/** One queue as the snapshot carries it. */
export type LiveQueue = SupervisorSnapshot['queues'][number]

/** Waits longer than this are shown in red. */
const LONG_WAIT_SEC = 120

export class QueueTable extends LitElement {
  static override properties = {
    queues: { attribute: false },
    elapsedSec: { type: Number, attribute: 'elapsed-sec' },
  }

  static override styles = [baseStyles, supervisorStyles]

  /** Queues in the tenant's order. */
  queues: LiveQueue[] = []
  /** Seconds since the snapshot arrived (added to the waits it reported). */
  elapsedSec = 0

  override render() {
    const waiting = this.queues.reduce((sum, queue) => sum + queue.waiting, 0)
    return html`<section class="card" aria-label="Queues">
      <h2>Queues <span class="badge ${waiting > 0 ? 'some' : ''}" title="Visitors waiting in all queues">${waiting}</span></h2>
      ${this.queues.length === 0
        ? html`<div class="empty">No queues configured.</div>`
        : html`<table>
            <thead>
              <tr>
                <th>Queue</th>
                <th class="num">Waiting</th>
                <th class="num">Longest wait</th>
                <th class="num">Agents available</th>
                <th class="num">Estimate</th>
              </tr>
            </thead>
            <tbody>
              ${repeat(
                this.queues,
                (queue) => queue.slug,
                (queue) => this.renderRow(queue),
              )}
            </tbody>
          </table>`}
    </section>`
  }

  private renderRow(queue: LiveQueue) {
    const longest = queue.waiting > 0 ? queue.longestWaitSec + this.elapsedSec : 0
    const unstaffed = queue.waiting > 0 && queue.agentsAvailable === 0
    return html`<tr data-test="sup-queue" data-queue=${queue.slug}>
      <td>
        <strong>${queue.name}</strong>
        ${queue.isPublic ? nothing : html`<span class="chip private" title="Not offered to visitors as a topic">internal</span>`}
      </td>
      <td class="num ${queue.waiting > 0 ? 'warn' : ''}" data-test="sup-queue-waiting">${queue.waiting}</td>
      <td class="num ${longest > LONG_WAIT_SEC ? 'bad' : ''}" data-test="sup-queue-longest">${queue.waiting > 0 ? formatSeconds(longest) : '—'}</td>
      <td class="num ${unstaffed ? 'bad' : ''}">${queue.agentsAvailable}</td>
      <td class="num ${!queue.estimate && queue.waiting > 0 ? 'bad' : ''}" title=${queue.estimate ? `about ${Math.round(queue.estimate.seconds)} s` : 'nobody who can serve this queue is working'}>
        ${formatEstimate(queue.estimate)}
      </td>
    </tr>`
  }
}

customElements.define('parley-queue-table', QueueTable)

declare global {
  interface HTMLElementTagNameMap {
    'parley-queue-table': QueueTable
  }
}

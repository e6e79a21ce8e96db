/**
 * `<parley-queues-editor>`: the tenant's queues as a table (requirement, priority, maximum
 * wait, relaxation, who qualifies) and the form to create or edit one.
 */
import { LitElement, css, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { deleteQueue, type Queue, type RoutingData } from './admin-api.js'
import { fireRoutingChanged } from './admin-events.js'
import { adminStyles } from './admin-styles.js'
import './queue-form.js'
import type { QueueSavedEvent } from './queue-form.js'
import { parseRequirement, qualifiedAgents } from './requirement.js'

/**
 * Queue list with an editing form below it.
 * @fires routing-changed - after a queue was deleted (the form fires it after a save)
 */
export class QueuesEditor extends LitElement {
  static override properties = {
    data: { attribute: false },
    editing: { state: true },
    deleting: { state: true },
    error: { state: true },
    status: { state: true },
  }

  static override styles = [
    adminStyles,
    css`
      .head {
        display: flex;
        align-items: flex-start;
        gap: 12px;
      }
      .head > div {
        flex: 1;
      }
      tbody tr {
        cursor: pointer;
      }
      tbody tr:hover td {
        background: var(--p-bg);
      }
      tbody tr.selected td {
        background: var(--p-primary-soft);
      }
      td.req {
        min-width: 140px;
        max-width: 300px;
        overflow-wrap: break-word;
      }
      .slug {
        font-size: 11px;
      }
      th,
      td {
        padding: 5px 6px;
      }
    `,
  ]

  /** Skills, agents and queues of the tenant. */
  data: RoutingData | null = null
  /** Id of the queue in the form, 'new' for a new one, null when the form is closed. */
  private editing: string | null = null
  private deleting = ''
  private error = ''
  private status = ''

  override render() {
    const data = this.data
    if (!data) return nothing
    const current = this.editing && this.editing !== 'new' ? (data.queues.find((queue) => queue.id === this.editing) ?? null) : null
    return html`<div class="card">
        <div class="head">
          <div>
            <h2>Queues</h2>
            <p class="hint">A request waits in one queue. Its requirement decides who may take it; priority and waiting time decide who goes first; relaxation steps widen the circle as the wait grows.</p>
          </div>
          <button type="button" class="primary" data-test="queue-new" @click=${() => this.open('new')}>New queue</button>
        </div>
        ${data.queues.length === 0
          ? html`<div class="empty">No queues yet.</div>`
          : html`<table>
              <thead>
                <tr>
                  <th>Queue</th><th>Requirement</th><th class="num">Priority</th><th class="num">Max wait</th><th>Relaxation</th><th class="num">Qualified</th><th></th>
                </tr>
              </thead>
              <tbody>
                ${repeat(
                  data.queues,
                  (queue) => queue.id,
                  (queue) => this.renderRow(queue),
                )}
              </tbody>
            </table>`}
        ${this.error ? html`<div class="form-error" role="alert" data-test="form-error">${this.error}</div>` : nothing}
        ${this.status ? html`<div class="ok" role="status">${this.status}</div>` : nothing}
      </div>
      ${this.editing
        ? html`<parley-queue-form
            .queue=${current}
            .skills=${data.skills}
            .agents=${data.agents}
            .queues=${data.queues}
            @queue-saved=${this.onSaved}
            @queue-cancel=${() => (this.editing = null)}
          ></parley-queue-form>`
        : nothing}`
  }

  private renderRow(queue: Queue) {
    const data = this.data!
    const parsed = parseRequirement(queue.requirement)
    const qualified = parsed.ok ? qualifiedAgents(parsed.requirement, data.agents, data.skills).length : null
    return html`<tr data-test="queue-row" data-queue=${queue.slug} class=${this.editing === queue.id ? 'selected' : ''} @click=${() => this.open(queue.id)}>
      <td>
        <div>${queue.name} ${queue.isDefault ? html`<span class="chip on">default</span>` : nothing} ${queue.isPublic ? nothing : html`<span class="chip" title="Not offered as a topic in the widget">hidden</span>`}</div>
        <div class="slug mono muted">${queue.slug}</div>
      </td>
      <td class="req mono">${queue.requirement}</td>
      <td class="num">${queue.priority > 0 ? `+${queue.priority}` : queue.priority}</td>
      <td class="num">${formatSeconds(queue.maxWaitSec)}</td>
      <td class="muted">${queue.relaxSteps.length === 0 ? '—' : queue.relaxSteps.map((step) => formatSeconds(step.afterSec)).join(', ')}</td>
      <td class="num ${qualified === 0 ? 'error' : ''}" title="agents who qualify before any relaxation">${qualified ?? '?'}</td>
      <td class="actions">
        <button
          type="button"
          class="danger"
          data-test="queue-delete"
          ?disabled=${this.deleting === queue.id || queue.isDefault}
          title=${queue.isDefault ? 'Make another queue the default first' : 'Delete this queue'}
          @click=${(event: Event) => (event.stopPropagation(), this.removeQueue(queue))}
        >
          ${this.deleting === queue.id ? 'Deleting…' : 'Delete'}
        </button>
      </td>
    </tr>`
  }

  private open(id: string): void {
    this.editing = id
    this.error = ''
    this.status = ''
    void this.updateComplete.then(() => this.renderRoot.querySelector('parley-queue-form')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' }))
  }

  private onSaved(event: QueueSavedEvent): void {
    this.editing = event.detail.queue.id
    this.status = `Saved ${event.detail.queue.name}.`
  }

  private async removeQueue(queue: Queue): Promise<void> {
    this.error = ''
    this.status = ''
    if (!confirm(`Delete the queue "${queue.name}"? Visitors can no longer pick it; rules and history keep working.`)) return
    this.deleting = queue.id
    try {
      await deleteQueue(queue.id)
      if (this.editing === queue.id) this.editing = null
      this.status = `Deleted ${queue.name}.`
      fireRoutingChanged(this, 'queues')
    } catch (error) {
      this.error = `Could not delete ${queue.name}: ${error instanceof Error ? error.message : String(error)}`
    } finally {
      this.deleting = ''
    }
  }
}

/** 90 → "1 min 30 s", 300 → "5 min". */
export function formatSeconds(total: number): string {
  if (total < 60) return `${total} s`
  const minutes = Math.floor(total / 60)
  const seconds = total % 60
  if (minutes < 60) return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`
  const hours = Math.floor(minutes / 60)
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`
}

customElements.define('parley-queues-editor', QueuesEditor)

declare global {
  interface HTMLElementTagNameMap {
    'parley-queues-editor': QueuesEditor
  }
}

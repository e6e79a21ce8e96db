/**
 * `<parley-audit-log>`: who changed what and when, newest first, filterable by kind of
 * change; each entry opens to show the values before and after.
 */
import { LitElement, css, html, nothing } from 'lit'
import { formatDateTime } from '../agent/format.js'
import { adminStyles } from './admin-styles.js'
import { messageOf } from './api-request.js'
import { fetchAudit, type AuditEntry } from './management-api.js'

const FILTERS = [
  { prefix: '', label: 'Everything' },
  { prefix: 'agent.', label: 'Team' },
  { prefix: 'queue.', label: 'Queues' },
  { prefix: 'skill.', label: 'Skills' },
  { prefix: 'settings.', label: 'Routing settings' },
  { prefix: 'origin.', label: 'Embed origins' },
  { prefix: 'price_plan.', label: 'Price plan' },
  { prefix: 'statement.', label: 'Statements' },
  { prefix: 'api_key.', label: 'API keys' },
  { prefix: 'webhook.', label: 'Webhooks' },
  { prefix: 'transcript.', label: 'Transcript exports' },
]

/** Keys whose value differs between two snapshots (shallow). */
export function changedKeys(before: unknown, after: unknown): string[] {
  const a = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>
  const b = (after && typeof after === 'object' ? after : {}) as Record<string, unknown>
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]))
}

export class AuditLogView extends LitElement {
  static override properties = { entries: { state: true }, next: { state: true }, filter: { state: true }, open: { state: true }, error: { state: true } }
  static override styles = [
    adminStyles,
    css`
      tr.entry td {
        cursor: pointer;
      }
      pre {
        margin: 0;
        font-size: 11px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        max-height: 260px;
        overflow-y: auto;
      }
      .diff {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 10px;
      }
    `,
  ]

  private entries: AuditEntry[] = []
  private next: string | null = null
  private filter = ''
  private open = ''
  private error = ''

  override connectedCallback(): void {
    super.connectedCallback()
    void this.load(false)
  }

  private async load(more: boolean): Promise<void> {
    try {
      const page = await fetchAudit({ action: this.filter || undefined, before: more ? (this.next ?? undefined) : undefined, limit: 50 })
      this.entries = more ? [...this.entries, ...page.entries] : page.entries
      this.next = page.next
      this.error = ''
    } catch (error) {
      this.error = messageOf(error)
    }
  }

  override render() {
    return html`<div class="card">
      <div class="row" style="margin-bottom:8px">
        ${FILTERS.map((f) => html`<button type="button" class="chip ${this.filter === f.prefix ? 'on' : ''}" @click=${() => ((this.filter = f.prefix), void this.load(false))}>${f.label}</button>`)}
      </div>
      ${this.error ? html`<div class="form-error" role="alert">${this.error}</div>` : nothing}
      <table data-test="audit-log">
        <thead><tr><th>When</th><th>Who</th><th>What</th><th>Target</th><th>Changed</th></tr></thead>
        <tbody>
          ${this.entries.length === 0 ? html`<tr><td colspan="5" class="empty">No changes recorded.</td></tr>` : nothing}
          ${this.entries.map(
            (e) => html`<tr class="entry" data-test="audit-entry" data-action=${e.action} @click=${() => (this.open = this.open === e.id ? '' : e.id)}>
                <td>${formatDateTime(e.at)}</td>
                <td>${e.actor.name}${e.ip ? html` <span class="muted">${e.ip}</span>` : nothing}</td>
                <td><code>${e.action}</code></td>
                <td>${e.targetType}${e.targetId ? html` <code class="muted">${e.targetId}</code>` : nothing}</td>
                <td class="muted">${changedKeys(e.before, e.after).slice(0, 6).join(', ')}</td>
              </tr>
              ${this.open === e.id
                ? html`<tr>
                    <td colspan="5">
                      <div class="diff">
                        <div><strong>Before</strong><pre>${e.before === null ? '—' : JSON.stringify(e.before, null, 2)}</pre></div>
                        <div><strong>After</strong><pre>${e.after === null ? '—' : JSON.stringify(e.after, null, 2)}</pre></div>
                      </div>
                    </td>
                  </tr>`
                : nothing}`,
          )}
        </tbody>
      </table>
      ${this.next ? html`<button type="button" style="margin-top:8px" @click=${() => this.load(true)}>Older changes</button>` : nothing}
    </div>`
  }
}

customElements.define('parley-audit-log', AuditLogView)

declare global {
  interface HTMLElementTagNameMap {
    'parley-audit-log': AuditLogView
  }
}

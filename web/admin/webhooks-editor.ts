/**
 * `<parley-webhooks-editor>`: endpoints that receive signed webhooks (URL, events, on/off),
 * their signing secret (shown once, rotatable), a test ping, and the deliveries with their
 * attempts, last answer and a button to send a failed one again.
 */
import { LitElement, css, html, nothing } from 'lit'
import { formatDateTime } from '../agent/format.js'
import { formErrors } from './admin-api.js'
import { adminStyles } from './admin-styles.js'
import { messageOf } from './api-request.js'
import { FieldErrors } from './form-checks.js'
import { createWebhook, deleteWebhook, fetchDeliveries, fetchWebhooks, redeliver, rotateWebhookSecret, testWebhook, updateWebhook, type WebhookDelivery, type WebhookEndpoint } from './management-api.js'

const DELIVERY_REFRESH_MS = 5_000

export class WebhooksEditor extends LitElement {
  static override properties = {
    endpoints: { state: true },
    events: { state: true },
    deliveries: { state: true },
    statusFilter: { state: true },
    draft: { state: true },
    errors: { state: true },
    formError: { state: true },
    secret: { state: true },
    shownBody: { state: true },
  }

  static override styles = [
    adminStyles,
    css`
      form.add {
        display: grid;
        grid-template-columns: 2fr 1fr;
        gap: 8px 12px;
      }
      .events {
        display: flex;
        gap: 12px;
        flex-wrap: wrap;
      }
      .secret {
        border: 1px solid #b6cdfb;
        background: var(--p-primary-soft);
        border-radius: 8px;
        padding: 10px 12px;
        margin-bottom: 14px;
        overflow-wrap: anywhere;
      }
      .secret code {
        user-select: all;
      }
      td.url {
        max-width: 320px;
        overflow-wrap: anywhere;
      }
      pre {
        margin: 0;
        font-size: 11px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      [data-status='failed'] {
        color: var(--p-danger);
      }
      [data-status='delivered'] {
        color: var(--p-ready);
      }
    `,
  ]

  private endpoints: WebhookEndpoint[] = []
  private events: string[] = []
  private deliveries: WebhookDelivery[] = []
  private statusFilter = ''
  private draft = { url: '', description: '', events: [] as string[] }
  private errors: Record<string, string> = {}
  private formError = ''
  private secret: { url: string; secret: string } | null = null
  private shownBody = ''
  private refresher: ReturnType<typeof setInterval> | undefined

  override connectedCallback(): void {
    super.connectedCallback()
    void this.load()
    this.refresher = setInterval(() => document.visibilityState === 'visible' && void this.loadDeliveries(), DELIVERY_REFRESH_MS)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearInterval(this.refresher)
  }

  private async load(): Promise<void> {
    try {
      const { endpoints, events } = await fetchWebhooks()
      this.endpoints = endpoints
      this.events = events
      if (this.draft.events.length === 0) this.draft = { ...this.draft, events: [...events] }
      await this.loadDeliveries()
    } catch (error) {
      this.formError = messageOf(error)
    }
  }

  private async loadDeliveries(): Promise<void> {
    try {
      this.deliveries = await fetchDeliveries({ status: this.statusFilter || undefined })
    } catch {
      // shown stale until the next refresh
    }
  }

  override render() {
    return html`
      ${this.secret
        ? html`<div class="secret" role="status" data-test="webhook-secret">
            Signing secret for <strong>${this.secret.url}</strong>: <code>${this.secret.secret}</code>
            <div class="muted">Keep it in the receiving system: each request carries <code>Parley-Signature: t=&lt;unix time&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</code>. It is not shown again.</div>
            <button type="button" class="link" @click=${() => (this.secret = null)}>Done</button>
          </div>`
        : nothing}
      <form class="card add" @submit=${this.add} novalidate>
        <label class="field"
          ><span class="label">URL</span>
          <input data-test="webhook-url" placeholder="https://crm.example.com/parley" .value=${this.draft.url} aria-invalid=${this.errors.url ? 'true' : 'false'} @input=${(e: Event) => ((this.draft = { ...this.draft, url: (e.target as HTMLInputElement).value }), (this.errors = {}))} />
          ${this.errors.url ? html`<span class="field-error" data-field="url">${this.errors.url}</span>` : nothing}
        </label>
        <label class="field"><span class="label">Description</span><input maxlength="200" .value=${this.draft.description} @input=${(e: Event) => (this.draft = { ...this.draft, description: (e.target as HTMLInputElement).value })} /></label>
        <div class="field">
          <span class="label">Events</span>
          <div class="events">
            ${this.events.map((event) => html`<label class="check"><input type="checkbox" .checked=${this.draft.events.includes(event)} @change=${(e: Event) => this.toggleDraftEvent(event, (e.target as HTMLInputElement).checked)} /><code>${event}</code></label>`)}
          </div>
          ${this.errors.events ? html`<span class="field-error" data-field="events">${this.errors.events}</span>` : nothing}
        </div>
        <div class="row end"><button type="submit" class="primary" data-test="webhook-create">Add endpoint</button></div>
      </form>
      ${this.formError ? html`<div class="form-error" role="alert" data-test="form-error">${this.formError}</div>` : nothing}
      <div class="card">
        <h2>Endpoints</h2>
        ${this.endpoints.length === 0
          ? html`<div class="empty">No endpoints yet.</div>`
          : html`<table>
              <thead><tr><th>URL</th><th>Events</th><th>On</th><th></th></tr></thead>
              <tbody>
                ${this.endpoints.map(
                  (ep) => html`<tr data-test="webhook-row">
                    <td class="url">${ep.url}${ep.description ? html`<div class="muted">${ep.description}</div>` : nothing}</td>
                    <td>${ep.events.map((e) => html`<span class="chip">${e}</span> `)}</td>
                    <td><input type="checkbox" aria-label="Enabled" .checked=${ep.enabled} @change=${(e: Event) => this.act(() => updateWebhook(ep.id, { enabled: (e.target as HTMLInputElement).checked }))} /></td>
                    <td class="actions">
                      <button type="button" class="link" data-test="webhook-test" @click=${() => this.act(() => testWebhook(ep.id))}>Send test</button>
                      · <button type="button" class="link" @click=${() => this.rotate(ep)}>New secret</button>
                      · <button type="button" class="link danger" @click=${() => confirm(`Delete ${ep.url} and its deliveries?`) && this.act(() => deleteWebhook(ep.id))}>Delete</button>
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
      </div>
      <div class="card">
        <div class="row end" style="margin-bottom:6px">
          <h2 style="flex:1">Deliveries</h2>
          ${['', 'pending', 'delivered', 'failed'].map((s) => html`<button type="button" class="chip ${this.statusFilter === s ? 'on' : ''}" @click=${() => ((this.statusFilter = s), void this.loadDeliveries())}>${s || 'all'}</button>`)}
        </div>
        <table data-test="webhook-deliveries">
          <thead><tr><th>Created</th><th>Event</th><th>URL</th><th>Status</th><th class="num">Attempts</th><th>Last answer</th><th></th></tr></thead>
          <tbody>
            ${this.deliveries.length === 0 ? html`<tr><td colspan="7" class="empty">No deliveries.</td></tr>` : nothing}
            ${this.deliveries.map(
              (d) => html`<tr data-test="webhook-delivery">
                  <td>${formatDateTime(d.createdAt)}</td>
                  <td><code>${d.event}</code></td>
                  <td class="url">${d.url}</td>
                  <td data-status=${d.status}>${d.status}${d.nextAttemptAt ? html`<div class="muted">next ${formatDateTime(d.nextAttemptAt)}</div>` : nothing}</td>
                  <td class="num">${d.attempts}</td>
                  <td>${d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : '—')}</td>
                  <td class="actions">
                    <button type="button" class="link" @click=${() => (this.shownBody = this.shownBody === d.id ? '' : d.id)}>Body</button>
                    ${d.status !== 'delivered' ? html` · <button type="button" class="link" data-test="webhook-redeliver" @click=${() => this.act(() => redeliver(d.id))}>Send again</button>` : nothing}
                  </td>
                </tr>
                ${this.shownBody === d.id ? html`<tr><td colspan="7"><pre>${d.body}</pre></td></tr>` : nothing}`,
            )}
          </tbody>
        </table>
      </div>
    `
  }

  private toggleDraftEvent(event: string, on: boolean): void {
    this.draft = { ...this.draft, events: on ? [...this.draft.events, event] : this.draft.events.filter((e) => e !== event) }
    this.errors = {}
  }

  private async add(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const checks = new FieldErrors()
    const url = this.draft.url.trim()
    try {
      const parsed = new URL(url)
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') checks.add('url', 'an http(s) URL, please')
    } catch {
      checks.add('url', 'a full URL like https://crm.example.com/parley')
    }
    if (this.draft.events.length === 0) checks.add('events', 'pick at least one event')
    this.errors = checks.fields
    this.formError = ''
    if (!checks.ok) return
    try {
      const created = await createWebhook({ url, description: this.draft.description.trim(), events: this.draft.events })
      this.secret = { url: created.endpoint.url, secret: created.secret }
      this.draft = { url: '', description: '', events: [...this.events] }
      await this.load()
    } catch (error) {
      const { fields, form } = formErrors(error, ['url', 'events', 'description'])
      this.errors = fields
      this.formError = form
    }
  }

  private async rotate(endpoint: WebhookEndpoint): Promise<void> {
    if (!confirm(`Make a new signing secret for ${endpoint.url}? The old one stops verifying at once.`)) return
    try {
      this.secret = { url: endpoint.url, secret: (await rotateWebhookSecret(endpoint.id)).secret }
    } catch (error) {
      this.formError = messageOf(error)
    }
  }

  private async act(action: () => Promise<unknown>): Promise<void> {
    this.formError = ''
    try {
      await action()
      await this.load()
    } catch (error) {
      this.formError = messageOf(error)
    }
  }
}

customElements.define('parley-webhooks-editor', WebhooksEditor)

declare global {
  interface HTMLElementTagNameMap {
    'parley-webhooks-editor': WebhooksEditor
  }
}

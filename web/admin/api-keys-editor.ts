/**
 * `<parley-api-keys-editor>`: keys for the public API (`/api/v1`, documented at
 * `/api/v1/openapi.json`): create one (shown once, to copy), see when each was last used,
 * revoke it.
 */
import { LitElement, css, html, nothing } from 'lit'
import { formatDateTime } from '../agent/format.js'
import { formErrors } from './admin-api.js'
import { adminStyles } from './admin-styles.js'
import { messageOf } from './api-request.js'
import { checkText, FieldErrors } from './form-checks.js'
import { createApiKey, fetchApiKeys, revokeApiKey, type ApiKey } from './management-api.js'

export class ApiKeysEditor extends LitElement {
  static override properties = { keys: { state: true }, name: { state: true }, errors: { state: true }, formError: { state: true }, created: { state: true }, busy: { state: true } }
  static override styles = [
    adminStyles,
    css`
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
      tr.revoked td {
        color: var(--p-text-faint);
      }
    `,
  ]

  private keys: ApiKey[] = []
  private name = ''
  private errors: Record<string, string> = {}
  private formError = ''
  private created: string | null = null
  private busy = false

  override connectedCallback(): void {
    super.connectedCallback()
    void this.load()
  }

  private async load(): Promise<void> {
    try {
      this.keys = await fetchApiKeys()
    } catch (error) {
      this.formError = messageOf(error)
    }
  }

  override render() {
    const docs = `${location.origin}/api/v1/openapi.json`
    return html`
      <p class="hint">Call <code>${location.origin}/api/v1/…</code> with <code>Authorization: Bearer &lt;key&gt;</code>. The API is described at <a href=${docs} target="_blank" rel="noopener">${docs}</a>.</p>
      ${this.created
        ? html`<div class="secret" role="status" data-test="api-key-created">
            Your new key: <code data-test="api-key-value">${this.created}</code>
            <div class="muted">Copy it now: it is not shown again (Parley only keeps a hash).</div>
            <button type="button" @click=${() => void navigator.clipboard?.writeText(this.created!)}>Copy</button>
            <button type="button" class="link" @click=${() => (this.created = null)}>Done</button>
          </div>`
        : nothing}
      <form class="card row end" @submit=${this.create} novalidate>
        <label class="field" style="flex:1; max-width:360px"
          ><span class="label">Name (what uses it)</span>
          <input data-test="api-key-name" maxlength="80" placeholder="CRM sync" .value=${this.name} aria-invalid=${this.errors.name ? 'true' : 'false'} @input=${(e: Event) => ((this.name = (e.target as HTMLInputElement).value), (this.errors = {}))} />
          ${this.errors.name ? html`<span class="field-error" data-field="name">${this.errors.name}</span>` : nothing}
        </label>
        <button type="submit" class="primary" data-test="api-key-create" ?disabled=${this.busy}>Create key</button>
      </form>
      ${this.formError ? html`<div class="form-error" role="alert">${this.formError}</div>` : nothing}
      <div class="card">
        ${this.keys.length === 0
          ? html`<div class="empty">No keys yet.</div>`
          : html`<table>
              <thead><tr><th>Name</th><th>Key</th><th>Created</th><th>Last used</th><th></th></tr></thead>
              <tbody>
                ${this.keys.map(
                  (k) => html`<tr class=${k.revokedAt ? 'revoked' : ''} data-test="api-key-row">
                    <td>${k.name}</td>
                    <td><code>${k.prefix}_…</code></td>
                    <td>${formatDateTime(k.createdAt)}</td>
                    <td>${k.lastUsedAt ? formatDateTime(k.lastUsedAt) : html`<span class="muted">never</span>`}</td>
                    <td class="actions">${k.revokedAt ? html`revoked ${formatDateTime(k.revokedAt)}` : html`<button type="button" class="link danger" data-test="api-key-revoke" @click=${() => this.revoke(k)}>Revoke</button>`}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
      </div>
    `
  }

  private async create(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const checks = new FieldErrors()
    const name = checks.take('name', checkText(this.name, 80))
    this.errors = checks.fields
    if (!name) return
    this.busy = true
    try {
      this.created = (await createApiKey(name)).key
      this.name = ''
      await this.load()
    } catch (error) {
      const { fields, form } = formErrors(error, ['name'])
      this.errors = fields
      this.formError = form
    } finally {
      this.busy = false
    }
  }

  private async revoke(key: ApiKey): Promise<void> {
    if (!confirm(`Revoke "${key.name}"? Systems using it stop working at once.`)) return
    try {
      await revokeApiKey(key.id)
      await this.load()
    } catch (error) {
      this.formError = messageOf(error)
    }
  }
}

customElements.define('parley-api-keys-editor', ApiKeysEditor)

declare global {
  interface HTMLElementTagNameMap {
    'parley-api-keys-editor': ApiKeysEditor
  }
}

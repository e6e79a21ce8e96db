/** `<parley-tenant-editor>`: the tenant's name and timezone, validated here and by the server. */
import { LitElement, html, nothing } from 'lit'
import { formErrors } from './admin-api.js'
import { adminStyles } from './admin-styles.js'
import { checkText, FieldErrors } from './form-checks.js'
import { fetchTenant, saveTenant, type TenantSettings } from './management-api.js'

const ZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf('timeZone')
  } catch {
    return ['UTC']
  }
})()

/**
 * @fires tenant-changed - after the settings were saved
 */
export class TenantEditor extends LitElement {
  static override properties = { tenant: { state: true }, name: { state: true }, timezone: { state: true }, errors: { state: true }, formError: { state: true }, status: { state: true }, saving: { state: true } }
  static override styles = [adminStyles]

  private tenant: TenantSettings | null = null
  private name = ''
  private timezone = ''
  private errors: Record<string, string> = {}
  private formError = ''
  private status = ''
  private saving = false

  override connectedCallback(): void {
    super.connectedCallback()
    void fetchTenant().then(
      (tenant) => {
        this.tenant = tenant
        this.name = tenant.name
        this.timezone = tenant.timezone
      },
      (error) => (this.formError = String(error.message ?? error)),
    )
  }

  override render() {
    if (!this.tenant) return html`<div class="card">${this.formError ? html`<div class="form-error">${this.formError}</div>` : html`<div class="empty">Loading…</div>`}</div>`
    return html`<form class="card" @submit=${this.save} novalidate data-test="tenant-form">
      <div class="row end">
        <label class="field" style="flex:1; max-width:360px"
          ><span class="label">Name</span>
          <input data-test="tenant-name" maxlength="100" .value=${this.name} aria-invalid=${this.errors.name ? 'true' : 'false'} @input=${(e: Event) => ((this.name = (e.target as HTMLInputElement).value), (this.status = ''))} />
          ${this.errors.name ? html`<span class="field-error" data-field="name">${this.errors.name}</span>` : nothing}
        </label>
        <label class="field" style="flex:1; max-width:280px"
          ><span class="label">Timezone</span>
          <input data-test="tenant-timezone" list="zones" .value=${this.timezone} aria-invalid=${this.errors.timezone ? 'true' : 'false'} @input=${(e: Event) => ((this.timezone = (e.target as HTMLInputElement).value), (this.status = ''))} />
          <datalist id="zones">${ZONES.map((zone) => html`<option value=${zone}></option>`)}</datalist>
          ${this.errors.timezone ? html`<span class="field-error" data-field="timezone">${this.errors.timezone}</span>` : nothing}
        </label>
        <div class="field"><span class="label">Slug (in the embed snippet)</span><code>${this.tenant.slug}</code></div>
      </div>
      ${this.formError ? html`<div class="form-error" role="alert">${this.formError}</div>` : nothing}
      <div class="row" style="margin-top:10px">
        <button type="submit" class="primary" data-test="tenant-save" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save'}</button>
        ${this.status ? html`<span class="ok" role="status">${this.status}</span>` : nothing}
      </div>
    </form>`
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const checks = new FieldErrors()
    const name = checks.take('name', checkText(this.name, 100))
    const timezone = this.timezone.trim()
    if (!ZONES.includes(timezone) && timezone !== 'UTC') checks.add('timezone', 'pick a timezone from the list, e.g. Europe/Berlin')
    this.errors = checks.fields
    this.formError = ''
    if (!checks.ok || !name) return
    this.saving = true
    try {
      this.tenant = await saveTenant({ name, timezone })
      this.status = 'Saved.'
      this.dispatchEvent(new CustomEvent('tenant-changed', { bubbles: true, composed: true }))
    } catch (error) {
      const { fields, form } = formErrors(error, ['name', 'timezone'])
      this.errors = fields
      this.formError = form
    } finally {
      this.saving = false
    }
  }
}

customElements.define('parley-tenant-editor', TenantEditor)

declare global {
  interface HTMLElementTagNameMap {
    'parley-tenant-editor': TenantEditor
  }
}

/**
 * `<parley-trunk-form>`: create or edit one SIP trunk: the provider's address and transport,
 * digest credentials (the password is never shown: leave it empty to keep it), caller id,
 * the numbers (DIDs) it delivers with their queue and language, who may send us calls, and
 * the presence secret for SIP PUBLISH. Checks what it can before sending; the server's
 * field errors land next to their fields.
 */
import { LitElement, css, html, nothing } from 'lit'
import { toE164 } from '../protocol/phone.js'
import { formErrors } from './admin-api.js'
import { adminStyles } from './admin-styles.js'
import { saveTrunk, type Did, type Trunk, type TrunkInput, type TrunkTransport } from './trunks-api.js'

const FIELDS = ['name', 'host', 'port', 'transport', 'username', 'password', 'callerId', 'allowFrom', 'localPort', 'presenceSecret', 'dids'] as const

interface Draft {
  name: string
  host: string
  port: string
  transport: TrunkTransport
  username: string
  password: string
  clearPassword: boolean
  callerId: string
  allowFrom: string
  register: boolean
  localPort: string
  presenceSecret: string
  clearPresenceSecret: boolean
  enabled: boolean
  dids: { number: string; queue: string; language: string }[]
}

function draftOf(trunk: Trunk | null): Draft {
  return {
    name: trunk?.name ?? '',
    host: trunk?.host ?? '',
    port: trunk?.port ? String(trunk.port) : '',
    transport: trunk?.transport ?? 'udp',
    username: trunk?.username ?? '',
    password: '',
    clearPassword: false,
    callerId: trunk?.callerId ?? '',
    allowFrom: trunk?.allowFrom.join(', ') ?? '',
    register: trunk?.register ?? false,
    localPort: String(trunk?.localPort ?? 5060),
    presenceSecret: '',
    clearPresenceSecret: false,
    enabled: trunk?.enabled ?? true,
    dids: trunk?.dids.map((did) => ({ number: did.number, queue: did.queue ?? '', language: did.language ?? '' })) ?? [],
  }
}

/**
 * @fires trunk-saved - CustomEvent<{ trunk: Trunk }> after a successful save
 * @fires trunk-cancel - the admin closed the form
 */
export class TrunkForm extends LitElement {
  static override properties = {
    trunk: { attribute: false },
    queues: { attribute: false },
    draft: { state: true },
    errors: { state: true },
    formError: { state: true },
    saving: { state: true },
  }

  static override styles = [
    adminStyles,
    css`
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(190px, 1fr));
        gap: 8px 12px;
      }
      .dids {
        margin-top: 10px;
      }
      .did {
        display: grid;
        grid-template-columns: 190px 190px 110px auto;
        gap: 8px;
        align-items: start;
        margin-bottom: 6px;
      }
      .buttons {
        display: flex;
        gap: 8px;
        margin-top: 12px;
      }
    `,
  ]

  /** The trunk edited, or null for a new one. */
  trunk: Trunk | null = null
  /** Queue slugs and names for the DIDs. */
  queues: { slug: string; name: string }[] = []
  private draft: Draft = draftOf(null)
  private errors: Record<string, string> = {}
  private formError = ''
  private saving = false

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('trunk')) {
      this.draft = draftOf(this.trunk)
      this.errors = {}
      this.formError = ''
    }
  }

  override render() {
    const d = this.draft
    const secret = (field: 'password' | 'presenceSecret', has: boolean | undefined, clearKey: 'clearPassword' | 'clearPresenceSecret', label: string, hint: string) => html`<label class="field">
      <span class="label">${label}</span>
      <input
        name=${field}
        type="password"
        data-test=${`trunk-${field}`}
        autocomplete="new-password"
        placeholder=${has ? '•••••• (set; empty keeps it)' : hint}
        .value=${d[field]}
        ?disabled=${d[clearKey]}
        aria-invalid=${this.errors[field] ? 'true' : 'false'}
        @input=${(event: Event) => this.set(field, (event.target as HTMLInputElement).value)}
      />
      ${has ? html`<label class="check"><input type="checkbox" .checked=${d[clearKey]} @change=${(event: Event) => this.set(clearKey, (event.target as HTMLInputElement).checked)} /> remove</label>` : nothing}
      ${this.fieldError(field)}
    </label>`
    return html`<form class="card" data-test="trunk-form" @submit=${this.submit} novalidate>
      <h2>${this.trunk ? `Edit ${this.trunk.name}` : 'New SIP trunk'}</h2>
      <div class="grid">
        ${this.text('name', 'Name', 'My carrier')} ${this.text('host', "Provider's SIP host", 'sip.carrier.example')} ${this.text('port', 'Port', 'default 5060 / 5061 (TLS)')}
        <label class="field">
          <span class="label">Transport</span>
          <select name="transport" data-test="trunk-transport" .value=${d.transport} @change=${(event: Event) => this.set('transport', (event.target as HTMLSelectElement).value as TrunkTransport)}>
            <option value="udp">UDP</option>
            <option value="tcp">TCP</option>
            <option value="tls">TLS</option>
          </select>
        </label>
        ${this.text('username', 'Username (digest)', 'none: IP-authenticated')} ${secret('password', this.trunk?.hasPassword, 'clearPassword', 'Password', 'needed with a username')}
        ${this.text('callerId', 'Caller id (E.164)', '+4930123456')} ${this.text('localPort', 'Our SIP port (0: any)', '5060')}
        ${this.text('allowFrom', 'Calls accepted from (IPs)', "empty: the provider's host")}
        ${secret('presenceSecret', this.trunk?.hasPresenceSecret, 'clearPresenceSecret', 'Presence secret (SIP PUBLISH)', 'none: allowed IPs only')}
      </div>
      <div class="row">
        <label class="check"><input type="checkbox" data-test="trunk-register" .checked=${d.register} @change=${(event: Event) => this.set('register', (event.target as HTMLInputElement).checked)} /> Register with the provider</label>
        <label class="check"><input type="checkbox" data-test="trunk-enabled" .checked=${d.enabled} @change=${(event: Event) => this.set('enabled', (event.target as HTMLInputElement).checked)} /> Enabled</label>
      </div>
      <div class="dids">
        <span class="label">Numbers (DIDs): calls to them enter the queue</span>
        ${d.dids.map(
          (did, index) => html`<div class="did" data-test="trunk-did">
            <input placeholder="+4930123456" .value=${did.number} aria-label="Number" @input=${(event: Event) => this.setDid(index, { number: (event.target as HTMLInputElement).value })} />
            <select aria-label="Queue" .value=${did.queue} @change=${(event: Event) => this.setDid(index, { queue: (event.target as HTMLSelectElement).value })}>
              <option value="">Default queue</option>
              ${this.queues.map((queue) => html`<option value=${queue.slug} ?selected=${queue.slug === did.queue}>${queue.name}</option>`)}
            </select>
            <input placeholder="language, e.g. de" .value=${did.language} aria-label="Language" @input=${(event: Event) => this.setDid(index, { language: (event.target as HTMLInputElement).value })} />
            <button type="button" class="link" @click=${() => this.set('dids', d.dids.filter((_, i) => i !== index))}>Remove</button>
          </div>`,
        )}
        ${this.fieldError('dids')}
        <button type="button" data-test="trunk-add-did" @click=${() => this.set('dids', [...d.dids, { number: '', queue: '', language: '' }])}>Add a number</button>
      </div>
      ${this.formError ? html`<div class="form-error" role="alert" data-test="form-error">${this.formError}</div>` : nothing}
      <div class="buttons">
        <button class="primary" type="submit" data-test="trunk-save" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save trunk'}</button>
        <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('trunk-cancel', { bubbles: true, composed: true }))}>Cancel</button>
      </div>
      ${this.trunk ? html`<p class="hint">Saving restarts this trunk: its calls in progress end.</p>` : nothing}
    </form>`
  }

  private text(field: keyof Draft & (typeof FIELDS)[number], label: string, placeholder: string) {
    return html`<label class="field">
      <span class="label">${label}</span>
      <input
        name=${field}
        data-test=${`trunk-${field}`}
        placeholder=${placeholder}
        autocomplete="off"
        spellcheck="false"
        .value=${String(this.draft[field])}
        aria-invalid=${this.errors[field] ? 'true' : 'false'}
        @input=${(event: Event) => this.set(field, (event.target as HTMLInputElement).value)}
      />
      ${this.fieldError(field)}
    </label>`
  }

  private fieldError(field: string) {
    return this.errors[field] ? html`<span class="field-error" data-test="field-error" data-field=${field}>${this.errors[field]}</span>` : nothing
  }

  private set<K extends keyof Draft>(key: K, value: Draft[K]): void {
    this.draft = { ...this.draft, [key]: value }
    if (this.errors[key]) this.errors = { ...this.errors, [key]: '' }
    this.formError = ''
  }

  private setDid(index: number, patch: Partial<Draft['dids'][number]>): void {
    this.set(
      'dids',
      this.draft.dids.map((did, i) => (i === index ? { ...did, ...patch } : did)),
    )
  }

  /** The draft as the API takes it, or field errors. */
  private input(): { input: TrunkInput } | { errors: Record<string, string> } {
    const d = this.draft
    const errors: Record<string, string> = {}
    if (!d.name.trim()) errors.name = 'Give the trunk a name'
    if (!d.host.trim()) errors.host = "The provider's SIP host"
    const port = d.port.trim() === '' ? null : Number(d.port)
    if (port !== null && !(Number.isInteger(port) && port >= 1 && port <= 65535)) errors.port = '1 to 65535, or empty'
    const localPort = Number(d.localPort || '0')
    if (!(Number.isInteger(localPort) && (localPort === 0 || (localPort >= 1024 && localPort <= 65535)))) errors.localPort = '0, or 1024 to 65535'
    const callerId = toE164(d.callerId)
    if (!callerId) errors.callerId = 'An international number, e.g. +4930123456'
    const username = d.username.trim() || null
    if (username && !d.password && !this.trunk?.hasPassword) errors.password = 'The password for this username'
    const dids: Did[] = []
    d.dids.forEach((did, index) => {
      if (!did.number.trim()) return
      const number = toE164(did.number)
      if (!number) errors.dids = `Number ${index + 1} is not an international number`
      else dids.push({ number, queue: did.queue || null, language: did.language.trim() || null })
    })
    if (Object.keys(errors).length > 0) return { errors }
    const input: TrunkInput = {
      name: d.name.trim(),
      host: d.host.trim(),
      port,
      transport: d.transport,
      username,
      callerId: callerId!,
      allowFrom: d.allowFrom.split(/[\s,]+/).filter(Boolean),
      register: d.register,
      localPort,
      enabled: d.enabled,
      dids,
    }
    if (d.clearPassword || !username) input.password = null
    else if (d.password) input.password = d.password
    if (d.clearPresenceSecret) input.presenceSecret = null
    else if (d.presenceSecret) input.presenceSecret = d.presenceSecret
    return { input }
  }

  private async submit(event: Event): Promise<void> {
    event.preventDefault()
    const checked = this.input()
    if ('errors' in checked) {
      this.errors = checked.errors
      return
    }
    this.saving = true
    try {
      const trunk = await saveTrunk(checked.input, this.trunk?.id ?? null)
      this.dispatchEvent(new CustomEvent('trunk-saved', { detail: { trunk }, bubbles: true, composed: true }))
    } catch (error) {
      const { fields, form } = formErrors(error, FIELDS)
      this.errors = fields
      this.formError = form
    } finally {
      this.saving = false
    }
  }
}

customElements.define('parley-trunk-form', TrunkForm)

declare global {
  interface HTMLElementTagNameMap {
    'parley-trunk-form': TrunkForm
  }
}

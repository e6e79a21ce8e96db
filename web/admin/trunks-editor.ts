/**
 * `<parley-phone-admin>` (admins only): the tenant's SIP trunks with their run state (where
 * the provider reaches us, registered, reachable, why one could not start), create / edit /
 * delete / test, and the phone settings: whether agents see visitors' numbers and whether a
 * visitor whose connection fails during a call is called on their phone.
 */
import { LitElement, css, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { fetchRouting } from './admin-api.js'
import { registerAdminSection } from './admin-sections.js'
import { adminStyles } from './admin-styles.js'
import { deleteTrunk, fetchTrunks, savePhoneSettings, testTrunk, type PhoneSettings, type Trunk, type TrunksData } from './trunks-api.js'
import './trunk-form.js'

function statusText(trunk: Trunk): string {
  if (!trunk.enabled) return 'Disabled'
  const status = trunk.status
  if (!status.running) return status.error ? `Not running: ${status.error}` : 'Not running'
  const parts = [`Listening on ${status.address!.transport.toUpperCase()} ${status.address!.host}:${status.address!.port}`]
  if (trunk.register) parts.push(status.registered ? 'registered' : 'not registered')
  if (status.reachable !== null) parts.push(status.reachable ? 'reachable' : 'unreachable')
  return parts.join(' · ')
}

export class ParleyPhoneAdmin extends LitElement {
  static override properties = {
    data: { state: true },
    queues: { state: true },
    editing: { state: true },
    message: { state: true },
    error: { state: true },
    busy: { state: true },
  }

  static override styles = [
    adminStyles,
    css`
      :host {
        display: block;
      }
      .sheet {
        max-width: 1120px;
      }
      td.status {
        font-size: 12.5px;
      }
      td.status.bad {
        color: #b3261e;
      }
    `,
  ]

  private data: TrunksData | null = null
  private queues: { slug: string; name: string }[] = []
  /** the trunk in the form: a trunk, 'new', or null (no form) */
  private editing: Trunk | 'new' | null = null
  private message = ''
  private error = ''
  private busy = ''

  override connectedCallback(): void {
    super.connectedCallback()
    void this.load()
    this.addEventListener('trunk-saved', (event) => {
      this.editing = null
      this.message = `Saved ${(event as CustomEvent<{ trunk: Trunk }>).detail.trunk.name}.`
      void this.load()
    })
    this.addEventListener('trunk-cancel', () => (this.editing = null))
  }

  async load(): Promise<void> {
    try {
      const [data, routing] = await Promise.all([fetchTrunks(), fetchRouting().catch(() => null)])
      this.data = data
      if (routing) this.queues = routing.queues.map((queue) => ({ slug: queue.slug, name: queue.name }))
    } catch (error) {
      this.error = (error as Error).message
    }
  }

  override render() {
    const data = this.data
    return html`<div class="sheet" data-test="phone-admin">
      <div class="card">
        <h2>Phone</h2>
        <p class="hint">
          A SIP trunk connects Parley to the phone network: visitors can ask to be called back, a visitor whose connection fails during a call is called on the
          number they gave, and calls to the trunk's numbers enter the queue like chats.
        </p>
        ${data && !data.sip.available ? html`<p class="error">The SIP bridge is off on this server (SIP=off): trunks are stored but do not run.</p>` : nothing}
        ${data ? this.renderSettings(data.settings) : nothing}
        ${!data
          ? html`<div class="empty">${this.error || 'Loading…'}</div>`
          : data.trunks.length === 0
            ? html`<div class="empty">No trunk yet.</div>`
            : html`<table>
                <thead>
                  <tr><th>Trunk</th><th>Provider</th><th>Numbers</th><th>State</th><th></th></tr>
                </thead>
                <tbody>
                  ${repeat(
                    data.trunks,
                    (trunk) => trunk.id,
                    (trunk) => html`<tr data-test="trunk-row" data-trunk=${trunk.name}>
                      <td>${trunk.name}<div class="muted mono">${trunk.callerId}</div></td>
                      <td class="mono">${trunk.transport}:${trunk.host}${trunk.port ? `:${trunk.port}` : ''}${trunk.username ? html`<div class="muted">${trunk.username} · ${trunk.hasPassword ? 'password set' : 'no password'}</div>` : nothing}</td>
                      <td class="mono">${trunk.dids.length ? trunk.dids.map((did) => html`<div>${did.number}${did.queue ? html` <span class="muted">→ ${did.queue}</span>` : nothing}</div>`) : html`<span class="muted">—</span>`}</td>
                      <td class="status ${trunk.enabled && !trunk.status.running ? 'bad' : ''}" data-test="trunk-status">${statusText(trunk)}</td>
                      <td class="actions">
                        <button type="button" data-test="trunk-test" ?disabled=${this.busy !== '' || !trunk.status.running} @click=${() => this.test(trunk)}>Test</button>
                        <button type="button" data-test="trunk-edit" @click=${() => (this.editing = trunk)}>Edit</button>
                        <button type="button" class="danger" data-test="trunk-delete" ?disabled=${this.busy !== ''} @click=${() => this.removeTrunk(trunk)}>Delete</button>
                      </td>
                    </tr>`,
                  )}
                </tbody>
              </table>`}
        ${this.message ? html`<div class="ok" role="status" data-test="phone-admin-status">${this.message}</div>` : nothing}
        ${this.error && data ? html`<div class="form-error" role="alert">${this.error}</div>` : nothing}
        ${this.editing === null ? html`<button class="primary" type="button" data-test="trunk-new" @click=${() => (this.editing = 'new')}>Add a trunk</button>` : nothing}
      </div>
      ${this.editing !== null ? html`<parley-trunk-form .trunk=${this.editing === 'new' ? null : this.editing} .queues=${this.queues}></parley-trunk-form>` : nothing}
    </div>`
  }

  private renderSettings(settings: PhoneSettings) {
    const toggle = (key: keyof PhoneSettings, label: string) => html`<label class="check">
      <input type="checkbox" data-test=${`phone-setting-${key}`} .checked=${settings[key]} ?disabled=${this.busy !== ''} @change=${(event: Event) => this.saveSetting(key, (event.target as HTMLInputElement).checked)} />
      ${label}
    </label>`
    return html`<div class="row">
      ${toggle('phoneFallback', "Call the visitor's phone when their connection fails during a call (when they gave a number for it)")}
      ${toggle('phoneNumbersVisible', "Agents see visitors' full phone numbers")}
    </div>`
  }

  private async saveSetting(key: keyof PhoneSettings, value: boolean): Promise<void> {
    await this.run('settings', async () => {
      const settings = await savePhoneSettings({ [key]: value })
      if (this.data) this.data = { ...this.data, settings: { phoneNumbersVisible: settings.phoneNumbersVisible, phoneFallback: settings.phoneFallback } }
      this.message = 'Phone settings saved.'
    })
  }

  private async test(trunk: Trunk): Promise<void> {
    await this.run(trunk.id, async () => {
      const result = await testTrunk(trunk.id)
      this.message = `${trunk.name} answered OPTIONS with ${result.sipStatus} in ${result.rttMs} ms.`
    })
  }

  private async removeTrunk(trunk: Trunk): Promise<void> {
    if (!confirm(`Delete the trunk ${trunk.name}? Its calls in progress end and its numbers stop taking calls.`)) return
    await this.run(trunk.id, async () => {
      await deleteTrunk(trunk.id)
      this.message = `Deleted ${trunk.name}.`
      await this.load()
    })
  }

  private async run(key: string, work: () => Promise<void>): Promise<void> {
    this.busy = key
    this.error = ''
    this.message = ''
    try {
      await work()
    } catch (error) {
      this.error = (error as Error).message
    } finally {
      this.busy = ''
    }
  }
}

customElements.define('parley-phone-admin', ParleyPhoneAdmin)

registerAdminSection({
  id: 'trunks',
  label: 'Phone & SIP trunks',
  order: 60,
  description: 'Trunks to the phone network: callbacks, fallback to the phone, calls to your numbers.',
  render: () => html`<parley-phone-admin></parley-phone-admin>`,
})

declare global {
  interface HTMLElementTagNameMap {
    'parley-phone-admin': ParleyPhoneAdmin
  }
}

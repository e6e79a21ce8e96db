/**
 * `<parley-embed-admin>` (admins only): the snippet to paste on the tenant's site, the
 * origins allowed to embed the widget, and the sites that tried without being allowed.
 */
import { LitElement, css, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { ApiError, addOrigin, fetchEmbed, removeOrigin, type EmbedSettings } from './agent-api.js'
import { baseStyles } from './console-styles.js'
import { displayUrl, formatDateTime, safeHref } from './format.js'

/**
 * Checks an origin typed by the admin (`https?://host[:port]`, nothing after it).
 * Returns the normalized origin, or an error message for the form.
 */
export function parseOrigin(input: string): { origin: string } | { error: string } {
  const value = input.trim().replace(/\/$/, '')
  if (value === '') return { error: 'Enter the address of your site, e.g. https://shop.example.com' }
  if (!/^https?:\/\/[^\s/?#@]+$/i.test(value)) return { error: 'Use the form https://host or https://host:port (no path, query or spaces).' }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return { error: 'That is not a valid web address.' }
  }
  if (!url.hostname || url.origin === 'null') return { error: 'That is not a valid web address.' }
  return { origin: url.origin }
}

export class EmbedAdmin extends LitElement {
  static override properties = {
    data: { state: true },
    loading: { state: true },
    loadError: { state: true },
    originError: { state: true },
    adding: { state: true },
    lastRemoved: { state: true },
    removing: { state: true },
    copied: { state: true },
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        height: 100%;
        overflow-y: auto;
        background: var(--p-bg);
      }
      .sheet {
        max-width: 920px;
        padding: 20px 24px 40px;
      }
      h1 {
        font-size: 18px;
        margin: 0 0 4px;
      }
      h2 {
        font-size: 14px;
        margin: 0 0 4px;
      }
      p.lead {
        margin: 0 0 16px;
        color: var(--p-text-muted);
      }
      section {
        background: var(--p-surface);
        border: 1px solid var(--p-border);
        border-radius: 8px;
        padding: 16px;
        margin-bottom: 16px;
      }
      section > p {
        margin: 0 0 10px;
        color: var(--p-text-muted);
      }
      .snippet {
        position: relative;
      }
      pre {
        margin: 0;
        padding: 12px 96px 12px 12px;
        background: #0d1117;
        color: #e6edf3;
        border-radius: var(--p-radius);
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        font-size: 12px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        user-select: all;
      }
      .snippet button {
        position: absolute;
        top: 8px;
        right: 8px;
      }
      table {
        width: 100%;
        border-collapse: collapse;
      }
      th,
      td {
        text-align: left;
        padding: 7px 8px;
        border-bottom: 1px solid var(--p-border-soft);
        vertical-align: middle;
      }
      th {
        font-size: 11px;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--p-text-muted);
        font-weight: 600;
      }
      td.origin {
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        font-size: 12px;
        overflow-wrap: anywhere;
      }
      td.num {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      td.actions {
        text-align: right;
        white-space: nowrap;
      }
      td.last-page a,
      td.last-page span {
        display: block;
        max-width: 280px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .empty {
        color: var(--p-text-faint);
        padding: 8px 0;
      }
      form {
        display: flex;
        gap: 8px;
        margin-top: 12px;
      }
      form input {
        flex: 1;
        max-width: 420px;
      }
      .undo {
        margin-top: 8px;
      }
      .form-error {
        margin-top: 6px;
      }
      .load-error {
        padding: 10px 12px;
        border-radius: var(--p-radius);
        background: var(--p-danger-soft);
        border: 1px solid #ffcecb;
        margin-bottom: 16px;
        display: flex;
        gap: 12px;
        align-items: center;
      }
    `,
  ]

  private data: EmbedSettings | null = null
  private loading = false
  private loadError = ''
  private originError = ''
  private adding = false
  private lastRemoved = ''
  private removing = ''
  private copied = false
  private copiedTimer: ReturnType<typeof setTimeout> | undefined
  private undoTimer: ReturnType<typeof setTimeout> | undefined

  override connectedCallback(): void {
    super.connectedCallback()
    void this.load()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearTimeout(this.copiedTimer)
    clearTimeout(this.undoTimer)
  }

  /** Fetch the snippet, origins and refused attempts again. */
  async load(): Promise<void> {
    this.loading = true
    try {
      this.data = await fetchEmbed()
      this.loadError = ''
    } catch (error) {
      this.loadError = error instanceof Error ? error.message : String(error)
    } finally {
      this.loading = false
    }
  }

  override render() {
    const data = this.data
    return html`<div class="sheet">
      <h1>Embed on your site</h1>
      <p class="lead">Paste the snippet on every page where visitors should see the chat button, and allow the sites that may show it.</p>
      ${this.loadError
        ? html`<div class="load-error" role="alert"><span class="error">Could not load the embed settings: ${this.loadError}</span><button type="button" @click=${() => this.load()}>Try again</button></div>`
        : nothing}
      ${!data
        ? html`<section><div class="empty">${this.loading ? 'Loading…' : 'Nothing to show.'}</div></section>`
        : html`
            <section>
              <h2>Snippet</h2>
              <p>Add it just before <code>&lt;/body&gt;</code>. The button loads in a few kilobytes; the chat loads when a visitor clicks.</p>
              <div class="snippet">
                <pre data-test="snippet">${data.snippet}</pre>
                <button type="button" data-test="copy-snippet" @click=${this.copy}>${this.copied ? 'Copied ✓' : 'Copy'}</button>
              </div>
            </section>
            <section>
              <h2>Allowed sites</h2>
              <p>Only these origins may show the chat button. Anything else is refused and listed below.</p>
              ${data.origins.length === 0
                ? html`<div class="empty">No site is allowed yet: the widget will not show anywhere.</div>`
                : html`<table>
                    <thead>
                      <tr><th>Origin</th><th>Added</th><th></th></tr>
                    </thead>
                    <tbody>
                      ${repeat(
                        data.origins,
                        (origin) => origin.id,
                        (origin) => html`<tr data-test="origin-row" data-origin-id=${origin.id}>
                          <td class="origin">${origin.origin}</td>
                          <td class="muted">${formatDateTime(origin.createdAt)}</td>
                          <td class="actions">
                            <button class="danger" type="button" data-test="origin-remove" ?disabled=${this.removing === origin.id} @click=${() => this.removeEntry(origin.id)}>
                              ${this.removing === origin.id ? 'Removing…' : 'Remove'}
                            </button>
                          </td>
                        </tr>`,
                      )}
                    </tbody>
                  </table>`}
              ${this.lastRemoved
                ? html`<div class="undo muted" role="status">
                    Removed <code>${this.lastRemoved}</code>.
                    <button class="link" type="button" data-test="origin-undo" @click=${this.undoRemove}>Undo</button>
                  </div>`
                : nothing}
              <form @submit=${this.add} novalidate>
                <input
                  data-test="origin-input"
                  name="origin"
                  type="url"
                  placeholder="https://shop.example.com"
                  aria-label="Origin to allow"
                  autocomplete="off"
                  spellcheck="false"
                  @input=${() => (this.originError = '')}
                />
                <button class="primary" type="submit" data-test="origin-add" ?disabled=${this.adding}>${this.adding ? 'Adding…' : 'Allow site'}</button>
              </form>
              ${this.originError ? html`<div class="form-error error" role="alert" data-test="origin-error">${this.originError}</div>` : nothing}
            </section>
            <section>
              <h2>Refused embed attempts</h2>
              <p>Sites that tried to show your chat button without being allowed. Allow one if it is yours.</p>
              ${data.refused.length === 0
                ? html`<div class="empty">No refused attempts.</div>`
                : html`<table>
                    <thead>
                      <tr><th>Origin</th><th>Attempts</th><th>Last page</th><th>Last seen</th><th></th></tr>
                    </thead>
                    <tbody>
                      ${data.refused.map((refused) => {
                        const href = safeHref(refused.lastPageUrl)
                        const allowed = data.origins.some((origin) => origin.origin === refused.origin)
                        return html`<tr data-test="refused-row">
                          <td class="origin">${refused.origin}</td>
                          <td class="num">${refused.count}</td>
                          <td class="last-page">
                            ${refused.lastPageUrl
                              ? href
                                ? html`<a href=${href} target="_blank" rel="noopener noreferrer" title=${refused.lastPageUrl}>${displayUrl(refused.lastPageUrl, 60)}</a>`
                                : html`<span title=${refused.lastPageUrl}>${displayUrl(refused.lastPageUrl, 60)}</span>`
                              : html`<span class="muted">—</span>`}
                          </td>
                          <td class="muted" title=${`first seen ${formatDateTime(refused.firstSeenAt)}`}>${formatDateTime(refused.lastSeenAt)}</td>
                          <td class="actions">
                            ${allowed
                              ? html`<span class="muted">Allowed</span>`
                              : html`<button type="button" data-test="refused-allow" ?disabled=${this.adding} @click=${() => this.allow(refused.origin)}>Allow</button>`}
                          </td>
                        </tr>`
                      })}
                    </tbody>
                  </table>`}
            </section>
          `}
    </div>`
  }

  private async copy(): Promise<void> {
    const snippet = this.data?.snippet ?? ''
    try {
      // NOTE: some browsers leave writeText pending (permission prompt, unfocused page)
      await Promise.race([navigator.clipboard.writeText(snippet), new Promise((_, reject) => setTimeout(() => reject(new Error('clipboard timeout')), 1000))])
    } catch {
      // clipboard API refused (permissions, insecure origin): fall back to a selection copy
      const pre = this.renderRoot.querySelector('pre')
      if (!pre) return
      const range = document.createRange()
      range.selectNodeContents(pre)
      const selection = window.getSelection()
      selection?.removeAllRanges()
      selection?.addRange(range)
      document.execCommand('copy')
    }
    this.copied = true
    clearTimeout(this.copiedTimer)
    this.copiedTimer = setTimeout(() => (this.copied = false), 2000)
  }

  private async add(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('origin') as HTMLInputElement
    const parsed = parseOrigin(input.value)
    if ('error' in parsed) {
      this.originError = parsed.error
      input.focus()
      return
    }
    if (await this.allow(parsed.origin)) input.value = ''
    else input.focus()
  }

  private async allow(origin: string): Promise<boolean> {
    if (this.adding) return false
    this.adding = true
    this.originError = ''
    try {
      const added = await addOrigin(origin)
      if (this.data) this.data = { ...this.data, origins: [...this.data.origins.filter((o) => o.id !== added.id), added] }
      return true
    } catch (error) {
      // the server's message already names the problem (issues repeat it field by field)
      this.originError = error instanceof ApiError ? error.message : String(error)
      return false
    } finally {
      this.adding = false
    }
  }

  private async removeEntry(id: string): Promise<void> {
    const origin = this.data?.origins.find((entry) => entry.id === id)
    this.removing = id
    this.originError = ''
    try {
      await removeOrigin(id)
      if (this.data) this.data = { ...this.data, origins: this.data.origins.filter((entry) => entry.id !== id) }
      // NOTE: removing takes the chat off that site at once; one click away from undoing it
      this.lastRemoved = origin?.origin ?? ''
      clearTimeout(this.undoTimer)
      this.undoTimer = setTimeout(() => (this.lastRemoved = ''), 15_000)
    } catch (error) {
      this.originError = `Could not remove it: ${error instanceof Error ? error.message : String(error)}`
    } finally {
      this.removing = ''
    }
  }

  private async undoRemove(): Promise<void> {
    const origin = this.lastRemoved
    this.lastRemoved = ''
    if (origin) await this.allow(origin)
  }
}

customElements.define('parley-embed-admin', EmbedAdmin)

declare global {
  interface HTMLElementTagNameMap {
    'parley-embed-admin': EmbedAdmin
  }
}

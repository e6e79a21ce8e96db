/**
 * `<parley-admin-console>` (admins): the tenant's administration, one section at a time
 * from the registry (admin-sections.ts): tenant settings, embedding, team and roles,
 * routing, business hours, price plan, usage and statements, API keys, webhooks and the
 * audit log, plus whatever other modules register (SIP trunks, offer rules).
 */
import { LitElement, css, html, nothing } from 'lit'
import { adminStyles } from './admin-styles.js'
import { adminSections, onAdminSectionsChanged, registerAdminSection } from './admin-sections.js'
import '../agent/embed-admin.js'
import './api-keys-editor.js'
import './audit-log-view.js'
import './billing-view.js'
import './hours-editor.js'
import './leading-settings-editor.js'
import './offer-rules-editor.js'
import './price-plan-editor.js'
import './routing-admin.js'
import './team-editor.js'
import './tenant-editor.js'
import './trunks-editor.js'
import './webhooks-editor.js'

registerAdminSection({ id: 'tenant', label: 'Tenant', order: 10, description: 'Name and timezone (reports, statements and business hours use it).', render: () => html`<parley-tenant-editor></parley-tenant-editor>` })
registerAdminSection({ id: 'embed', label: 'Embed & origins', order: 20, description: 'The snippet for your site and the origins allowed to embed it.', render: () => html`<parley-embed-admin></parley-embed-admin>` })
registerAdminSection({ id: 'team', label: 'Team & roles', order: 30, description: 'Accounts, roles, disabling and password resets.', render: () => html`<parley-team-editor></parley-team-editor>` })
registerAdminSection({ id: 'routing', label: 'Skills & queues', order: 40, render: () => html`<parley-routing-admin></parley-routing-admin>` })
registerAdminSection({ id: 'hours', label: 'Business hours', order: 50, description: 'When the contact center is staffed, in the tenant’s timezone.', render: () => html`<parley-hours-editor></parley-hours-editor>` })
registerAdminSection({ id: 'plan', label: 'Price plan', order: 70, description: 'How usage is rated into statements.', render: () => html`<parley-price-plan-editor></parley-price-plan-editor>` })
registerAdminSection({ id: 'billing', label: 'Usage & statements', order: 80, description: 'Metered usage per month, statements and shopper micro-charges.', render: () => html`<parley-billing-view></parley-billing-view>` })
registerAdminSection({ id: 'api-keys', label: 'API keys', order: 90, description: 'Keys for the public REST API.', render: () => html`<parley-api-keys-editor></parley-api-keys-editor>` })
registerAdminSection({ id: 'webhooks', label: 'Webhooks', order: 100, description: 'Signed notifications to your systems, and their deliveries.', render: () => html`<parley-webhooks-editor></parley-webhooks-editor>` })
registerAdminSection({ id: 'audit', label: 'Audit log', order: 110, description: 'Every change: who, when, what, before and after.', render: () => html`<parley-audit-log></parley-audit-log>` })

/**
 * @csspart nav - the section list
 */
export class AdminConsole extends LitElement {
  static override properties = { section: { type: String, reflect: true } }

  static override styles = [
    adminStyles,
    css`
      :host {
        height: 100%;
        display: grid;
        grid-template-columns: 200px minmax(0, 1fr);
        background: var(--p-bg);
      }
      nav {
        border-right: 1px solid var(--p-border);
        padding: 14px 8px;
        overflow-y: auto;
        background: var(--p-surface);
      }
      nav button {
        display: block;
        width: 100%;
        text-align: left;
        border: none;
        background: none;
        padding: 6px 10px;
        border-radius: var(--p-radius);
        color: var(--p-text-muted);
        font-weight: 600;
      }
      nav button[aria-current='page'] {
        background: var(--p-primary-soft);
        color: var(--p-primary-dark);
      }
      main {
        overflow-y: auto;
        min-height: 0;
      }
      main > header {
        padding: 16px 20px 0;
      }
      h1 {
        font-size: 18px;
        margin: 0;
      }
      .content {
        padding: 10px 20px 40px;
        max-width: 1120px;
      }
      .content > * {
        height: auto;
      }
    `,
  ]

  /** The shown section's id. */
  section = 'tenant'
  private off: (() => void) | null = null

  override connectedCallback(): void {
    super.connectedCallback()
    this.off = onAdminSectionsChanged(() => this.requestUpdate())
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.off?.()
  }

  override render() {
    const sections = adminSections()
    const current = sections.find((s) => s.id === this.section) ?? sections[0]
    return html`<nav part="nav" aria-label="Administration">
        ${sections.map((s) => html`<button type="button" data-test="admin-nav" data-section=${s.id} aria-current=${s.id === current?.id ? 'page' : 'false'} @click=${() => (this.section = s.id)}>${s.label}</button>`)}
      </nav>
      <main data-test="admin-console" data-section=${current?.id ?? ''}>
        ${current
          ? html`<header><h1>${current.label}</h1>${current.description ? html`<p class="hint">${current.description}</p>` : nothing}</header>
              <div class="content">${current.render()}</div>`
          : nothing}
      </main>`
  }
}

customElements.define('parley-admin-console', AdminConsole)

declare global {
  interface HTMLElementTagNameMap {
    'parley-admin-console': AdminConsole
  }
}

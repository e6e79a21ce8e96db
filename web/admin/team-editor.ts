/**
 * `<parley-team-editor>`: everyone on the team with role, state and last login; add people
 * (a generated password is shown once to hand over), change names, emails and roles,
 * disable or enable accounts, reset passwords.
 */
import { LitElement, css, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { formatDateTime, STATE_LABELS } from '../agent/format.js'
import type { AgentState } from '../protocol/views.js'
import { formErrors } from './admin-api.js'
import { adminStyles } from './admin-styles.js'
import { messageOf } from './api-request.js'
import { checkText, FieldErrors } from './form-checks.js'
import { createMember, fetchTeam, resetMemberPassword, setMemberDisabled, updateMember, type Role, type TeamMember } from './management-api.js'

const ROLES: { role: Role; label: string }[] = [
  { role: 'agent', label: 'Agent' },
  { role: 'supervisor', label: 'Supervisor' },
  { role: 'admin', label: 'Admin' },
]
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

interface Draft {
  email: string
  displayName: string
  role: Role
}

export class TeamEditor extends LitElement {
  static override properties = {
    members: { state: true },
    draft: { state: true },
    errors: { state: true },
    formError: { state: true },
    busy: { state: true },
    secret: { state: true },
    editing: { state: true },
    editDraft: { state: true },
    rowError: { state: true },
  }

  static override styles = [
    adminStyles,
    css`
      form.add {
        display: grid;
        grid-template-columns: 1.4fr 1fr 150px auto;
        gap: 8px 10px;
        align-items: end;
      }
      .secret {
        border: 1px solid #b6cdfb;
        background: var(--p-primary-soft);
        border-radius: 8px;
        padding: 10px 12px;
        margin-bottom: 14px;
      }
      .secret code {
        font-size: 14px;
        user-select: all;
      }
      tr.disabled td {
        color: var(--p-text-faint);
      }
    `,
  ]

  private members: TeamMember[] = []
  private draft: Draft = { email: '', displayName: '', role: 'agent' }
  private errors: Record<string, string> = {}
  private formError = ''
  private busy = ''
  /** a password to hand over, shown once */
  private secret: { who: string; password: string } | null = null
  private editing = ''
  private editDraft: Draft = { email: '', displayName: '', role: 'agent' }
  private rowError = ''

  override connectedCallback(): void {
    super.connectedCallback()
    void this.load()
  }

  private async load(): Promise<void> {
    try {
      this.members = await fetchTeam()
    } catch (error) {
      this.formError = messageOf(error)
    }
  }

  override render() {
    return html`
      ${this.secret
        ? html`<div class="secret" role="status" data-test="team-password">
            Password for <strong>${this.secret.who}</strong>: <code data-test="team-password-value">${this.secret.password}</code>
            <div class="muted">Hand it over now: it is not shown again. They can log in with it at once.</div>
            <button type="button" class="link" @click=${() => (this.secret = null)}>Done</button>
          </div>`
        : nothing}
      <form class="card add" @submit=${this.add} novalidate data-test="team-add">
        ${this.input('email', 'Email', 'email', this.draft.email, (v) => (this.draft = { ...this.draft, email: v }))}
        ${this.input('displayName', 'Name shown to visitors', 'text', this.draft.displayName, (v) => (this.draft = { ...this.draft, displayName: v }))}
        <label class="field"
          ><span class="label">Role</span>
          <select data-test="team-role" .value=${this.draft.role} @change=${(e: Event) => (this.draft = { ...this.draft, role: (e.target as HTMLSelectElement).value as Role })}>
            ${ROLES.map((r) => html`<option value=${r.role}>${r.label}</option>`)}
          </select></label
        >
        <button type="submit" class="primary" data-test="team-create" ?disabled=${this.busy === 'add'}>Add to the team</button>
      </form>
      ${this.formError ? html`<div class="form-error" role="alert" data-test="form-error">${this.formError}</div>` : nothing}
      <div class="card">
        ${this.rowError ? html`<div class="form-error" role="alert">${this.rowError}</div>` : nothing}
        <table>
          <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>State</th><th>Last login</th><th></th></tr></thead>
          <tbody>
            ${repeat(this.members, (m) => m.id, (m) => (this.editing === m.id ? this.renderEdit(m) : this.renderRow(m)))}
          </tbody>
        </table>
      </div>
    `
  }

  private input(field: string, label: string, type: string, value: string, set: (value: string) => void) {
    return html`<label class="field"
      ><span class="label">${label}</span>
      <input type=${type} data-test=${`team-${field}`} .value=${value} aria-invalid=${this.errors[field] ? 'true' : 'false'} @input=${(e: Event) => (set((e.target as HTMLInputElement).value), (this.errors = { ...this.errors, [field]: '' }))} />
      ${this.errors[field] ? html`<span class="field-error" data-test="field-error" data-field=${field}>${this.errors[field]}</span>` : nothing}
    </label>`
  }

  private renderRow(m: TeamMember) {
    const disabled = m.disabledAt !== null
    return html`<tr class=${disabled ? 'disabled' : ''} data-test="team-row" data-email=${m.email}>
      <td>${m.displayName}</td>
      <td>${m.email}</td>
      <td>${ROLES.find((r) => r.role === m.role)?.label ?? m.role}</td>
      <td>${disabled ? html`<span class="chip">disabled</span>` : (STATE_LABELS[m.state as AgentState] ?? m.state)}</td>
      <td>${m.lastLoginAt ? formatDateTime(m.lastLoginAt) : html`<span class="muted">never</span>`}</td>
      <td class="actions">
        <button type="button" class="link" data-test="team-edit" @click=${() => ((this.editing = m.id), (this.editDraft = { email: m.email, displayName: m.displayName, role: m.role }), (this.rowError = ''))}>Edit</button>
        · <button type="button" class="link" data-test="team-reset" ?disabled=${this.busy === m.id} @click=${() => this.reset(m)}>Reset password</button>
        · <button type="button" class="link ${disabled ? '' : 'danger'}" data-test="team-toggle" ?disabled=${this.busy === m.id} @click=${() => this.toggle(m)}>${disabled ? 'Enable' : 'Disable'}</button>
      </td>
    </tr>`
  }

  private renderEdit(m: TeamMember) {
    const d = this.editDraft
    return html`<tr data-test="team-row-edit">
      <td><input aria-label="Name" .value=${d.displayName} @input=${(e: Event) => (this.editDraft = { ...d, displayName: (e.target as HTMLInputElement).value })} /></td>
      <td><input aria-label="Email" type="email" .value=${d.email} @input=${(e: Event) => (this.editDraft = { ...d, email: (e.target as HTMLInputElement).value })} /></td>
      <td>
        <select aria-label="Role" data-test="team-edit-role" .value=${d.role} @change=${(e: Event) => (this.editDraft = { ...d, role: (e.target as HTMLSelectElement).value as Role })}>
          ${ROLES.map((r) => html`<option value=${r.role} ?selected=${r.role === d.role}>${r.label}</option>`)}
        </select>
      </td>
      <td colspan="2" class="muted">${d.role !== m.role ? 'A role change logs them out.' : ''}</td>
      <td class="actions">
        <button type="button" class="primary" data-test="team-save" ?disabled=${this.busy === m.id} @click=${() => this.saveEdit(m)}>Save</button>
        <button type="button" @click=${() => (this.editing = '')}>Cancel</button>
      </td>
    </tr>`
  }

  private async add(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const checks = new FieldErrors()
    const email = this.draft.email.trim()
    if (!EMAIL.test(email)) checks.add('email', 'an email address, please')
    const displayName = checks.take('displayName', checkText(this.draft.displayName, 80))
    this.errors = checks.fields
    this.formError = ''
    if (!checks.ok || !displayName) return
    this.busy = 'add'
    try {
      const { member, password } = await createMember({ email, displayName, role: this.draft.role })
      this.secret = { who: member.displayName, password }
      this.draft = { email: '', displayName: '', role: 'agent' }
      await this.load()
    } catch (error) {
      const { fields, form } = formErrors(error, ['email', 'displayName', 'role'])
      this.errors = fields
      this.formError = form
    } finally {
      this.busy = ''
    }
  }

  private async saveEdit(m: TeamMember): Promise<void> {
    const d = this.editDraft
    const patch: Partial<Draft> = {}
    if (d.displayName.trim() !== m.displayName) patch.displayName = d.displayName.trim()
    if (d.email.trim().toLowerCase() !== m.email) patch.email = d.email.trim()
    if (d.role !== m.role) patch.role = d.role
    if (Object.keys(patch).length === 0) return void (this.editing = '')
    if (patch.email !== undefined && !EMAIL.test(patch.email)) return void (this.rowError = 'The email is not an email address.')
    if (patch.displayName !== undefined && !patch.displayName) return void (this.rowError = 'The name is required.')
    await this.run(m, async () => {
      await updateMember(m.id, patch)
      this.editing = ''
    })
  }

  private async toggle(m: TeamMember): Promise<void> {
    const disable = m.disabledAt === null
    if (disable && !confirm(`Disable ${m.displayName}? They are logged out at once and cannot log in until enabled again.`)) return
    await this.run(m, () => setMemberDisabled(m.id, disable))
  }

  private async reset(m: TeamMember): Promise<void> {
    if (!confirm(`Give ${m.displayName} a new password? Their current one stops working and they are logged out.`)) return
    await this.run(m, async () => {
      const { password } = await resetMemberPassword(m.id)
      this.secret = { who: m.displayName, password }
    })
  }

  private async run(m: TeamMember, action: () => Promise<unknown>): Promise<void> {
    this.busy = m.id
    this.rowError = ''
    try {
      await action()
      await this.load()
    } catch (error) {
      this.rowError = `${m.displayName}: ${messageOf(error)}`
    } finally {
      this.busy = ''
    }
  }
}

customElements.define('parley-team-editor', TeamEditor)

declare global {
  interface HTMLElementTagNameMap {
    'parley-team-editor': TeamEditor
  }
}

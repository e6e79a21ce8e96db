/**
 * `<parley-skills-editor>`: the tenant's skills (`key=value` with a label), who holds them,
 * which queues require them; add and delete.
 */
import { LitElement, css, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { AdminApiError, createSkill, deleteSkill, formErrors, type AdminAgent, type Queue, type Skill } from './admin-api.js'
import { fireRoutingChanged } from './admin-events.js'
import { adminStyles } from './admin-styles.js'
import { checkText, checkToken, FieldErrors } from './form-checks.js'
import { parseRequirement } from './requirement.js'

const FIELDS = ['key', 'value', 'label'] as const

/**
 * Skills list and add form.
 * @fires routing-changed - after a skill was added or deleted
 */
export class SkillsEditor extends LitElement {
  static override properties = {
    skills: { attribute: false },
    queues: { attribute: false },
    agents: { attribute: false },
    errors: { state: true },
    formError: { state: true },
    saving: { state: true },
    deleting: { state: true },
    status: { state: true },
  }

  static override styles = [
    adminStyles,
    css`
      form {
        margin-top: 12px;
        display: grid;
        grid-template-columns: 160px 160px minmax(160px, 280px) auto;
        gap: 8px;
        align-items: start;
      }
      form button {
        margin-top: 18px;
      }
      td.label {
        width: 35%;
      }
    `,
  ]

  /** The tenant's skills. */
  skills: Skill[] = []
  /** The queues (to show which require a skill). */
  queues: Queue[] = []
  /** The agents (to count holders). */
  agents: AdminAgent[] = []
  private errors: Record<string, string> = {}
  private formError = ''
  private saving = false
  private deleting = ''
  private status = ''

  override render() {
    const keys = [...new Set(this.skills.map((skill) => skill.key))]
    return html`<div class="card">
      <h2>Skills</h2>
      <p class="hint">A skill is a <code>key=value</code> pair such as <code>language=de</code> or <code>product=bikes</code>. Queues require skills; agents hold them at a proficiency from 1 to 5.</p>
      ${this.skills.length === 0
        ? html`<div class="empty">No skills yet: every queue accepts anyone.</div>`
        : html`<table>
            <thead>
              <tr><th>Skill</th><th>Label</th><th class="num">Agents</th><th>Required by</th><th></th></tr>
            </thead>
            <tbody>
              ${repeat(
                this.skills,
                (skill) => skill.id,
                (skill) => {
                  const usedBy = this.requiredBy(skill)
                  const holders = this.agents.filter((agent) => agent.skills.some((held) => held.skillId === skill.id)).length
                  return html`<tr data-test="skill-row" data-skill=${`${skill.key}=${skill.value}`}>
                    <td class="mono">${skill.key}=${skill.value}</td>
                    <td class="label">${skill.label}</td>
                    <td class="num">${holders}</td>
                    <td>${usedBy.length ? usedBy.map((queue) => html`<span class="chip">${queue.name}</span> `) : html`<span class="muted">—</span>`}</td>
                    <td class="actions">
                      <button
                        type="button"
                        class="danger"
                        data-test="skill-delete"
                        ?disabled=${this.deleting === skill.id}
                        title=${usedBy.length ? 'Queues require this skill; change them first' : 'Delete this skill'}
                        @click=${() => this.removeSkill(skill)}
                      >
                        ${this.deleting === skill.id ? 'Deleting…' : 'Delete'}
                      </button>
                    </td>
                  </tr>`
                },
              )}
            </tbody>
          </table>`}
      <form @submit=${this.add} @input=${this.onInput} novalidate>
        <label class="field">
          <span class="label">Key</span>
          <input name="key" data-test="skill-key" list="skill-keys" placeholder="language" autocomplete="off" spellcheck="false" aria-invalid=${this.errors['key'] ? 'true' : 'false'} />
          <datalist id="skill-keys">${keys.map((key) => html`<option value=${key}></option>`)}</datalist>
          ${this.fieldError('key')}
        </label>
        <label class="field">
          <span class="label">Value</span>
          <input name="value" data-test="skill-value" placeholder="fr" autocomplete="off" spellcheck="false" aria-invalid=${this.errors['value'] ? 'true' : 'false'} />
          ${this.fieldError('value')}
        </label>
        <label class="field">
          <span class="label">Label</span>
          <input name="label" data-test="skill-label" placeholder="French" maxlength="80" autocomplete="off" aria-invalid=${this.errors['label'] ? 'true' : 'false'} />
          ${this.fieldError('label')}
        </label>
        <button class="primary" type="submit" data-test="skill-add" ?disabled=${this.saving}>${this.saving ? 'Adding…' : 'Add skill'}</button>
      </form>
      ${this.formError ? html`<div class="form-error" role="alert" data-test="form-error">${this.formError}</div>` : nothing}
      ${this.status ? html`<div class="ok" role="status">${this.status}</div>` : nothing}
    </div>`
  }

  private fieldError(field: string) {
    return this.errors[field] ? html`<span class="field-error" data-test="field-error" data-field=${field}>${this.errors[field]}</span>` : nothing
  }

  private requiredBy(skill: Skill): Queue[] {
    return this.queues.filter((queue) => {
      const parsed = parseRequirement(queue.requirement)
      return parsed.ok && parsed.requirement.clauses.some((clause) => clause.key === skill.key && clause.values.includes(skill.value))
    })
  }

  private onInput(event: Event): void {
    const name = (event.target as HTMLInputElement).name
    if (this.errors[name]) this.errors = { ...this.errors, [name]: '' }
    this.formError = ''
    this.status = ''
  }

  private async add(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    if (this.saving) return
    const form = event.currentTarget as HTMLFormElement
    const input = (name: string) => form.elements.namedItem(name) as HTMLInputElement
    const checks = new FieldErrors()
    const key = checks.take('key', checkToken(input('key').value))
    const value = checks.take('value', checkToken(input('value').value))
    const label = checks.take('label', checkText(input('label').value, 80))
    if (key && value && this.skills.some((skill) => skill.key === key && skill.value === value)) checks.add('value', `${key}=${value} exists already`)
    this.errors = checks.fields
    this.formError = ''
    if (!checks.ok || !key || !value || !label) {
      input(FIELDS.find((field) => checks.fields[field]) ?? 'key').focus()
      return
    }
    this.saving = true
    try {
      const skill = await createSkill({ key, value, label })
      form.reset()
      input('key').value = key
      this.status = `Added ${skill.key}=${skill.value}.`
      fireRoutingChanged(this, 'skills')
      input('value').focus()
    } catch (error) {
      const { fields, form: message } = formErrors(error, FIELDS)
      this.errors = fields
      this.formError = message || 'Not saved: fix the highlighted fields.'
      if (error instanceof AdminApiError && error.status >= 400 && error.status < 500) fireRoutingChanged(this, 'skills')
    } finally {
      this.saving = false
    }
  }

  private async removeSkill(skill: Skill): Promise<void> {
    const usedBy = this.requiredBy(skill)
    this.status = ''
    this.formError = ''
    if (usedBy.length > 0) {
      this.formError = `Queues ${usedBy.map((queue) => queue.name).join(', ')} require ${skill.key}=${skill.value}; change them first.`
      return
    }
    if (!confirm(`Delete the skill ${skill.key}=${skill.value} (${skill.label})? Agents lose it and rules that hint it stop matching anyone.`)) return
    this.deleting = skill.id
    try {
      await deleteSkill(skill.id)
      this.status = `Deleted ${skill.key}=${skill.value}.`
      fireRoutingChanged(this, 'skills')
    } catch (error) {
      this.formError = `Could not delete ${skill.key}=${skill.value}: ${error instanceof Error ? error.message : String(error)}`
    } finally {
      this.deleting = ''
    }
  }
}

customElements.define('parley-skills-editor', SkillsEditor)

declare global {
  interface HTMLElementTagNameMap {
    'parley-skills-editor': SkillsEditor
  }
}

/**
 * `<parley-agent-skills-editor>`: a matrix of agents × skills with a proficiency (0 = none,
 * 1-5) per cell, plus each agent's maximum chats and calls. Edits stay as a draft per
 * agent until that agent's row is saved.
 */
import { LitElement, css, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { formErrors, updateAgent, type AdminAgent, type Skill } from './admin-api.js'
import { fireRoutingChanged } from './admin-events.js'
import { adminStyles } from './admin-styles.js'
import { checkInt, FieldErrors } from './form-checks.js'

/** Unsaved edits of one agent's row. */
interface Draft {
  /** skillId → 0-5 */
  skills: Record<string, number>
  maxChats: string
  maxCalls: string
}

const LEVELS = [0, 1, 2, 3, 4, 5]

/**
 * Proficiency matrix with a save button per agent.
 * @fires routing-changed - after an agent was saved
 */
export class AgentSkillsEditor extends LitElement {
  static override properties = {
    agents: { attribute: false },
    skills: { attribute: false },
    drafts: { state: true },
    saving: { state: true },
    rowErrors: { state: true },
    saved: { state: true },
  }

  static override styles = [
    adminStyles,
    css`
      .scroll {
        overflow-x: auto;
      }
      table {
        width: auto;
        min-width: 100%;
      }
      th.group {
        text-align: center;
        border-bottom: 1px solid var(--p-border);
      }
      th.skill {
        text-align: center;
        text-transform: none;
        letter-spacing: 0;
        font-weight: 500;
        color: var(--p-text);
      }
      td.cell {
        text-align: center;
        padding: 3px 4px;
      }
      td.cell select {
        width: 46px;
        padding: 2px 2px;
        text-align: center;
      }
      td.cell select.held {
        background: var(--p-primary-soft);
        border-color: #b6cdfb;
      }
      td.cell select.changed,
      input.changed {
        background: #fff8c5;
        border-color: #d4a72c;
      }
      td.cap input {
        width: 50px;
        padding: 3px 4px;
      }
      th.agent,
      td.agent {
        position: sticky;
        left: 0;
        background: var(--p-surface);
        min-width: 120px;
        max-width: 170px;
        z-index: 1;
      }
      td.agent .email {
        font-size: 11px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      tr.error-row td {
        border-bottom: none;
        padding-top: 0;
      }
      .legend {
        margin-top: 8px;
        font-size: 12px;
      }
    `,
  ]

  /** The tenant's agents. */
  agents: AdminAgent[] = []
  /** The tenant's skills (columns). */
  skills: Skill[] = []
  private drafts: Record<string, Draft> = {}
  private saving: Record<string, boolean> = {}
  private rowErrors: Record<string, { fields: Record<string, string>; form: string }> = {}
  private saved = ''

  override render() {
    const groups = this.groups()
    return html`<div class="card">
      <h2>Agents</h2>
      <p class="hint">Proficiency per skill (— = does not hold it, 1 = basic, 5 = expert) and the most chats and calls each agent takes at once. Save each agent's row.</p>
      ${this.agents.length === 0
        ? html`<div class="empty">No agents.</div>`
        : html`<div class="scroll">
            <table>
              <thead>
                <tr>
                  <th class="agent" rowspan="2">Agent</th>
                  ${groups.map(([key, skills]) => html`<th class="group" colspan=${skills.length}>${key}</th>`)}
                  <th class="num" rowspan="2" title="Most chats at once (0 to 20)">Chats</th>
                  <th class="num" rowspan="2" title="Most calls at once (0 to 5)">Calls</th>
                  <th rowspan="2"></th>
                </tr>
                <tr>
                  ${groups.flatMap(([, skills]) => skills.map((skill) => html`<th class="skill" title=${skill.label}>${skill.value}</th>`))}
                </tr>
              </thead>
              <tbody>
                ${repeat(
                  this.agents,
                  (agent) => agent.id,
                  (agent) => this.renderAgent(agent, groups.flatMap(([, skills]) => skills)),
                )}
              </tbody>
            </table>
          </div>`}
      <div class="legend muted">${this.saved ? html`<span class="ok" role="status">${this.saved}</span>` : 'Changed cells are highlighted until saved.'}</div>
    </div>`
  }

  private renderAgent(agent: AdminAgent, columns: Skill[]) {
    const draft = this.drafts[agent.id]
    const dirty = draft !== undefined && this.isDirty(agent, draft)
    const errors = this.rowErrors[agent.id]
    const saving = this.saving[agent.id] ?? false
    const held = (skillId: string) => agent.skills.find((s) => s.skillId === skillId)?.proficiency ?? 0
    const span = columns.length + 4
    return html`<tr data-test="agent-row" data-agent-id=${agent.id}>
        <td class="agent">
          <div>${agent.displayName}${agent.role === 'admin' ? html` <span class="chip">admin</span>` : nothing}</div>
          <div class="email muted" title=${agent.email}>${agent.email}</div>
        </td>
        ${columns.map((skill) => {
          const value = draft?.skills[skill.id] ?? held(skill.id)
          const changed = draft !== undefined && value !== held(skill.id)
          return html`<td class="cell">
            <select
              data-test="proficiency"
              data-agent-id=${agent.id}
              data-skill-id=${skill.id}
              class=${`${value > 0 ? 'held' : ''} ${changed ? 'changed' : ''}`}
              aria-label=${`${agent.displayName}: ${skill.label} (${skill.key}=${skill.value})`}
              .value=${String(value)}
              @change=${(event: Event) => this.edit(agent, { skill: skill.id, level: Number((event.target as HTMLSelectElement).value) })}
            >
              ${LEVELS.map((level) => html`<option value=${level} ?selected=${level === value}>${level === 0 ? '—' : level}</option>`)}
            </select>
          </td>`
        })}
        ${(['maxChats', 'maxCalls'] as const).map((field) => {
          const value = draft?.[field] ?? String(agent[field])
          return html`<td class="num cap">
            <input
              type="number"
              min="0"
              max=${field === 'maxChats' ? 20 : 5}
              data-test=${field === 'maxChats' ? 'agent-max-chats' : 'agent-max-calls'}
              data-agent-id=${agent.id}
              class=${value !== String(agent[field]) ? 'changed' : ''}
              aria-label=${`${agent.displayName}: ${field === 'maxChats' ? 'maximum chats' : 'maximum calls'}`}
              aria-invalid=${errors?.fields[field] ? 'true' : 'false'}
              .value=${value}
              @input=${(event: Event) => this.edit(agent, { [field]: (event.target as HTMLInputElement).value })}
            />
          </td>`
        })}
        <td class="actions">
          <button type="button" class="primary" data-test="agent-save" data-agent-id=${agent.id} ?disabled=${!dirty || saving} @click=${() => this.save(agent)}>
            ${saving ? 'Saving…' : 'Save'}
          </button>
          ${dirty && !saving ? html`<button type="button" class="link" @click=${() => this.discard(agent.id)}>Undo</button>` : nothing}
        </td>
      </tr>
      ${errors
        ? html`<tr class="error-row">
            <td colspan=${span}>
              <div class="form-error" role="alert" data-test="form-error" data-agent-id=${agent.id}>
                ${[...Object.entries(errors.fields).map(([field, message]) => `${field === 'maxChats' ? 'Max chats' : field === 'maxCalls' ? 'Max calls' : field}: ${message}`), errors.form].filter(Boolean).join(' · ')}
              </div>
            </td>
          </tr>`
        : nothing}`
  }

  /** Skills grouped by key, in the order the server sends them (key, then value). */
  private groups(): [string, Skill[]][] {
    const groups = new Map<string, Skill[]>()
    for (const skill of this.skills) groups.set(skill.key, [...(groups.get(skill.key) ?? []), skill])
    return [...groups]
  }

  private edit(agent: AdminAgent, change: { skill: string; level: number } | Partial<Pick<Draft, 'maxChats' | 'maxCalls'>>): void {
    const draft: Draft = this.drafts[agent.id] ?? {
      skills: Object.fromEntries(agent.skills.map((s) => [s.skillId, s.proficiency])),
      maxChats: String(agent.maxChats),
      maxCalls: String(agent.maxCalls),
    }
    const next: Draft = 'skill' in change ? { ...draft, skills: { ...draft.skills, [change.skill]: change.level } } : { ...draft, ...change }
    this.drafts = { ...this.drafts, [agent.id]: next }
    if (this.rowErrors[agent.id]) this.rowErrors = this.without(this.rowErrors, agent.id)
    this.saved = ''
  }

  private isDirty(agent: AdminAgent, draft: Draft): boolean {
    if (draft.maxChats !== String(agent.maxChats) || draft.maxCalls !== String(agent.maxCalls)) return true
    const held = new Map(agent.skills.map((s) => [s.skillId, s.proficiency]))
    return Object.entries(draft.skills).some(([skillId, level]) => level !== (held.get(skillId) ?? 0))
  }

  private discard(agentId: string): void {
    this.drafts = this.without(this.drafts, agentId)
    this.rowErrors = this.without(this.rowErrors, agentId)
  }

  private without<T>(record: Record<string, T>, key: string): Record<string, T> {
    const { [key]: _, ...rest } = record
    return rest
  }

  private async save(agent: AdminAgent): Promise<void> {
    const draft = this.drafts[agent.id]
    if (!draft || this.saving[agent.id]) return
    const checks = new FieldErrors()
    const maxChats = checks.take('maxChats', checkInt(draft.maxChats, 0, 20))
    const maxCalls = checks.take('maxCalls', checkInt(draft.maxCalls, 0, 5))
    const known = new Set(this.skills.map((skill) => skill.id))
    const skills = Object.entries(draft.skills)
      .filter(([skillId, level]) => level > 0 && known.has(skillId))
      .map(([skillId, proficiency]) => ({ skillId, proficiency }))
    if (!checks.ok || maxChats === undefined || maxCalls === undefined) {
      this.rowErrors = { ...this.rowErrors, [agent.id]: { fields: checks.fields, form: '' } }
      return
    }
    this.saving = { ...this.saving, [agent.id]: true }
    try {
      const updated = await updateAgent(agent.id, { maxChats, maxCalls, skills })
      // show the saved row at once; the reload that follows brings the rest
      this.agents = this.agents.map((a) => (a.id === agent.id ? { ...a, ...updated } : a))
      this.drafts = this.without(this.drafts, agent.id)
      this.rowErrors = this.without(this.rowErrors, agent.id)
      this.saved = `Saved ${agent.displayName}.`
      fireRoutingChanged(this, 'agents')
    } catch (error) {
      this.rowErrors = { ...this.rowErrors, [agent.id]: formErrors(error, ['maxChats', 'maxCalls', 'skills']) }
    } finally {
      this.saving = this.without(this.saving, agent.id)
    }
  }
}

customElements.define('parley-agent-skills-editor', AgentSkillsEditor)

declare global {
  interface HTMLElementTagNameMap {
    'parley-agent-skills-editor': AgentSkillsEditor
  }
}

/**
 * `<parley-qualified-preview>`: who may take a request of a queue, computed in the browser
 * from the requirement being typed, and how each relaxation step widens that circle.
 */
import { LitElement, css, html, nothing } from 'lit'
import type { AdminAgent, RelaxStep, Skill } from './admin-api.js'
import { adminStyles } from './admin-styles.js'
import { qualifiedAgents, type ParsedRequirement } from './requirement.js'

/** The requirement once the steps up to `step` applied (the server's `relaxedRequirement`, hard clauses only). */
export function relaxed(requirement: ParsedRequirement, steps: readonly RelaxStep[], upTo: number): ParsedRequirement {
  let { clauses, minProficiency } = requirement
  for (const step of [...steps].sort((a, b) => a.afterSec - b.afterSec).slice(0, upTo)) {
    if (step.dropKeys) clauses = clauses.filter((clause) => !step.dropKeys!.includes(clause.key))
    if (step.minProficiency !== undefined) minProficiency = Math.min(minProficiency, step.minProficiency)
  }
  return { clauses, minProficiency }
}

/** Live list of qualifying agents. */
export class QualifiedPreview extends LitElement {
  static override properties = {
    requirement: { attribute: false },
    steps: { attribute: false },
    agents: { attribute: false },
    skills: { attribute: false },
  }

  static override styles = [
    adminStyles,
    css`
      :host {
        background: var(--p-bg);
        border: 1px solid var(--p-border-soft);
        border-radius: var(--p-radius);
        padding: 8px 10px;
      }
      h3 {
        font-size: 11px;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--p-text-muted);
        margin: 0 0 6px;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li {
        display: flex;
        justify-content: space-between;
        gap: 8px;
        padding: 2px 0;
      }
      .tier {
        color: var(--p-text-muted);
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
      .steps {
        margin-top: 8px;
        padding-top: 6px;
        border-top: 1px solid var(--p-border-soft);
        font-size: 12px;
      }
    `,
  ]

  /** The parsed requirement, or null while the text does not parse. */
  requirement: ParsedRequirement | null = null
  /** Valid relaxation steps typed so far. */
  steps: RelaxStep[] = []
  /** The tenant's agents. */
  agents: AdminAgent[] = []
  /** The tenant's skills. */
  skills: Skill[] = []

  override render() {
    const requirement = this.requirement
    const qualified = requirement ? qualifiedAgents(requirement, this.agents, this.skills) : []
    const ordered = [...this.steps].sort((a, b) => a.afterSec - b.afterSec)
    return html`<h3>Qualified agents</h3>
      ${!requirement
        ? html`<div class="muted">Fix the requirement to see who qualifies.</div>`
        : html`<ul data-test="qualified" aria-live="polite">
            ${qualified.length === 0
              ? html`<li class="error" data-test="qualified-none">Nobody qualifies${ordered.length ? ' until a relaxation step applies' : ': requests will wait until they time out'}.</li>`
              : qualified.map(
                  ({ agent, tier }) => html`<li data-test="qualified-agent" data-agent-id=${agent.id}>
                    <span>${agent.displayName}</span>
                    <span class="tier" title="lowest proficiency over the required skills">${requirement.clauses.length ? `tier ${tier}` : 'anyone'}</span>
                  </li>`,
                )}
          </ul>`}
      ${requirement && ordered.length
        ? html`<div class="steps">
            ${ordered.map((step, index) => {
              const count = qualifiedAgents(relaxed(requirement, ordered, index + 1), this.agents, this.skills).length
              return html`<div>After ${step.afterSec} s: <strong>${count}</strong> agent${count === 1 ? '' : 's'}${step.dropSoft ? html` <span class="muted">(+ anyone the hints excluded)</span>` : nothing}</div>`
            })}
          </div>`
        : nothing}`
  }
}

customElements.define('parley-qualified-preview', QualifiedPreview)

declare global {
  interface HTMLElementTagNameMap {
    'parley-qualified-preview': QualifiedPreview
  }
}

/** `<parley-funnel-chart>`: stages as horizontal bars, each with its count and share of the first. */
import { LitElement, css, html } from 'lit'

export interface FunnelStage {
  label: string
  count: number
}

export class FunnelChart extends LitElement {
  static override properties = { stages: { attribute: false } }

  static override styles = css`
    :host {
      display: block;
      font-family: var(--p-font, system-ui, sans-serif);
      font-size: 12px;
    }
    .stage {
      display: grid;
      grid-template-columns: 170px 1fr 90px;
      gap: 8px;
      align-items: center;
      margin-bottom: 5px;
    }
    .bar {
      height: 18px;
      border-radius: 3px;
      background: var(--p-primary, #2f6fed);
      min-width: 2px;
    }
    .num {
      font-variant-numeric: tabular-nums;
      color: var(--p-text-muted, #656d76);
    }
  `

  stages: FunnelStage[] = []

  override render() {
    const first = this.stages[0]?.count ?? 0
    return html`${this.stages.map(
      (stage) => html`<div class="stage" data-test="funnel-stage">
        <span>${stage.label}</span>
        <div><div class="bar" style="width:${first > 0 ? (stage.count / first) * 100 : 0}%"></div></div>
        <span class="num">${stage.count}${first > 0 ? ` · ${Math.round((stage.count / first) * 100)}%` : ''}</span>
      </div>`,
    )}`
  }
}

customElements.define('parley-funnel-chart', FunnelChart)

declare global {
  interface HTMLElementTagNameMap {
    'parley-funnel-chart': FunnelChart
  }
}

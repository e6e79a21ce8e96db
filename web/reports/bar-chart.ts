/**
 * `<parley-bar-chart>`: a bar chart in plain SVG: one or more series per label, grouped or
 * stacked, with a value axis of round ticks, a legend and a tooltip (<title>) per bar.
 */
import { LitElement, css, svg, html, nothing } from 'lit'

export interface ChartSeries {
  name: string
  color: string
  values: number[]
}

/** Round tick step for a maximum (1, 2 or 5 times a power of ten). */
export function tickStep(max: number, ticks = 4): number {
  if (max <= 0) return 1
  const raw = max / ticks
  const power = 10 ** Math.floor(Math.log10(raw))
  return ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power
}

/**
 * @csspart chart - the svg element
 */
export class BarChart extends LitElement {
  static override properties = {
    labels: { attribute: false },
    series: { attribute: false },
    stacked: { type: Boolean },
    unit: { type: String },
    caption: { type: String },
    width: { state: true },
  }

  static override styles = css`
    :host {
      display: block;
      font-family: var(--p-font, system-ui, sans-serif);
      font-size: 11px;
      color: var(--p-text-muted, #656d76);
    }
    svg {
      display: block;
    }
    .legend {
      display: flex;
      gap: 12px;
      flex-wrap: wrap;
      margin-top: 4px;
    }
    .swatch {
      display: inline-block;
      width: 10px;
      height: 10px;
      border-radius: 2px;
      margin-right: 4px;
      vertical-align: -1px;
    }
    .caption {
      font-weight: 600;
      color: var(--p-text, #1f2328);
      font-size: 12px;
      margin-bottom: 4px;
    }
  `

  /** One label per bar group (x axis). */
  labels: string[] = []
  series: ChartSeries[] = []
  /** Stack the series instead of placing them side by side. */
  stacked = false
  /** Appended to values in tooltips and ticks ("s", "%"). */
  unit = ''
  caption = ''
  /** drawn at the element's own width, so text keeps its size */
  private width = 640
  private readonly resize = new ResizeObserver(([entry]) => {
    const width = Math.round(entry?.contentRect.width ?? 0)
    if (width > 100 && width !== this.width) this.width = width
  })

  override connectedCallback(): void {
    super.connectedCallback()
    this.resize.observe(this)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.resize.disconnect()
  }

  override render() {
    const width = this.width
    const height = 180
    const left = 36
    const bottom = 22
    const top = 8
    const plotW = width - left - 6
    const plotH = height - top - bottom
    const n = this.labels.length
    const totals = this.labels.map((_, i) => (this.stacked ? this.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0) : Math.max(0, ...this.series.map((s) => s.values[i] ?? 0))))
    const step = tickStep(Math.max(0, ...totals))
    const max = Math.max(step, Math.ceil(Math.max(0, ...totals) / step) * step)
    const y = (value: number) => top + plotH - (value / max) * plotH
    const groupW = n > 0 ? plotW / n : plotW
    const bars = this.stacked ? 1 : Math.max(1, this.series.length)
    // a few wide groups still get slim bars
    const barW = Math.max(1, Math.min(groupW * 0.8, 56) / bars)
    const ticks = Array.from({ length: Math.round(max / step) + 1 }, (_, i) => i * step)
    const every = Math.max(1, Math.ceil(n / 12))
    const fmt = (v: number) => `${Math.round(v * 100) / 100}${this.unit}`
    return html`${this.caption ? html`<div class="caption">${this.caption}</div>` : nothing}
      <svg part="chart" width=${width} height=${height} viewBox="0 0 ${width} ${height}" role="img" aria-label=${this.caption || 'chart'}>
        ${ticks.map((t) => svg`<line x1=${left} x2=${width - 6} y1=${y(t)} y2=${y(t)} stroke="#eaeef2" /><text x=${left - 4} y=${y(t) + 3} text-anchor="end" fill="currentColor">${fmt(t)}</text>`)}
        ${this.labels.map((label, i) => {
          const x0 = left + i * groupW + (groupW - barW * bars) / 2
          let base = 0
          return svg`${this.series.map((s, k) => {
            const value = s.values[i] ?? 0
            const x = this.stacked ? x0 : x0 + k * barW
            const from = this.stacked ? base : 0
            if (this.stacked) base += value
            const h = y(from) - y(from + value)
            return value > 0 ? svg`<rect data-test="bar" x=${x} y=${y(from + value)} width=${barW - (this.stacked ? 0 : 1)} height=${Math.max(0, h)} fill=${s.color} rx="1"><title>${label} · ${s.name}: ${fmt(value)}</title></rect>` : nothing
          })}
          ${i % every === 0 ? svg`<text x=${left + i * groupW + groupW / 2} y=${height - 6} text-anchor="middle" fill="currentColor">${label}</text>` : nothing}`
        })}
        <line x1=${left} x2=${width - 6} y1=${y(0)} y2=${y(0)} stroke="#afb8c1" />
      </svg>
      ${this.series.length > 1 ? html`<div class="legend">${this.series.map((s) => html`<span><span class="swatch" style="background:${s.color}"></span>${s.name}</span>`)}</div>` : nothing}`
  }
}

customElements.define('parley-bar-chart', BarChart)

declare global {
  interface HTMLElementTagNameMap {
    'parley-bar-chart': BarChart
  }
}

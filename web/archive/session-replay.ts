/**
 * `<parley-session-replay>`: plays a conversation back in time order: the led browser,
 * the call and who is present on the left (ReplayStage), the events so far on the right,
 * with play/pause, speed, a seek bar and "skip pauses" (idle gaps shortened to a few
 * seconds). Space toggles play; every event type shows in the feed, unknown ones generically.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { adminStyles } from '../admin/admin-styles.js'
import type { Transcript } from './archive-api.js'
import { archiveStyles } from './archive-styles.js'
import { clockLength, describeEvent } from './event-text.js'
import { ReplayClock, SPEEDS, buildTimeline, eventsAt, realTimeAt, type Timeline } from './replay-clock.js'
import { replayStateAt } from './replay-state.js'
import './replay-stage.js'

/** Idle gaps are shortened to this while "skip pauses" is on. */
const SKIP_GAP_MS = 3_000

/**
 * @fires replay-position - CustomEvent<{ seq: number | null; positionMs: number }> as the replay moves
 */
export class SessionReplay extends LitElement {
  static override properties = {
    transcript: { attribute: false },
    skipPauses: { state: true },
    tick: { state: true },
  }

  static override styles = [
    adminStyles,
    archiveStyles,
    css`
      :host {
        display: block;
        height: auto;
        overflow: visible;
        background: none;
      }
      .controls {
        display: flex;
        gap: 10px;
        align-items: center;
        flex-wrap: wrap;
        margin-bottom: 10px;
      }
      .controls input[type='range'] {
        flex: 1;
        min-width: 200px;
      }
      .time {
        font-variant-numeric: tabular-nums;
        color: var(--p-text-muted);
        white-space: nowrap;
      }
      .split {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        gap: 14px;
      }
      .feed {
        max-height: 420px;
        overflow-y: auto;
        border: 1px solid var(--p-border-soft);
        border-radius: 8px;
        padding: 0 8px;
        background: var(--p-surface);
      }
      @media (max-width: 800px) {
        .split {
          grid-template-columns: 1fr;
        }
      }
    `,
  ]

  /** The conversation to play. */
  transcript: Transcript | null = null
  private skipPauses = true
  private tick = 0
  private timeline: Timeline = buildTimeline([])
  private clock = new ReplayClock(0)
  private frame = 0
  private lastCount = -1

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    cancelAnimationFrame(this.frame)
    this.clock.pause()
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('transcript') || changed.has('skipPauses')) {
      const old = this.timeline
      const realNow = old.offsets.length ? realTimeAt(old, this.clock.position) : 0
      this.timeline = buildTimeline(this.transcript?.events ?? [], this.skipPauses ? SKIP_GAP_MS : Infinity)
      // keep the same moment of the conversation when the gaps change
      const count = old.offsets.length ? eventsAt(old, this.clock.position) : 0
      const at = count > 0 ? this.timeline.offsets[count - 1]! + Math.min(realNow - old.times[count - 1]!, this.skipPauses ? SKIP_GAP_MS : Infinity) : 0
      if (changed.has('transcript')) this.clock = new ReplayClock(this.timeline.durationMs)
      else this.clock.resize(this.timeline.durationMs, at)
    }
  }

  override render() {
    const events = this.transcript?.events ?? []
    if (events.length === 0) return html`<div class="empty">Nothing to replay.</div>`
    const position = this.clock.position
    const count = eventsAt(this.timeline, position)
    const state = replayStateAt(events, count)
    const names = new Map([...state.participants.values()].map((p) => [p.id, p.name]))
    const shown = events.slice(0, count)
    const real = new Date(realTimeAt(this.timeline, position))
    return html`<div data-test="replay" data-count=${count} data-playing=${this.clock.playing ? 'true' : 'false'} tabindex="0" @keydown=${this.onKey}>
      <div class="controls">
        <button type="button" class="primary" data-test="replay-play" aria-label=${this.clock.playing ? 'Pause' : 'Play'} @click=${this.toggle}>${this.clock.playing ? '❚❚ Pause' : '▶ Play'}</button>
        <input
          type="range"
          data-test="replay-seek"
          aria-label="Position"
          min="0"
          max=${this.timeline.durationMs}
          step="100"
          .value=${String(Math.round(position))}
          @input=${(e: Event) => this.seek(Number((e.target as HTMLInputElement).value))}
        />
        <span class="time" data-test="replay-time">${clockLength(position / 1000)} / ${clockLength(this.timeline.durationMs / 1000)}</span>
        <span class="time" title="when this happened">${real.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })}</span>
        <label class="check"
          >Speed
          <select data-test="replay-speed" @change=${(e: Event) => this.setSpeed(Number((e.target as HTMLSelectElement).value))}>
            ${SPEEDS.map((s) => html`<option value=${s} ?selected=${s === this.clock.speed}>${s}×</option>`)}
          </select></label
        >
        <label class="check"><input type="checkbox" data-test="replay-skip" .checked=${this.skipPauses} @change=${(e: Event) => (this.skipPauses = (e.target as HTMLInputElement).checked)} /> Skip pauses</label>
      </div>
      <div class="split">
        <parley-replay-stage .state=${state}></parley-replay-stage>
        <div class="feed log" data-test="replay-feed" aria-live="off">
          ${shown.length === 0 ? html`<div class="empty">Press play.</div>` : nothing}
          ${repeat(
            shown,
            (e) => e.seq,
            (e, i) => {
              const text = describeEvent(e, names)
              return html`<div class="entry ${text.category} ${i === shown.length - 1 ? 'current' : ''}" data-test="replay-event" data-type=${e.type}>
                <time>${clockLength((this.timeline.times[i]! - this.timeline.startAt) / 1000)}</time>
                <div>${text.body !== undefined ? html`<span class="who">${text.from}</span>${text.staffOnly ? html` <span class="pill staff">${text.category}</span>` : nothing}: <span class="body">${text.body}</span>` : text.category === 'unknown' ? html`<code>${text.text}</code>` : text.text}</div>
              </div>`
            },
          )}
        </div>
      </div>
    </div>`
  }

  protected override updated(): void {
    const count = eventsAt(this.timeline, this.clock.position)
    if (count !== this.lastCount) {
      this.lastCount = count
      const feed = this.renderRoot.querySelector<HTMLElement>('.feed')
      if (feed) feed.scrollTop = feed.scrollHeight
      const seq = count > 0 ? (this.transcript?.events[count - 1]?.seq ?? null) : null
      this.dispatchEvent(new CustomEvent('replay-position', { detail: { seq, positionMs: this.clock.position } }))
    }
  }

  /** Start or pause the replay. */
  toggle(): void {
    if (this.clock.playing) this.clock.pause()
    else {
      this.clock.play()
      this.loop()
    }
    this.tick++
  }

  /** Jump to a position (ms of replay time). */
  seek(positionMs: number): void {
    this.clock.seek(positionMs)
    this.tick++
  }

  private setSpeed(speed: number): void {
    this.clock.setSpeed(speed)
    this.tick++
  }

  private loop(): void {
    cancelAnimationFrame(this.frame)
    const step = () => {
      this.tick++
      if (this.clock.playing) this.frame = requestAnimationFrame(step)
    }
    this.frame = requestAnimationFrame(step)
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === ' ' && (event.target as HTMLElement).tagName !== 'INPUT' && (event.target as HTMLElement).tagName !== 'SELECT') {
      event.preventDefault()
      this.toggle()
    }
  }
}

customElements.define('parley-session-replay', SessionReplay)

declare global {
  interface HTMLElementTagNameMap {
    'parley-session-replay': SessionReplay
  }
}

/**
 * The layer browser leading draws on over the shop's page: a highlight ring (with its label)
 * that stays on its element through scrolling, resizing and layout changes, click ripples,
 * notices with a button (follow a link, open a tab), and the leader's element picker. Plain DOM
 * in its own shadow root, so the shop's CSS cannot reach it and it never takes the page's clicks.
 */
import type { LeadRegion } from '../../protocol/channel-event.js'
import { findBySelector, selectorFor } from './stable-selector.js'

const CSS = `:host{all:initial}
*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.layer{position:fixed;inset:0;pointer-events:none;z-index:2147483001}
.ring{position:fixed;border:3px solid #ff6a00;border-radius:10px;box-shadow:0 0 0 4px rgba(255,106,0,.25),0 0 24px rgba(255,106,0,.45);animation:pulse 1.6s ease-in-out infinite}
@keyframes pulse{50%{box-shadow:0 0 0 8px rgba(255,106,0,.12),0 0 32px rgba(255,106,0,.35)}}
.label{position:fixed;max-width:260px;padding:6px 10px;border-radius:8px;background:#ff6a00;color:#fff;font-size:13px;font-weight:600;box-shadow:0 4px 14px rgba(0,0,0,.2)}
.ripple{position:fixed;width:36px;height:36px;margin:-18px 0 0 -18px;border-radius:50%;border:3px solid #2f6fed;animation:ripple .8s ease-out forwards}
@keyframes ripple{from{transform:scale(.3);opacity:1}to{transform:scale(1.6);opacity:0}}
.notes{position:fixed;top:14px;left:50%;transform:translateX(-50%);display:flex;flex-direction:column;gap:8px;width:min(440px,calc(100vw - 24px))}
.note{pointer-events:auto;display:flex;align-items:center;gap:10px;padding:10px 12px;border-radius:10px;background:#1d2433;color:#fff;font-size:14px;box-shadow:0 8px 24px rgba(0,0,0,.25)}
.note span{flex:1;min-width:0;overflow-wrap:anywhere}
.note a,.note button{flex:none;padding:6px 12px;border:0;border-radius:7px;background:#2f6fed;color:#fff;font:600 13px inherit;font-family:inherit;text-decoration:none;cursor:pointer}
.note button.x{background:none;padding:2px 6px;font-size:18px;line-height:1}
.flash{position:fixed;border-radius:6px;background:rgba(47,111,237,.18);outline:2px solid #2f6fed;animation:fade 1.2s forwards}
@keyframes fade{to{opacity:0}}
.pick{position:fixed;inset:0;pointer-events:auto;cursor:crosshair;background:rgba(47,111,237,.04)}
.hover{position:fixed;outline:2px dashed #2f6fed;background:rgba(47,111,237,.08);border-radius:4px}
.drag{position:fixed;border:2px solid #ff6a00;background:rgba(255,106,0,.12)}
.hint{position:fixed;bottom:14px;left:50%;transform:translateX(-50%);padding:8px 14px;border-radius:8px;background:#1d2433;color:#fff;font-size:13px;pointer-events:none}`

/** What the leader picked: an element, and optionally a region of it. */
export interface PickedTarget {
  selector: string
  region: LeadRegion | null
}

interface Highlight {
  selector: string
  region: LeadRegion | null
  label: string | null
}

export class PageLayer {
  private readonly host = document.createElement('div')
  private readonly root: ShadowRoot
  private readonly layer: HTMLElement
  private readonly notes: HTMLElement
  private highlight: Highlight | null = null
  private ring: HTMLElement | null = null
  private label: HTMLElement | null = null
  private tracker: ReturnType<typeof setInterval> | undefined
  private readonly place = () => this.placeRing()
  private cancelPick: (() => void) | null = null

  constructor() {
    this.host.setAttribute('data-parley-layer', '')
    this.root = this.host.attachShadow({ mode: 'open' })
    this.root.innerHTML = `<style>${CSS}</style><div class="layer"><div class="notes" role="status" aria-live="polite"></div></div>`
    this.layer = this.root.querySelector('.layer')!
    this.notes = this.root.querySelector('.notes')!
    // NOTE: on <html>, not <body>: a transformed body would move position:fixed children with it.
    document.documentElement.append(this.host)
    addEventListener('scroll', this.place, { passive: true, capture: true })
    addEventListener('resize', this.place, { passive: true })
  }

  /** Elements of this layer are not part of the page (for pickers and click sharing). */
  contains(node: EventTarget | null): boolean {
    return node === this.host
  }

  /** Circle the element `selector` names (or a region of it); false when this page has no such element. */
  showHighlight(highlight: Highlight): boolean {
    this.clearHighlight()
    this.highlight = highlight
    this.ring = this.el('div', 'ring')
    this.ring.setAttribute('data-test', 'lead-highlight')
    if (highlight.label) {
      this.label = this.el('div', 'label')
      this.label.textContent = highlight.label
    }
    const target = findBySelector(highlight.selector)
    target?.scrollIntoView({ block: 'center', behavior: 'smooth' })
    // Layout may change under the ring (images loading, menus opening): keep re-placing it.
    this.tracker = setInterval(this.place, 400)
    this.placeRing()
    return target !== null
  }

  clearHighlight(): void {
    clearInterval(this.tracker)
    this.ring?.remove()
    this.label?.remove()
    this.ring = this.label = this.highlight = null
  }

  /** A short-lived mark where the leader clicked, or where a field was filled. */
  flash(selector: string, kind: 'click' | 'fill'): void {
    const rect = findBySelector(selector)?.getBoundingClientRect()
    if (!rect) return
    const mark = this.el('div', kind === 'click' ? 'ripple' : 'flash')
    if (kind === 'click') Object.assign(mark.style, { left: `${rect.left + rect.width / 2}px`, top: `${rect.top + rect.height / 2}px` })
    else Object.assign(mark.style, box(rect))
    setTimeout(() => mark.remove(), 1300)
  }

  /** A notice, with an optional action (a link or a button); returns its remover. */
  note(text: string, action?: { label: string; href?: string; newTab?: boolean; onClick?: () => void }, testId = 'lead-note'): () => void {
    const note = document.createElement('div')
    note.className = 'note'
    note.setAttribute('data-test', testId)
    const span = document.createElement('span')
    span.textContent = text
    note.append(span)
    const remove = () => note.remove()
    if (action) {
      const control = action.href ? document.createElement('a') : document.createElement('button')
      control.textContent = action.label
      control.setAttribute('data-test', `${testId}-action`)
      if (control instanceof HTMLAnchorElement) {
        control.href = action.href!
        if (action.newTab) {
          control.target = '_blank'
          control.rel = 'noopener'
        }
      }
      control.addEventListener('click', () => {
        action.onClick?.()
        remove()
      })
      note.append(control)
    }
    const close = document.createElement('button')
    close.className = 'x'
    close.textContent = '×'
    close.setAttribute('aria-label', 'Dismiss')
    close.addEventListener('click', remove)
    note.append(close)
    this.notes.append(note)
    return remove
  }

  /**
   * Let the leader point at something: hover outlines elements, a click picks one, a drag
   * picks a region of the element it started on. Resolves null when cancelled (Escape).
   */
  pick(): Promise<PickedTarget | null> {
    this.cancelPick?.()
    return new Promise((resolve) => {
      const surface = this.el('div', 'pick')
      surface.setAttribute('data-test', 'lead-picker')
      const hover = this.el('div', 'hover')
      const hint = this.el('div', 'hint')
      hint.textContent = 'Click an element to highlight it, or drag over a part of it. Esc cancels.'
      let drag: { x: number; y: number; target: Element; mark: HTMLElement } | null = null
      const under = (x: number, y: number) => document.elementsFromPoint(x, y).find((node) => node !== this.host && !this.host.contains(node) && node !== document.documentElement) ?? null
      const finish = (picked: PickedTarget | null) => {
        for (const node of [surface, hover, hint, drag?.mark]) node?.remove()
        removeEventListener('keydown', onKey, true)
        this.cancelPick = null
        resolve(picked)
      }
      const onKey = (event: KeyboardEvent) => {
        if (event.key === 'Escape') finish(null)
      }
      surface.addEventListener('pointermove', (event) => {
        if (drag) {
          Object.assign(drag.mark.style, box(rectBetween(drag, event)))
          return
        }
        const target = under(event.clientX, event.clientY)
        Object.assign(hover.style, target ? box(target.getBoundingClientRect()) : { width: '0px' })
      })
      surface.addEventListener('pointerdown', (event) => {
        const target = under(event.clientX, event.clientY)
        if (target) drag = { x: event.clientX, y: event.clientY, target, mark: this.el('div', 'drag') }
      })
      surface.addEventListener('pointerup', (event) => {
        if (!drag) return
        const { target } = drag
        const area = rectBetween(drag, event)
        const small = area.width < 8 && area.height < 8
        finish({ selector: selectorFor(target), region: small ? null : regionWithin(target.getBoundingClientRect(), area) })
      })
      addEventListener('keydown', onKey, true)
      this.cancelPick = () => finish(null)
    })
  }

  close(): void {
    this.cancelPick?.()
    this.clearHighlight()
    removeEventListener('scroll', this.place, { capture: true })
    removeEventListener('resize', this.place)
    this.host.remove()
  }

  private placeRing(): void {
    if (!this.highlight || !this.ring) return
    const target = findBySelector(this.highlight.selector)
    const rect = target?.getBoundingClientRect()
    const visible = !!rect && (rect.width > 0 || rect.height > 0)
    this.ring.hidden = !visible
    if (this.label) this.label.hidden = !visible
    if (!visible) return
    const region = this.highlight.region
    const area = region
      ? { left: rect.left + region.x * rect.width, top: rect.top + region.y * rect.height, width: region.width * rect.width, height: region.height * rect.height }
      : rect
    const pad = 6
    Object.assign(this.ring.style, box({ left: area.left - pad, top: area.top - pad, width: area.width + 2 * pad, height: area.height + 2 * pad }))
    if (this.label) Object.assign(this.label.style, { left: `${Math.max(4, area.left - pad)}px`, top: `${Math.max(4, area.top - pad - 36)}px` })
  }

  private el(tag: string, className: string): HTMLElement {
    const node = document.createElement(tag)
    node.className = className
    this.layer.append(node)
    return node
  }
}

function box(rect: { left: number; top: number; width: number; height: number }): Partial<CSSStyleDeclaration> {
  return { left: `${rect.left}px`, top: `${rect.top}px`, width: `${rect.width}px`, height: `${rect.height}px` }
}

function rectBetween(start: { x: number; y: number }, end: { clientX: number; clientY: number }) {
  return { left: Math.min(start.x, end.clientX), top: Math.min(start.y, end.clientY), width: Math.abs(end.clientX - start.x), height: Math.abs(end.clientY - start.y) }
}

/** `area` as fractions of `rect`, clipped to it. */
function regionWithin(rect: DOMRect, area: { left: number; top: number; width: number; height: number }): LeadRegion | null {
  if (rect.width <= 0 || rect.height <= 0) return null
  const clamp = (value: number) => Math.min(1, Math.max(0, value))
  const x = clamp((area.left - rect.left) / rect.width)
  const y = clamp((area.top - rect.top) / rect.height)
  const right = clamp((area.left + area.width - rect.left) / rect.width)
  const bottom = clamp((area.top + area.height - rect.top) / rect.height)
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null
}

/**
 * The leader's tools on the shop page (the visitor holding the baton, or the agent's
 * co-browsing tab): what they type into ordinary form fields is filled in on followers' pages,
 * their scrolling and clicks are shared when the tenant allows, and they point at things with
 * the picker. Their page changes lead followers through `page:viewed` (the controller sends it).
 */
import type { LeadingView } from '../../protocol/views.js'
import type { SocketLink } from '../../shared/socket-link.js'
import { describeField, isFormField, isPrivate, valueOf } from './form-fields.js'
import type { PageLayer } from './page-layer.js'
import { selectorFor } from './stable-selector.js'

const FILL_DEBOUNCE_MS = 250
const SCROLL_THROTTLE_MS = 250

export class LeadLeader {
  private active = false
  private readonly fillTimers = new Map<string, ReturnType<typeof setTimeout>>()
  private scrollTimer: ReturnType<typeof setTimeout> | undefined
  private warned = false

  constructor(
    private readonly link: SocketLink,
    private readonly channelId: string,
    private readonly layer: PageLayer,
    private readonly policy: () => LeadingView,
  ) {}

  get leading(): boolean {
    return this.active
  }

  start(): void {
    if (this.active) return
    this.active = true
    addEventListener('input', this.onInput, true)
    addEventListener('change', this.onInput, true)
    addEventListener('scroll', this.onScroll, { passive: true })
    addEventListener('click', this.onClick, true)
  }

  stop(): void {
    if (!this.active) return
    this.active = false
    removeEventListener('input', this.onInput, true)
    removeEventListener('change', this.onInput, true)
    removeEventListener('scroll', this.onScroll)
    removeEventListener('click', this.onClick, true)
    for (const timer of this.fillTimers.values()) clearTimeout(timer)
    this.fillTimers.clear()
    clearTimeout(this.scrollTimer)
  }

  /** Let the leader pick an element (or a region of it) and circle it on followers' pages. */
  async highlight(label: string | null = null): Promise<void> {
    const picked = await this.layer.pick()
    if (!picked) return
    const answer = await this.link.request('lead:highlight', { channelId: this.channelId, pageUrl: location.href, selector: picked.selector, region: picked.region, label }).catch(() => null)
    if (!answer?.ok) this.problem(answer?.ok === false ? answer.error.message : 'the highlight could not be sent')
  }

  async clearHighlight(): Promise<void> {
    await this.link.request('lead:clear-highlight', { channelId: this.channelId, pageUrl: location.href }).catch(() => null)
  }

  private readonly onInput = (event: Event): void => {
    const field = event.target
    // Only what the leader really typed (a follower's page fires synthetic events when filled).
    if (!event.isTrusted || !isFormField(field) || isPrivate(field, this.policy().maskedFields)) return
    if (field instanceof HTMLInputElement && field.type === 'radio' && !field.checked) return
    const selector = selectorFor(field)
    clearTimeout(this.fillTimers.get(selector))
    this.fillTimers.set(
      selector,
      setTimeout(() => {
        this.fillTimers.delete(selector)
        const payload = { channelId: this.channelId, pageUrl: location.href, selector, value: valueOf(field), field: describeField(field) }
        void this.link.request('lead:fill', payload).then(
          (answer) => answer.ok || this.problem(answer.error.message),
          () => {},
        )
      }, FILL_DEBOUNCE_MS),
    )
  }

  private readonly onScroll = (): void => {
    if (!this.policy().scrollAndClicks || this.scrollTimer) return
    this.scrollTimer = setTimeout(() => {
      this.scrollTimer = undefined
      const root = document.documentElement
      const fraction = (offset: number, range: number) => (range > 0 ? Math.min(1, Math.max(0, offset / range)) : 0)
      this.link.notify('lead:scroll', { channelId: this.channelId, pageUrl: location.href, x: fraction(scrollX, root.scrollWidth - innerWidth), y: fraction(scrollY, root.scrollHeight - innerHeight) })
    }, SCROLL_THROTTLE_MS)
  }

  private readonly onClick = (event: MouseEvent): void => {
    if (!event.isTrusted || !this.policy().scrollAndClicks || !(event.target instanceof Element)) return
    if (this.layer.contains(event.target) || event.target.closest('[data-parley]')) return // our own widget
    if (isFormField(event.target) && isPrivate(event.target, this.policy().maskedFields)) return
    this.link.notify('lead:click', { channelId: this.channelId, pageUrl: location.href, selector: selectorFor(event.target) })
  }

  private problem(message: string): void {
    if (this.warned) return
    this.warned = true
    this.layer.note(`Not shared: ${message}`)
    setTimeout(() => (this.warned = false), 5000)
  }
}

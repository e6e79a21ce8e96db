/**
 * How `<parley-agent-console>` gets the agent's attention: toasts (errors and notes that go
 * away by themselves), the request count in the page title, and for each new request a
 * sound, a flash of the request list and, when allowed, a desktop notification.
 * A lit ReactiveController; the console renders `renderToasts()` and styles the toasts.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit'
import type { RequestView } from '../protocol/views.js'
import { AlertSound } from './alert-sound.js'

const TITLE = 'Parley agent'

/** A short note in the corner of the console. */
export interface Toast {
  id: number
  text: string
  kind: 'error' | 'info'
}

/** What the alerts need from the console element. */
export interface AlertsHost extends ReactiveControllerHost {
  /** Where the request list (`<parley-offer-list>`) is rendered. */
  readonly renderRoot: HTMLElement | DocumentFragment
}

export class ConsoleAlerts implements ReactiveController {
  private toasts: Toast[] = []
  private nextToastId = 1
  private readonly sound = new AlertSound()
  /** desktop notifications of offers still ringing, closed when the offer goes */
  private readonly notifications = new Map<string, Notification>()

  /** `offerCount` tells how many requests wait for the agent (shown in the title). */
  constructor(
    private readonly host: AlertsHost,
    private readonly offerCount: () => number,
  ) {
    host.addController(this)
  }

  /** Release the audio and close any notification still shown. */
  hostDisconnected(): void {
    this.sound.close()
    for (const requestId of [...this.notifications.keys()]) this.offerGone(requestId)
  }

  /** A request rings: sound, flash, title count and, when allowed, a desktop notification. */
  announce(request: RequestView): void {
    this.sound.play()
    this.host.updateComplete.then(() => this.host.renderRoot.querySelector('parley-offer-list')?.flash())
    this.updateTitle()
    if ('Notification' in window && Notification.permission === 'granted') {
      try {
        const what = request.kind === 'call' ? 'call' : 'chat'
        const notification = new Notification(request.queue ? `New ${what} request · ${request.queue.name}` : `New ${what} request`, {
          body: `${request.visitor.displayName ?? 'A visitor'}: ${request.question}`.slice(0, 200),
          tag: `parley-offer-${request.id}`,
          silent: true, // the console beeps itself
        })
        notification.onclick = () => {
          window.focus()
          notification.close()
        }
        notification.onclose = () => {
          if (this.notifications.get(request.id) === notification) this.notifications.delete(request.id)
        }
        this.notifications.set(request.id, notification)
      } catch {
        // some browsers only allow notifications from a service worker: the sound and flash remain
      }
    }
  }

  /** The request stopped ringing here: its desktop notification goes too. */
  offerGone(requestId: string): void {
    const notification = this.notifications.get(requestId)
    this.notifications.delete(requestId)
    notification?.close()
    this.updateTitle()
  }

  /** Ask once for permission to show desktop notifications; call it from a user gesture. */
  askPermission(): void {
    if ('Notification' in window && Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined)
  }

  /** Show the number of waiting requests in the page title. */
  updateTitle(): void {
    const count = this.offerCount()
    document.title = count > 0 ? `(${count}) ${TITLE}` : TITLE
  }

  /** Show a note that goes away by itself (errors stay longer); at most four at a time. */
  toast(text: string, kind: Toast['kind'] = 'info'): void {
    const id = this.nextToastId++
    this.toasts = [...this.toasts.slice(-3), { id, text, kind }]
    this.host.requestUpdate()
    setTimeout(() => this.dismiss(id), kind === 'error' ? 8000 : 5000)
  }

  /** The toasts, in a fixed corner of the page. */
  renderToasts() {
    if (this.toasts.length === 0) return nothing
    return html`<div class="toasts" aria-live="assertive">
      ${this.toasts.map(
        (toast) => html`<div class="toast ${toast.kind}" data-test="toast" role=${toast.kind === 'error' ? 'alert' : 'status'}>
          <span>${toast.text}</span><button type="button" aria-label="Dismiss" @click=${() => this.dismiss(toast.id)}>×</button>
        </div>`,
      )}
    </div>`
  }

  private dismiss(id: number): void {
    this.toasts = this.toasts.filter((toast) => toast.id !== id)
    this.host.requestUpdate()
  }
}

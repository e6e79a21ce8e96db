/** The event admin editors fire after a successful save, so the shell reloads the data. */

/** The sections of the routing admin. */
export type AdminSection = 'skills' | 'agents' | 'queues' | 'rules' | 'settings'

/** Detail of `routing-changed`: which section saved something. */
export interface RoutingChangedDetail {
  section: AdminSection
}

/** Fires `routing-changed` (bubbles, composed) from an editor. */
export function fireRoutingChanged(from: HTMLElement, section: AdminSection): void {
  from.dispatchEvent(new CustomEvent<RoutingChangedDetail>('routing-changed', { bubbles: true, composed: true, detail: { section } }))
}

declare global {
  interface HTMLElementEventMap {
    'routing-changed': CustomEvent<RoutingChangedDetail>
  }
}

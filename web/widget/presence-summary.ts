/**
 * How the widget sums up presence for visitors, in one place for the loader's button and the
 * chat panel (the loader bundles this tiny module; keep it free of imports with a runtime cost).
 */
import type { PresenceView, WaitEstimateView } from '../protocol/views.js'

/** What the button's availability line shows (closed union). */
export type PresenceState = 'available' | 'waiting' | 'offline'

export interface PresenceSummary {
  state: PresenceState
  text: string
}

/** Whole minutes of a wait, at least 1. */
export const minutes = (seconds: number): number => Math.max(1, Math.round(seconds / 60))

/**
 * The tenant's availability in a few words. Offline when nobody is logged in, or when nobody
 * logged in staffs a public queue (all on a break); "about N min" from the best public queue.
 */
export function summarize(view: PresenceView): PresenceSummary {
  let best = Infinity
  for (const queue of view.queues) if (queue.isPublic && queue.estimate) best = Math.min(best, queue.estimate.seconds)
  if (!view.agentsOnline || (!view.agentsAvailable && best == Infinity)) return { state: 'offline', text: "Offline — leave a question, we'll get back to you" }
  // NOTE: a tenant without public queues has no estimate at all: free agents mean available.
  if (view.agentsAvailable && (best < 60 || best == Infinity)) return { state: 'available', text: 'Agents available' }
  return { state: 'waiting', text: `About ${minutes(best)} min wait` }
}

/** A topic chip's suffix: "now", "~3 min" or "offline"; empty without presence. */
export function topicWait(estimate: WaitEstimateView | null | undefined): string {
  if (estimate === undefined) return ''
  if (estimate === null) return 'offline'
  return estimate.seconds < 60 ? 'now' : `~${minutes(estimate.seconds)} min`
}

/** The routing log's text form: events as JSON, skill maps as plain objects. */
import type { RoutingEvent } from './router.js'

export function serializeRoutingEvent(event: RoutingEvent): string {
  return JSON.stringify(event, (_key, value: unknown) => (value instanceof Map ? Object.fromEntries(value) : value))
}

export function parseRoutingEvent(payload: string): RoutingEvent {
  const event = JSON.parse(payload) as RoutingEvent
  if (event.type === 'agent-upserted') (event.agent as { skills: unknown }).skills = new Map(Object.entries(event.agent.skills as unknown as Record<string, number>))
  return event
}

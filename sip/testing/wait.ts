/**
 * Tests wait on conditions, never on fixed sleeps: poll a predicate, or wait for an event,
 * with a deadline that turns into a readable failure.
 */
import type { EventEmitter } from 'node:events'

export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** The next emission of `event` (its first argument). */
export function nextEvent<T = unknown>(emitter: EventEmitter | { once(event: string, listener: (value: T) => void): unknown }, event: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`)), timeoutMs)
    ;(emitter as { once(event: string, listener: (value: T) => void): unknown }).once(event, (value: T) => {
      clearTimeout(timer)
      resolve(value)
    })
  })
}

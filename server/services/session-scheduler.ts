/**
 * Booked sessions ("call me at 15:30"): a reminder shortly before, then the request joins
 * the queue at its time (and is routed like any other, a little ahead of walk-ins).
 */
import type { Logger } from '../log.js'
import type { QueueService, WaitingRequest } from './queue-service.js'

const REMINDER_BEFORE_MS = 5 * 60_000

export class SessionScheduler {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>[]>()

  constructor(
    private readonly queue: QueueService,
    private readonly log: Logger,
  ) {
    queue.onScheduled = (request) => this.arm(request)
  }

  arm(request: WaitingRequest): void {
    this.disarm(request.id)
    if (!request.scheduledFor) return
    const now = Date.now()
    const at = request.scheduledFor.getTime()
    const timers: ReturnType<typeof setTimeout>[] = []
    const remindAt = at - REMINDER_BEFORE_MS
    if (remindAt > now) timers.push(setTimeout(() => this.queue.remind(request.id), remindAt - now))
    timers.push(
      setTimeout(() => {
        this.timers.delete(request.id)
        this.queue.activateScheduled(request.id).catch((error: unknown) => this.log.error({ err: error, requestId: request.id }, 'could not start a booked session'))
      }, Math.max(0, at - now)),
    )
    for (const timer of timers) timer.unref()
    this.timers.set(request.id, timers)
  }

  disarm(requestId: string): void {
    for (const timer of this.timers.get(requestId) ?? []) clearTimeout(timer)
    this.timers.delete(requestId)
  }

  close(): void {
    for (const id of [...this.timers.keys()]) this.disarm(id)
  }
}

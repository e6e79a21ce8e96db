/**
 * Limits and protection of one process: the rate limiter (in memory here; a shared store for
 * several nodes is passed in), the traffic policy over it, and backpressure on slow sockets.
 * app.ts creates it from the config, hands `traffic` to the HTTP app and guards the namespaces.
 */
import { Gauge, type Registry } from 'prom-client'
import type { Namespace } from 'socket.io'
import type { Config } from './config.js'
import type { Logger } from './log.js'
import { MemoryRateLimiter, type RateLimiter } from './services/rate-limiter.js'
import { TrafficPolicy } from './services/traffic-policy.js'
import { proxyTrust } from './realtime/client-address.js'
import { guardNamespace } from './realtime/socket-guard.js'
import { SocketPressure } from './realtime/socket-pressure.js'

type AnyNamespace = Namespace<any, any, any, any>

export interface Protection {
  limiter: RateLimiter
  traffic: TrafficPolicy
  pressure: SocketPressure
  /** the guarded namespaces, once guard() ran (diagnostics and tests: their sockets and handlers) */
  namespaces: { visitors: AnyNamespace; agents: AnyNamespace } | null
  /** Rate-limit and watch the sockets of both namespaces (call before their own set-up). */
  guard(visitors: AnyNamespace, agents: AnyNamespace): void
  /** Refusals and slow sockets as Prometheus gauges. */
  registerMetrics(registry: Registry): void
  /** Idempotent. */
  close(): Promise<void>
}

export function createProtection(config: Config, log: Logger, limiter: RateLimiter = new MemoryRateLimiter()): Protection {
  const traffic = new TrafficPolicy(limiter, config)
  const pressure = new SocketPressure(
    {
      dropAbovePackets: config.SLOW_SOCKET_DROP_PACKETS,
      closeAbovePackets: config.SLOW_SOCKET_CLOSE_PACKETS,
      closeAboveBytes: config.SLOW_SOCKET_CLOSE_BYTES,
      closeAfterMs: config.SLOW_SOCKET_CLOSE_MS,
    },
    log.child({ part: 'socket-pressure' }),
  )
  let closed: Promise<void> | null = null
  const protection: Protection = {
    limiter,
    traffic,
    pressure,
    namespaces: null,
    guard(visitors, agents) {
      protection.namespaces = { visitors, agents }
      const socketLog = log.child({ part: 'socket-guard' })
      const trustedProxy = proxyTrust(config.TRUST_PROXY)
      guardNamespace(visitors, { traffic, pressure, log: socketLog, limitHandshakes: true, trustedProxy })
      guardNamespace(agents, { traffic, pressure, log: socketLog, limitHandshakes: false, trustedProxy })
    },
    registerMetrics(registry) {
      new Gauge({
        name: 'parley_rate_limited_total',
        help: 'Requests and socket events refused by a rate limit since start, by limit',
        labelNames: ['limit'] as const,
        registers: [registry],
        collect() {
          this.reset()
          for (const [limit, count] of traffic.refused) this.set({ limit }, count)
        },
      })
      new Gauge({
        name: 'parley_slow_sockets',
        help: 'Sockets whose send buffer is backed up now (droppable signals skipped), and cut since start',
        labelNames: ['state'] as const,
        registers: [registry],
        collect() {
          const stats = pressure.stats()
          this.set({ state: 'congested' }, stats.congested)
          this.set({ state: 'cut_total' }, stats.cut)
        },
      })
    },
    close() {
      closed ??= (async () => {
        pressure.close()
        await limiter.close()
      })()
      return closed
    },
  }
  return protection
}

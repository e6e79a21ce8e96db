/**
 * Which rate limits apply to what: widget HTTP requests, visitor handshakes and new requests
 * per client address and per tenant; socket events per socket; channel writes per member and
 * per tenant. Every refusal is a RateLimitedError naming the limit and when to retry.
 */
import type { Config } from '../config.js'
import { RateLimitedError } from '../errors.js'
import { perMinute, type RateLimit, type RateLimiter } from './rate-limiter.js'

export type TrafficConfig = Pick<
  Config,
  | 'RATE_LIMITS'
  | 'WIDGET_RATE_PER_IP'
  | 'WIDGET_RATE_PER_TENANT'
  | 'CONNECT_RATE_PER_IP'
  | 'CONNECT_RATE_PER_TENANT'
  | 'REQUEST_RATE_PER_IP'
  | 'REQUEST_RATE_PER_TENANT'
  | 'SOCKET_EVENT_RATE'
  | 'MESSAGE_RATE_PER_MEMBER'
  | 'MESSAGE_RATE_PER_TENANT'
>

interface Check {
  key: string
  limit: RateLimit
  /** what was too much, for the error message */
  what: string
}

export class TrafficPolicy {
  /** refusals per limit since start (metrics, tests) */
  readonly refused = new Map<string, number>()
  private readonly limits: Record<'widgetIp' | 'widgetTenant' | 'connectIp' | 'connectTenant' | 'requestIp' | 'requestTenant' | 'socket' | 'member' | 'tenantWrites', RateLimit>

  constructor(
    private readonly limiter: RateLimiter,
    private readonly config: TrafficConfig,
  ) {
    this.limits = {
      widgetIp: perMinute(config.WIDGET_RATE_PER_IP),
      widgetTenant: perMinute(config.WIDGET_RATE_PER_TENANT),
      connectIp: perMinute(config.CONNECT_RATE_PER_IP),
      connectTenant: perMinute(config.CONNECT_RATE_PER_TENANT),
      requestIp: perMinute(config.REQUEST_RATE_PER_IP),
      requestTenant: perMinute(config.REQUEST_RATE_PER_TENANT),
      socket: perMinute(config.SOCKET_EVENT_RATE),
      member: perMinute(config.MESSAGE_RATE_PER_MEMBER),
      tenantWrites: perMinute(config.MESSAGE_RATE_PER_TENANT),
    }
  }

  /** An HTTP request to /api/widget/... (`tenant`: the slug in the path, when it looks like one). */
  widgetRequest(ip: string, tenant: string | null): Promise<void> {
    return this.check([
      { key: `widget:ip:${ip}`, limit: this.limits.widgetIp, what: `widget requests from your address (${this.config.WIDGET_RATE_PER_IP} a minute)` },
      ...(tenant ? [{ key: `widget:tenant:${tenant}`, limit: this.limits.widgetTenant, what: `widget requests for this site (${this.config.WIDGET_RATE_PER_TENANT} a minute)` }] : []),
    ])
  }

  /** A /visitor socket handshake. */
  visitorConnect(ip: string, tenant: string | null): Promise<void> {
    return this.check([
      { key: `connect:ip:${ip}`, limit: this.limits.connectIp, what: `connections from your address (${this.config.CONNECT_RATE_PER_IP} a minute)` },
      ...(tenant ? [{ key: `connect:tenant:${tenant}`, limit: this.limits.connectTenant, what: `connections to this site (${this.config.CONNECT_RATE_PER_TENANT} a minute)` }] : []),
    ])
  }

  /** A visitor's request:create. */
  requestCreate(ip: string, tenantId: string): Promise<void> {
    return this.check([
      { key: `request:ip:${ip}`, limit: this.limits.requestIp, what: `new requests from your address (${this.config.REQUEST_RATE_PER_IP} a minute)` },
      { key: `request:tenant:${tenantId}`, limit: this.limits.requestTenant, what: `new requests for this site (${this.config.REQUEST_RATE_PER_TENANT} a minute)` },
    ])
  }

  /** Any inbound event on one socket. */
  socketEvent(socketId: string): Promise<void> {
    return this.check([{ key: `socket:${socketId}`, limit: this.limits.socket, what: `events on this connection (${this.config.SOCKET_EVENT_RATE} a minute)` }])
  }

  /** A write to a channel's log by a visitor or agent (`member`: `visitor:<id>` or `agent:<id>`). */
  channelWrite(member: string, tenantId: string): Promise<void> {
    return this.check([
      { key: `member:${member}`, limit: this.limits.member, what: `messages (${this.config.MESSAGE_RATE_PER_MEMBER} a minute)` },
      { key: `writes:tenant:${tenantId}`, limit: this.limits.tenantWrites, what: `messages on this site (${this.config.MESSAGE_RATE_PER_TENANT} a minute)` },
    ])
  }

  private async check(checks: readonly Check[]): Promise<void> {
    if (!this.config.RATE_LIMITS) return
    for (const { key, limit, what } of checks) {
      const decision = await this.limiter.take(key, limit)
      if (decision.allowed) continue
      // the limit's name: the key without the address or id (`widget:ip`, `socket`, ...)
      const name = key.split(':').slice(0, key.startsWith('socket:') || key.startsWith('member:') ? 1 : 2).join(':')
      this.refused.set(name, (this.refused.get(name) ?? 0) + 1)
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000))
      throw new RateLimitedError(`too many ${what}: try again in ${seconds} s`, decision.retryAfterMs)
    }
  }
}

/**
 * Prometheus metrics (prom-client), one registry per Parley process. Gauges of live state
 * are read from the services at scrape time; counters and histograms are fed by the
 * channel-event tap, the HTTP middleware, the webhook sender and the media/SIP parts.
 * `sip` is the seam the SIP bridge increments; it is registered here so dashboards exist
 * before the first phone call.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** What the scrape-time gauges read (the running services). */
export interface LiveFigures {
  /** per tenant slug and queue slug: waiting requests and the longest wait */
  queues(): Promise<{ tenant: string; queue: string; waiting: number; longestWaitSec: number }[]>
  openChannels(): Promise<{ tenant: string; count: number }[]>
  activeCalls(): Promise<number>
  agentsByState(): Promise<{ tenant: string; state: string; count: number }[]>
  mediaWorkers(): Promise<number>
  webhookBacklog(): Promise<number>
}

export class ParleyMetrics {
  readonly registry = new Registry()

  readonly httpRequests = new Counter({ name: 'parley_http_requests_total', help: 'HTTP requests by route group, method and status class', labelNames: ['group', 'method', 'status'] as const, registers: [this.registry] })
  readonly httpDuration = new Histogram({ name: 'parley_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['group'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry] })
  readonly channelEvents = new Counter({ name: 'parley_channel_events_total', help: 'Channel events committed to the log, by type', labelNames: ['type'] as const, registers: [this.registry] })
  readonly channelsOpened = new Counter({ name: 'parley_channels_opened_total', help: 'Channels opened (requests accepted)', registers: [this.registry] })
  readonly channelsEnded = new Counter({ name: 'parley_channels_ended_total', help: 'Channels ended, by reason', labelNames: ['reason'] as const, registers: [this.registry] })
  readonly queueWait = new Histogram({ name: 'parley_queue_wait_seconds', help: 'Time from entering the queue to being accepted', buckets: [5, 10, 20, 30, 60, 120, 300, 600, 1800], registers: [this.registry] })
  readonly requestsCreated = new Counter({ name: 'parley_requests_total', help: 'Visitor requests that entered Parley, by kind', labelNames: ['kind'] as const, registers: [this.registry] })
  readonly callsStarted = new Counter({ name: 'parley_media_calls_started_total', help: 'Voice/video calls started, by kind', labelNames: ['kind'] as const, registers: [this.registry] })
  readonly callsEnded = new Counter({ name: 'parley_media_calls_ended_total', help: 'Voice/video calls ended, by reason', labelNames: ['reason'] as const, registers: [this.registry] })
  readonly callSeconds = new Counter({ name: 'parley_media_call_seconds_total', help: 'Seconds of answered calls that ended', registers: [this.registry] })
  readonly mediaFailures = new Counter({ name: 'parley_media_failures_total', help: 'Media failures reported in channels, by reason', labelNames: ['reason'] as const, registers: [this.registry] })
  readonly webhookAttempts = new Counter({ name: 'parley_webhook_attempts_total', help: 'Webhook delivery attempts, by event and outcome', labelNames: ['event', 'outcome'] as const, registers: [this.registry] })
  readonly webhookDuration = new Histogram({ name: 'parley_webhook_attempt_duration_seconds', help: 'Webhook attempt duration', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry] })
  readonly apiRequests = new Counter({ name: 'parley_public_api_requests_total', help: 'Public API requests, by status class', labelNames: ['status'] as const, registers: [this.registry] })

  /** The SIP bridge's counters (incremented by sip/ when it is wired into channels). */
  readonly sip = {
    calls: new Counter({ name: 'parley_sip_calls_total', help: 'SIP calls, by direction and result', labelNames: ['direction', 'result'] as const, registers: [this.registry] }),
    activeCalls: new Gauge({ name: 'parley_sip_active_calls', help: 'SIP calls in progress', registers: [this.registry] }),
    registrations: new Counter({ name: 'parley_sip_registrations_total', help: 'SIP trunk registrations, by result', labelNames: ['result'] as const, registers: [this.registry] }),
    messages: new Counter({ name: 'parley_sip_messages_total', help: 'SIP messages, by direction and method', labelNames: ['direction', 'method'] as const, registers: [this.registry] }),
    pstnSeconds: new Counter({ name: 'parley_sip_pstn_seconds_total', help: 'Seconds of PSTN calls that ended', registers: [this.registry] }),
  }

  constructor(live: LiveFigures) {
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' })
    new Gauge({
      name: 'parley_queue_waiting',
      help: 'Requests waiting in a queue now',
      labelNames: ['tenant', 'queue'] as const,
      registers: [this.registry],
      async collect() {
        const rows = await live.queues()
        this.reset()
        for (const q of rows) this.set({ tenant: q.tenant, queue: q.queue }, q.waiting)
      },
    })
    new Gauge({
      name: 'parley_queue_longest_wait_seconds',
      help: 'Longest current wait in a queue',
      labelNames: ['tenant', 'queue'] as const,
      registers: [this.registry],
      async collect() {
        const rows = await live.queues()
        this.reset()
        for (const q of rows) this.set({ tenant: q.tenant, queue: q.queue }, Math.round(q.longestWaitSec))
      },
    })
    new Gauge({
      name: 'parley_channels_active',
      help: 'Open channels',
      labelNames: ['tenant'] as const,
      registers: [this.registry],
      async collect() {
        const rows = await live.openChannels()
        this.reset()
        for (const c of rows) this.set({ tenant: c.tenant }, c.count)
      },
    })
    new Gauge({
      name: 'parley_agents',
      help: 'Agents by state (loaded agents)',
      labelNames: ['tenant', 'state'] as const,
      registers: [this.registry],
      async collect() {
        const rows = await live.agentsByState()
        this.reset()
        for (const a of rows) this.set({ tenant: a.tenant, state: a.state }, a.count)
      },
    })
    new Gauge({ name: 'parley_media_calls_active', help: 'Voice/video calls ringing or active', registers: [this.registry], async collect() { this.set(await live.activeCalls()) } })
    new Gauge({ name: 'parley_media_workers', help: 'mediasoup workers running', registers: [this.registry], async collect() { this.set(await live.mediaWorkers()) } })
    new Gauge({
      name: 'parley_webhook_backlog',
      help: 'Webhook deliveries waiting to be sent',
      registers: [this.registry],
      async collect() {
        this.set(await live.webhookBacklog())
      },
    })
  }

  async text(): Promise<string> {
    return this.registry.metrics()
  }
}

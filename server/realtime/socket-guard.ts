/**
 * Rate limits and backpressure on the socket namespaces: visitor handshakes per address and
 * tenant; every inbound event per socket; channel writes per member and tenant; new requests
 * per address and tenant. A refused event gets a `rate_limited` error ack (or `error` event)
 * with `retryAfterMs` and never reaches its handler. Install before the namespace's own
 * middleware, so floods are refused before any database work.
 */
import type { Namespace, Socket } from 'socket.io'
import type { ErrorBody } from '../../web/protocol/events.js'
import { toErrorBody } from '../errors.js'
import type { Logger } from '../log.js'
import type { TrafficPolicy } from '../services/traffic-policy.js'
import { clientAddress } from './client-address.js'
import { connectError } from './handle.js'
import type { SocketPressure } from './socket-pressure.js'

type AnySocket = Socket<any, any, any, any>
type AnyNamespace = Namespace<any, any, any, any>

/** Events that change something (a channel's log, a request, a call, an agent's state): counted per member and per tenant. */
export const WRITE_EVENTS = [
  'request:create',
  'request:cancel',
  'request:schedule',
  'request:accept',
  'request:decline',
  'agent:set-state',
  'channel:join',
  'channel:leave',
  'channel:invite',
  'chat:send',
  'page:viewed',
  'lead:navigate',
  'lead:pass',
  'lead:highlight',
  'lead:clear-highlight',
  'lead:fill',
  'lead:scroll',
  'lead:click',
  'lead:companion',
  'supervisor:monitor',
  'supervisor:barge',
  'call:request',
  'call:answer',
  'call:hangup',
  'call:record',
  'phone:set',
  'phone:call',
  'phone:hangup',
  'phone:hold',
  'phone:dtmf',
  'phone:transfer',
] as const

/** Reads and signals: only the per-socket limit applies (typing is throttled by clients, media signalling comes in short bursts). */
export const SIGNAL_EVENTS = [
  'channel:resume',
  'channel:ack',
  'chat:typing',
  'supervisor:watch',
  'phone:get',
  'media:join',
  'media:setup',
  'media:connect',
  'media:produce',
  'media:producer',
  'media:consumer',
  'media:restart-ice',
] as const

const writes = new Set<string>(WRITE_EVENTS)

/** Refusals in a row after which a client that ignores the retry hints is disconnected. */
const MAX_STRIKES = 200

/** Who a socket is, read from what the namespace's handshake put in `socket.data`. */
function identityOf(data: unknown): { member: string | null; tenantId: string | null } {
  const d = (data ?? {}) as Record<string, any>
  const tenantId = d.tenantId ?? d.tenant?.id ?? d.agent?.tenantId ?? d.companion?.tenantId ?? null
  const visitorId = d.visitorId ?? d.visitor?.id
  const agentId = d.agentId ?? d.agent?.id ?? d.companion?.agentId ?? d.companion?.agent?.id
  const member = visitorId ? `visitor:${visitorId}` : agentId ? `agent:${agentId}` : null
  return { member, tenantId: typeof tenantId === 'string' ? tenantId : null }
}


export interface SocketGuardOptions {
  traffic: TrafficPolicy
  pressure: SocketPressure
  log: Logger
  /** limit handshakes per address and tenant (the /visitor namespace; agents log in first) */
  limitHandshakes: boolean
  /** proxies whose X-Forwarded-For is believed (TRUST_PROXY; loopback by default) */
  trustedProxy?: (address: string) => boolean
}

export function guardNamespace(nsp: AnyNamespace, options: SocketGuardOptions): void {
  const { traffic, pressure, log } = options
  const addressOf = (socket: AnySocket) => clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], options.trustedProxy)
  if (options.limitHandshakes) {
    nsp.use((socket, next) => {
      const tenant = (socket.handshake.auth as { tenant?: unknown } | undefined)?.tenant
      const slug = typeof tenant === 'string' && /^[a-z0-9-]{1,64}$/.test(tenant) ? tenant : null
      traffic.visitorConnect(addressOf(socket), slug).then(
        () => next(),
        (error: unknown) => next(connectError(error, log)),
      )
    })
  }

  nsp.on('connection', (socket: AnySocket) => {
    pressure.watch(socket)
    const address = addressOf(socket)
    let strikes = 0
    socket.use((packet, next) => {
      const [event, ...args] = packet as [string, ...unknown[]]
      const ack = typeof args.at(-1) === 'function' ? (args.at(-1) as (result: unknown) => void) : null
      check(socket, address, event).then(
        () => {
          strikes = 0
          next()
        },
        (error: unknown) => {
          const body: ErrorBody = toErrorBody(error)
          if (ack) ack({ ok: false, error: body })
          else socket.emit('error', { ...body, message: `${event}: ${body.message}` })
          if (++strikes >= MAX_STRIKES) {
            log.warn({ socket: socket.id, address, event }, 'disconnecting a socket that keeps ignoring rate limits')
            socket.disconnect(true)
          }
        },
      )
    })
  })

  async function check(socket: AnySocket, address: string, event: string): Promise<void> {
    await traffic.socketEvent(socket.id)
    if (!writes.has(event)) return
    // NOTE: read per event: the namespace's handshake sets socket.data after this guard's middleware ran.
    const { member, tenantId } = identityOf(socket.data)
    if (!tenantId) return
    if (event === 'request:create') await traffic.requestCreate(address, tenantId)
    if (member) await traffic.channelWrite(member, tenantId)
  }
}

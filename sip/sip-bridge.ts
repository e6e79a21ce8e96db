/**
 * The seam the server uses for everything telephone: `SipBridge` (the interface the server
 * codes against, so tests and a future drachtio/other backend can stand in) and its sip.js
 * implementation, which owns one Trunk (UserAgent + transport) per configured trunk and one
 * presence inbox shared by all of them.
 *
 * Inputs are validated here, once (zod); bad input throws SipValidationError naming the field.
 * Inbound SIP is validated by each trunk's gate and answered with SIP statuses.
 */
import { EventEmitter } from 'node:events'
import type { Logger } from 'pino'
import { pino } from 'pino'
import type { Call, DialogSnapshot } from './call.js'
import { InvalidStateError, UnknownTrunkError } from './errors.js'
import type { IncomingCall } from './incoming-call.js'
import { PresenceInbox, type PresenceAuthorizer, type PresenceEvent } from './presence-inbox.js'
import { defaultSipPort, parseInput, placeCallSchema, trunkListSchema, type ParsedTrunkConfig, type PlaceCallInput, type TrunkConfigInput } from './schemas.js'
import { installSipjsGuards } from './sipjs-guards.js'
import { Trunk, type PingResult } from './trunk.js'

export type { Call, CallEnded, CallEndReason, CallEvents, CallState, DialogSnapshot } from './call.js'
export type { IncomingCall } from './incoming-call.js'
export type { PresenceAuthDecision, PresenceAuthorizer, PresenceAuthRequest, PresenceEvent } from './presence-inbox.js'
export type { RemoteRtp, RtpIo } from './rtp-io.js'
export type { PlaceCallInput, TrunkConfigInput } from './schemas.js'
export type { PingResult } from './trunk.js'

export interface SipBridgeEvents {
  /** a PUBLISH changed an entity's presence (or a publication was removed / expired) */
  presence: [PresenceEvent]
  /** OPTIONS keep-alive (optionsPingSec) saw a trunk go up or down */
  'trunk-reachability': [{ trunk: string; reachable: boolean; sipStatus?: number }]
  'trunk-registration': [{ trunk: string; registered: boolean }]
}

/** What the server does with an inbound call: ring(), answer({ rtp }) or reject(status). */
export type IncomingCallHandler = (call: IncomingCall) => void | Promise<void>

export interface SipBridgeOptions {
  trunks: TrunkConfigInput[]
  presence?: {
    /** who may publish presence for whom; default: nobody */
    authorize: PresenceAuthorizer
    /** digest realm for PUBLISH challenges (default "parley") */
    realm?: string
  }
  log?: Logger
  /** RFC 3261 T1 in ms; tests may shorten it */
  t1Ms?: number
}

export interface SipBridge {
  /** Call a number through a trunk; events on the returned Call (ringing, answered, dtmf, ended). */
  placeCall(input: PlaceCallInput): Call
  /** The one handler for INVITEs to the trunks' DIDs; returns the unsubscribe function. */
  onIncomingCall(handler: IncomingCallHandler): () => void
  /** OPTIONS ping to a trunk. */
  ping(trunk: string): Promise<PingResult>
  /** Where a trunk listens (for configuring the provider, and for tests). */
  address(trunk: string): { host: string; port: number; transport: 'udp' | 'tcp' | 'tls' }
  /** Live calls (all trunks). */
  calls(): readonly Call[]
  /**
   * Replace the trunk set: trunks that are gone or changed are closed (their calls get BYE),
   * new and changed ones start. A trunk that cannot start is reported, the others run.
   */
  updateTrunks(trunks: TrunkConfigInput[]): Promise<{ failed: { trunk: string; error: Error }[] }>
  /** Ids of the running trunks. */
  trunkIds(): string[]
  /** Registration and keep-alive state of a trunk. */
  status(trunk: string): { address: { host: string; port: number; transport: 'udp' | 'tcp' | 'tls' }; registered: boolean; reachable: boolean | undefined }
  /** BYE for a dialog a previous process held (see Call.dialogSnapshot). */
  byeDialog(trunk: string, dialog: DialogSnapshot): Promise<{ sipStatus: number }>
  on<K extends keyof SipBridgeEvents>(event: K, listener: (...args: SipBridgeEvents[K]) => void): this
  off<K extends keyof SipBridgeEvents>(event: K, listener: (...args: SipBridgeEvents[K]) => void): this
  /** BYE every live dialog, unregister, close the transports. Idempotent. */
  close(): Promise<void>
}

/** Start a bridge: binds every trunk's port; rejects if one cannot listen (nothing left open). */
export async function createSipBridge(options: SipBridgeOptions): Promise<SipBridge> {
  const trunks = parseInput('SIP trunks', trunkListSchema, options.trunks)
  const bridge = new SipJsBridge(options, trunks)
  await bridge.start()
  return bridge
}

/** A trunk's settings with its port resolved (what Trunk.config holds, compared on updates). */
function resolved(config: ParsedTrunkConfig): ParsedTrunkConfig & { port: number } {
  return { ...config, port: config.port ?? defaultSipPort(config.transport) }
}

class SipJsBridge extends EventEmitter<SipBridgeEvents> implements SipBridge {
  private readonly log: Logger
  private readonly presence: PresenceInbox
  private readonly trunks = new Map<string, Trunk>()
  private handler: IncomingCallHandler | undefined
  private closing: Promise<void> | undefined
  private updating: Promise<void> = Promise.resolve()

  constructor(
    private readonly options: SipBridgeOptions,
    private readonly configs: ParsedTrunkConfig[],
  ) {
    super()
    this.log = options.log ?? pino({ level: 'silent' })
    installSipjsGuards(this.log)
    this.presence = new PresenceInbox({ authorize: options.presence?.authorize, realm: options.presence?.realm, log: this.log })
    this.presence.on('presence', (event) => this.emit('presence', event))
  }

  async start(): Promise<void> {
    try {
      for (const config of this.configs) await this.startTrunk(config)
    } catch (error) {
      await this.close()
      throw error
    }
  }

  private async startTrunk(config: ParsedTrunkConfig): Promise<void> {
    const trunk = await Trunk.start(resolved(config), { presence: this.presence, log: this.log, t1Ms: this.options.t1Ms })
    trunk.on('incoming-call', (call) => this.dispatch(call))
    trunk.on('reachability', (status) => this.emit('trunk-reachability', { trunk: trunk.id, ...status }))
    trunk.on('registration', (status) => this.emit('trunk-registration', { trunk: trunk.id, ...status }))
    this.trunks.set(trunk.id, trunk)
  }

  updateTrunks(trunks: TrunkConfigInput[]): Promise<{ failed: { trunk: string; error: Error }[] }> {
    if (this.closing) return Promise.reject(new InvalidStateError('SIP bridge is closed'))
    const configs = parseInput('SIP trunks', trunkListSchema, trunks)
    // one update at a time: a trunk must be closed (its port free) before its successor binds
    const run = this.updating.then(() => this.applyTrunks(configs))
    this.updating = run.then(
      () => undefined,
      () => undefined,
    )
    return run
  }

  private async applyTrunks(configs: ParsedTrunkConfig[]): Promise<{ failed: { trunk: string; error: Error }[] }> {
    const wanted = new Map(configs.map((config) => [config.id, JSON.stringify(resolved(config))]))
    const stale = [...this.trunks.values()].filter((trunk) => wanted.get(trunk.id) !== JSON.stringify(trunk.config))
    for (const trunk of stale) this.trunks.delete(trunk.id)
    await Promise.all(stale.map((trunk) => trunk.close()))
    const failed: { trunk: string; error: Error }[] = []
    for (const config of configs) {
      if (this.trunks.has(config.id) || this.closing) continue
      try {
        await this.startTrunk(config)
      } catch (error) {
        failed.push({ trunk: config.id, error: error instanceof Error ? error : new Error(String(error)) })
      }
    }
    return { failed }
  }

  trunkIds(): string[] {
    return [...this.trunks.keys()]
  }

  status(id: string): ReturnType<SipBridge['status']> {
    const trunk = this.trunk(id)
    return { address: trunk.address, registered: trunk.registered, reachable: trunk.reachability }
  }

  byeDialog(trunk: string, dialog: DialogSnapshot): Promise<{ sipStatus: number }> {
    return this.trunk(trunk).byeDialog(dialog)
  }

  placeCall(input: PlaceCallInput): Call {
    const parsed = parseInput('call', placeCallSchema, input)
    const trunk = this.trunk(parsed.trunk)
    return trunk.placeCall({
      to: parsed.to,
      from: parsed.from ?? trunk.config.callerId,
      displayName: parsed.displayName,
      rtp: parsed.rtp,
      ringTimeoutSec: parsed.ringTimeoutSec ?? trunk.config.ringTimeoutSec,
    })
  }

  onIncomingCall(handler: IncomingCallHandler): () => void {
    this.handler = handler
    return () => {
      if (this.handler === handler) this.handler = undefined
    }
  }

  ping(trunk: string): Promise<PingResult> {
    return this.trunk(trunk).ping()
  }

  address(trunk: string): { host: string; port: number; transport: 'udp' | 'tcp' | 'tls' } {
    return this.trunk(trunk).address
  }

  calls(): readonly Call[] {
    return [...this.trunks.values()].flatMap((trunk) => trunk.calls)
  }

  /** The Trunk object (tests and diagnostics). */
  trunk(id: string): Trunk {
    if (this.closing) throw new InvalidStateError('SIP bridge is closed')
    const trunk = this.trunks.get(id)
    if (!trunk) throw new UnknownTrunkError(id)
    return trunk
  }

  private dispatch(call: IncomingCall): void {
    const handler = this.handler
    if (!handler) {
      void call.reject(480).catch(() => undefined)
      return
    }
    Promise.resolve()
      .then(() => handler(call))
      .catch((error: unknown) => {
        this.log.error({ err: error, call: call.id }, 'sip: incoming call handler failed')
        if (call.state === 'new' || call.state === 'ringing') void call.reject(500).catch(() => undefined)
      })
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.trunks.values()].map((trunk) => trunk.close()))
      this.presence.close()
      this.handler = undefined
      this.removeAllListeners()
    })()
    return this.closing
  }
}

/**
 * One SIP trunk: one sip.js UserAgent on its own transport and port, the inbound gate in front
 * of it, optional registration and OPTIONS keep-alive, and the calls that go through it.
 *
 * sip.js pitfalls handled here (found while prototyping):
 * - Contact carries our real port and transport (sip.js never writes a port), and viaHost is
 *   the announced IP, so in-dialog requests and responses come back to this socket;
 * - forceRport so responses come back to our source port through NAT;
 * - no automatic 180: the server's handler decides whether and when an inbound call rings;
 * - one media handler per call, built from the RTP endpoint the server gives for that call.
 */
import { EventEmitter } from 'node:events'
import dns from 'node:dns/promises'
import { isIP } from 'node:net'
import type { Logger } from 'pino'
import { Grammar, Inviter, Registerer, RegistererState, UserAgent, type Invitation, type Session } from 'sip.js'
import type { Call, DialogSnapshot } from './call.js'
import { InvalidStateError, SipRequestFailedError, SipTimeoutError } from './errors.js'
import { IncomingCall } from './incoming-call.js'
import { didDigits, InboundGate } from './inbound-gate.js'
import { OutboundCall } from './outbound-call.js'
import { PlainRtpSdh, type PlainRtpSdhConfig } from './plain-rtp-sdh.js'
import type { PresenceInbox } from './presence-inbox.js'
import type { PlaceCallInput, RtpEndpoint, TrunkConfig } from './schemas.js'
import type { SipTransport, SipTransportOptions } from './sip-transport.js'
import { TcpTransport } from './tcp-transport.js'
import { TlsTransport } from './tls-transport.js'
import { UdpTransport } from './udp-transport.js'

/** User part of our Contact URI; in-dialog requests are addressed to it. */
export const CONTACT_USER = 'parley'
const CLOSE_STEP_MS = 3000

export interface PingResult {
  sipStatus: number
  rttMs: number
}

export interface TrunkEvents {
  'incoming-call': [IncomingCall]
  /** OPTIONS keep-alive result changed */
  reachability: [{ reachable: boolean; sipStatus?: number }]
  registration: [{ registered: boolean }]
}

interface MediaBinding {
  config: PlainRtpSdhConfig
  call: Call
}

export interface TrunkDeps {
  presence: PresenceInbox
  log: Logger
  /** T1 override for tests */
  t1Ms?: number
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms)
      timer.unref()
    }),
  ]).finally(() => clearTimeout(timer))
}

export class Trunk extends EventEmitter<TrunkEvents> {
  private readonly ua: UserAgent
  private readonly transport: SipTransport
  private readonly gate: InboundGate
  private readonly log: Logger
  private readonly media = new WeakMap<Session, MediaBinding>()
  private readonly liveCalls = new Map<string, Call>()
  private registerer: Registerer | undefined
  private pingTimer: NodeJS.Timeout | undefined
  private reachable: boolean | undefined
  private inviteSources: ReadonlySet<string> | undefined
  private closing: Promise<void> | undefined

  private constructor(
    readonly config: TrunkConfig,
    deps: TrunkDeps,
  ) {
    super()
    this.log = deps.log.child({ trunk: config.id })
    const transportClass = config.transport === 'tls' ? TlsTransport : config.transport === 'tcp' ? TcpTransport : UdpTransport
    const transportOptions: SipTransportOptions = {
      bindIp: config.localIp,
      port: config.localPort,
      announcedIp: config.announcedIp,
      outboundProxy: { host: config.host, port: config.port },
      log: this.log,
      t1Ms: deps.t1Ms,
      tls: config.tls,
    }
    const aorUser = config.username ?? config.callerId
    this.ua = new UserAgent({
      uri: UserAgent.makeURI(`sip:${encodeURIComponent(aorUser)}@${config.host}`),
      authorizationUsername: config.username,
      authorizationPassword: config.password,
      viaHost: config.announcedIp ?? config.localIp,
      forceRport: true,
      contactName: CONTACT_USER,
      contactParams: { transport: config.transport },
      transportConstructor: transportClass,
      transportOptions,
      sessionDescriptionHandlerFactory: (session) => this.createMediaHandler(session),
      sendInitialProvisionalResponse: false,
      noAnswerTimeout: config.inboundAnswerTimeoutSec,
      userAgentString: 'Parley',
      logConfiguration: false,
      logBuiltinEnabled: false,
      logLevel: this.log.isLevelEnabled('debug') ? 'debug' : 'warn',
      logConnector: (level, category, _label, content) => {
        // sip.js calls many expected situations "errors" (a BYE racing a BYE): warn at most
        if (level === 'error') this.log.warn({ category }, `sip.js: ${content}`)
        else if (level === 'warn') this.log.debug({ category }, `sip.js: ${content}`)
        else this.log.trace({ category }, `sip.js: ${content}`)
      },
      delegate: { onInvite: (invitation) => this.onInvite(invitation) },
    })
    this.transport = this.ua.transport as SipTransport
    const dids = new Map(config.dids.map((did) => [didDigits(did), did]))
    this.gate = new InboundGate({
      userAgent: this.ua,
      transport: this.transport,
      contactUser: CONTACT_USER,
      dids,
      inviteSources: () => this.inviteSources,
      presence: deps.presence,
      log: this.log,
    })
  }

  /** Create, bind and (optionally) register. */
  static async start(config: TrunkConfig, deps: TrunkDeps): Promise<Trunk> {
    const trunk = new Trunk(config, deps)
    await trunk.startUp()
    return trunk
  }

  private async startUp(): Promise<void> {
    this.inviteSources = await this.resolveInviteSources()
    await this.ua.start()
    const port = this.transport.localAddress.port
    if (port !== 0) this.ua.contact.uri.port = port
    this.log.info({ address: this.address }, 'sip: trunk listening')
    if (this.config.register) {
      this.registerer = new Registerer(this.ua, { expires: this.config.registerExpiresSec, registrar: UserAgent.makeURI(`sip:${this.config.host}:${this.config.port}`) })
      this.registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Registered || state === RegistererState.Unregistered) this.emit('registration', { registered: state === RegistererState.Registered })
      })
      this.registerer.register().catch((error: unknown) => this.log.warn({ err: error }, 'sip: REGISTER failed'))
    }
    if (this.config.optionsPingSec > 0) {
      this.pingTimer = setInterval(() => void this.keepAlive(), this.config.optionsPingSec * 1000)
      this.pingTimer.unref()
      void this.keepAlive()
    }
  }

  private async resolveInviteSources(): Promise<ReadonlySet<string> | undefined> {
    if (this.config.allowFrom) return new Set(this.config.allowFrom)
    if (isIP(this.config.host)) return new Set([this.config.host])
    try {
      const addresses = await dns.lookup(this.config.host, { all: true })
      return new Set(addresses.map((entry) => entry.address))
    } catch (error) {
      // NOTE: fail closed: with an unresolvable trunk host nobody may send us INVITEs
      this.log.warn({ err: error }, 'sip: cannot resolve the trunk host; inbound INVITEs will be refused')
      return new Set()
    }
  }

  get id(): string {
    return this.config.id
  }

  /** Where the trunk's peer reaches us. */
  get address(): { host: string; port: number; transport: 'udp' | 'tcp' | 'tls' } {
    return { host: this.transport.viaHost, port: this.transport.localAddress.port, transport: this.config.transport }
  }

  get calls(): readonly Call[] {
    return [...this.liveCalls.values()]
  }

  /** Transport counters (tests, metrics). */
  get transportStats(): SipTransport['stats'] {
    return this.transport.stats
  }

  get gateStats(): InboundGate['stats'] {
    return this.gate.stats
  }

  get registered(): boolean {
    return this.registerer?.state === RegistererState.Registered
  }

  /** Last OPTIONS keep-alive result (undefined before the first, or with keep-alives off). */
  get reachability(): boolean | undefined {
    return this.reachable
  }

  /**
   * End a dialog this process no longer holds (it was answered before a crash): a BYE built
   * from the persisted identifiers, sent to the remote target. Resolves with the peer's status
   * (481 when the peer already forgot the call); rejects when nobody answers.
   */
  byeDialog(dialog: DialogSnapshot): Promise<{ sipStatus: number }> {
    if (this.closing) return Promise.reject(new InvalidStateError(`trunk ${this.id} is closed`))
    const [target, from, to] = [dialog.remoteTarget, dialog.localUri, dialog.remoteUri].map((uri) => Grammar.URIParse(uri))
    if (!target || !from || !to) return Promise.reject(new InvalidStateError('unreadable dialog URIs'))
    const core = this.ua.userAgentCore
    // NOTE: CSeq must grow within the dialog; re-INVITEs after the last snapshot may have used some
    const message = core.makeOutgoingRequestMessage('BYE', target, from, to, {
      callId: dialog.callId,
      cseq: dialog.cseq + 100,
      fromTag: dialog.localTag,
      toTag: dialog.remoteTag,
      routeSet: dialog.routeSet,
    })
    return new Promise((resolve, reject) => {
      core.request(message, {
        onAccept: (response) => resolve({ sipStatus: response.message.statusCode ?? 200 }),
        onReject: (response) => {
          const status = response.message.statusCode ?? 0
          if (!response.message.hasHeader('via')) reject(status === 408 ? new SipTimeoutError('BYE') : new SipRequestFailedError('BYE', status))
          else resolve({ sipStatus: status })
        },
      })
    })
  }

  placeCall(input: Required<Pick<PlaceCallInput, 'to'>> & { from: string; displayName?: string; rtp: RtpEndpoint; ringTimeoutSec: number }): OutboundCall {
    if (this.closing) throw new InvalidStateError(`trunk ${this.id} is closed`)
    const target = UserAgent.makeURI(`sip:${input.to}@${this.config.host}:${this.config.port};user=phone`)
    if (!target) throw new InvalidStateError(`cannot build a request URI for ${input.to}`)
    const inviter = new Inviter(this.ua, target, {
      earlyMedia: false,
      params: { fromUri: `sip:${input.from}@${this.config.host}`, fromDisplayName: input.displayName },
      extraHeaders: [`P-Asserted-Identity: <sip:${input.from}@${this.config.host}>`],
    })
    const call = new OutboundCall(inviter, { from: input.from, to: input.to, ringTimeoutSec: input.ringTimeoutSec }, this.callContext())
    this.media.set(inviter, { config: this.mediaConfig(input.rtp), call })
    this.track(call)
    call.start()
    return call
  }

  /** OPTIONS to the trunk; resolves with the status (any response means reachable). */
  ping(): Promise<PingResult> {
    if (this.closing) return Promise.reject(new InvalidStateError(`trunk ${this.id} is closed`))
    const target = Grammar.URIParse(`sip:${this.config.host}:${this.config.port}`)
    if (!target) return Promise.reject(new InvalidStateError('bad trunk address'))
    const core = this.ua.userAgentCore
    const message = core.makeOutgoingRequestMessage('OPTIONS', target, this.ua.configuration.uri, target, {}, ['Accept: application/sdp'])
    const started = Date.now()
    return new Promise((resolve, reject) => {
      core.request(message, {
        onAccept: (response) => resolve({ sipStatus: response.message.statusCode ?? 200, rttMs: Date.now() - started }),
        onReject: (response) => {
          const status = response.message.statusCode ?? 0
          // an internal 408/503 (no response at all) is a failure; a real 4xx/5xx still proves the trunk is up
          if (!response.message.hasHeader('via')) reject(status === 408 ? new SipTimeoutError('OPTIONS ping') : new SipRequestFailedError('OPTIONS', status))
          else resolve({ sipStatus: status, rttMs: Date.now() - started })
        },
      })
    })
  }

  private async keepAlive(): Promise<void> {
    let reachable: boolean
    let sipStatus: number | undefined
    try {
      sipStatus = (await this.ping()).sipStatus
      reachable = true
    } catch {
      reachable = false
    }
    if (this.closing || reachable === this.reachable) return
    this.reachable = reachable
    this.emit('reachability', sipStatus === undefined ? { reachable } : { reachable, sipStatus })
  }

  private callContext() {
    return { trunkId: this.id, trunkHost: this.config.host, log: this.log }
  }

  private mediaConfig(rtp: RtpEndpoint): PlainRtpSdhConfig {
    return { localIp: rtp.localIp, localPort: rtp.localPort, rtcpPort: rtp.rtcpPort, io: rtp.io }
  }

  private track(call: Call): void {
    this.liveCalls.set(call.id, call)
    void call.whenEnded().then(() => this.liveCalls.delete(call.id))
  }

  private createMediaHandler(session: Session): PlainRtpSdh {
    const binding = this.media.get(session)
    // NOTE: sip.js only creates a handler when a call has media to negotiate, and we bind the
    // RTP endpoint before that (placeCall / answer); a missing binding is a bug, fail the call
    if (!binding) throw new InvalidStateError('no RTP endpoint bound to this call')
    const sdh = new PlainRtpSdh(binding.config)
    binding.call.bindSessionDescriptionHandler(sdh)
    return sdh
  }

  private onInvite(invitation: Invitation): void {
    const request = invitation.request
    const did = this.gate.didOf(request)
    if (this.closing || !did) {
      void invitation.reject({ statusCode: this.closing ? 503 : 404 })
      return
    }
    const asserted = invitation.assertedIdentity
    const identity = asserted ?? invitation.remoteIdentity
    const caller = decodeURIComponent(identity.uri.user ?? 'anonymous')
    const call = new IncomingCall(invitation, { did, caller, callerName: identity.displayName || undefined }, this.callContext(), (rtp) =>
      this.media.set(invitation, { config: this.mediaConfig(rtp), call }),
    )
    this.track(call)
    this.emit('incoming-call', call)
  }

  /** Hang up every call, unregister, close the transport. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    if (this.pingTimer) clearInterval(this.pingTimer)
    // BYE/CANCEL every dialog in parallel and wait for the peers' answers (each bounded)
    await Promise.all([...this.liveCalls.values()].map((call) => call.hangup().catch(() => undefined)))
    if (this.registerer?.state === RegistererState.Registered) {
      await withTimeout(
        new Promise<void>((resolve) => {
          this.registerer!.unregister({ requestDelegate: { onAccept: () => resolve(), onReject: () => resolve() } }).catch(() => resolve())
        }),
        CLOSE_STEP_MS,
      )
    }
    // sip.js's stop() would also dispose sessions and registerers one by one; all are done
    const stopped = await withTimeout(
      this.ua.stop().then(() => true),
      CLOSE_STEP_MS,
    )
    if (!stopped) await this.transport.dispose()
    this.removeAllListeners()
    this.log.info('sip: trunk closed')
  }
}

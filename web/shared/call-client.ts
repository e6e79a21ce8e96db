/**
 * This side of one voice/video call, without UI: local devices (LocalMedia), the media
 * connection (MediaSession), mute / camera / screen / device switching, and recovery. When
 * the media server is lost (`media.failed` 'worker-died'), this participant's media failed,
 * a transport failed or the socket reconnected, the media connection is dropped and joined
 * again with the same local tracks. Used by `<parley-call-view>` in the widget and the console.
 */
import type { ChannelEvent } from '../protocol/channel-event.js'
import { callRequest, type CallSignaling, type CallSignalEvents } from './call-signaling.js'
import { LocalMedia, MediaAccessError, type MediaDeviceChoice } from './local-media.js'
import { MediaSession, type InboundStats, type OutboundStats, type RemoteTrack } from './media-session.js'

export type { RemoteTrack } from './media-session.js'

/** Where the call stands for this side (only moves to 'ended' for good). */
export type CallState = 'joining' | 'connected' | 'reconnecting' | 'ended'

export interface CallStats {
  inbound: InboundStats[]
  outbound: OutboundStats[]
}

export interface CallClientOptions {
  signaling: CallSignaling
  channelId: string
  callId: string
  /** this side's participant id, to recognise `media.failed` about us */
  selfParticipantId: string | null
}

export interface CallClientEvents {
  state: (state: CallState) => void
  trackAdded: (remote: RemoteTrack) => void
  trackRemoved: (remote: RemoteTrack) => void
  /** a remote track was paused or resumed by its sender */
  trackChanged: (remote: RemoteTrack) => void
  /** local tracks, mute, camera or screen changed */
  local: () => void
  speaker: (participantId: string) => void
  /** a problem to show (null: cleared) */
  error: (message: string | null) => void
}

/** A method was called on a call that has ended. */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError'
}

/** Waits between reconnect attempts: the media server needs a moment to come back. */
const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 8000, 8000, 8000]

type Listeners = { [K in keyof CallClientEvents]: Set<CallClientEvents[K]> }

export class CallClient {
  state: CallState = 'joining'
  muted = false
  videoOn = false
  /** the last problem, in words for the person in the call */
  error: string | null = null
  readonly local = new LocalMedia()
  private readonly remote = new Map<string, RemoteTrack>()
  private session: MediaSession | undefined
  private joined = false
  /** a connect loop is running; `again` asks it for one more round */
  private connecting: Promise<void> | null = null
  private again = false
  /** the error shown is about connecting, to clear once connected */
  private retryNotice = false
  private readonly listeners: Listeners = {
    state: new Set(),
    trackAdded: new Set(),
    trackRemoved: new Set(),
    trackChanged: new Set(),
    local: new Set(),
    speaker: new Set(),
    error: new Set(),
  }

  private readonly onChannelEvent: CallSignalEvents['channel:event'] = (event) => this.onEvent(event)
  private readonly onReconnected: CallSignalEvents['connect'] = () => this.rejoin()
  private readonly onSpeaker: CallSignalEvents['media:speaker'] = (speaker) => {
    if (speaker.channelId === this.options.channelId) this.emit('speaker', speaker.participantId)
  }

  constructor(private readonly options: CallClientOptions) {}

  get callId(): string {
    return this.options.callId
  }

  /** What the others send, by consumer. */
  get remoteTracks(): RemoteTrack[] {
    return [...this.remote.values()]
  }

  /** A screen is being shared from here. */
  get sharingScreen(): boolean {
    return this.local.track('screen') !== undefined
  }

  on<K extends keyof CallClientEvents>(event: K, listener: CallClientEvents[K]): () => void {
    this.listeners[event].add(listener)
    return () => this.listeners[event].delete(listener)
  }

  /** Get the microphone (and camera) and join the call's media. A missing camera or microphone leaves the rest working. */
  async join(wanted: { audio: boolean; video: boolean }): Promise<void> {
    if (this.ended) throw new InvalidStateError('the call has ended')
    if (this.joined) return
    this.joined = true
    const { signaling } = this.options
    signaling.on('channel:event', this.onChannelEvent)
    signaling.on('connect', this.onReconnected)
    signaling.on('media:speaker', this.onSpeaker)
    const problems = await this.local.acquire(wanted)
    if (this.ended) return this.local.stopAll()
    this.videoOn = this.local.track('video') !== undefined
    this.setError(problems.length ? problems.join(' ') : null)
    this.emit('local')
    this.startConnecting('joining')
    await this.connecting
  }

  /** Mute or unmute the microphone: nothing is sent while muted, and the server stops forwarding it. */
  async setMuted(muted: boolean): Promise<void> {
    this.assertLive()
    this.muted = muted
    this.emit('local')
    try {
      await this.session?.setPaused('audio', muted)
    } catch (error) {
      this.setError(`Could not ${muted ? 'mute' : 'unmute'} the microphone: ${(error as Error).message}`)
    }
  }

  /** Turn the camera on or off (off releases it, so its light goes out). */
  async setVideo(on: boolean): Promise<boolean> {
    this.assertLive()
    try {
      if (on) {
        const track = this.local.track('video') ?? (await this.local.open('video'))
        this.videoOn = true
        this.emit('local')
        if (this.state === 'connected') await this.session?.produce('video', track)
      } else {
        this.videoOn = false
        this.local.stop('video')
        this.emit('local')
        await this.session?.closeProducer('video')
      }
      this.setError(null)
      return true
    } catch (error) {
      this.setError(error instanceof MediaAccessError ? error.message : `The camera could not be ${on ? 'started' : 'stopped'}: ${(error as Error).message}`)
      return false
    }
  }

  /** Share a screen, window or tab (the browser asks which). */
  async shareScreen(): Promise<void> {
    this.assertLive()
    try {
      const track = await this.local.openScreen()
      if (!track) return // the picker was cancelled
      // the browser's own "Stop sharing" button ends the track
      track.addEventListener('ended', () => void this.stopScreen())
      this.emit('local')
      if (this.state === 'connected') await this.session?.produce('screen', track)
    } catch (error) {
      this.setError(error instanceof MediaAccessError ? error.message : `The screen could not be shared: ${(error as Error).message}`)
    }
  }

  async stopScreen(): Promise<void> {
    if (this.ended || !this.local.track('screen')) return
    this.local.stop('screen')
    this.emit('local')
    try {
      await this.session?.closeProducer('screen')
    } catch {
      // the server drops the producer with the call anyway
    }
  }

  /** Microphones and cameras to pick from. */
  listDevices(): Promise<(MediaDeviceChoice & { inUse: boolean })[]> {
    return this.local.devices()
  }

  /** Switch to another microphone or camera without interrupting the call. */
  async useDevice(kind: MediaDeviceChoice['kind'], deviceId: string): Promise<void> {
    this.assertLive()
    const source = kind === 'audioinput' ? 'audio' : 'video'
    this.local.prefer(source, deviceId)
    if (source === 'video' && !this.videoOn) return // used when the camera is turned on
    try {
      const track = await this.local.open(source)
      if (source === 'audio' && this.muted) track.enabled = false
      await this.session?.replaceTrack(source, track)
      // no microphone before: start sending it now
      if (this.state === 'connected' && !this.session?.producer(source)) await this.session?.produce(source, track, { paused: source === 'audio' && this.muted })
      this.setError(null)
      this.emit('local')
    } catch (error) {
      this.setError(error instanceof MediaAccessError ? error.message : `Could not switch devices: ${(error as Error).message}`)
    }
  }

  /** Packet counters (RTCPeerConnection stats) of what is received and sent. */
  async stats(): Promise<CallStats> {
    return this.session && !this.session.isClosed ? this.session.stats() : { inbound: [], outbound: [] }
  }

  /** Drop the media connection and join again, keeping the local tracks. */
  rejoin(): void {
    if (this.ended || !this.joined) return
    this.startConnecting('reconnecting')
  }

  /** End the call for everyone (the server posts `call.ended`), then tear down here. */
  async hangup(): Promise<void> {
    if (this.ended) return
    const { signaling, channelId, callId } = this.options
    try {
      await callRequest(signaling, 'call:hangup', { channelId, callId })
    } catch {
      // already over, or the server is unreachable: either way this side is done
    }
    this.leave()
  }

  /** Tear down here: media connection, local tracks, listeners; idempotent. */
  leave(): void {
    if (this.ended) return
    const { signaling } = this.options
    signaling.off('channel:event', this.onChannelEvent)
    signaling.off('connect', this.onReconnected)
    signaling.off('media:speaker', this.onSpeaker)
    this.dropSession()
    this.local.stopAll()
    this.setState('ended')
    for (const set of Object.values(this.listeners)) set.clear()
  }

  private onEvent(event: ChannelEvent): void {
    if (event.channelId !== this.options.channelId) return
    switch (event.type) {
      case 'media.failed':
        if (event.payload.callId !== this.callId) return
        if (event.payload.reason === 'worker-died' || event.payload.participantId === this.options.selfParticipantId) this.rejoin()
        return
      case 'call.started':
        // the same call started again: its media were re-created after the media server was lost
        if (event.payload.callId === this.callId && this.state === 'connected') this.rejoin()
        return
      case 'call.ended':
        if (event.payload.callId === this.callId) this.leave()
        return
      default:
        return
    }
  }

  private startConnecting(state: 'joining' | 'reconnecting'): void {
    this.setState(state)
    this.again = true
    this.connecting ??= this.connectLoop().finally(() => (this.connecting = null))
  }

  /** Open media sessions until one is up and nobody asked for another. */
  private async connectLoop(): Promise<void> {
    let attempt = 0
    while (this.again && !this.ended) {
      this.again = false
      this.dropSession()
      const session = new MediaSession(this.options.signaling, this.options.channelId, this.callId, {
        trackAdded: (remote) => {
          this.remote.set(remote.consumerId, remote)
          this.emit('trackAdded', remote)
        },
        trackRemoved: (remote) => {
          if (this.remote.delete(remote.consumerId)) this.emit('trackRemoved', remote)
        },
        trackChanged: (remote) => this.emit('trackChanged', remote),
        failed: () => {
          if (session === this.session) this.rejoin()
        },
      })
      this.session = session
      try {
        await session.open()
        await this.produceLocal(session)
        if (!this.again && !this.ended) {
          this.setState('connected')
          if (this.retryNotice) this.setError(null)
          this.retryNotice = false
        }
      } catch (error) {
        if (this.ended || this.again) continue
        const delay = RETRY_DELAYS_MS[attempt++]
        if (delay === undefined) {
          this.dropSession()
          this.setError('The call could not be connected. Check your connection, then hang up and call again.')
          return
        }
        this.setState(this.state === 'joining' ? 'joining' : 'reconnecting')
        if (attempt > 1) {
          this.retryNotice = true
          this.setError(`The call is having trouble connecting (${(error as Error).message}). Retrying…`)
        }
        await new Promise((resolve) => setTimeout(resolve, delay))
        this.again = true
      }
    }
  }

  /** Send the local tracks over a fresh session (the microphone paused if muted). */
  private async produceLocal(session: MediaSession): Promise<void> {
    const audio = this.local.track('audio')
    if (audio) await session.produce('audio', audio, { paused: this.muted })
    for (const source of ['video', 'screen'] as const) {
      const track = this.local.track(source)
      if (!track || (source === 'video' && !this.videoOn)) continue
      try {
        await session.produce(source, track)
      } catch (error) {
        if (session.isClosed) throw error
        this.setError(`Your ${source === 'video' ? 'camera' : 'screen'} could not be sent: ${(error as Error).message}`)
      }
    }
  }

  private dropSession(): void {
    this.session?.close() // its consumers report trackRemoved as they close
    this.session = undefined
    for (const remote of [...this.remote.values()]) {
      this.remote.delete(remote.consumerId)
      this.emit('trackRemoved', remote)
    }
  }

  /** state, read afresh (TypeScript would keep a narrowed state across awaits) */
  private get ended(): boolean {
    return this.state === 'ended'
  }

  private assertLive(): void {
    if (this.ended) throw new InvalidStateError('the call has ended')
  }

  private setState(state: CallState): void {
    if (this.state === state || this.ended) return
    this.state = state
    this.emit('state', state)
  }

  private setError(message: string | null): void {
    if (this.error === message) return
    this.error = message
    this.emit('error', message)
  }

  private emit<K extends keyof CallClientEvents>(event: K, ...args: Parameters<CallClientEvents[K]>): void {
    for (const listener of this.listeners[event]) (listener as (...a: Parameters<CallClientEvents[K]>) => void)(...args)
  }
}

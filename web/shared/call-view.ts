/**
 * `<parley-call-view>`: a voice/video call in the widget and in the agent console. It owns a
 * CallClient for its call (joins when connected, tears down when removed) and shows the
 * others' video (an avatar tile when they send none), shared screens, the local preview,
 * the call's status and the controls. Loaded lazily: this module pulls in mediasoup-client.
 */
import { LitElement, html, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { CallClient, type CallState, type CallStats, type RemoteTrack } from './call-client.js'
import { cameraIcon, cameraOffIcon, devicesIcon, hangupIcon, micIcon, micOffIcon, screenIcon } from './call-icons.js'
import type { CallSignaling } from './call-signaling.js'
import { callViewStyles } from './call-view-styles.js'
import type { MediaDeviceChoice } from './local-media.js'

/** Someone who may be in the call, for names on tiles. */
export interface CallParticipant {
  id: string
  name: string
}

type DeviceChoice = MediaDeviceChoice & { inUse: boolean }

const STATUS_TEXT: Record<CallState, string> = {
  joining: 'Connecting the call…',
  connected: 'In the call',
  reconnecting: 'Reconnecting the call…',
  ended: 'Call ended',
}

export class CallView extends LitElement {
  static override properties = {
    signaling: { attribute: false },
    channelId: { attribute: 'channel-id' },
    callId: { attribute: 'call-id' },
    selfParticipantId: { attribute: false },
    participants: { attribute: false },
    video: { type: Boolean },
    canShareScreen: { type: Boolean },
    state: { reflect: true, attribute: 'data-state' },
    startedAt: { attribute: false },
    devices: { state: true },
    speaker: { state: true },
    now: { state: true },
  }

  static override styles = callViewStyles

  /** how the call talks to the server */
  declare signaling: CallSignaling | null
  declare channelId: string
  declare callId: string
  declare selfParticipantId: string | null
  /** the channel's participants, for names */
  declare participants: CallParticipant[]
  /** start with the camera on (a video call) */
  declare video: boolean
  /** offer screen sharing (the agent console) */
  declare canShareScreen: boolean
  /** the CallClient's state, reflected as `data-state` */
  declare state: CallState
  /** when the call started (ISO), for its duration */
  declare startedAt: string | null
  declare private devices: DeviceChoice[] | null
  declare private speaker: string
  declare private now: number

  private client: CallClient | null = null
  private readonly streams = new Map<string, MediaStream>()
  private clock: ReturnType<typeof setInterval> | undefined

  constructor() {
    super()
    this.signaling = null
    this.channelId = ''
    this.callId = ''
    this.selfParticipantId = null
    this.participants = []
    this.video = false
    this.canShareScreen = false
    this.state = 'joining'
    this.startedAt = null
    this.devices = null
    this.speaker = ''
    this.now = Date.now()
  }

  /** Packet counters of what this side receives and sends (tests and diagnostics). */
  async callStats(): Promise<CallStats> {
    return this.client ? this.client.stats() : { inbound: [], outbound: [] }
  }

  /** The call client, once joined (for hosts that need more than the controls). */
  get callClient(): CallClient | null {
    return this.client
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.clock = setInterval(() => (this.now = Date.now()), 1000)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearInterval(this.clock)
    // Moving the element in the page disconnects it for a moment: only a real removal ends the call here.
    setTimeout(() => {
      if (!this.isConnected) this.client?.leave()
    })
  }

  protected override updated(): void {
    if (!this.client && this.signaling && this.channelId && this.callId && this.isConnected) this.start()
    // autoplay can be refused when the element was created without a user gesture; retry on each render
    for (const media of this.renderRoot.querySelectorAll<HTMLMediaElement>('audio, video')) if (media.paused && media.srcObject) void media.play().catch(() => {})
  }

  private start(): void {
    const client = new CallClient({ signaling: this.signaling!, channelId: this.channelId, callId: this.callId, selfParticipantId: this.selfParticipantId })
    this.client = client
    const refresh = () => this.requestUpdate()
    client.on('state', (state) => {
      this.state = state
      this.dispatchEvent(new CustomEvent('call-state', { detail: { state }, bubbles: true, composed: true }))
    })
    client.on('trackAdded', refresh)
    client.on('trackRemoved', (remote) => {
      this.streams.delete(remote.consumerId)
      refresh()
    })
    client.on('trackChanged', refresh)
    client.on('local', refresh)
    client.on('error', refresh)
    client.on('speaker', (participantId) => (this.speaker = participantId))
    void client.join({ audio: true, video: this.video })
  }

  override render() {
    const client = this.client
    const remote = client?.remoteTracks ?? []
    return html`
      <div class="stage">
        ${repeat(
          this.tiles(remote),
          (tile) => tile.key,
          (tile) => this.renderTile(tile),
        )}
        ${this.renderSelf()}
      </div>
      <div class="bar">
        <span class="status" data-test="call-status" data-state=${this.state} role="status">${this.statusText()}</span>
        ${client ? this.renderControls(client) : nothing}
      </div>
      ${client?.error ? html`<p class="error" data-test="call-error" role="alert">${client.error}</p>` : nothing}
      ${this.devices ? this.renderDevices(this.devices) : nothing}
      ${repeat(
        remote.filter((track) => track.kind === 'audio'),
        (track) => track.consumerId,
        (track) => html`<audio data-test="call-audio" data-participant=${track.participantId} autoplay .srcObject=${this.streamOf(track)}></audio>`,
      )}
    `
  }

  private statusText(): string {
    if (this.state !== 'connected') return STATUS_TEXT[this.state]
    const since = this.startedAt ? Math.max(0, Math.floor((this.now - Date.parse(this.startedAt)) / 1000)) : null
    const kind = this.client?.videoOn || this.client?.remoteTracks.some((track) => track.kind === 'video') ? 'Video call' : 'Voice call'
    return since === null || Number.isNaN(since) ? kind : `${kind} · ${Math.floor(since / 60)}:${String(since % 60).padStart(2, '0')}`
  }

  /** One tile per other participant (their camera or an avatar), plus one per shared screen. */
  private tiles(remote: RemoteTrack[]): { key: string; participantId: string; video: RemoteTrack | undefined; screen: boolean }[] {
    const ids = new Set(this.participants.map((participant) => participant.id).filter((id) => id !== this.selfParticipantId))
    for (const track of remote) ids.add(track.participantId)
    const tiles = [...ids].map((participantId) => ({
      key: participantId,
      participantId,
      video: remote.find((track) => track.participantId === participantId && track.source === 'video' && !track.paused),
      screen: false,
    }))
    const screens = remote.filter((track) => track.source === 'screen' && !track.paused)
    return [...screens.map((track) => ({ key: track.consumerId, participantId: track.participantId, video: track, screen: true })), ...tiles]
  }

  private renderTile(tile: ReturnType<CallView['tiles']>[number]) {
    const name = this.participants.find((participant) => participant.id === tile.participantId)?.name || 'Guest'
    const speaking = !tile.screen && this.speaker === tile.participantId
    return html`<div class="tile ${tile.screen ? 'screen' : ''} ${speaking ? 'speaking' : ''}" data-test="call-tile" data-participant=${tile.participantId}>
      ${tile.video
        ? html`<video data-test="call-remote-video" data-source=${tile.video.source} autoplay playsinline .muted=${true} .srcObject=${this.streamOf(tile.video)}></video>`
        : html`<div class="avatar" aria-hidden="true">${initials(name)}</div>`}
      <span class="label">${tile.screen ? `${name}'s screen` : name}</span>
    </div>`
  }

  private renderSelf() {
    const track = this.client?.videoOn ? this.client.local.track('video') : undefined
    if (!track) return nothing
    return html`<div class="self" data-test="call-local"><video autoplay playsinline .muted=${true} .srcObject=${this.localStream(track)}></video></div>`
  }

  private renderControls(client: CallClient) {
    const ended = this.state === 'ended'
    const hasMic = client.local.track('audio') !== undefined
    const sharing = client.sharingScreen
    return html`<div class="controls" role="group" aria-label="Call controls">
      <button
        class=${client.muted ? 'off' : ''}
        data-test="call-mute"
        aria-pressed=${client.muted ? 'true' : 'false'}
        aria-label="Mute microphone"
        title=${hasMic ? (client.muted ? 'Unmute' : 'Mute') : 'No microphone'}
        ?disabled=${ended || !hasMic}
        @click=${() => void client.setMuted(!client.muted)}
      >
        ${client.muted ? micOffIcon : micIcon}
      </button>
      <button
        class=${client.videoOn ? '' : 'off'}
        data-test="call-video"
        aria-pressed=${client.videoOn ? 'true' : 'false'}
        aria-label="Camera"
        title=${client.videoOn ? 'Turn the camera off' : 'Turn the camera on'}
        ?disabled=${ended}
        @click=${() => void client.setVideo(!client.videoOn)}
      >
        ${client.videoOn ? cameraIcon : cameraOffIcon}
      </button>
      <button
        data-test="call-devices"
        aria-expanded=${this.devices ? 'true' : 'false'}
        aria-label="Choose microphone and camera"
        title="Devices"
        ?disabled=${ended}
        @click=${this.toggleDevices}
      >
        ${devicesIcon}
      </button>
      ${this.canShareScreen
        ? html`<button
            class=${sharing ? 'sharing' : ''}
            data-test="call-screen"
            aria-pressed=${sharing ? 'true' : 'false'}
            aria-label=${sharing ? 'Stop sharing the screen' : 'Share the screen'}
            title=${sharing ? 'Stop sharing' : 'Share screen'}
            ?disabled=${ended}
            @click=${() => void (sharing ? client.stopScreen() : client.shareScreen())}
          >
            ${screenIcon}
          </button>`
        : nothing}
      <button class="hangup" data-test="call-hangup" aria-label="Hang up" title="Hang up" ?disabled=${ended} @click=${() => void client.hangup()}>${hangupIcon}</button>
    </div>`
  }

  private renderDevices(devices: DeviceChoice[]) {
    const select = (kind: MediaDeviceChoice['kind'], label: string) => {
      const options = devices.filter((device) => device.kind === kind)
      return html`<label for=${kind}>${label}</label>
        <select id=${kind} data-test="call-device-${kind}" ?disabled=${options.length === 0} @change=${(event: Event) => this.pick(kind, event)}>
          ${options.length === 0 ? html`<option>None found</option>` : nothing}
          ${options.map(
            (device, index) =>
              html`<option value=${device.deviceId} ?selected=${device.inUse}>${device.label || `${kind === 'audioinput' ? 'Microphone' : 'Camera'} ${index + 1}`}</option>`,
          )}
        </select>`
    }
    return html`<div class="devices" data-test="call-device-list">${select('audioinput', 'Microphone')} ${select('videoinput', 'Camera')}</div>`
  }

  private async toggleDevices(): Promise<void> {
    if (this.devices) {
      this.devices = null
      return
    }
    this.devices = (await this.client?.listDevices()) ?? []
  }

  private async pick(kind: MediaDeviceChoice['kind'], event: Event): Promise<void> {
    await this.client?.useDevice(kind, (event.target as HTMLSelectElement).value)
    if (this.devices) this.devices = (await this.client?.listDevices()) ?? []
  }

  private streamOf(track: RemoteTrack): MediaStream {
    let stream = this.streams.get(track.consumerId)
    if (!stream) this.streams.set(track.consumerId, (stream = new MediaStream([track.track])))
    return stream
  }

  private localStream(track: MediaStreamTrack): MediaStream {
    const key = `local:${track.id}`
    let stream = this.streams.get(key)
    if (!stream) {
      for (const old of [...this.streams.keys()]) if (old.startsWith('local:')) this.streams.delete(old)
      this.streams.set(key, (stream = new MediaStream([track])))
    }
    return stream
  }
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  return (words.length > 1 ? words[0]![0]! + words[words.length - 1]![0]! : (words[0] ?? '?').slice(0, 2)).toUpperCase()
}

if (!customElements.get('parley-call-view')) customElements.define('parley-call-view', CallView)

declare global {
  interface HTMLElementTagNameMap {
    'parley-call-view': CallView
  }
}

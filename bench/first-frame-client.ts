/**
 * Browser side of the first-frame benchmark, bundled with esbuild when the bench runs: the
 * product's CallClient (web/shared/call-client.ts: LocalMedia, MediaSession, mediasoup-client)
 * over socket.io to bench/first-frame.ts, which answers the media:* requests the way the
 * server's MediaSignaling does. The receiving page time-stamps the first frame of every new
 * remote video track with requestVideoFrameCallback; times are on the page's clock
 * (performance.timeOrigin + performance.now(), comparable across pages of one machine).
 */
import { io } from 'socket.io-client'
import { CallClient, type RemoteTrack } from '../web/shared/call-client.js'
import type { CallSignaling } from '../web/shared/call-signaling.js'

/** When a new remote video track showed up and when its first frame was decoded and shown. */
export interface FirstFrame {
  /** the track arrived (media:consume handled, consumer created) */
  addedAt: number
  /** the first decoded frame was handed to the compositor (rVFC presentationTime) */
  presentedAt: number
  /** the last packet of that frame arrived (rVFC receiveTime, WebRTC only) */
  receivedAt: number | null
  width: number
  height: number
}

const params = new URLSearchParams(location.search)
const participantId = params.get('participant') ?? 'anonymous'
const socket = io({ transports: ['websocket'], auth: { participantId } })
const signaling = {
  request: (event: string, payload: unknown) => socket.timeout(15_000).emitWithAck(event, payload),
  on: (event: string, listener: (...args: any[]) => void) => void socket.on(event, listener),
  off: (event: string, listener: (...args: any[]) => void) => void socket.off(event, listener),
} as unknown as CallSignaling

const clock = () => performance.timeOrigin + performance.now()
const client = new CallClient({ signaling, channelId: 'bench-channel', callId: 'bench-call', selfParticipantId: participantId })
const videos = new Map<string, HTMLVideoElement>()
let waiting: { promise: Promise<FirstFrame>; resolve: (frame: FirstFrame) => void } | undefined

client.on('trackAdded', (remote: RemoteTrack) => {
  if (remote.kind !== 'video') return
  const addedAt = clock()
  const video = document.createElement('video')
  video.muted = true
  video.autoplay = true
  video.playsInline = true
  video.width = 320
  video.height = 180
  video.srcObject = new MediaStream([remote.track])
  document.body.append(video)
  videos.set(remote.consumerId, video)
  video.requestVideoFrameCallback((now, meta) => {
    const frame: FirstFrame = {
      addedAt,
      presentedAt: performance.timeOrigin + (meta.presentationTime || now),
      receivedAt: meta.receiveTime ? performance.timeOrigin + meta.receiveTime : null,
      width: meta.width,
      height: meta.height,
    }
    waiting?.resolve(frame)
    waiting = undefined
  })
  void video.play().catch(() => {})
})
client.on('trackRemoved', (remote: RemoteTrack) => {
  videos.get(remote.consumerId)?.remove()
  videos.delete(remote.consumerId)
})

const api = {
  connected: () => socket.connected,
  /** Join the call (microphone, and the camera when `video`); resolves once connected. */
  async join(video: boolean): Promise<{ startedAt: number; connectedAt: number; state: string; error: string | null }> {
    const startedAt = clock()
    await client.join({ audio: true, video })
    return { startedAt, connectedAt: clock(), state: client.state, error: client.error }
  },
  /** What the camera button does: open the camera and send it. */
  async startVideo(): Promise<{ startedAt: number; producedAt: number; ok: boolean; error: string | null }> {
    const startedAt = clock()
    const ok = await client.setVideo(true)
    return { startedAt, producedAt: clock(), ok, error: client.error }
  },
  async stopVideo(): Promise<void> {
    await client.setVideo(false)
  },
  /** Wait for the next new remote video track's first frame (call before the sender starts). */
  arm(): void {
    let resolve!: (frame: FirstFrame) => void
    const promise = new Promise<FirstFrame>((r) => (resolve = r))
    waiting = { promise, resolve }
  },
  nextFirstFrame(timeoutMs: number): Promise<FirstFrame | null> {
    const armed = waiting
    if (!armed) return Promise.resolve(null)
    return Promise.race([armed.promise, new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs))])
  },
  remoteVideos: () => videos.size,
  leave: () => client.leave(),
}

Object.assign(window, { firstFrame: api })

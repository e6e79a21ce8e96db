/**
 * This side's microphone, camera and screen: getting them from the browser, switching
 * devices, and saying in plain words why a device could not be used. The tracks outlive any
 * one media connection, so a call that reconnects keeps using them without asking again.
 */

/** What a local track is for; the same names the server uses for producers. */
export type LocalSource = 'audio' | 'video' | 'screen'

/** A microphone or camera the visitor or agent can pick. */
export interface MediaDeviceChoice {
  kind: 'audioinput' | 'videoinput'
  deviceId: string
  /** empty until the page was granted access to some device (browser privacy rule) */
  label: string
}

/** A device could not be used; `message` is meant for the person in the call. */
export class MediaAccessError extends Error {
  override name = 'MediaAccessError'
}

/** Camera settings: enough for a support call, light on upload bandwidth. */
const CAMERA: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } }
/** Echo cancellation matters most in a call with a laptop's speakers. */
const MICROPHONE: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true }

export class LocalMedia {
  private readonly tracks = new Map<LocalSource, MediaStreamTrack>()
  /** devices picked in the call, used whenever that source is opened again */
  private readonly preferred = new Map<'audio' | 'video', string>()

  /** The live track of a source, if any. */
  track(source: LocalSource): MediaStreamTrack | undefined {
    const track = this.tracks.get(source)
    return track && track.readyState === 'live' ? track : undefined
  }

  /**
   * Get the microphone and/or the camera. When asking for both fails, each is tried alone,
   * so a missing camera still leaves a voice call. Returns the problems, in words (empty: all good).
   */
  async acquire(wanted: { audio: boolean; video: boolean }): Promise<string[]> {
    const audio = wanted.audio && !this.track('audio')
    const video = wanted.video && !this.track('video')
    if (!audio && !video) return []
    try {
      const stream = await getUserMedia({ audio: audio ? MICROPHONE : false, video: video ? CAMERA : false })
      for (const track of stream.getTracks()) this.set(track.kind === 'audio' ? 'audio' : 'video', track)
      return []
    } catch (error) {
      if (!(audio && video)) return [mediaErrorMessage(error, audio ? 'microphone' : 'camera')]
    }
    // Both at once failed: find out which one is the problem and keep the other.
    const problems: string[] = []
    for (const source of ['audio', 'video'] as const) {
      try {
        await this.open(source)
      } catch (error) {
        problems.push(error instanceof MediaAccessError ? error.message : mediaErrorMessage(error, source === 'audio' ? 'microphone' : 'camera'))
      }
    }
    return problems
  }

  /** Use this device for a source from now on. */
  prefer(source: 'audio' | 'video', deviceId: string): void {
    this.preferred.set(source, deviceId)
  }

  /** Get one source (the preferred device, if any); throws MediaAccessError. Replaces (and stops) the previous track. */
  async open(source: 'audio' | 'video'): Promise<MediaStreamTrack> {
    const base = source === 'audio' ? MICROPHONE : CAMERA
    const deviceId = this.preferred.get(source)
    const constraints = deviceId ? { ...base, deviceId: { exact: deviceId } } : base
    try {
      const stream = await getUserMedia(source === 'audio' ? { audio: constraints } : { video: constraints })
      const track = stream.getTracks()[0]!
      this.set(source, track)
      return track
    } catch (error) {
      throw new MediaAccessError(mediaErrorMessage(error, source === 'audio' ? 'microphone' : 'camera'))
    }
  }

  /** Ask which screen, window or tab to share; null when the person cancelled the picker. */
  async openScreen(): Promise<MediaStreamTrack | null> {
    if (!navigator.mediaDevices?.getDisplayMedia) throw new MediaAccessError('This browser cannot share the screen.')
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 10 } }, audio: false })
      const track = stream.getVideoTracks()[0]!
      this.set('screen', track)
      return track
    } catch (error) {
      if ((error as DOMException).name === 'NotAllowedError' || (error as DOMException).name === 'AbortError') return null
      throw new MediaAccessError(`The screen could not be shared: ${(error as Error).message}`)
    }
  }

  /** Stop and forget one source. */
  stop(source: LocalSource): void {
    this.tracks.get(source)?.stop()
    this.tracks.delete(source)
  }

  /** Stop every track (the call is over). */
  stopAll(): void {
    for (const source of [...this.tracks.keys()]) this.stop(source)
  }

  /** Microphones and cameras, with the device in use marked by `inUse`. */
  async devices(): Promise<(MediaDeviceChoice & { inUse: boolean })[]> {
    if (!navigator.mediaDevices?.enumerateDevices) return []
    const inUse = new Set([this.track('audio'), this.track('video')].map((track) => track?.getSettings().deviceId).filter(Boolean))
    const all = await navigator.mediaDevices.enumerateDevices()
    return all
      .filter((device): device is MediaDeviceInfo & { kind: MediaDeviceChoice['kind'] } => device.kind === 'audioinput' || device.kind === 'videoinput')
      .map((device) => ({ kind: device.kind, deviceId: device.deviceId, label: device.label, inUse: inUse.has(device.deviceId) }))
  }

  private set(source: LocalSource, track: MediaStreamTrack): void {
    const previous = this.tracks.get(source)
    if (previous && previous !== track) previous.stop()
    this.tracks.set(source, track)
  }
}

function getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
  // NOTE: mediaDevices only exists on secure pages (https or localhost).
  if (!navigator.mediaDevices?.getUserMedia) return Promise.reject(Object.assign(new Error('insecure context'), { name: 'InsecureContextError' }))
  return navigator.mediaDevices.getUserMedia(constraints)
}

/** Why a microphone or camera could not be used, in words for the person in the call. */
export function mediaErrorMessage(error: unknown, device: 'microphone' | 'camera'): string {
  const name = (error as { name?: string } | null)?.name ?? ''
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return `Parley needs your permission to use the ${device}: allow it in the browser's address bar and try again.`
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return `No ${device} was found. Connect one (or check that it is switched on) and try again.`
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return `Your ${device} is busy: another application (or browser tab) is using it. Close it there and try again.`
    case 'InsecureContextError':
      return `The browser only allows the ${device} on secure (https) pages.`
    default:
      return `The ${device} could not be started${error instanceof Error && error.message ? `: ${error.message}` : '.'}`
  }
}

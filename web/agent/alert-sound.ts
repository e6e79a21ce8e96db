/**
 * The "new request" alert: two short beeps generated with WebAudio (no audio files).
 * Browsers keep an AudioContext suspended until the first user gesture, so the sound
 * unlocks itself on the first click or key press and stays silent before that.
 */

export interface AlertSoundOptions {
  /** tone of the beeps in Hz */
  frequency?: number
  /** 0..1 */
  volume?: number
}

export class AlertSound {
  private context: AudioContext | null = null
  private unlocked = false
  private closed = false
  private readonly frequency: number
  private readonly volume: number

  private readonly unlock = () => {
    this.unlocked = true
    const context = this.ensureContext()
    if (context && context.state === 'suspended') void context.resume().catch(() => undefined)
    window.removeEventListener('pointerdown', this.unlock, true)
    window.removeEventListener('keydown', this.unlock, true)
  }

  constructor(options: AlertSoundOptions = {}) {
    this.frequency = options.frequency ?? 880
    this.volume = options.volume ?? 0.15
    window.addEventListener('pointerdown', this.unlock, true)
    window.addEventListener('keydown', this.unlock, true)
  }

  /** Play two short beeps; silently does nothing while the browser blocks audio. */
  play(): void {
    if (this.closed) return
    const context = this.ensureContext()
    // NOTE: beeps scheduled on a suspended context would all sound at once on the next
    // click, long after the request arrived; better no sound than a late one.
    if (!context || context.state !== 'running') {
      if (context && this.unlocked) void context.resume().catch(() => undefined)
      return
    }
    const start = context.currentTime + 0.02
    for (const offset of [0, 0.22]) this.beep(context, start + offset, 0.14)
  }

  /** Release the audio context and the gesture listeners; idempotent. */
  close(): void {
    if (this.closed) return
    this.closed = true
    window.removeEventListener('pointerdown', this.unlock, true)
    window.removeEventListener('keydown', this.unlock, true)
    void this.context?.close().catch(() => undefined)
    this.context = null
  }

  private beep(context: AudioContext, at: number, duration: number): void {
    const oscillator = context.createOscillator()
    const gain = context.createGain()
    oscillator.type = 'sine'
    oscillator.frequency.value = this.frequency
    // short ramps avoid the click of a hard start/stop
    gain.gain.setValueAtTime(0, at)
    gain.gain.linearRampToValueAtTime(this.volume, at + 0.01)
    gain.gain.setValueAtTime(this.volume, at + duration - 0.02)
    gain.gain.linearRampToValueAtTime(0, at + duration)
    oscillator.connect(gain).connect(context.destination)
    oscillator.start(at)
    oscillator.stop(at + duration + 0.01)
    oscillator.onended = () => {
      oscillator.disconnect()
      gain.disconnect()
    }
  }

  private ensureContext(): AudioContext | null {
    if (this.closed) return null
    if (this.context) return this.context
    try {
      this.context = new AudioContext()
    } catch {
      return null // no WebAudio (or blocked by policy): alerts stay visual
    }
    return this.context
  }
}

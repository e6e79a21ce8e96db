/**
 * Throttles live typing previews: at most one signal per interval, the last state is always
 * sent (trailing edge), and an emptied box is reported at once so the preview disappears.
 */
export class TypingThrottle {
  private sent = ''
  private sentAt = 0
  private latest = ''
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly signal: (text: string) => void,
    private readonly intervalMs = 150,
  ) {}

  /** The input now holds `text`. */
  update(text: string): void {
    this.latest = text
    if (text === '') return this.flush()
    if (this.timer) return // the trailing send picks up the latest text
    const wait = this.sentAt + this.intervalMs - Date.now()
    if (wait <= 0) this.flush()
    else this.timer = setTimeout(() => this.flush(), wait)
  }

  /** The box was emptied (e.g. the message was sent): say so right away. */
  clear(): void {
    this.update('')
  }

  /** Drop a scheduled signal; idempotent. */
  close(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private flush(): void {
    this.close()
    if (this.latest === this.sent) return
    this.sent = this.latest
    this.sentAt = Date.now()
    this.signal(this.latest)
  }
}

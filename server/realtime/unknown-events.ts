import type { Socket } from 'socket.io'

/** Answer events nobody handles with a clear error instead of silence. */
export function rejectUnknownEvents(socket: Socket<any, any, any, any>, known: readonly string[]): void {
  const handled = new Set(known)
  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && handled.has(event)) return
    const body = { code: 'bad_request', message: `unknown event "${String(event).slice(0, 64)}"` }
    const ack = args.at(-1)
    if (typeof ack === 'function') ack({ ok: false, error: body })
    else socket.emit('error', body)
  })
}

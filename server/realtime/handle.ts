/**
 * Binds one socket event to a handler, validating the payload with its zod schema at the
 * edge. Every failure becomes an error ack (or an `error` event for events without ack);
 * nothing thrown by a handler can crash the process.
 */
import type { Socket } from 'socket.io'
import type { z } from 'zod'
import type { AckResult, ErrorBody } from '../../web/protocol/events.js'
import { ParleyError, ValidationError, toErrorBody } from '../errors.js'
import type { Logger } from '../log.js'

type AnySocket = Socket<any, any, any, any>

export interface Binder {
  /** An event answered through its ack callback. */
  request<S extends z.ZodType, R>(event: string, schema: S, handler: (payload: z.output<S>) => Promise<R> | R): void
  /** A fire-and-forget event; problems are reported with an `error` event. */
  notice<S extends z.ZodType>(event: string, schema: S, handler: (payload: z.output<S>) => Promise<void> | void): void
}

export function binder(socket: AnySocket, log: Logger): Binder {
  const report = (event: string, error: unknown): ErrorBody => {
    if (!(error instanceof ParleyError)) log.error({ err: error, event, socket: socket.id }, 'socket handler failed')
    return toErrorBody(error)
  }
  const parse = <S extends z.ZodType>(event: string, schema: S, payload: unknown): z.output<S> => {
    const parsed = schema.safeParse(payload)
    if (!parsed.success) throw ValidationError.fromZod(`${event} payload`, parsed.error)
    return parsed.data
  }
  return {
    request(event, schema, handler) {
      socket.on(event, async (...args: unknown[]) => {
        const ack = args.at(-1)
        if (typeof ack !== 'function') {
          socket.emit('error', { code: 'bad_request', message: `${event} needs an acknowledgement callback` })
          return
        }
        let result: AckResult<unknown>
        try {
          result = { ok: true, data: await handler(parse(event, schema, args.length > 1 ? args[0] : undefined)) }
        } catch (error) {
          result = { ok: false, error: report(event, error) }
        }
        ;(ack as (result: AckResult<unknown>) => void)(result)
      })
    },
    notice(event, schema, handler) {
      socket.on(event, async (payload: unknown) => {
        try {
          await handler(parse(event, schema, payload))
        } catch (error) {
          const body = report(event, error)
          socket.emit('error', { ...body, message: `${event}: ${body.message}` })
        }
      })
    },
  }
}

/** Turn a thrown error into the shape socket.io middleware passes to `connect_error`. */
export function connectError(error: unknown, log: Logger): Error & { data: ErrorBody } {
  if (!(error instanceof ParleyError)) log.error({ err: error }, 'socket handshake failed')
  const body = toErrorBody(error)
  return Object.assign(new Error(body.message), { data: body })
}

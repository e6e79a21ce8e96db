/**
 * Named errors of the media layer. Each carries the same `code`/`status` pair as the
 * server's errors (the codes are members of the socket protocol's `ErrorCode`), so the
 * server's central error handler can map them without knowing mediasoup.
 */
import type { ErrorCode } from '../web/protocol/events.js'

export class MediaError extends Error {
  override name = 'MediaError'
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A method was called on a closed room, participant, leg, recorder or pool. */
export class InvalidStateError extends MediaError {
  override name = 'InvalidStateError'
  constructor(message: string) {
    super('invalid_state', 409, message)
  }
}

/** An id (participant, transport, producer, consumer, room) that the object does not own. */
export class MediaNotFoundError extends MediaError {
  override name = 'MediaNotFoundError'
  constructor(message: string) {
    super('not_found', 404, message)
  }
}

/** Creating something that already exists (a room id, a participant id, a leg id). */
export class MediaConflictError extends MediaError {
  override name = 'MediaConflictError'
  constructor(message: string) {
    super('conflict', 409, message)
  }
}

/** Input from a client that mediasoup refuses (bad DTLS/RTP parameters, unconsumable producer). */
export class MediaRequestError extends MediaError {
  override name = 'MediaRequestError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_request', 400, message, options)
  }
}

/** Invalid media options (a programming or deployment error, not a client's). */
export class MediaConfigError extends MediaError {
  override name = 'MediaConfigError'
  constructor(message: string) {
    super('internal', 500, message)
  }
}

/** The mediasoup worker binary is not built (it is not downloaded: see media/build-worker.sh). */
export class WorkerBinaryMissingError extends MediaError {
  override name = 'WorkerBinaryMissingError'
  constructor(readonly path: string) {
    super('internal', 500, `mediasoup worker binary not found at ${path}: run bash media/build-worker.sh`)
  }
}

/** No live worker could take the request (all restarting, or the pool could not start one). */
export class MediaUnavailableError extends MediaError {
  override name = 'MediaUnavailableError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('internal', 500, message, options)
  }
}

/** The recorder process could not start or did not produce a file. */
export class RecorderError extends MediaError {
  override name = 'RecorderError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('internal', 500, message, options)
  }
}

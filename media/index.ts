/**
 * The media layer's public surface: the server imports from here only. It never touches
 * mediasoup itself; rooms, participants and phone legs are reached through the MediaGateway.
 */
export {
  InvalidStateError,
  MediaConfigError,
  MediaConflictError,
  MediaError,
  MediaNotFoundError,
  MediaRequestError,
  MediaUnavailableError,
  RecorderError,
  WorkerBinaryMissingError,
} from './errors.js'
export { type MediaConfig, type MediaConfigInput, parseMediaConfig } from './media-config.js'
export { createMediaGateway, type MediaGateway, type MediaGatewayEvents, MediasoupGateway } from './media-gateway.js'
export type {
  ConsumerChange,
  ConsumerParams,
  MediaParticipant,
  ParticipantStats,
  ProduceOptions,
  TransportDirection,
  WebRtcTransportParams,
} from './media-participant.js'
export type { ActiveSpeakerEvent, MediaRoom, MediaRoomEvents, MediaRoomOptions, RoomClosedEvent, RoomCloseReason, RoomStats } from './media-room.js'
export type { DtmfEvent, PlainAudioLeg, PlainAudioLegOptions, PlainAudioLegStats, RemoteAddress } from './plain-audio-leg.js'
export type { RecordingFormat, RecordingResult } from './recorder.js'
export type { MediaFailedEvent, MediaFailureReason, MediaSource, ProducerInfo, RtpCounters, UsageEntry } from './types.js'
export { assertWorkerBinary, workerBinaryExists, workerBinaryPath } from './worker-binary.js'
export type { WorkerDiedEvent, WorkerInfo } from './worker-pool.js'

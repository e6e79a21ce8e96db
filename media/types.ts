/** Plain data types shared by the media layer's classes (no behaviour here). */
import type { types as ms } from 'mediasoup'

export type { ms }

/** What a producer carries: a participant's microphone, camera or screen, or a phone leg's audio. */
export type MediaSource = 'audio' | 'video' | 'screen' | 'phone'

/** Why a participant's media failed (closed union). */
export type MediaFailureReason = 'ice' | 'dtls' | 'timeout' | 'worker-died'

/** A participant's (or phone leg's) media stopped working. */
export interface MediaFailedEvent {
  roomId: string
  /** participant id, or the leg id for a phone leg */
  participantId: string
  reason: MediaFailureReason
  /** the transport or producer concerned, when there is one */
  transportId?: string
  producerId?: string
}

/** appData stored on every producer of a room. */
export interface ProducerAppData extends ms.AppData {
  participantId: string
  source: MediaSource
}

/** A producer as the rest of the room (and the server) sees it. */
export interface ProducerInfo {
  producerId: string
  participantId: string
  source: MediaSource
  kind: ms.MediaKind
  paused: boolean
}

/** Packet and byte counters. */
export interface RtpCounters {
  packets: number
  bytes: number
}

/** Media time of one participant and source, for usage records. */
export interface UsageEntry {
  participantId: string
  source: MediaSource
  seconds: number
}

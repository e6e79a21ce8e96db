/** The few RTP (RFC 3550) and telephone-event (RFC 4733) fields a phone leg reads or rewrites. */

const HEADER = 12

/** Whether `packet` looks like an RTP packet (version 2, long enough for its header). */
export function isRtp(packet: Buffer): boolean {
  if (packet.length < HEADER || packet[0]! >> 6 !== 2) return false
  return packet.length >= payloadOffset(packet)
}

export function payloadType(packet: Buffer): number {
  return packet[1]! & 0x7f
}

export function ssrcOf(packet: Buffer): number {
  return packet.readUInt32BE(8)
}

/** Overwrite the SSRC in place. */
export function setSsrc(packet: Buffer, ssrc: number): void {
  packet.writeUInt32BE(ssrc >>> 0, 8)
}

export function timestampOf(packet: Buffer): number {
  return packet.readUInt32BE(4)
}

/** Where the payload starts: after the CSRC list and the header extension, if any. */
function payloadOffset(packet: Buffer): number {
  let offset = HEADER + (packet[0]! & 0x0f) * 4
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return Number.MAX_SAFE_INTEGER
    offset += 4 + packet.readUInt16BE(offset + 2) * 4
  }
  return offset
}

export interface TelephoneEvent {
  /** 0-15: 0-9, *, #, A-D */
  event: number
  /** the key was released (the last packets of an event carry it) */
  end: boolean
  /** in RTP clock units (8000 Hz for PCMU calls) */
  duration: number
  /** RTP timestamp: the same for every packet of one key press */
  timestamp: number
}

/** Parse an RFC 4733 telephone-event payload; undefined when too short. */
export function parseTelephoneEvent(packet: Buffer): TelephoneEvent | undefined {
  const offset = payloadOffset(packet)
  if (packet.length < offset + 4) return undefined
  return {
    event: packet[offset]!,
    end: (packet[offset + 1]! & 0x80) !== 0,
    duration: packet.readUInt16BE(offset + 2),
    timestamp: timestampOf(packet),
  }
}

/** The key named by a telephone event, or undefined for non-DTMF events. */
export function dtmfDigit(event: number): string | undefined {
  return '0123456789*#ABCD'[event]
}

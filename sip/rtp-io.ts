/**
 * The media plane behind one call's RTP port, as the SIP layer sees it.
 *
 * The SIP layer never owns the RTP port: it only announces it in SDP. In the product the port
 * belongs to a mediasoup PlainTransport (`media/`), in tests and the load check to a
 * `RtpSocket`. Packet access is optional and only needed for RFC 4733 DTMF (sending digits,
 * hearing the caller's digits); without it DTMF goes as SIP INFO and inbound RFC 4733 is not
 * seen. media/ can implement it with a mediasoup DirectTransport next to the PlainTransport.
 */

/** Where the peer wants our RTP, from its SDP. */
export interface RemoteRtp {
  ip: string
  port: number
  /** RTCP port: `a=rtcp:` when given, else port + 1 (we never offer rtcp-mux; most trunks do not do it) */
  rtcpPort: number
  /** the peer's `a=` direction for the audio stream, from its point of view */
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive'
  /** negotiated RFC 4733 payload type, when the peer does telephone-event */
  dtmfPayloadType?: number
}

export interface RtpIo {
  /** Send one RTP packet to the peer (the media plane picks the address: SDP remote or latched source). */
  send(packet: Buffer): void
  /** Get every RTP packet the peer sends; returns the unsubscribe function. */
  subscribe(listener: (packet: Buffer) => void): () => void
  /** Learn (or re-learn after a re-INVITE) the peer's RTP address from SDP. */
  setRemote?(remote: RemoteRtp): void
}

/** Duck-typing check used by the zod schema (a class instance cannot be parsed structurally). */
export function isRtpIo(value: unknown): value is RtpIo {
  if (typeof value !== 'object' || value === null) return false
  const io = value as Record<string, unknown>
  return typeof io.send === 'function' && typeof io.subscribe === 'function' && (io.setRemote === undefined || typeof io.setRemote === 'function')
}

/**
 * The IPC protocol between the media forwarding bench (bench/media-forwarding.ts) and its two
 * SFU host processes: bench/bare-sfu.ts (mediasoup used directly) and bench/parley-sfu.ts
 * (the same worker behind media/). Each host runs one mediasoup worker; the bench is the RTP
 * load generator and reads the worker's and the host's CPU from /proc itself.
 */

/** One synthetic phone peer of the load generator: where the SFU sends to it, and its SSRC. */
export interface PeerAddress {
  ip: string
  rtpPort: number
  rtcpPort: number
  ssrc: number
}

export interface SetupRequest {
  rooms: number
  perRoom: number
  /** rooms × perRoom peers, room after room */
  peers: PeerAddress[]
  /** the worker's port range (the host's own sockets, if any, come from it too) */
  rtcMinPort: number
  rtcMaxPort: number
}

export interface SetupResult {
  workerPid: number
  /** where each peer sends its RTP and RTCP, in the order of `peers` */
  endpoints: { rtpPort: number; rtcpPort: number }[]
  producers: number
  consumers: number
}

/** What a host process implements. */
export interface SfuHost {
  setup(request: SetupRequest): Promise<SetupResult>
  /** host-specific counters (media failures seen, ...) */
  counters(): Record<string, number>
  close(): void
}

export type HostMessage = { type: 'setup'; request: SetupRequest } | { type: 'counters' }
export type HostRequest = HostMessage & { id: number }
export type HostReply = { id: number; ok: true; data: unknown } | { id: number; ok: false; error: string }

/** Answer the bench's requests over IPC, then say ready. */
export function serveSfuHost(host: SfuHost): void {
  process.on('message', (message: HostRequest) => {
    const answer = async (): Promise<unknown> => {
      if (message.type === 'setup') return host.setup(message.request)
      return host.counters()
    }
    answer().then(
      (data) => process.send?.({ id: message.id, ok: true, data } satisfies HostReply),
      (error: Error) => process.send?.({ id: message.id, ok: false, error: error.stack ?? error.message } satisfies HostReply),
    )
  })
  process.on('SIGTERM', () => {
    host.close()
    process.exit(0)
  })
  process.send?.({ type: 'ready', url: '' })
}

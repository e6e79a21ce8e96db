/**
 * The baseline for the media forwarding benchmark: mediasoup used directly, doing the least a
 * plain-RTP SFU must do. One router per room, one PlainTransport per peer (RTP and RTCP on
 * two ports, like a SIP peer), connected to the peer, producing its PCMU with the SSRC it
 * announced, and consuming every other peer of the room. Nothing else: no observers, no
 * stats polling, no relay.
 */
import * as mediasoup from 'mediasoup'
import type { types as ms } from 'mediasoup'
import { type SetupRequest, type SetupResult, serveSfuHost } from './sfu-host.js'

/** The same codecs as a Parley phone room's router (what they are barely matters to forwarding). */
const MEDIA_CODECS: ms.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  { kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 } },
  { kind: 'audio', mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, preferredPayloadType: 0 },
]
const PCMU_CAPABILITIES: ms.RtpCapabilities = {
  codecs: [{ kind: 'audio', mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, preferredPayloadType: 0 }],
  headerExtensions: [],
}

let worker: ms.Worker | undefined

async function setup(request: SetupRequest): Promise<SetupResult> {
  worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: request.rtcMinPort, rtcMaxPort: request.rtcMaxPort })
  const endpoints: SetupResult['endpoints'] = []
  let producers = 0
  let consumers = 0
  for (let room = 0; room < request.rooms; room++) {
    const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS })
    const members: { transport: ms.PlainTransport; producer: ms.Producer }[] = []
    for (let i = 0; i < request.perRoom; i++) {
      const peer = request.peers[room * request.perRoom + i]!
      const transport = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: false, comedia: false })
      await transport.connect({ ip: peer.ip, port: peer.rtpPort, rtcpPort: peer.rtcpPort })
      const producer = await transport.produce({
        kind: 'audio',
        rtpParameters: { codecs: [{ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 }], encodings: [{ ssrc: peer.ssrc }], rtcp: { cname: `peer-${room}-${i}` } },
      })
      producers++
      members.push({ transport, producer })
      endpoints.push({ rtpPort: transport.tuple.localPort, rtcpPort: transport.rtcpTuple!.localPort })
    }
    for (const receiver of members) {
      for (const sender of members) {
        if (sender === receiver) continue
        await receiver.transport.consume({ producerId: sender.producer.id, rtpCapabilities: PCMU_CAPABILITIES, paused: false })
        consumers++
      }
    }
  }
  return { workerPid: worker.pid, endpoints, producers, consumers }
}

serveSfuHost({
  setup,
  counters: () => ({}),
  close: () => worker?.close(),
})

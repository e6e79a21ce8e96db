/**
 * Parley's side of the media forwarding benchmark: the same load as bench/bare-sfu.ts through
 * media/ as the SIP bridge uses it. One phone room per room (router, active speaker observer,
 * media watchdog, usage meter), one PlainAudioLeg per peer (latching relay, SSRC rewrite,
 * DTMF detection), every leg hearing the others. Product defaults apart from the port range
 * and a single worker.
 */
import { type MediaConfigInput, MediasoupGateway, type MediaFailedEvent } from '../media/index.js'
import { type SetupRequest, type SetupResult, serveSfuHost } from './sfu-host.js'

let gateway: MediasoupGateway | undefined
const failures: Record<string, number> = {}

async function setup(request: SetupRequest): Promise<SetupResult> {
  // BENCH_MEDIA_OPTIONS: media options to try instead of the defaults (JSON), when looking for a cost
  const tried = JSON.parse(process.env.BENCH_MEDIA_OPTIONS ?? '{}') as MediaConfigInput
  gateway = await MediasoupGateway.start({ numWorkers: 1, listenIp: '127.0.0.1', rtcMinPort: request.rtcMinPort, rtcMaxPort: request.rtcMaxPort, ...tried })
  // Between its windows a leg gets no RTP and times out; counted, so the report can show it.
  gateway.on('media-failed', (event: MediaFailedEvent) => (failures[event.reason] = (failures[event.reason] ?? 0) + 1))
  const endpoints: SetupResult['endpoints'] = []
  let consumers = 0
  const legs = []
  for (let room = 0; room < request.rooms; room++) {
    const mediaRoom = await gateway.createRoom(`bench-room-${room}`, { phone: true })
    for (let i = 0; i < request.perRoom; i++) {
      const peer = request.peers[room * request.perRoom + i]!
      const leg = await mediaRoom.addPlainAudioLeg({ legId: `peer-${room}-${i}` })
      await leg.connect(peer.ip, peer.rtpPort, peer.rtcpPort)
      legs.push(leg)
      endpoints.push({ rtpPort: leg.localPort, rtcpPort: leg.localRtcpPort })
    }
  }
  // A leg consumes the producers added after it without waiting: let those consumers settle.
  const expected = request.rooms * request.perRoom * (request.perRoom - 1)
  for (let attempt = 0; attempt < 100 && consumers < expected; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    consumers = legs.reduce((sum, leg) => sum + leg.getStats().consumerIds.length, 0)
  }
  return { workerPid: gateway.workers()[0]!.pid!, endpoints, producers: legs.length, consumers }
}

serveSfuHost({
  setup,
  counters: () => Object.fromEntries(Object.entries(failures).map(([reason, count]) => [`media-failed:${reason}`, count])),
  close: () => gateway?.close(),
})

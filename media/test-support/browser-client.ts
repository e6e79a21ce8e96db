/**
 * Test client bundled with esbuild at test time and loaded into Chromium: mediasoup-client
 * talking to a MediaRoom through the harness's /rpc endpoint (as the server's socket events will).
 */
import { Device, type types } from 'mediasoup-client'

type Source = 'audio' | 'video' | 'screen'

const params = new URLSearchParams(location.search)
const roomId = params.get('room') ?? ''
const participantId = params.get('participant') ?? ''

async function rpc<T = unknown>(method: string, args: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch('/rpc', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ roomId, participantId, method, args }),
  })
  const body = (await response.json()) as { result?: T; error?: string }
  if (body.error) throw new Error(`${method}: ${body.error}`)
  return body.result as T
}

let device: types.Device | undefined
let sendTransport: types.Transport | undefined
let recvTransport: types.Transport | undefined
const producers = new Map<Source, types.Producer>()
const consumers = new Map<string, { consumer: types.Consumer; source: string; participantId: string }>()
let stream: MediaStream | undefined

async function join(): Promise<{ handler: string }> {
  device = await Device.factory()
  await device.load({ routerRtpCapabilities: await rpc<types.RtpCapabilities>('rtpCapabilities') })
  await rpc('join', { rtpCapabilities: device.rtpCapabilities })
  sendTransport = device.createSendTransport(await rpc('createTransport', { direction: 'send' }))
  recvTransport = device.createRecvTransport(await rpc('createTransport', { direction: 'recv' }))
  for (const transport of [sendTransport, recvTransport]) {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      rpc('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback)
    })
  }
  sendTransport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
    rpc<string>('produce', { transportId: sendTransport!.id, kind, rtpParameters, source: appData.source }).then((id) => callback({ id }), errback)
  })
  return { handler: device.handlerName }
}

/** Produce the fake microphone and/or camera; audioMimeType picks the audio codec (PCMU for phone rooms). */
async function produce(options: { audio?: boolean; video?: boolean; audioMimeType?: string }): Promise<Record<string, string>> {
  if (!device || !sendTransport) throw new Error('join first')
  stream = await navigator.mediaDevices.getUserMedia({ audio: options.audio ?? true, video: options.video ? { width: 320, height: 240, frameRate: 15 } : false })
  const out: Record<string, string> = {}
  for (const track of stream.getTracks()) {
    const source: Source = track.kind === 'audio' ? 'audio' : 'video'
    const codec = track.kind === 'audio' && options.audioMimeType ? device.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === options.audioMimeType!.toLowerCase()) : undefined
    const producer = await sendTransport.produce({ track, codec, appData: { source } })
    producers.set(source, producer)
    out[source] = producer.id
  }
  return out
}

/** Consume everything the others produce, and resume each consumer once its track is attached. */
async function consumeAll(): Promise<{ id: string; kind: string; source: string; participantId: string; mimeType: string }[]> {
  if (!recvTransport) throw new Error('join first')
  const list = await rpc<(types.ConsumerOptions & { participantId: string; source: string })[]>('consumeAll')
  const out = []
  for (const params of list) {
    const consumer = await recvTransport.consume({ id: params.id, producerId: params.producerId, kind: params.kind, rtpParameters: params.rtpParameters })
    const element = document.createElement(consumer.kind === 'audio' ? 'audio' : 'video')
    element.srcObject = new MediaStream([consumer.track])
    element.autoplay = true
    element.muted = true
    document.body.append(element)
    void element.play().catch(() => {})
    await rpc('resumeConsumer', { consumerId: consumer.id })
    consumers.set(consumer.id, { consumer, source: params.source, participantId: params.participantId })
    out.push({ id: consumer.id, kind: consumer.kind, source: params.source, participantId: params.participantId, mimeType: consumer.rtpParameters.codecs[0]?.mimeType ?? '' })
  }
  return out
}

/** inbound-rtp counters of every consumer, from RTCPeerConnection.getStats(). */
async function inboundStats(): Promise<{ consumerId: string; kind: string; source: string; participantId: string; packetsReceived: number; bytesReceived: number }[]> {
  const out = []
  for (const [consumerId, { consumer, source, participantId }] of consumers) {
    const report = await consumer.getStats()
    let packetsReceived = 0
    let bytesReceived = 0
    report.forEach((s) => {
      if (s.type === 'inbound-rtp') {
        packetsReceived += s.packetsReceived ?? 0
        bytesReceived += s.bytesReceived ?? 0
      }
    })
    out.push({ consumerId, kind: consumer.kind, source, participantId, packetsReceived, bytesReceived })
  }
  return out
}

/** Stop sending RTP for a source without telling the server (what a frozen or vanished client looks like). */
async function stopSending(source: Source): Promise<void> {
  await producers.get(source)?.replaceTrack({ track: null })
}

function connectionStates(): { send?: string; recv?: string } {
  return { send: sendTransport?.connectionState, recv: recvTransport?.connectionState }
}

/** Drop all client-side media state (before joining a re-created room). */
function reset(): void {
  for (const { consumer } of consumers.values()) consumer.close()
  consumers.clear()
  for (const producer of producers.values()) producer.close()
  producers.clear()
  sendTransport?.close()
  recvTransport?.close()
  for (const track of stream?.getTracks() ?? []) track.stop()
  sendTransport = recvTransport = device = stream = undefined
}

Object.assign(window, { mediaTest: { join, produce, consumeAll, inboundStats, stopSending, connectionStates, reset } })

// The SIP bench callee's RTP, in a worker thread of its own (as sipp's -rtp_echo runs in a
// thread of its own): `open` binds a UDP socket that sends every packet back to where it came
// from and answers with its port; `close` closes it. Plain JS: workers do not get tsx's loader.
import dgram from 'node:dgram'
import { parentPort } from 'node:worker_threads'

const sockets = new Map()

parentPort.on('message', (message) => {
  if (message.type === 'close') {
    sockets.get(message.port)?.close()
    sockets.delete(message.port)
    return
  }
  const socket = dgram.createSocket('udp4')
  let connected = false
  socket.on('error', () => undefined)
  socket.on('message', (packet, from) => {
    // connected after the first packet: no per-packet address to look up
    if (connected) return socket.send(packet)
    socket.connect(from.port, from.address, () => (connected = true))
    socket.send(packet, from.port, from.address)
  })
  socket.bind(0, '127.0.0.1', () => {
    const port = socket.address().port
    sockets.set(port, socket)
    parentPort.postMessage({ id: message.id, port })
  })
})

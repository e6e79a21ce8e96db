/**
 * The baseline for the chat fan-out benchmark: a bare socket.io relay doing the least a chat
 * server must do (join a room, forward a message to the room, ack the sender), nothing else.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'

const server = http.createServer()
const io = new Server(server, { maxHttpBufferSize: 64 * 1024 })
io.on('connection', (socket) => {
  socket.on('join', (room: string, ack: () => void) => {
    void socket.join(room)
    ack()
  })
  socket.on('msg', (message: { room: string; id: string; text: string }, ack: (result: { ok: true }) => void) => {
    socket.to(message.room).emit('msg', message)
    ack({ ok: true })
  })
})
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
})
process.on('SIGTERM', () => io.close(() => process.exit(0)))

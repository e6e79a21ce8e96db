/**
 * A round-robin TCP load balancer for multi-node tests, as a real deployment has in front of
 * its nodes: each new connection goes to the next backend that accepts it; a backend that
 * refuses (a killed node) is skipped. Remembers which backend each connection reached.
 */
import net from 'node:net'

export interface Backend {
  name: string
  port: number
}

export class TcpBalancer {
  readonly connections: { backend: string }[] = []
  private readonly server = net.createServer((client) => this.forward(client))
  private readonly sockets = new Set<net.Socket>()
  private backends: Backend[] = []
  private next = 0

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    return (this.server.address() as net.AddressInfo).port
  }

  setBackends(backends: Backend[]): void {
    this.backends = backends
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private forward(client: net.Socket): void {
    this.sockets.add(client)
    client.once('close', () => this.sockets.delete(client))
    client.on('error', () => client.destroy())
    client.pause()
    this.connect(client, 0)
  }

  /** Try the next backend; one that refuses the connection is skipped. */
  private connect(client: net.Socket, tried: number): void {
    if (client.destroyed) return
    if (this.backends.length === 0 || tried >= this.backends.length) return void client.destroy()
    const backend = this.backends[this.next++ % this.backends.length]!
    const upstream = net.connect(backend.port, '127.0.0.1')
    let connected = false
    this.sockets.add(upstream)
    upstream.once('close', () => {
      this.sockets.delete(upstream)
      if (connected) client.destroy()
    })
    upstream.once('connect', () => {
      connected = true
      this.connections.push({ backend: backend.name })
      upstream.pipe(client)
      client.pipe(upstream)
      client.resume()
      client.once('close', () => upstream.destroy())
    })
    upstream.once('error', () => {
      upstream.destroy()
      if (!connected) this.connect(client, tried + 1)
    })
  }
}

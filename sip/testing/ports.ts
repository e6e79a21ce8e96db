/**
 * Free local ports for peers we start (sipp, baresip) that cannot be told "port 0" and report
 * back. A port is handed out only if both UDP and TCP can bind it, and never twice per process.
 */
import dgram from 'node:dgram'
import fs from 'node:fs'
import net from 'node:net'

const handedOut = new Set<number>()

function udpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4')
    socket.once('error', () => {
      socket.close()
      resolve(false)
    })
    socket.bind(port, host, () => socket.close(() => resolve(true)))
  })
}

function tcpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen(port, host, () => server.close(() => resolve(true)))
  })
}

/** A port free on UDP and TCP (and, with `span`, the next span-1 ports too). */
export async function freePort(options: { host?: string; span?: number; even?: boolean } = {}): Promise<number> {
  const host = options.host ?? '127.0.0.1'
  const span = options.span ?? 1
  for (let attempt = 0; attempt < 200; attempt++) {
    // random high ports: parallel test files rarely collide, and the kernel's ephemeral range is avoided
    let port = 20_000 + Math.floor(Math.random() * 30_000)
    if (options.even) port -= port % 2
    const ports = Array.from({ length: span }, (_, i) => port + i)
    if (ports.some((p) => handedOut.has(p))) continue
    const checks = await Promise.all(ports.map(async (p) => (await udpFree(p, host)) && (await tcpFree(p, host))))
    if (checks.every(Boolean)) {
      for (const p of ports) handedOut.add(p)
      return port
    }
  }
  throw new Error('no free port found')
}

/** Local ports in a /proc/net table (optionally only sockets in one state, e.g. 0A = LISTEN). */
function procPorts(table: 'udp' | 'tcp', state?: string): Set<number> {
  const ports = new Set<number>()
  for (const file of [`/proc/net/${table}`, `/proc/net/${table}6`]) {
    let text = ''
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      if (fields.length < 4) continue
      if (state && fields[3] !== state) continue
      const port = parseInt(fields[1]!.split(':')[1] ?? '', 16)
      if (Number.isInteger(port)) ports.add(port)
    }
  }
  return ports
}

/**
 * True once something (sipp, baresip) has bound the UDP port. Reads /proc instead of trying
 * to bind: a probe bind could steal the port from the process that is about to take it.
 */
export function udpPortTaken(port: number): boolean {
  return procPorts('udp').has(port)
}

/** True once something listens on the TCP port (without connecting to it). */
export function tcpListening(port: number): boolean {
  return procPorts('tcp', '0A').has(port)
}

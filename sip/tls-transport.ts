/**
 * SIP over TLS (RFC 3261 26.2, "sip:...;transport=tls", Via SIP/2.0/TLS) for sip.js in Node:
 * the TCP transport with `tls` sockets. Outbound connections verify the trunk's certificate
 * (Node's roots or the configured CA; SNI = `servername` or the trunk host). Inbound
 * connections need a certificate and key; without them we only talk TLS on connections we
 * open, which is how most trunks work (they reuse our connection for calls to us).
 */
import type net from 'node:net'
import tls from 'node:tls'
import { isIP } from 'node:net'
import type { Peer } from './raw-message.js'
import type { SipProtocol, SipTransportOptions } from './sip-transport.js'
import { TcpTransport } from './tcp-transport.js'

export class TlsTransport extends TcpTransport {
  override readonly protocol: SipProtocol = 'TLS'

  constructor(sipjsLogger: unknown, options: SipTransportOptions) {
    super(sipjsLogger, options)
  }

  protected override createServer(onConnection: (socket: net.Socket) => void): net.Server | undefined {
    const settings = this.options.tls
    if (!settings?.cert || !settings.key) return undefined
    return tls.createServer({ cert: settings.cert, key: settings.key, ca: settings.ca, minVersion: 'TLSv1.2' }, onConnection)
  }

  protected override dial(dest: Peer): net.Socket {
    const settings = this.options.tls
    const servername = settings?.servername ?? (isIP(dest.host) ? undefined : dest.host)
    return tls.connect({
      host: dest.host,
      port: dest.port,
      servername,
      ca: settings?.ca,
      rejectUnauthorized: settings?.rejectUnauthorized ?? true,
      minVersion: 'TLSv1.2',
    })
  }

  protected override get readyEvent(): string {
    return 'secureConnect'
  }
}

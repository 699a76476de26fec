import { createServer, type IncomingMessage } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createProxy, type ProxyServer } from 'proxy'

export interface ProxyLogEntry {
  /** GET, POST, … for a forwarded request; CONNECT for a tunnel */
  method: string
  /** the absolute URI of a forwarded request, host:port of a tunnel */
  target: string
  proxyAuthorization?: string
}

/**
 * A real forward proxy (the `proxy` package: plain HTTP forwarding and CONNECT tunnels) on
 * 127.0.0.1, with a log of what it served; over TLS (an https:// proxy URL) when given a certificate. It connects on from 127.0.0.2, so the servers behind it
 * can tell its connections from direct ones.
 */
export class ForwardProxy {
  static readonly FROM = '127.0.0.2'
  readonly log: ProxyLogEntry[] = []

  private constructor(
    private readonly server: ProxyServer,
    readonly url: string,
  ) {}

  static async start(tls?: { key: string; cert: string }): Promise<ForwardProxy> {
    const server = createProxy(tls ? createTlsServer(tls) : createServer())
    server.localAddress = ForwardProxy.FROM
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const proxy = new ForwardProxy(server, `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`)
    const record = (req: IncomingMessage) =>
      proxy.log.push({
        method: req.method ?? '',
        target: req.url ?? '',
        ...(req.headers['proxy-authorization'] !== undefined && { proxyAuthorization: req.headers['proxy-authorization'] }),
      })
    server.on('request', record)
    server.on('connect', record)
    return proxy
  }

  /** The proxy URL with credentials in it, as users put them in HTTPS_PROXY. */
  urlWith(user: string, password: string): string {
    const url = new URL(this.url)
    url.username = encodeURIComponent(user)
    url.password = encodeURIComponent(password)
    return url.href
  }

  /** From now on, only requests with these Basic credentials are served (407 otherwise); none: every request. */
  requireCredentials(credentials?: { user: string; password: string }): void {
    const expected = credentials && `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`
    this.server.authenticate = expected === undefined ? undefined : (req) => req.headers['proxy-authorization'] === expected
  }

  get forwarded(): ProxyLogEntry[] {
    return this.log.filter((entry) => entry.method !== 'CONNECT')
  }

  get tunnels(): string[] {
    return this.log.filter((entry) => entry.method === 'CONNECT').map((entry) => entry.target)
  }

  reset(): void {
    this.log.length = 0
    this.requireCredentials(undefined)
  }

  close(): Promise<void> {
    this.server.closeAllConnections()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

/** An address on 127.0.0.1 where nothing listens: a proxy that is down. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const HAS_OPENSSL = spawnSync('openssl', ['version']).status === 0

export interface Certificate {
  key: string
  cert: string
  /** the certificate's file, for NODE_EXTRA_CA_CERTS */
  file: string
  remove(): void
}

/** A throwaway self-signed certificate for 127.0.0.1 and localhost, made with the openssl CLI. */
export function selfSignedCertificate(): Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'))
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')]
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  )
  return {
    key: readFileSync(key, 'utf8'),
    cert: readFileSync(cert, 'utf8'),
    file: cert,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/**
 * An HTTPS reverse server in front of an http:// origin (the emulator, the fake GitHub): the same
 * API at an https:// URL. It notes where each request came from.
 */
export class TlsFront {
  readonly seen: { method: string; path: string; from: string }[] = []

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(target: string, certificate: Certificate): Promise<TlsFront> {
    const started: { front?: TlsFront } = {}
    const server = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
      started.front?.seen.push({ method: req.method ?? '', path: req.url ?? '', from: req.socket.remoteAddress ?? '' })
      const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      upstream.on('error', () => res.destroy())
      req.pipe(upstream)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    started.front = new TlsFront(server, `https://127.0.0.1:${(server.address() as AddressInfo).port}`)
    return started.front
  }

  get hostPort(): string {
    return new URL(this.origin).host
  }

  close(): Promise<void> {
    this.server.closeAllConnections()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

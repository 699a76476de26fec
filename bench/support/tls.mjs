// A throwaway self-signed certificate for 127.0.0.1, made with the openssl CLI as
// test/support/tls.ts makes its own: the bundles trust it through NODE_EXTRA_CA_CERTS, as they
// would trust a platform's certificate. Nothing is downloaded.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function selfSignedCertificate() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tls-'))
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')]
  // prettier-ignore
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' })
  return {
    key: readFileSync(key, 'utf8'),
    cert: readFileSync(cert, 'utf8'),
    /** the certificate's file, for NODE_EXTRA_CA_CERTS */
    file: cert,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

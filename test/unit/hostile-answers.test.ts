import { gzipSync } from 'node:zlib'
import { MockAgent } from 'undici'
import { describe, expect, it } from 'vitest'
import { HttpClient } from '../../src/shared/http/client.js'
import { Redactor } from '../../src/shared/http/redactor.js'
import type { Credentials, PlatformName } from '../../src/shared/platforms/terms.js'
import { FACTORIES } from '../support/platform-factories.js'

const PLATFORMS: [PlatformName, Credentials, { service: string; project?: string; application?: string }][] = [
  ['jelastic', { token: 'jelastic-token-1' }, { service: 'shop' }],
  ['servicestage', { token: 'servicestage-token-1' }, { service: 'shop', project: 'p1', application: 'a1' }],
  ['alauda', { token: 'alauda-token-1' }, { service: 'shop', project: 'team' }],
  ['netease', { token: 'netease-token-1' }, { service: 'shop' }],
  ['rancher', { accessKey: 'access-1', secretKey: 'secret-key-1' }, { service: 'shop/web', project: '1a5' }],
]

/** 200s that are not the platform's JSON: what a gateway, a login page or a broken proxy answers. */
const DISGUISES: [string, string, Buffer][] = [
  ['an HTML page', 'text/html', Buffer.from('<!DOCTYPE html><html><body>Sign in</body></html>')],
  ['plain text', 'text/plain', Buffer.from('OK')],
  ['a bare JSON number', 'text/plain', Buffer.from('1')],
  ['gzip bytes', 'application/json', gzipSync('{"result":0}')],
  ['binary bytes', 'application/octet-stream', Buffer.from([0x00, 0xff, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x9b, 0x0d, 0x0a])],
  ['an empty body', 'application/json', Buffer.alloc(0)],
]

function platformAnswering(name: PlatformName, credentials: Credentials, type: string, body: Buffer) {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const redactor = new Redactor()
  const http = new HttpClient({ redactor, dispatcher: agent, sleep: async () => {}, backoff: { attempts: 2, baseMs: 1, capMs: 1 } })
  agent
    .get('https://api.example.com')
    .intercept({ path: () => true, method: () => true })
    .reply(200, body, { headers: { 'content-type': type } })
    .persist()
  return FACTORIES[name]({
    apiUrl: new URL('https://api.example.com'),
    credentials,
    http,
    log: () => {},
    warn: () => {},
    deadline: () => Date.now() + 30_000,
  })
}

describe('a 200 that is not what it claims', () => {
  for (const [platform, credentials, ref] of PLATFORMS) {
    it.each(DISGUISES)(`${platform}: %s is "could not be read", never "not found", and shows no binary byte`, async (_what, type, body) => {
      const error = await platformAnswering(platform, credentials, type, body)
        .describe(ref)
        .then(
          (state) => new Error(`read as ${JSON.stringify(state)}`),
          (e: Error) => e,
        )
      expect(error.message).toContain(`${platform}: `)
      expect(error.message).toMatch(/answer could not be read \(HTTP 200, (not a Jelastic JSON envelope, )?content-type /)
      expect(error.message).not.toMatch(/not found/i)
      // eslint-disable-next-line no-control-regex -- no control byte may be shown
      expect(error.message).not.toMatch(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f\ufffd]/)
    })
  }
})

import { describe, expect, it } from 'vitest'
import { signRequest } from '../../src/shared/platforms/servicestage/signer.js'

/**
 * Known answers computed by the vendor's own signer (huaweicloud-sdk-python-v3 @ 343a486b5c8ab656611159f314df6e575d0f6398,
 * huaweicloudsdkcore/signer/signer.py `Signer.sign`, run on these requests with
 * X-Sdk-Date 20261202T050000Z, host 127.0.0.1:8080, the headers accept and content-type).
 */
const KEY = { accessKey: 'AKEXAMPLE0123', secretKey: 'secret/key+example==' }
const NOW = new Date('2026-12-02T05:00:00Z')
const HEADERS = { accept: 'application/json', 'content-type': 'application/json;charset=utf8' }

const VECTORS = [
  {
    method: 'PUT' as const,
    url: 'http://127.0.0.1:8080/servicestage/v3/p1/cas/applications/a1/components/c-1',
    body: '{"version":"1.0.1","name":"shop"}',
    signature: 'be89b587c74c7c3c012f90813ee4c3c3996904dff8fccc05759d826c2471afed',
  },
  {
    method: 'GET' as const,
    url: 'http://127.0.0.1:8080/servicestage/v3/p1/cas/applications/a1/components?offset=0&limit=50',
    body: undefined,
    signature: '23fe1b460f3fe55dc267fbe1b9ffca5c88ed520174c7449f8723dea60cc9673a',
  },
  {
    method: 'GET' as const,
    url: 'http://127.0.0.1:8080/v3/p%201/cas/jobs/JOB~x?b=x%20y&a=2',
    body: undefined,
    signature: '45ea7224055fa8ddf4a783b78c10b2370361267fa26d9b65cbc79455dcaecbac',
  },
]

describe('SDK-HMAC-SHA256 signing (ServiceStage AK/SK)', () => {
  for (const vector of VECTORS) {
    it(`signs ${vector.method} ${new URL(vector.url).pathname} as the vendor's SDK does`, () => {
      const headers = signRequest(KEY, { method: vector.method, url: new URL(vector.url), headers: HEADERS, body: vector.body }, NOW)
      expect(headers).toEqual({
        'x-sdk-date': '20261202T050000Z',
        host: '127.0.0.1:8080',
        authorization: `SDK-HMAC-SHA256 Access=AKEXAMPLE0123, SignedHeaders=accept;content-type;host;x-sdk-date, Signature=${vector.signature}`,
      })
    })
  }

  it('signs a changed body, path or date differently', () => {
    const base = { method: 'PUT' as const, url: new URL(VECTORS[0]?.url ?? ''), headers: HEADERS, body: VECTORS[0]?.body }
    const signatures = new Set(
      [
        signRequest(KEY, base, NOW),
        signRequest(KEY, { ...base, body: '{}' }, NOW),
        signRequest(KEY, { ...base, url: new URL('http://127.0.0.1:8080/servicestage/v3/p1/cas/applications/a1/components/c-2') }, NOW),
        signRequest(KEY, base, new Date('2026-12-02T05:00:01Z')),
      ].map((headers) => headers.authorization),
    )
    expect(signatures.size).toBe(4)
  })
})

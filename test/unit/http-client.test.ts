import { createServer } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { Agent, EnvHttpProxyAgent, MockAgent } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { backoffDelay, parseRetryAfter } from '../../src/shared/http/backoff.js'
import { HttpClient } from '../../src/shared/http/client.js'
import { dispatcherFromEnv } from '../../src/shared/http/dispatcher.js'
import { NetworkError } from '../../src/shared/http/errors.js'
import { Redactor } from '../../src/shared/http/redactor.js'

const ORIGIN = 'https://api.example.test'

function setup(options: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const sleeps: number[] = []
  const logs: string[] = []
  const redactor = new Redactor()
  const client = new HttpClient({
    redactor,
    dispatcher: agent,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0.5,
    log: (message) => logs.push(message),
    ...options,
  })
  return { agent, pool: agent.get(ORIGIN), client, sleeps, logs, redactor }
}

describe('HttpClient retries', () => {
  it('retries an idempotent request through a burst of 503 answers', async () => {
    const { pool, client, sleeps } = setup()
    pool.intercept({ path: '/things', method: 'GET' }).reply(503, 'busy').times(3)
    pool.intercept({ path: '/things', method: 'GET' }).reply(200, '{"ok":true}')
    const response = await client.send({ method: 'GET', url: `${ORIGIN}/things` })
    expect(response.status).toBe(200)
    expect(sleeps).toHaveLength(3)
  })

  it('backs off exponentially, with jitter, up to the cap', () => {
    const policy = { attempts: 10, baseMs: 100, capMs: 1000 }
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000])
    expect(backoffDelay(policy, 3, () => 0)).toBe(400)
  })

  it('honours Retry-After on a 429, even for a request that is not idempotent', async () => {
    const { pool, client, sleeps } = setup()
    pool.intercept({ path: '/deploy', method: 'POST' }).reply(429, 'slow down', { headers: { 'retry-after': '2' } })
    pool.intercept({ path: '/deploy', method: 'POST' }).reply(200, 'done')
    const response = await client.send({ method: 'POST', url: `${ORIGIN}/deploy`, json: {} })
    expect(response.text).toBe('done')
    expect(sleeps).toEqual([2000])
  })

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('3')).toBe(3000)
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000)
    expect(parseRetryAfter('soon')).toBeUndefined()
  })

  it('never repeats a POST that got a 503: the platform may have done it', async () => {
    const { pool, client, sleeps } = setup()
    pool.intercept({ path: '/deploy', method: 'POST' }).reply(503, 'oops')
    const response = await client.send({ method: 'POST', url: `${ORIGIN}/deploy`, json: {} })
    expect(response.status).toBe(503)
    expect(sleeps).toEqual([])
  })

  it('retries a connection reset on an idempotent request and gives up after the last attempt', async () => {
    const { pool, client, sleeps } = setup({ backoff: { attempts: 3, baseMs: 10, capMs: 100 } })
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    pool.intercept({ path: '/things', method: 'GET' }).replyWithError(reset).times(3)
    const error = await client.send({ method: 'GET', url: `${ORIGIN}/things` }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as NetworkError).message).toContain('after 3 attempts')
    expect(sleeps).toHaveLength(2)
  })

  it('does not retry past the deadline', async () => {
    const { pool, client, sleeps } = setup({ deadline: () => Date.now() + 50 })
    pool.intercept({ path: '/things', method: 'GET' }).reply(503, 'busy', { headers: { 'retry-after': '5' } })
    const response = await client.send({ method: 'GET', url: `${ORIGIN}/things` })
    expect(response.status).toBe(503)
    expect(sleeps).toEqual([])
  })

  it('retries answers a platform calls throttling', async () => {
    const { pool, client } = setup()
    pool.intercept({ path: '/apps', method: 'POST' }).reply(403, '{"code":4030001}')
    pool.intercept({ path: '/apps', method: 'POST' }).reply(201, '{}')
    const throttled = (response: { text: string }) => response.text.includes('4030001')
    expect((await client.send({ method: 'POST', url: `${ORIGIN}/apps`, json: {}, throttled })).status).toBe(201)
  })
})

describe('HttpClient timeouts and redaction', () => {
  it('times out a request that does not answer', async () => {
    const { pool, client } = setup({ backoff: { attempts: 1, baseMs: 0, capMs: 0 } })
    pool.intercept({ path: '/slow', method: 'GET' }).reply(200, 'late').delay(500)
    const error = await client.send({ method: 'GET', url: `${ORIGIN}/slow`, timeoutMs: 50 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as Error).message).toMatch(/no answer within 50 ms/)
  })

  it('removes secrets from error messages, raw and URL-encoded', async () => {
    const { pool, client, redactor } = setup({ backoff: { attempts: 1, baseMs: 0, capMs: 0 } })
    redactor.add('s3cr3t/+=session')
    pool
      .intercept({ path: /\/x\/.*/, method: 'GET' })
      .replyWithError(Object.assign(new Error('refused s3cr3t/+=session'), { code: 'ECONNREFUSED' }))
    const error = (await client
      .send({ method: 'GET', url: `${ORIGIN}/x/${encodeURIComponent('s3cr3t/+=session')}` })
      .catch((e: unknown) => e)) as Error
    expect(error.message).not.toContain('s3cr3t')
    expect(error.message).toContain('***')
  })

  it('masks every form of a secret as soon as it is known', () => {
    const masked: string[] = []
    const redactor = new Redactor((secret) => masked.push(secret))
    redactor.add('a b&c')
    expect(masked).toEqual(['a b&c', 'a%20b%26c', 'a+b%26c'])
    expect(redactor.redact('session=a+b%26c&x=a b&c')).toBe('session=***&x=***')
  })
})

describe('proxies', () => {
  const saved = { ...process.env }
  afterEach(() => {
    process.env = { ...saved }
  })

  it('uses a proxy agent only when a proxy is set', async () => {
    expect(await dispatcherFromEnv({})).toBeInstanceOf(Agent)
    expect(await dispatcherFromEnv({ HTTPS_PROXY: 'http://proxy:3128' })).toBeInstanceOf(EnvHttpProxyAgent)
  })

  it('tunnels requests through HTTP_PROXY, and goes straight to hosts in NO_PROXY', async () => {
    const platform = createServer((_req, res) => res.end('{"via":"proxy"}'))
    const direct = createServer((_req, res) => res.end('{"via":"direct"}'))
    const proxy = createServer()
    const tunnels: string[] = []
    // undici's proxy agent opens a CONNECT tunnel; this proxy sends every tunnel to `platform`
    proxy.on('connect', (req, socket) => {
      tunnels.push(req.url ?? '')
      const upstream = connect((platform.address() as AddressInfo).port, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.pipe(socket)
        socket.pipe(upstream)
      })
    })
    for (const server of [platform, direct, proxy]) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
      process.env.NO_PROXY = 'localhost'
      const client = new HttpClient({ redactor: new Redactor(), dispatcher: await dispatcherFromEnv() })
      const viaProxy = await client.send({ method: 'GET', url: 'http://platform.example.test/api' })
      expect(viaProxy.text).toBe('{"via":"proxy"}')
      expect(tunnels).toEqual(['platform.example.test:80'])
      const skipped = await client.send({ method: 'GET', url: `http://localhost:${(direct.address() as AddressInfo).port}/` })
      expect(skipped.text).toBe('{"via":"direct"}')
      expect(tunnels).toHaveLength(1)
    } finally {
      for (const server of [platform, direct, proxy]) server.closeAllConnections()
      for (const server of [platform, direct, proxy]) server.close()
    }
  })
})

describe('HttpClient under the deadline and with answers it cannot use', () => {
  it('cuts every attempt to what is left of the deadline, whatever its own limit', async () => {
    const { pool, client } = setup({ deadline: () => Date.now() + 80, timeoutMs: 30_000 })
    pool.intercept({ path: '/hang', method: 'GET' }).reply(200, '{}').delay(400)
    const error = (await client.send({ method: 'GET', url: `${ORIGIN}/hang` }).catch((e: unknown) => e)) as NetworkError
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toMatch(/no answer within (7\d|80) ms/)
  })

  it('sends nothing once the deadline has passed', async () => {
    const { client } = setup({ deadline: () => Date.now() - 1 })
    const error = (await client.send({ method: 'GET', url: `${ORIGIN}/late` }).catch((e: unknown) => e)) as NetworkError
    expect(error.code).toBe('DEADLINE')
    expect(error.message).toContain("the action's deadline (timeout) passed")
  })

  it('refuses an answer larger than the cap without keeping it', async () => {
    const { pool, client } = setup({ maxBodyBytes: 1024 })
    pool.intercept({ path: '/big', method: 'GET' }).reply(200, 'x'.repeat(4096))
    const error = (await client.send({ method: 'GET', url: `${ORIGIN}/big` }).catch((e: unknown) => e)) as NetworkError
    expect(error.code).toBe('BODY_TOO_LARGE')
    expect(error.message).toContain('larger than')
  })

  it('retries a read whose 200 answer is not JSON, and names it unreadable when it stays so', async () => {
    const { pool, client, sleeps } = setup({ backoff: { attempts: 3, baseMs: 1, capMs: 1 } })
    pool.intercept({ path: '/env', method: 'GET' }).reply(200, '{"result": 0, "env": {')
    pool.intercept({ path: '/env', method: 'GET' }).reply(200, '{"result":0}')
    expect((await client.send({ method: 'GET', url: `${ORIGIN}/env`, expectJson: true })).text).toBe('{"result":0}')
    expect(sleeps).toHaveLength(1)
    pool.intercept({ path: '/env', method: 'GET' }).reply(200, '<html>gateway</html>').times(3)
    const error = (await client.send({ method: 'GET', url: `${ORIGIN}/env`, expectJson: true }).catch((e: unknown) => e)) as NetworkError
    expect(error.code).toBe('UNREADABLE')
    expect(error.message).toContain("the platform's answer could not be read")
  })

  it('never repeats a write whose answer was unreadable or cut off: the caller settles it', async () => {
    const { pool, client, sleeps } = setup()
    pool.intercept({ path: '/deploy', method: 'POST' }).reply(200, 'not json')
    const unreadable = (await client
      .send({ method: 'POST', url: `${ORIGIN}/deploy`, json: {}, expectJson: true })
      .catch((e: unknown) => e)) as NetworkError
    expect(unreadable.code).toBe('UNREADABLE')
    pool
      .intercept({ path: '/deploy', method: 'POST' })
      .replyWithError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }))
    const reset = (await client.send({ method: 'POST', url: `${ORIGIN}/deploy`, json: {} }).catch((e: unknown) => e)) as NetworkError
    expect(reset.code).toBe('UND_ERR_SOCKET')
    expect(sleeps).toEqual([])
  })

  it('names the platform, the operation and the service in a network failure', async () => {
    const { pool, client } = setup({ backoff: { attempts: 1, baseMs: 0, capMs: 0 } })
    pool
      .intercept({ path: '/changetopology', method: 'POST' })
      .replyWithError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }))
    const error = (await client
      .send({ method: 'POST', url: `${ORIGIN}/changetopology`, about: { platform: 'jelastic', operation: 'scale', target: 'green' } })
      .catch((e: unknown) => e)) as NetworkError
    expect(error.message).toMatch(
      /^jelastic: scale of "green" got no answer: POST https:\/\/api\.example\.test\/changetopology: other side closed/,
    )
  })
})

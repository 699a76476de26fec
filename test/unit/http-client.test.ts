import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createProxy } from 'proxy'
import { Agent, Dispatcher, EnvHttpProxyAgent, MockAgent } from 'undici'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { backoffDelay, parseRetryAfter } from '../../src/shared/http/backoff.js'
import { HttpClient } from '../../src/shared/http/client.js'
import { clientOptions, dispatcherFromEnv, NoProxy, proxyFor, readProxyEnv } from '../../src/shared/http/dispatcher.js'
import { NetworkError } from '../../src/shared/http/errors.js'
import { Redactor } from '../../src/shared/http/redactor.js'
import { secrets } from '../../src/shared/http/secrets.js'

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
    // raw, URL-encoded, form-encoded, and JSON with Gson's \u escape of &
    expect(masked).toEqual(['a b&c', 'a%20b%26c', 'a+b%26c', 'a b\\u0026c'])
    expect(redactor.redact('session=a+b%26c&x=a b&c')).toBe('session=***&x=***')
  })
})

describe('the proxy variables', () => {
  const env = (vars: Record<string, string>) => readProxyEnv(vars)
  const via = (vars: Record<string, string>, url: string) => proxyFor(readProxyEnv(vars), new URL(url))?.name

  it('sends https:// through HTTPS_PROXY and http:// through HTTP_PROXY, and nothing else', () => {
    const both = { HTTPS_PROXY: 'http://secure:3128', HTTP_PROXY: 'http://plain:3128' }
    expect(via(both, 'https://api.example.com/x')).toBe('HTTPS_PROXY')
    expect(via(both, 'http://api.example.com/x')).toBe('HTTP_PROXY')
    // as curl: no falling back from one scheme's proxy to the other's
    expect(via({ HTTP_PROXY: 'http://plain:3128' }, 'https://api.example.com/')).toBeUndefined()
    expect(via({ HTTPS_PROXY: 'http://secure:3128' }, 'http://api.example.com/')).toBeUndefined()
  })

  it('lets the lower-case name win, and an empty one turn the proxy off', () => {
    expect(env({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }).https?.url?.host).toBe('lower:1')
    expect(env({ http_proxy: 'http://lower:1', HTTP_PROXY: 'http://upper:2' }).http?.name).toBe('http_proxy')
    expect(env({ https_proxy: '', HTTPS_PROXY: 'http://upper:2' }).https).toBeUndefined()
    expect(env({ no_proxy: 'lower.test', NO_PROXY: 'upper.test' }).noProxy.matches(new URL('http://lower.test'))).toBe(true)
    expect(env({ no_proxy: 'lower.test', NO_PROXY: 'upper.test' }).noProxy.matches(new URL('http://upper.test'))).toBe(false)
  })

  it('reads a proxy without a scheme as http://, and keeps an unusable one as unusable', () => {
    expect(env({ HTTPS_PROXY: 'proxy.corp:3128' }).https?.url?.href).toBe('http://proxy.corp:3128/')
    expect(env({ HTTPS_PROXY: 'https://proxy.corp' }).https?.url?.href).toBe('https://proxy.corp/')
    expect(env({ HTTPS_PROXY: 'socks5://proxy.corp:1080' }).https).toEqual({ name: 'HTTPS_PROXY', url: undefined })
    expect(env({ HTTPS_PROXY: 'http://' }).https).toEqual({ name: 'HTTPS_PROXY', url: undefined })
  })
})

describe('NO_PROXY', () => {
  const matches = (noProxy: string, url: string) => new NoProxy(noProxy).matches(new URL(url))

  it('matches host names exactly, and every name under a domain', () => {
    expect(matches('localhost', 'http://localhost:8080/')).toBe(true)
    expect(matches('localhost', 'http://localhost.example/')).toBe(false)
    for (const entry of ['example.com', '.example.com', '*.example.com', 'EXAMPLE.COM.']) {
      expect(matches(entry, 'https://example.com/'), entry).toBe(true)
      expect(matches(entry, 'https://api.EXAMPLE.com/'), entry).toBe(true)
      expect(matches(entry, 'https://a.b.example.com/'), entry).toBe(true)
      expect(matches(entry, 'https://badexample.com/'), entry).toBe(false)
      expect(matches(entry, 'https://example.com.evil.test/'), entry).toBe(false)
    }
  })

  it('limits an entry with a port to that port, the scheme default when the URL has none', () => {
    expect(matches('api.example.com:8443', 'https://api.example.com:8443/')).toBe(true)
    expect(matches('api.example.com:8443', 'https://api.example.com/')).toBe(false)
    expect(matches('api.example.com:443', 'https://api.example.com/')).toBe(true)
    expect(matches('api.example.com:443', 'http://api.example.com/')).toBe(false)
    expect(matches('.example.com:80', 'http://www.example.com/')).toBe(true)
  })

  it('matches IP addresses and CIDR ranges, IPv4 and IPv6, never as a suffix of a name', () => {
    expect(matches('127.0.0.1', 'http://127.0.0.1:4000/')).toBe(true)
    expect(matches('0.0.1', 'http://127.0.0.1/')).toBe(false)
    expect(matches('127.0.0.1', 'http://localhost/')).toBe(false)
    expect(matches('10.0.0.0/8', 'https://10.1.2.3/')).toBe(true)
    expect(matches('10.0.0.0/8', 'https://11.1.2.3/')).toBe(false)
    expect(matches('::1', 'http://[::1]:8080/')).toBe(true)
    expect(matches('0:0:0:0:0:0:0:1', 'http://[::1]/')).toBe(true)
    expect(matches('[::1]:8080', 'http://[::1]:8080/')).toBe(true)
    expect(matches('[::1]:8080', 'http://[::1]:9090/')).toBe(false)
    expect(matches('fd00::/8', 'http://[fd12::5]/')).toBe(true)
    expect(matches('10.0.0.0/99', 'https://10.1.2.3/')).toBe(false)
  })

  it('takes a list separated by commas or spaces, and * for every host', () => {
    const list = ' localhost, .internal.test  127.0.0.1 ,,'
    expect(matches(list, 'http://svc.internal.test/')).toBe(true)
    expect(matches(list, 'http://127.0.0.1/')).toBe(true)
    expect(matches(list, 'https://api.github.com/')).toBe(false)
    expect(matches('*', 'https://api.github.com/')).toBe(true)
    expect(matches('', 'https://api.github.com/')).toBe(false)
    expect(
      proxyFor(readProxyEnv({ HTTPS_PROXY: 'http://p:1', NO_PROXY: 'github.com' }), new URL('https://api.github.com/')),
    ).toBeUndefined()
  })
})

describe('dispatcherFromEnv', () => {
  // the bundles import undici's parts, not its index: Dispatcher.prototype has no request(), connect(), …
  // (this file imports undici's index for MockAgent, so they are taken away here, as in the bundles)
  const api = ['request', 'stream', 'pipeline', 'upgrade', 'connect'] as const
  const saved = Object.fromEntries(api.map((name) => [name, Dispatcher.prototype[name]]))
  const servers: Server[] = []
  beforeAll(() => {
    for (const name of api) Reflect.deleteProperty(Dispatcher.prototype, name)
  })
  afterAll(() => {
    Object.assign(Dispatcher.prototype, saved)
  })
  afterEach(() => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections()
      server.close()
    }
  })

  async function listen<S extends Server>(server: S): Promise<S & { origin: string }> {
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return Object.assign(server, { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
  }

  /** A forward proxy that logs what it was asked, and wants `user:password` when given. */
  async function forwardProxy(credentials?: string) {
    const log: string[] = []
    const proxy = createProxy(createServer())
    if (credentials)
      proxy.authenticate = (req) => req.headers['proxy-authorization'] === `Basic ${Buffer.from(credentials).toString('base64')}`
    proxy.on('request', (req: IncomingMessage) => log.push(`${req.method} ${req.url}`))
    proxy.on('connect', (req: IncomingMessage) => log.push(`CONNECT ${req.url}`))
    return Object.assign(await listen(proxy), { log })
  }

  const client = async (env: NodeJS.ProcessEnv) =>
    new HttpClient({ redactor: new Redactor(), dispatcher: await dispatcherFromEnv(env), backoff: { attempts: 1, baseMs: 0, capMs: 0 } })

  it('is a plain agent without a proxy, or when NO_PROXY is *', async () => {
    expect(await dispatcherFromEnv({})).toBeInstanceOf(Agent)
    expect(await dispatcherFromEnv({ HTTPS_PROXY: '' })).toBeInstanceOf(Agent)
    expect(await dispatcherFromEnv({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '*' })).toBeInstanceOf(Agent)
    const proxied = await dispatcherFromEnv({ HTTPS_PROXY: 'http://proxy:3128' })
    expect(proxied).not.toBeInstanceOf(Agent)
    expect(proxied).not.toBeInstanceOf(EnvHttpProxyAgent)
    await proxied.close()
    // a password that is not well percent-encoded is taken as it is
    await (await dispatcherFromEnv({ HTTPS_PROXY: 'http://user:100%@proxy:3128' })).close()
  })

  it('takes a proxy user without a password for a token: a secret of the run, as its Proxy-Authorization is', async () => {
    await (await dispatcherFromEnv({ HTTPS_PROXY: 'http://proxy-token-0123@proxy:3128' })).close()
    const header = Buffer.from('proxy-token-0123:').toString('base64')
    expect(secrets.redact(`proxy-token-0123 Basic ${header}`)).toBe('*** Basic ***')
    // a user too short to be a token is no secret, and no error either
    await (await dispatcherFromEnv({ HTTPS_PROXY: 'http://ci@proxy:3128' })).close()
    expect(secrets.redact('ci@proxy')).toBe('ci@proxy')
  })

  it('gives undici Node’s default header limit, unless --max-http-header-size sets Node’s own', () => {
    expect(clientOptions([], '')).toEqual({ maxHeaderSize: 16_384 })
    expect(clientOptions(['--max-http-header-size=65536'], '')).toEqual({})
    expect(clientOptions([], '--enable-source-maps --max-http-header-size=65536')).toEqual({})
    // Node takes the flag with underscores too
    expect(clientOptions([], '--max_http_header_size=65536')).toEqual({})
  })

  it('sends http:// requests to HTTP_PROXY as absolute URIs, and goes straight to hosts in NO_PROXY', async () => {
    const platform = await listen(createServer((req, res) => res.end(`platform ${req.url}`)))
    const proxy = await forwardProxy()
    const http = await client({ HTTP_PROXY: proxy.origin, NO_PROXY: 'localhost' })
    expect((await http.send({ method: 'GET', url: `${platform.origin}/api?q=1` })).text).toBe('platform /api?q=1')
    expect(proxy.log).toEqual([`GET ${platform.origin}/api?q=1`])
    const direct = `http://localhost:${(platform.address() as AddressInfo).port}/straight`
    expect((await http.send({ method: 'GET', url: direct })).text).toBe('platform /straight')
    expect(proxy.log).toHaveLength(1)
  })

  it('tunnels https:// requests through HTTPS_PROXY with CONNECT', async () => {
    // the target speaks plain TCP here: the CONNECT is what is checked, the TLS that follows fails
    const target = await listen(createServer())
    const proxy = await forwardProxy()
    const https = await client({ HTTPS_PROXY: proxy.origin })
    const port = (target.address() as AddressInfo).port
    await expect(https.send({ method: 'GET', url: `https://127.0.0.1:${port}/x` })).rejects.toThrow(
      /through the proxy http:\/\/127\.0\.0\.1:\d+ \(HTTPS_PROXY\)/,
    )
    expect(proxy.log).toEqual([`CONNECT 127.0.0.1:${port}`])
  })

  it('sends the credentials of the proxy URL as Proxy-Authorization, and names the proxy without them', async () => {
    const platform = await listen(createServer((_req, res) => res.end('ok')))
    const proxy = await forwardProxy('ci:s3cret/pass')
    const url = (password: string) => `http://ci:${encodeURIComponent(password)}@127.0.0.1:${(proxy.address() as AddressInfo).port}`
    const good = await client({ HTTP_PROXY: url('s3cret/pass'), HTTPS_PROXY: url('s3cret/pass') })
    expect((await good.send({ method: 'GET', url: `${platform.origin}/` })).text).toBe('ok')
    const bad = await client({ HTTP_PROXY: url('wrong-pass'), HTTPS_PROXY: url('wrong-pass') })
    const refused = await bad.send({ method: 'GET', url: `${platform.origin}/` }).catch((error: Error) => error)
    expect(String(refused)).toMatch(/through the proxy http:\/\/127\.0\.0\.1:\d+ \(HTTP_PROXY\): Proxy Authentication Required \(407\)/)
    const tunnel = await bad.send({ method: 'GET', url: 'https://api.example.test/' }).catch((error: Error) => error)
    expect(tunnel).toBeInstanceOf(NetworkError)
    expect(String(tunnel)).toMatch(
      /the proxy http:\/\/127\.0\.0\.1:\d+ \(HTTPS_PROXY\) refused the tunnel to api\.example\.test:443: HTTP 407; check the user/,
    )
    expect((tunnel as NetworkError).code).toBe('ERR_PROXY_AUTH')
    for (const error of [refused, tunnel]) expect(String(error)).not.toMatch(/s3cret|wrong-pass|ci:/)
  })

  it('names the proxy when it cannot be reached, and refuses an unusable proxy URL without a request', async () => {
    const gone = await listen(createServer())
    const port = (gone.address() as AddressInfo).port
    gone.close()
    const down = await client({ HTTP_PROXY: `http://user:hidden-pass@127.0.0.1:${port}`, HTTPS_PROXY: `127.0.0.1:${port}` })
    for (const url of ['http://api.example.test/', 'https://api.example.test/']) {
      const error = await down.send({ method: 'GET', url }).catch((e: Error) => e)
      expect(String(error)).toMatch(new RegExp(`through the proxy http://127\\.0\\.0\\.1:${port} \\(HTTPS?_PROXY\\): connect ECONNREFUSED`))
      expect((error as NetworkError).code).toBe('ECONNREFUSED')
      expect(String(error)).not.toContain('hidden-pass')
    }
    const unusable = await client({ HTTPS_PROXY: 'socks5://127.0.0.1:1080' })
    await expect(unusable.send({ method: 'GET', url: 'https://api.example.test/' })).rejects.toThrow(
      'HTTPS_PROXY is not a proxy URL (http://host:port or https://host:port)',
    )
  })

  it('keeps timeouts as timeouts through the proxy', async () => {
    const silent = await listen(createServer(() => {}))
    const proxy = await forwardProxy()
    const http = new HttpClient({
      redactor: new Redactor(),
      dispatcher: await dispatcherFromEnv({ HTTP_PROXY: proxy.origin }),
      backoff: { attempts: 1, baseMs: 0, capMs: 0 },
      timeoutMs: 200,
    })
    await expect(http.send({ method: 'GET', url: `${silent.origin}/` })).rejects.toThrow(/no answer within 200 ms/)
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

  it('sends no write with less than a second of the deadline left, which would leave it in doubt; a read still goes', async () => {
    const end = Date.now() + 900
    const { pool, client } = setup({ deadline: () => end })
    let posts = 0
    pool
      .intercept({ path: '/write', method: 'POST' })
      .reply(200, () => {
        posts++
        return '{}'
      })
      .persist()
    pool.intercept({ path: '/read', method: 'GET' }).reply(200, '{}')
    const error = (await client.send({ method: 'POST', url: `${ORIGIN}/write`, json: {} }).catch((e: unknown) => e)) as NetworkError
    expect(error.code).toBe('DEADLINE')
    expect(error.message).toMatch(/the write was not sent: \d+ ms of the deadline were left, too little to learn whether it landed/)
    // a synchronous call whose own limit is cut to the time left is held to the client's floor too
    const slow = (await client
      .send({ method: 'POST', url: `${ORIGIN}/write`, json: {}, timeoutMs: 400 })
      .catch((e: unknown) => e)) as NetworkError
    expect(slow.code).toBe('DEADLINE')
    expect(posts).toBe(0)
    expect((await client.send({ method: 'GET', url: `${ORIGIN}/read` })).status).toBe(200)
    // where nothing reads a write back (GitHub's), the last milliseconds are used
    const github = setup({ deadline: () => end, writeFloorMs: 0 })
    github.pool.intercept({ path: '/status', method: 'POST' }).reply(201, '{}')
    expect((await github.client.send({ method: 'POST', url: `${ORIGIN}/status`, json: {} })).status).toBe(201)
  })

  it('does not retry a write when the wait would leave less than the floor: the last answer stands', async () => {
    const end = Date.now() + 1_500
    const { pool, client, sleeps } = setup({ deadline: () => end, backoff: { attempts: 5, baseMs: 1, capMs: 1 } })
    pool
      .intercept({ path: '/write', method: 'POST' })
      .reply(429, '{}', { headers: { 'retry-after': '1' } })
      .persist()
    const response = await client.send({ method: 'POST', url: `${ORIGIN}/write`, json: {} })
    expect(response.status).toBe(429)
    // a second of waiting would leave half a second: the throttled answer is what the write got
    expect(sleeps).toEqual([])
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

  it('never shows an unreadable answer that carries a secret issued to the run, in its message or its retries', async () => {
    const { pool, client, logs } = setup({ backoff: { attempts: 2, baseMs: 1, capMs: 1 } })
    // a sign-in's answer with a byte-order mark before it: not JSON, and the session not yet known as a secret
    const answer = '\ufeff{"result":0,"session":"a9f3c2e1d0b8a7f6e5d4c3b2"}'
    pool.intercept({ path: '/signin', method: 'POST' }).reply(200, answer).times(2)
    const request = { method: 'POST', url: `${ORIGIN}/signin`, form: { login: 'me' }, idempotent: true, expectJson: true } as const
    const error = (await client.send({ ...request, secretAnswer: true }).catch((e: unknown) => e)) as NetworkError
    expect(error.code).toBe('UNREADABLE')
    expect(error.message).toContain('not shown: it may hold a secret issued to this run')
    expect([error.message, ...logs].join('\n')).not.toContain('a9f3c2e1')
    // without the flag, the answer's first characters are shown, as for any other answer
    pool.intercept({ path: '/signin', method: 'POST' }).reply(200, answer).times(2)
    const shown = (await client.send(request).catch((e: unknown) => e)) as NetworkError
    expect(shown.message).toContain('a9f3c2e1')
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

import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { JELASTIC_TOKEN } from '../support/emulator.js'
import { closedPort, ForwardProxy } from '../support/forward-proxy.js'
import { FakeGitHub } from '../support/github-server.js'
import { type ActionRun, errorLines, ROOT } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'
import { type Certificate, HAS_OPENSSL, selfSignedCertificate, TlsFront } from '../support/tls.js'

// The committed bundles, run as the runner runs them, through a real forward proxy on 127.0.0.1.

const V1 = 'registry.example.com/shop:v1'
const V2 = 'registry.example.com/shop:v2'
const PROXY_USER = 'ci-runner'
const PROXY_PASSWORD = 'pr0xy-pa$$word/42'

const suite = emulatorSuite()
let proxy: ForwardProxy
let github: FakeGitHub

beforeAll(async () => {
  proxy = await ForwardProxy.start()
  github = await FakeGitHub.start()
  suite.steps.secrets.add(github.token)
  suite.steps.secrets.add(PROXY_PASSWORD)
  suite.steps.secrets.add(encodeURIComponent(PROXY_PASSWORD))
  suite.steps.secrets.add(Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64'))
})
afterAll(async () => {
  await proxy.close()
  await github.close()
})

beforeEach(async () => {
  proxy.reset()
  github.reset()
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.jelasticEnv('green', V1, 1)
})

function deploy(apiOrigin: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    platform: 'jelastic',
    'api-url': `${apiOrigin}/jelastic`,
    token: JELASTIC_TOKEN,
    service: 'green',
    image: V2,
    'health-url': `${apiOrigin}/jelastic/env/green/`,
    'health-interval': '20ms',
    'health-samples': '3',
    timeout: '30s',
    ...extra,
  }
}

/** Every run: no experimental-API warning (undici's EnvHttpProxyAgent printed one), no stack trace. */
function expectCleanOutput(run: ActionRun): void {
  expect(run.stderr).not.toMatch(/ExperimentalWarning|experimental/i)
  expect(run.everything).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
}

/** What a run showed (log, outputs, summary, state), less the ::add-mask:: commands that hide secrets. */
function shown(run: ActionRun): string {
  return run.everything
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
}

/** The platform calls the emulator saw, as the absolute URIs a forward proxy is asked for. */
async function platformCalls(): Promise<string[]> {
  return (await suite.emulator.requests()).map((r) => `${r.method} ${suite.emulator.origin}/${r.platform}${r.path}`)
}

describe('the bundles behind a forward proxy', () => {
  it('send every platform call of an http:// API through HTTP_PROXY', async () => {
    const run = await suite.steps.run('deploy', deploy(suite.emulator.origin), { env: { HTTP_PROXY: proxy.url } })
    expect(run.code, run.stdout).toBe(0)
    expectCleanOutput(run)
    const calls = await platformCalls()
    expect(calls.length).toBeGreaterThanOrEqual(3)
    const forwarded = proxy.forwarded.map((entry) => `${entry.method} ${entry.target.replace(/\?.*$/, '')}`)
    // every platform call the emulator answered, and the health probes, went through the proxy
    expect(forwarded.filter((line) => !line.includes('/env/green/'))).toEqual(calls.map((line) => line.replace(/\?.*$/, '')))
    expect(forwarded.filter((line) => line.includes('/env/green/'))).toHaveLength(3)
    expect(proxy.tunnels).toEqual([])
  })

  it('send every call of every action bundle through the proxy', async () => {
    const env = { HTTP_PROXY: proxy.url }
    const inputs = { platform: 'jelastic', 'api-url': suite.emulator.url('jelastic'), token: JELASTIC_TOKEN, service: 'green' }
    const runs = [
      await suite.steps.run('scale', { ...inputs, replicas: '2' }, { env }),
      await suite.steps.run('deploy', { ...inputs, image: V2 }, { env }),
      await suite.steps.run('rollback', { ...inputs, to: V1 }, { env }),
    ]
    for (const run of runs) {
      expect(run.code, run.stdout).toBe(0)
      expectCleanOutput(run)
    }
    expect(proxy.forwarded.map((entry) => `${entry.method} ${entry.target}`)).toEqual(await platformCalls())
  })

  it('let the lower-case variable win over the upper-case one', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`
    const run = await suite.steps.run('deploy', deploy(suite.emulator.origin), { env: { http_proxy: proxy.url, HTTP_PROXY: dead } })
    expect(run.code, run.stdout).toBe(0)
    expectCleanOutput(run)
    expect(proxy.forwarded.length).toBeGreaterThanOrEqual(3)
  })

  it.each([
    ['the address', () => ({ NO_PROXY: '127.0.0.1' }), 'HTTP_PROXY'],
    ['the address and port, lower-case', (port: number) => ({ no_proxy: `localhost, 127.0.0.1:${port}` }), 'http_proxy'],
    ['a CIDR range', () => ({ NO_PROXY: 'github.com,127.0.0.0/8' }), 'HTTP_PROXY'],
    ['*', () => ({ NO_PROXY: '*' }), 'HTTP_PROXY'],
  ])('go straight to the emulator when NO_PROXY names %s', async (_what, noProxy, variable) => {
    const port = Number(new URL(suite.emulator.origin).port)
    const env = { [variable]: proxy.url, HTTPS_PROXY: proxy.url, ...noProxy(port) }
    const run = await suite.steps.run('deploy', deploy(suite.emulator.origin), { env })
    expect(run.code, run.stdout).toBe(0)
    expectCleanOutput(run)
    expect((await platformCalls()).length).toBeGreaterThanOrEqual(3)
    expect(proxy.log).toEqual([])
  })

  it('send the proxy credentials as Proxy-Authorization, and never show them', async () => {
    proxy.requireCredentials({ user: PROXY_USER, password: PROXY_PASSWORD })
    const withCredentials = proxy.urlWith(PROXY_USER, PROXY_PASSWORD)
    const run = await suite.steps.run('deploy', deploy(suite.emulator.origin), { env: { HTTP_PROXY: withCredentials } })
    expect(run.code, run.stdout).toBe(0)
    expectCleanOutput(run)
    const expected = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`
    expect(proxy.forwarded.length).toBeGreaterThanOrEqual(3)
    expect(proxy.forwarded.every((entry) => entry.proxyAuthorization === expected)).toBe(true)
    // the runner is told to mask the password, should anything print it
    expect(run.stdout).toContain(`::add-mask::${PROXY_PASSWORD.replace(/%/g, '%25')}`)

    const refused = await suite.steps.run('deploy', deploy(suite.emulator.origin), {
      env: { HTTP_PROXY: proxy.urlWith(PROXY_USER, 'not-the-password') },
    })
    expect(refused.code).toBe(1)
    expectCleanOutput(refused)
    expect(errorLines(refused)[0]).toMatch(
      /^jelastic: describe of "green" got no answer: POST http:\/\/127\.0\.0\.1:\d+\/jelastic\/\S+: through the proxy http:\/\/127\.0\.0\.1:\d+ \(HTTP_PROXY\): Proxy Authentication Required \(407\)/,
    )
    expect(shown(refused)).not.toContain('not-the-password')
  })

  it('fail with a clear error, exit code 1, when the proxy is down', async () => {
    const port = await closedPort()
    const run = await suite.steps.run('deploy', deploy(suite.emulator.origin, { timeout: '10s' }), {
      env: { HTTP_PROXY: `http://${PROXY_USER}:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${port}` },
    })
    expect(run.code).toBe(1)
    expectCleanOutput(run)
    expect(errorLines(run)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^jelastic: describe of "green" got no answer: POST http://127\\.0\\.0\\.1:\\d+/jelastic/\\S+: through the proxy http://127\\.0\\.0\\.1:${port} \\(HTTP_PROXY\\): connect ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED, after \\d+ attempts\\)$`,
        ),
      ),
    ])
    expect(await platformCalls()).toEqual([])
  })

  it('load the proxy code only in a run with a proxy', async () => {
    const loaded = async (env: Record<string, string>): Promise<Set<string>> => {
      const log = join(tmpdir(), `load-log-${process.pid}-${Date.now()}`)
      const hook = join(ROOT, 'test/support/load-log.mjs')
      const run = await suite.steps.run('deploy', deploy(suite.emulator.origin), {
        env: { ...env, LOAD_LOG: log, NODE_OPTIONS: `--import=${hook}` },
      })
      expect(run.code, run.stdout).toBe(0)
      expectCleanOutput(run)
      const chunks = readFileSync(log, 'utf8')
        .split('\n')
        .filter((url) => url.startsWith('file:') && url.includes('/dist/deploy/'))
        .map((url) => fileURLToPath(url))
      rmSync(log, { force: true })
      return new Set(chunks)
    }
    const plain = await loaded({})
    const proxied = await loaded({ HTTP_PROXY: proxy.url })
    const onlyWithProxy = [...proxied].filter((file) => !plain.has(file))
    expect(onlyWithProxy.length).toBeGreaterThan(0)
    // what a proxied run adds is undici's ProxyAgent and CONNECT, nothing else
    const added = onlyWithProxy.map((file) => readFileSync(file, 'utf8')).join('\n')
    expect(added).toContain('Proxy uri is mandatory')
    expect(added).toContain('UNDICI_CONNECT')
  })
})

describe.skipIf(!HAS_OPENSSL)('the bundles behind a forward proxy, to https:// APIs', () => {
  let certificate: Certificate
  let platform: TlsFront
  let githubApi: TlsFront

  beforeAll(async () => {
    certificate = selfSignedCertificate()
    platform = await TlsFront.start(suite.emulator.origin, certificate)
    githubApi = await TlsFront.start(github.url, certificate)
  })
  afterAll(async () => {
    await platform?.close()
    await githubApi?.close()
    certificate?.remove()
  })
  beforeEach(() => {
    platform.seen.length = 0
    githubApi.seen.length = 0
  })

  const https = (env: Record<string, string>) => ({
    env: { ...github.env(), GITHUB_API_URL: githubApi.origin, NODE_EXTRA_CA_CERTS: certificate.file, ...env },
  })

  it('tunnel every platform call and every GitHub call through HTTPS_PROXY (CONNECT)', async () => {
    const run = await suite.steps.run(
      'deploy',
      deploy(platform.origin, { 'github-token': github.token }),
      https({ HTTPS_PROXY: proxy.urlWith(PROXY_USER, PROXY_PASSWORD) }),
    )
    expect(run.code, run.stdout).toBe(0)
    expectCleanOutput(run)
    expect(github.deployments).toHaveLength(1)
    expect(github.deployments[0]?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success'])
    // nothing forwarded in the clear; tunnels to the two https:// origins and no other
    expect(proxy.forwarded).toEqual([])
    expect(new Set(proxy.tunnels)).toEqual(new Set([platform.hostPort, githubApi.hostPort]))
    expect(
      proxy.log.every((entry) => entry.proxyAuthorization === `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`),
    ).toBe(true)
    // every request the two https:// servers answered came through the proxy, none straight from the bundle
    const calls = await platformCalls()
    expect(platform.seen.filter((r) => !r.path.includes('/env/green/'))).toHaveLength(calls.length)
    expect(githubApi.seen.length).toBeGreaterThanOrEqual(3)
    for (const request of [...platform.seen, ...githubApi.seen]) expect(request.from).toBe(ForwardProxy.FROM)
  })

  it('go straight to an https:// API that NO_PROXY names, and still through the proxy to the others', async () => {
    const run = await suite.steps.run(
      'deploy',
      deploy(platform.origin, { 'github-token': github.token }),
      https({ HTTPS_PROXY: proxy.url, NO_PROXY: platform.hostPort }),
    )
    expect(run.code, run.stdout).toBe(0)
    expectCleanOutput(run)
    expect(proxy.tunnels.every((target) => target === githubApi.hostPort)).toBe(true)
    expect(proxy.tunnels.length).toBeGreaterThan(0)
    expect(platform.seen.length).toBeGreaterThan(0)
    for (const request of platform.seen) expect(request.from).toBe('127.0.0.1')
    for (const request of githubApi.seen) expect(request.from).toBe(ForwardProxy.FROM)
  })

  it('reach an https:// proxy over TLS, for https:// and http:// APIs alike', async () => {
    const secure = await ForwardProxy.start(certificate)
    try {
      const env = { HTTPS_PROXY: secure.url, HTTP_PROXY: secure.url }
      const run = await suite.steps.run('deploy', deploy(platform.origin, { 'github-token': github.token }), https(env))
      expect(run.code, run.stdout).toBe(0)
      expectCleanOutput(run)
      expect(new Set(secure.tunnels)).toEqual(new Set([platform.hostPort, githubApi.hostPort]))
      for (const request of [...platform.seen, ...githubApi.seen]) expect(request.from).toBe(ForwardProxy.FROM)
      // an https:// proxy tunnels http:// targets too: nothing crosses the network in the clear
      const plain = await suite.steps.run('deploy', deploy(suite.emulator.origin), https(env))
      expect(plain.code, plain.stdout).toBe(0)
      expectCleanOutput(plain)
      expect(secure.tunnels).toContain(new URL(suite.emulator.origin).host)
      expect(secure.forwarded).toEqual([])
    } finally {
      await secure.close()
    }
  })

  it('name the proxy when it refuses the tunnel', async () => {
    proxy.requireCredentials({ user: PROXY_USER, password: PROXY_PASSWORD })
    const run = await suite.steps.run(
      'deploy',
      deploy(platform.origin),
      https({ HTTPS_PROXY: proxy.urlWith(PROXY_USER, 'wrong-password') }),
    )
    expect(run.code).toBe(1)
    expectCleanOutput(run)
    expect(errorLines(run)).toEqual([
      expect.stringMatching(
        /^jelastic: describe of "green" got no answer: POST https:\/\/127\.0\.0\.1:\d+\/jelastic\/\S+: the proxy http:\/\/127\.0\.0\.1:\d+ \(HTTPS_PROXY\) refused the tunnel to 127\.0\.0\.1:\d+: HTTP 407; check the user and password in HTTPS_PROXY \(ERR_PROXY_AUTH\)$/,
      ),
    ])
    expect(shown(run)).not.toContain('wrong-password')
  })

  it('fail with a clear error, exit code 1, when the https proxy is down', async () => {
    const port = await closedPort()
    const run = await suite.steps.run('deploy', deploy(platform.origin, { timeout: '10s' }), https({ HTTPS_PROXY: `127.0.0.1:${port}` }))
    expect(run.code).toBe(1)
    expectCleanOutput(run)
    expect(errorLines(run)[0]).toMatch(
      new RegExp(
        `: through the proxy http://127\\.0\\.0\\.1:${port} \\(HTTPS_PROXY\\): connect ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED`,
      ),
    )
    expect(platform.seen).toEqual([])
  })
})

it('leaves no secret in any log, output or summary (proxy credentials included)', () => {
  expect(suite.steps.leaks()).toEqual([])
})

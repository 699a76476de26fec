import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ALAUDA_USER, JELASTIC_TOKEN, JELASTIC_USER } from '../support/emulator.js'
import { FakeGitHub } from '../support/github-server.js'
import { type ActionRun, errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

/**
 * Whole runs on every platform — successes, failures, errors that echo the request (its URL,
 * headers and body), token exchanges that echo the credentials, GitHub errors that echo their
 * Authorization header — and then one scan of everything they left (stdout, stderr, outputs, job
 * summary, state file) for every secret of the runs in every form: zero hits outside ::add-mask::.
 */
const suite = emulatorSuite()
let github: FakeGitHub
const GITHUB_TOKEN = 'ghs_scanJobToken0123456789abcdef'
const SERVICESTAGE_TOKEN = 'servicestage-demo-token-0123456789'
const NETEASE_KEYS = { 'access-key': 'netease-demo-key', 'secret-key': 'netease-demo-secret-0123' }
const RANCHER_KEYS = { 'access-key': 'rancher-demo-access', 'secret-key': 'rancher-demo-secret-0123' }
/** the pairs that go out as HTTP Basic, or could: their base64 is scanned for too */
const PAIRS: [string, string][] = [
  [JELASTIC_USER.username, JELASTIC_USER.password],
  [ALAUDA_USER.username, ALAUDA_USER.password],
  [NETEASE_KEYS['access-key'], NETEASE_KEYS['secret-key']],
  [RANCHER_KEYS['access-key'], RANCHER_KEYS['secret-key']],
]

interface PlatformCase {
  name: string
  /** the platform's inputs; `exchange` signs in with a user and password (or a key pair) for a token */
  inputs: (extra: Record<string, string>) => Record<string, string>
  setup: () => Promise<void>
  deploy: Record<string, string>
  /** the platform's error answer, with `{request}` where the emulator echoes the request */
  echoStatus: number
  echoBody: unknown
  /** the path of the credentials' exchange, when the platform has one */
  exchange?: string
}

const PLATFORMS: PlatformCase[] = [
  {
    name: 'jelastic',
    inputs: (extra) => ({ platform: 'jelastic', 'api-url': suite.emulator.url('jelastic'), ...JELASTIC_USER, ...extra }),
    setup: () => suite.emulator.jelasticEnv('shop', 'registry.example.com/shop:v1', 1),
    deploy: { service: 'shop', image: 'registry.example.com/shop:v2' },
    echoStatus: 200,
    echoBody: { result: 99, error: 'refused: {request}', source: 'JEL' },
    exchange: 'signin',
  },
  {
    name: 'servicestage',
    inputs: (extra) => ({
      platform: 'servicestage',
      'api-url': suite.emulator.url('servicestage'),
      token: SERVICESTAGE_TOKEN,
      project: 'p1',
      application: 'a1',
      ...extra,
    }),
    setup: async () => {
      await suite.emulator.control('POST', '/servicestage/timing', { taskMs: 60 })
      await suite.emulator.control('POST', '/servicestage/components', {
        project: 'p1',
        application: 'a1',
        name: 'shop',
        image: 'swr.cn-north-4.myhuaweicloud.com/team/shop:v1',
      })
    },
    deploy: { service: 'shop', image: 'swr.cn-north-4.myhuaweicloud.com/team/shop:v2' },
    echoStatus: 400,
    echoBody: { error_code: 'SVCSTG.00100400', error_msg: 'bad request: {request}' },
  },
  {
    name: 'alauda',
    inputs: (extra) => ({ platform: 'alauda', 'api-url': suite.emulator.url('alauda'), ...ALAUDA_USER, project: 'team', ...extra }),
    setup: async () => {
      await suite.emulator.control('POST', '/alauda/timing', { instanceMs: 30 })
      await suite.emulator.control('POST', '/alauda/services', {
        namespace: 'team',
        name: 'shop',
        image: 'index.alauda.cn/team/shop:v1',
        instances: 1,
      })
    },
    deploy: { service: 'shop', image: 'index.alauda.cn/team/shop:v2' },
    echoStatus: 400,
    echoBody: { detail: 'bad request: {request}' },
    exchange: 'generate-api-token',
  },
  {
    name: 'netease',
    inputs: (extra) => ({ platform: 'netease', 'api-url': suite.emulator.url('netease'), ...NETEASE_KEYS, ...extra }),
    setup: async () => {
      await suite.emulator.control('POST', '/netease/timing', { containerMs: 50 })
      await suite.emulator.control('POST', '/netease/apps', { name: 'shop', version: 'a1b2c3', replicas: 2 })
    },
    deploy: { service: 'shop', 'source-version': 'd4e5f6' },
    echoStatus: 400,
    echoBody: { code: 4000001, message: 'bad request: {request}' },
    exchange: '/token',
  },
  {
    name: 'rancher',
    inputs: (extra) => ({ platform: 'rancher', 'api-url': suite.emulator.url('rancher'), ...RANCHER_KEYS, project: '1a5', ...extra }),
    setup: async () => {
      await suite.emulator.control('POST', '/rancher/timing', { batchMs: 40 })
      await suite.emulator.control('POST', '/rancher/services', {
        stack: 'shop',
        name: 'web',
        image: 'registry.example.com/team/web:v1',
        scale: 2,
      })
    },
    deploy: { service: 'shop/web', image: 'registry.example.com/team/web:v2' },
    echoStatus: 422,
    echoBody: { type: 'error', status: 422, code: 'InvalidFormat', message: 'bad: {request}' },
  },
]

beforeAll(async () => {
  github = await FakeGitHub.start(GITHUB_TOKEN)
  for (const secret of [GITHUB_TOKEN, SERVICESTAGE_TOKEN, NETEASE_KEYS['secret-key'], RANCHER_KEYS['secret-key']])
    suite.steps.secrets.add(secret)
})
afterAll(() => github.close())

beforeEach(async () => {
  github.reset()
  await suite.emulator.control('POST', '/reset')
})

// what the platforms handed out in a test is gone at the next reset: kept for the scan now
afterEach(async () => {
  const state = (await suite.emulator.control('GET', '/state')) as {
    netease: { apps: { web_hook_url: string }[] }
    rancher: { receivers: { key: string }[] }
  }
  for (const { web_hook_url: hook } of state.netease.apps) suite.steps.secrets.add(hook).add(hook.split('/').at(-1) as string)
  for (const { key } of state.rancher.receivers) suite.steps.secrets.add(key)
})
const timeout = { timeout: '30s', 'github-token': GITHUB_TOKEN }

/** An error that shows the echoed request (the scan checks that it shows none of its secrets) */
const ECHOED = /(GET|POST|PUT) http:\/\/127\.0\.0\.1/

/** The ::warning:: lines of a run, unescaped. */
function warnings(run: ActionRun): string[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::warning::'))
    .map((line) => line.slice('::warning::'.length).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'))
}

describe.each(PLATFORMS)('$name: a whole run, its failures and its echoed errors', (platform) => {
  beforeEach(() => platform.setup())

  it('deploys and records the deployment', async () => {
    const run = await suite.steps.run('deploy', platform.inputs({ ...platform.deploy, ...timeout }), { env: github.env() })
    expect(run.code, run.stdout).toBe(0)
    expect(github.deployments).toHaveLength(1)
  })

  it('fails on a service that does not exist', async () => {
    const run = await suite.steps.run('deploy', platform.inputs({ ...platform.deploy, ...timeout, service: 'nowhere' }), {
      env: github.env(),
    })
    expect(run.code).toBe(1)
  })

  it('fails with an error that echoes the request, URL, headers and body, and shows it without a secret', async () => {
    await suite.emulator.fault({ platform: platform.name, status: platform.echoStatus, echo: true, body: platform.echoBody })
    const run = await suite.steps.run('deploy', platform.inputs({ ...platform.deploy, ...timeout }), { env: github.env() })
    expect(run.code).toBe(1)
    // the echo was shown, with its secrets taken out
    expect(errorLines(run).join('\n')).toMatch(ECHOED)
    expect(errorLines(run).join('\n')).toMatch(/\*\*\*/)
  })

  it('fails with a gateway page that echoes the request as text', async () => {
    await suite.emulator.fault({ platform: platform.name, status: 502, echo: true })
    const run = await suite.steps.run('deploy', platform.inputs({ ...platform.deploy, ...timeout }), { env: github.env() })
    expect(run.code).toBe(1)
    expect(errorLines(run).join('\n')).toMatch(ECHOED)
  })

  // ServiceStage and Rancher exchange nothing: their credentials go out as they are
  const exchange = platform.exchange
  if (exchange !== undefined) {
    it('fails when the exchange of the credentials echoes them', async () => {
      await suite.emulator.fault({ platform: platform.name, path: exchange, status: 401, echo: true, body: platform.echoBody })
      const run = await suite.steps.run('deploy', platform.inputs({ ...platform.deploy, ...timeout }), { env: github.env() })
      expect(run.code).toBe(1)
      expect(errorLines(run).join('\n')).toMatch(/sign-in of .*(GET|POST) http:\/\/127\.0\.0\.1/s)
    })
  }

  it('deploys while every GitHub call fails with an error echoing its Authorization header: warnings naming GitHub, no secret', async () => {
    github.failure = { status: 500, echo: true }
    const run = await suite.steps.run('deploy', platform.inputs({ ...platform.deploy, ...timeout }), { env: github.env() })
    expect(run.code, run.stdout).toBe(0)
    expect(warnings(run).join('\n')).toMatch(/GitHub answered HTTP 500.*authorization: token \*\*\*/s)
    expect(run.summary).toMatch(/not recorded \(GitHub failed: GitHub answered HTTP 500/)
  })
})

describe('secrets that only some platforms have', () => {
  it('jelastic: a personal access token, and `to: previous` whose ledger read echoes the GitHub token', async () => {
    await PLATFORMS[0]?.setup()
    suite.steps.secrets.add(JELASTIC_TOKEN)
    const token = { platform: 'jelastic', 'api-url': suite.emulator.url('jelastic'), token: JELASTIC_TOKEN, service: 'shop', ...timeout }
    await suite.emulator.fault({
      platform: 'jelastic',
      status: 200,
      echo: true,
      body: { result: 99, error: 'refused: {request}' },
      count: 1,
    })
    expect((await suite.steps.run('deploy', { ...token, image: 'registry.example.com/shop:v2' })).code).toBe(1)
    github.failure = { status: 500, echo: true }
    const back = await suite.steps.run('rollback', token, { env: github.env() })
    expect(back.code).toBe(1)
    expect(errorLines(back).join('\n')).toMatch(/the release ledger .* could not be read .*authorization: token \*\*\*/s)
  })

  it('netease: deploy hooks, from the first list read to a hook call whose error echoes its URL', async () => {
    await PLATFORMS[3]?.setup()
    expect(await neteaseHooks()).toHaveLength(1)
    await suite.emulator.fault({
      platform: 'netease',
      path: '/hooks/app/',
      status: 400,
      echo: true,
      body: { code: 4000001, message: 'bad hook: {request}' },
    })
    const run = await suite.steps.run('deploy', PLATFORMS[3]?.inputs({ service: 'shop', 'source-version': 'e5f6a7', ...timeout }) ?? {})
    expect(run.code).toBe(1)
    expect(errorLines(run).join('\n')).toMatch(/bad hook: POST \*\*\*/)
  })

  it('rancher: a webhook receiver created, listed and triggered, with an error that echoes its key', async () => {
    await PLATFORMS[4]?.setup()
    const rancher = PLATFORMS[4]?.inputs ?? (() => ({}))
    const services = ((await suite.emulator.control('GET', '/state')) as { rancher: { services: { id: string; name: string }[] } }).rancher
      .services
    const web = services.find((s) => s.name === 'web')
    const create = await suite.steps.run(
      'scale',
      rancher({
        'webhook-create': JSON.stringify({
          name: 'up',
          driver: 'scaleService',
          scaleServiceConfig: { serviceId: web?.id, action: 'up', amount: 1, min: 1, max: 5 },
        }),
      }),
    )
    expect(create.code, create.stdout).toBe(0)
    const [receiver] = ((await suite.emulator.control('GET', '/state')) as { rancher: { receivers: { key: string }[] } }).rancher.receivers
    const url = `${suite.emulator.url('rancher')}/v1-webhooks/endpoint?key=${receiver?.key}&projectId=1a5`
    suite.steps.secrets.add(receiver?.key as string).add(url)
    expect((await suite.steps.run('scale', rancher({ 'webhook-list': 'true' }))).code).toBe(0)
    expect((await suite.steps.run('scale', rancher({ service: 'shop/web', 'webhook-url': url }))).code).toBe(0)
    await suite.emulator.fault({
      platform: 'rancher',
      path: '/v1-webhooks/endpoint',
      status: 400,
      echo: true,
      body: { message: 'no receiver for {request}' },
    })
    const echoed = await suite.steps.run('scale', rancher({ service: 'shop/web', 'webhook-url': url }))
    expect(echoed.code).toBe(1)
    expect(errorLines(echoed).join('\n')).toMatch(/no receiver for POST \*\*\*/)
  })
})

describe('a secret too short to mask', () => {
  it('is refused before anything is masked or sent: a one-character password would star every "x" in the log', async () => {
    await PLATFORMS[0]?.setup()
    const run = await suite.steps.run('deploy', { ...PLATFORMS[0]?.inputs({ ...PLATFORMS[0].deploy }), password: 'x' })
    expect(run.code).toBe(1)
    expect(errorLines(run)).toEqual([expect.stringMatching(/^Input "password" is under 4 characters: too short to be masked safely/)])
    expect(run.stdout).not.toContain('::add-mask::x\n')
    expect(await suite.emulator.requests()).toEqual([])
  })
})

describe('the scan', () => {
  it('finds no secret, in any form, anywhere the runs wrote, outside ::add-mask:: lines', async () => {
    const forms = new Set<string>()
    for (const secret of suite.steps.secrets) {
      if (secret.length < 4) continue
      forms.add(secret).add(encodeURIComponent(secret)).add(JSON.stringify(secret).slice(1, -1))
    }
    for (const [user, password] of PAIRS) forms.add(Buffer.from(`${user}:${password}`).toString('base64'))
    // the runs are the ones above: every platform's, and every failure's
    expect(suite.steps.runs.length).toBeGreaterThanOrEqual(PLATFORMS.length * 5)
    const hits: string[] = []
    for (const run of suite.steps.runs) {
      const shown = run.everything
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n')
      for (const form of forms)
        if (shown.includes(form)) hits.push(`${form} in: ${shown.slice(Math.max(0, shown.indexOf(form) - 80), shown.indexOf(form) + 40)}`)
    }
    expect(hits).toEqual([])
  })
})

async function neteaseHooks(): Promise<string[]> {
  const state = (await suite.emulator.control('GET', '/state')) as { netease: { apps: { web_hook_url: string }[] } }
  return state.netease.apps.map((app) => app.web_hook_url)
}

import { MockAgent } from 'undici'
import { describe, expect, it } from 'vitest'
import { HttpClient } from '../../src/shared/http/client.js'
import { Redactor } from '../../src/shared/http/redactor.js'
import type { Credentials } from '../../src/shared/inputs/credentials.js'
import type { Platform } from '../../src/shared/platforms/platform.js'
import { PlatformError } from '../../src/shared/platforms/platform.js'
import { createPlatform } from '../../src/shared/platforms/registry.js'

const ORIGIN = 'https://app.jelastic.example.com'
const METHOD = '/1.0/environment/control/rest/'

/** getenvinfo as Jelastic answers it (platforms.md 1.3; jelastic-client's sample), trimmed. */
function envInfo(envName: string, tag: string, nodes = 2, status = 1) {
  return {
    result: 0,
    env: { envName, shortdomain: envName, domain: `${envName}.jelastic.example.com`, appid: 'abc', status, createdOn: '2024-01-01' },
    envGroups: [],
    nodeGroups: [{ name: 'cp', scalingMode: 'STATELESS', isSequentialDeploy: true }],
    nodes: Array.from({ length: nodes }, (_, i) => ({
      id: 1000 + i,
      nodeGroup: 'cp',
      nodeType: 'docker',
      intIP: '10.0.0.1',
      status: 1,
      ismaster: i === 0,
      customitem: { dockerName: 'registry.example.com/shop', dockerTag: tag, dockerManifest: {} },
      addons: [],
    })),
    nodesData: [],
    right: {},
    uid: 1,
  }
}

function setup(credentials: Credentials = { token: 'personal-token-123' }) {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const redactor = new Redactor()
  const bodies: Record<string, string>[] = []
  const http = new HttpClient({ redactor, dispatcher: agent, sleep: async () => {}, backoff: { attempts: 2, baseMs: 1, capMs: 1 } })
  const platform: Platform = createPlatform('jelastic', {
    apiUrl: new URL(ORIGIN),
    credentials,
    http,
    log: () => {},
    deadline: () => Date.now() + 60_000,
  })
  const pool = agent.get(ORIGIN)
  const on = (method: string, reply: unknown, status = 200) =>
    pool.intercept({ path: method.startsWith('/') ? method : `${METHOD}${method}`, method: 'POST' }).reply(status, (options) => {
      bodies.push(Object.fromEntries(new URLSearchParams(String(options.body))))
      return typeof reply === 'string' ? reply : JSON.stringify(reply)
    })
  return { agent, platform, on, bodies, redactor, pool }
}

describe('Jelastic adapter', () => {
  it('describes an environment: image, replicas, phase and URL', async () => {
    const { platform, on, bodies } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    expect(await platform.describe({ service: 'shop' })).toEqual({
      image: 'registry.example.com/shop:v1',
      replicas: 2,
      ready: 2,
      phase: 'running',
      status: 'RUNNING, 2 node(s) in "cp" running registry.example.com/shop:v1',
      url: 'https://shop.jelastic.example.com/',
    })
    expect(bodies[0]).toEqual({ envName: 'shop', session: 'personal-token-123' })
  })

  it('answers null for an environment that does not exist', async () => {
    const { platform, on } = setup()
    on('getenvinfo', { result: 5, source: 'JEL', error: 'env [nope] not found' })
    expect(await platform.describe({ service: 'nope' })).toBeNull()
  })

  it('redeploys the node group sequentially to the new tag', async () => {
    const { platform, on, bodies } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    on('redeploycontainersbygroup', {
      result: 0,
      responses: [
        { nodeId: 1000, result: 0 },
        { nodeId: 1001, result: 0 },
      ],
    })
    const op = await platform.deploy({ service: 'shop', nodeGroup: 'cp' }, { image: 'registry.example.com/shop:v2' })
    expect(bodies[1]).toMatchObject({ envName: 'shop', nodeGroup: 'cp', tag: 'v2', isSequential: 'true' })
    expect(op.target).toEqual({ image: 'registry.example.com/shop:v2' })
  })

  it('refuses to deploy another repository, which Jelastic cannot redeploy to', async () => {
    const { platform, on } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    await expect(platform.deploy({ service: 'shop' }, { image: 'other/app:v2' })).rejects.toThrow(
      /runs the image registry.example.com\/shop/,
    )
  })

  it('fails the deploy when a node fails, even with an outer result of 0', async () => {
    const { platform, on } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    on('redeploycontainersbygroup', { result: 0, responses: [{ nodeId: 1000, result: 4099, error: 'container failed to start' }] })
    const error = await platform.deploy({ service: 'shop' }, { image: 'registry.example.com/shop:v2' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PlatformError)
    expect(error).toMatchObject({ kind: 'failed', platformMessage: 'node 1000: container failed to start' })
  })

  it('observes a deploy: running while UPDATING, succeeded when every node has the tag', async () => {
    const { platform, on } = setup()
    const op = { id: 'x', kind: 'deploy' as const, ref: { service: 'shop' }, target: { image: 'registry.example.com/shop:v2' } }
    on('getenvinfo', envInfo('shop', 'v1', 2, 12))
    on('getenvinfo', envInfo('shop', 'v2'))
    on('getenvinfo', envInfo('shop', 'v1'))
    expect((await platform.observe(op)).status).toBe('running')
    expect((await platform.observe(op)).status).toBe('succeeded')
    expect(await platform.observe(op)).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('expected registry.example.com/shop:v2'),
    })
  })

  it('turns a non-zero result into an error naming the platform, operation, service and message', async () => {
    const { platform, on } = setup()
    on('getenvinfo', {
      result: 2212,
      source: 'JEL',
      error: 'Not allowed to execute this service for current Environment status [ENV_STATUS_TYPE_SLEEP]',
    })
    await expect(platform.describe({ service: 'shop' })).rejects.toThrow(
      'jelastic: describe of "shop" failed: Not allowed to execute this service for current Environment status [ENV_STATUS_TYPE_SLEEP] (result 2212, source JEL)',
    )
  })

  it('checks the nested response of an app action', async () => {
    const { platform, on } = setup()
    on('getenvinfo', envInfo('blue', 'v1'))
    on('getenvinfo', envInfo('green', 'v2'))
    on('getenvinfo', {
      ...envInfo('shop', '1.24'),
      nodes: [{ ...envInfo('shop', '1.24').nodes[0], addons: [{ appTemplateId: 'traffic-distributor', uniqueName: 'td-1' }] }],
    })
    on('/1.0/marketplace/installation/rest/getsettings', {
      result: 0,
      settings: { range: 100, routingMethod: 'round-robin', backend1: 'blue.jelastic.example.com', backend2: 'green.jelastic.example.com' },
    })
    on('/1.0/marketplace/jps/rest/executeappaction', {
      result: 0,
      response: { result: 99, source: 'JEL', error: 'range must be a whole number' },
    })
    const error = await platform
      .writeTraffic?.({ router: 'shop', blue: 'blue', green: 'green' }, { blue: 90, green: 10, routingMethod: 'round-robin' })
      .catch((e: unknown) => e)
    expect((error as Error).message).toBe(
      'jelastic: configure traffic of "shop" failed: range must be a whole number (result 99, source JEL)',
    )
  })

  it('signs in with username and password, masks the session, and signs in again once when it expires', async () => {
    const { platform, on, bodies, redactor } = setup({ username: 'me@example.com', password: 'pw-123' })
    on('/1.0/users/authentication/rest/signin', { result: 0, session: 'session-aaa', uid: 1 })
    on('getenvinfo', { result: 702, source: 'hx-core', error: 'session [session-aaa] is invalid' })
    on('/1.0/users/authentication/rest/signin', { result: 0, session: 'session-bbb', uid: 1 })
    on('getenvinfo', envInfo('shop', 'v1'))
    expect((await platform.describe({ service: 'shop' }))?.image).toBe('registry.example.com/shop:v1')
    expect(bodies.map((body) => body.session ?? `signin:${body.login}`)).toEqual([
      'signin:me@example.com',
      'session-aaa',
      'signin:me@example.com',
      'session-bbb',
    ])
    expect(redactor.redact('session-aaa and session-bbb')).toBe('*** and ***')
  })

  it('does not sign in a third time when the new session is refused too', async () => {
    const { platform, on } = setup({ username: 'me@example.com', password: 'pw-123' })
    on('/1.0/users/authentication/rest/signin', { result: 0, session: 'session-aaa' })
    on('getenvinfo', { result: 702, error: 'session [session-aaa] is invalid' })
    on('/1.0/users/authentication/rest/signin', { result: 0, session: 'session-bbb' })
    on('getenvinfo', { result: 702, error: 'session [session-bbb] is invalid' })
    await expect(platform.describe({ service: 'shop' })).rejects.toMatchObject({
      kind: 'auth',
      message: expect.stringContaining('session [***] is invalid'),
    })
  })

  it('installs a Traffic Distributor through the legacy appstore host when the marketplace method is unknown', async () => {
    const { platform, on, agent } = setup()
    on('getenvinfo', envInfo('blue', 'v1'))
    on('getenvinfo', envInfo('green', 'v2'))
    on('getenvinfo', { result: 5, error: 'env [shop] not found' })
    on('/1.0/marketplace/jps/rest/install', { error: 'no such method' }, 404)
    let query: URLSearchParams | undefined
    // the legacy host of app.<domain> is appstore.<domain>, called with GET and a query (source document)
    agent
      .get('https://appstore.jelastic.example.com')
      .intercept({ path: (path: string) => path.startsWith('/InstallApp?'), method: 'GET' })
      .reply(200, (options) => {
        query = new URL(String(options.path), 'http://x').searchParams
        return JSON.stringify({ result: 0, uniqueName: 'td-1' })
      })
    await platform.writeTraffic?.({ router: 'shop', blue: 'blue', green: 'green' }, { blue: 90, green: 10, routingMethod: 'round-robin' })
    expect(Object.fromEntries(query ?? [])).toMatchObject({ envName: 'shop', jps: 'traffic-distributor', session: 'personal-token-123' })
    expect(JSON.parse(query?.get('settings') ?? '')).toEqual({
      extip: true,
      balancerCount: 1,
      routingMethod: 'round-robin',
      range: 90,
      backend1: 'blue.jelastic.example.com',
      backend2: 'green.jelastic.example.com',
    })
  })

  it('reads the split from the router, whichever backend is blue', async () => {
    const { platform, on } = setup()
    on('getenvinfo', {
      ...envInfo('shop', '1.24'),
      nodes: [{ ...envInfo('shop', '1.24').nodes[0], addons: [{ appTemplateId: 'traffic-distributor', uniqueName: 'td-1' }] }],
    })
    on('/1.0/marketplace/installation/rest/getsettings', {
      result: 0,
      settings: {
        range: 30,
        routingMethod: 'sticky-sessions',
        backend1: 'green.jelastic.example.com',
        backend2: 'blue.jelastic.example.com',
      },
    })
    on('getenvinfo', envInfo('blue', 'v1'))
    on('getenvinfo', envInfo('green', 'v2'))
    expect(await platform.readTraffic?.({ router: 'shop', blue: 'blue', green: 'green' })).toEqual({
      blue: 70,
      green: 30,
      routingMethod: 'sticky-sessions',
    })
  })

  it('scales by sending the whole topology with the new count for the node group', async () => {
    const { platform, on, bodies } = setup()
    on('getenvinfo', envInfo('shop', 'v1', 2))
    on('changetopology', envInfo('shop', 'v1', 3))
    await platform.scale({ service: 'shop', nodeGroup: 'cp' }, { replicas: 3 })
    expect(JSON.parse(bodies[1]?.nodes ?? '')).toEqual([
      { nodeGroup: 'cp', count: 3, nodeType: 'docker', docker: { image: 'registry.example.com/shop:v1' } },
    ])
  })

  it('starts, stops and restarts, and deletes with the password as confirmation', async () => {
    const { platform, on, bodies } = setup({ username: 'me', password: 'pw-123' })
    on('/1.0/users/authentication/rest/signin', { result: 0, session: 'session-aaa' })
    on('stopenv', { result: 0 })
    on('startenv', { result: 0 })
    on('restartnodes', { result: 0, responses: [{ nodeId: 1, result: 0 }] })
    on('deleteenv', { result: 0 })
    await platform.lifecycle({ service: 'shop' }, 'stop')
    await platform.lifecycle({ service: 'shop' }, 'start')
    await platform.lifecycle({ service: 'shop', nodeGroup: 'cp' }, 'restart')
    await platform.remove({ service: 'shop' })
    expect(bodies.slice(1)).toEqual([
      { envName: 'shop', session: 'session-aaa' },
      { envName: 'shop', session: 'session-aaa' },
      { envName: 'shop', nodeGroup: 'cp', isSequential: 'true', session: 'session-aaa' },
      { envName: 'shop', password: 'pw-123', session: 'session-aaa' },
    ])
  })

  it('keeps the release record as a property of the router environment', async () => {
    const { platform, on, bodies } = setup()
    const record = {
      release: 'org/shop#1',
      stable: 'blue',
      candidate: 'green',
      phase: 'progressing',
      step: 1,
      weight: 10,
      startedAt: 't0',
      updatedAt: 't1',
    }
    on('applyenvproperty', { result: 0 })
    on('getenvproperty', { result: 0, properties: { paasRelease: JSON.stringify(record), other: 'x' } })
    on('getenvproperty', { result: 0, properties: {} })
    await platform.writeRecord?.({ router: 'shop', blue: 'blue', green: 'green' }, record)
    expect(JSON.parse(bodies[0]?.properties ?? '')).toEqual({ paasRelease: JSON.stringify(record) })
    expect(await platform.readRecord?.({ router: 'shop', blue: 'blue', green: 'green' })).toEqual(record)
    expect(await platform.readRecord?.({ router: 'shop', blue: 'blue', green: 'green' })).toBeNull()
  })

  it('reports an HTML error page as the platform being unavailable', async () => {
    const { platform, on } = setup()
    on('getenvinfo', '<html>Bad Gateway</html>', 502)
    on('getenvinfo', '<html>Bad Gateway</html>', 502)
    await expect(platform.describe({ service: 'shop' })).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringContaining('HTTP 502'),
    })
  })
})

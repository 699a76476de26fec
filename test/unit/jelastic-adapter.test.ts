import { MockAgent } from 'undici'
import { describe, expect, it } from 'vitest'
import { HttpClient } from '../../src/shared/http/client.js'
import { Redactor } from '../../src/shared/http/redactor.js'
import type { Credentials } from '../../src/shared/platforms/terms.js'
import type { Platform } from '../../src/shared/platforms/platform.js'
import { PlatformError } from '../../src/shared/platforms/platform.js'
import { createJelastic } from '../../src/shared/platforms/jelastic/adapter.js'

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
      fixedCloudlets: 1,
      flexibleCloudlets: 8,
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
  const calls: string[] = []
  // every request sent, answered or not: the method's name, or the appstore script's
  const dispatcher = agent.compose((dispatch) => (options, handler) => {
    calls.push(String(options.path).split('?')[0]?.split('/').pop() ?? '')
    return dispatch(options, handler)
  })
  const http = new HttpClient({ redactor, dispatcher, sleep: async () => {}, backoff: { attempts: 2, baseMs: 1, capMs: 1 } })
  const platform: Platform = createJelastic({
    apiUrl: new URL(ORIGIN),
    credentials,
    http,
    log: () => {},
    warn: () => {},
    deadline: () => Date.now() + 60_000,
  })
  const pool = agent.get(ORIGIN)
  const on = (method: string, reply: unknown, status = 200) =>
    pool.intercept({ path: method.startsWith('/') ? method : `${METHOD}${method}`, method: 'POST' }).reply(status, (options) => {
      bodies.push(Object.fromEntries(new URLSearchParams(String(options.body))))
      return typeof reply === 'string' ? reply : JSON.stringify(reply)
    })
  /** the connection closes before the answer: the call may or may not have run */
  const lose = (method: string) =>
    pool
      .intercept({ path: method.startsWith('/') ? method : `${METHOD}${method}`, method: 'POST' })
      .replyWithError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }))
  return { agent, platform, on, lose, bodies, calls, redactor, pool }
}

describe('Jelastic adapter', () => {
  it('describes an environment: image, replicas, phase and URL', async () => {
    const { platform, on, bodies } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    expect(await platform.describe({ service: 'shop' })).toEqual({
      id: 'shop',
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

  it('never shows a sign-in answer it cannot read: it may hold the session', async () => {
    const { platform, on } = setup({ username: 'me@example.com', password: 'pw-123' })
    // a byte-order mark before the JSON: unreadable, and the session not yet known as a secret
    for (let i = 0; i < 2; i++) on('/1.0/users/authentication/rest/signin', '\ufeff{"result":0,"session":"session-ccc-0123456789"}')
    const error = (await platform.describe({ service: 'shop' }).catch((caught: unknown) => caught)) as Error
    expect(error.message).toContain('not shown: it may hold a secret issued to this run')
    expect(error.message).not.toContain('session-ccc')
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
      {
        count: 3,
        nodeType: 'docker',
        flexibleCloudlets: 8,
        fixedCloudlets: 1,
        docker: { image: 'registry.example.com/shop:v1', nodeGroup: 'cp' },
      },
    ])
  })

  it('starts, stops and restarts (reading the nodes first), and deletes with the password as confirmation', async () => {
    const { platform, on, bodies } = setup({ username: 'me', password: 'pw-123' })
    on('/1.0/users/authentication/rest/signin', { result: 0, session: 'session-aaa' })
    on('stopenv', { result: 0 })
    on('startenv', { result: 0 })
    on('getenvinfo', envInfo('shop', 'v1'))
    on('restartnodes', { result: 0, responses: [{ nodeId: 1, result: 0 }] })
    on('deleteenv', { result: 0 })
    await platform.lifecycle({ service: 'shop' }, 'stop')
    await platform.lifecycle({ service: 'shop' }, 'start')
    await platform.lifecycle({ service: 'shop', nodeGroup: 'cp' }, 'restart')
    await platform.remove({ service: 'shop' })
    expect(bodies.slice(1)).toEqual([
      { envName: 'shop', session: 'session-aaa' },
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

/** Jelastic's methods are POSTs the client never repeats: an answer lost is settled by the state (platforms/settle.ts). */
describe('Jelastic writes whose answer is lost', () => {
  const V2 = 'registry.example.com/shop:v2'
  const withNodes = (
    info: ReturnType<typeof envInfo>,
    change: (node: ReturnType<typeof envInfo>['nodes'][number], i: number) => object,
  ) => ({
    ...info,
    nodes: info.nodes.map((node, i) => ({ ...node, ...change(node, i) })),
  })
  const routerEnv = (addons = [{ appTemplateId: 'traffic-distributor', uniqueName: 'td-1' }]) =>
    withNodes(envInfo('shop', '1.24', 1), () => ({ nodeGroup: 'bl', addons }))
  const settings = (range: number) => ({
    result: 0,
    settings: { range, routingMethod: 'round-robin', backend1: 'blue.jelastic.example.com', backend2: 'green.jelastic.example.com' },
  })
  const routerRef = { router: 'shop', blue: 'blue', green: 'green' }
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

  it('does not redeploy again when the environment is UPDATING after a reset, and observe waits for it', async () => {
    const { platform, on, lose, calls } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    lose('redeploycontainersbygroup')
    on('getenvinfo', envInfo('shop', 'v1', 2, 12))
    on('getenvinfo', envInfo('shop', 'v2'))
    const op = await platform.deploy({ service: 'shop' }, { image: V2 })
    expect(calls).toEqual(['getenvinfo', 'redeploycontainersbygroup', 'getenvinfo'])
    expect(op).toMatchObject({ kind: 'deploy', target: { image: V2 } })
    expect(await platform.observe(op)).toMatchObject({ status: 'succeeded' })
  })

  it('redeploys again after a 502 when no node runs the new tag', async () => {
    const { platform, on, calls, bodies } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    on('redeploycontainersbygroup', '<html>502 Bad Gateway</html>', 502)
    on('getenvinfo', envInfo('shop', 'v1'))
    on('redeploycontainersbygroup', { result: 0, responses: [{ nodeId: 1000, result: 0 }] })
    const op = await platform.deploy({ service: 'shop' }, { image: V2 })
    expect(calls).toEqual(['getenvinfo', 'redeploycontainersbygroup', 'getenvinfo', 'redeploycontainersbygroup'])
    expect(bodies.filter((body) => body.tag === 'v2')).toHaveLength(2)
    expect(op.target).toEqual({ image: V2 })
  })

  it('takes a redeploy that ran part way (a 200 that is not JSON) as landed: observe then fails it, it is not sent again', async () => {
    const { platform, on, calls } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    on('redeploycontainersbygroup', '{"result": 0, "responses": [')
    const half = withNodes(envInfo('shop', 'v1'), (node, i) => (i === 0 ? { customitem: { ...node.customitem, dockerTag: 'v2' } } : {}))
    on('getenvinfo', half)
    on('getenvinfo', half)
    const op = await platform.deploy({ service: 'shop' }, { image: V2 })
    expect(calls.filter((call) => call === 'redeploycontainersbygroup')).toHaveLength(1)
    expect(await platform.observe(op)).toMatchObject({ status: 'failed', detail: expect.stringContaining(`expected ${V2}`) })
  })

  it('stops, never sending twice, when the platform refuses the read of its state', async () => {
    const { platform, on, lose, calls } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    lose('redeploycontainersbygroup')
    on('getenvinfo', { result: 1702, error: 'no such method' })
    await expect(platform.deploy({ service: 'shop' }, { image: V2 })).rejects.toThrow('no such method (result 1702)')
    expect(calls.filter((call) => call === 'redeploycontainersbygroup')).toHaveLength(1)
  })

  it('settles a topology change by the node count of the group', async () => {
    const { platform, on, lose, calls } = setup()
    on('getenvinfo', envInfo('shop', 'v1', 2))
    lose('changetopology')
    on('getenvinfo', envInfo('shop', 'v1', 3))
    expect((await platform.scale({ service: 'shop' }, { replicas: 3 })).target).toEqual({ replicas: 3 })
    on('getenvinfo', envInfo('shop', 'v1', 3))
    on('changetopology', { result: 99, error: 'internal' }, 503)
    on('getenvinfo', envInfo('shop', 'v1', 3))
    on('changetopology', envInfo('shop', 'v1', 4))
    await platform.scale({ service: 'shop' }, { replicas: 4 })
    expect(calls.filter((call) => call === 'changetopology')).toHaveLength(3)
  })

  it('settles a start and a stop by the status of the environment', async () => {
    const { platform, on, lose, calls } = setup()
    lose('startenv')
    on('getenvinfo', envInfo('shop', 'v1', 2, 3)) // LAUNCHING: the start runs
    const start = await platform.lifecycle({ service: 'shop' }, 'start')
    // a start found from the state is done once the nodes run
    on(
      'getenvinfo',
      withNodes(envInfo('shop', 'v1'), (_, i) => (i === 1 ? { status: 2 } : {})),
    )
    expect(await platform.observe(start)).toMatchObject({ status: 'running', detail: expect.stringContaining('1 node(s) not running yet') })
    on('stopenv', '<html>503</html>', 503)
    on('getenvinfo', envInfo('shop', 'v1')) // still RUNNING: the stop did not land
    on('stopenv', { result: 0 })
    await platform.lifecycle({ service: 'shop' }, 'stop')
    expect(calls).toEqual(['startenv', 'getenvinfo', 'getenvinfo', 'stopenv', 'getenvinfo', 'stopenv'])
  })

  it('settles a restart by a node that went down; one that left no trace is restarted once more', async () => {
    const { platform, on, lose, calls } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    lose('restartnodes')
    on(
      'getenvinfo',
      withNodes(envInfo('shop', 'v1'), (_, i) => (i === 0 ? { status: 2 } : {})),
    )
    await platform.lifecycle({ service: 'shop' }, 'restart')
    on('getenvinfo', envInfo('shop', 'v1'))
    lose('restartnodes')
    on('getenvinfo', envInfo('shop', 'v1'))
    on('restartnodes', { result: 0, responses: [] })
    await platform.lifecycle({ service: 'shop' }, 'restart')
    expect(calls.filter((call) => call === 'restartnodes')).toHaveLength(3)
  })

  it('settles a delete by the environment being gone; a delete sent again that finds none is done', async () => {
    const { platform, on, lose, calls } = setup()
    lose('deleteenv')
    on('getenvinfo', { result: 5, error: 'env [shop] not found' })
    expect((await platform.remove({ service: 'shop' })).kind).toBe('remove')
    lose('deleteenv')
    on('getenvinfo', envInfo('shop', 'v1'))
    on('deleteenv', { result: 5, error: 'env [shop] not found' })
    expect((await platform.remove({ service: 'shop' })).kind).toBe('remove')
    expect(calls).toEqual(['deleteenv', 'getenvinfo', 'deleteenv', 'getenvinfo', 'deleteenv'])
  })

  it('does not install a Traffic Distributor twice: found with its add-on, or refused when the environment has none', async () => {
    const { platform, on, lose, calls } = setup()
    const sides = () => {
      on('getenvinfo', envInfo('blue', 'v1'))
      on('getenvinfo', envInfo('green', 'v2'))
      on('getenvinfo', { result: 5, error: 'env [shop] not found' })
    }
    sides()
    lose('/1.0/marketplace/jps/rest/install')
    on('getenvinfo', routerEnv())
    expect((await platform.writeTraffic?.(routerRef, { blue: 90, green: 10, routingMethod: 'round-robin' }))?.kind).toBe('traffic')
    sides()
    on('/1.0/marketplace/jps/rest/install', 'Gateway Timeout', 504)
    on('getenvinfo', routerEnv([]))
    await expect(platform.writeTraffic?.(routerRef, { blue: 90, green: 10, routingMethod: 'round-robin' })).rejects.toThrow(
      'jelastic: install Traffic Distributor of "shop" failed: the install got no answer, and the environment exists (RUNNING) without its Traffic Distributor add-on: the install may still be running, or have broken; it is not sent again',
    )
    expect(calls.filter((call) => call === 'install')).toHaveLength(2)
  })

  it('settles a configure by the settings read back, and sends it again when they are the old ones', async () => {
    const { platform, on, lose, calls } = setup()
    const before = () => {
      on('getenvinfo', envInfo('blue', 'v1'))
      on('getenvinfo', envInfo('green', 'v2'))
      on('getenvinfo', routerEnv())
      on('/1.0/marketplace/installation/rest/getsettings', settings(100))
    }
    before()
    lose('/1.0/marketplace/jps/rest/executeappaction')
    on('getenvinfo', routerEnv())
    on('/1.0/marketplace/installation/rest/getsettings', settings(90))
    await platform.writeTraffic?.(routerRef, { blue: 90, green: 10, routingMethod: 'round-robin' })
    expect(calls.filter((call) => call === 'executeappaction')).toHaveLength(1)
    before()
    lose('/1.0/marketplace/jps/rest/executeappaction')
    on('getenvinfo', routerEnv())
    on('/1.0/marketplace/installation/rest/getsettings', settings(100))
    on('/1.0/marketplace/jps/rest/executeappaction', { result: 0, response: { result: 0 } })
    await platform.writeTraffic?.(routerRef, { blue: 90, green: 10, routingMethod: 'round-robin' })
    expect(calls.filter((call) => call === 'executeappaction')).toHaveLength(3)
  })

  it('settles the record by reading it back, and never lets the client repeat it blindly', async () => {
    const { platform, on, lose, calls } = setup()
    on('applyenvproperty', '<html>502</html>', 502)
    on('getenvproperty', { result: 0, properties: { paasRelease: JSON.stringify(record) } })
    await platform.writeRecord?.(routerRef, record)
    expect(calls).toEqual(['applyenvproperty', 'getenvproperty'])
    lose('applyenvproperty')
    on('getenvproperty', { result: 0, properties: { paasRelease: JSON.stringify({ ...record, weight: 0 }) } })
    on('applyenvproperty', { result: 0 })
    await platform.writeRecord?.(routerRef, { ...record, weight: 20 })
    expect(calls.slice(2)).toEqual(['applyenvproperty', 'getenvproperty', 'applyenvproperty'])
  })

  const redeployed = { result: 0, responses: [{ nodeId: 1000, result: 0 }] }
  const imageVars = { PATH: '/usr/bin', HOME: '/root' }

  /** the environment property that names the variables the action's deploys set */
  const setByUs = (names: string[]) => ({ result: 0, properties: { paasReleaseVars: JSON.stringify({ cp: names }) } })

  it('merges variables without reading them first; a set whose answer was lost is settled by reading them, not sent again', async () => {
    const { platform, on, lose, calls, bodies } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    on('getenvproperty', setByUs([]))
    lose('addcontainerenvvars')
    on('getcontainerenvvarsbygroup', { result: 0, object: { ...imageVars, A: '1' } })
    on('getenvproperty', setByUs([]))
    on('applyenvproperty', { result: 0 })
    on('redeploycontainersbygroup', redeployed)
    await platform.deploy({ service: 'shop' }, { image: V2, env: { vars: { A: '1' }, update: 'merge' } })
    expect(calls).toEqual([
      'getenvinfo',
      'getenvproperty',
      'addcontainerenvvars',
      'getcontainerenvvarsbygroup',
      'getenvproperty',
      'applyenvproperty',
      'redeploycontainersbygroup',
    ])
    // the names the action now answers for, which a later replace may remove
    expect(JSON.parse(JSON.parse(bodies.at(-2)?.properties ?? '').paasReleaseVars)).toEqual({ cp: ['A'] })
  })

  it('keeps the names of the variables set by a property write whose lost answer is settled by reading it back, never repeated blindly', async () => {
    const { platform, on, lose, calls } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    on('getenvproperty', setByUs([]))
    on('addcontainerenvvars', { result: 0 })
    on('getenvproperty', { result: 0, properties: { paasReleaseVars: JSON.stringify({ web: ['B'] }) } })
    lose('applyenvproperty')
    // landed: this group's list reads back as sent (another group's list beside it)
    on('getenvproperty', { result: 0, properties: { paasReleaseVars: JSON.stringify({ web: ['B'], cp: ['A'] }) } })
    on('redeploycontainersbygroup', redeployed)
    await platform.deploy({ service: 'shop' }, { image: V2, env: { vars: { A: '1' }, update: 'merge' } })
    expect(calls).toEqual([
      'getenvinfo',
      'getenvproperty',
      'addcontainerenvvars',
      'getenvproperty',
      'applyenvproperty',
      'getenvproperty',
      'redeploycontainersbygroup',
    ])
  })

  it('settles a redeploy answered result 17 (the platform timed out waiting for its back end) by its state: not sent again', async () => {
    const { platform, on, calls } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    on('redeploycontainersbygroup', { result: 17, error: 'java.io.IOException: Timeout while waiting for data', source: 'JEL' })
    on('getenvinfo', envInfo('shop', 'v1', 2, 12))
    const op = await platform.deploy({ service: 'shop' }, { image: V2 })
    expect(calls).toEqual(['getenvinfo', 'redeploycontainersbygroup', 'getenvinfo'])
    expect(op).toMatchObject({ kind: 'deploy', target: { image: V2 } })
  })

  it("replaces only the variables earlier deploys set: the image's own and those set by hand stay", async () => {
    const { platform, on, calls, bodies } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    on('getenvproperty', setByUs(['A', 'B']))
    on('getcontainerenvvarsbygroup', { result: 0, object: { ...imageVars, A: '1', B: '2', BY_HAND: 'x' } })
    on('removecontainerenvvars', { result: 0 })
    on('addcontainerenvvars', { result: 0 })
    on('getenvproperty', setByUs(['A', 'B']))
    on('applyenvproperty', { result: 0 })
    on('redeploycontainersbygroup', redeployed)
    await platform.deploy({ service: 'shop' }, { image: V2, env: { vars: { A: '1', C: '3' }, update: 'replace' } })
    expect(calls).toEqual([
      'getenvinfo',
      'getenvproperty',
      'getcontainerenvvarsbygroup',
      'addcontainerenvvars',
      'removecontainerenvvars',
      'getenvproperty',
      'applyenvproperty',
      'redeploycontainersbygroup',
    ])
    // the new ones set before the old ones go: a refused set leaves the old ones in place
    expect(JSON.parse(bodies[3]?.vars ?? '')).toEqual({ C: '3' })
    expect(JSON.parse(bodies[4]?.vars ?? '')).toEqual(['B'])
    expect(JSON.parse(JSON.parse(bodies[6]?.properties ?? '').paasReleaseVars)).toEqual({ cp: ['A', 'C'] })
  })

  it('puts back the variables from before (a rollback): removes the added ones, sets the changed ones back, then redeploys', async () => {
    const { platform, on, calls, bodies } = setup()
    on('getenvinfo', envInfo('shop', 'v2'))
    on('getenvproperty', setByUs(['A', 'B', 'C', 'D']))
    on('getcontainerenvvarsbygroup', { result: 0, object: { ...imageVars, A: '1', B: 'new', C: '3' } })
    on('removecontainerenvvars', { result: 0 })
    on('addcontainerenvvars', { result: 0 })
    on('getenvproperty', setByUs(['A', 'B', 'C', 'D']))
    on('applyenvproperty', { result: 0 })
    on('redeploycontainersbygroup', redeployed)
    const before = { ...imageVars, A: '1', B: 'old', D: '4' }
    // a restore keeps what was not the action's before the deploy (the service state's envKept)
    const restore = { vars: before, update: 'replace' as const, kept: Object.keys(imageVars) }
    await platform.deploy({ service: 'shop' }, { image: 'registry.example.com/shop:v1', env: restore })
    expect(calls).toEqual([
      'getenvinfo',
      'getenvproperty',
      'getcontainerenvvarsbygroup',
      'addcontainerenvvars',
      'removecontainerenvvars',
      'getenvproperty',
      'applyenvproperty',
      'redeploycontainersbygroup',
    ])
    // only what differs: the image's own and the unchanged are not written again
    expect(JSON.parse(bodies[3]?.vars ?? '')).toEqual({ B: 'old', D: '4' })
    expect(JSON.parse(bodies[4]?.vars ?? '')).toEqual(['C'])
    expect(JSON.parse(JSON.parse(bodies[6]?.properties ?? '').paasReleaseVars)).toEqual({ cp: ['A', 'B', 'D'] })
  })

  it('writes no variable when they already are as before, and sends a removal whose answer was lost again only when it did not land', async () => {
    const kept = Object.keys(imageVars)
    const same = setup()
    same.on('getenvinfo', envInfo('shop', 'v2'))
    same.on('getenvproperty', setByUs(['A']))
    same.on('getcontainerenvvarsbygroup', { result: 0, object: { ...imageVars, A: '1' } })
    same.on('redeploycontainersbygroup', redeployed)
    await same.platform.deploy({ service: 'shop' }, { image: V2, env: { vars: { ...imageVars, A: '1' }, update: 'replace', kept } })
    expect(same.calls).toEqual(['getenvinfo', 'getenvproperty', 'getcontainerenvvarsbygroup', 'redeploycontainersbygroup'])

    const { platform, on, calls } = setup()
    on('getenvinfo', envInfo('shop', 'v2'))
    on('getenvproperty', setByUs(['C']))
    on('getcontainerenvvarsbygroup', { result: 0, object: { ...imageVars, C: '3' } })
    on('removecontainerenvvars', '<html>502 Bad Gateway</html>', 502)
    on('getcontainerenvvarsbygroup', { result: 0, object: { ...imageVars, C: '3' } })
    on('removecontainerenvvars', { result: 0 })
    on('getenvproperty', setByUs(['C']))
    on('applyenvproperty', { result: 0 })
    on('redeploycontainersbygroup', redeployed)
    await platform.deploy({ service: 'shop' }, { image: V2, env: { vars: imageVars, update: 'replace', kept } })
    expect(calls).toEqual([
      'getenvinfo',
      'getenvproperty',
      'getcontainerenvvarsbygroup',
      'removecontainerenvvars',
      'getcontainerenvvarsbygroup',
      'removecontainerenvvars',
      'getenvproperty',
      'applyenvproperty',
      'redeploycontainersbygroup',
    ])
  })

  it('a redeploy of the tag every node runs, its answer lost and nothing under way, is sent again: its end leaves no trace to take it as done by', async () => {
    const { platform, on, calls } = setup()
    on('getenvinfo', envInfo('shop', 'v2'))
    on('getenvproperty', setByUs([]))
    on('addcontainerenvvars', { result: 0 })
    on('getenvproperty', setByUs([]))
    on('applyenvproperty', { result: 0 })
    on('redeploycontainersbygroup', '<html>502 Bad Gateway</html>', 502)
    on('getenvinfo', envInfo('shop', 'v2'))
    on('redeploycontainersbygroup', redeployed)
    await platform.deploy({ service: 'shop' }, { image: V2, env: { vars: { A: '1' }, update: 'merge' } })
    expect(calls.slice(-3)).toEqual(['redeploycontainersbygroup', 'getenvinfo', 'redeploycontainersbygroup'])
  })

  it('a redeploy refused once the variables are set is a failed deploy (the release rolls it back), saying so', async () => {
    const { platform, on } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    on('getenvproperty', setByUs([]))
    on('addcontainerenvvars', { result: 0 })
    on('getenvproperty', setByUs([]))
    on('applyenvproperty', { result: 0 })
    on('redeploycontainersbygroup', { result: 2212, error: 'environment is busy' })
    const refused = platform.deploy({ service: 'shop' }, { image: V2, env: { vars: { A: '1' }, update: 'merge' } })
    await expect(refused).rejects.toMatchObject({
      kind: 'failed',
      message: expect.stringMatching(
        /^jelastic: deploy of "shop" failed: the variables were changed, then the redeploy was refused: .*environment is busy/,
      ),
    })
  })

  it('a removal of the old variables refused once the new ones are set is a failed deploy too', async () => {
    const { platform, on } = setup()
    on('getenvinfo', envInfo('shop', 'v1'))
    on('getenvproperty', setByUs(['A', 'B']))
    on('getcontainerenvvarsbygroup', { result: 0, object: { ...imageVars, A: '1', B: '2' } })
    on('addcontainerenvvars', { result: 0 })
    on('removecontainerenvvars', { result: 2212, error: 'environment is busy' })
    const refused = platform.deploy({ service: 'shop' }, { image: V2, env: { vars: { A: '1', C: '3' }, update: 'replace' } })
    await expect(refused).rejects.toMatchObject({
      kind: 'failed',
      message: expect.stringContaining('the variables were changed, then the removal of the old ones was refused'),
    })
  })

  it('signs in again after a sign-in whose answer was lost: a second session does no harm', async () => {
    const { platform, on, lose, calls } = setup({ username: 'me@example.com', password: 'pw-123' })
    lose('/1.0/users/authentication/rest/signin')
    on('/1.0/users/authentication/rest/signin', { result: 0, session: 'session-aaa' })
    on('getenvinfo', envInfo('shop', 'v1'))
    expect((await platform.describe({ service: 'shop' }))?.image).toBe('registry.example.com/shop:v1')
    expect(calls).toEqual(['signin', 'signin', 'getenvinfo'])
  })
})

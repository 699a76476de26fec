import { beforeEach, describe, expect, it } from 'vitest'
import { ENV_STATUS } from '../../vendor/jelastic-api-methods.js'
import { JELASTIC_TOKEN, JELASTIC_USER } from '../support/emulator.js'
import { emulatorSuite } from '../support/steps.js'

/**
 * The emulator as the vendor-side Jelastic clients speak to it, over real HTTP:
 * - py-jelastic (Onemind-Services-LLC/py-jelastic, `jelastic/api/abstract.py`): GET, the method
 *   name lower-cased in `/1.0/{group}/{class}/rest/{method}`, `appid=cluster` and `session` on
 *   every call, dict params as Python's `json.dumps`, booleans as Python's `True`/`False`, None
 *   left out, the keys sorted; HTTP 404 is "endpoint not found", result 5 "resource not found".
 * - softozor/jelastic-client (`jelastic_client/core/api_client.py`): a POST of form data to the
 *   whole path lower-cased, `session` in the form, httpx's encoding (None as empty, true/false);
 *   it reads what `env_info.py`, `env_status.py` and its `sample_data/get_env_info.json` name.
 * Every answer must be `result: 0` with the fields those clients read; a refusal fails the test.
 */
const suite = emulatorSuite()
const V1 = 'registry.example.com/shop:v1'

type Answer = Record<string, unknown> & { result: number }
type PyValue = string | number | boolean | null | Record<string, unknown>

/** Python's `json.dumps` with its default separators `", "` and `": "`. */
function pyDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyDumps).join(', ')}]`
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}: ${pyDumps(item)}`)
      .join(', ')}}`
  return JSON.stringify(value)
}

/** The exceptions py-jelastic raises, by name, or the answer. */
type PyOutcome = { ok: Answer } | { raised: 'JelasticResourceNotFound' | 'JelasticApiError' | 'JelasticPermissionError'; body?: Answer }

/** py-jelastic's `ClientAbstract._get`: the query serialized as `_serialize_params` does it, then `_handle_response`. */
async function pyJelastic(session: string | null, path: string, params: Record<string, PyValue> = {}): Promise<PyOutcome> {
  const [group, cls, method] = path.split('.') as [string, string, string]
  const all: Record<string, PyValue> = { appid: 'cluster', session, ...params }
  const query = new URLSearchParams(
    Object.entries(all)
      .filter(([, value]) => value !== null)
      .map(([key, value]) => [key, serializePy(value as Exclude<PyValue, null>)] as [string, string])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  )
  const response = await fetch(`${suite.emulator.url('jelastic')}/1.0/${group}/${cls}/rest/${method.toLowerCase()}?${query}`)
  if (!response.ok) return { raised: response.status === 404 ? 'JelasticResourceNotFound' : 'JelasticApiError' }
  const body = (await response.json()) as Answer
  if (body.result === 8202) return { raised: 'JelasticPermissionError', body }
  if (body.result === 5) return { raised: 'JelasticResourceNotFound', body }
  if (body.result !== 0) return { raised: 'JelasticApiError', body }
  return { ok: body }
}

function serializePy(value: Exclude<PyValue, null>): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  return typeof value === 'object' ? pyDumps(value) : String(value)
}

/** A py-jelastic call that must succeed. */
async function py(session: string | null, path: string, params: Record<string, PyValue> = {}): Promise<Answer> {
  const outcome = await pyJelastic(session, path, params)
  expect(outcome, `${path} ${JSON.stringify(params)}`).toHaveProperty('ok')
  return (outcome as { ok: Answer }).ok
}

/** jelastic-client's `ApiClient.execute('Group.Class.Function', **kwargs)`, which raises on a non-zero result. */
async function jelasticClient(fn: string, kwargs: Record<string, string | number | boolean | null> = {}): Promise<Answer> {
  const uri = fn.replace(/^(\w+)\.(\w+)\.(\w+)$/, '$1/$2/REST/$3').toLowerCase()
  const data = Object.entries({ ...kwargs, session: JELASTIC_TOKEN }).map(
    ([key, value]) => [key, value === null ? '' : String(value)] as [string, string],
  )
  const response = await fetch(`${suite.emulator.url('jelastic')}/1.0/${uri}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(data).toString(),
  })
  expect(response.status, fn).toBe(200)
  const body = (await response.json()) as Answer
  expect(body, `${fn} ${JSON.stringify(kwargs)}`).toMatchObject({ result: 0 })
  return body
}

/** What jelastic-client's EnvInfo reads of a getenvinfo answer (env_info.py, env_status.py). */
function expectEnvInfo(info: Answer, envName: string): void {
  expect(info.env).toMatchObject({ envName, domain: expect.any(String), status: expect.any(Number) })
  expect(Object.values(ENV_STATUS)).toContain((info.env as { status: number }).status)
  for (const node of info.nodes as Record<string, unknown>[]) {
    expect(node).toMatchObject({ id: expect.any(Number), intIP: expect.any(String), nodeType: expect.any(String), url: expect.any(String) })
    expect(node).toMatchObject({
      nodeGroup: expect.any(String),
      customitem: { dockerName: expect.any(String), dockerTag: expect.any(String) },
    })
  }
}

type EnvInfo = { env: { status: number }; nodes: { nodeGroup: string; customitem: { dockerTag: string } }[] }

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.control('POST', '/jelastic/timing', { redeployMsPerNode: 10, topologyMsPerNode: 10, installMs: 10 })
  await suite.emulator.control('POST', '/jelastic/environments', { envName: 'shop', image: V1, nodes: 2 })
})

describe('Jelastic as py-jelastic speaks it (GET, query parameters, appid=cluster)', () => {
  it('signs in, reads, redeploys, changes the topology, restarts, stops and starts, and signs out', async () => {
    const signin = await py(null, 'users.authentication.Signin', { login: JELASTIC_USER.username, password: JELASTIC_USER.password })
    expect(signin).toMatchObject({ session: expect.any(String), uid: expect.any(Number), email: JELASTIC_USER.username })
    const session = signin.session as string

    expectEnvInfo(await py(session, 'environment.control.GetEnvInfo', { envName: 'shop', lazy: false }), 'shop')
    const redeploy = await py(session, 'environment.control.RedeployContainersByGroup', {
      envName: 'shop',
      nodeGroup: 'cp',
      tag: 'v2',
      isSequential: true,
      useExistingVolumes: true,
      delay: 0,
      manageDNSState: false,
    })
    expect(redeploy.responses).toEqual([expect.objectContaining({ result: 0 }), expect.objectContaining({ result: 0 })])
    const redeployed = (await py(session, 'environment.control.GetEnvInfo', { envName: 'shop' })) as unknown as EnvInfo
    expect(redeployed.nodes.map((node) => node.customitem.dockerTag)).toEqual(['v2', 'v2'])

    // ChangeTopology's `nodes` is a dict: the one node object the vendor's description declares
    await py(session, 'environment.control.ChangeTopology', {
      envName: 'shop',
      env: { shortdomain: 'shop' },
      nodes: { nodeType: 'docker', count: 3, flexibleCloudlets: 4, docker: { nodeGroup: 'cp' } },
    })
    const scaled = (await py(session, 'environment.control.GetEnvInfo', { envName: 'shop' })) as unknown as EnvInfo
    expect(scaled.nodes.map((node) => [node.nodeGroup, node.customitem.dockerTag])).toEqual([
      ['cp', 'v2'],
      ['cp', 'v2'],
      ['cp', 'v2'],
    ])

    // RestartNodes always sends isSequential and manageDNSState, False by default
    await py(session, 'environment.control.RestartNodes', { envName: 'shop', nodeGroup: 'cp', isSequential: false, manageDNSState: false })
    await py(session, 'environment.control.StopEnv', { envName: 'shop' })
    expect(((await py(session, 'environment.control.GetEnvInfo', { envName: 'shop' })) as unknown as EnvInfo).env.status).toBe(2)
    await py(session, 'environment.control.StartEnv', { envName: 'shop' })
    expect(((await py(session, 'environment.control.GetEnvInfo', { envName: 'shop' })) as unknown as EnvInfo).env.status).toBe(1)

    await py(session, 'users.authentication.Signout')
    expect(await pyJelastic(session, 'environment.control.GetEnvInfo', { envName: 'shop' })).toMatchObject({ raised: 'JelasticApiError' })
  })

  it('keeps environment properties, creates an environment and deletes it', async () => {
    // ApplyEnvProperty's `properties` is a str: the caller's JSON text
    await py(JELASTIC_TOKEN, 'environment.control.ApplyEnvProperty', {
      envName: 'shop',
      properties: pyDumps({ paasRelease: '{"step": 1}', owner: 'team' }),
    })
    const read = await py(JELASTIC_TOKEN, 'environment.control.GetEnvProperty', { envName: 'shop', propertyKeys: 'paasRelease,owner' })
    expect(read.properties).toMatchObject({ paasRelease: '{"step": 1}', owner: 'team' })

    const created = await py(JELASTIC_TOKEN, 'environment.control.CreateEnvironment', {
      env: { shortdomain: 'shop-new', region: 'default' },
      nodes: { nodeType: 'docker', count: 1, fixedCloudlets: 1, flexibleCloudlets: 4, docker: { image: V1, nodeGroup: 'cp' } },
    })
    expectEnvInfo(created.response as Answer, 'shop-new')
    expectEnvInfo(await py(JELASTIC_TOKEN, 'environment.control.GetEnvInfo', { envName: 'shop-new' }), 'shop-new')

    await py(JELASTIC_TOKEN, 'environment.control.DeleteEnv', { envName: 'shop-new', password: JELASTIC_USER.password })
    expect(await pyJelastic(JELASTIC_TOKEN, 'environment.control.GetEnvInfo', { envName: 'shop-new' })).toMatchObject({
      raised: 'JelasticResourceNotFound',
    })
  })

  it('installs a Traffic Distributor, reads its settings and configures it, by both action methods', async () => {
    await suite.emulator.control('POST', '/jelastic/environments', { envName: 'shop-green', image: V1, nodes: 1 })
    const domain = (name: string) => `${name}.jelastic.emulator.test`
    const settings = {
      extip: true,
      balancerCount: 1,
      routingMethod: 'round-robin',
      range: 100,
      backend1: domain('shop'),
      backend2: domain('shop-green'),
    }
    // Install's `settings` is a str: the caller's JSON text
    const installed = await py(JELASTIC_TOKEN, 'marketplace.jps.Install', {
      jps: 'traffic-distributor',
      envName: 'router',
      settings: pyDumps(settings),
      displayName: 'router',
    })
    const uniqueName = installed.uniqueName as string
    expect(uniqueName).toEqual(expect.any(String))
    const router = await py(JELASTIC_TOKEN, 'environment.control.GetEnvInfo', { envName: 'router' })
    expect(JSON.stringify(router.nodes)).toContain(uniqueName)

    const read = await py(JELASTIC_TOKEN, 'marketplace.installation.GetSettings', { appUniqueName: uniqueName, settingsId: 'main' })
    expect(read.settings).toMatchObject({ range: 100, backend1: domain('shop') })

    // jps.ExecuteAppAction takes `params` as a str, installation.ExecuteAction as a dict
    const configured = await py(JELASTIC_TOKEN, 'marketplace.jps.ExecuteAppAction', {
      appUniqueName: uniqueName,
      action: 'configure',
      settingsId: 'main',
      params: pyDumps({ ...settings, range: 80 }),
    })
    expect(configured.response).toMatchObject({ result: 0 })
    const again = await py(JELASTIC_TOKEN, 'marketplace.installation.ExecuteAction', {
      appUniqueName: uniqueName,
      action: 'configure',
      settingsId: 'main',
      params: { ...settings, range: 60 },
    })
    expect(again.response).toMatchObject({ result: 0 })
    const after = await py(JELASTIC_TOKEN, 'marketplace.installation.GetSettings', { appUniqueName: uniqueName, settingsId: 'main' })
    expect(after.settings).toMatchObject({ range: 60 })
  })
})

describe('Jelastic as softozor/jelastic-client speaks it (POST of form data)', () => {
  it('creates an environment from its EnvSettings and NodeSettings (unset fields as null), reads, stops, starts and deletes it', async () => {
    // that installation's quota asks no confirmation: jelastic-client deletes with envName alone
    await suite.emulator.control('POST', '/jelastic/timing', { deleteConfirmation: false })
    // EnvSettings.to_json() and NodeSettings.schema().dumps([node], many=True), every field present
    const env = { displayName: null, engine: null, ishaenabled: false, region: null, shortdomain: 'shop-new', sslstate: false }
    const node = {
      docker: { image: 'alpine', nodeGroup: null },
      count: 1,
      displayName: null,
      extip: false,
      fixedCloudlets: null,
      flexibleCloudlets: 4,
      nodeType: 'docker',
    }
    const created = await jelasticClient('Environment.Control.CreateEnvironment', {
      env: JSON.stringify(env),
      nodes: JSON.stringify([node]),
    })
    // create_environment returns EnvInfo(response["response"])
    expectEnvInfo(created.response as Answer, 'shop-new')

    const info = await jelasticClient('Environment.Control.GetEnvInfo', { envName: 'shop-new' })
    expectEnvInfo(info, 'shop-new')
    expect((info.env as { status: number }).status).toBe(ENV_STATUS.RUNNING)
    expect((info.nodes as EnvInfo['nodes'])[0]?.customitem.dockerTag).toBe('latest')

    await jelasticClient('Environment.Control.StopEnv', { envName: 'shop-new' })
    expect(((await jelasticClient('Environment.Control.GetEnvInfo', { envName: 'shop-new' })).env as { status: number }).status).toBe(
      ENV_STATUS.DOWN,
    )
    await jelasticClient('Environment.Control.StartEnv', { envName: 'shop-new' })
    await jelasticClient('Environment.Control.DeleteEnv', { envName: 'shop-new' })
  })

  it('installs the Traffic Distributor by JpsClient.install (skipNodeEmails, no region) and reads its successText', async () => {
    await suite.emulator.control('POST', '/jelastic/environments', { envName: 'shop-green', image: V1, nodes: 1 })
    const settings = {
      extip: true,
      balancerCount: 1,
      routingMethod: 'sticky-sessions',
      range: 50,
      backend1: 'shop.jelastic.emulator.test',
      backend2: 'shop-green.jelastic.emulator.test',
    }
    const installed = await jelasticClient('Marketplace.Jps.Install', {
      jps: 'traffic-distributor',
      envName: 'router',
      skipNodeEmails: true,
      settings: pyDumps(settings),
      region: null,
    })
    expect(installed.successText).toEqual(expect.any(String))
  })

  it('finds no environment by the error result that get_env_info keeps', async () => {
    const response = await fetch(`${suite.emulator.url('jelastic')}/1.0/environment/control/rest/getenvinfo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ envName: 'none', session: JELASTIC_TOKEN }).toString(),
    })
    expect(await response.json()).toMatchObject({ result: 5, error: expect.any(String), source: expect.any(String) })
  })
})

describe('Jelastic refuses what its API description refuses, in its own error shape', () => {
  /** A form POST as the product sends it; the answer with its HTTP status. */
  async function post(path: string, params: Record<string, string>): Promise<{ status: number; body: Answer }> {
    const response = await fetch(`${suite.emulator.url('jelastic')}/1.0/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ session: JELASTIC_TOKEN, ...params }).toString(),
    })
    return { status: response.status, body: (await response.json()) as Answer }
  }

  it('answers HTTP 200 {result, error, source} naming a missing, unknown or mistyped parameter, or JSON that does not parse', async () => {
    const ENV = 'environment/control/rest/'
    const refused: [string, Record<string, string>, RegExp][] = [
      [`${ENV}getenvinfo`, {}, /parameter \[envName\] is required/],
      [`${ENV}redeploycontainersbygroup`, { envName: 'shop', nodeGroup: 'cp' }, /parameter \[tag\] is required/],
      [
        `${ENV}redeploycontainersbygroup`,
        { envName: 'shop', nodeGroup: 'cp', tag: 'v2', isSequential: 'yes' },
        /isSequential.*true or false/,
      ],
      [`${ENV}redeploycontainersbygroup`, { envName: 'shop', nodeGroup: 'cp', tag: 'v2', delay: 'soon' }, /delay.*whole number/],
      [`${ENV}getenvinfo`, { envName: 'shop', nodeGroup: 'cp' }, /unknown parameter \[nodeGroup\]/],
      [`${ENV}getenvinfo`, { envname: 'shop' }, /unknown parameter \[envname\]/],
      [`${ENV}changetopology`, { envName: 'shop', env: '{}', nodes: '[{"count": 3' }, /parameter \[nodes\] must be JSON/],
      [`${ENV}changetopology`, { envName: 'shop', nodes: '[{"count": 3}]' }, /parameter \[env\] is required/],
      // a node's group belongs in docker.nodeGroup: the node itself has no such field
      [`${ENV}changetopology`, { envName: 'shop', env: '{}', nodes: '[{"nodeGroup": "cp", "count": 3}]' }, /unknown field "nodeGroup"/],
      [`${ENV}applyenvproperty`, { envName: 'shop', properties: '["a"]' }, /parameter \[properties\] must be a JSON object/],
      [`${ENV}applyenvproperty`, { envName: 'shop', properties: "{'a': 1}" }, /parameter \[properties\] must be JSON/],
      [`${ENV}createenvironment`, { env: '{"shortdomain": "x"}', nodes: '[]' }, /nodes.*non-empty JSON array/],
      ['marketplace/jps/rest/executeappaction', { action: 'configure', params: '{}' }, /parameter \[appUniqueName\] is required/],
      [
        'marketplace/jps/rest/install',
        { jps: 'traffic-distributor', envName: 'router', settings: '{range: 50}' },
        /settings.*must be JSON/,
      ],
    ]
    for (const [path, params, message] of refused) {
      const { status, body } = await post(path, params)
      expect(status, path).toBe(200)
      expect(body, `${path} ${JSON.stringify(params)}`).toMatchObject({ result: 99, error: expect.stringMatching(message), source: 'JEL' })
    }
    // none of it ran: the environment is as it was, and no router was installed
    const info = (await post(`${ENV}getenvinfo`, { envName: 'shop' })).body as unknown as EnvInfo
    expect(info.nodes.map((node) => node.customitem.dockerTag)).toEqual(['v1', 'v1'])
    expect((await post(`${ENV}getenvproperty`, { envName: 'shop' })).body.properties).toEqual({})
    expect((await post(`${ENV}getenvinfo`, { envName: 'router' })).body.result).toBe(5)
  })

  it('checks the session before the parameters', async () => {
    const { body } = await post('environment/control/rest/getenvinfo', { session: 'not-a-session' })
    expect(body).toMatchObject({ result: 702, error: expect.stringMatching(/session/), source: 'hx-core' })
  })

  it('answers an unknown method, or one not spelled in lower case, with HTTP 404 (py-jelastic: "API endpoint not found")', async () => {
    for (const path of [
      'environment/control/rest/nosuchmethod',
      'environment/control/rest/GetEnvInfo',
      'environment/nosuch/rest/getenvinfo',
    ]) {
      const { status, body } = await post(path, { envName: 'shop' })
      expect(status, path).toBe(404)
      expect(body).toMatchObject({ result: 1702, error: expect.stringMatching(/method not found/), source: 'hx-core' })
    }
    expect(await pyJelastic(JELASTIC_TOKEN, 'environment.control.NoSuchMethod', { envName: 'shop' })).toEqual({
      raised: 'JelasticResourceNotFound',
    })
  })
})

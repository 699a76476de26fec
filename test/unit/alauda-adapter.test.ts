import { MockAgent } from 'undici'
import { describe, expect, it } from 'vitest'
import { HttpClient } from '../../src/shared/http/client.js'
import { Redactor } from '../../src/shared/http/redactor.js'
import { createAlauda } from '../../src/shared/platforms/alauda/adapter.js'
import { instancesFor, reachableShares } from '../../src/shared/platforms/replica-split.js'
import { phaseOf, splitImage } from '../../src/shared/platforms/alauda/service.js'
import type { Credentials } from '../../src/shared/platforms/terms.js'
import type { Operation } from '../../src/shared/platforms/platform.js'
import { mockPlatform } from '../support/mock-platform.js'
import { nearestReachable } from '../../src/shared/release/split.js'

const ORIGIN = 'https://api.alauda.cn'
const SHOP = '/v1/services/team/shop/'
const ref = { service: 'shop', project: 'team' }
const router = { router: 'shop.example.cn', blue: 'blue', green: 'green', project: 'team' }

/** A service as the source document's get example shows it, with what the test changes. */
function service(fields: Record<string, unknown> = {}) {
  return {
    service_name: 'shop',
    namespace: 'team',
    image_name: 'index.alauda.cn/team/shop',
    image_tag: 'v1',
    target_state: 'STARTED',
    is_deploying: false,
    target_num_instances: 2,
    current_num_instances: 2,
    scaling_mode: 'MANUAL',
    autoscaling_config: '{}',
    custom_domain_name: 'shop.example.cn',
    default_domain_name: 'shop-team.alaudacn.me',
    ...fields,
  }
}

function setup(credentials: Credentials = { token: 'alauda-token-abc' }) {
  return mockPlatform('alauda', ORIGIN, credentials)
}

describe('Alauda adapter', () => {
  it('describes a service from the source document fields, with "Token" auth', async () => {
    const { platform, on, sent } = setup()
    on('GET', SHOP, 200, service({ current_status: 'Running' }))
    expect(await platform.describe(ref)).toEqual({
      // the service's variables, as its GET shows them (none here)
      env: {},
      id: 'shop',
      image: 'index.alauda.cn/team/shop:v1',
      replicas: 2,
      ready: 2,
      phase: 'running',
      status: 'Running, 2/2 instance(s)',
      url: 'http://shop-team.alaudacn.me/',
    })
    expect(sent[0]?.auth).toBe('Token alauda-token-abc')
  })

  it('is null for a 404, and reads autoscaling from a config given as JSON text', async () => {
    const { platform, on } = setup()
    on('GET', SHOP, 404, { detail: 'Not found.' })
    expect(await platform.describe(ref)).toBeNull()
    on(
      'GET',
      SHOP,
      200,
      service({ scaling_mode: 'AUTO', autoscaling_config: '{"minimum_num_instances": "2", "maximum_num_instances": "6"}' }),
    )
    expect((await platform.describe(ref))?.autoscaling).toEqual({ min: 2, max: 6 })
  })

  it('deploys a tag with PUT, and the image name only when the repository changes', async () => {
    const { platform, on, sent } = setup()
    on('GET', SHOP, 200, service(), 2)
    on('PUT', SHOP, 200, {}, 2)
    const op = await platform.deploy(ref, { image: 'index.alauda.cn/team/shop:v2' })
    expect(op).toMatchObject({ id: 'deploy:shop:v2', kind: 'deploy', target: { image: 'index.alauda.cn/team/shop:v2' } })
    await platform.deploy(ref, { image: 'registry.example.com:5000/other/shop:v3' })
    const puts = sent.filter((r) => r.method === 'PUT').map((r) => JSON.parse(r.body))
    expect(puts).toEqual([
      { service_name: 'shop', app_name: 'shop', image_tag: 'v2' },
      { service_name: 'shop', app_name: 'shop', image_tag: 'v3', image_name: 'registry.example.com:5000/other/shop' },
    ])
  })

  it('waits while deploying, succeeds when every target instance runs the new tag, fails on Error', async () => {
    const { platform, on } = setup()
    const op = { id: 'deploy:shop:v2', kind: 'deploy' as const, ref, target: { image: 'index.alauda.cn/team/shop:v2' } }
    on('GET', SHOP, 200, service())
    expect((await platform.observe(op)).status).toBe('running') // the PUT does not show yet
    on('GET', SHOP, 200, service({ image_tag: 'v2', is_deploying: true, current_num_instances: 1 }))
    expect(await platform.observe(op)).toEqual({ status: 'running', detail: 'Deploying, 1/2 instance(s), index.alauda.cn/team/shop:v2' })
    on('GET', SHOP, 200, service({ image_tag: 'v2' }))
    expect((await platform.observe(op)).status).toBe('succeeded')
    on('GET', SHOP, 200, service({ image_tag: 'v2', current_status: 'Error' }))
    expect(await platform.observe(op)).toEqual({ status: 'failed', detail: 'Error, 2/2 instance(s), index.alauda.cn/team/shop:v2' })
    // without current_status, as Alauda's CLI: not every target instance and not deploying is an error
    on('GET', SHOP, 200, service({ image_tag: 'v2', current_num_instances: 1 }))
    expect((await platform.observe(op)).status).toBe('failed')
  })

  it('a deploy to a stopped service ends once the tag is set: it runs when the service starts', async () => {
    const { platform, on } = setup()
    on('GET', SHOP, 200, service({ image_tag: 'v2', target_state: 'STOPPED', current_num_instances: 0, current_status: 'Stopped' }))
    const done = await platform.observe({ id: 'd', kind: 'deploy', ref, target: { image: 'index.alauda.cn/team/shop:v2' } })
    expect(done).toEqual({ status: 'succeeded', detail: expect.stringContaining('the new tag runs when the service starts') })
  })

  it('creates a missing service with the CLI defaults under the create-spec fields', async () => {
    const { platform, on, sent } = setup()
    on('GET', SHOP, 404, { detail: 'Not found.' })
    on('POST', '/v1/services/team/', 201, service())
    const op = await platform.deploy(ref, {
      image: 'index.alauda.cn/team/shop:v1',
      create: { instance_size: 'M', region_name: 'SHANGHAI1' },
    })
    expect(op.id).toBe('create:shop')
    expect(JSON.parse(sent[1]?.body ?? '')).toEqual({
      instance_size: 'M',
      region_name: 'SHANGHAI1',
      target_num_instances: 1,
      scaling_mode: 'MANUAL',
      target_state: 'STARTED',
      service_name: 'shop',
      app_name: 'shop',
      namespace: 'team',
      image_name: 'index.alauda.cn/team/shop',
      image_tag: 'v1',
    })
  })

  it('writes autoscaling as the source document does: AUTO with every value a string, and back to MANUAL', async () => {
    const { platform, on, sent } = setup()
    on('GET', SHOP, 200, service(), 2)
    on('PUT', SHOP, 200, {}, 2)
    await platform.autoscale?.(ref, { min: 2, max: 6, scaleUpCpu: 60, scaleDownCpu: 10, step: 1, waitMs: 30_000 })
    await platform.autoscale?.(ref, null, 3)
    const puts = sent.filter((r) => r.method === 'PUT').map((r) => JSON.parse(r.body))
    expect(puts[0]).toEqual({
      service_name: 'shop',
      app_name: 'shop',
      scaling_mode: 'AUTO',
      autoscaling_config: {
        metric_name: 'CPU_UTILIZATION',
        metric_stat: 'MEAN',
        upper_threshold: '0.6',
        lower_threshold: '0.1',
        increase_delta: '1',
        decrease_delta: '1',
        minimum_num_instances: '2',
        maximum_num_instances: '6',
        wait_period: '30',
      },
    })
    expect(puts[1]).toEqual({ service_name: 'shop', app_name: 'shop', scaling_mode: 'MANUAL', target_num_instances: 3 })
  })

  it('is done turning autoscaling on once the platform runs its minimum, not once the config is written', async () => {
    const { platform, on } = setup()
    on('GET', SHOP, 200, service())
    on('PUT', SHOP, 200, {})
    const op = await platform.autoscale?.(ref, { min: 3, max: 6, scaleUpCpu: 60, scaleDownCpu: 10, step: 1, waitMs: 30_000 })
    // the config is written, the platform has not raised the count yet
    const auto = { scaling_mode: 'AUTO', autoscaling_config: '{"minimum_num_instances": "3", "maximum_num_instances": "6"}' }
    on('GET', SHOP, 200, service({ ...auto, current_status: 'Running', target_num_instances: 1, current_num_instances: 1 }))
    expect(await platform.observe(op as Operation)).toMatchObject({ status: 'running', detail: expect.stringContaining('at least 3') })
    on('GET', SHOP, 200, service({ ...auto, current_status: 'Running', target_num_instances: 3, current_num_instances: 3 }))
    expect(await platform.observe(op as Operation)).toMatchObject({ status: 'succeeded' })
  })

  it('starts and stops with PUT …/start/ and …/stop/, treats a 404 on delete as gone, reads logs by epoch seconds', async () => {
    const { platform, on, sent } = setup()
    on('PUT', `${SHOP}stop/`, 204, '')
    on('PUT', `${SHOP}start/`, 204, '')
    on('DELETE', SHOP, 404, { detail: 'Not found.' })
    on('GET', '/v1/services/team/shop/logs?start_time=1433753210&end_time=1433753271', 200, [
      { instance_id: 'a9afcb38', message: 'second', time: 1433753260 },
      { instance_id: 'a9aff249', message: 'first', time: 1433753256 },
    ])
    await platform.lifecycle(ref, 'stop')
    await platform.lifecycle(ref, 'start')
    await expect(platform.lifecycle(ref, 'restart')).rejects.toThrow('Alauda has no restart')
    expect((await platform.remove(ref)).kind).toBe('remove')
    expect(await platform.logs?.(ref, 1433753210_000, 1433753270_500)).toEqual([
      { time: 1433753256_000, instance: 'a9aff249', message: 'first' },
      { time: 1433753260_000, instance: 'a9afcb38', message: 'second' },
    ])
    expect(sent.map((r) => `${r.method} ${r.path}`).slice(0, 3)).toEqual([`PUT ${SHOP}stop/`, `PUT ${SHOP}start/`, `DELETE ${SHOP}`])
  })

  it('exchanges a user name and password for a token once, masks it, and asks again after a 401', async () => {
    const { platform, on, sent, redactor } = setup({ username: 'demo', password: 'pw-123' })
    const tokens = ['tok-first-123456', 'tok-second-789012']
    on('POST', '/v1/generate-api-token/', 200, { token: tokens[0] })
    on('GET', SHOP, 200, service())
    on('GET', SHOP, 401, { detail: 'Invalid token.' })
    on('POST', '/v1/generate-api-token/', 200, { token: tokens[1] })
    on('GET', SHOP, 200, service())
    await platform.describe(ref)
    await platform.describe(ref)
    expect(sent.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([
      'username=demo&password=pw-123',
      'username=demo&password=pw-123',
    ])
    expect(sent.filter((r) => r.method === 'GET').map((r) => r.auth)).toEqual([
      `Token ${tokens[0]}`,
      `Token ${tokens[0]}`,
      `Token ${tokens[1]}`,
    ])
    expect(redactor.redact(`a ${tokens[0]} b ${tokens[1]}`)).toBe('a *** b ***')
  })

  it('a sign-in answered 2xx without "token" names its fields, never their values: one may hold the token', async () => {
    const { platform, on } = setup({ username: 'demo', password: 'pw-123' })
    on('POST', '/v1/generate-api-token/', 200, { data: { token: 'tok-nested-0123456789' }, detail: 'ok' })
    const error = (await platform.describe(ref).catch((caught: unknown) => caught)) as Error
    expect(error.message).toBe('alauda: sign-in of "demo" failed: the answer has no "token" (fields: "data", "detail")')
  })

  it('names the platform, operation, service and message of an error, secrets removed', async () => {
    const { platform, on } = setup()
    on('PUT', SHOP, 400, { target_num_instances: ['A whole number from 0 to 100 is required.'] })
    on('GET', SHOP, 200, service())
    await expect(platform.scale(ref, { replicas: 500 })).rejects.toThrow(
      'alauda: scale of "shop" failed: target_num_instances: A whole number from 0 to 100 is required. (HTTP 400)',
    )
    on('GET', SHOP, 500, 'upstream broke at token alauda-token-abc', 3)
    await expect(platform.describe(ref)).rejects.toThrow('alauda: describe of "shop" failed: upstream broke at token *** (HTTP 500)')
  })

  it('refuses a fixed count on an autoscaled service', async () => {
    const { platform, on } = setup()
    on('GET', SHOP, 200, service({ scaling_mode: 'AUTO', autoscaling_config: { minimum_num_instances: '2', maximum_num_instances: '6' } }))
    await expect(platform.scale(ref, { replicas: 3 })).rejects.toThrow('the service is autoscaled (2-6 instances)')
  })
})

describe('Alauda replica split', () => {
  const blue = (fields: Record<string, unknown>) => service({ service_name: 'blue', ...fields })
  const green = (fields: Record<string, unknown>) => service({ service_name: 'green', ...fields })

  it('reads the split from the instances each side runs; a stopped side has none', async () => {
    const { platform, on } = setup()
    on('GET', '/v1/services/team/blue/', 200, blue({ target_num_instances: 3, current_num_instances: 3 }))
    on('GET', '/v1/services/team/green/', 200, green({ target_num_instances: 1, current_num_instances: 1 }))
    expect(await platform.readTraffic?.(router)).toEqual({ blue: 75, green: 25, routingMethod: 'round-robin' })
    on('GET', '/v1/services/team/blue/', 200, blue({ target_num_instances: 4, current_num_instances: 4 }))
    on('GET', '/v1/services/team/green/', 200, green({ target_state: 'STOPPED', current_num_instances: 0 }))
    expect(await platform.readTraffic?.(router)).toEqual({ blue: 100, green: 0, routingMethod: 'round-robin' })
  })

  it('grows green first (count, then start), and shrinks blue only once green runs', async () => {
    const { platform, on, sent } = setup()
    const stoppedGreen = green({ target_state: 'STOPPED', target_num_instances: 4, current_num_instances: 0 })
    on('GET', '/v1/services/team/blue/', 200, blue({ target_num_instances: 4, current_num_instances: 4 }))
    on('GET', '/v1/services/team/green/', 200, stoppedGreen, 2)
    on('PUT', '/v1/services/team/green/', 200, {})
    on('PUT', '/v1/services/team/green/start/', 204, '')
    const op = (await platform.writeTraffic?.(router, { blue: 75, green: 25, routingMethod: 'round-robin' })) as NonNullable<
      Awaited<ReturnType<NonNullable<typeof platform.writeTraffic>>>
    >
    expect(sent.filter((r) => r.method === 'PUT').map((r) => `${r.path} ${r.body}`)).toEqual([
      '/v1/services/team/green/ {"service_name":"green","app_name":"green","target_num_instances":1}',
      '/v1/services/team/green/start/ ',
    ])
    on('GET', '/v1/services/team/green/', 200, green({ is_deploying: true, target_num_instances: 1, current_num_instances: 0 }))
    expect((await platform.observe(op)).status).toBe('running')
    on('GET', '/v1/services/team/green/', 200, green({ target_num_instances: 1, current_num_instances: 1 }))
    on('GET', '/v1/services/team/blue/', 200, blue({ target_num_instances: 4, current_num_instances: 4 }))
    on('PUT', '/v1/services/team/blue/', 200, {})
    expect(await platform.observe(op)).toMatchObject({ status: 'running', detail: expect.stringContaining('now shrinking blue') })
    expect(JSON.parse(sent.at(-1)?.body ?? '')).toMatchObject({ target_num_instances: 3 })
    on('GET', '/v1/services/team/blue/', 200, blue({ target_num_instances: 3, current_num_instances: 3 }))
    expect((await platform.observe(op)).status).toBe('succeeded')
  })

  it('fails the split, leaving blue whole, when green does not start', async () => {
    const { platform, on, sent } = setup()
    on('GET', '/v1/services/team/blue/', 200, blue({ target_num_instances: 2, current_num_instances: 2 }), 2)
    on('GET', '/v1/services/team/green/', 200, green({ target_state: 'STOPPED', target_num_instances: 2, current_num_instances: 0 }), 2)
    on('PUT', '/v1/services/team/green/', 200, {})
    on('PUT', '/v1/services/team/green/start/', 204, '')
    const op = await platform.writeTraffic?.(router, { blue: 50, green: 50, routingMethod: 'round-robin' })
    on('GET', '/v1/services/team/green/', 200, green({ target_num_instances: 1, current_num_instances: 0, current_status: 'Error' }))
    expect(await platform.observe(op as NonNullable<typeof op>)).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/^green: Error/),
    })
    expect(sent.filter((r) => r.path.startsWith('/v1/services/team/blue') && r.method === 'PUT')).toEqual([])
  })

  it('refuses services off the router domain, autoscaled sides, sticky sessions and shares the instances cannot make', async () => {
    const { platform, on } = setup()
    on('GET', '/v1/services/team/blue/', 200, blue({}), 4)
    on('GET', '/v1/services/team/green/', 200, green({ custom_domain_name: 'other.cn' }))
    await expect(platform.readTraffic?.(router)).rejects.toThrow('green serves "other.cn"')
    on(
      'GET',
      '/v1/services/team/green/',
      200,
      green({ scaling_mode: 'AUTO', autoscaling_config: '{"minimum_num_instances":"1","maximum_num_instances":"3"}' }),
    )
    await expect(platform.writeTraffic?.(router, { blue: 50, green: 50, routingMethod: 'round-robin' })).rejects.toThrow(
      'a replica split needs fixed counts',
    )
    await expect(platform.writeTraffic?.(router, { blue: 50, green: 50, routingMethod: 'sticky-sessions' })).rejects.toThrow('round-robin')
    on('GET', '/v1/services/team/green/', 200, green({}))
    await expect(platform.writeTraffic?.(router, { blue: 90, green: 10, routingMethod: 'round-robin' })).rejects.toThrow(
      '4 instance(s) in all cannot give green 10%: reachable shares are 0, 25, 50, 75, 100%',
    )
  })

  it('quantizes: shares the instances make, and the nearest for a step (never none for some, never all for part)', () => {
    expect(reachableShares(3)).toEqual([0, 33, 67, 100])
    expect(instancesFor(3, 33)).toEqual({ blue: 2, green: 1 })
    expect(instancesFor(3, 67)).toEqual({ blue: 1, green: 2 })
    expect(nearestReachable([0, 25, 50, 75, 100], 10)).toBe(25)
    expect(nearestReachable([0, 25, 50, 75, 100], 95)).toBe(75)
    expect(nearestReachable([0, 100], 50)).toBeUndefined()
    expect(nearestReachable([0, 100], 100)).toBe(100)
    expect(nearestReachable([0, 33, 67, 100], 0)).toBe(0)
  })
})

describe('Alauda fields', () => {
  it('splits an image at the last colon after the last slash (a registry port is not a tag)', () => {
    expect(splitImage('registry.example.com:5000/team/shop:v2')).toEqual({
      image_name: 'registry.example.com:5000/team/shop',
      image_tag: 'v2',
    })
    expect(splitImage('registry.example.com:5000/team/shop')).toEqual({
      image_name: 'registry.example.com:5000/team/shop',
      image_tag: 'latest',
    })
  })

  it('derives the phase when current_status is absent, as Alauda’s CLI does', () => {
    const base = { service_name: 's', image_name: 'i', image_tag: 't', target_num_instances: 2 }
    expect(phaseOf({ ...base, is_deploying: true, current_num_instances: 0 })).toBe('deploying')
    expect(phaseOf({ ...base, current_num_instances: 2 })).toBe('running')
    expect(phaseOf({ ...base, target_state: 'STOPPED', current_num_instances: 0 })).toBe('stopped')
    expect(phaseOf({ ...base, current_num_instances: 1 })).toBe('failed')
    expect(phaseOf({ ...base, current_status: 'Rebalancing', current_num_instances: 2 })).toBe('unknown')
  })
})

/** An adapter on a MockAgent that lists every request sent, lost ones too, and can close the connection unanswered. */
function lossy() {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const calls: string[] = []
  const bodies: unknown[] = []
  const dispatcher = agent.compose((dispatch) => (options, handler) => {
    calls.push(`${options.method} ${options.path}`)
    if (options.method === 'PUT' && typeof options.body === 'string') bodies.push(JSON.parse(options.body))
    return dispatch(options, handler)
  })
  const http = new HttpClient({
    redactor: new Redactor(),
    dispatcher,
    sleep: async () => {},
    backoff: { attempts: 3, baseMs: 1, capMs: 1 },
  })
  const platform = createAlauda({
    apiUrl: new URL(ORIGIN),
    credentials: { token: 'alauda-token-abc' },
    http,
    log: () => {},
    warn: () => {},
    deadline: () => Date.now() + 60_000,
  })
  const pool = agent.get(ORIGIN)
  const on = (method: string, path: string, status: number, reply: unknown, times = 1) =>
    pool
      .intercept({ path, method })
      .reply(status, typeof reply === 'string' ? reply : JSON.stringify(reply))
      .times(times)
  const lose = (method: string, path: string, times = 1) =>
    pool
      .intercept({ path, method })
      .replyWithError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }))
      .times(times)
  return { platform, on, lose, calls, bodies }
}

describe('Alauda writes whose answer is lost', () => {
  const V2 = 'index.alauda.cn/team/shop:v2'
  const count = (calls: string[], call: string) => calls.filter((c) => c === call).length

  it('settles a deploy PUT by the image_tag: sent once, and no further PUT when it landed', async () => {
    const { platform, on, calls } = lossy()
    on('GET', SHOP, 200, service())
    on('PUT', SHOP, 502, '<html>Bad Gateway</html>')
    on('GET', SHOP, 200, service({ image_tag: 'v2', is_deploying: true }))
    const op = await platform.deploy(ref, { image: V2 })
    expect(op).toMatchObject({ id: 'deploy:shop:v2', target: { image: V2 } })
    expect(calls).toEqual([`GET ${SHOP}`, `PUT ${SHOP}`, `GET ${SHOP}`])
  })

  it('puts the tag again after each reset while the service still has the old one', async () => {
    const { platform, on, lose, calls, bodies } = lossy()
    on('GET', SHOP, 200, service())
    lose('PUT', SHOP)
    on('GET', SHOP, 200, service())
    lose('PUT', SHOP)
    on('GET', SHOP, 200, service())
    on('PUT', SHOP, 200, service({ image_tag: 'v2', is_deploying: true }))
    expect((await platform.deploy(ref, { image: V2 })).id).toBe('deploy:shop:v2')
    expect(calls).toEqual([`GET ${SHOP}`, `PUT ${SHOP}`, `GET ${SHOP}`, `PUT ${SHOP}`, `GET ${SHOP}`, `PUT ${SHOP}`])
    expect(bodies).toEqual(Array(3).fill({ service_name: 'shop', app_name: 'shop', image_tag: 'v2' }))
  })

  it('takes a 200 that is not JSON as no answer, and the image_tag as proof: sent once', async () => {
    const { platform, on, calls } = lossy()
    on('GET', SHOP, 200, service())
    on('PUT', SHOP, 200, '<html>ok</html>')
    on('GET', SHOP, 200, service({ image_tag: 'v2' }))
    expect((await platform.deploy(ref, { image: V2 })).id).toBe('deploy:shop:v2')
    expect(calls).toEqual([`GET ${SHOP}`, `PUT ${SHOP}`, `GET ${SHOP}`])
  })

  it('never posts a create twice when the service is there after a reset; posts again when it is not', async () => {
    const { platform, on, lose, calls } = lossy()
    const create = { image: 'index.alauda.cn/team/shop:v1', create: {} }
    on('GET', SHOP, 404, { detail: 'Not found.' })
    lose('POST', '/v1/services/team/')
    on('GET', SHOP, 200, service())
    expect((await platform.deploy(ref, create)).id).toBe('create:shop')
    expect(count(calls, 'POST /v1/services/team/')).toBe(1)
    on('GET', SHOP, 404, { detail: 'Not found.' })
    on('POST', '/v1/services/team/', 503, 'Service Unavailable')
    on('GET', SHOP, 404, { detail: 'Not found.' })
    on('POST', '/v1/services/team/', 201, service())
    expect((await platform.deploy(ref, create)).id).toBe('create:shop')
    expect(count(calls, 'POST /v1/services/team/')).toBe(3)
  })

  it('settles a scale by target_num_instances, and autoscaling by the mode and config the service has', async () => {
    const { platform, on, lose, calls } = lossy()
    on('GET', SHOP, 200, service())
    on('PUT', SHOP, 503, { detail: 'unavailable' })
    on('GET', SHOP, 200, service({ target_num_instances: 3 }))
    expect((await platform.scale(ref, { replicas: 3 })).target).toEqual({ replicas: 3 })
    expect(count(calls, `PUT ${SHOP}`)).toBe(1)
    const config = {
      metric_name: 'CPU_UTILIZATION',
      metric_stat: 'MEAN',
      upper_threshold: 0.6,
      lower_threshold: 0.1,
      increase_delta: 1,
      decrease_delta: 1,
      minimum_num_instances: 2,
      maximum_num_instances: 6,
      wait_period: 30,
    }
    on('GET', SHOP, 200, service())
    lose('PUT', SHOP)
    // the service shows the config as JSON text, with numbers: it is what was sent
    on('GET', SHOP, 200, service({ scaling_mode: 'AUTO', autoscaling_config: JSON.stringify(config) }))
    await platform.autoscale?.(ref, { min: 2, max: 6, scaleUpCpu: 60, scaleDownCpu: 10, step: 1, waitMs: 30_000 })
    expect(count(calls, `PUT ${SHOP}`)).toBe(2)
    // back to MANUAL: the service still shows AUTO after the lost answer, so the PUT is sent again
    on('GET', SHOP, 200, service({ scaling_mode: 'AUTO', autoscaling_config: JSON.stringify(config) }))
    lose('PUT', SHOP)
    on('GET', SHOP, 200, service({ scaling_mode: 'AUTO', autoscaling_config: JSON.stringify(config) }))
    on('PUT', SHOP, 200, {})
    await platform.autoscale?.(ref, null, 3)
    expect(calls.slice(-4)).toEqual([`GET ${SHOP}`, `PUT ${SHOP}`, `GET ${SHOP}`, `PUT ${SHOP}`])
    expect(count(calls, `PUT ${SHOP}`)).toBe(4)
  })

  it('settles a start and a stop by target_state', async () => {
    const { platform, on, lose, calls } = lossy()
    lose('PUT', `${SHOP}stop/`)
    on('GET', SHOP, 200, service({ target_state: 'STOPPED', current_num_instances: 2 }))
    await platform.lifecycle(ref, 'stop')
    on('PUT', `${SHOP}start/`, 500, 'oops')
    on('GET', SHOP, 200, service({ target_state: 'STOPPED', current_num_instances: 0 }))
    on('PUT', `${SHOP}start/`, 204, '')
    await platform.lifecycle(ref, 'start')
    expect(calls).toEqual([`PUT ${SHOP}stop/`, `GET ${SHOP}`, `PUT ${SHOP}start/`, `GET ${SHOP}`, `PUT ${SHOP}start/`])
  })

  it('settles a delete by the service being gone: the DELETE by name is never repeated blindly', async () => {
    const { platform, on, calls } = lossy()
    on('DELETE', SHOP, 502, 'Bad Gateway')
    on('GET', SHOP, 404, { detail: 'Not found.' })
    expect((await platform.remove(ref)).kind).toBe('remove')
    expect(calls).toEqual([`DELETE ${SHOP}`, `GET ${SHOP}`])
  })

  it('sends a delete again only once a read shows the service still there', async () => {
    const { platform, on, lose, calls } = lossy()
    lose('DELETE', SHOP)
    on('GET', SHOP, 200, service())
    on('DELETE', SHOP, 204, '')
    expect((await platform.remove(ref)).kind).toBe('remove')
    expect(calls).toEqual([`DELETE ${SHOP}`, `GET ${SHOP}`, `DELETE ${SHOP}`])
  })

  it('fails with the lost answer after the last send, naming platform, operation and service', async () => {
    const { platform, on, lose, calls } = lossy()
    on('GET', SHOP, 200, service())
    lose('PUT', SHOP, 3)
    on('GET', SHOP, 200, service(), 3)
    await expect(platform.scale(ref, { replicas: 3 })).rejects.toThrow(/^alauda: scale of "shop" got no answer: PUT .*other side closed/)
    expect(calls).toEqual([
      `GET ${SHOP}`,
      ...Array(3)
        .fill([`PUT ${SHOP}`, `GET ${SHOP}`])
        .flat(),
    ])
  })
})

describe('Alauda undoes a deploy that is still running', () => {
  const V1 = 'index.alauda.cn/team/shop:v1'

  it('puts the previous tag while the service is deploying, and observe waits until the previous image runs', async () => {
    const { platform, on, calls, bodies } = lossy()
    expect(platform.capabilities.undoWhileBusy).toBe(true)
    // stuck on v2: deploying, its new instances failing
    const stuck = service({ image_tag: 'v2', is_deploying: true, current_status: 'Deploying', current_num_instances: 1 })
    on('GET', SHOP, 200, stuck)
    on('PUT', SHOP, 200, {})
    const op = await platform.deploy(ref, { image: V1 })
    expect(calls).toEqual([`GET ${SHOP}`, `PUT ${SHOP}`])
    expect(bodies).toEqual([{ service_name: 'shop', app_name: 'shop', image_tag: 'v1' }])
    on('GET', SHOP, 200, stuck)
    expect(await platform.observe(op)).toMatchObject({ status: 'running', detail: expect.stringContaining(`not yet on ${V1}`) })
    on('GET', SHOP, 200, service({ is_deploying: true, current_num_instances: 1 }))
    expect(await platform.observe(op)).toEqual({ status: 'running', detail: `Deploying, 1/2 instance(s), ${V1}` })
    on('GET', SHOP, 200, service({ current_status: 'Running' }))
    expect(await platform.observe(op)).toEqual({ status: 'succeeded', detail: `Running, 2/2 instance(s), ${V1}` })
  })
})

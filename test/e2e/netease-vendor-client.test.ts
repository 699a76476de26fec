import { beforeEach, describe, expect, it } from 'vitest'
import { APP_ANSWER, CALLS, type CallName, ERRORS } from '../../vendor/netease-openapi.js'
import { emulatorSuite } from '../support/steps.js'

/**
 * The emulator as NetEase's own client speaks to it: the Go SDK the vendor's help names
 * (bingoHuang/cloudcomb-go-sdk, `cc-http-core.go` doRESTRequest): JSON with `Content-Type:
 * application/json` and `Authorization: Token …` on every call, a token from `POST /api/v1/token`,
 * any 2xx a success. Each answer is held to the document (vendor/netease-openapi.ts): a
 * `Request-Id`, the documented status and fields, no body to a PUT or DELETE.
 */
const suite = emulatorSuite()
const KEY = { app_key: 'netease-demo-key', app_secret: 'netease-demo-secret-0123' }
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const HUB1 = 'hub.c.163.com/team/api:v1'
const HUB2 = 'hub.c.163.com/team/api:v2'

interface Answer {
  status: number
  text: string
  json: Record<string, unknown>
}

/** doRESTRequest: the token when there is one, JSON always; the answer as it came. */
async function send(method: string, path: string, token: string | undefined, body?: unknown, type = 'application/json'): Promise<Answer> {
  const response = await fetch(`${suite.emulator.url('netease')}/api/v1${path}`, {
    method,
    headers: { 'content-type': type, ...(token && { authorization: `Token ${token}` }) },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  const text = await response.text()
  expect(response.headers.get('request-id'), `${method} ${path}: Request-Id`).toMatch(UUID)
  return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

/** A documented call that must succeed as the document says: its status, its fields, or no body. */
async function ok(name: CallName, path: string, token: string | undefined, body?: unknown): Promise<Record<string, unknown>> {
  const call = CALLS[name]
  const answer = await send(call.method, path, token, body)
  expect(answer.status, `${name}: ${answer.text}`).toBe(call.success.status)
  if ('empty' in call.success) expect(answer.text, `${name} answers no body`).toBe('')
  for (const field of 'answer' in call ? call.answer : []) expect(answer.json, `${name} names ${field}`).toHaveProperty(field)
  return answer.json
}

async function signIn(): Promise<string> {
  const { token, expires_in } = await ok('token', '/token', undefined, KEY)
  expect(typeof token).toBe('string')
  // 用户 API: both are strings, the lifetime in seconds
  expect(expires_in).toMatch(/^\d+$/)
  return token as string
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await read()
    if (done(value)) return value
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error('never reached')
}

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.control('POST', '/netease/timing', { containerMs: 40 })
  await suite.emulator.control('POST', '/netease/microservices', { name: 'api', image: HUB1, replicas: 2 })
})

describe("NetEase as the vendor's Go SDK speaks it", () => {
  it('takes a token for the access key and secret, and only that; the API wants it', async () => {
    const token = await signIn()
    const refused = [
      [{ app_key: KEY.app_key }, 400, ERRORS.missing.code],
      [{ ...KEY, app_secret: 'wrong-secret' }, 401, ERRORS.unauthorized.code],
      [{ ...KEY, grant_type: 'token' }, 400, ERRORS.invalid.code],
      [{ ...KEY, app_key: 42 }, 400, ERRORS.invalid.code],
    ] as const
    for (const [body, status, code] of refused) {
      const answer = await send('POST', '/token', undefined, body)
      expect([answer.status, answer.json.code], JSON.stringify(body)).toEqual([status, code])
      expect(answer.json.message).toEqual(expect.stringContaining(Object.values(ERRORS).find((e) => e.code === code)?.message ?? '?'))
    }
    expect((await send('GET', '/apps', undefined)).json).toEqual({ code: 4010001, message: 'Unauthorized user.' })
    expect((await send('GET', '/apps', 'not-a-token')).status).toBe(401)
    await ok('listApps', '/apps', token)
  })

  it('creates an app, reads it, updates it, resizes it under a watch, deploys it by its hook, and deletes it', async () => {
    const token = await signIn()
    const { public_images } = (await ok('appImages', '/apps/images', token)) as { public_images: { id: number; name: string }[] }
    const centos = public_images.find((i) => i.name === 'centos')?.id
    // CreateCluster in the SDK's test: the four required fields
    const created = await ok('createApp', '/apps', token, { name: 'shop', image_type: 1, image_id: centos, spec_id: 1 })
    expect(created).toEqual({ id: expect.any(Number), url: expect.stringMatching(/\/api\/v1\/hooks\/app\/[0-9a-f]{32}$/) })
    const id = created.id as number
    const { total, apps } = (await ok('listApps', '/apps?limit=20&offset=0', token)) as { total: number; apps: Record<string, unknown>[] }
    expect(total).toBe(1)
    for (const field of APP_ANSWER) expect(apps[0], `a listed app names ${field}`).toHaveProperty(field)
    const built = await until(
      () => ok('getApp', `/apps/${id}`, token),
      (app) => app.status === 'create_succ',
    )
    expect(built).toMatchObject({ name: 'shop', replicas: 1, spec_id: 1, image_id: centos, web_hook_url: created.url })
    expect(built.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)

    await ok('updateApp', `/apps/${id}`, token, { desc: 'the shop', version_control: { type: 'git', version: 'v2' } })
    expect(await ok('getApp', `/apps/${id}`, token)).toMatchObject({ desc: 'the shop', version_control: { type: 'git', version: 'v2' } })

    // the watch answers when a container changes: held before the resize, it answers its containers
    const watch = ok('watchApp', `/watch/apps/${id}`, token)
    await until(
      () => suite.emulator.requests(),
      (log) => log.some((r) => r.path === `/api/v1/watch/apps/${id}`),
    )
    await ok('resizeApp', `/apps/${id}/replications/3/actions/resize`, token)
    const { containers } = (await watch) as { containers: { private_ip: string; container_id: string }[] }
    expect(containers[0]).toEqual({ private_ip: expect.any(String), container_id: expect.any(String) })
    const resized = await until(
      () => ok('getApp', `/apps/${id}`, token),
      (app) => (app.containers as unknown[]).length === 3,
    )

    // the web hook takes no token; its build replaces every container
    const hook = await fetch(created.url as string, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(hook.status).toBeLessThan(300)
    expect(hook.headers.get('request-id')).toMatch(UUID)
    const before = new Set((resized.containers as { container_id: string }[]).map((c) => c.container_id))
    await until(
      () => ok('getApp', `/apps/${id}`, token),
      (app) => app.status === 'create_succ' && (app.containers as { container_id: string }[]).every((c) => !before.has(c.container_id)),
    )

    await ok('deleteApp', `/apps/${id}`, token)
    expect((await send('GET', `/apps/${id}`, token)).json).toEqual({ code: 4040003, message: 'No such app.' })
  })

  it("makes the adapter's microservice calls: namespaces, the list, a read, update-stateless, update-image, elastic-scale, restart, delete", async () => {
    const token = await signIn()
    const { namespaces } = (await ok('listNamespaces', '/namespaces', token)) as { namespaces: Record<string, unknown>[] }
    expect(namespaces[0]).toMatchObject({ id: 101, display_name: 'team', namespace: expect.any(String), deletable: expect.any(Boolean) })
    // the SDK lists with no query, the adapter 30 at a time
    await ok('listMicroservices', '/namespaces/101/microservices', token)
    const { microservice_infos } = (await ok('listMicroservices', '/namespaces/101/microservices?offset=0&limit=30', token)) as {
      microservice_infos: Record<string, unknown>[]
    }
    const item = microservice_infos[0] as Record<string, unknown>
    for (const field of ['id', 'status', 'replicas', 'service_name', 'stateful', 'port_maps', 'spec_id', 'stop_service'])
      expect(item, `a listed microservice names ${field}`).toHaveProperty(field)
    const id = item.id as number
    const read = async () =>
      (await ok('getMicroservice', `/microservices/${id}`, token)) as {
        service_info: Record<string, unknown>
        service_container_infos: Record<string, unknown>[]
      }
    const { service_info, service_container_infos } = await read()
    for (const field of [
      'id',
      'namespace',
      'replicas',
      'status',
      'service_name',
      'spec_info',
      'port_maps',
      'stateful',
      'pub_ip',
      'stop_service',
    ])
      expect(service_info, `service_info names ${field}`).toHaveProperty(field)
    const container = service_container_infos[0] as Record<string, unknown>
    for (const field of [
      'container_id',
      'container_name',
      'image_path',
      'repo_name',
      'image_tag',
      'docker_container_ids',
      'envs',
      'log_dirs',
      'cpu_weight',
      'memory_weight',
    ])
      expect(container, `a service container names ${field}`).toHaveProperty(field)

    // 9.9 设置无状态服务: the whole container back with its new variables
    await ok('updateStateless', `/microservices/${id}/actions/update-stateless`, token, {
      container_infos: [
        {
          container_id: container.container_id,
          envs: [{ key: 'user', value: 'user' }],
          log_dirs: ['/var/log/'],
          cpu_weight: 100,
          memory_weight: 100,
        },
      ],
    })
    const updated = await until(read, (s) => s.service_info.status === 'update_succ')
    expect(updated.service_container_infos[0]).toMatchObject({ envs: [{ key: 'user', value: 'user' }], log_dirs: ['/var/log/'] })

    await ok('updateImage', `/microservices/${id}/actions/update-image`, token, {
      container_images: [{ container_id: container.container_id, image_path: HUB2 }],
      min_ready_seconds: 10,
    })
    // update_succ already: the image's update is done when its own containers replaced those of the first
    const first = new Set(updated.service_container_infos[0]?.docker_container_ids as string[])
    await until(
      read,
      (s) =>
        s.service_info.status === 'update_succ' &&
        (s.service_container_infos[0]?.docker_container_ids as string[]).every((d) => !first.has(d)),
    )
    await ok('elasticScale', `/microservices/${id}/actions/elastic-scale?new_replicas=3`, token)
    await until(
      read,
      (s) => s.service_info.status === 'scale_succ' && (s.service_container_infos[0]?.docker_container_ids as string[]).length === 3,
    )
    await ok('restartMicroservice', `/microservices/${id}/actions/restart?option=restart`, token)
    await until(read, (s) => s.service_info.status === 'restart_succ')
    await ok('deleteMicroservice', `/microservices/${id}?free_ip=false`, token)
    expect((await send('GET', `/microservices/${id}`, token)).json).toMatchObject({ code: 4040002 })
  })

  it('refuses what the document does not define, in its own error shape, and changes nothing', async () => {
    const token = await signIn()
    const created = await ok('createApp', '/apps', token, { name: 'shop', image_type: 2, image_id: 30202, spec_id: 1, replicas: 2 })
    const app = `/apps/${String(created.id)}`
    const service = ((await ok('listMicroservices', '/namespaces/101/microservices', token)) as { microservice_infos: { id: number }[] })
      .microservice_infos[0]?.id
    const ms = `/microservices/${String(service)}`
    const image = { container_images: [{ container_id: 1, image_path: HUB2 }] }
    const weights = { cpu_weight: 100, memory_weight: 100 }
    const create = { name: 'other', image_type: 1, image_id: 10005, spec_id: 1 }
    const refused: [string, string, unknown, string, RegExp][] = [
      ['PUT', app, { Desc: 'x' }, 'invalid', /unknown field Desc/],
      ['PUT', app, { version_control: { type: 'hg' } }, 'invalid', /version_control\.type must be one of git, svn/],
      ['PUT', app, { version_control: { tag: 'v2' } }, 'invalid', /unknown field version_control\.tag/],
      ['PUT', app, { log_dirs: '/var/log' }, 'invalid', /log_dirs must be a list of strings/],
      ['PUT', app, { docker_file_type: 3 }, 'invalid', /docker_file_type must be one of 1, 2/],
      ['PUT', app, { env_var: ['A=1'] }, 'invalid', /env_var must be a JSON object/],
      ['POST', '/apps', { ...create, replicas: '2' }, 'invalid', /replicas must be a whole number/],
      ['POST', '/apps', { ...create, spec_id: 5 }, 'invalid', /spec_id must be one of 1, 10, 20, 30, 40, 50/],
      ['POST', '/apps', { image_type: 1, image_id: 10005, spec_id: 1 }, 'missing', /name is required/],
      ['POST', '/apps', { ...create, image_type: 3 }, 'invalid', /image_type must be one of 1, 2/],
      ['POST', '/apps', { ...create, name: 'shop' }, 'duplicateApp', /^Duplicate app name\.$/],
      ['GET', '/apps?limit=31', undefined, 'invalid', /limit must be at most 30/],
      ['GET', '/apps?limit=0', undefined, 'invalid', /limit must be at least 1/],
      ['GET', '/apps?offset=-1', undefined, 'invalid', /offset must be at least 0/],
      ['GET', '/apps?page=2', undefined, 'invalid', /unknown query parameter page/],
      ['PUT', `${app}/replications/2/actions/resize`, undefined, 'duplicateReplicas', /Duplicate replication size/],
      ['PUT', `${app}/replications/11/actions/resize`, undefined, 'replicationQuota', /^Replication quota insufficient\.$/],
      ['PUT', `${app}/replications/two/actions/resize`, undefined, 'invalid', /replicas must be a whole number/],
      ['PUT', `${app}/replications/3/actions/resize`, { replicas: 3 }, 'invalid', /takes no body/],
      ['PUT', `${ms}/actions/update-image`, image, 'missing', /min_ready_seconds is required/],
      ['PUT', `${ms}/actions/update-image`, { ...image, min_ready_seconds: 0 }, 'invalid', /min_ready_seconds must be at least 1/],
      ['PUT', `${ms}/actions/update-image`, { ...image, min_ready_seconds: 10 }, 'invalid', /must name the service's container/],
      ['PUT', `${ms}/actions/update-image`, { container_images: [], min_ready_seconds: 10 }, 'missing', /container_images needs/],
      ['PUT', `${ms}/actions/update-stateless`, { container_infos: [{ container_id: 1 }] }, 'missing', /cpu_weight is required/],
      ['PUT', `${ms}/actions/update-stateless`, { container_infos: [{ ...weights, container_id: 1 }] }, 'noContainer', /not the service's/],
      [
        'PUT',
        `${ms}/actions/update-stateless`,
        { container_infos: [{ ...weights, container_id: '1' }] },
        'invalid',
        /container_id must be a whole number/,
      ],
      ['POST', `${ms}/actions/update-stateless`, { container_infos: [] }, 'method', /^Http method not allowed\./],
      ['PUT', `${ms}/actions/elastic-scale?new_replicas=6`, undefined, 'invalid', /new_replicas must be at most 5/],
      ['PUT', `${ms}/actions/elastic-scale`, undefined, 'missing', /new_replicas is required/],
      ['PUT', `${ms}/actions/restart?option=reboot`, undefined, 'invalid', /option must be one of restart, hard_reboot/],
      ['DELETE', ms, undefined, 'missing', /free_ip is required/],
      ['DELETE', `${ms}?free_ip=yes`, undefined, 'invalid', /free_ip must be true or false/],
      ['POST', '/apps/images', undefined, 'method', /^Http method not allowed\./],
      ['GET', '/clusters', undefined, 'noApi', /^No such api\./],
      ['PUT', app, '{"desc": ', 'invalid', /the body is not JSON/],
    ]
    for (const [method, path, body, error, message] of refused) {
      const answer = await send(method, path, token, body)
      const expected = ERRORS[error as keyof typeof ERRORS]
      expect({ status: answer.status, code: answer.json.code }, `${method} ${path} ${JSON.stringify(body)}`).toEqual({
        status: expected.status,
        code: expected.code,
      })
      expect(answer.json.message).toMatch(message)
      expect(Object.keys(answer.json).sort()).toEqual(['code', 'message'])
    }
    const typed = await send('PUT', app, token, 'desc=x', 'application/x-www-form-urlencoded')
    expect([typed.status, typed.json.code]).toEqual([415, 4150001])
    // nothing of that ran
    expect(await ok('getApp', app, token)).toMatchObject({ desc: '', replicas: 2, version_control: {} })
    expect((await ok('listApps', '/apps', token)).total).toBe(1)
    const after = (await ok('getMicroservice', ms, token)) as {
      service_info: { replicas: number }
      service_container_infos: { image_path: string }[]
    }
    expect([after.service_info.replicas, after.service_container_infos[0]?.image_path]).toEqual([2, HUB1])
  })
})

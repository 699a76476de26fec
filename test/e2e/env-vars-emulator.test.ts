import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ALAUDA_TOKEN, EmulatorProcess, JELASTIC_TOKEN } from '../support/emulator.js'

/**
 * The emulator is as strict with environment variables as the platforms are taken to be: each
 * refuses a variable of the wrong type or a name no shell takes, and changes nothing then.
 */

let emulator: EmulatorProcess
beforeAll(async () => {
  emulator = await EmulatorProcess.start()
})
afterAll(() => emulator.stop())
beforeEach(async () => {
  await emulator.control('POST', '/reset')
})

async function call(url: string, init: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, init)
  const text = await response.text()
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

describe('Jelastic container variables', () => {
  const method = (name: string, params: Record<string, string>) =>
    call(`${emulator.url('jelastic')}/1.0/environment/control/rest/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ session: JELASTIC_TOKEN, envName: 'shop', ...params }).toString(),
    })

  it('adds, overwrites and removes a node group’s variables; the image’s own are listed with them', async () => {
    await emulator.jelasticEnv('shop', 'registry.example.com/shop:v1', 2)
    expect((await method('addcontainerenvvars', { nodeGroup: 'cp', vars: '{"A": "1", "B": "2"}' })).body.result).toBe(0)
    expect((await method('addcontainerenvvars', { nodeGroup: 'cp', vars: '{"A": "9"}' })).body.result).toBe(0)
    expect((await method('removecontainerenvvars', { nodeGroup: 'cp', vars: '["B"]' })).body.result).toBe(0)
    const read = await method('getcontainerenvvarsbygroup', { nodeGroup: 'cp' })
    expect(read.body).toMatchObject({ result: 0, object: { A: '9', PATH: expect.any(String), HOME: '/root' } })
    expect(read.body.object).not.toHaveProperty('B')
  })

  it.each([
    ['addcontainerenvvars', { nodeGroup: 'cp', vars: '{"A": 1}' }, /not a string/],
    ['addcontainerenvvars', { nodeGroup: 'cp', vars: '{"A-B": "1"}' }, /invalid variable name/],
    ['addcontainerenvvars', { nodeGroup: 'cp', vars: '["A"]' }, /JSON object/],
    ['addcontainerenvvars', { nodeGroup: 'nope', vars: '{"A": "1"}' }, /node group/],
    ['addcontainerenvvars', { nodeGroup: 'cp' }, /\[vars\] is required/],
    ['removecontainerenvvars', { nodeGroup: 'cp', vars: '{"A": "1"}' }, /array of names/],
    ['getcontainerenvvarsbygroup', { nodeGroup: 'cp', vars: '{}' }, /unknown parameter/],
  ])('%s with %j is refused', async (name, params, error) => {
    await emulator.jelasticEnv('shop', 'registry.example.com/shop:v1', 1)
    const answer = await method(name, params as Record<string, string>)
    expect(answer.body.result).not.toBe(0)
    expect(String(answer.body.error)).toMatch(error)
    expect((await method('getcontainerenvvarsbygroup', { nodeGroup: 'cp' })).body.object).not.toHaveProperty('A')
  })
})

describe('Alauda instance_envvars on update', () => {
  const put = (body: unknown) =>
    call(`${emulator.url('alauda')}/v1/services/team/shop/`, {
      method: 'PUT',
      headers: { authorization: `Token ${ALAUDA_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  it.each([[{ A: 1 }], [{ 'A-B': 'x' }], [['A=1']], ['A=1']])('refuses %j with 400, naming the field', async (vars) => {
    await emulator.control('POST', '/alauda/services', {
      namespace: 'team',
      name: 'shop',
      image: 'index.alauda.cn/team/shop:v1',
      instances: 1,
    })
    const answer = await put({ service_name: 'shop', instance_envvars: vars })
    expect(answer.status).toBe(400)
    expect(answer.body).toHaveProperty('instance_envvars')
  })
})

describe('NetEase app env_var', () => {
  it.each([[{ A: 1 }], [{ '1A': 'x' }], [['A']], ['A=1']])('refuses %j with 400 4000001', async (vars) => {
    await emulator.control('POST', '/netease/apps', { name: 'shop', version: 'a1', replicas: 1 })
    const app = ((await emulator.control('GET', '/state')) as { netease: { apps: { id: number; name: string }[] } }).netease.apps[0]
    const answer = await call(`${emulator.url('netease')}/api/v1/apps/${app?.id}`, {
      method: 'PUT',
      headers: { authorization: 'Token netease-demo-token-0123456789', 'content-type': 'application/json' },
      body: JSON.stringify({ env_var: vars }),
    })
    expect(answer.status).toBe(400)
    expect(answer.body.code).toBe(4000001)
  })
})

describe('NetEase microservice update-stateless', () => {
  const TOKEN = 'Token netease-demo-token-0123456789'
  const V1 = 'hub.c.163.com/team/api:v1'
  const V2 = 'hub.c.163.com/team/api:v2'
  interface View {
    service_info: { id: number; status: string }
    service_container_infos: { container_id: number; envs: { key: string; value: string }[]; log_dirs: string[] }[]
  }
  const seed = async (fields: Record<string, unknown> = {}) =>
    (await emulator.control('POST', '/netease/microservices', { name: 'api', image: V1, replicas: 2, ...fields })) as View
  const read = async (id: number) =>
    (await call(`${emulator.url('netease')}/api/v1/microservices/${id}`, { headers: { authorization: TOKEN } })).body as unknown as View
  const put = (id: number, action: string, body: unknown) =>
    call(`${emulator.url('netease')}/api/v1/microservices/${id}/actions/${action}`, {
      method: 'PUT',
      headers: { authorization: TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const info = (container: number, fields: Record<string, unknown> = {}) => ({
    container_infos: [
      {
        container_id: container,
        envs: [{ key: 'A', value: '1' }],
        log_dirs: ['/var/log/'],
        cpu_weight: 100,
        memory_weight: 100,
        ...fields,
      },
    ],
  })

  it('sets the envs and log_dirs the GET then answers, replacing every container; another update meanwhile is refused with 4030010', async () => {
    await emulator.control('POST', '/netease/timing', { containerMs: 60 })
    const seeded = await seed({ env: { OLD: 'x' }, log_dirs: ['/app/logs/'] })
    const { id } = seeded.service_info
    const container = seeded.service_container_infos[0]?.container_id as number
    expect(seeded.service_container_infos[0]).toMatchObject({
      envs: [{ key: 'OLD', value: 'x' }],
      log_dirs: ['/app/logs/'],
      cpu_weight: 100,
    })
    const before = new Set((seeded.service_container_infos[0] as unknown as { docker_container_ids: string[] }).docker_container_ids)

    expect((await put(id, 'update-stateless', info(container))).status).toBe(200)
    const busy = await read(id)
    expect(busy.service_info.status).toBe('updating')
    expect(busy.service_container_infos[0]).toMatchObject({ envs: [{ key: 'A', value: '1' }], log_dirs: ['/var/log/'] })
    // neither update is taken while one runs
    const image = await put(id, 'update-image', { container_images: [{ container_id: container, image_path: V2 }], min_ready_seconds: 1 })
    expect([image.status, image.body.code]).toEqual([403, 4030010])
    const again = await put(id, 'update-stateless', info(container, { envs: [{ key: 'B', value: '2' }] }))
    expect([again.status, again.body.code]).toEqual([403, 4030010])

    let done = busy
    for (let i = 0; i < 100 && done.service_info.status !== 'update_succ'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 30))
      done = await read(id)
    }
    expect(done.service_info.status).toBe('update_succ')
    const ids = (done.service_container_infos[0] as unknown as { docker_container_ids: string[] }).docker_container_ids
    expect(ids).toHaveLength(2)
    expect(ids.some((d) => before.has(d))).toBe(false)
    expect(done.service_container_infos[0]?.envs).toEqual([{ key: 'A', value: '1' }])
  })

  it.each([
    ['another container', (c: number) => info(c + 1), 404, 4040002, /is not the service's/],
    [
      'the container twice',
      (c: number) => ({ container_infos: [...info(c).container_infos, ...info(c).container_infos] }),
      400,
      4000001,
      /2 times/,
    ],
    [
      'a name no shell takes',
      (c: number) => info(c, { envs: [{ key: 'A-B', value: 'hidden-value' }] }),
      400,
      4000001,
      /"A-B" is not a variable name/,
    ],
    [
      'a name given twice',
      (c: number) =>
        info(c, {
          envs: [
            { key: 'A', value: 'x' },
            { key: 'A', value: 'y' },
          ],
        }),
      400,
      4000001,
      /A is given twice/,
    ],
    [
      'a value that is not a string',
      (c: number) => info(c, { envs: [{ key: 'A', value: 1 }] }),
      400,
      4000001,
      /envs\[0\]\.value must be a string/,
    ],
    ['an entry without a value', (c: number) => info(c, { envs: [{ key: 'A' }] }), 400, 4000002, /envs\[0\]\.value is required/],
    ['envs as an object', (c: number) => info(c, { envs: { A: '1' } }), 400, 4000001, /envs must be a list/],
    ['a cpu_weight of 50', (c: number) => info(c, { cpu_weight: 50 }), 400, 4000001, /must be 100/],
    ['no memory_weight', (c: number) => info(c, { memory_weight: undefined }), 400, 4000002, /memory_weight is required/],
    ['an unknown field', (c: number) => info(c, { image_path: V2 }), 400, 4000001, /unknown field container_infos\[0\]\.image_path/],
    ['no container_infos', () => ({}), 400, 4000002, /container_infos is required/],
  ])('refuses %s, in NetEase’s error shape, naming no value, and changes nothing', async (_, body, status, code, message) => {
    const seeded = await seed({ env: { OLD: 'x' } })
    const { id } = seeded.service_info
    const answer = await put(id, 'update-stateless', body(seeded.service_container_infos[0]?.container_id as number))
    expect([answer.status, answer.body.code]).toEqual([status, code])
    expect(Object.keys(answer.body).sort()).toEqual(['code', 'message'])
    expect(String(answer.body.message)).toMatch(message)
    expect(String(answer.body.message)).not.toContain('hidden-value')
    expect(await read(id)).toMatchObject({
      service_info: { status: 'create_succ' },
      service_container_infos: [{ envs: [{ key: 'OLD', value: 'x' }], log_dirs: [] }],
    })
  })

  it('refuses a stateful service: update-stateless is for stateless ones', async () => {
    const seeded = await seed({ stateful: true, replicas: 1 })
    const answer = await put(seeded.service_info.id, 'update-stateless', info(seeded.service_container_infos[0]?.container_id as number))
    expect([answer.status, answer.body.code]).toEqual([400, 4000001])
    expect(String(answer.body.message)).toMatch(/stateless services/)
  })
})

describe('ServiceStage component envs and labels', () => {
  const base = () => `${emulator.url('servicestage')}/v3/p1/cas/applications/a1/components`
  const headers = { 'x-auth-token': 'servicestage-demo-token-0123456789', 'content-type': 'application/json' }

  it.each([
    [{ envs: [{ name: '1A', value: 'x' }] }, /envs: name/],
    [{ envs: [{ name: 'A', value: 1 }] }, /envs/],
    [
      {
        envs: [
          { name: 'A', value: 'x' },
          { name: 'A', value: 'y' },
        ],
      },
      /given twice/,
    ],
    [{ labels: [{ key: 'repo', value: 'org/shop' }] }, /labels: value/],
    [{ labels: [{ key: 'a b', value: 'x' }] }, /labels: key/],
  ])('a PUT with %j is refused', async (fields, error) => {
    await emulator.control('POST', '/servicestage/components', {
      project: 'p1',
      application: 'a1',
      name: 'shop',
      image: 'swr.cn-north-4.myhuaweicloud.com/team/shop:v1',
      replica: 1,
    })
    const component = ((await emulator.control('GET', '/state')) as { servicestage: { components: Record<string, unknown>[] } })
      .servicestage.components[0] as Record<string, unknown>
    const body = {
      name: component.name,
      runtime_stack: component.runtime_stack,
      replica: component.replica,
      source: { kind: 'image', storage: 'swr', url: 'swr.cn-north-4.myhuaweicloud.com/team/shop:v2' },
      version: '2099.0101.00001',
      ...fields,
    }
    const answer = await call(`${base()}/${String(component.id)}`, { method: 'PUT', headers, body: JSON.stringify(body) })
    expect(answer.status).toBe(400)
    expect(String(answer.body.error_msg)).toMatch(error)
  })
})

describe('Rancher launchConfig.environment', () => {
  it('an upgrade whose environment is not a map of strings is refused (422); a map of strings is taken', async () => {
    await emulator.control('POST', '/rancher/services', { stack: 'web', name: 'shop', image: 'registry.example.com/team/web:v1', scale: 1 })
    const service = ((await emulator.control('GET', '/state')) as { rancher: { services: { id: string }[] } }).rancher.services[0]
    const auth = `Basic ${Buffer.from('rancher-demo-access:rancher-demo-secret-0123').toString('base64')}`
    const upgrade = (environment: unknown) =>
      call(`${emulator.url('rancher')}/v2-beta/projects/1a5/services/${service?.id}/?action=upgrade`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          inServiceStrategy: { launchConfig: { imageUuid: 'docker:registry.example.com/team/web:v2', environment }, batchSize: 1 },
        }),
      })
    expect((await upgrade('A=1')).status).toBe(422)
    expect((await upgrade({ A: 1 })).status).toBe(422)
    // the same upgrade with a map of strings is taken
    expect((await upgrade({ A: '1' })).status).toBeLessThan(300)
  })
})

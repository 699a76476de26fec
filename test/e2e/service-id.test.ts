import { beforeEach, describe, expect, it } from 'vitest'
import { ALAUDA_TOKEN, JELASTIC_TOKEN } from '../support/emulator.js'
import { errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

/**
 * Issue 16: a deploy by name outputs the service's `service-id`, and a chained step given that id
 * reads the service directly: the emulator's request log shows no list (or name-filtered) request
 * for the second step. An id nothing has is answered as the platform answers it, and the step fails.
 */

const suite = emulatorSuite()

interface Case {
  platform: string
  inputs: () => Record<string, string>
  seed: () => Promise<void>
  v2: string
  /** the id the platform holds for the service, from the emulator's state */
  id: () => Promise<string>
  /** an id of the platform's form that no service has */
  unknown: string
  /** a platform request that lists or searches services rather than reading one */
  isList: (request: { method: string; path: string; query?: string }) => boolean
  /** a name is found through a list or a search (where the platform has ids of its own) */
  listsByName: boolean
}

async function state<T>(platform: string): Promise<T> {
  return ((await suite.emulator.control('GET', '/state')) as Record<string, T>)[platform] as T
}

const CASES: Case[] = [
  {
    platform: 'servicestage',
    inputs: () => ({
      platform: 'servicestage',
      'api-url': suite.emulator.url('servicestage'),
      token: 'servicestage-demo-token-0123456789',
      project: 'p1',
      application: 'a1',
    }),
    seed: async () => {
      await suite.emulator.control('POST', '/servicestage/timing', { taskMs: 40 })
      await suite.emulator.control('POST', '/servicestage/components', {
        project: 'p1',
        application: 'a1',
        name: 'shop',
        image: 'swr.cn-north-4.myhuaweicloud.com/team/shop:v1',
        replica: 2,
      })
    },
    v2: 'swr.cn-north-4.myhuaweicloud.com/team/shop:v2',
    id: async () =>
      (await state<{ components: { id: string; name: string }[] }>('servicestage')).components.find((c) => c.name === 'shop')?.id ?? 'none',
    unknown: '00000000-0000-4000-8000-000000000000',
    isList: (r) => r.method === 'GET' && /\/components$/.test(r.path),
    listsByName: true,
  },
  {
    platform: 'netease (app)',
    inputs: () => ({ platform: 'netease', 'api-url': suite.emulator.url('netease'), token: 'netease-demo-token-0123456789' }),
    seed: async () => {
      await suite.emulator.control('POST', '/netease/timing', { containerMs: 40 })
      await suite.emulator.control('POST', '/netease/apps', { name: 'shop', version: 'a1b2c3', replicas: 2 })
    },
    v2: 'source@b2',
    id: async () =>
      String((await state<{ apps: { id: number; name: string }[] }>('netease')).apps.find((a) => a.name === 'shop')?.id ?? 'none'),
    unknown: '999999',
    isList: (r) => r.method === 'GET' && /\/(apps|microservices|namespaces)$/.test(r.path),
    listsByName: true,
  },
  {
    platform: 'netease (microservice)',
    inputs: () => ({
      platform: 'netease',
      'api-url': suite.emulator.url('netease'),
      token: 'netease-demo-token-0123456789',
      project: 'team',
    }),
    seed: async () => {
      await suite.emulator.control('POST', '/netease/timing', { containerMs: 40 })
      await suite.emulator.control('POST', '/netease/microservices', { name: 'shop', image: 'hub.c.163.com/team/api:v1', replicas: 2 })
    },
    v2: 'hub.c.163.com/team/api:v2',
    id: async () =>
      String(
        (await state<{ microservices: { service_info: { id: number; service_name: string } }[] }>('netease')).microservices.find(
          (m) => m.service_info.service_name === 'shop',
        )?.service_info.id ?? 'none',
      ),
    unknown: '999999',
    isList: (r) => r.method === 'GET' && /\/(apps|microservices|namespaces)$/.test(r.path),
    listsByName: true,
  },
  {
    platform: 'rancher',
    inputs: () => ({
      platform: 'rancher',
      'api-url': suite.emulator.url('rancher'),
      'access-key': 'rancher-demo-access',
      'secret-key': 'rancher-demo-secret-0123',
      project: '1a5',
    }),
    seed: async () => {
      await suite.emulator.control('POST', '/rancher/timing', { batchMs: 40 })
      await suite.emulator.control('POST', '/rancher/services', {
        stack: 'web',
        name: 'shop',
        image: 'registry.example.com/team/web:v1',
        scale: 2,
      })
    },
    v2: 'registry.example.com/team/web:v2',
    id: async () =>
      (await state<{ services: { id: string; name: string }[] }>('rancher')).services.find((s) => s.name === 'shop')?.id ?? 'none',
    unknown: '1s99999',
    isList: (r) => r.method === 'GET' && /\/(services|stacks)$/.test(r.path),
    listsByName: true,
  },
  {
    // addressed by envName only: the name is the id
    platform: 'jelastic',
    inputs: () => ({ platform: 'jelastic', 'api-url': suite.emulator.url('jelastic'), token: JELASTIC_TOKEN }),
    seed: () => suite.emulator.jelasticEnv('shop', 'registry.example.com/shop:v1', 2),
    v2: 'registry.example.com/shop:v2',
    id: async () => 'shop',
    unknown: 'nothing-here',
    isList: (r) => /getenvs|getenvinfos/i.test(r.path),
    listsByName: false,
  },
  {
    // addressed by namespace and service_name only: the name is the id
    platform: 'alauda',
    inputs: () => ({ platform: 'alauda', 'api-url': suite.emulator.url('alauda'), token: ALAUDA_TOKEN, project: 'team' }),
    seed: async () => {
      await suite.emulator.control('POST', '/alauda/timing', { instanceMs: 40 })
      await suite.emulator.control('POST', '/alauda/services', {
        namespace: 'team',
        name: 'shop',
        image: 'index.alauda.cn/team/shop:v1',
        instances: 2,
      })
    },
    v2: 'index.alauda.cn/team/shop:v2',
    id: async () => 'shop',
    unknown: 'nothing-here',
    isList: (r) => r.method === 'GET' && /\/services\/[^/]+\/?$/.test(r.path),
    listsByName: false,
  },
]

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
})

describe.each(CASES)('service-id on $platform', (c) => {
  it('a deploy by name outputs the id; a scale by that id reads the service with no list request', async () => {
    await c.seed()
    const image: Record<string, string> = c.v2.startsWith('source@') ? { 'source-version': c.v2.slice('source@'.length) } : { image: c.v2 }
    const deploy = await suite.steps.run('deploy', { ...c.inputs(), service: 'shop', ...image })
    expect(deploy.code, deploy.stdout).toBe(0)
    expect(deploy.outputs['service-id']).toBe(await c.id())
    // by name, the service was looked up: the matcher sees that lookup (and none where the name is the id)
    expect((await suite.emulator.requestLog()).some(c.isList)).toBe(c.listsByName)

    await suite.emulator.control('DELETE', '/requests')
    const scale = await suite.steps.run('scale', { ...c.inputs(), service: deploy.outputs['service-id'] ?? '', replicas: '3' })
    expect(scale.code, scale.stdout).toBe(0)
    expect(scale.outputs).toMatchObject({ replicas: '3', 'service-id': await c.id() })
    const log = await suite.emulator.requestLog()
    expect(log.length).toBeGreaterThan(0)
    expect(log.filter(c.isList)).toEqual([])
  })

  it('a scale by an id no service has fails as not found', async () => {
    await c.seed()
    const scale = await suite.steps.run('scale', { ...c.inputs(), service: c.unknown, replicas: '3' })
    expect(scale.code).not.toBe(0)
    expect(errorLines(scale).join('\n')).toMatch(/not found|does not exist|no such/i)
    if (c.unknown !== 'nothing-here') expect((await suite.emulator.requestLog()).filter(c.isList)).toEqual([])
  })
})

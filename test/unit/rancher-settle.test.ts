import { MockAgent } from 'undici'
import { describe, expect, it } from 'vitest'
import { HttpClient } from '../../src/shared/http/client.js'
import { Redactor } from '../../src/shared/http/redactor.js'
import type { Operation } from '../../src/shared/platforms/platform.js'
import { RancherApi } from '../../src/shared/platforms/rancher/api.js'
import { mockPlatform } from '../support/mock-platform.js'

const ORIGIN = 'http://rancher.example.com:8080'
const P = '/v2-beta/projects/1a5'
const CONFLICT = { type: 'error', status: 409, code: 'Conflict', message: 'Conflict' }

/** The API on a client that would retry a "not done" answer 5 times: the 409 limit must be Rancher's own. */
function api() {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const http = new HttpClient({
    redactor: new Redactor(),
    dispatcher: agent,
    sleep: async () => {},
    backoff: { attempts: 6, baseMs: 1, capMs: 1 },
  })
  const pool = agent.get(ORIGIN)
  const sent: string[] = []
  const on = (method: string, path: string, status: number, reply: unknown, times = 1) =>
    pool
      .intercept({ path, method })
      .reply(status, () => {
        sent.push(`${method} ${path}`)
        return JSON.stringify(reply)
      })
      .times(times)
  return { api: new RancherApi(new URL(ORIGIN), { accessKey: 'ak', secretKey: 'sk' }, http), on, sent }
}

const service = { id: '1s10', state: 'active', actions: { restart: `${ORIGIN}${P}/services/1s10?action=restart` } }
const options = { operation: 'restart', target: 'shop/web' }

describe('Rancher API: a 409 Conflict (the resource was busy, nothing applied)', () => {
  it('sends an action again after a 409, as Rancher’s Python client does', async () => {
    const { api: rancher, on, sent } = api()
    on('POST', `${P}/services/1s10?action=restart`, 409, CONFLICT)
    on('POST', `${P}/services/1s10?action=restart`, 202, { ...service, state: 'restarting' })
    expect(await rancher.action(service, 'restart', options)).toMatchObject({ state: 'restarting' })
    expect(sent).toHaveLength(2)
  })

  it('sends an update 3 times in all, then says Rancher was busy and nothing changed', async () => {
    const { api: rancher, on, sent } = api()
    on('PUT', `${P}/services/1s10`, 409, CONFLICT, 5)
    await expect(rancher.call('PUT', `/projects/1a5/services/1s10`, options, { scale: 3 })).rejects.toThrow(
      'rancher: restart of "shop/web" failed: Conflict (Conflict, HTTP 409): Rancher was busy with another change of it, and nothing was changed; try again',
    )
    expect(sent).toEqual([`PUT ${P}/services/1s10`, `PUT ${P}/services/1s10`, `PUT ${P}/services/1s10`])
  })

  it('sends a create once: Rancher’s client does not repeat it on a 409', async () => {
    const { api: rancher, on, sent } = api()
    on('POST', `${P}/stacks`, 409, CONFLICT)
    await expect(rancher.call('POST', '/projects/1a5/stacks', options, { name: 'shop' })).rejects.toThrow('HTTP 409')
    expect(sent).toHaveLength(1)
  })
})

const V1 = 'registry.example.com/web:v1'
const V2 = 'registry.example.com/web:v2'
const byId = { service: '1s10', project: '1a5' }

/** The actions each state offers: the processes that start from it (cattle's spring-process-context.xml). */
const OFFERED: Record<string, string[]> = {
  active: ['upgrade', 'restart', 'deactivate', 'remove'],
  inactive: ['activate', 'upgrade', 'remove'],
  activating: ['deactivate', 'upgrade', 'remove'],
  deactivating: ['remove'],
  restarting: ['activate', 'deactivate', 'remove'],
  upgrading: ['cancelupgrade', 'rollback', 'remove'],
  upgraded: ['finishupgrade', 'rollback', 'remove'],
  'finishing-upgrade': ['cancelupgrade', 'remove'],
  'canceling-upgrade': ['remove'],
  'canceled-upgrade': ['continueupgrade', 'rollback', 'remove'],
  'rolling-back': ['remove'],
  removing: [],
}
const TRANSITIONING = new Set([
  'activating',
  'deactivating',
  'restarting',
  'upgrading',
  'finishing-upgrade',
  'canceling-upgrade',
  'rolling-back',
  'removing',
])

/** Service 1s10 in `state`, running `image`; an upgrade from v1 to v2 recorded when `upgraded` is set. */
function web(state: string, image = V1, fields: Record<string, unknown> = {}) {
  return {
    id: '1s10',
    type: 'service',
    name: 'web',
    stackId: '1st5',
    state,
    transitioning: TRANSITIONING.has(state) ? 'yes' : 'no',
    scale: 2,
    currentScale: 2,
    launchConfig: { imageUuid: `docker:${image}` },
    links: { self: `${ORIGIN}${P}/services/1s10`, instances: `${ORIGIN}${P}/services/1s10/instances` },
    actions: Object.fromEntries((OFFERED[state] ?? []).map((name) => [name, `${ORIGIN}${P}/services/1s10?action=${name}`])),
    ...fields,
  }
}
const upgradeV2 = {
  upgrade: { inServiceStrategy: { launchConfig: { imageUuid: `docker:${V2}` }, previousLaunchConfig: { imageUuid: `docker:${V1}` } } },
}

/** A connection reset after the request was sent: the mock records it, then fails as a socket that closed. */
const RESET = {
  toJSON() {
    throw Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })
  },
}

function rancher() {
  const mock = mockPlatform('rancher', ORIGIN, { accessKey: 'ak', secretKey: 'sk-secret' })
  const posts = (action: string) => mock.sent.filter((r) => r.method === 'POST' && r.path.endsWith(`?action=${action}`)).length
  return { ...mock, posts }
}

describe('Rancher: an upgrade whose answer was lost', () => {
  it('is taken from the state when the service is upgrading to the new launch config: sent once', async () => {
    const { platform, on, posts } = rancher()
    on('GET', `${P}/services/1s10`, 200, web('active'))
    on('POST', `${P}/services/1s10?action=upgrade`, 502, { type: 'error', status: 502, message: 'Bad Gateway' })
    on('GET', `${P}/services/1s10`, 200, web('upgrading', V2, upgradeV2))
    const op = await platform.deploy(byId, { image: V2 })
    expect(op).toMatchObject({ kind: 'deploy', target: { image: V2 } })
    expect(posts('upgrade')).toBe(1)
  })

  it('is taken from the state after a reset, and after a 200 that is not JSON', async () => {
    for (const lost of [RESET, '<html>502 Bad Gateway</html>']) {
      const { platform, on, posts } = rancher()
      on('GET', `${P}/services/1s10`, 200, web('active'))
      on('POST', `${P}/services/1s10?action=upgrade`, 202, lost)
      on('GET', `${P}/services/1s10`, 200, web('upgraded', V2, upgradeV2))
      expect((await platform.deploy(byId, { image: V2 })).target).toEqual({ image: V2, env: {} })
      expect(posts('upgrade')).toBe(1)
    }
  })

  it('is sent again when the service is still active', async () => {
    const { platform, on, posts } = rancher()
    on('GET', `${P}/services/1s10`, 200, web('active'))
    on('POST', `${P}/services/1s10?action=upgrade`, 202, RESET)
    on('GET', `${P}/services/1s10`, 200, web('active'))
    on('POST', `${P}/services/1s10?action=upgrade`, 202, web('upgrading', V2, upgradeV2))
    expect((await platform.deploy(byId, { image: V2 })).target).toEqual({ image: V2, env: {} })
    expect(posts('upgrade')).toBe(2)
  })

  /**
   * An upgrade whose answer was lost, read before the platform applied it (still active), sent
   * again and refused: the service is upgrading by then. What the next read shows is the test's.
   */
  function refusedAfterLateLanding() {
    const mock = rancher()
    mock.on('GET', `${P}/services/1s10`, 200, web('active'))
    mock.on('POST', `${P}/services/1s10?action=upgrade`, 202, RESET)
    mock.on('GET', `${P}/services/1s10`, 200, web('active'))
    mock.on('POST', `${P}/services/1s10?action=upgrade`, 422, {
      type: 'error',
      status: 422,
      code: 'ActionNotAvailable',
      message: 'Action [upgrade] not available on [upgrading]',
    })
    return mock
  }

  it('sent again and refused because the first one landed late, is taken from the state: upgrading to this launch config', async () => {
    const { platform, on, posts } = refusedAfterLateLanding()
    on('GET', `${P}/services/1s10`, 200, web('upgrading', V2, upgradeV2))
    expect((await platform.deploy(byId, { image: V2 })).target).toEqual({ image: V2, env: {} })
    expect(posts('upgrade')).toBe(2)
  })

  it('sent again and refused while the service upgrades to another launch config, fails with Rancher’s words', async () => {
    const { platform, on } = refusedAfterLateLanding()
    const other = { upgrade: { inServiceStrategy: { launchConfig: { imageUuid: 'docker:registry.example.com/web:v9' } } } }
    on('GET', `${P}/services/1s10`, 200, web('upgrading', 'registry.example.com/web:v9', other))
    await expect(platform.deploy(byId, { image: V2 })).rejects.toThrow(/not available on \[upgrading\]/)
  })

  /** An upgrade to V2 observed `upgraded`: the finish is what follows it. */
  async function upgraded() {
    const mock = rancher()
    mock.on('GET', `${P}/services/1s10`, 200, web('active'))
    mock.on('POST', `${P}/services/1s10?action=upgrade`, 202, web('upgrading', V2, upgradeV2))
    const op = await mock.platform.deploy(byId, { image: V2 })
    mock.on('GET', `${P}/services/1s10`, 200, web('upgraded', V2, upgradeV2))
    expect((await mock.platform.observe(op)).status).toBe('succeeded')
    return { ...mock, op }
  }

  it('finishes the upgrade once: a finishupgrade whose answer was lost is found finishing, or active, on the new launch config', async () => {
    for (const found of ['finishing-upgrade', 'active']) {
      const { platform, on, posts, op } = await upgraded()
      on('POST', `${P}/services/1s10?action=finishupgrade`, 503, { type: 'error', status: 503, message: 'Service Unavailable' })
      on('GET', `${P}/services/1s10`, 200, web(found, V2, upgradeV2))
      const finish = (await platform.followUp?.(op)) as Operation
      expect(finish).toMatchObject({ kind: 'deploy', target: { image: V2 } })
      on('GET', `${P}/services/1s10`, 200, web('active', V2, upgradeV2))
      expect((await platform.observe(finish)).status).toBe('succeeded')
      expect(posts('finishupgrade')).toBe(1)
    }
  })

  it('a finishupgrade whose answer was lost is sent again when the service is still upgraded', async () => {
    const { platform, on, posts, op } = await upgraded()
    on('POST', `${P}/services/1s10?action=finishupgrade`, 202, RESET)
    on('GET', `${P}/services/1s10`, 200, web('upgraded', V2, upgradeV2))
    on('POST', `${P}/services/1s10?action=finishupgrade`, 202, web('finishing-upgrade', V2, upgradeV2))
    const finish = (await platform.followUp?.(op)) as Operation
    on('GET', `${P}/services/1s10`, 200, web('active', V2, upgradeV2))
    expect((await platform.observe(finish)).status).toBe('succeeded')
    expect(posts('finishupgrade')).toBe(2)
  })
})

describe('Rancher: a stuck upgrade is rolled back while it runs', () => {
  it('from upgrading: rollback at once (offered there), then active on the image before', async () => {
    const { platform, on, posts } = rancher()
    on(
      'GET',
      `${P}/services/1s10`,
      200,
      web('upgrading', V2, { ...upgradeV2, transitioning: 'error', transitioningMessage: 'Failed to start' }),
    )
    on('POST', `${P}/services/1s10?action=rollback`, 202, web('rolling-back', V1, upgradeV2))
    const op = await platform.rollback?.(byId)
    expect(op).toMatchObject({ kind: 'deploy', target: { image: V1 } })
    on('GET', `${P}/services/1s10`, 200, web('rolling-back', V1, upgradeV2))
    expect((await platform.observe(op as Operation)).status).toBe('running')
    on('GET', `${P}/services/1s10`, 200, web('active', V1, upgradeV2))
    expect(await platform.observe(op as Operation)).toMatchObject({ status: 'succeeded', detail: expect.stringContaining(V1) })
    expect([posts('rollback'), posts('cancelupgrade')]).toEqual([1, 0])
  })

  it('from upgrading: a rollback whose answer was lost is found rolling back, or sent again', async () => {
    const { platform, on, posts } = rancher()
    on('GET', `${P}/services/1s10`, 200, web('upgrading', V2, upgradeV2))
    on('POST', `${P}/services/1s10?action=rollback`, 202, RESET)
    on('GET', `${P}/services/1s10`, 200, web('rolling-back', V1, upgradeV2))
    await platform.rollback?.(byId)
    expect(posts('rollback')).toBe(1)
    const again = rancher()
    again.on('GET', `${P}/services/1s10`, 200, web('upgrading', V2, upgradeV2))
    again.on('POST', `${P}/services/1s10?action=rollback`, 502, { type: 'error', status: 502, message: 'Bad Gateway' })
    again.on('GET', `${P}/services/1s10`, 200, web('upgrading', V2, upgradeV2))
    again.on('POST', `${P}/services/1s10?action=rollback`, 202, web('rolling-back', V1, upgradeV2))
    await again.platform.rollback?.(byId)
    expect(again.posts('rollback')).toBe(2)
  })

  it('from finishing-upgrade: cancelupgrade, wait for canceled-upgrade, then rollback', async () => {
    const { platform, on, posts } = rancher()
    on('GET', `${P}/services/1s10`, 200, web('finishing-upgrade', V2, upgradeV2))
    on('POST', `${P}/services/1s10?action=cancelupgrade`, 202, RESET)
    on('GET', `${P}/services/1s10`, 200, web('canceling-upgrade', V2, upgradeV2))
    const op = (await platform.rollback?.(byId)) as Operation
    expect(op.target).toEqual({ image: V1, env: {} })
    on('GET', `${P}/services/1s10`, 200, web('canceling-upgrade', V2, upgradeV2))
    expect(await platform.observe(op)).toMatchObject({ status: 'running', detail: expect.stringContaining('waiting for Rancher to offer') })
    on('GET', `${P}/services/1s10`, 200, web('canceled-upgrade', V2, upgradeV2))
    on('POST', `${P}/services/1s10?action=rollback`, 202, web('rolling-back', V1, upgradeV2))
    expect(await platform.observe(op)).toMatchObject({ status: 'running', detail: expect.stringContaining('rolling back') })
    on('GET', `${P}/services/1s10`, 200, web('active', V1, upgradeV2))
    expect((await platform.observe(op)).status).toBe('succeeded')
    expect([posts('cancelupgrade'), posts('rollback')]).toEqual([1, 1])
  })

  it('from upgraded, as before: the upgrade’s own rollback', async () => {
    const { platform, on, posts } = rancher()
    on('GET', `${P}/services/1s10`, 200, web('upgraded', V2, upgradeV2))
    on('POST', `${P}/services/1s10?action=rollback`, 202, web('rolling-back', V1, upgradeV2))
    const op = (await platform.rollback?.(byId)) as Operation
    on('GET', `${P}/services/1s10`, 200, web('active', V1, upgradeV2))
    expect((await platform.observe(op)).status).toBe('succeeded')
    expect(posts('rollback')).toBe(1)
  })

  it('fails, naming the state, when the rollback errs or the upgrade was finished meanwhile', async () => {
    const { platform, on } = rancher()
    on('GET', `${P}/services/1s10`, 200, web('upgrading', V2, upgradeV2))
    on('POST', `${P}/services/1s10?action=rollback`, 202, web('rolling-back', V1, upgradeV2))
    const op = (await platform.rollback?.(byId)) as Operation
    on(
      'GET',
      `${P}/services/1s10`,
      200,
      web('rolling-back', V1, { ...upgradeV2, transitioning: 'error', transitioningMessage: 'Failed to start container' }),
    )
    expect(await platform.observe(op)).toMatchObject({ status: 'failed', detail: expect.stringContaining('Failed to start container') })
    const late = rancher()
    late.on('GET', `${P}/services/1s10`, 200, web('canceling-upgrade', V2, upgradeV2))
    const waiting = (await late.platform.rollback?.(byId)) as Operation
    late.on('GET', `${P}/services/1s10`, 200, web('active', V2, upgradeV2))
    expect(await late.platform.observe(waiting)).toEqual({
      status: 'failed',
      detail: 'active, 2/2 container(s): the upgrade ended before it could be rolled back; give "to" the image before',
    })
  })
})

describe('Rancher: lifecycle actions whose answer was lost', () => {
  it('a deactivate found deactivating is not sent again; one still active is', async () => {
    const { platform, on, posts } = rancher()
    on('GET', `${P}/services/1s10`, 200, web('active'))
    on('POST', `${P}/services/1s10?action=deactivate`, 202, RESET)
    on('GET', `${P}/services/1s10`, 200, web('deactivating'))
    expect(await platform.lifecycle(byId, 'stop')).toMatchObject({ id: 'deactivate:1s10', target: { phase: 'stopped' } })
    expect(posts('deactivate')).toBe(1)
    const again = rancher()
    again.on('GET', `${P}/services/1s10`, 200, web('inactive'))
    again.on('POST', `${P}/services/1s10?action=activate`, 503, { type: 'error', status: 503, message: 'Service Unavailable' })
    again.on('GET', `${P}/services/1s10`, 200, web('inactive'))
    again.on('POST', `${P}/services/1s10?action=activate`, 202, web('activating'))
    await again.platform.lifecycle(byId, 'start')
    expect(again.posts('activate')).toBe(2)
  })

  it('a restart is found by its state, or by its containers started once more; without them it is not sent again', async () => {
    const instances = (counts: number[]) => ({ data: counts.map((startCount, i) => ({ id: `1i${i}`, startCount })) })
    const { platform, on, posts } = rancher()
    on('GET', `${P}/services/1s10`, 200, web('active'))
    on('GET', `${P}/services/1s10/instances`, 200, instances([1, 1]))
    on('POST', `${P}/services/1s10?action=restart`, 202, RESET)
    on('GET', `${P}/services/1s10`, 200, web('active'))
    on('GET', `${P}/services/1s10/instances`, 200, instances([2, 1]))
    expect((await platform.lifecycle(byId, 'restart')).id).toBe('restart:1s10')
    expect(posts('restart')).toBe(1)

    const again = rancher()
    again.on('GET', `${P}/services/1s10`, 200, web('active'))
    again.on('GET', `${P}/services/1s10/instances`, 200, instances([1, 1]))
    again.on('POST', `${P}/services/1s10?action=restart`, 502, { type: 'error', status: 502, message: 'Bad Gateway' })
    again.on('GET', `${P}/services/1s10`, 200, web('active'))
    again.on('GET', `${P}/services/1s10/instances`, 200, instances([1, 1]))
    again.on('POST', `${P}/services/1s10?action=restart`, 202, web('restarting'))
    await again.platform.lifecycle(byId, 'restart')
    expect(again.posts('restart')).toBe(2)

    const blind = rancher()
    blind.on('GET', `${P}/services/1s10`, 200, web('active'))
    blind.on('GET', `${P}/services/1s10/instances`, 404, { type: 'error', status: 404, message: 'Not Found' })
    blind.on('POST', `${P}/services/1s10?action=restart`, 202, RESET)
    blind.on('GET', `${P}/services/1s10`, 200, web('active'))
    await expect(blind.platform.lifecycle(byId, 'restart')).rejects.toThrow(
      'rancher: restart of "1s10" failed: the answer was lost and the service is active again: nothing shows whether the restart ran, so it was not sent again',
    )
    expect(blind.posts('restart')).toBe(1)
  })
})

describe('Rancher: create, scale and remove under lost answers', () => {
  const compose = { dockerCompose: "version: '2'\nservices:\n  api:\n    image: ${IMAGE}\n" }
  const api = { service: 'backend/api', project: '1a5' }

  it('a stack create whose answer was lost is found by a new stack of that name: sent once', async () => {
    const { platform, on, sent } = rancher()
    on('GET', `${P}/stacks?name=backend`, 200, { data: [] }, 2)
    on('POST', `${P}/stacks`, 201, RESET)
    on('GET', `${P}/stacks?name=backend`, 200, { data: [{ id: '1st9', name: 'backend', state: 'activating' }] })
    const op = await platform.deploy(api, { image: V1, create: compose })
    expect(op).toMatchObject({ id: 'create:1st9', target: { image: V1 } })
    expect(sent.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  it('a stack create is sent again when no new stack shows', async () => {
    const { platform, on, sent } = rancher()
    on('GET', `${P}/stacks?name=backend`, 200, { data: [] }, 3)
    on('POST', `${P}/stacks`, 503, { type: 'error', status: 503, message: 'Service Unavailable' })
    on('POST', `${P}/stacks`, 201, { id: '1st9', name: 'backend', state: 'activating' })
    expect((await platform.deploy(api, { image: V1, create: compose })).id).toBe('create:1st9')
    expect(sent.filter((r) => r.method === 'POST')).toHaveLength(2)
  })

  it('a scale PUT whose answer was lost (a 5xx, a reset, an answer that is not JSON) is taken from the scale the service shows: sent once', async () => {
    const BAD_GATEWAY = { type: 'error', status: 502, message: 'Bad Gateway' }
    for (const [status, reply] of [
      [502, BAD_GATEWAY],
      [200, RESET],
      [200, '<html>ok</html>'],
    ] as const) {
      const { platform, on, sent } = rancher()
      on('GET', `${P}/services/1s10`, 200, web('active'))
      on('PUT', `${P}/services/1s10`, status, reply)
      on('GET', `${P}/services/1s10`, 200, web('active', V1, { scale: 3 }))
      expect((await platform.scale(byId, { replicas: 3 })).target).toEqual({ replicas: 3 })
      expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
        `GET ${P}/services/1s10`,
        `PUT ${P}/services/1s10`,
        `GET ${P}/services/1s10`,
      ])
      expect(sent[1]?.body).toBe('{"scale":3}')
    }
  })

  it('a scale PUT that did not land is sent again; after the last send fails, the error names platform, operation and service', async () => {
    const again = rancher()
    again.on('GET', `${P}/services/1s10`, 200, web('active'))
    again.on('PUT', `${P}/services/1s10`, 502, { type: 'error', status: 502, message: 'Bad Gateway' })
    // the service still has scale 2: the PUT did not land
    again.on('GET', `${P}/services/1s10`, 200, web('active'))
    again.on('PUT', `${P}/services/1s10`, 200, web('active', V1, { scale: 3 }))
    expect((await again.platform.scale(byId, { replicas: 3 })).target).toEqual({ replicas: 3 })
    expect(again.sent.filter((r) => r.method === 'PUT').map((r) => r.body)).toEqual(Array(2).fill('{"scale":3}'))
    expect(again.sent.filter((r) => r.method === 'GET')).toHaveLength(2)

    const lost = rancher()
    lost.on('GET', `${P}/services/1s10`, 200, web('active'))
    lost.on('PUT', `${P}/services/1s10`, 200, RESET, 3)
    lost.on('GET', `${P}/services/1s10`, 200, web('active'), 3)
    await expect(lost.platform.scale(byId, { replicas: 3 })).rejects.toThrow(
      /^rancher: scale of "1s10" got no answer: PUT .*other side closed/,
    )
    expect(lost.sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${P}/services/1s10`,
      ...Array(3)
        .fill([`PUT ${P}/services/1s10`, `GET ${P}/services/1s10`])
        .flat(),
    ])
  })

  it('a DELETE repeated after it landed (405 while removing, 404 once purged) is done', async () => {
    for (const [status, message] of [
      [405, 'Method Not Allowed'],
      [404, 'Not Found'],
    ] as const) {
      const { platform, on, sent } = rancher()
      on('GET', `${P}/services/1s10`, 200, web('active'))
      on('DELETE', `${P}/services/1s10`, 200, RESET)
      on('DELETE', `${P}/services/1s10`, status, { type: 'error', status, message })
      on('GET', `${P}/services/1s10`, status === 404 ? 404 : 200, status === 404 ? { type: 'error', status: 404 } : web('removing'))
      expect(await platform.remove(byId)).toMatchObject({ id: 'remove:1s10', kind: 'remove' })
      expect(sent.filter((r) => r.method === 'DELETE')).toHaveLength(2)
    }
  })
})

describe('Rancher: the load balancer’s port rules are read back', () => {
  const router = { router: '1s20', blue: '1s10', green: '1s11', project: '1a5' }
  const lb = (rules: { sourcePort: number; serviceId: string }[]) => ({
    ...web('active'),
    id: '1s20',
    name: 'lb',
    lbConfig: { portRules: rules.map((rule) => ({ ...rule, type: 'portRule', protocol: 'http', targetPort: 8080 })) },
  })
  const sides = (on: ReturnType<typeof rancher>['on'], rules: { sourcePort: number; serviceId: string }[]) => {
    on('GET', `${P}/services/1s20`, 200, lb(rules))
    on('GET', `${P}/services/1s10`, 200, web('active'))
    on('GET', `${P}/services/1s11`, 200, { ...web('active', V2), id: '1s11', name: 'web-green' })
  }

  it('succeeds once the rules read back are those written; fails when they are not', async () => {
    for (const [after, status] of [
      ['1s11', 'succeeded'],
      ['1s10', 'failed'],
    ] as const) {
      const { platform, on, sent } = rancher()
      sides(on, [{ sourcePort: 80, serviceId: '1s10' }])
      const op = (await platform.writeTraffic?.(router, { blue: 0, green: 100, routingMethod: 'round-robin' })) as Operation
      sides(on, [{ sourcePort: 80, serviceId: '1s10' }])
      on('PUT', `${P}/services/1s20`, 200, lb([{ sourcePort: 80, serviceId: '1s11' }]))
      expect((await platform.observe(op)).status).toBe('running')
      expect(JSON.parse(sent.at(-1)?.body ?? '').lbConfig.portRules).toMatchObject([{ sourcePort: 80, serviceId: '1s11' }])
      sides(on, [{ sourcePort: 80, serviceId: after }])
      expect((await platform.observe(op)).status).toBe(status)
    }
  })
})

describe('Rancher webhooks under lost answers', () => {
  const KEY = 'k'.repeat(40)
  const TRIGGER = new URL(`${ORIGIN}/v1-webhooks/endpoint?key=${KEY}&projectId=1a5`)
  const RECEIVERS = '/v1-webhooks/receivers?projectId=1a5'
  const receiver = (driver = 'scaleService') => ({
    id: '1gn3',
    type: 'receiver',
    name: 'web-up',
    driver,
    state: 'active',
    url: TRIGGER.href,
    scaleServiceConfig: { serviceId: '1s10', action: 'up', amount: 1, min: 1, max: 5 },
  })

  it('a create whose answer was lost is found by a new receiver of its name: never two', async () => {
    const { platform, on, sent, redactor } = rancher()
    on('GET', RECEIVERS, 200, { data: [] })
    on('POST', RECEIVERS, 200, RESET)
    on('GET', RECEIVERS, 200, { data: [receiver()] })
    const created = await platform.webhooks?.create('1a5', { name: 'web-up', driver: 'scaleService', scaleServiceConfig: {} })
    expect(created).toEqual({ id: '1gn3', name: 'web-up', driver: 'scaleService', state: 'active' })
    expect(sent.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(redactor.redact(TRIGGER.href)).not.toContain(KEY)
  })

  it('a create is sent again when no receiver of its name shows', async () => {
    const { platform, on, sent } = rancher()
    on('GET', RECEIVERS, 200, { data: [] }, 2)
    on('POST', RECEIVERS, 502, { type: 'error', status: 502, message: 'Bad Gateway' })
    on('POST', RECEIVERS, 200, receiver())
    expect((await platform.webhooks?.create('1a5', { name: 'web-up', driver: 'scaleService' }))?.id).toBe('1gn3')
    expect(sent.filter((r) => r.method === 'POST')).toHaveLength(2)
  })

  it('a trigger whose answer was lost landed when the service has the scale its receiver sets', async () => {
    const { platform, on, sent } = rancher()
    on('GET', RECEIVERS, 200, { data: [receiver()] })
    on('GET', `${P}/services/1s10`, 200, web('active'))
    on('POST', `/v1-webhooks/endpoint?key=${KEY}&projectId=1a5`, 200, RESET)
    on('GET', `${P}/services/1s10`, 200, web('active', V1, { scale: 3 }))
    await platform.webhooks?.trigger(TRIGGER)
    expect(sent.filter((r) => r.method === 'POST').map((r) => r.auth)).toEqual([''])
  })

  it('a trigger whose answer was lost is never sent again: unproven, it fails saying so', async () => {
    for (const [driver, why] of [
      ['scaleService', "the service's scale is 2, not the 3 it sets"],
      ['serviceUpgrade', 'its receiver is not a scaleService receiver the API key can read'],
    ]) {
      const { platform, on, sent } = rancher()
      on('GET', RECEIVERS, 200, { data: [receiver(driver)] })
      on('GET', `${P}/services/1s10`, 200, web('active'), 2)
      on('POST', `/v1-webhooks/endpoint?key=${KEY}&projectId=1a5`, 503, { type: 'error', status: 'Server Error', message: 'unavailable' })
      await expect(platform.webhooks?.trigger(TRIGGER)).rejects.toThrow(
        `rancher: trigger webhook of "receiver" failed: the trigger's answer was lost and ${why}: it may not have run, or may still run. It was not sent again`,
      )
      expect(sent.filter((r) => r.method === 'POST')).toHaveLength(1)
    }
  })
})

import { beforeEach, describe, expect, it } from 'vitest'
import { measureSplit } from '../support/emulator.js'
import { errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

const suite = emulatorSuite()
const KEYS = { 'access-key': 'rancher-demo-access', 'secret-key': 'rancher-demo-secret-0123' }
const V1 = 'registry.example.com/team/web:v1'
const V2 = 'registry.example.com/team/web:v2'
const V3 = 'registry.example.com/team/web:v3'

interface ServiceView {
  id: string
  name: string
  state: string
  transitioning: string
  scale: number
  currentScale: number
  launchConfig: { imageUuid: string; environment?: Record<string, string> }
  actions: Record<string, string>
}

async function service(name = 'web'): Promise<ServiceView> {
  const state = (await suite.emulator.control('GET', '/state')) as { rancher: { services: ServiceView[] } }
  const found = state.rancher.services.find((s) => s.name === name && s.state !== 'removed')
  if (!found) throw new Error(`no service ${name}`)
  return found
}

function inputs(extra: Record<string, string>): Record<string, string> {
  return { platform: 'rancher', 'api-url': suite.emulator.url('rancher'), ...KEYS, project: '1a5', ...extra }
}

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.control('POST', '/rancher/timing', { batchMs: 40 })
  await suite.emulator.control('POST', '/rancher/services', { stack: 'shop', name: 'web', image: V1, scale: 2 })
})

describe('action-deploy on Rancher (in-service upgrade)', () => {
  it('upgrades, waits while transitioning, and finishes the upgrade', async () => {
    const run = await suite.steps.run('deploy', inputs({ service: 'shop/web', image: V2, 'batch-size': '2', 'start-first': 'true' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ image: V2, 'previous-image': V1 })
    expect(await service()).toMatchObject({
      state: 'active',
      transitioning: 'no',
      currentScale: 2,
      launchConfig: { imageUuid: `docker:${V2}` },
    })
    const calls = (await suite.emulator.requests()).filter((r) => r.method === 'POST').map((r) => r.path)
    expect(calls).toEqual([
      `/v2-beta/projects/1a5/services/${(await service()).id}`,
      `/v2-beta/projects/1a5/services/${(await service()).id}`,
    ])
  })

  it('keeps the upgrade open when asked, and then rolls it back with the upgrade’s own rollback', async () => {
    const open = await suite.steps.run('deploy', inputs({ service: 'shop/web', image: V2, 'finish-upgrade': 'false' }))
    expect(open.code, open.stdout).toBe(0)
    expect(await service()).toMatchObject({ state: 'upgraded', launchConfig: { imageUuid: `docker:${V2}` } })
    const back = await suite.steps.run('rollback', inputs({ service: 'shop/web', reason: 'the check by hand failed' }))
    expect(back.code, back.stdout).toBe(0)
    expect(back.outputs.image).toBe(V1)
    expect(await service()).toMatchObject({ state: 'active', launchConfig: { imageUuid: `docker:${V1}` } })
  })

  it('rolls back after the upgrade was finished: an upgrade to the previous launch config', async () => {
    const run = await suite.steps.run('deploy', inputs({ service: 'shop/web', image: V2 }))
    expect(run.code, run.stdout).toBe(0)
    const back = await suite.steps.run('rollback', inputs({ service: 'shop/web' }))
    expect(back.code, back.stdout).toBe(0)
    expect(await service()).toMatchObject({ state: 'active', launchConfig: { imageUuid: `docker:${V1}` } })
  })

  it('rolls back a deploy of new variables alone: the launch config before comes back with its variables, though its image is the same', async () => {
    expect((await suite.steps.run('deploy', inputs({ service: 'shop/web', image: V1, 'env-vars': 'KEEP=1' }))).code).toBe(0)
    const run = await suite.steps.run('deploy', inputs({ service: 'shop/web', image: V1, 'env-vars': 'MODE=canary' }))
    expect(run.code, run.stdout).toBe(0)
    expect((await service()).launchConfig).toMatchObject({ imageUuid: `docker:${V1}`, environment: { KEEP: '1', MODE: 'canary' } })
    const back = await suite.steps.run('rollback', inputs({ service: 'shop/web' }))
    expect(back.code, back.stdout).toBe(0)
    expect(await service()).toMatchObject({ state: 'active', launchConfig: { imageUuid: `docker:${V1}`, environment: { KEEP: '1' } } })
    expect((await service()).launchConfig.environment).toEqual({ KEEP: '1' })
  })

  it('rolls a failed deploy of new variables alone back to the launch config before, variables and all', async () => {
    const { id } = await service()
    expect((await suite.steps.run('deploy', inputs({ service: 'shop/web', image: V1, 'env-vars': 'KEEP=1' }))).code).toBe(0)
    await suite.emulator.markImage(V1, { unhealthy: true })
    const run = await suite.steps.run(
      'deploy',
      inputs({
        service: 'shop/web',
        image: V1,
        'env-vars': 'MODE=canary',
        'health-url': `${suite.emulator.url('rancher')}/services/${id}/`,
      }),
    )
    expect(run.code, run.stdout).toBe(1)
    expect(errorLines(run)[0]).toContain(`; rolled back to ${V1} with the variables from before (removed MODE)`)
    expect(run.outputs['rolled-back']).toBe('true')
    expect(await service()).toMatchObject({ state: 'active', launchConfig: { imageUuid: `docker:${V1}` } })
    expect((await service()).launchConfig.environment).toEqual({ KEEP: '1' })
  })

  it('a failing image ends the upgrade in transitioning error; the upgrade is rolled back', async () => {
    await suite.emulator.control('POST', '/images', { image: V3, failing: true })
    const run = await suite.steps.run('deploy', inputs({ service: 'shop/web', image: V3 }))
    expect(run.code).toBe(1)
    const [error = ''] = errorLines(run)
    expect(error).toMatch(
      /^rancher: deploy of "shop\/web" to .*web:v3 failed: operation upgrade:1s\d+:\d+ failed; last state: upgrading, .*Failed to start container/,
    )
    expect(error).toContain(`rolled back to ${V1}`)
    expect(await service()).toMatchObject({ state: 'active', transitioning: 'no', launchConfig: { imageUuid: `docker:${V1}` } })
  })

  it('refuses an action the state does not offer, naming the state and what it offers', async () => {
    await suite.steps.run('deploy', inputs({ service: 'shop/web', image: V2, 'finish-upgrade': 'false' }))
    const run = await suite.steps.run('deploy', inputs({ service: 'shop/web', image: V3 }))
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toBe(
      'rancher: deploy of "shop/web" failed: "upgrade" is not available while the service is "upgraded"; it offers: finishupgrade, remove, rollback',
    )
  })

  it('creates a stack from compose files when the service is missing, the image given as ${IMAGE}', async () => {
    const spec = {
      dockerCompose: "version: '2'\nservices:\n  api:\n    image: ${IMAGE}\n    labels:\n      app: api\n",
      rancherCompose: "version: '2'\nservices:\n  api:\n    scale: 3\n    start_on_create: true\n",
    }
    const run = await suite.steps.run(
      'deploy',
      inputs({ service: 'backend/api', image: V1, create: 'true', 'create-spec': JSON.stringify(spec) }),
    )
    expect(run.code, run.stdout).toBe(0)
    expect(await service('api')).toMatchObject({ state: 'active', currentScale: 3, launchConfig: { imageUuid: `docker:${V1}` } })
    const twice = await suite.steps.run(
      'deploy',
      inputs({ service: 'backend/other', image: V1, create: 'true', 'create-spec': JSON.stringify(spec) }),
    )
    expect(errorLines(twice)).toEqual(['rancher: create of "backend/other" failed: name is not unique (NotUnique, HTTP 422) in name'])
  })

  it('finds a service by id and by a name unique in the project; names a missing one', async () => {
    const byId = await suite.steps.run('scale', inputs({ service: (await service()).id, replicas: '3' }))
    expect(byId.code, byId.stdout).toBe(0)
    const byName = await suite.steps.run('scale', inputs({ service: 'web', replicas: '1' }))
    expect(byName.code, byName.stdout).toBe(0)
    expect(await service()).toMatchObject({ scale: 1, currentScale: 1, state: 'active' })
    const missing = await suite.steps.run('scale', inputs({ service: 'shop/nope', replicas: '1' }))
    expect(errorLines(missing)).toEqual(['rancher: scale of "shop/nope" failed: service not found'])
  })

  it('survives 503s on reads, and explains a refused API key', async () => {
    await suite.emulator.control('POST', '/faults', { platform: 'rancher', path: '/services', status: 503, count: 2 })
    const run = await suite.steps.run('deploy', inputs({ service: 'shop/web', image: V2 }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout.match(/HTTP 503; retrying/g)).toHaveLength(2)
    const refused = await suite.steps.run('deploy', inputs({ service: 'shop/web', image: V3, 'secret-key': 'wrong-secret-987' }))
    expect(errorLines(refused)[0]).toMatch(
      /^rancher: describe of "shop\/web" failed: Unauthorized \(Unauthorized, HTTP 401\): the API key was refused/,
    )
  })
})

describe('a release on the load balancer', () => {
  const router = { router: 'shop/lb', blue: 'shop/web', green: 'shop/web-green' }
  let lbId = ''

  async function shares(count = 100): Promise<Record<string, number>> {
    const counts = await measureSplit(`${suite.emulator.url('rancher')}/lb/${lbId}/80/`, count)
    return Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, (n * 100) / count]))
  }

  beforeEach(async () => {
    await suite.emulator.control('POST', '/rancher/services', { stack: 'shop', name: 'web-green', image: V2, scale: 2 })
    const lb = (await suite.emulator.control('POST', '/rancher/load-balancers', {
      stack: 'shop',
      name: 'lb',
      port: 80,
      target: 'web',
    })) as { id: string }
    lbId = lb.id
  })

  /** The load balancer's port rules: where each sends, and its weight when it has one. */
  async function rules(): Promise<{ serviceId: string; weight?: number }[]> {
    const lb = (await service('lb')) as ServiceView & { lbConfig: { portRules: { serviceId: string; weight?: number | null }[] } }
    return lb.lbConfig.portRules.map((rule) => ({
      serviceId: rule.serviceId,
      ...(typeof rule.weight === 'number' && { weight: rule.weight }),
    }))
  }

  it('flips the port rule from blue to green and back, exactly, measured over 100 requests', async () => {
    expect(await shares(200)).toEqual({ web: 100 })
    const flip = await suite.steps.run('traffic', inputs({ ...router, percentage: '100' }))
    expect(flip.code, flip.stdout).toBe(0)
    expect(JSON.parse(flip.outputs.weights ?? '')).toEqual({ blue: 0, green: 100 })
    expect(await shares()).toEqual({ 'web-green': 100 })
    const back = await suite.steps.run('rollback', inputs({ service: 'shop/web', ...router }))
    expect(back.code, back.stdout).toBe(0)
    expect(await shares()).toEqual({ web: 100 })
  })

  it('a canary between on Rancher 1.6.13 and later: both sides behind the rule with weights, no container changes', async () => {
    const canary = await suite.steps.run('traffic', inputs({ ...router, steps: '25' }))
    expect(canary.code, canary.stdout).toBe(0)
    expect(canary.stdout).toContain('now blue 75% / green 25%')
    // each container takes its rule's weight: 2 × 3 against 2 × 1
    expect(await rules()).toEqual([
      { serviceId: (await service('web')).id, weight: 3 },
      { serviceId: (await service('web-green')).id, weight: 1 },
    ])
    expect(await shares()).toEqual({ web: 75, 'web-green': 25 })
    expect(await service('web')).toMatchObject({ scale: 2, currentScale: 2 })
    expect(await service('web-green')).toMatchObject({ scale: 2, currentScale: 2 })
    const promote = await suite.steps.run('traffic', inputs({ ...router, command: 'promote' }))
    expect(promote.code, promote.stdout).toBe(0)
    expect(await rules()).toEqual([{ serviceId: (await service('web-green')).id }])
    expect(await shares(200)).toEqual({ 'web-green': 100 })
  })

  it('a weighted canary starts a stopped green first, with as many containers as blue', async () => {
    const green = await service('web-green')
    await rancherApi('POST', `services/${green.id}?action=deactivate`)
    await until(async () => (await service('web-green')).state === 'inactive')
    const canary = await suite.steps.run('traffic', inputs({ ...router, steps: '25' }))
    expect(canary.code, canary.stdout).toBe(0)
    expect(await service('web-green')).toMatchObject({ state: 'active', scale: 2, currentScale: 2 })
    expect(await rules()).toEqual([
      { serviceId: (await service('web')).id, weight: 3 },
      { serviceId: green.id, weight: 1 },
    ])
    expect(await shares()).toEqual({ web: 75, 'web-green': 25 })
  })

  it('a canary between before Rancher 1.6.13 (no weight in the portRule schema): split by the sides’ containers', async () => {
    await suite.emulator.control('POST', '/rancher/schema', { portRuleWeights: false })
    const canary = await suite.steps.run('traffic', inputs({ ...router, steps: '25,50' }))
    expect(canary.code, canary.stdout).toBe(0)
    expect(canary.stdout).toContain('now blue 75% / green 25%')
    expect(await shares()).toEqual({ web: 50, 'web-green': 50 })
    expect(await rules()).toEqual([{ serviceId: (await service('web')).id }, { serviceId: (await service('web-green')).id }])
    const promote = await suite.steps.run('traffic', inputs({ ...router, command: 'promote' }))
    expect(promote.code, promote.stdout).toBe(0)
    expect(await shares(200)).toEqual({ 'web-green': 100 })
    expect(await service('web-green')).toMatchObject({ scale: 2, currentScale: 2 })
  })

  it('aborts to blue when the candidate fails its gate; green is deactivated after the delay', async () => {
    await suite.emulator.control('POST', '/images', { image: V2, unhealthy: true })
    const green = await service('web-green')
    const run = await suite.steps.run(
      'traffic',
      inputs({
        ...router,
        steps: '25,50',
        'health-url': `${suite.emulator.url('rancher')}/services/${green.id}/`,
        'health-interval': '50ms',
        'health-samples': '3',
        'failure-limit': '1',
        'abort-scale-down-delay': '100ms',
      }),
    )
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/aborted, all traffic back on shop\/web: health gate failed at 25%/)
    expect(await shares(200)).toEqual({ web: 100 })
    expect(await service('web-green')).toMatchObject({ state: 'inactive' })
  })
  it('keeps the release record in its stack’s description: a second release fails while one is in flight, and the user’s text stays', async () => {
    await suite.emulator.control('POST', '/rancher/timing', { batchMs: 40 })
    const lb = (await service('lb')) as ServiceView & { stackId: string }
    const stackPath = `stacks/${lb.stackId}`
    await rancherApi('PUT', stackPath, { description: 'the shop, by the web team' })
    // the first release holds 25% until the second has been refused, then is cancelled: no hold to outlast
    let refused: () => void = () => undefined
    const cancel = new Promise<void>((resolve) => (refused = resolve))
    const first = suite.steps.run('traffic', inputs({ ...router, steps: '25:5m,50', 'release-id': 'org/shop#1' }), { signalWhen: cancel })
    // its claim is on the stack once it holds
    await until(async () => String((await rancherApi('GET', stackPath)).description ?? '').includes('"weight":25'))
    const second = await suite.steps.run(
      'traffic',
      inputs({ ...router, percentage: '100', 'release-id': 'org/shop#2', 'in-flight': 'fail' }),
    )
    refused()
    expect(second.code).toBe(1)
    expect(errorLines(second)[0]).toMatch(
      /release org\/shop#1 is in flight on "shop\/lb" \(progressing, shop\/web-green at 25%.*does not interleave/,
    )
    // cancelled, the first puts all the traffic back on stable; the user's description is kept beside its record
    const done = await first
    expect(done.code, done.stdout).not.toBe(0)
    expect(await shares()).toEqual({ web: 100 })
    const [own, line] = String((await rancherApi('GET', stackPath)).description).split('\n')
    expect(own).toBe('the shop, by the web team')
    expect(JSON.parse(String(line).replace(/^paas-release lb: /, ''))).toMatchObject({ release: 'org/shop#1', phase: 'aborted', weight: 0 })
  })
})

describe('action-scale on Rancher', () => {
  it('scales with PUT scale, and deactivates, activates and restarts', async () => {
    const scale = await suite.steps.run('scale', inputs({ service: 'shop/web', replicas: '4' }))
    expect(scale.code, scale.stdout).toBe(0)
    expect(await service()).toMatchObject({ scale: 4, currentScale: 4, state: 'active' })
    const stop = await suite.steps.run('scale', inputs({ service: 'shop/web', lifecycle: 'stop' }))
    expect(stop.code, stop.stdout).toBe(0)
    expect(await service()).toMatchObject({ state: 'inactive', currentScale: 0 })
    const start = await suite.steps.run('scale', inputs({ service: 'shop/web', lifecycle: 'start' }))
    expect(start.code, start.stdout).toBe(0)
    expect(await service()).toMatchObject({ state: 'active', currentScale: 4 })
    const restart = await suite.steps.run('scale', inputs({ service: 'shop/web', lifecycle: 'restart' }))
    expect(restart.code, restart.stdout).toBe(0)
    expect(restart.outputs['operation-id']).toMatch(/^restart:1s\d+$/)
    const remove = await suite.steps.run('scale', inputs({ service: 'shop/web', lifecycle: 'remove' }))
    expect(remove.code, remove.stdout).toBe(0)
    expect(remove.outputs.replicas).toBe('0')
    const state = (await suite.emulator.control('GET', '/state')) as { rancher: { services: ServiceView[] } }
    expect(state.rancher.services.find((s) => s.name === 'web')?.state).toBe('removed')
    const again = await suite.steps.run('scale', inputs({ service: 'shop/web', lifecycle: 'remove' }))
    expect(again.code, again.stdout).toBe(0)
    expect(again.stdout).toContain('does not exist; nothing to remove')
  })
})

describe('scaling through the webhook service', () => {
  interface Receiver {
    id: string
    name: string
    key: string
  }

  async function receivers(): Promise<Receiver[]> {
    return ((await suite.emulator.control('GET', '/state')) as { rancher: { receivers: Receiver[] } }).rancher.receivers
  }

  function triggerUrl(receiver: Receiver): string {
    return `${suite.emulator.url('rancher')}/v1-webhooks/endpoint?key=${receiver.key}&projectId=1a5`
  }

  it('creates a scaleService receiver, lists it without its URL, scales up through it, and refuses beyond max', async () => {
    const web = await service()
    const create = await suite.steps.run(
      'scale',
      inputs({
        'webhook-create': JSON.stringify({
          name: 'web-up',
          driver: 'scaleService',
          scaleServiceConfig: { serviceId: web.id, action: 'up', amount: 1, min: 1, max: 3 },
        }),
      }),
    )
    expect(create.code, create.stdout).toBe(0)
    const [receiver] = await receivers()
    expect(create.outputs['webhook-id']).toBe(receiver?.id)
    const list = await suite.steps.run('scale', inputs({ 'webhook-list': 'true' }))
    expect(JSON.parse(list.outputs.webhooks ?? '')).toEqual([{ id: receiver?.id, name: 'web-up', driver: 'scaleService', state: 'active' }])
    suite.steps.secrets.add(receiver?.key ?? '')
    const up = await suite.steps.run('scale', inputs({ service: 'shop/web', 'webhook-url': triggerUrl(receiver as Receiver) }))
    expect(up.code, up.stdout).toBe(0)
    expect(up.outputs.replicas).toBe('3')
    expect(await service()).toMatchObject({ scale: 3, currentScale: 3, state: 'active' })
    const beyond = await suite.steps.run('scale', inputs({ service: 'shop/web', 'webhook-url': triggerUrl(receiver as Receiver) }))
    expect(beyond.code).toBe(1)
    expect(errorLines(beyond)).toEqual([
      'rancher: trigger webhook of "receiver" failed: Cannot scale above provided max scale value (HTTP 400): the receiver\'s min or max scale stops it here; change the receiver or scale by hand',
    ])
  })

  it('scales hosts through a scaleHost receiver, and explains a revoked one', async () => {
    await suite.emulator.control('POST', '/rancher/hosts', { count: 1, labels: { pool: 'web' } })
    await suite.steps.run(
      'scale',
      inputs({
        'webhook-create': JSON.stringify({
          name: 'hosts-up',
          driver: 'scaleHost',
          scaleHostConfig: { hostSelector: { pool: 'web' }, action: 'up', amount: 2, min: 1, max: 5, hostTemplateId: '1ht1' },
        }),
      }),
    )
    const [receiver] = await receivers()
    suite.steps.secrets.add(receiver?.key ?? '')
    const run = await suite.steps.run('scale', inputs({ 'webhook-url': triggerUrl(receiver as Receiver) }))
    expect(run.code, run.stdout).toBe(0)
    const hosts = ((await suite.emulator.control('GET', '/state')) as { rancher: { hosts: unknown[] } }).rancher.hosts
    expect(hosts).toHaveLength(3)
    const revoked = await suite.steps.run(
      'scale',
      inputs({ 'webhook-url': `${suite.emulator.url('rancher')}/v1-webhooks/endpoint?key=${'0'.repeat(40)}&projectId=1a5` }),
    )
    expect(errorLines(revoked)[0]).toContain(
      'Requested webhook has been revoked/does not exist (HTTP 403): the receiver was deleted or its key revoked',
    )
  })
})

describe('the emulator’s webhook service, for workflows that test their own receivers', () => {
  it('serviceUpgrade: a registry push with the receiver’s tag upgrades the labelled services and finishes', async () => {
    const worker = 'registry.example.com/team/worker'
    await suite.emulator.control('POST', '/rancher/services', {
      stack: 'shop',
      name: 'worker',
      image: `${worker}:v1`,
      scale: 1,
      labels: { app: 'worker' },
    })
    const create = await suite.steps.run(
      'scale',
      inputs({
        'webhook-create': JSON.stringify({
          name: 'on-push',
          driver: 'serviceUpgrade',
          serviceUpgradeConfig: { serviceSelector: { app: 'worker' }, tag: 'v2' },
        }),
      }),
    )
    expect(create.code, create.stdout).toBe(0)
    const state = (await suite.emulator.control('GET', '/state')) as { rancher: { receivers: { key: string }[] } }
    const url = `${suite.emulator.url('rancher')}/v1-webhooks/endpoint?key=${state.rancher.receivers[0]?.key}&projectId=1a5`
    suite.steps.secrets.add(state.rancher.receivers[0]?.key ?? '')
    const push = (tag: string) =>
      fetch(url, { method: 'POST', body: JSON.stringify({ push_data: { tag }, repository: { repo_name: worker } }) })
    expect((await push('v9')).status).toBe(200)
    expect((await fetch(url, { method: 'POST', body: '{"hello": 1}' })).status).toBe(400)
    expect((await service('worker')).launchConfig.imageUuid).toBe(`docker:${worker}:v1`)
    expect((await push('v2')).status).toBe(200)
    for (let i = 0; i < 50 && (await service('worker')).state !== 'active'; i++) await new Promise((r) => setTimeout(r, 40))
    expect(await service('worker')).toMatchObject({
      state: 'active',
      transitioning: 'no',
      launchConfig: { imageUuid: `docker:${worker}:v2` },
    })
    expect((await service()).launchConfig.imageUuid).toBe(`docker:${V1}`)
  })

  it('validates each driver’s config when a receiver is created', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'a', driver: 'scaleService', scaleServiceConfig: { serviceId: 'nope', action: 'up', amount: 1 } }, 'Invalid serviceId'],
      [
        { name: 'b', driver: 'scaleHost', scaleHostConfig: { hostSelector: { pool: 'x' }, action: 'up', amount: 1, min: 3, max: 2 } },
        'Max must be greater than min',
      ],
      [{ name: 'c', driver: 'serviceUpgrade', serviceUpgradeConfig: { serviceSelector: { app: 'web' } } }, 'tag is required'],
      [{ name: 'd', driver: 'forwardPost', forwardPostConfig: { serviceName: 'web', port: 80 } }, 'path is required'],
    ]
    for (const [receiver, message] of cases) {
      const run = await suite.steps.run('scale', inputs({ 'webhook-create': JSON.stringify(receiver) }))
      expect(run.code).toBe(1)
      expect(errorLines(run)[0]).toContain(message)
    }
  })

  it('forwardPost passes the trigger on to the named service', async () => {
    await suite.steps.run(
      'scale',
      inputs({
        'webhook-create': JSON.stringify({
          name: 'fwd',
          driver: 'forwardPost',
          forwardPostConfig: { serviceName: 'web', port: 8080, path: '/hook' },
        }),
      }),
    )
    const state = (await suite.emulator.control('GET', '/state')) as { rancher: { receivers: { key: string }[] } }
    suite.steps.secrets.add(state.rancher.receivers[0]?.key ?? '')
    const run = await suite.steps.run(
      'scale',
      inputs({
        'webhook-url': `${suite.emulator.url('rancher')}/v1-webhooks/endpoint?key=${state.rancher.receivers[0]?.key}&projectId=1a5`,
      }),
    )
    expect(run.code, run.stdout).toBe(0)
    const after = (await suite.emulator.control('GET', '/state')) as { rancher: { forwarded: { receiver: string; path: string }[] } }
    expect(after.rancher.forwarded).toMatchObject([{ receiver: 'fwd', path: '/hook' }])
  })
})

describe('Rancher inputs', () => {
  it('refuses upgrade inputs on other platforms and bad values, before any call', async () => {
    await suite.emulator.control('DELETE', '/requests')
    const other = await suite.steps.run('deploy', {
      platform: 'jelastic',
      'api-url': suite.emulator.url('jelastic'),
      token: 't0ken-123',
      service: 'x',
      image: V2,
      'batch-size': '2',
    })
    expect(errorLines(other)).toEqual([
      'Input "batch-size" is set on platform "jelastic"; allowed: only on rancher, whose deploys are in-service upgrades.',
    ])
    const bad = await suite.steps.run('deploy', inputs({ service: 'shop/web', image: V2, 'batch-size': '0' }))
    expect(errorLines(bad)).toEqual(['Input "batch-size" has the value "0"; allowed: a whole number from 1 to 100.'])
    const webhookOff = await suite.steps.run('scale', {
      platform: 'alauda',
      'api-url': suite.emulator.url('alauda'),
      token: 't0ken-123',
      project: 'team',
      'webhook-list': 'true',
    })
    expect(errorLines(webhookOff)).toEqual([
      'Input "webhook-list" is set on platform "alauda"; allowed: only on rancher, whose webhook service scales.',
    ])
    const badUrl = await suite.steps.run('scale', inputs({ 'webhook-url': 'ftp://secret-key-in-here' }))
    expect(errorLines(badUrl)).toEqual([
      'Input "webhook-url" is not an http:// or https:// URL (its value is not shown: it holds the receiver key).',
    ])
    const noProject = await suite.steps.run('deploy', inputs({ service: 'shop/web', image: V2, project: '' }))
    expect(errorLines(noProject)).toEqual([
      'Input "project" is required on platform "rancher" (or an "api-url" ending in /v2-beta/projects/<id>) and was not given.',
    ])
    expect(await suite.emulator.requests()).toEqual([])
  })

  it('never shows the secret key or the Basic credentials', () => {
    suite.steps.secrets.add(KEYS['secret-key'])
    suite.steps.secrets.add(Buffer.from(`${KEYS['access-key']}:${KEYS['secret-key']}`).toString('base64'))
    expect(suite.steps.leaks()).toEqual([])
  })
})

async function rancherApi(method: string, path: string, body?: unknown): Promise<{ description?: string | null }> {
  const response = await fetch(`${suite.emulator.url('rancher')}/v2-beta/projects/1a5/${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${KEYS['access-key']}:${KEYS['secret-key']}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  return (await response.json()) as { description?: string | null }
}

async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

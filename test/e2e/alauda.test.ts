import { beforeEach, describe, expect, it } from 'vitest'
import { ALAUDA_TOKEN, ALAUDA_USER, measureSplit } from '../support/emulator.js'
import { until } from '../support/until.js'
import { errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

const suite = emulatorSuite()
const V1 = 'index.alauda.cn/team/shop:v1'
const V2 = 'index.alauda.cn/team/shop:v2'
const V3 = 'index.alauda.cn/team/shop:v3'
const DOMAIN = 'shop.example.cn'

interface ServiceView {
  service_name: string
  image_name: string
  image_tag: string
  target_state: string
  current_status: string
  is_deploying: boolean
  target_num_instances: number
  current_num_instances: number
  scaling_mode: string
  autoscaling_config: string
  instance_size: string
  instance_ports: unknown[]
  instance_envvars: string
  volumes: unknown[]
  region: { name: string }
  custom_domain_name: string
  default_domain_name: string
}

function inputs(extra: Record<string, string>): Record<string, string> {
  return { platform: 'alauda', 'api-url': suite.emulator.url('alauda'), token: ALAUDA_TOKEN, project: 'team', ...extra }
}

async function service(name = 'shop'): Promise<ServiceView> {
  const state = (await suite.emulator.control('GET', '/state')) as { alauda: { services: ServiceView[] } }
  const found = state.alauda.services.find((s) => s.service_name === name)
  if (!found) throw new Error(`no service ${name}`)
  return found
}

async function seed(name: string, image: string, instances: number, extra: Record<string, unknown> = {}): Promise<void> {
  await suite.emulator.control('POST', '/alauda/services', { namespace: 'team', name, image, instances, ...extra })
}

/** The release record a record service keeps in its variable. */
function recordIn(record: ServiceView): Record<string, unknown> {
  return JSON.parse(JSON.parse(record.instance_envvars).PAAS_RELEASE_RECORD)
}

/** Shares by service, in percent, of `count` requests to the shared domain. */
async function shares(count = 100): Promise<Record<string, number>> {
  const counts = await measureSplit(`${suite.emulator.url('alauda')}/domains/${DOMAIN}/`, count)
  return Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, (n * 100) / count]))
}

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.control('POST', '/alauda/timing', { instanceMs: 40 })
  await seed('shop', V1, 2)
})

describe('action-deploy on Alauda', () => {
  it('puts the new tag, waits until every instance runs it, checks health at the default domain', async () => {
    const url = `http://${(await service()).default_domain_name}/`
    const run = await suite.steps.run('deploy', inputs({ service: 'shop', image: V2, 'health-url': url, 'health-interval': '50ms' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ image: V2, 'previous-image': V1, url, 'operation-id': 'deploy:shop:v2' })
    const after = await service()
    expect(after).toMatchObject({ image_tag: 'v2', current_status: 'Running', is_deploying: false, current_num_instances: 2 })
    const puts = (await suite.emulator.requests()).filter((r) => r.method === 'PUT')
    expect(puts.map((r) => r.path)).toEqual(['/v1/services/team/shop/'])
  })

  it('signs in with a user name and password (generate-api-token), and again when the token expires', async () => {
    const login = { token: '', username: ALAUDA_USER.username, password: ALAUDA_USER.password }
    const run = await suite.steps.run('deploy', inputs({ ...login, service: 'shop', image: V2 }))
    expect(run.code, run.stdout).toBe(0)
    const state = (await suite.emulator.control('GET', '/state')) as { alauda: { tokens: string[] } }
    const issued = state.alauda.tokens.filter((t) => t !== ALAUDA_TOKEN)
    expect(issued).toHaveLength(1)
    expect(run.stdout).toContain(`::add-mask::${issued[0]}`)
    // the token dies after the first read: the action asks for a new one and goes on
    await suite.emulator.control('POST', '/faults', {
      platform: 'alauda',
      path: '/services/team/shop',
      status: 401,
      body: { detail: 'Invalid token.' },
      count: 1,
    })
    await suite.emulator.control('POST', '/alauda/expire-tokens')
    const again = await suite.steps.run('deploy', inputs({ ...login, service: 'shop', image: V3 }))
    expect(again.code, again.stdout).toBe(0)
    const wrong = await suite.steps.run('deploy', inputs({ ...login, password: 'not-the-password', service: 'shop', image: V1 }))
    expect(wrong.code).toBe(1)
    expect(errorLines(wrong)[0]).toMatch(
      /^alauda: sign-in of "demo" failed: non_field_errors: Unable to login with provided credentials\. \(HTTP 400\)/,
    )
  })

  it('fails on an image whose instances do not start, shows the log lines of the deploy, and puts the old tag back', async () => {
    await suite.emulator.control('POST', '/images', { image: V3, failing: true })
    const summary = await suite.steps.run('deploy', inputs({ service: 'shop', image: V3 }))
    expect(summary.code).toBe(1)
    const [error = ''] = errorLines(summary)
    expect(error).toMatch(
      /^alauda: deploy of "shop" to .*shop:v3 failed: operation deploy:shop:v3 failed; last state: Error, 2\/2 instance\(s\)/,
    )
    expect(error).toContain(`rolled back to ${V1}`)
    expect(error).toMatch(/\nLast log lines of shop:\n/)
    expect(error).toMatch(/\n\S+Z [0-9a-f]{8}: starting .*shop:v3\n\S+Z [0-9a-f]{8}: panic: open \/etc\/app\/config\.yml/)
    expect(summary.summary).toContain('Log lines of the service')
    expect(summary.summary).toContain('back-off restarting failed container')
    expect(summary.outputs['rolled-back']).toBe('true')
    expect(await service()).toMatchObject({ image_tag: 'v1', current_status: 'Running' })
  })

  it('fails the health check of an unhealthy image, with the error lines it logged, and rolls back', async () => {
    await suite.emulator.control('POST', '/images', { image: V3, unhealthy: true })
    const url = `http://${(await service()).default_domain_name}/`
    const run = await suite.steps.run(
      'deploy',
      inputs({ service: 'shop', image: V3, 'health-url': url, 'health-interval': '50ms', 'health-retries': '2' }),
    )
    expect(run.code).toBe(1)
    const [error = ''] = errorLines(run)
    expect(error).toMatch(/health check of .* failed/)
    expect(error).toContain('ERROR database unreachable: dial tcp 10.0.3.7:5432')
    expect(error).toContain(`rolled back to ${V1}`)
    expect((await service()).image_tag).toBe('v1')
  })

  it('creates a missing service with the source document fields (create-spec) and waits for it', async () => {
    const spec = {
      instance_size: 'S',
      target_num_instances: 2,
      instance_envvars: { PG_HOST: '127.0.0.1', PG_PORT: '5432' },
      instance_ports: [{ container_port: 8080, protocol: 'http', endpoint_type: 'http-endpoint' }],
      volumes: [{ app_volume_dir: '/data1', volume_type: 'EBS', size_gb: 10 }],
      region_name: 'SHANGHAI1',
      custom_domain_name: 'new.example.cn',
    }
    const run = await suite.steps.run(
      'deploy',
      inputs({ service: 'fresh', image: V1, create: 'true', 'create-spec': JSON.stringify(spec) }),
    )
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs['operation-id']).toBe('create:fresh')
    const created = await service('fresh')
    expect(created).toMatchObject({
      instance_size: 'S',
      target_num_instances: 2,
      current_num_instances: 2,
      current_status: 'Running',
      region: { name: 'SHANGHAI1' },
      custom_domain_name: 'new.example.cn',
      instance_ports: spec.instance_ports,
      volumes: spec.volumes,
    })
    // the given variables, and the platform's own domain variable beside them (as Alauda's CLI reads it)
    expect(JSON.parse(created.instance_envvars)).toEqual({ ...spec.instance_envvars, __DEFAULT_DOMAIN_NAME__: expect.any(String) })
    const bad = await suite.steps.run(
      'deploy',
      inputs({ service: 'other', image: V1, create: 'true', 'create-spec': JSON.stringify({ instance_size: 'XXL' }) }),
    )
    expect(bad.code).toBe(1)
    expect(errorLines(bad)).toEqual([
      'alauda: create of "other" failed: instance_size: "XXL" is not a valid choice: XS, S, M, L, XL. (HTTP 400)',
    ])
  })

  it('names the service and the namespace when the service does not exist', async () => {
    const run = await suite.steps.run('deploy', inputs({ service: 'nowhere', image: V2 }))
    expect(run.code).toBe(1)
    expect(errorLines(run)).toEqual(['alauda: deploy of "nowhere" failed: service not found'])
  })

  it('survives 503s and dropped connections on reads, and explains a refused token', async () => {
    await suite.emulator.control('POST', '/faults', { platform: 'alauda', path: '/services/team/shop', status: 503, count: 2 })
    await suite.emulator.control('POST', '/faults', { platform: 'alauda', path: '/services/team/shop', drop: true, count: 1 })
    const run = await suite.steps.run('deploy', inputs({ service: 'shop', image: V2 }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout.match(/HTTP 503; retrying/g)).toHaveLength(2)
    const refused = await suite.steps.run('deploy', inputs({ service: 'shop', image: V2, token: 'expired-token-xyz' }))
    expect(refused.code).toBe(1)
    expect(errorLines(refused)).toEqual([
      'alauda: describe of "shop" failed: Invalid token. (HTTP 401): the token was refused: give a valid "token", or "username" and "password"',
    ])
  })
})

describe('action-scale on Alauda', () => {
  it('scales to no instance and back: done once none runs, not at the deadline', async () => {
    const none = await suite.steps.run('scale', inputs({ service: 'shop', replicas: '0', timeout: '20s' }))
    expect(none.code, none.stdout).toBe(0)
    expect(none.outputs.replicas).toBe('0')
    expect(await service()).toMatchObject({ target_num_instances: 0, current_num_instances: 0 })
    const back = await suite.steps.run('scale', inputs({ service: 'shop', replicas: '2' }))
    expect(back.code, back.stdout).toBe(0)
    expect(await service()).toMatchObject({ target_num_instances: 2, current_num_instances: 2 })
  })

  it('sets target_num_instances, then hands scaling to the platform and takes it back', async () => {
    const fixed = await suite.steps.run('scale', inputs({ service: 'shop', replicas: '4' }))
    expect(fixed.code, fixed.stdout).toBe(0)
    expect(fixed.outputs).toMatchObject({ replicas: '4', autoscaling: 'off' })
    expect(await service()).toMatchObject({ target_num_instances: 4, current_num_instances: 4, current_status: 'Running' })

    const auto = await suite.steps.run(
      'scale',
      inputs({
        service: 'shop',
        autoscaling: 'on',
        'min-replicas': '2',
        'max-replicas': '3',
        'scale-up-cpu': '70',
        'scale-cooldown': '1m',
      }),
    )
    expect(auto.code, auto.stdout).toBe(0)
    expect(auto.outputs).toMatchObject({ autoscaling: '2-3', replicas: '3' })
    const scaled = await service()
    expect(scaled.scaling_mode).toBe('AUTO')
    expect(JSON.parse(scaled.autoscaling_config)).toEqual({
      metric_name: 'CPU_UTILIZATION',
      metric_stat: 'MEAN',
      upper_threshold: '0.7',
      lower_threshold: '0.1',
      increase_delta: '1',
      decrease_delta: '1',
      minimum_num_instances: '2',
      maximum_num_instances: '3',
      wait_period: '60',
    })
    expect(scaled.current_num_instances).toBe(3)

    const refused = await suite.steps.run('scale', inputs({ service: 'shop', replicas: '5' }))
    expect(refused.code).toBe(1)
    expect(errorLines(refused)[0]).toContain('the service is autoscaled (2-3 instances): give "autoscaling: off" with "replicas"')

    const off = await suite.steps.run('scale', inputs({ service: 'shop', autoscaling: 'off', replicas: '1' }))
    expect(off.code, off.stdout).toBe(0)
    expect(off.outputs).toMatchObject({ autoscaling: 'off', replicas: '1' })
    expect(await service()).toMatchObject({ scaling_mode: 'MANUAL', target_num_instances: 1, current_num_instances: 1 })
  })

  it('stops and starts the service (PUT …/stop/, …/start/), has no restart, and removes it (DELETE)', async () => {
    const stop = await suite.steps.run('scale', inputs({ service: 'shop', lifecycle: 'stop' }))
    expect(stop.code, stop.stdout).toBe(0)
    expect(await service()).toMatchObject({ target_state: 'STOPPED', current_num_instances: 0, current_status: 'Stopped' })
    const again = await suite.steps.run('scale', inputs({ service: 'shop', lifecycle: 'stop' }))
    expect(again.outputs['operation-id']).toBe('')
    const start = await suite.steps.run('scale', inputs({ service: 'shop', lifecycle: 'start' }))
    expect(start.code, start.stdout).toBe(0)
    expect(start.outputs).toMatchObject({ 'operation-id': 'start:shop', replicas: '2' })
    expect(await service()).toMatchObject({ target_state: 'STARTED', current_num_instances: 2, current_status: 'Running' })
    const restart = await suite.steps.run('scale', inputs({ service: 'shop', lifecycle: 'restart' }))
    expect(errorLines(restart)).toEqual(['alauda: restart of "shop" failed: Alauda has no restart: stop the service, then start it'])
    const remove = await suite.steps.run('scale', inputs({ service: 'shop', lifecycle: 'remove' }))
    expect(remove.code, remove.stdout).toBe(0)
    expect(((await suite.emulator.control('GET', '/state')) as { alauda: { services: unknown[] } }).alauda.services).toEqual([])
    const both = await suite.steps.run('scale', inputs({ service: 'shop', lifecycle: 'stop', replicas: '2' }))
    expect(errorLines(both)).toEqual(['Inputs "lifecycle" and "replicas" are both set; allowed: one of them.'])
  })

  it('refuses autoscaling inputs that do not fit, before any call', async () => {
    await suite.emulator.control('DELETE', '/requests')
    const cases: [Record<string, string>, string][] = [
      [{ autoscaling: 'on', 'max-replicas': '3' }, 'Input "min-replicas" is required with "autoscaling: on" and was not given.'],
      [
        { autoscaling: 'on', 'min-replicas': '4', 'max-replicas': '3' },
        'Input "max-replicas" has the value 3; allowed: at least "min-replicas" (4).',
      ],
      [
        { autoscaling: 'on', 'min-replicas': '1', 'max-replicas': '3', replicas: '2' },
        'Input "replicas" cannot be given with "autoscaling: on"',
      ],
      [{ 'min-replicas': '1' }, 'Input "min-replicas" applies only with "autoscaling: on"; "autoscaling" is not given.'],
      [{ autoscaling: 'maybe' }, 'Input "autoscaling" has the value "maybe"; allowed: on, off.'],
    ]
    for (const [extra, message] of cases) {
      const run = await suite.steps.run('scale', inputs({ service: 'shop', ...extra }))
      expect(run.code).toBe(1)
      expect(errorLines(run)[0]).toContain(message)
    }
    const jelastic = await suite.steps.run('scale', {
      platform: 'jelastic',
      'api-url': suite.emulator.url('jelastic'),
      token: 'jelastic-demo-token-0123456789',
      service: 'shop',
      autoscaling: 'on',
      'min-replicas': '1',
      'max-replicas': '2',
    })
    expect(errorLines(jelastic)).toEqual([
      'jelastic: autoscaling of "shop" failed: jelastic has no autoscaling in this version: give "replicas" without "autoscaling"',
    ])
    expect(await suite.emulator.requests()).toEqual([])
  })
})

describe('a replica-ratio split on one domain', () => {
  beforeEach(async () => {
    await seed('shop-blue', V1, 4, { domain: DOMAIN })
    await seed('shop-green', V2, 4, { domain: DOMAIN, stopped: true })
  })
  const router = { router: DOMAIN, blue: 'shop-blue', green: 'shop-green' }

  it('moves instances from blue to green at each step, measured over 100 requests, and promotes', async () => {
    expect(await shares(200)).toEqual({ 'shop-blue': 100 })
    const canary = await suite.steps.run('traffic', inputs({ ...router, steps: '10,50' }))
    expect(canary.code, canary.stdout).toBe(0)
    expect(canary.stdout).toContain('the split can only be 0, 25, 50, 75, 100%; steps 10%, 50% become 25%, 50%')
    expect(canary.outputs).toMatchObject({ phase: 'paused', weight: '50' })
    expect(await shares()).toEqual({ 'shop-blue': 50, 'shop-green': 50 })
    expect(await service('shop-green')).toMatchObject({ target_state: 'STARTED', target_num_instances: 2, current_num_instances: 2 })

    const at75 = await suite.steps.run('traffic', inputs({ ...router, percentage: '70' }))
    expect(at75.code, at75.stdout).toBe(0)
    expect(JSON.parse(at75.outputs.weights ?? '')).toEqual({ blue: 25, green: 75 })
    const measured = await shares()
    expect(Math.abs((measured['shop-green'] ?? 0) - 75)).toBeLessThanOrEqual(1)

    const promote = await suite.steps.run('traffic', inputs({ ...router, command: 'promote' }))
    expect(promote.code, promote.stdout).toBe(0)
    expect(await shares(200)).toEqual({ 'shop-green': 100 })
    expect(await service('shop-blue')).toMatchObject({ target_state: 'STOPPED', current_num_instances: 0 })
    expect(await service('shop-green')).toMatchObject({ target_num_instances: 4, current_num_instances: 4 })

    const back = await suite.steps.run('rollback', inputs({ service: 'shop-green', ...router, reason: 'checkout errors' }))
    expect(back.code, back.stdout).toBe(0)
    expect(JSON.parse(back.outputs.weights ?? '')).toEqual({ blue: 100, green: 0 })
    expect(await shares(200)).toEqual({ 'shop-blue': 100 })
    expect(await service('shop-blue')).toMatchObject({ target_state: 'STARTED', current_num_instances: 4 })
  })

  it('rolls a canary paused at 25% back to the side that served before it, which its record names', async () => {
    const canary = await suite.steps.run('traffic', inputs({ ...router, steps: '25' }))
    expect(canary.outputs).toMatchObject({ phase: 'paused', weight: '25' })
    const back = await suite.steps.run('rollback', inputs({ service: 'shop-green', ...router }))
    expect(back.code, back.stdout).toBe(0)
    expect(back.stdout).toContain('the last release (')
    expect(JSON.parse(back.outputs.weights ?? '')).toEqual({ blue: 100, green: 0 })
    expect(await shares(200)).toEqual({ 'shop-blue': 100 })
    expect(await service('shop-blue')).toMatchObject({ target_state: 'STARTED', current_num_instances: 4 })
    // the release ended with the rollback: its record service stays, in that phase
    const state = (await suite.emulator.control('GET', '/state')) as { alauda: { services: ServiceView[] } }
    const records = state.alauda.services.filter((s) => s.service_name.startsWith('paas-release-'))
    expect(records.map(recordIn)).toEqual([expect.objectContaining({ stable: 'shop-blue', phase: 'rolled-back' })])
    // a second rollback reads it: all traffic already on the side that served before, nothing written
    await suite.emulator.control('DELETE', '/requests')
    const again = await suite.steps.run('rollback', inputs({ service: 'shop-green', ...router }))
    expect(again.code, again.stdout).toBe(0)
    expect((await suite.emulator.requests()).filter((request) => request.method !== 'GET')).toEqual([])
    expect(await shares(200)).toEqual({ 'shop-blue': 100 })
    expect(await service('shop-green')).toMatchObject({ target_state: 'STOPPED' })
  })

  /** A canary to 25%, 50% whose green turns unhealthy: the gate fails at 25% and the release aborts. */
  async function abortAtFailedGate() {
    await suite.emulator.control('POST', '/images', { image: V2, unhealthy: true })
    const url = `http://${(await service('shop-green')).default_domain_name}/`
    return suite.steps.run(
      'traffic',
      inputs({ ...router, steps: '25,50', 'health-url': url, 'health-interval': '50ms', 'health-samples': '3', 'failure-limit': '1' }),
    )
  }

  it('after an abort, a rollback keeps the traffic where the record says it served before: the aborted candidate is not started', async () => {
    const run = await abortAtFailedGate()
    expect(run.code).toBe(1)
    const back = await suite.steps.run('rollback', inputs({ service: 'shop-green', ...router }))
    expect(back.code, back.stdout).toBe(0)
    expect(back.stdout).toContain('came from shop-blue')
    expect(await shares(200)).toEqual({ 'shop-blue': 100 })
    expect(await service('shop-green')).toMatchObject({ target_state: 'STOPPED', current_num_instances: 0 })
  })

  it('aborts at a failed gate: green stopped again, blue back to every instance', async () => {
    const run = await abortAtFailedGate()
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/release on "shop\.example\.cn" aborted, all traffic back on shop-blue: health gate failed at 25%/)
    expect(await shares(200)).toEqual({ 'shop-blue': 100 })
    expect(await service('shop-green')).toMatchObject({ target_state: 'STOPPED', current_num_instances: 0 })
    expect(await service('shop-blue')).toMatchObject({ current_num_instances: 4 })
  })

  it('never takes instances from blue when green does not start', async () => {
    await suite.emulator.control('POST', '/images', { image: V2, failing: true })
    const run = await suite.steps.run('traffic', inputs({ ...router, percentage: '50' }))
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/shop-green: Error/)
    expect(await service('shop-blue')).toMatchObject({ target_num_instances: 4, current_num_instances: 4 })
  })

  it('keeps the claim in a stopped service of its own while the release runs, and its last phase after', async () => {
    // the create's answer is lost after it landed: the claim is settled by reading it, never sent twice
    await suite.emulator.control('POST', '/faults', {
      platform: 'alauda',
      path: '/services/team/',
      method: 'POST',
      when: 'after',
      drop: true,
      count: 1,
    })
    const running = suite.steps.run('traffic', inputs({ ...router, steps: '50:8s,100', 'release-id': 'org/shop#3' }))
    const records = async () => {
      const state = (await suite.emulator.control('GET', '/state')) as { alauda: { services: ServiceView[] } }
      return state.alauda.services.filter((s) => s.service_name.startsWith('paas-release-'))
    }
    // the record as first seen (read once: a second read could come after the release ended)
    let record: ServiceView | undefined
    await until(async () => {
      ;[record] = await records()
      return record !== undefined
    })
    expect(record).toMatchObject({
      target_state: 'STOPPED',
      current_num_instances: 0,
      image_name: 'index.alauda.cn/team/shop',
      image_tag: 'v1',
    })
    expect(record?.custom_domain_name).toBe('')
    expect(record && recordIn(record)).toMatchObject({
      release: 'org/shop#3',
      stable: 'shop-blue',
      candidate: 'shop-green',
      phase: 'progressing',
    })
    const run = await running
    expect(run.code, run.stdout).toBe(0)
    // the release ended: its record stays, in its last phase, and claims nothing
    expect((await records()).map(recordIn)).toEqual([expect.objectContaining({ release: 'org/shop#3', phase: 'promoted' })])
    const creates = (await suite.emulator.requestLog()).filter((entry) => entry.method === 'POST' && entry.path.endsWith('/services/team/'))
    // the claim once (its answer lost), then the record of the release's end
    expect(creates.length).toBe(2)
    expect(creates[0]?.fault, 'the lost answer struck the create').toBeTruthy()
    expect(await shares(200)).toEqual({ 'shop-green': 100 })
  })

  it('refuses services on other domains and shares the instances cannot make', async () => {
    await seed('elsewhere', V1, 1, { domain: 'other.example.cn' })
    const stray = await suite.steps.run('traffic', inputs({ ...router, green: 'elsewhere', percentage: '50' }))
    expect(stray.code).toBe(1)
    expect(errorLines(stray)[0]).toContain(
      'a replica split needs both services on the router\'s domain (custom_domain_name "shop.example.cn"): elsewhere serves "other.example.cn"',
    )
    await seed('tiny-blue', V1, 1, { domain: 'tiny.example.cn' })
    await seed('tiny-green', V2, 1, { domain: 'tiny.example.cn', stopped: true })
    const tiny = await suite.steps.run(
      'traffic',
      inputs({ router: 'tiny.example.cn', blue: 'tiny-blue', green: 'tiny-green', percentage: '50' }),
    )
    expect(tiny.code).toBe(1)
    expect(errorLines(tiny)[0]).toContain('50% cannot be reached: the split can only be 0, 100% (add instances for finer steps)')
    expect(await service('tiny-green')).toMatchObject({ target_state: 'STOPPED' })
  })
})

describe('secrets', () => {
  it('never shows a token or password in any output, log or summary', () => {
    expect(suite.steps.leaks()).toEqual([])
  })
})

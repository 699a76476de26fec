import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ALAUDA_TOKEN, JELASTIC_TOKEN } from '../support/emulator.js'
import { FakeGitHub } from '../support/github-server.js'
import { type ActionRun, ROOT } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

/**
 * Every output an action.yml declares is one the action really sets: each action is run through
 * the runs that between them reach every output (a success, a failure, the commands that only
 * some outputs belong to), and the outputs they set, together, are exactly what action.yml
 * declares. (That a run sets nothing undeclared is checked on every e2e run, by runAction.)
 */

const suite = emulatorSuite()
let github: FakeGitHub
const V1 = 'registry.example.com/shop:v1'
const V2 = 'registry.example.com/shop:v2'
const RANCHER_KEYS = { 'access-key': 'rancher-demo-access', 'secret-key': 'rancher-demo-secret-0123' }

beforeAll(async () => {
  github = await FakeGitHub.start()
  suite.steps.secrets.add(github.token)
})
afterAll(() => github.close())

function declaredOutputs(folder: string): string[] {
  const yml = parse(readFileSync(join(ROOT, folder, 'action.yml'), 'utf8')) as { outputs?: Record<string, unknown> }
  return Object.keys(yml.outputs ?? {}).sort()
}

/** The names of the outputs the runs set, all together (an output set to '' is set). */
function setBy(runs: ActionRun[]): string[] {
  return [...new Set(runs.flatMap((run) => Object.keys(run.outputs)))].sort()
}

const jelastic = (extra: Record<string, string>) => ({
  platform: 'jelastic',
  'api-url': suite.emulator.url('jelastic'),
  token: JELASTIC_TOKEN,
  ...extra,
})
const alauda = (extra: Record<string, string>) => ({
  platform: 'alauda',
  'api-url': suite.emulator.url('alauda'),
  token: ALAUDA_TOKEN,
  project: 'team',
  ...extra,
})
const rancher = (extra: Record<string, string>) => ({
  platform: 'rancher',
  'api-url': suite.emulator.url('rancher'),
  ...RANCHER_KEYS,
  project: '1a5',
  ...extra,
})

async function reset(): Promise<void> {
  github.reset()
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.control('POST', '/alauda/timing', { instanceMs: 30 })
  await suite.emulator.control('POST', '/rancher/timing', { batchMs: 40 })
}

describe('every declared output is set by some run', () => {
  it('action-deploy: a deploy recorded as a GitHub deployment, and one that fails and rolls back', async () => {
    await reset()
    await suite.emulator.jelasticEnv('green', V1)
    const ok = await suite.steps.run('deploy', jelastic({ service: 'green', image: V2, 'github-token': github.token }), {
      env: github.env(),
    })
    expect(ok.code, ok.stdout).toBe(0)
    await suite.emulator.markImage('registry.example.com/shop:v3', { unhealthy: true })
    const failed = await suite.steps.run(
      'deploy',
      jelastic({
        service: 'green',
        image: 'registry.example.com/shop:v3',
        'health-url': `${suite.emulator.url('jelastic')}/env/green/`,
        'health-interval': '20ms',
      }),
    )
    expect(failed.code, failed.stdout).toBe(1)
    expect(failed.outputs['rolled-back']).toBe('true')
    expect(setBy([ok, failed])).toEqual(declaredOutputs('action-deploy'))
  })

  it('action-scale: replicas, autoscaling, and the webhook receivers', async () => {
    await reset()
    await suite.emulator.jelasticEnv('green', V1, 1)
    await suite.emulator.control('POST', '/alauda/services', { namespace: 'team', name: 'shop', image: V1, instances: 1 })
    await suite.emulator.control('POST', '/rancher/services', { stack: 'shop', name: 'web', image: V1, scale: 2 })
    const runs = [
      await suite.steps.run('scale', jelastic({ service: 'green', replicas: '2' })),
      await suite.steps.run('scale', alauda({ service: 'shop', autoscaling: 'on', 'min-replicas': '1', 'max-replicas': '3' })),
      await suite.steps.run('scale', rancher({ service: 'shop/web', lifecycle: 'restart' })),
      await suite.steps.run(
        'scale',
        rancher({
          'webhook-create': JSON.stringify({
            name: 'web-up',
            driver: 'scaleService',
            scaleServiceConfig: { action: 'up', amount: 1, min: 1, max: 3, serviceId: await rancherServiceId('web') },
          }),
        }),
      ),
      await suite.steps.run('scale', rancher({ 'webhook-list': 'true' })),
    ]
    for (const run of runs) expect(run.code, run.stdout).toBe(0)
    expect(setBy(runs)).toEqual(declaredOutputs('action-scale'))
  })

  it('action-traffic: a release step, and one whose gate fails and aborts', async () => {
    await reset()
    await suite.emulator.jelasticEnv('blue', V1, 1)
    await suite.emulator.jelasticEnv('green', V2, 1)
    await suite.emulator.markImage(V2, { unhealthy: true })
    const router = { router: 'shop', blue: 'blue', green: 'green' }
    const step = await suite.steps.run('traffic', jelastic({ ...router, percentage: '10' }))
    expect(step.code, step.stdout).toBe(0)
    const gated = await suite.steps.run(
      'traffic',
      jelastic({
        ...router,
        percentage: '50',
        'health-url': `${suite.emulator.url('jelastic')}/env/green/`,
        'health-interval': '20ms',
        'abort-scale-down-delay': '1s',
      }),
    )
    expect(gated.code, gated.stdout).toBe(1)
    expect(gated.outputs).toMatchObject({ phase: 'aborted', verdict: 'failed' })
    expect(setBy([step, gated])).toEqual(declaredOutputs('action-traffic'))
  })

  it('action-rollback: back to the side that served before, recorded as a GitHub deployment', async () => {
    await reset()
    await suite.emulator.jelasticEnv('blue', V1, 1)
    await suite.emulator.jelasticEnv('green', V2, 1)
    const router = { router: 'shop', blue: 'blue', green: 'green' }
    expect((await suite.steps.run('traffic', jelastic({ ...router, percentage: '100' }))).code).toBe(0)
    const back = await suite.steps.run('rollback', jelastic({ ...router, service: 'green', 'github-token': github.token }), {
      env: github.env(),
    })
    expect(back.code, back.stdout).toBe(0)
    expect(setBy([back])).toEqual(declaredOutputs('action-rollback'))
  })

  it('action-preview: up with a comment and a deployment, an up that updates it, and a sweep', async () => {
    await reset()
    const preview = (extra: Record<string, string>) =>
      alauda({ 'service-template': 'shop-pr-{pr}', pr: '7', 'github-token': github.token, ...extra })
    const spec = JSON.stringify({ instance_size: 'XS', target_num_instances: 1 })
    const up = await suite.steps.run('preview', preview({ command: 'up', image: V1, 'create-spec': spec }), { env: github.env() })
    const again = await suite.steps.run('preview', preview({ command: 'up', image: V2 }), { env: github.env() })
    const sweep = await suite.steps.run('preview', preview({ command: 'sweep', pr: '' }), { env: github.env() })
    for (const run of [up, again, sweep]) expect(run.code, run.stdout).toBe(0)
    expect(setBy([up, again, sweep])).toEqual(declaredOutputs('action-preview'))
  })
})

async function rancherServiceId(name: string): Promise<string> {
  const state = (await suite.emulator.control('GET', '/state')) as { rancher: { services: { id: string; name: string }[] } }
  const found = state.rancher.services.find((service) => service.name === name)
  if (!found) throw new Error(`no Rancher service ${name}`)
  return found.id
}

describe('secrets', () => {
  it('no run shows a credential', () => {
    expect(suite.steps.leaks()).toEqual([])
  })
})

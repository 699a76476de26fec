import { beforeEach, describe, expect, it } from 'vitest'
import { ALAUDA_TOKEN, JELASTIC_TOKEN, measureSplit } from '../support/emulator.js'
import { type LocalActionRun, runLocalAction as runThroughLocalAction } from '../support/local-action.js'
import { alaudaPreviewInputs } from '../support/preview-setup.js'
import { runAction } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'
import { until } from '../support/until.js'

/**
 * Every action run the way a developer debugs one: through GitHub's `@github/local-action`, which
 * imports the action's TypeScript entry (`main.ts`, and `post.ts` for the post step), calls its
 * exported run() with its own stand-in for @actions/core, and exits non-zero only when the action
 * set a failing exit code. Against the emulator.
 */

const V1 = 'registry.example.com/shop:v1'
const V2 = 'registry.example.com/shop:v2'
const suite = emulatorSuite()
const runs: LocalActionRun[] = []

/** Runs an action through local-action and keeps the run for the final scan for secrets. */
async function runLocalAction(...args: Parameters<typeof runThroughLocalAction>): Promise<LocalActionRun> {
  const run = await runThroughLocalAction(...args)
  runs.push(run)
  return run
}

function jelastic(extra: Record<string, string>): Record<string, string> {
  return { platform: 'jelastic', 'api-url': suite.emulator.url('jelastic'), token: JELASTIC_TOKEN, ...extra }
}

/** What the service's app answers at its URL: the image it runs. */
async function servedImage(url: string): Promise<string> {
  return ((await (await fetch(url)).json()) as { image: string }).image
}

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
})

describe('action-deploy through local-action', () => {
  beforeEach(() => suite.emulator.jelasticEnv('green', V1))

  it('deploys: its outputs, its summary, the service runs the new image, and it exits 0', async () => {
    const run = await runLocalAction('action-deploy', jelastic({ service: 'green', image: V2 }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ image: V2, 'previous-image': V1, 'rolled-back': 'false' })
    expect(run.summary).toContain(`<h3>Deployed ${V2} to green</h3>`)
    expect(run.summary).toContain(`<tr><td>Previous image</td><td>${V1}</td></tr>`)
    expect(await servedImage(run.outputs.url ?? '')).toBe(V2)
  })

  it('a failed deploy is a failed run: exit code 1, the reason as an error, first in the summary', async () => {
    await suite.emulator.markImage(V2, { unhealthy: true })
    const health = `${suite.emulator.url('jelastic')}/env/green/`
    const run = await runLocalAction(
      'action-deploy',
      jelastic({ service: 'green', image: V2, 'health-url': health, 'health-interval': '20ms' }),
    )
    expect(run.code, run.stdout).toBe(1)
    expect(run.mainLog).toMatch(/^::error::.*health/m)
    expect(run.outputs).toMatchObject({ image: V1, 'rolled-back': 'true' })
    expect(run.summary).toMatch(/^<h3>[^<]*<\/h3>\n<p><strong>Failed:<\/strong>/)
    expect(await servedImage(health)).toBe(V1)
  })

  it('a bad input is a failed run too, before any call to the platform', async () => {
    await suite.emulator.control('DELETE', '/requests')
    const run = await runLocalAction('action-deploy', jelastic({ service: 'green', image: 'not an image' }))
    expect(run.code, run.stdout).toBe(1)
    expect(run.mainLog).toMatch(/^::error::Input "image" has the value "not an image"/m)
    expect(await suite.emulator.requests()).toEqual([])
  })
})

describe('action-scale through local-action', () => {
  it('scales the node group and says so', async () => {
    await suite.emulator.jelasticEnv('green', V1, 1)
    const run = await runLocalAction('action-scale', jelastic({ service: 'green', replicas: '3' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.replicas).toBe('3')
    expect(run.summary).toContain('<h3>Scaled green to 3')
  })
})

describe('action-traffic and its post step through local-action', () => {
  beforeEach(async () => {
    await suite.emulator.jelasticEnv('blue', V1)
    await suite.emulator.jelasticEnv('green', V2)
  })
  const release = () => jelastic({ router: 'shop', blue: 'blue', green: 'green', percentage: '10' })
  const greenShare = async () => ((await measureSplit(`${suite.emulator.url('jelastic')}/env/shop/`, 200)).green ?? 0) / 2

  it('shifts 10% to green; the post step after a release that ended does nothing', async () => {
    const run = await runLocalAction('action-traffic', release(), { post: 'post.ts' })
    expect(run.code, run.stdout).toBe(0)
    expect(JSON.parse(run.outputs.weights ?? '')).toEqual({ blue: 90, green: 10 })
    expect(run.outputs).toMatchObject({ phase: 'paused', verdict: 'passed' })
    expect(run.summary).toContain('blue 90% / green 10% (round-robin)')
    // what the runner would hand the post step: the release's end, not "in flight"
    expect(run.state.release).toBe('paused')
    expect(run.postLog.trim()).toBe('')
    expect(Math.abs((await greenShare()) - 10)).toBeLessThanOrEqual(8)
  })

  it('the post step puts all traffic back on blue when the main step left the release in flight', async () => {
    // a release killed at 10% (the bundle, as the runner runs it) leaves its record in flight
    const inFlight = { ...release(), percentage: '', steps: '10:5m,100', 'release-id': 'org/shop#5' }
    const atTen = until(async () => (await greenShare()) === 10)
    const killed = await runAction('traffic', inFlight, { signalWhen: atTen, signal: 'SIGKILL' })
    expect(killed.state.release).toBe('in-flight')
    // local-action does not pass what the main step saved to the post step, as the runner does
    // (STATE_release): it is given here as the runner gives it after a main step that was killed;
    // the main step here only reads (status), the post step undoes the release in flight
    const run = await runLocalAction(
      'action-traffic',
      { ...inFlight, command: 'status' },
      {
        post: 'post.ts',
        env: { STATE_release: 'in-flight' },
      },
    )
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.phase).toBe('split')
    expect(JSON.parse(run.postOutputs.weights ?? '')).toEqual({ blue: 100, green: 0 })
    expect(run.postOutputs.phase).toBe('aborted')
    expect(run.postOutputs.reason).toMatch(/^the main step was killed with the release in flight/)
    expect(run.summary).toContain('the post step put all traffic back on stable')
    expect(await greenShare()).toBe(0)
  })
})

describe('action-rollback through local-action', () => {
  it('returns the service to the image it names', async () => {
    await suite.emulator.jelasticEnv('green', V2)
    const run = await runLocalAction('action-rollback', jelastic({ service: 'green', to: V1 }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.image).toBe(V1)
    expect(run.summary).toContain(V1)
    expect(await servedImage(`${suite.emulator.url('jelastic')}/env/green/`)).toBe(V1)
  })
})

describe('action-preview through local-action', () => {
  const alauda = (extra: Record<string, string>) => alaudaPreviewInputs(suite.emulator.url('alauda'), { pr: '7', ...extra })
  // instances that start and stop in 30 ms, not in the emulator's lifelike seconds
  beforeEach(() => suite.emulator.control('POST', '/alauda/timing', { instanceMs: 30 }))

  it('up creates the pull request preview and serves its image; down removes it', async () => {
    const spec = JSON.stringify({ instance_size: 'XS', target_num_instances: 1 })
    const up = await runLocalAction('action-preview', alauda({ command: 'up', image: V1, 'create-spec': spec }))
    expect(up.code, up.stdout).toBe(0)
    expect(up.outputs).toMatchObject({ service: 'shop-pr-7', image: V1 })
    expect(up.summary).toContain('shop-pr-7')
    expect(await servedImage(up.outputs.url ?? '')).toBe(V1)

    const down = await runLocalAction('action-preview', alauda({ command: 'down' }))
    expect(down.code, down.stdout).toBe(0)
    const state = (await suite.emulator.control('GET', '/state')) as { alauda: { services: { service_name: string }[] } }
    expect(state.alauda.services.map((service) => service.service_name)).not.toContain('shop-pr-7')
  })
})

describe('secrets', () => {
  it('no run shows a token, other than in the ::add-mask:: command (local-action does not mask its log)', () => {
    const shown = runs
      .flatMap((run) => [...run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::')), run.summary])
      .join('\n')
    expect(runs.length).toBeGreaterThan(0)
    for (const token of [JELASTIC_TOKEN, ALAUDA_TOKEN]) expect(shown).not.toContain(token)
  })
})

import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ALAUDA_TOKEN, EmulatorProcess, JELASTIC_TOKEN, measureSplit } from '../support/emulator.js'
import { ROOT } from '../support/runner.js'
import { FakeGitHub } from '../support/github-server.js'
import { parseOnly, runWorkflow } from '../support/workflow-runner.js'

let emulator: EmulatorProcess

beforeAll(async () => {
  emulator = await EmulatorProcess.start()
})

afterAll(async () => {
  await emulator.stop()
})

beforeEach(async () => {
  await emulator.control('POST', '/reset')
  await emulator.jelasticEnv('shop-blue', 'registry.example.com/shop:v1', 2)
  await emulator.jelasticEnv('shop-green', 'registry.example.com/shop:v1', 2)
})

/** What the users of the service get: the share each side answers, over 200 requests. */
async function split(): Promise<Record<string, number>> {
  const counts = await measureSplit(`${emulator.url('jelastic')}/env/shop/`, 200)
  return Object.fromEntries(Object.entries(counts).map(([side, n]) => [side, (n * 100) / 200]))
}

function context(vars: Record<string, string> = {}) {
  const apps = `${emulator.url('jelastic')}/env`
  return {
    vars: {
      PAAS_API_URL: emulator.url('jelastic'),
      ROUTER_HEALTH_URL: `${apps}/shop/health`,
      SIDE_HEALTH_URL: `${apps}/{0}/health`,
      CANARY_STEPS: '10:300ms,50:1s,100',
      GATE_INTERVAL: '100ms',
      SWITCH_STEPS: '100:300ms',
      ABORT_SCALE_DOWN_DELAY: '200ms',
      ...vars,
    },
    secrets: { PAAS_TOKEN: JELASTIC_TOKEN },
  }
}

describe('examples/canary.yml', () => {
  it('a good release ends with all traffic on the candidate', async () => {
    const jobs = await runWorkflow(join(ROOT, 'examples/canary.yml'), context())
    const job = jobs.canary
    expect(job?.result, JSON.stringify(job?.steps.map((s) => [s.name, s.outcome, s.run?.stdout.slice(-600)]))).toBe('success')
    expect(job?.steps.find((s) => s.id === 'canary')?.outputs).toMatchObject({ phase: 'promoted', candidate: 'shop-green' })
    expect(job?.steps.at(-1)?.log).toContain('canary promoted at 100%')
    expect(await split()).toEqual({ 'shop-green': 100 })
  })

  it('a candidate that turns unhealthy at 50% ends with all traffic on stable, the job failed, the reason in the summary', async () => {
    const running = runWorkflow(join(ROOT, 'examples/canary.yml'), context({ CANARY_STEPS: '10:300ms,50:20s,100' }))
    // watch the router from outside, as users would, and break the candidate once it has 50%
    for (let seen = 0; seen < 50;) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      const shares = await split().catch(() => ({}) as Record<string, number>)
      seen = shares['shop-green'] ?? 0
    }
    await emulator.control('POST', '/images', { image: 'registry.example.com/shop:0123abc', unhealthy: true })
    const jobs = await running
    const job = jobs.canary
    expect(job?.result).toBe('failure')
    expect(job?.steps.find((s) => s.id === 'canary')).toMatchObject({
      outcome: 'failure',
      outputs: { phase: 'aborted', verdict: 'failed' },
    })
    expect(job?.summary).toContain('health gate failed at 50%')
    expect(job?.steps.at(-1)).toMatchObject({ outcome: 'success' }) // the `if: always()` report ran
    expect(await split()).toEqual({ 'shop-blue': 100 })
  })
})

describe('examples/blue-green.yml and examples/rollback.yml', () => {
  it('switches all traffic to the idle side, then a rollback by hand sends it back with its reason', async () => {
    const release = await runWorkflow(join(ROOT, 'examples/blue-green.yml'), context())
    expect(release.release?.result, JSON.stringify(release.release?.steps.map((s) => [s.name, s.outcome, s.run?.stdout.slice(-400)]))).toBe(
      'success',
    )
    expect(await split()).toEqual({ 'shop-green': 100 })
    const rollback = await runWorkflow(join(ROOT, 'examples/rollback.yml'), {
      ...context(),
      inputs: { service: 'shop', target: 'previous', reason: 'checkout broken in 0123abc' },
    })
    expect(rollback.rollback?.result).toBe('success')
    expect(rollback.rollback?.summary).toContain('checkout broken in 0123abc')
    expect(await split()).toEqual({ 'shop-blue': 100 })
  })
})

describe('examples/preview.yml', () => {
  it('brings a PR preview up on open, updates its one comment on a push, takes it down on close, and sweeps', async () => {
    const github = await FakeGitHub.start()
    try {
      const pr = (action: string, sha: string) => ({
        event: 'pull_request',
        payload: { action, number: 21, pull_request: { number: 21, head: { sha } } },
        github: { token: github.token, apiUrl: github.url },
        vars: { PAAS_API_URL: emulator.url('alauda') },
        secrets: { PAAS_TOKEN: ALAUDA_TOKEN },
      })
      const opened = await runWorkflow(join(ROOT, 'examples/preview.yml'), pr('opened', 'aaa111'))
      expect(opened.preview?.result, JSON.stringify(opened.preview?.steps.map((s) => [s.name, s.outcome, s.run?.stdout.slice(-400)]))).toBe(
        'success',
      )
      expect(opened.sweep?.result).toBe('skipped')
      expect(opened.preview?.steps[1]?.outcome).toBe('success')
      expect(github.deployments[0]).toMatchObject({ environment: 'pr-21', payload: { service: 'shop-pr-21' } })
      const pushed = await runWorkflow(join(ROOT, 'examples/preview.yml'), pr('synchronize', 'bbb222'))
      expect(pushed.preview?.result).toBe('success')
      expect(github.comments).toHaveLength(1)
      expect(github.comments[0]?.body).toContain('registry.example.com/shop:bbb222')
      const state = (await emulator.control('GET', '/state')) as { alauda: { services: { service_name: string; image_tag: string }[] } }
      expect(state.alauda.services).toMatchObject([{ service_name: 'shop-pr-21', image_tag: 'bbb222' }])
      const closed = await runWorkflow(join(ROOT, 'examples/preview.yml'), pr('closed', 'bbb222'))
      expect(closed.preview?.result).toBe('success')
      expect(((await emulator.control('GET', '/state')) as { alauda: { services: unknown[] } }).alauda.services).toEqual([])
      expect(github.comments[0]?.body).toContain('was removed')
      const sweep = await runWorkflow(join(ROOT, 'examples/preview.yml'), {
        event: 'schedule',
        github: { token: github.token, apiUrl: github.url },
        vars: { PAAS_API_URL: emulator.url('alauda') },
        secrets: { PAAS_TOKEN: ALAUDA_TOKEN },
      })
      expect(sweep.preview?.result).toBe('skipped')
      expect(sweep.sweep?.result).toBe('success')
    } finally {
      await github.close()
    }
  })
})

describe('every workflow', () => {
  it.each([
    'examples/blue-green.yml',
    'examples/canary.yml',
    'examples/rollback.yml',
    'examples/preview.yml',
    '.github/workflows/ci.yml',
    '.github/workflows/self-test.yml',
    '.github/workflows/release.yml',
  ])("%s is valid for GitHub's parser", async (file) => {
    await expect(parseOnly(join(ROOT, file))).resolves.toBeGreaterThan(0)
  })
})

describe('.github/workflows/self-test.yml', () => {
  it('chains uses: ./action-* against the emulator it starts, and ends on blue after the rollback', async () => {
    const jobs = await runWorkflow(join(ROOT, '.github/workflows/self-test.yml'), { event: 'push' })
    const job = jobs.release
    expect(job?.result, JSON.stringify(job?.steps.map((s) => [s.name, s.outcome, s.log ?? s.run?.stdout.slice(-400)]))).toBe('success')
    expect(job?.steps.map((s) => s.outcome)).not.toContain('failure')
  })
})

import { beforeEach, describe, expect, it } from 'vitest'
import { JELASTIC_TOKEN, measureSplit } from '../support/emulator.js'
import { errorLines, runAction } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'
import { until } from '../support/until.js'

const V1 = 'registry.example.com/shop:v1'
const V2 = 'registry.example.com/shop:v2'

const suite = emulatorSuite()

function release(extra: Record<string, string>): Record<string, string> {
  return {
    platform: 'jelastic',
    'api-url': suite.emulator.url('jelastic'),
    token: JELASTIC_TOKEN,
    router: 'shop',
    blue: 'shop-blue',
    green: 'shop-green',
    'health-url': `${suite.emulator.url('jelastic')}/env/shop/`,
    'health-samples': '2',
    'health-interval': '100ms',
    ...extra,
  }
}

/** green's share of what the router serves: exact over any 100 requests (its round robin), when nothing else calls it between */
async function greenShare(): Promise<number> {
  const counts = await measureSplit(`${suite.emulator.url('jelastic')}/env/shop/`, 100)
  return counts['shop-green'] ?? 0
}

async function envStatus(name: string): Promise<number | undefined> {
  const state = (await suite.emulator.control('GET', '/state')) as {
    jelastic: { environments: { env: { envName: string; status: number } }[] }
  }
  return state.jelastic.environments.find((info) => info.env.envName === name)?.env.status
}

async function routerWeight(): Promise<number | undefined> {
  const state = (await suite.emulator.control('GET', '/state')) as { jelastic: { environments: { env: { envName: string } }[] } }
  return state.jelastic.environments.some((info) => info.env.envName === 'shop') ? greenShare() : undefined
}

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.jelasticEnv('shop-blue', V1, 2)
  await suite.emulator.jelasticEnv('shop-green', V2, 2)
  await suite.steps.run('traffic', release({ percentage: '0', 'health-url': '' }))
})

describe('a canary release with steps behind a health gate', () => {
  it('walks 10%, 50%, 100% and is promoted', async () => {
    const run = await suite.steps.run('traffic', release({ steps: '10:300ms,50:300ms,100' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ phase: 'promoted', verdict: 'passed', weight: '100', stable: 'shop-blue', candidate: 'shop-green' })
    expect(run.stdout).toMatch(/::group::shift to 10%[\s\S]*::group::shift to 50%[\s\S]*::group::shift to 100%/)
    expect(run.summary).toContain('Gate, step 1')
    expect(await greenShare()).toBe(100)
    // the record on the router remembers the release between jobs
    const state = (await suite.emulator.control('GET', '/state')) as { jelastic: { environments: { env: { envName: string } }[] } }
    expect(state.jelastic.environments.some((info) => info.env.envName === 'shop')).toBe(true)
    const status = await suite.steps.run('traffic', release({ command: 'status' }))
    expect(status.summary).toMatch(/Last release.*promoted, shop-green at 100% \(from shop-blue\)/)
  })

  it('aborts when the candidate turns unhealthy at 50%: all traffic back on stable, then the candidate is stopped', async () => {
    const running = suite.steps.run('traffic', release({ steps: '10:200ms,50:5m,100', 'abort-scale-down-delay': '1s' }))
    await until(async () => (await routerWeight()) === 50)
    await suite.emulator.control('POST', '/images', { image: V2, unhealthy: true })
    const run = await running
    expect(run.code).toBe(1)
    expect(run.outputs).toMatchObject({ phase: 'aborted', verdict: 'failed', weight: '0' })
    expect(run.outputs.reason).toMatch(/^health gate failed at 50%: \d bad answer\(s\)/)
    expect(errorLines(run)[0]).toContain('release on "shop" aborted, all traffic back on shop-blue: health gate failed at 50%')
    expect(run.summary).toContain('health gate failed at 50%')
    expect(await greenShare()).toBe(0)
    expect(await envStatus('shop-green')).toBe(2) // stopped after the delay
  })

  it('never raises the weight while a replica of the candidate is down, and goes on once it is back', async () => {
    // the router at 10% (a release paused there), then a replica of the candidate goes down: the
    // release that goes on from 10% waits; only once the test has seen the router still at 10%
    // does the replica come back
    await suite.steps.run('traffic', release({ percentage: '10', 'health-url': '' }))
    await suite.emulator.control('POST', '/jelastic/node-status', { envName: 'shop-green', status: 2 })
    let whileDown: Promise<number | undefined> | undefined
    const run = await suite.steps.run('traffic', release({ steps: '10:200ms,50:200ms,100', 'health-url': '' }), {
      onStdout: (soFar) => {
        if (whileDown !== undefined || !soFar.includes('release: waiting for every replica of the candidate to run')) return
        whileDown = routerWeight().then(async (weight) => {
          await suite.emulator.control('POST', '/jelastic/node-status', { envName: 'shop-green', status: 1 })
          return weight
        })
      },
    })
    expect(await whileDown).toBe(10)
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.phase).toBe('promoted')
  })

  it('keeps the candidate running after an abort when asked', async () => {
    await suite.emulator.control('POST', '/images', { image: V2, unhealthy: true })
    const run = await suite.steps.run('traffic', release({ steps: '10:1s,100', 'keep-candidate-on-abort': 'true' }))
    expect(run.code).toBe(1)
    expect(await envStatus('shop-green')).toBe(1)
  })

  it('converges without writing when re-run on a promoted release, and a promote at 100% is a no-op', async () => {
    await suite.steps.run('traffic', release({ steps: '50:100ms,100' }))
    await suite.emulator.control('DELETE', '/requests')
    const rerun = await suite.steps.run('traffic', release({ steps: '50:100ms,100' }))
    const promote = await suite.steps.run('traffic', release({ command: 'promote' }))
    expect([rerun.code, promote.code]).toEqual([0, 0])
    expect(promote.outputs.phase).toBe('promoted')
    const writes = (await suite.emulator.requests()).filter((r) => /executeappaction|jps\/rest\/install|stopenv/.test(r.path))
    expect(writes).toEqual([])
  })

  it('an abort with nothing in flight succeeds and writes nothing', async () => {
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('traffic', release({ command: 'abort' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.reason).toBe('nothing in flight: all traffic already on stable')
    expect((await suite.emulator.requests()).filter((r) => /executeappaction|stopenv/.test(r.path))).toEqual([])
  })

  it('an abort by hand puts all traffic back on stable', async () => {
    await suite.steps.run('traffic', release({ percentage: '50', 'health-url': '' }))
    const run = await suite.steps.run('traffic', release({ command: 'abort', 'abort-scale-down-delay': '100ms' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ phase: 'aborted', weight: '0', reason: 'aborted by hand' })
    expect(await greenShare()).toBe(0)
  })

  it('aborts when the deadline passes', async () => {
    // 3 s: the first step's write goes out with more than the write floor (1 s) of the deadline left
    const run = await suite.steps.run('traffic', release({ steps: '10:30s,100', timeout: '3s', 'abort-scale-down-delay': '100ms' }))
    expect(run.code).toBe(1)
    // the call the deadline cut short, if any, is named after the reason
    expect(run.outputs.reason, run.stdout).toMatch(/^the deadline passed at step 1 of 2 \(10%\)( \(.*\))?$/)
    expect(await greenShare()).toBe(0)
  })

  it('puts traffic back on stable when the job is cancelled', async () => {
    // cancelled once the release holds at 50%, whenever that is
    const atHalf = until(async () => (await routerWeight()) === 50)
    const run = await suite.steps.run('traffic', release({ steps: '10:200ms,50:5m,100' }), { signalWhen: atHalf })
    expect(run.code).toBe(1)
    expect(run.outputs.reason).toBe('the job was cancelled')
    expect(await greenShare()).toBe(0)
    expect(run.state.release).toBe('aborted')
  })

  it('the post step puts traffic back on stable when the main step was killed with a release in flight', async () => {
    const atHalf = until(async () => (await routerWeight()) === 50)
    const killed = await runAction('traffic', release({ steps: '10:200ms,50:5m,100' }), { signalWhen: atHalf, signal: 'SIGKILL' })
    expect(killed.state.release).toBe('in-flight')
    expect(await greenShare()).toBeGreaterThan(0)
    const post = await runAction('traffic-post', release({ steps: '10:200ms,50:5m,100' }), { env: { STATE_release: 'in-flight' } })
    expect(post.code, post.stdout).toBe(0)
    expect(await greenShare()).toBe(0)
    // the reason says what happened: the main step was killed with the release in flight, not an abort by hand
    expect(post.outputs.reason).toMatch(/^the main step was killed with the release in flight/)
    expect(post.summary).toContain('the post step put all traffic back on stable')
    expect(post.summary).not.toContain('aborted by hand')
  })

  it('the post step leaves the router alone when another run took it over after the main step was killed', async () => {
    const atHalf = until(async () => (await routerWeight()) === 50)
    const killed = await runAction('traffic', release({ steps: '10:200ms,50:5m,100' }), { signalWhen: atHalf, signal: 'SIGKILL' })
    expect(killed.state.release).toBe('in-flight')
    // before the post step runs: an abort by hand from another run, then a new release paused at 10%
    const abort = await suite.steps.run(
      'traffic',
      release({ command: 'abort', 'release-id': 'org/shop#8', 'keep-candidate-on-abort': 'true' }),
    )
    expect(abort.code, abort.stdout).toBe(0)
    const next = await suite.steps.run('traffic', release({ percentage: '10', 'release-id': 'org/shop#9' }))
    expect(next.code, next.stdout).toBe(0)
    const post = await runAction('traffic-post', release({ steps: '10:200ms,50:5m,100' }), { env: { STATE_release: 'in-flight' } })
    expect(post.code, post.stdout).toBe(0)
    expect(post.stdout).toContain('shop: left alone: release org/shop#9 runs on it now (paused)')
    expect(await greenShare()).toBe(10)
  })

  it('the post step aborts all the same when the release record cannot be read', async () => {
    const atHalf = until(async () => (await routerWeight()) === 50)
    const killed = await runAction('traffic', release({ steps: '10:200ms,50:5m,100' }), { signalWhen: atHalf, signal: 'SIGKILL' })
    expect(killed.state.release).toBe('in-flight')
    await suite.emulator.control('POST', '/faults', { platform: 'jelastic', path: 'getenvproperty', status: 400 })
    const post = await runAction('traffic-post', release({ steps: '10:200ms,50:5m,100' }), { env: { STATE_release: 'in-flight' } })
    expect(post.code, post.stdout).toBe(0)
    expect(post.stdout).toMatch(/::warning::shop: the release record could not be read \(.*\): aborting all the same/)
    expect(await greenShare()).toBe(0)
  })

  it('the post step does nothing after a release that ended', async () => {
    await suite.emulator.control('DELETE', '/requests')
    const post = await runAction('traffic-post', release({ percentage: '10' }), { env: { STATE_release: 'promoted' } })
    expect(post.code).toBe(0)
    expect(await suite.emulator.requests()).toEqual([])
  })
})

describe('secrets', () => {
  it('never shows the token or a session id', () => {
    expect(suite.steps.leaks()).toEqual([])
  })
})

describe('one release at a time', () => {
  it('a second release fails at once while another is in flight, with in-flight: fail', async () => {
    // the first holds at 50% until the second has been refused, then is cancelled: no hold to outlast
    let refused: () => void = () => undefined
    const done = new Promise<void>((resolve) => (refused = resolve))
    const first = suite.steps.run('traffic', release({ steps: '10:200ms,50:5m,100', 'release-id': 'org/shop#1' }), { signalWhen: done })
    await until(async () => (await routerWeight()) === 50)
    const second = await suite.steps.run('traffic', release({ steps: '100', 'release-id': 'org/shop#2', 'in-flight': 'fail' }))
    refused()
    expect(second.code).toBe(1)
    expect(errorLines(second)[0]).toMatch(
      /release org\/shop#1 is in flight on "shop" \(progressing, shop-green at 50%.*this release \(org\/shop#2\) does not interleave/,
    )
    // the second wrote nothing: the first, cancelled, puts the traffic back on stable
    const firstRun = await first
    expect(firstRun.code).not.toBe(0)
    expect(await greenShare(), firstRun.stdout).toBe(0)
  })

  it('a second release waits for the one in flight, then goes', async () => {
    // the first holds at 50% until the second says it waits, then is cancelled: no hold to outlast
    let waiting: () => void = () => undefined
    const seen = new Promise<void>((resolve) => (waiting = resolve))
    const first = suite.steps.run('traffic', release({ steps: '10:200ms,50:5m,100', 'release-id': 'org/shop#1' }), { signalWhen: seen })
    await until(async () => (await routerWeight()) === 50)
    // the second's deadline bounds the test: a wait that never ends fails on what the second said
    const second = await suite.steps
      .run('traffic', release({ blue: 'shop-green', green: 'shop-blue', steps: '100', 'release-id': 'org/shop#2', timeout: '40s' }), {
        onStdout: (soFar) => soFar.includes('waiting for it to end') && waiting(),
      })
      .finally(waiting)
    const firstRun = await first
    expect(second.stdout).toContain('waiting for it to end')
    expect(firstRun.outputs.phase, firstRun.stdout).toBe('aborted')
    expect(second.code, second.stdout).toBe(0)
    // the second's blue is shop-green: it ends with all the traffic on shop-blue
    expect(await greenShare()).toBe(0)
  })

  it('an abort by hand from another run stops the release in flight: it never raises the weight again', async () => {
    const first = suite.steps.run('traffic', release({ steps: '10:200ms,50:5m,100', 'release-id': 'org/shop#1', timeout: '60s' }))
    await until(async () => (await routerWeight()) === 50)
    const abort = await suite.steps.run(
      'traffic',
      release({ command: 'abort', 'release-id': 'org/shop#hand', 'keep-candidate-on-abort': 'true', 'health-url': '' }),
    )
    expect(abort.code, abort.stdout).toBe(0)
    const firstRun = await first
    expect(firstRun.code).toBe(1)
    expect(errorLines(firstRun)[0]).toMatch(/release on "shop" stopped: the release was aborted by release org\/shop#hand/)
    // once at 50%, and never again: the abort's 0% stands
    expect(firstRun.stdout.match(/::group::shift to 50%/g)).toHaveLength(1)
    expect(firstRun.outputs).toMatchObject({ phase: 'aborted', verdict: 'failed' })
    expect(await greenShare()).toBe(0)
  })

  it('a re-run of the same release goes on from where the router is', async () => {
    const atHalf = until(async () => (await routerWeight()) === 50)
    const killed = await runAction('traffic', release({ steps: '10:200ms,50:5m,100', 'release-id': 'org/shop#7' }), {
      signalWhen: atHalf,
      signal: 'SIGKILL',
    })
    expect(killed.code).not.toBe(0)
    await suite.emulator.control('DELETE', '/requests')
    const rerun = await suite.steps.run(
      'traffic',
      release({ steps: '10:200ms,50:300ms,100', 'release-id': 'org/shop#7', 'in-flight': 'fail' }),
    )
    expect(rerun.code, rerun.stdout).toBe(0)
    const writes = (await suite.emulator.requests()).filter((r) => r.path.includes('executeappaction'))
    expect(writes.length).toBeLessThanOrEqual(1) // 100% only: 10% and 50% are not written again
    expect(await greenShare()).toBe(100)
  })
})

describe('command status', () => {
  it('says which side is live and which is idle, and writes nothing', async () => {
    await suite.steps.run('traffic', release({ percentage: '100', 'health-url': '' }))
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('traffic', release({ command: 'status' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ stable: 'shop-green', candidate: 'shop-blue', phase: 'steady', weight: '0' })
    expect((await suite.emulator.requests()).filter((r) => /executeappaction|jps\/rest\/install|stopenv/.test(r.path))).toEqual([])
  })

  it('releases with the sides swapped: the router maps them whichever backend is which', async () => {
    await suite.steps.run('traffic', release({ percentage: '100', 'health-url': '' }))
    const run = await suite.steps.run('traffic', release({ blue: 'shop-green', green: 'shop-blue', steps: '50:100ms,100' }))
    expect(run.code, run.stdout).toBe(0)
    expect(await greenShare()).toBe(0)
  })
})

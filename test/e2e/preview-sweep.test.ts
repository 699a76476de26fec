import { describe, expect, it } from 'vitest'
import { ALAUDA_TOKEN } from '../support/emulator.js'
import { FakeGitHub } from '../support/github-server.js'
import { previewSetup, V1 } from '../support/preview-setup.js'
import { errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

/** action-preview's sweep on Alauda: what it removes, and how it shares its time among the removals. */

const suite = emulatorSuite()
const github = await FakeGitHub.start()
const { alauda, alaudaServices, closedPreviews } = previewSetup(suite, github)

/** The service's DELETE is answered as done and not done (`count`: for that many DELETEs; else every one). */
function removalAnsweredNeverDone(service: string, rule: { count?: number } = {}): Promise<void> {
  return suite.emulator.fault({ platform: 'alauda', path: `/services/team/${service}`, method: 'DELETE', status: 200, body: {}, ...rule })
}

describe('action-preview sweeps on Alauda', () => {
  it('sweep removes previews whose PR is closed or that are too old, and keeps the others', async () => {
    for (const pr of ['11', '12']) {
      const up = await suite.steps.run('preview', alauda({ command: 'up', pr, image: V1, 'create-spec': '{}' }), { env: github.env() })
      expect(up.code, up.stdout).toBe(0)
    }
    github.pulls.set(11, 'closed')
    const sweep = await suite.steps.run('preview', alauda({ command: 'sweep' }), { env: github.env() })
    expect(sweep.code, sweep.stdout).toBe(0)
    expect(JSON.parse(sweep.outputs.removed ?? '')).toEqual([{ pr: 11, service: 'shop-pr-11', reason: '#11 is closed' }])
    expect((await alaudaServices()).map((s) => s.service_name)).toEqual(['shop-pr-12'])
    const kept = await suite.steps.run('preview', alauda({ command: 'sweep', ttl: '72h' }), { env: github.env() })
    expect(JSON.parse(kept.outputs.removed ?? '')).toEqual([])
    // eight days later, #12 is still open: older than the default ttl of 7d
    for (const deployment of github.deployments.filter((d) => d.environment === 'pr-12')) {
      deployment.created_at = new Date(Date.now() - 8 * 86_400_000).toISOString()
    }
    const old = await suite.steps.run('preview', alauda({ command: 'sweep' }), { env: github.env() })
    expect(JSON.parse(old.outputs.removed ?? '')).toEqual([{ pr: 12, service: 'shop-pr-12', reason: 'older than 168h' }])
    expect(await alaudaServices()).toEqual([])
  })

  it('a failed up is still swept when its PR closes, and one removal that fails does not stop the others', async () => {
    const broken = 'registry.example.com/shop:pr-broken'
    await suite.emulator.control('POST', '/images', { image: broken, failing: true })
    // #21 runs v1, then an up to a broken image fails and is rolled back: its newest deployment failed
    const v1 = await suite.steps.run('preview', alauda({ command: 'up', pr: '21', image: V1, 'create-spec': '{}' }), { env: github.env() })
    expect(v1.code, v1.stdout).toBe(0)
    const failed = await suite.steps.run('preview', alauda({ command: 'up', pr: '21', image: broken, timeout: '20s' }), {
      env: github.env(),
    })
    expect(failed.code).toBe(1)
    // the PR comment says failed in one line; the service's log lines stay in the run
    expect(failed.stdout).toContain('Last log lines of shop-pr-21')
    expect(github.comments[0]?.body).toContain('**Preview of #21** failed')
    expect(github.comments[0]?.body).not.toContain('Last log lines')
    // #24's first up, a create, fails: the service is left as the platform has it
    const created = await suite.steps.run(
      'preview',
      alauda({ command: 'up', pr: '24', image: broken, 'create-spec': '{}', timeout: '20s' }),
      {
        env: github.env(),
      },
    )
    expect(created.code).toBe(1)
    for (const pr of ['22', '23']) {
      const up = await suite.steps.run('preview', alauda({ command: 'up', pr, image: V1, 'create-spec': '{}' }), { env: github.env() })
      expect(up.code, up.stdout).toBe(0)
    }
    for (const pr of [21, 22, 23, 24]) github.pulls.set(pr, 'closed')
    await suite.emulator.control('POST', '/faults', {
      platform: 'alauda',
      path: '/services/team/shop-pr-22',
      method: 'DELETE',
      // refused: not tried again, so the sweep moves on at once
      status: 409,
    })
    const sweep = await suite.steps.run('preview', alauda({ command: 'sweep', timeout: '20s' }), { env: github.env() })
    expect(sweep.code).toBe(1)
    expect(errorLines(sweep)[0]).toMatch(/^alauda: sweep of the previews failed: 1 could not be removed: shop-pr-22 \(#22\): /)
    expect(
      JSON.parse(sweep.outputs.removed ?? '')
        .map((r: { service: string }) => r.service)
        .sort(),
    ).toEqual(['shop-pr-21', 'shop-pr-23', 'shop-pr-24'])
    expect((await alaudaServices()).map((s) => s.service_name)).toEqual(['shop-pr-22'])
    // the removed ones are inactive now, the failed up's deployment too: the next sweep does not see them again
    for (const environment of ['pr-21', 'pr-23', 'pr-24'])
      expect(github.deployments.filter((d) => d.environment === environment).every((d) => d.statuses.at(-1)?.state === 'inactive')).toBe(
        true,
      )
  })

  it('gives each removal of a sweep its share of the time: one that never ends leaves time for the next', async () => {
    // the order the sweep takes them in, from its dry run
    const [stuck, next] = await closedPreviews([31, 32])
    expect([stuck, next].sort()).toEqual(['shop-pr-31', 'shop-pr-32'])
    // the first one's DELETE is answered as done and never done: its removal waits until its share ends
    await removalAnsweredNeverDone(stuck)
    const sweep = await suite.steps.run('preview', alauda({ command: 'sweep', timeout: '12s' }), { env: github.env() })
    expect(sweep.code).toBe(1)
    expect(errorLines(sweep)[0]).toMatch(
      new RegExp(`^alauda: sweep of the previews failed: 1 could not be removed: ${stuck} \\(#3[12]\\): `),
    )
    expect(JSON.parse(sweep.outputs.removed ?? '')).toEqual([
      { pr: Number(next?.slice(-2)), service: next, reason: `#${next?.slice(-2)} is closed` },
    ])
    expect((await alaudaServices()).map((service) => service.service_name)).toEqual([stuck])
  })

  it('waits again for a removal its share left unfinished, once the others are done: slower than its share is not a failure', async () => {
    const [slow, next] = await closedPreviews([33, 34])
    // the first one's DELETE is answered as done and not done: the platform takes longer than the share
    await removalAnsweredNeverDone(slow, { count: 1 })
    let gone: Promise<Response> | undefined
    const sweep = await suite.steps.run('preview', alauda({ command: 'sweep', timeout: '12s' }), {
      env: github.env(),
      // the platform ends the removal once the sweep has moved on from it
      onStdout: (soFar) => {
        if (gone || !soFar.includes(`${slow}: not gone within its share of the time`)) return
        gone = fetch(`${suite.emulator.url('alauda')}/v1/services/team/${slow}/`, {
          method: 'DELETE',
          headers: { authorization: `Token ${ALAUDA_TOKEN}` },
        })
      },
    })
    expect((await gone)?.ok).toBe(true)
    expect(sweep.code, sweep.stdout).toBe(0)
    // the next one was removed in the meantime; the slow one was read again, never sent again
    const nextRemoved = sweep.stdout.indexOf(`${next}: registry.example.com/shop:pr-sha1 → removed`)
    expect(nextRemoved).toBeGreaterThan(sweep.stdout.indexOf(`${slow}: not gone within its share of the time`))
    expect(sweep.stdout.indexOf(`${slow}: registry.example.com/shop:pr-sha1 → removed`)).toBeGreaterThan(nextRemoved)
    expect(
      JSON.parse(sweep.outputs.removed ?? '')
        .map((r: { service: string }) => r.service)
        .sort(),
    ).toEqual(['shop-pr-33', 'shop-pr-34'])
    const deletes = (await suite.emulator.requests()).filter((r) => r.method === 'DELETE' && r.path.includes(slow as string))
    expect(deletes).toHaveLength(2) // the sweep's, and the platform's own end above
    expect(await alaudaServices()).toEqual([])
  })

  it("a removal waited for again with no time left fails with the platform's last state, in the sweep's order", async () => {
    const order = await closedPreviews([35, 36])
    // both DELETEs are answered as done and never done: the first is waited for again once the
    // second has used the rest of the time
    for (const service of order) await removalAnsweredNeverDone(service)
    const sweep = await suite.steps.run('preview', alauda({ command: 'sweep', timeout: '6s' }), { env: github.env() })
    expect(sweep.code).toBe(1)
    expect(sweep.stdout).toContain(`${order[0]}: not gone within its share of the time`)
    const [line] = errorLines(sweep)
    expect(line).toMatch(/^alauda: sweep of the previews failed: 2 could not be removed: /)
    // in the sweep's order, each with what the platform showed last, not a read refused at the deadline
    const failures = (line ?? '').replace(/^[^:]+: [^:]+: 2 could not be removed: /, '').split(/; (?=shop-pr-)/)
    expect(failures.map((failure) => failure.split(' ')[0])).toEqual(order)
    for (const failure of failures) expect(failure).toMatch(/timed out; last state: /)
    expect(line).not.toMatch(/deadline \(timeout\) passed before the request could be sent|could not read the state/)
    expect((await alaudaServices()).map((service) => service.service_name).sort()).toEqual([...order].sort())
  })

  it('a sweep whose pull request reads hang keeps the preview, and makes no GitHub call past its timeout', async () => {
    const up = await suite.steps.run('preview', alauda({ command: 'up', pr: '31', image: V1, 'create-spec': '{}' }), { env: github.env() })
    expect(up.code, up.stdout).toBe(0)
    github.hang = (method, path) => method === 'GET' && path.endsWith('/pulls/31')
    github.arrivals.length = 0
    const sweep = await suite.steps.run('preview', alauda({ command: 'sweep', timeout: '3s' }), { env: github.env() })
    expect(sweep.code, sweep.stdout).toBe(0)
    expect(sweep.stdout).toContain('shop-pr-31 kept: the state of #31 could not be read from GitHub')
    expect((await alaudaServices()).map((s) => s.service_name)).toEqual(['shop-pr-31'])
    // the deadline starts before the sweep's first call, the list of deployments
    const first = Math.min(...github.arrivals.map((arrival) => arrival.at))
    expect(github.arrivals.filter((arrival) => arrival.path.endsWith('/pulls/31')).length).toBeGreaterThan(0)
    expect(Math.max(...github.arrivals.map((arrival) => arrival.at)) - first).toBeLessThan(3000)
  })

  it('never shows a secret', () => {
    expect(suite.steps.leaks()).toEqual([])
  })
})

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ALAUDA_TOKEN, JELASTIC_TOKEN } from '../support/emulator.js'
import { FakeGitHub } from '../support/github-server.js'
import { errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

const suite = emulatorSuite()
let github: FakeGitHub
const V1 = 'registry.example.com/shop:pr-sha1'
const V2 = 'registry.example.com/shop:pr-sha2'

beforeAll(async () => {
  github = await FakeGitHub.start()
  suite.steps.secrets.add(github.token)
})
afterAll(() => github.close())

beforeEach(async () => {
  github.reset()
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.control('POST', '/alauda/timing', { instanceMs: 30 })
})

const alauda = (extra: Record<string, string>) => ({
  platform: 'alauda',
  'api-url': suite.emulator.url('alauda'),
  token: ALAUDA_TOKEN,
  project: 'team',
  'service-template': 'shop-pr-{pr}',
  'github-token': github.token,
  ...extra,
})

async function alaudaServices(): Promise<{ service_name: string; image_tag: string }[]> {
  return ((await suite.emulator.control('GET', '/state')) as { alauda: { services: { service_name: string; image_tag: string }[] } }).alauda
    .services
}

/** Previews up for `prs`, their PRs closed: the services, in the order the sweep takes them (from its dry run). */
async function closedPreviews(prs: number[]): Promise<string[]> {
  for (const pr of prs) {
    const up = await suite.steps.run('preview', alauda({ command: 'up', pr: String(pr), image: V1, 'create-spec': '{}' }), {
      env: github.env(),
    })
    expect(up.code, up.stdout).toBe(0)
  }
  for (const pr of prs) github.pulls.set(pr, 'closed')
  const planned = await suite.steps.run('preview', alauda({ command: 'sweep', 'dry-run': 'true' }), { env: github.env() })
  return (JSON.parse(planned.outputs.plan ?? '') as { writes: { operation: string; target: string }[] }).writes
    .filter((write) => write.operation === 'remove')
    .map((write) => write.target)
}

describe('action-preview on Alauda', () => {
  it('up creates the PR service and one comment; a second up updates both; down removes it', async () => {
    const spec = JSON.stringify({ instance_size: 'XS', target_num_instances: 1 })
    const first = await suite.steps.run('preview', alauda({ command: 'up', pr: '7', image: V1, 'create-spec': spec }), {
      env: github.env(),
    })
    expect(first.code, first.stdout).toBe(0)
    expect(first.outputs).toMatchObject({ service: 'shop-pr-7' })
    expect(first.outputs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/alauda\/apps\/team\/shop-pr-7\/$/)
    expect(await alaudaServices()).toMatchObject([{ service_name: 'shop-pr-7', image_tag: 'pr-sha1' }])
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]?.body).toContain('<!-- paas-release-actions:preview -->')
    expect(github.comments[0]?.body).toContain(first.outputs.url)
    expect(github.deployments[0]).toMatchObject({ environment: 'pr-7', payload: { service: 'shop-pr-7', image: V1 } })
    expect(first.summary).toContain('issuecomment-')

    const second = await suite.steps.run('preview', alauda({ command: 'up', pr: '7', image: V2 }), { env: github.env() })
    expect(second.code, second.stdout).toBe(0)
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]?.body).toContain(V2)
    expect(second.outputs['comment-id']).toBe(first.outputs['comment-id'])
    expect(github.deployments[0]?.statuses.at(-1)?.state).toBe('inactive')

    const down = await suite.steps.run('preview', alauda({ command: 'down', pr: '7' }), { env: github.env() })
    expect(down.code, down.stdout).toBe(0)
    expect(await alaudaServices()).toEqual([])
    expect(github.deployments.every((d) => d.statuses.at(-1)?.state !== 'success')).toBe(true)
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]?.body).toContain('was removed')
    const again = await suite.steps.run('preview', alauda({ command: 'down', pr: '7' }), { env: github.env() })
    expect(again.code, again.stdout).toBe(0)
  })

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
    await suite.emulator.control('POST', '/faults', {
      platform: 'alauda',
      path: `/services/team/${stuck}`,
      method: 'DELETE',
      status: 200,
      body: {},
    })
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
    await suite.emulator.control('POST', '/faults', {
      platform: 'alauda',
      path: `/services/team/${slow}`,
      method: 'DELETE',
      status: 200,
      body: {},
      count: 1,
    })
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
    for (const service of order)
      await suite.emulator.control('POST', '/faults', {
        platform: 'alauda',
        path: `/services/team/${service}`,
        method: 'DELETE',
        status: 200,
        body: {},
      })
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

  it('an up the platform refuses, or one out of time, says failed on the PR and marks its deployment failed', async () => {
    const first = await suite.steps.run('preview', alauda({ command: 'up', pr: '7', image: V1, 'create-spec': '{}' }), {
      env: github.env(),
    })
    expect(first.code, first.stdout).toBe(0)
    await suite.emulator.control('POST', '/faults', { platform: 'alauda', path: '/services/team/shop-pr-7', method: 'PUT', status: 400 })
    const refused = await suite.steps.run('preview', alauda({ command: 'up', pr: '7', image: V2 }), { env: github.env() })
    expect(refused.code).toBe(1)
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]?.body).toContain('**Preview of #7** failed')
    expect(github.comments[0]?.body).not.toContain('is up')

    const stuck = 'registry.example.com/shop:pr-stuck'
    await suite.emulator.control('POST', '/images', { image: stuck, stuck: true })
    const late = await suite.steps.run('preview', alauda({ command: 'up', pr: '8', image: stuck, 'create-spec': '{}', timeout: '2s' }), {
      env: github.env(),
    })
    expect(late.code).toBe(1)
    // past the deadline, the run still records how it ended
    expect(github.deployments.find((d) => d.environment === 'pr-8')?.statuses.at(-1)?.state).toBe('failure')
    expect(github.comments.find((c) => c.body?.includes('#8'))?.body).toContain('**Preview of #8** failed')
    await suite.emulator.control('POST', '/images', { image: stuck, stuck: false })
  })

  it('refuses a template without {pr}, and a sweep without a token', async () => {
    const template = await suite.steps.run('preview', alauda({ command: 'up', pr: '7', image: V1, 'service-template': 'shop-preview' }))
    expect(errorLines(template)).toEqual([
      'Input "service-template" has the value "shop-preview"; allowed: a name with {pr} in it, such as shop-pr-{pr}.',
    ])
    const sweep = await suite.steps.run('preview', alauda({ command: 'sweep', 'github-token': '' }), { env: github.env() })
    expect(errorLines(sweep)).toEqual([
      'Input "github-token" is required for command "sweep": the previews are found in the pr-* GitHub deployments.',
    ])
  })
})

describe('action-preview on NetEase apps (built from source)', () => {
  const netease = (extra: Record<string, string>) => ({
    platform: 'netease',
    'api-url': suite.emulator.url('netease'),
    token: 'netease-demo-token-0123456789',
    'service-template': 'shop-pr-{pr}',
    'github-token': github.token,
    pr: '9',
    ...extra,
  })

  async function neteaseApps(): Promise<{ name: string; status: string; version_control: { version?: string; path?: string } }[]> {
    return ((await suite.emulator.control('GET', '/state')) as { netease: { apps: [] } }).netease.apps
  }

  it('up creates the app from a source version, a second up builds the next one, down deletes the app', async () => {
    await suite.emulator.control('POST', '/netease/timing', { containerMs: 20 })
    const spec = JSON.stringify({ image: 'tomcat:8', version_control: { type: 'git', path: 'https://git.example.com/team/shop.git' } })
    const first = await suite.steps.run('preview', netease({ command: 'up', 'source-version': 'pr-sha1', 'create-spec': spec }), {
      env: github.env(),
    })
    expect(first.code, first.stdout).toBe(0)
    expect(first.outputs).toMatchObject({ service: 'shop-pr-9', image: 'source@pr-sha1' })
    expect(await neteaseApps()).toMatchObject([
      { name: 'shop-pr-9', status: 'create_succ', version_control: { version: 'pr-sha1', path: 'https://git.example.com/team/shop.git' } },
    ])
    expect(github.comments[0]?.body).toContain('`source@pr-sha1`')
    expect(github.deployments[0]).toMatchObject({ environment: 'pr-9', payload: { service: 'shop-pr-9', image: 'source@pr-sha1' } })

    const second = await suite.steps.run('preview', netease({ command: 'up', 'source-version': 'pr-sha2' }), { env: github.env() })
    expect(second.code, second.stdout).toBe(0)
    expect(second.outputs).toMatchObject({ image: 'source@pr-sha2', 'previous-image': 'source@pr-sha1' })
    expect(await neteaseApps()).toMatchObject([{ name: 'shop-pr-9', status: 'create_succ', version_control: { version: 'pr-sha2' } }])
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0]?.body).toContain('`source@pr-sha2`')

    const down = await suite.steps.run('preview', netease({ command: 'down' }), { env: github.env() })
    expect(down.code, down.stdout).toBe(0)
    expect(await neteaseApps()).toEqual([])
  })

  it('refuses source-version off NetEase, with an image, and up with neither, before any call', async () => {
    await suite.emulator.control('DELETE', '/requests')
    const both = await suite.steps.run('preview', netease({ command: 'up', 'source-version': 'v2', image: V1 }))
    expect(errorLines(both)).toEqual([
      'Inputs "image" and "source-version" are both set; allowed: one of them (source-version for NetEase apps).',
    ])
    const elsewhere = await suite.steps.run('preview', alauda({ command: 'up', pr: '9', 'source-version': 'v2' }))
    expect(errorLines(elsewhere)).toEqual([
      'Input "source-version" is set on platform "alauda"; allowed: only on netease, whose apps build from source.',
    ])
    const neither = await suite.steps.run('preview', netease({ command: 'up' }))
    expect(errorLines(neither)[0]).toContain('Input "image" is required')
    const bad = await suite.steps.run('preview', netease({ command: 'down', 'source-version': '../etc' }))
    expect(errorLines(bad)[0]).toMatch(/^Input "source-version" has the value "\.\.\/etc"/)
    expect(await suite.emulator.requests()).toEqual([])
  })
})

describe('action-preview on Rancher', () => {
  const rancher = (extra: Record<string, string>) => ({
    platform: 'rancher',
    'api-url': suite.emulator.url('rancher'),
    'access-key': 'rancher-demo-access',
    'secret-key': 'rancher-demo-secret-0123',
    project: '1a5',
    'service-template': 'pr-{pr}/web',
    'github-token': github.token,
    ...extra,
  })
  const spec = JSON.stringify({
    dockerCompose: "version: '2'\nservices:\n  web:\n    image: ${IMAGE}\n  cache:\n    image: redis:7.2\n",
  })
  const rancherState = async () =>
    (await suite.emulator.control('GET', '/state')) as {
      rancher: {
        stacks: { id: string; name: string; state: string }[]
        services: { name: string; stackId: string; state: string; launchConfig: { imageUuid: string } }[]
      }
    }

  it('down removes the PR’s whole stack, its other services too; a later up makes a new one and finds it', async () => {
    const up = await suite.steps.run('preview', rancher({ command: 'up', pr: '5', image: V1, 'create-spec': spec }), { env: github.env() })
    expect(up.code, up.stdout).toBe(0)
    const first = (await rancherState()).rancher.stacks.find((stack) => stack.name === 'pr-5')
    const down = await suite.steps.run('preview', rancher({ command: 'down', pr: '5' }), { env: github.env() })
    expect(down.code, down.stdout).toBe(0)
    const after = await rancherState()
    expect(after.rancher.stacks.find((stack) => stack.id === first?.id)?.state).toBe('removed')
    expect(after.rancher.services.filter((service) => service.stackId === first?.id).map((service) => service.state)).toEqual([
      'removed',
      'removed',
    ])
    // the removed stack lingers under its name: a new up makes a new stack, and the next finds that one
    const again = await suite.steps.run('preview', rancher({ command: 'up', pr: '5', image: V1, 'create-spec': spec }), {
      env: github.env(),
    })
    expect(again.code, again.stdout).toBe(0)
    const next = await suite.steps.run('preview', rancher({ command: 'up', pr: '5', image: V2 }), { env: github.env() })
    expect(next.code, next.stdout).toBe(0)
    const live = (await rancherState()).rancher.stacks.filter((stack) => stack.name === 'pr-5' && stack.state === 'active')
    expect(live).toHaveLength(1)
    const web = (await rancherState()).rancher.services.find((service) => service.stackId === live[0]?.id && service.name === 'web')
    expect(web?.launchConfig.imageUuid).toBe(`docker:${V2}`)
  })

  it('down in a stack the template names outright (team1/web-{pr}) removes only the PR’s service', async () => {
    for (const name of ['web-1', 'web-2']) await suite.emulator.control('POST', '/rancher/services', { stack: 'team1', name, image: V1 })
    const down = await suite.steps.run('preview', rancher({ command: 'down', pr: '1', 'service-template': 'team1/web-{pr}' }), {
      env: github.env(),
    })
    expect(down.code, down.stdout).toBe(0)
    const after = await rancherState()
    expect(after.rancher.stacks.find((stack) => stack.name === 'team1')?.state).toBe('active')
    const states = Object.fromEntries(after.rancher.services.map((service) => [service.name, service.state]))
    expect(states).toMatchObject({ 'web-1': 'removed', 'web-2': 'active' })
  })
})

describe('action-preview on Jelastic', () => {
  it('up deploys the PR image to its environment, down deletes the environment, the comment follows', async () => {
    await suite.emulator.jelasticEnv('shop-pr-5', 'registry.example.com/shop:base', 1)
    const jelastic = (extra: Record<string, string>) => ({
      platform: 'jelastic',
      'api-url': suite.emulator.url('jelastic'),
      token: JELASTIC_TOKEN,
      'service-template': 'shop-pr-{pr}',
      'github-token': github.token,
      pr: '5',
      ...extra,
    })
    const up = await suite.steps.run('preview', jelastic({ command: 'up', image: V1 }), { env: github.env() })
    expect(up.code, up.stdout).toBe(0)
    expect(github.comments[0]?.body).toContain('`shop-pr-5` on jelastic')
    const down = await suite.steps.run('preview', jelastic({ command: 'down' }), { env: github.env() })
    expect(down.code, down.stdout).toBe(0)
    const state = (await suite.emulator.control('GET', '/state')) as { jelastic: { environments: { env: { envName: string } }[] } }
    expect(state.jelastic.environments.map((e) => e.env.envName)).not.toContain('shop-pr-5')
  })

  it('sweep removes the environment of a closed PR and keeps the open one', async () => {
    for (const pr of ['5', '6']) await suite.emulator.jelasticEnv(`shop-pr-${pr}`, 'registry.example.com/shop:base', 1)
    const jelastic = (extra: Record<string, string>) => ({
      platform: 'jelastic',
      'api-url': suite.emulator.url('jelastic'),
      token: JELASTIC_TOKEN,
      'service-template': 'shop-pr-{pr}',
      'github-token': github.token,
      ...extra,
    })
    for (const pr of ['5', '6'])
      expect((await suite.steps.run('preview', jelastic({ command: 'up', pr, image: V1 }), { env: github.env() })).code).toBe(0)
    github.pulls.set(5, 'closed')
    const sweep = await suite.steps.run('preview', jelastic({ command: 'sweep' }), { env: github.env() })
    expect(sweep.code, sweep.stdout).toBe(0)
    expect(JSON.parse(sweep.outputs.removed ?? '')).toEqual([{ pr: 5, service: 'shop-pr-5', reason: '#5 is closed' }])
    const state = (await suite.emulator.control('GET', '/state')) as { jelastic: { environments: { env: { envName: string } }[] } }
    const names = state.jelastic.environments.map((e) => e.env.envName)
    expect(names).toContain('shop-pr-6')
    expect(names).not.toContain('shop-pr-5')
    expect(sweep.summary).toContain('https://github.example.com/acme/shop/deployments')
  })

  it('never shows a secret', () => {
    expect(suite.steps.leaks()).toEqual([])
  })
})

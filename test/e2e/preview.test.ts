import { describe, expect, it } from 'vitest'
import { JELASTIC_TOKEN } from '../support/emulator.js'
import { FakeGitHub } from '../support/github-server.js'
import { previewSetup, V1, V2 } from '../support/preview-setup.js'
import { errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

const suite = emulatorSuite()
const github = await FakeGitHub.start()
const { alauda, alaudaServices } = previewSetup(suite, github)

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
    const late = await suite.steps.run('preview', alauda({ command: 'up', pr: '8', image: stuck, 'create-spec': '{}', timeout: '3s' }), {
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

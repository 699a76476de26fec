import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { JELASTIC_TOKEN } from '../support/emulator.js'
import { FakeGitHub } from '../support/github-server.js'
import { errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

const V1 = 'registry.example.com/shop:v1'
const CREATE = '/1.0/environment/control/rest/createenvironment'

const suite = emulatorSuite()
let github: FakeGitHub

beforeAll(async () => {
  github = await FakeGitHub.start()
  suite.steps.secrets.add(github.token)
})
afterAll(() => github.close())

beforeEach(async () => {
  github.reset()
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.control('DELETE', '/requests')
})

const jelastic = (extra: Record<string, string>) => ({
  platform: 'jelastic',
  'api-url': suite.emulator.url('jelastic'),
  token: JELASTIC_TOKEN,
  ...extra,
})

const spec = JSON.stringify({
  env: { region: 'default', displayName: 'Shop' },
  nodes: [{ nodeType: 'docker', count: 2, fixedCloudlets: 1, flexibleCloudlets: 8, docker: { nodeGroup: 'cp', env: { MODE: 'preview' } } }],
})

interface EnvState {
  env: { envName: string; status: number }
  nodes: { nodeGroup: string; status: number; customitem: { dockerName: string; dockerTag: string } }[]
}

async function environment(envName: string): Promise<EnvState | undefined> {
  const state = (await suite.emulator.control('GET', '/state')) as { jelastic: { environments: EnvState[] } }
  return state.jelastic.environments.find((info) => info.env.envName === envName)
}

async function creates(): Promise<number> {
  return (await suite.emulator.requests()).filter((request) => request.path === CREATE).length
}

describe('action-deploy with create on Jelastic', () => {
  it('creates the missing environment with the spec, the name and the image, and waits until it runs', async () => {
    const run = await suite.steps.run('deploy', jelastic({ service: 'shop-new', image: V1, create: 'true', 'create-spec': spec }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ image: V1 })
    expect(run.outputs['operation-id']).toMatch(/^createenvironment\/shop-new\//)
    const env = await environment('shop-new')
    expect(env?.env.status).toBe(1)
    expect(env?.nodes.map((node) => [node.nodeGroup, node.status, node.customitem.dockerName, node.customitem.dockerTag])).toEqual([
      ['cp', 1, 'registry.example.com/shop', 'v1'],
      ['cp', 1, 'registry.example.com/shop', 'v1'],
    ])
    expect(await creates()).toBe(1)
    expect(run.summary).toContain('shop-new (created)')
  })

  it('creates one docker node in the node group when the spec has no nodes', async () => {
    const run = await suite.steps.run('deploy', jelastic({ service: 'shop-new', image: V1, create: 'true', 'node-group': 'web' }))
    expect(run.code, run.stdout).toBe(0)
    expect((await environment('shop-new'))?.nodes.map((node) => node.nodeGroup)).toEqual(['web'])
  })

  it('settles a create whose answer was lost by reading the environment, without a second create', async () => {
    await suite.emulator.fault({ platform: 'jelastic', path: 'createenvironment', when: 'after', drop: true, count: 1 })
    const run = await suite.steps.run('deploy', jelastic({ service: 'shop-new', image: V1, create: 'true', 'create-spec': spec }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toContain("the platform's state shows it landed")
    expect(await creates()).toBe(1)
    expect((await environment('shop-new'))?.nodes).toHaveLength(2)
  })

  it('sends a create again when the environment shows it never arrived', async () => {
    await suite.emulator.fault({ platform: 'jelastic', path: 'createenvironment', drop: true, count: 1 })
    const run = await suite.steps.run('deploy', jelastic({ service: 'shop-new', image: V1, create: 'true', 'create-spec': spec }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toContain("the platform's state shows it did not land")
    expect(await creates()).toBe(2)
    expect((await environment('shop-new'))?.nodes).toHaveLength(2)
  })

  it('fails naming the platform when the environment appears but its image does not start', async () => {
    await suite.emulator.control('POST', '/images', { image: V1, failing: true })
    const run = await suite.steps.run('deploy', jelastic({ service: 'shop-new', image: V1, create: 'true', timeout: '3s' }))
    expect(run.code).toBe(1)
    expect(errorLines(run).join('\n')).toMatch(/^jelastic: create of "shop-new" with registry\.example\.com\/shop:v1 failed/m)
  })

  it.each([
    [{ env: { shortdomain: 'other' } }, 'the field "env.shortdomain", which the action sets from service'],
    [{ nodes: [{ nodeType: 'docker', docker: { image: 'x:1' } }] }, 'the field "nodes[0].docker.image", which the action sets from image'],
    [{ env: { name: 'x' } }, 'the field "env.name"; allowed in env on jelastic: engine, displayName, ishaenabled, region, sslstate.'],
    [{ nodes: [{ nodeType: 'docker', count: '2' }] }, 'the field "nodes[0].count" as a string; allowed: a whole number.'],
    [{ nodes: [] }, '"nodes" empty; allowed: one node at least'],
    [{ topology: {} }, 'the field "topology"; allowed on jelastic: env, nodes, envGroups.'],
  ])('refuses the create-spec %j before any request', async (bad, message) => {
    const run = await suite.steps.run(
      'deploy',
      jelastic({ service: 'shop-new', image: V1, create: 'true', 'create-spec': JSON.stringify(bad) }),
    )
    expect(run.code).toBe(1)
    const errors = errorLines(run)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`Input "create-spec" has ${message}`)
    expect(await suite.emulator.requests()).toEqual([])
  })

  it('refuses a spec whose nodes have no node in the node group, before creating anything', async () => {
    const other = JSON.stringify({
      nodes: [{ nodeType: 'docker', fixedCloudlets: 1, flexibleCloudlets: 4, docker: { nodeGroup: 'sqldb' } }],
    })
    const run = await suite.steps.run('deploy', jelastic({ service: 'shop-new', image: V1, create: 'true', 'create-spec': other }))
    expect(run.code).toBe(1)
    expect(errorLines(run).join('\n')).toContain('must have one node with docker.nodeGroup "cp"')
    expect(await creates()).toBe(0)
  })
})

describe('the emulator serves createenvironment strictly', () => {
  async function call(params: Record<string, string>): Promise<{ result: number; error?: string }> {
    const response = await fetch(`${suite.emulator.url('jelastic')}${CREATE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ session: JELASTIC_TOKEN, ...params }),
    })
    return (await response.json()) as { result: number; error?: string }
  }
  const node = { nodeType: 'docker', fixedCloudlets: 1, flexibleCloudlets: 4, docker: { image: 'shop:v1', nodeGroup: 'cp' } }

  it.each([
    [{ env: '{"shortdomain":"a-env"}' }, 'parameter [nodes] is required'],
    [{ env: '{}', nodes: JSON.stringify([node]) }, 'env.shortdomain is required'],
    [{ env: '{"shortdomain":"a-env","name":"x"}', nodes: JSON.stringify([node]) }, 'env has the unknown field "name"'],
    [{ env: '{"shortdomain":"a-env"}', nodes: JSON.stringify([{ ...node, count: '2' }]) }, 'nodes[0].count must be an integer'],
    [
      { env: '{"shortdomain":"a-env"}', nodes: JSON.stringify([{ ...node, flexibleCloudlets: undefined }]) },
      'nodes[0].flexibleCloudlets is required',
    ],
    [
      { env: '{"shortdomain":"a-env"}', nodes: JSON.stringify([{ ...node, docker: { nodeGroup: 'cp' } }]) },
      'nodes[0].docker.image is required',
    ],
  ])('refuses %j', async (params, error) => {
    expect(await call(params)).toEqual({ result: 99, source: 'JEL', error })
  })

  it('refuses a name that exists, and shows a new environment CREATING until its nodes are up', async () => {
    await suite.emulator.jelasticEnv('taken', V1)
    expect(await call({ env: '{"shortdomain":"taken"}', nodes: JSON.stringify([node]) })).toMatchObject({
      result: 99,
      error: 'environment [taken] already exists',
    })
    // a stuck image holds the create: the environment shows CREATING, its node down, until the mark is lifted
    await suite.emulator.control('POST', '/images', { image: 'shop:v1', stuck: true })
    const created = call({ env: '{"shortdomain":"fresh"}', nodes: JSON.stringify([node]) })
    let seen: EnvState | undefined
    while (seen?.nodes.length !== 1) seen = await environment('fresh')
    expect(seen.env.status).toBe(6)
    expect(seen.nodes[0]?.status).toBe(2)
    await suite.emulator.control('POST', '/images', { image: 'shop:v1', stuck: false })
    expect(await created).toMatchObject({ result: 0, response: { env: { envName: 'fresh', status: 1 } } })
    expect((await environment('fresh'))?.env.status).toBe(1)
  })
})

describe('action-preview on Jelastic creates the environment', () => {
  const preview = (extra: Record<string, string>) =>
    jelastic({ 'service-template': 'shop-pr-{pr}', 'github-token': github.token, pr: '9', ...extra })

  it('up creates the PR environment from create-spec and waits for it; down deletes it', async () => {
    const up = await suite.steps.run('preview', preview({ command: 'up', image: V1, 'create-spec': spec }), { env: github.env() })
    expect(up.code, up.stdout).toBe(0)
    expect(up.outputs).toMatchObject({ service: 'shop-pr-9' })
    expect(up.outputs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jelastic\/env\/shop-pr-9\/$/)
    expect((await environment('shop-pr-9'))?.env.status).toBe(1)
    expect(github.comments[0]?.body).toContain('`shop-pr-9` on jelastic')
    expect(await creates()).toBe(1)

    const down = await suite.steps.run('preview', preview({ command: 'down' }), { env: github.env() })
    expect(down.code, down.stdout).toBe(0)
    expect(await environment('shop-pr-9')).toBeUndefined()
  })

  it('never shows a secret', () => {
    expect(suite.steps.leaks()).toEqual([])
  })
})

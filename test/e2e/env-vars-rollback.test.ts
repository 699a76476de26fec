import { beforeEach, describe, expect, it } from 'vitest'
import { ALAUDA_TOKEN, JELASTIC_TOKEN } from '../support/emulator.js'
import { errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

/**
 * Issue 17 item 3: a deploy that changed the variables and failed is rolled back with the
 * variables from before, on the platforms whose rollback is a redeploy of the previous image
 * (Jelastic, Alauda, NetEase apps and microservices). What the platform holds is read from the emulator's state,
 * what was written from its request log.
 */

const suite = emulatorSuite()

const RUN = {
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_REPOSITORY: 'org/shop',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'octocat',
}
/** the failing deploy's run: another commit, run and actor, whose provenance must not stay */
const FAILED_RUN = { ...RUN, GITHUB_SHA: 'b'.repeat(40), GITHUB_RUN_ID: '43', GITHUB_ACTOR: 'someone-else' }

/** A value the failing deploy sets: it must show nowhere in the log, the summary or the outputs. */
const SECRET = 'changed-value-s3cr3t'

type Request = { method: string; path: string; fault?: string }

interface Case {
  platform: string
  inputs: () => Record<string, string>
  seed: () => Promise<void>
  /** the version deployed first (it succeeds), the one that fails, and what marks it failing */
  good: Record<string, string>
  bad: Record<string, string>
  badImage: string
  /** the image the good version runs as */
  goodImage: string
  /** the service's URL for a health check */
  healthUrl: () => Promise<string>
  /** the service's variables as the platform holds them (all of them: the platform's own too) */
  vars: () => Promise<Record<string, string>>
  /** the requests that wrote the variables or the image, in order */
  varWrites: (log: Request[]) => string[]
  /** those of a failed deploy that changed the variables and the image, and of its rollback */
  changedWrites: string[]
  /** those of a failed deploy that changed the image only, and of its rollback */
  imageOnlyWrites: string[]
}

async function state<T>(platform: string): Promise<T> {
  return ((await suite.emulator.control('GET', '/state')) as Record<string, T>)[platform] as T
}

type AlaudaState = { services: { service_name: string; instance_envvars: string; default_domain_name?: string }[] }
type NeteaseState = {
  apps: { id: number; name: string; domain?: string; env_var: Record<string, string> }[]
  microservices: {
    service_info: { id: number; service_name: string }
    service_container_infos: { envs: { key: string; value: string }[] }[]
  }[]
}
const microservice = async () => (await state<NeteaseState>('netease')).microservices.find((m) => m.service_info.service_name === 'shop')

const CASES: Case[] = [
  {
    platform: 'jelastic',
    inputs: () => ({ platform: 'jelastic', 'api-url': suite.emulator.url('jelastic'), token: JELASTIC_TOKEN }),
    seed: () => suite.emulator.jelasticEnv('shop', 'registry.example.com/shop:v1', 2),
    good: { image: 'registry.example.com/shop:v2' },
    goodImage: 'registry.example.com/shop:v2',
    bad: { image: 'registry.example.com/shop:v3' },
    badImage: 'registry.example.com/shop:v3',
    healthUrl: async () => `${suite.emulator.url('jelastic')}/env/shop/`,
    vars: async () => {
      const env = (
        await state<{ environments: { env: { envName: string }; vars: Record<string, Record<string, string>> }[] }>('jelastic')
      ).environments.find((e) => e.env.envName === 'shop')
      const nodes = Object.values(env?.vars ?? {})
      for (const node of nodes) expect(node).toEqual(nodes[0])
      return nodes[0] ?? {}
    },
    varWrites: (log) =>
      log.filter((r) => /(add|remove)containerenvvars|redeploycontainersbygroup/.test(r.path)).map((r) => r.path.split('/').at(-1) ?? ''),
    // the rollback sets the variables from before, then removes the deploy's added one
    changedWrites: [
      'addcontainerenvvars',
      'redeploycontainersbygroup',
      'addcontainerenvvars',
      'removecontainerenvvars',
      'redeploycontainersbygroup',
    ],
    imageOnlyWrites: ['redeploycontainersbygroup', 'redeploycontainersbygroup'],
  },
  {
    platform: 'alauda',
    inputs: () => ({ platform: 'alauda', 'api-url': suite.emulator.url('alauda'), token: ALAUDA_TOKEN, project: 'team' }),
    seed: async () => {
      await suite.emulator.control('POST', '/alauda/timing', { instanceMs: 40 })
      await suite.emulator.control('POST', '/alauda/services', {
        namespace: 'team',
        name: 'shop',
        image: 'index.alauda.cn/team/shop:v1',
        instances: 2,
      })
    },
    good: { image: 'index.alauda.cn/team/shop:v2' },
    goodImage: 'index.alauda.cn/team/shop:v2',
    bad: { image: 'index.alauda.cn/team/shop:v3' },
    badImage: 'index.alauda.cn/team/shop:v3',
    healthUrl: async () =>
      `http://${(await state<AlaudaState>('alauda')).services.find((s) => s.service_name === 'shop')?.default_domain_name}/`,
    vars: async () =>
      JSON.parse((await state<AlaudaState>('alauda')).services.find((s) => s.service_name === 'shop')?.instance_envvars ?? '{}') as Record<
        string,
        string
      >,
    varWrites: (log) => log.filter((r) => r.method === 'PUT' && /^\/v1\/services\/team\/shop\/?$/.test(r.path)).map(() => 'PUT service'),
    // the image and the variables in one PUT, each way
    changedWrites: ['PUT service', 'PUT service'],
    imageOnlyWrites: ['PUT service', 'PUT service'],
  },
  {
    platform: 'netease',
    inputs: () => ({ platform: 'netease', 'api-url': suite.emulator.url('netease'), token: 'netease-demo-token-0123456789' }),
    seed: async () => {
      await suite.emulator.control('POST', '/netease/timing', { containerMs: 40 })
      await suite.emulator.control('POST', '/netease/apps', { name: 'shop', version: 'a1b2c3', replicas: 2, domain: 'shop.example.cn' })
    },
    good: { 'source-version': 'b2' },
    goodImage: 'source@b2',
    bad: { 'source-version': 'broken1' },
    badImage: 'source@broken1',
    healthUrl: async () =>
      `${suite.emulator.url('netease')}/apps/${(await state<NeteaseState>('netease')).apps.find((a) => a.name === 'shop')?.id}/`,
    vars: async () => (await state<NeteaseState>('netease')).apps.find((a) => a.name === 'shop')?.env_var ?? {},
    varWrites: (log) => log.filter((r) => r.method === 'PUT' && /^\/api\/v1\/apps\/\d+$/.test(r.path)).map(() => 'PUT app'),
    changedWrites: ['PUT app', 'PUT app'],
    imageOnlyWrites: ['PUT app', 'PUT app'],
  },
  {
    platform: 'netease microservices',
    inputs: () => ({
      platform: 'netease',
      'api-url': suite.emulator.url('netease'),
      token: 'netease-demo-token-0123456789',
      project: 'team',
    }),
    seed: async () => {
      await suite.emulator.control('POST', '/netease/timing', { containerMs: 40 })
      await suite.emulator.control('POST', '/netease/microservices', { name: 'shop', image: 'hub.c.163.com/team/shop:v1', replicas: 2 })
    },
    good: { image: 'hub.c.163.com/team/shop:v2' },
    goodImage: 'hub.c.163.com/team/shop:v2',
    bad: { image: 'hub.c.163.com/team/shop:v3' },
    badImage: 'hub.c.163.com/team/shop:v3',
    healthUrl: async () => `${suite.emulator.url('netease')}/microservices/${(await microservice())?.service_info.id}/`,
    vars: async () => Object.fromEntries((await microservice())?.service_container_infos[0]?.envs.map((e) => [e.key, e.value]) ?? []),
    varWrites: (log) =>
      log
        .filter((r) => r.method === 'PUT' && /\/actions\/update-(stateless|image)$/.test(r.path))
        .map((r) => r.path.split('/').at(-1) ?? ''),
    // two updates, each refused while another runs: the deploy's variables first, then its image;
    // the rollback's image first (the one it leaves does not start, so an update of its variables
    // would fail before the image was sent), then the variables
    changedWrites: ['update-stateless', 'update-image', 'update-image', 'update-stateless'],
    imageOnlyWrites: ['update-image', 'update-image'],
  },
]

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
})

describe.each(CASES)('a failed deploy that changed the variables, on $platform', (c) => {
  /** The good version with A and B, deployed by RUN; what the platform then holds is what a rollback must give back. */
  async function deployGood(): Promise<Record<string, string>> {
    await c.seed()
    const first = await suite.steps.run('deploy', { ...c.inputs(), service: 'shop', ...c.good, 'env-vars': 'A=1\nB=2' }, { env: RUN })
    expect(first.code, first.stdout).toBe(0)
    const vars = await c.vars()
    expect(vars).toMatchObject({ A: '1', B: '2' })
    return vars
  }

  it('is rolled back to the image and the variables from before: an added one gone, a changed one back, the provenance as it was', async () => {
    const before = await deployGood()
    await suite.emulator.markImage(c.badImage, { failing: true })
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run(
      'deploy',
      { ...c.inputs(), service: 'shop', ...c.bad, 'env-vars': `B=${SECRET}\nC=3` },
      { env: FAILED_RUN },
    )
    expect(run.code).toBe(1)
    const [error = ''] = errorLines(run)
    expect(error).toContain(`rolled back to ${c.goodImage} with the variables from before (removed C; restored B)`)
    expect(run.outputs).toMatchObject({ image: c.goodImage, 'rolled-back': 'true' })
    expect(run.summary).toContain('Variables put back')
    // exactly as before: the platform's own variables and the provenance's included
    expect(await c.vars()).toEqual(before)
    expect(run.everything).not.toContain(SECRET)
    // the deploy wrote the variables, then the rollback wrote them back: one write each way
    expect(c.varWrites(await suite.emulator.requestLog())).toEqual(c.changedWrites)
  })

  it('a failed change of the variables alone is rolled back too: the same image again, with the variables from before', async () => {
    const before = await deployGood()
    // the new variables break the app: its health check fails
    await suite.emulator.markImage(c.goodImage, { unhealthy: true })
    const run = await suite.steps.run(
      'deploy',
      {
        ...c.inputs(),
        service: 'shop',
        ...c.good,
        'env-vars': 'A=1\nC=3',
        'health-url': await c.healthUrl(),
        'health-samples': '2',
        'health-interval': '20ms',
      },
      { env: FAILED_RUN },
    )
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/health check .* failed/)
    expect(errorLines(run)[0]).toContain(`rolled back to ${c.goodImage} with the variables from before (removed C)`)
    expect(await c.vars()).toEqual(before)
  })

  it('a failed deploy that left the variables as they were rolls back the image only: no variable is written again', async () => {
    const before = await deployGood()
    await suite.emulator.markImage(c.badImage, { failing: true })
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('deploy', { ...c.inputs(), service: 'shop', ...c.bad, 'env-vars': 'A=1\nB=2' }, { env: RUN })
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(new RegExp(`rolled back to ${c.goodImage.replace(/[.@]/g, '\\$&')}$`, 'm'))
    expect(run.summary).not.toContain('Variables put back')
    expect(await c.vars()).toEqual(before)
    expect(c.varWrites(await suite.emulator.requestLog())).toEqual(c.imageOnlyWrites)
  })

  it('a dry run names the variables a rollback would put back, never their values', async () => {
    await deployGood()
    const run = await suite.steps.run('deploy', {
      ...c.inputs(),
      service: 'shop',
      ...c.bad,
      'env-vars': `B=${SECRET}\nC=3`,
      'dry-run': 'true',
    })
    expect(run.code, run.stdout).toBe(0)
    const plan = JSON.parse(run.outputs.plan ?? '') as { onFailure: { operation: string; after: string; detail?: string }[] }
    expect(plan.onFailure).toEqual([
      expect.objectContaining({
        operation: 'rollback',
        after: `${c.goodImage}, variables put back as they were (removed C; restored B)`,
        detail: 'a deploy of the previous image with the variables from before, waited for',
      }),
    ])
    expect(run.everything).not.toContain(SECRET)
  })
})

describe('restoring the variables on Jelastic when an answer is lost', () => {
  it('a removal that landed but whose answer was lost is settled by reading the variables, not sent again', async () => {
    const c = CASES[0] as Case
    await c.seed()
    const first = await suite.steps.run('deploy', { ...c.inputs(), service: 'shop', ...c.good, 'env-vars': 'A=1' }, { env: RUN })
    expect(first.code, first.stdout).toBe(0)
    const before = await c.vars()
    await suite.emulator.markImage(c.badImage, { failing: true })
    // only the rollback removes variables: its call lands, and its answer is lost
    await suite.emulator.fault({ platform: 'jelastic', path: 'removecontainerenvvars', drop: true, when: 'after', count: 1 })
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('deploy', { ...c.inputs(), service: 'shop', ...c.bad, 'env-vars': 'C=3' }, { env: FAILED_RUN })
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toContain(`rolled back to ${c.goodImage} with the variables from before (removed C)`)
    expect(await c.vars()).toEqual(before)
    const log = await suite.emulator.requestLog()
    const removals = log.filter((r) => r.path.endsWith('removecontainerenvvars'))
    expect(removals).toEqual([expect.objectContaining({ fault: 'after drop' })])
    // read back after the lost answer, before the redeploy of the previous image
    const at = log.indexOf(removals[0] as (typeof log)[number])
    expect(log.slice(at + 1).map((r) => r.path.split('/').at(-1))).toEqual(
      expect.arrayContaining(['getcontainerenvvarsbygroup', 'redeploycontainersbygroup']),
    )
    expect(log.slice(at + 1).findIndex((r) => r.path.endsWith('getcontainerenvvarsbygroup'))).toBeLessThan(
      log.slice(at + 1).findIndex((r) => r.path.endsWith('redeploycontainersbygroup')),
    )
  })
})

import { beforeEach, describe, expect, it } from 'vitest'
import { ALAUDA_TOKEN, JELASTIC_TOKEN } from '../support/emulator.js'
import { errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

/**
 * Issue 17 item 3: env-vars and provenance on the five platforms, through the committed bundles.
 * What the platform holds is read from the emulator's state; what was written from its request log.
 */

const suite = emulatorSuite()

const COMMIT = 'a'.repeat(40)
const RUN = {
  GITHUB_SHA: COMMIT,
  GITHUB_REPOSITORY: 'org/shop',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'octocat',
}
const RUN_URL = 'https://github.com/org/shop/actions/runs/42/attempts/1'

type Request = { method: string; path: string }

interface Case {
  platform: string
  inputs: () => Record<string, string>
  seed: () => Promise<void>
  /** two versions to deploy, as inputs */
  v2: Record<string, string>
  v3: Record<string, string>
  /** the service's variables as the platform holds them */
  vars: () => Promise<Record<string, string>>
  /** where the platform keeps the provenance: field → value */
  provenance: () => Promise<Record<string, string | undefined>>
  /** a request that changes something on the platform */
  isWrite: (request: Request) => boolean
  replace: boolean
}

async function state<T>(platform: string): Promise<T> {
  return ((await suite.emulator.control('GET', '/state')) as Record<string, T>)[platform] as T
}

const notGet = (r: Request) => r.method !== 'GET'

const MICRO = { platform: 'netease', token: 'netease-demo-token-0123456789', project: 'team' }
const HUB = (tag: string) => `hub.c.163.com/team/shop:${tag}`

interface MicroserviceView {
  service_info: { service_name: string; status: string }
  service_container_infos: {
    image_path: string
    envs: { key: string; value: string }[]
    log_dirs: string[]
    docker_container_ids: string[]
  }[]
}

async function microservice(name: string): Promise<MicroserviceView | undefined> {
  return (await state<{ microservices: MicroserviceView[] }>('netease')).microservices.find((m) => m.service_info.service_name === name)
}

async function microserviceVars(name: string): Promise<Record<string, string>> {
  return Object.fromEntries((await microservice(name))?.service_container_infos[0]?.envs.map((e) => [e.key, e.value]) ?? [])
}

const CASES: Case[] = [
  {
    platform: 'jelastic',
    inputs: () => ({ platform: 'jelastic', 'api-url': suite.emulator.url('jelastic'), token: JELASTIC_TOKEN }),
    seed: () => suite.emulator.jelasticEnv('shop', 'registry.example.com/shop:v1', 2),
    v2: { image: 'registry.example.com/shop:v2' },
    v3: { image: 'registry.example.com/shop:v3' },
    vars: async () => {
      const env = (
        await state<{ environments: { env: { envName: string }; vars: Record<string, Record<string, string>> }[] }>('jelastic')
      ).environments.find((e) => e.env.envName === 'shop')
      const nodes = Object.values(env?.vars ?? {})
      // every node of the group holds the same
      for (const node of nodes) expect(node).toEqual(nodes[0])
      return nodes[0] ?? {}
    },
    provenance: async () => {
      const env = (
        await state<{ environments: { env: { envName: string }; properties: Record<string, string> }[] }>('jelastic')
      ).environments.find((e) => e.env.envName === 'shop')
      const p = env?.properties ?? {}
      return { commit: p.paasReleaseCommit, repository: p.paasReleaseRepository, runUrl: p.paasReleaseRunUrl, actor: p.paasReleaseActor }
    },
    isWrite: (r) => !/getenvinfo|getcontainerenvvars|getenvproperty|signin/i.test(r.path),
    replace: true,
  },
  {
    platform: 'servicestage',
    inputs: () => ({
      platform: 'servicestage',
      'api-url': suite.emulator.url('servicestage'),
      token: 'servicestage-demo-token-0123456789',
      project: 'p1',
      application: 'a1',
    }),
    seed: async () => {
      await suite.emulator.control('POST', '/servicestage/timing', { taskMs: 40 })
      await suite.emulator.control('POST', '/servicestage/components', {
        project: 'p1',
        application: 'a1',
        name: 'shop',
        image: 'swr.cn-north-4.myhuaweicloud.com/team/shop:v1',
        replica: 2,
      })
    },
    v2: { image: 'swr.cn-north-4.myhuaweicloud.com/team/shop:v2' },
    v3: { image: 'swr.cn-north-4.myhuaweicloud.com/team/shop:v3' },
    vars: async () => {
      const c = (await state<{ components: { name: string; envs?: { name: string; value: string }[] }[] }>('servicestage')).components.find(
        (x) => x.name === 'shop',
      )
      return Object.fromEntries((c?.envs ?? []).map((e) => [e.name, e.value]))
    },
    provenance: async () => {
      const c = (
        await state<{
          components: { name: string; labels?: { key: string; value: string }[]; envs?: { name: string; value: string }[] }[]
        }>('servicestage')
      ).components.find((x) => x.name === 'shop')
      const label = (key: string) => c?.labels?.find((l) => l.key === key)?.value
      const env = (name: string) => c?.envs?.find((e) => e.name === name)?.value
      return {
        commit: label('paas-release-commit'),
        actor: label('paas-release-actor'),
        repository: env('PAAS_RELEASE_REPOSITORY'),
        runUrl: env('PAAS_RELEASE_RUN_URL'),
      }
    },
    isWrite: notGet,
    replace: true,
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
    v2: { image: 'index.alauda.cn/team/shop:v2' },
    v3: { image: 'index.alauda.cn/team/shop:v3' },
    vars: async () => {
      const s = (await state<{ services: { service_name: string; instance_envvars: string }[] }>('alauda')).services.find(
        (x) => x.service_name === 'shop',
      )
      return JSON.parse(s?.instance_envvars ?? '{}') as Record<string, string>
    },
    provenance: async () => {
      const s = (await state<{ services: { service_name: string; instance_envvars: string }[] }>('alauda')).services.find(
        (x) => x.service_name === 'shop',
      )
      const vars = JSON.parse(s?.instance_envvars ?? '{}') as Record<string, string>
      return {
        commit: vars.PAAS_RELEASE_COMMIT,
        repository: vars.PAAS_RELEASE_REPOSITORY,
        runUrl: vars.PAAS_RELEASE_RUN_URL,
        actor: vars.PAAS_RELEASE_ACTOR,
      }
    },
    isWrite: notGet,
    replace: true,
  },
  {
    platform: 'netease',
    inputs: () => ({ platform: 'netease', 'api-url': suite.emulator.url('netease'), token: 'netease-demo-token-0123456789' }),
    seed: async () => {
      await suite.emulator.control('POST', '/netease/timing', { containerMs: 40 })
      await suite.emulator.control('POST', '/netease/apps', { name: 'shop', version: 'a1b2c3', replicas: 2 })
    },
    v2: { 'source-version': 'b2' },
    v3: { 'source-version': 'c3' },
    vars: async () =>
      (await state<{ apps: { name: string; env_var: Record<string, string> }[] }>('netease')).apps.find((a) => a.name === 'shop')
        ?.env_var ?? {},
    provenance: async () => {
      const vars = (await state<{ apps: { name: string; env_var: Record<string, string> }[] }>('netease')).apps.find(
        (a) => a.name === 'shop',
      )?.env_var
      return {
        commit: vars?.PAAS_RELEASE_COMMIT,
        repository: vars?.PAAS_RELEASE_REPOSITORY,
        runUrl: vars?.PAAS_RELEASE_RUN_URL,
        actor: vars?.PAAS_RELEASE_ACTOR,
      }
    },
    isWrite: notGet,
    replace: true,
  },
  {
    platform: 'netease (a microservice)',
    inputs: () => ({ ...MICRO, 'api-url': suite.emulator.url('netease') }),
    seed: async () => {
      await suite.emulator.control('POST', '/netease/timing', { containerMs: 40 })
      await suite.emulator.control('POST', '/netease/microservices', {
        name: 'shop',
        image: HUB('v1'),
        replicas: 2,
        log_dirs: ['/app/logs/'],
      })
    },
    v2: { image: HUB('v2') },
    v3: { image: HUB('v3') },
    vars: async () => microserviceVars('shop'),
    provenance: async () => {
      const vars = await microserviceVars('shop')
      return {
        commit: vars.PAAS_RELEASE_COMMIT,
        repository: vars.PAAS_RELEASE_REPOSITORY,
        runUrl: vars.PAAS_RELEASE_RUN_URL,
        actor: vars.PAAS_RELEASE_ACTOR,
      }
    },
    isWrite: notGet,
    replace: true,
  },
  {
    platform: 'rancher',
    inputs: () => ({
      platform: 'rancher',
      'api-url': suite.emulator.url('rancher'),
      'access-key': 'rancher-demo-access',
      'secret-key': 'rancher-demo-secret-0123',
      project: '1a5',
    }),
    seed: async () => {
      await suite.emulator.control('POST', '/rancher/timing', { batchMs: 40 })
      await suite.emulator.control('POST', '/rancher/services', {
        stack: 'web',
        name: 'shop',
        image: 'registry.example.com/team/web:v1',
        scale: 2,
      })
    },
    v2: { image: 'registry.example.com/team/web:v2' },
    v3: { image: 'registry.example.com/team/web:v3' },
    vars: async () =>
      ((await state<{ services: { name: string; launchConfig: { environment?: Record<string, string> } }[] }>('rancher')).services.find(
        (s) => s.name === 'shop',
      )?.launchConfig.environment ?? {}) as Record<string, string>,
    provenance: async () => {
      const labels =
        (await state<{ services: { name: string; launchConfig: { labels?: Record<string, string> } }[] }>('rancher')).services.find(
          (s) => s.name === 'shop',
        )?.launchConfig.labels ?? {}
      return {
        commit: labels['io.paas-release.commit'],
        repository: labels['io.paas-release.repository'],
        runUrl: labels['io.paas-release.run-url'],
        actor: labels['io.paas-release.actor'],
      }
    },
    isWrite: notGet,
    replace: true,
  },
]

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
})

/** The variables the deploy manages: the platform's own (Jelastic's image variables, Alauda's __*__) left out. */
function ours(vars: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(vars).filter(([key]) => /^(A|B|C|LOG_LEVEL)$/.test(key)))
}

describe.each(CASES)('env-vars and provenance on $platform', (c) => {
  it('a deploy merges the variables and records where it came from; a re-run with the same image and variables writes nothing', async () => {
    await c.seed()
    const deploy = await suite.steps.run(
      'deploy',
      { ...c.inputs(), service: 'shop', ...c.v2, 'env-vars': 'A=1\nB=two words' },
      { env: RUN },
    )
    expect(deploy.code, deploy.stdout).toBe(0)
    expect(ours(await c.vars())).toEqual({ A: '1', B: 'two words' })
    expect(await c.provenance()).toEqual({ commit: COMMIT, repository: 'org/shop', runUrl: RUN_URL, actor: 'octocat' })
    // the summary names the keys, never the values
    expect(deploy.summary).toContain('added A, B')
    expect(deploy.summary).not.toContain('two words')

    await suite.emulator.control('DELETE', '/requests')
    const again = await suite.steps.run(
      'deploy',
      { ...c.inputs(), service: 'shop', ...c.v2, 'env-vars': '{"B": "two words", "A": "1"}' },
      { env: RUN },
    )
    expect(again.code, again.stdout).toBe(0)
    expect(again.summary).toContain('unchanged')
    expect((await suite.emulator.requestLog()).filter(c.isWrite)).toEqual([])

    // a change of the variables alone is a deploy; merge keeps the others
    await suite.emulator.control('DELETE', '/requests')
    const merged = await suite.steps.run('deploy', { ...c.inputs(), service: 'shop', ...c.v2, 'env-vars': 'C=3\nA=1' }, { env: RUN })
    expect(merged.code, merged.stdout).toBe(0)
    expect(ours(await c.vars())).toEqual({ A: '1', B: 'two words', C: '3' })
    expect((await suite.emulator.requestLog()).filter(c.isWrite).length).toBeGreaterThan(0)
  })

  it.runIf(c.replace)('replace leaves only the given variables (and the provenance)', async () => {
    await c.seed()
    const first = await suite.steps.run('deploy', { ...c.inputs(), service: 'shop', ...c.v2, 'env-vars': 'A=1\nB=2' }, { env: RUN })
    expect(first.code, first.stdout).toBe(0)
    const replaced = await suite.steps.run(
      'deploy',
      { ...c.inputs(), service: 'shop', ...c.v2, 'env-vars': 'C=3', 'env-vars-update': 'replace' },
      { env: RUN },
    )
    expect(replaced.code, replaced.stdout).toBe(0)
    expect(replaced.summary).toContain('removed A, B')
    expect(ours(await c.vars())).toEqual({ C: '3' })
    expect((await c.provenance()).commit).toBe(COMMIT)
  })

  it('an invalid key is refused with exit 1 before any request', async () => {
    await c.seed()
    await suite.emulator.control('DELETE', '/requests')
    const bad = await suite.steps.run('deploy', { ...c.inputs(), service: 'shop', ...c.v2, 'env-vars': 'GOOD=1\nBAD-KEY=secret-value' })
    expect(bad.code).toBe(1)
    expect(errorLines(bad).join('\n')).toMatch(/Input "env-vars" has a line whose key is not a name \(line 2;/)
    expect(bad.everything).not.toContain('secret-value')
    expect(await suite.emulator.requestLog()).toEqual([])
  })

  it('provenance: false writes none, and a run with nothing to change writes none either', async () => {
    await c.seed()
    const off = await suite.steps.run('deploy', { ...c.inputs(), service: 'shop', ...c.v2, provenance: 'false' }, { env: RUN })
    expect(off.code, off.stdout).toBe(0)
    expect(Object.values(await c.provenance()).filter(Boolean)).toEqual([])

    const on = await suite.steps.run('deploy', { ...c.inputs(), service: 'shop', ...c.v3 }, { env: RUN })
    expect(on.code, on.stdout).toBe(0)
    expect((await c.provenance()).commit).toBe(COMMIT)

    // another commit that changes nothing: no write, so the provenance stays the last deploy's
    await suite.emulator.control('DELETE', '/requests')
    const same = await suite.steps.run(
      'deploy',
      { ...c.inputs(), service: 'shop', ...c.v3 },
      { env: { ...RUN, GITHUB_SHA: 'b'.repeat(40) } },
    )
    expect(same.code, same.stdout).toBe(0)
    expect((await suite.emulator.requestLog()).filter(c.isWrite)).toEqual([])
    expect((await c.provenance()).commit).toBe(COMMIT)
  })
})

describe("replace on Jelastic, which lists the image's own variables with the others", () => {
  const jelastic = CASES.find((c) => c.platform === 'jelastic') ?? expect.fail('no jelastic case')
  const deploy = (vars: string, update: string, more: Record<string, string> = {}) =>
    suite.steps.run(
      'deploy',
      { ...jelastic.inputs(), service: 'shop', ...jelastic.v2, 'env-vars': vars, 'env-vars-update': update, ...more },
      { env: RUN },
    )
  /** a variable set by hand, as from the dashboard: no deploy of the action set it */
  const byHand = async (vars: Record<string, string>) => {
    const response = await fetch(`${suite.emulator.url('jelastic')}/1.0/environment/control/rest/addcontainerenvvars`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ session: JELASTIC_TOKEN, envName: 'shop', nodeGroup: 'cp', vars: JSON.stringify(vars) }).toString(),
    })
    expect(((await response.json()) as { result: number }).result).toBe(0)
  }

  it("removes only what earlier deploys set: the image's PATH and HOME and a variable set by hand stay", async () => {
    await jelastic.seed()
    await byHand({ SET_BY_HAND: 'yes' })
    expect((await deploy('A=1\nB=2', 'merge')).code).toBe(0)
    const planned = await deploy('C=3', 'replace', { 'dry-run': 'true' })
    expect(planned.code, planned.stdout).toBe(0)
    expect(planned.summary).toContain('added C; removed A, B (replace)')
    const replaced = await deploy('C=3', 'replace')
    expect(replaced.code, replaced.stdout).toBe(0)
    expect(replaced.summary).toContain('added C; removed A, B (replace)')
    const vars = await jelastic.vars()
    expect(ours(vars)).toEqual({ C: '3' })
    expect(vars).toMatchObject({ SET_BY_HAND: 'yes', HOME: '/root' })
    expect(vars.PATH).toBeDefined()
    // the action now answers for C alone: a replace with D removes C and nothing else
    expect((await deploy('D=4', 'replace')).code).toBe(0)
    expect(Object.keys(await jelastic.vars()).sort()).toEqual(['D', 'HOME', 'PATH', 'SET_BY_HAND'])
  })

  it('is refused before any write on an installation without environment properties, in a dry run too', async () => {
    await jelastic.seed()
    await suite.emulator.control('POST', '/jelastic/timing', { envProperties: false })
    for (const more of [{ 'dry-run': 'true' }, {}] as Record<string, string>[]) {
      await suite.emulator.control('DELETE', '/requests')
      const refused = await deploy('C=3', 'replace', more)
      expect(refused.code).toBe(1)
      expect(errorLines(refused).join('\n')).toMatch(
        /no environment properties .*env-vars-update: replace cannot tell which to remove: use merge/,
      )
      expect((await suite.emulator.requestLog()).filter(jelastic.isWrite)).toEqual([])
    }
  })
})

describe('env-vars on a NetEase microservice: two updates, one after the other', () => {
  const seed = (fields: Record<string, unknown> = {}) =>
    suite.emulator.control('POST', '/netease/microservices', { name: 'api', image: HUB('v1'), replicas: 2, ...fields })
  const inputs = (extra: Record<string, string>) => ({ ...MICRO, 'api-url': suite.emulator.url('netease'), service: 'api', ...extra })
  const writes = async () =>
    (await suite.emulator.requestLog())
      .filter(notGet)
      .map((r) => `${r.method} ${r.path.replace(/\/microservices\/\d+/, '/microservices/{id}')}`)

  it('sends the variables first and the image once their update has ended (update-image is refused while it runs)', async () => {
    await suite.emulator.control('POST', '/netease/timing', { containerMs: 40 })
    await seed({ env: { KEEP: 'k' }, log_dirs: ['/app/logs/'] })
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('deploy', inputs({ image: HUB('v2'), 'env-vars': 'A=plain-value-1' }), { env: RUN })
    expect(run.code, run.stdout).toBe(0)
    // one of each, in that order: an update-image sent while the first ran would have been refused (4030010) and failed the run
    expect(await writes()).toEqual([
      'PUT /api/v1/microservices/{id}/actions/update-stateless',
      'PUT /api/v1/microservices/{id}/actions/update-image',
    ])
    const after = await microservice('api')
    expect(after?.service_info.status).toBe('update_succ')
    expect(after?.service_container_infos[0]).toMatchObject({ image_path: HUB('v2'), log_dirs: ['/app/logs/'] })
    expect(await microserviceVars('api')).toMatchObject({ KEEP: 'k', A: 'plain-value-1', PAAS_RELEASE_COMMIT: COMMIT })
    expect(run.outputs).toMatchObject({ image: HUB('v2'), 'previous-image': HUB('v1') })
    expect(run.summary).toContain('added A')
    // the names, never the value, in the log, the summary and the outputs
    expect(run.everything).not.toContain('plain-value-1')
  })

  it('wait: false with env-vars and a new image is refused before any write; with neither it updates the image alone', async () => {
    await seed()
    await suite.emulator.control('DELETE', '/requests')
    const both = await suite.steps.run('deploy', inputs({ image: HUB('v2'), 'env-vars': 'A=1', wait: 'false' }), { env: RUN })
    expect(both.code).toBe(1)
    expect(errorLines(both).join('\n')).toMatch(/netease: deploy of "api" failed: the variables and the image are two updates/)
    expect(await writes()).toEqual([])
    // the provenance alone would need the second update: left out, said in a warning
    const image = await suite.steps.run('deploy', inputs({ image: HUB('v2'), wait: 'false' }), { env: RUN })
    expect(image.code, image.stdout).toBe(0)
    expect(image.stdout).toMatch(/::warning::netease: no provenance is kept on "api"/)
    expect(await writes()).toEqual(['PUT /api/v1/microservices/{id}/actions/update-image'])
  })

  it('a stateful microservice refuses env-vars before any write: update-stateless is for stateless ones', async () => {
    await seed({ stateful: true, replicas: 1 })
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('deploy', inputs({ image: HUB('v1'), 'env-vars': 'A=1' }))
    expect(run.code).toBe(1)
    expect(errorLines(run).join('\n')).toContain('update-stateless, which sets the variables, is for stateless microservices')
    expect(await writes()).toEqual([])
  })
})

describe('env-vars on action-preview', () => {
  it('up deploys the PR image with the variables and the provenance (Jelastic, an environment that exists)', async () => {
    await suite.emulator.jelasticEnv('shop-pr-7', 'registry.example.com/shop:v1', 1)
    const up = await suite.steps.run(
      'preview',
      {
        platform: 'jelastic',
        'api-url': suite.emulator.url('jelastic'),
        token: JELASTIC_TOKEN,
        command: 'up',
        pr: '7',
        'service-template': 'shop-pr-{pr}',
        image: 'registry.example.com/shop:pr-7',
        'env-vars': 'FEATURE_X=on',
      },
      { env: RUN },
    )
    expect(up.code, up.stdout).toBe(0)
    const env = (
      await state<{
        environments: { env: { envName: string }; vars: Record<string, Record<string, string>>; properties: Record<string, string> }[]
      }>('jelastic')
    ).environments.find((e) => e.env.envName === 'shop-pr-7')
    expect(Object.values(env?.vars ?? {})[0]).toMatchObject({ FEATURE_X: 'on' })
    expect(env?.properties).toMatchObject({ paasReleaseCommit: COMMIT, paasReleaseRunUrl: RUN_URL })
  })
})

describe('env-vars on a create', () => {
  it('jelastic: the variables go in createenvironment as the node’s docker.env, the provenance as properties', async () => {
    await suite.emulator.control('POST', '/jelastic/timing', { topologyMsPerNode: 20 })
    const run = await suite.steps.run(
      'deploy',
      {
        platform: 'jelastic',
        'api-url': suite.emulator.url('jelastic'),
        token: JELASTIC_TOKEN,
        service: 'fresh',
        image: 'registry.example.com/shop:v1',
        create: 'true',
        'env-vars': 'A=1',
      },
      { env: RUN },
    )
    expect(run.code, run.stdout).toBe(0)
    expect(run.summary).toContain('set A')
    const created = (await suite.emulator.requestLog()).find((r) => /createenvironment/.test(r.path))
    expect(created).toBeDefined()
    const env = (
      await state<{
        environments: { env: { envName: string }; vars: Record<string, Record<string, string>>; properties: Record<string, string> }[]
      }>('jelastic')
    ).environments.find((e) => e.env.envName === 'fresh')
    expect(Object.values(env?.vars ?? {})[0]).toMatchObject({ A: '1', PATH: expect.any(String) })
    expect(env?.properties).toMatchObject({ paasReleaseCommit: COMMIT })
    // no addcontainerenvvars: the create carried them
    expect((await suite.emulator.requestLog()).filter((r) => /addcontainerenvvars/.test(r.path))).toEqual([])
  })

  it('rancher: env-vars on a create are refused, naming the compose file', async () => {
    const run = await suite.steps.run('deploy', {
      platform: 'rancher',
      'api-url': suite.emulator.url('rancher'),
      'access-key': 'rancher-demo-access',
      'secret-key': 'rancher-demo-secret-0123',
      project: '1a5',
      service: 'fresh/web',
      image: 'registry.example.com/team/web:v1',
      create: 'true',
      'create-spec': JSON.stringify({ dockerCompose: 'version: "2"\nservices:\n  web:\n    image: ${IMAGE}\n' }),
      'env-vars': 'A=1',
    })
    expect(run.code).toBe(1)
    expect(errorLines(run).join('\n')).toMatch(/compose file/)
    expect(((await state<{ stacks: { name: string }[] }>('rancher')).stacks ?? []).map((s) => s.name)).not.toContain('fresh')
  })
})

import { beforeEach, describe, expect, it } from 'vitest'
import { measureSplit } from '../support/emulator.js'
import { errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

const suite = emulatorSuite()
const TOKEN = 'netease-demo-token-0123456789'
const KEYS = { 'access-key': 'netease-demo-key', 'secret-key': 'netease-demo-secret-0123' }
const HUB1 = 'hub.c.163.com/team/api:v1'
const HUB2 = 'hub.c.163.com/team/api:v2'
const HUB3 = 'hub.c.163.com/team/api:v3'

interface AppView {
  id: number
  name: string
  status: string
  replicas: number
  domain: string
  image_id: number
  spec_id: number
  env_var: Record<string, string>
  version_control: { version?: string; path?: string; password?: string }
  containers: { container_id: string }[]
  web_hook_url: string
}

interface MicroserviceView {
  service_info: { id: number; service_name: string; replicas: number; status: string }
  service_container_infos: { image_path: string; docker_container_ids: string[] }[]
}

async function state(): Promise<{ apps: AppView[]; microservices: MicroserviceView[]; tokens: string[] }> {
  return (
    (await suite.emulator.control('GET', '/state')) as { netease: { apps: AppView[]; microservices: MicroserviceView[]; tokens: string[] } }
  ).netease
}

async function app(name = 'shop'): Promise<AppView> {
  const found = (await state()).apps.find((a) => a.name === name)
  if (!found) throw new Error(`no app ${name}`)
  return found
}

async function microservice(name = 'api'): Promise<MicroserviceView> {
  const found = (await state()).microservices.find((m) => m.service_info.service_name === name)
  if (!found) throw new Error(`no microservice ${name}`)
  return found
}

function inputs(extra: Record<string, string>): Record<string, string> {
  return { platform: 'netease', 'api-url': suite.emulator.url('netease'), token: TOKEN, ...extra }
}

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.control('POST', '/netease/timing', { containerMs: 50 })
  await suite.emulator.control('POST', '/netease/apps', { name: 'shop', version: 'a1b2c3', replicas: 2 })
  await suite.emulator.control('POST', '/netease/microservices', { name: 'api', image: HUB1, replicas: 2 })
})

describe('NetEase apps (built from source)', () => {
  it('deploys a source version: updates version_control, calls the deploy hook, waits by reading the app (no watch: a build ends with no container change)', async () => {
    const before = await app()
    const run = await suite.steps.run('deploy', inputs({ service: 'shop', 'source-version': 'd4e5f6' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ image: 'source@d4e5f6', 'previous-image': 'source@a1b2c3' })
    const after = await app()
    expect(after).toMatchObject({ status: 'create_succ', version_control: { version: 'd4e5f6', path: before.version_control.path } })
    expect(after.containers.map((c) => c.container_id)).not.toContain(before.containers[0]?.container_id)
    const requests = (await suite.emulator.requests()).map((r) => `${r.method} ${r.path}`)
    expect(requests).toContain(`PUT /api/v1/apps/${before.id}`)
    expect(requests).toContain(`POST /api/v1/hooks/app/${before.web_hook_url.split('/').pop()}`)
    expect(requests.some((r) => r === `GET /api/v1/watch/apps/${before.id}`)).toBe(false)
  })

  it('ends a resize within a second of the change the watch reports, the watch held while the app is read', async () => {
    // a container takes 4 s
    await suite.emulator.control('POST', '/netease/timing', { containerMs: 4000 })
    const started = Date.now()
    const run = await suite.steps.run('scale', inputs({ service: 'shop', replicas: '3' }))
    const took = Date.now() - started
    expect(run.code, run.stdout).toBe(0)
    expect(took).toBeGreaterThanOrEqual(4000)
    const { id } = await app()
    const log = await suite.emulator.requestLog()
    expect(log.map((r) => `${r.method} ${r.path}`)).toContain(`GET /api/v1/watch/apps/${id}`)
    // the read that saw the new container came within a second of it, timed as the platform saw
    // the requests arrive (the bundle's start on a loaded machine is not the wait's)
    const resized = log.find((r) => r.method === 'PUT' && r.path.endsWith('/actions/resize'))?.at ?? Number.NaN
    const sawIt = (log.at(-1)?.at ?? Number.NaN) - resized
    expect(sawIt, JSON.stringify(log)).toBeGreaterThanOrEqual(4000)
    expect(sawIt, JSON.stringify(log)).toBeLessThan(4000 + 1000)
  })

  it('notices a failed build (which changes no container, so a watch would never answer) by reading the app each second', async () => {
    // the build fails after 3 s with no container changed
    await suite.emulator.control('POST', '/netease/timing', { containerMs: 3000 })
    await suite.emulator.control('POST', '/images', { image: 'source@broken1', failing: true })
    const { id } = await app()
    const run = await suite.steps.run('deploy', inputs({ service: 'shop', 'source-version': 'broken1', 'rollback-on-failure': 'false' }))
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/last state: create_fail/)
    // the read that saw the failure came within 2 s of it, timed as the platform saw the requests
    // arrive (the bundle's start on a loaded machine is not the wait's)
    const log = await suite.emulator.requestLog()
    const hooked = log.find((r) => r.method === 'POST' && r.path.startsWith('/api/v1/hooks/app/'))?.at ?? Number.NaN
    const lastRead = log.findLast((r) => r.method === 'GET' && r.path === `/api/v1/apps/${id}`)?.at ?? Number.NaN
    expect(lastRead - hooked, JSON.stringify(log)).toBeGreaterThanOrEqual(3000)
    expect(lastRead - hooked, JSON.stringify(log)).toBeLessThan(3000 + 2000)
    // no watch, and the app read through the build
    const requests = log.map((r) => `${r.method} ${r.path}`)
    const hook = requests.findIndex((r) => r.startsWith('POST /api/v1/hooks/app/'))
    const after = requests.slice(hook)
    expect(after.filter((r) => r === `GET /api/v1/watch/apps/${id}`)).toEqual([])
    expect(after.filter((r) => r === `GET /api/v1/apps/${id}`).length).toBeGreaterThanOrEqual(3)
  })

  it('waits for its own build to start: the build before left create_fail, and the new build starts late', async () => {
    await suite.emulator.control('POST', '/images', { image: 'source@broken1', failing: true })
    const failed = await suite.steps.run('deploy', inputs({ service: 'shop', 'source-version': 'broken1', 'rollback-on-failure': 'false' }))
    expect(failed.code).toBe(1)
    expect(await app()).toMatchObject({ status: 'create_fail', version_control: { version: 'broken1' } })
    // each build starts 1.5 s after its hook: until then the app shows the failed build
    await suite.emulator.control('POST', '/netease/timing', { buildStartMs: 1500 })
    const run = await suite.steps.run('deploy', inputs({ service: 'shop', 'source-version': 'd4e5f6' }))
    expect(run.code, run.stdout).toBe(0)
    expect(await app()).toMatchObject({ status: 'create_succ', version_control: { version: 'd4e5f6' } })
  })

  it('a rollback made while its failed deploy shows create_fail waits for its own build', async () => {
    await suite.emulator.control('POST', '/netease/timing', { buildStartMs: 1500 })
    await suite.emulator.control('POST', '/images', { image: 'source@broken1', failing: true })
    const run = await suite.steps.run('deploy', inputs({ service: 'shop', 'source-version': 'broken1' }))
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/last state: create_fail.*; rolled back to source@a1b2c3$/)
    expect(await app()).toMatchObject({ status: 'create_succ', version_control: { version: 'a1b2c3' } })
  })

  it('finds an app by name through the list, 30 at a time, and by id', async () => {
    for (let i = 0; i < 35; i++) await suite.emulator.control('POST', '/netease/apps', { name: `other-${i}`, version: 'v1', replicas: 1 })
    await suite.emulator.control('POST', '/netease/apps', { name: 'late', version: 'v1', replicas: 1 })
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('scale', inputs({ service: 'late', replicas: '2' }))
    expect(run.code, run.stdout).toBe(0)
    const lists = (await suite.emulator.requests()).filter((r) => r.path === '/api/v1/apps')
    expect(lists).toHaveLength(2)
    const byId = await suite.steps.run('scale', inputs({ service: String((await app()).id), replicas: '3' }))
    expect(byId.code, byId.stdout).toBe(0)
    expect((await app()).replicas).toBe(3)
  })

  it('rolls a failing build back to the previous source version', async () => {
    await suite.emulator.control('POST', '/images', { image: 'source@broken1', failing: true })
    const run = await suite.steps.run('deploy', inputs({ service: 'shop', 'source-version': 'broken1' }))
    expect(run.code).toBe(1)
    const [error = ''] = errorLines(run)
    expect(error).toMatch(
      /^netease: deploy of "shop" to source@broken1 failed: operation deploy:\d+:broken1:\d+ failed; last state: create_fail/,
    )
    expect(error).toContain('rolled back to source@a1b2c3')
    expect(await app()).toMatchObject({ status: 'create_succ', version_control: { version: 'a1b2c3' } })
  })

  it('creates an app: the image by name and tag becomes its image_id, with the documented fields', async () => {
    const spec = {
      image: '4638_tomcat2:v1',
      spec_id: 10,
      replicas: 2,
      domain: 'new.example.cn',
      env_var: { MODE: 'prod' },
      version_control: {
        type: 'git',
        path: 'https://git.example.com/team/new.git',
        branch: 'main',
        account: 'ci@example.com',
        password: 'vcs-secret-42',
      },
      docker_file_type: 2,
      custom_docker_file: 'docker/Dockerfile',
      log_dirs: ['/var/log/app'],
    }
    const run = await suite.steps.run(
      'deploy',
      inputs({ service: 'fresh', 'source-version': 'v1.0.0', create: 'true', 'create-spec': JSON.stringify(spec) }),
    )
    expect(run.code, run.stdout).toBe(0)
    expect(await app('fresh')).toMatchObject({
      status: 'create_succ',
      image_id: 30202,
      spec_id: 10,
      replicas: 2,
      domain: 'new.example.cn',
      env_var: { MODE: 'prod' },
      version_control: { version: 'v1.0.0', password: 'bec55f12a60bf849' },
    })
    const quota = await suite.steps.run(
      'deploy',
      inputs({
        service: 'big',
        'source-version': 'v1',
        create: 'true',
        'create-spec': JSON.stringify({ image: 'centos:latest', replicas: 50 }),
      }),
    )
    expect(quota.code).toBe(1)
    expect(errorLines(quota)).toEqual([
      'netease: create of "big" failed: Replication quota insufficient (4030005): a quota of the account is used up; free some or raise it, retrying will not help',
    ])
    const unknown = await suite.steps.run(
      'deploy',
      inputs({ service: 'x', 'source-version': 'v1', create: 'true', 'create-spec': JSON.stringify({ image: 'nginx:1' }) }),
    )
    expect(errorLines(unknown)[0]).toContain('no app image nginx:1 (images: 4638_tomcat2:v1, centos:latest, tomcat:8)')
  })

  it('deletes nothing by mistake: an unknown app is named, a deploy of an image to an app is refused', async () => {
    const missing = await suite.steps.run('deploy', inputs({ service: 'nowhere', 'source-version': 'v2' }))
    expect(errorLines(missing)).toEqual(['netease: deploy of "nowhere" failed: service not found'])
    const image = await suite.steps.run('deploy', inputs({ service: 'shop', image: HUB2 }))
    expect(errorLines(image)[0]).toContain('NetEase apps build from source: give "source-version" instead of the image')
  })
})

describe('action-rollback on NetEase', () => {
  it('builds a given source version again on an app, and puts a given image back on a microservice', async () => {
    const app1 = await suite.steps.run('deploy', inputs({ service: 'shop', 'source-version': 'b2' }))
    expect(app1.code, app1.stdout).toBe(0)
    const back = await suite.steps.run('rollback', inputs({ service: 'shop', to: 'source@a1b2c3', reason: 'checkout broke' }))
    expect(back.code, back.stdout).toBe(0)
    expect(back.outputs.image).toBe('source@a1b2c3')
    expect((await app()).version_control.version).toBe('a1b2c3')
    const image = await suite.steps.run('deploy', inputs({ service: 'api', project: 'team', image: HUB2 }))
    expect(image.code, image.stdout).toBe(0)
    const imageBack = await suite.steps.run('rollback', inputs({ service: 'api', project: 'team', to: HUB1 }))
    expect(imageBack.code, imageBack.stdout).toBe(0)
    expect((await microservice()).service_container_infos[0]?.image_path).toBe(HUB1)
  })
})

describe('NetEase microservices (images, in a namespace)', () => {
  it('deploys an image with update-image, waits for the containers, and scales with elastic-scale', async () => {
    const run = await suite.steps.run('deploy', inputs({ service: 'api', project: 'team', image: HUB2 }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ image: HUB2, 'previous-image': HUB1 })
    expect(await microservice()).toMatchObject({ service_info: { status: 'update_succ' }, service_container_infos: [{ image_path: HUB2 }] })
    const scale = await suite.steps.run('scale', inputs({ service: 'api', project: 'team', replicas: '4' }))
    expect(scale.code, scale.stdout).toBe(0)
    expect((await microservice()).service_container_infos[0]?.docker_container_ids).toHaveLength(4)
    // a microservice scales from 1 to 5: said before any call
    await suite.emulator.control('DELETE', '/requests')
    const tooMany = await suite.steps.run('scale', inputs({ service: 'api', project: 'team', replicas: '6' }))
    expect(errorLines(tooMany)).toEqual(['Input "replicas" has the value "6"; allowed: a whole number from 1 to 5.'])
    expect(await suite.emulator.requests()).toEqual([])
  })

  it('rolls back a failing image, and refuses another repository', async () => {
    await suite.emulator.control('POST', '/images', { image: HUB3, failing: true })
    const run = await suite.steps.run('deploy', inputs({ service: 'api', project: 'team', image: HUB3 }))
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/last state: update_fail.*rolled back to hub\.c\.163\.com\/team\/api:v1$/)
    expect((await microservice()).service_container_infos[0]?.image_path).toBe(HUB1)
    const other = await suite.steps.run('deploy', inputs({ service: 'api', project: 'team', image: 'hub.c.163.com/other/api:v2' }))
    expect(errorLines(other)[0]).toContain('update-image keeps the repository: hub.c.163.com/team/api runs now')
  })

  it('restarts a microservice (restart?option=restart); an app cannot restart', async () => {
    const before = (await microservice()).service_container_infos[0]?.docker_container_ids
    const run = await suite.steps.run('scale', inputs({ service: 'api', project: 'team', lifecycle: 'restart' }))
    expect(run.code, run.stdout).toBe(0)
    const after = await microservice()
    expect(after.service_info.status).toBe('restart_succ')
    expect(after.service_container_infos[0]?.docker_container_ids).toHaveLength(2)
    expect(after.service_container_infos[0]?.docker_container_ids).not.toContain(before?.[0])
    await suite.emulator.control('DELETE', '/requests')
    const app = await suite.steps.run('scale', inputs({ service: 'shop', lifecycle: 'restart' }))
    expect(errorLines(app)).toEqual(['Input "lifecycle" has the value "restart"; allowed on NetEase apps: remove.'])
    const stop = await suite.steps.run('scale', inputs({ service: 'api', project: 'team', lifecycle: 'stop' }))
    expect(errorLines(stop)).toEqual(['Input "lifecycle" has the value "stop"; allowed on NetEase microservices: restart, remove.'])
    expect(await suite.emulator.requests()).toEqual([])
  })

  it('removes a microservice and an app (DELETE), and a second removal finds nothing to do', async () => {
    const micro = await suite.steps.run('scale', inputs({ service: 'api', project: 'team', lifecycle: 'remove' }))
    expect(micro.code, micro.stdout).toBe(0)
    const app = await suite.steps.run('scale', inputs({ service: 'shop', lifecycle: 'remove' }))
    expect(app.code, app.stdout).toBe(0)
    expect(await state()).toMatchObject({ apps: [], microservices: [] })
    const again = await suite.steps.run('scale', inputs({ service: 'shop', lifecycle: 'remove' }))
    expect(again.code, again.stdout).toBe(0)
  })

  it('names an unknown namespace with the ones there are', async () => {
    const run = await suite.steps.run('deploy', inputs({ service: 'api', project: 'elsewhere', image: HUB2 }))
    expect(errorLines(run)).toEqual(['netease: describe of "api" failed: namespace "elsewhere" not found (namespaces: team)'])
  })
})

describe('a replica-ratio split between two apps on one domain', () => {
  const DOMAIN = 'shop.example.cn'
  const router = { router: DOMAIN, blue: 'shop-blue', green: 'shop-green' }

  async function shares(count = 100): Promise<Record<string, number>> {
    const counts = await measureSplit(`${suite.emulator.url('netease')}/domains/${DOMAIN}/`, count)
    return Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, (n * 100) / count]))
  }

  beforeEach(async () => {
    await suite.emulator.control('POST', '/netease/apps', { name: 'shop-blue', version: 'v1', replicas: 4, domain: DOMAIN })
    await suite.emulator.control('POST', '/netease/apps', { name: 'shop-green', version: 'v1', replicas: 0, domain: DOMAIN })
  })

  it('deploys to the idle app, moves containers step by step (measured over 100 requests), and promotes', async () => {
    const deploy = await suite.steps.run('deploy', inputs({ service: 'shop-green', 'source-version': 'v2' }))
    expect(deploy.code, deploy.stdout).toBe(0)
    const canary = await suite.steps.run('traffic', inputs({ ...router, steps: '20,50' }))
    expect(canary.code, canary.stdout).toBe(0)
    expect(canary.stdout).toContain('steps 20%, 50% become 25%, 50%')
    expect(await shares()).toEqual({ 'shop-blue': 50, 'shop-green': 50 })
    expect((await app('shop-green')).containers).toHaveLength(2)
    const promote = await suite.steps.run('traffic', inputs({ ...router, command: 'promote' }))
    expect(promote.code, promote.stdout).toBe(0)
    expect(JSON.parse(promote.outputs.weights ?? '')).toEqual({ blue: 0, green: 100 })
    expect(await shares(200)).toEqual({ 'shop-green': 100 })
    expect(await app('shop-blue')).toMatchObject({ replicas: 0, containers: [] })
  })

  it('aborts to all blue when the candidate fails its gate', async () => {
    await suite.emulator.control('POST', '/images', { image: 'source@v1', unhealthy: true })
    const green = await app('shop-green')
    const run = await suite.steps.run(
      'traffic',
      inputs({
        ...router,
        steps: '25,50',
        'health-url': `${suite.emulator.url('netease')}/apps/${green.id}/`,
        'health-interval': '50ms',
        'health-samples': '3',
        'failure-limit': '1',
      }),
    )
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/aborted, all traffic back on shop-blue: health gate failed at 25%/)
    expect(await shares(200)).toEqual({ 'shop-blue': 100 })
  })
})

describe('NetEase auth and limits', () => {
  it('exchanges the access key and secret for a token (masked), and gets a new one after a 401', async () => {
    const run = await suite.steps.run('deploy', inputs({ token: '', ...KEYS, service: 'api', project: 'team', image: HUB2 }))
    expect(run.code, run.stdout).toBe(0)
    const issued = (await state()).tokens.filter((t) => t !== TOKEN)
    expect(issued).toHaveLength(1)
    expect(run.stdout).toContain(`::add-mask::${issued[0]}`)
    await suite.emulator.control('POST', '/faults', {
      platform: 'netease',
      path: '/microservices/',
      status: 401,
      body: { code: 4010001, message: 'Unauthorized user' },
      count: 1,
    })
    const again = await suite.steps.run('deploy', inputs({ token: '', ...KEYS, service: 'api', project: 'team', image: HUB1 }))
    expect(again.code, again.stdout).toBe(0)
    const refused = await suite.steps.run(
      'deploy',
      inputs({
        token: '',
        'access-key': 'netease-demo-key',
        'secret-key': 'wrong-secret-xyz',
        service: 'api',
        project: 'team',
        image: HUB1,
      }),
    )
    expect(errorLines(refused)).toEqual([
      'netease: sign-in of "netease-demo-key" failed: Unauthorized user (4010001): the access key and secret were refused',
    ])
  })

  it('survives the rate limit (4030001, HTTP 403) with backoff', async () => {
    // one a second, counted per calendar second: the deploy sends three requests or more within a
    // second before its wait (lookup, read, update), so two fall in one second and a 403 comes,
    // however the seconds fall (at 3 a second it came only when they fell in one)
    await suite.emulator.control('POST', '/netease/rate-limit', { perSecond: 1 })
    const run = await suite.steps.run('deploy', inputs({ service: 'api', project: 'team', image: HUB2 }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toMatch(/HTTP 403; retrying/)
    expect((await microservice()).service_container_infos[0]?.image_path).toBe(HUB2)
  })

  it('refuses source-version off NetEase, and with an image, before any call', async () => {
    await suite.emulator.control('DELETE', '/requests')
    const both = await suite.steps.run('deploy', inputs({ service: 'shop', image: HUB2, 'source-version': 'v2' }))
    expect(errorLines(both)).toEqual([
      'Inputs "image" and "source-version" are both set; allowed: one of them (source-version for NetEase apps).',
    ])
    const jelastic = await suite.steps.run('deploy', {
      platform: 'jelastic',
      'api-url': suite.emulator.url('jelastic'),
      token: 't0ken-123',
      service: 'x',
      'source-version': 'v2',
    })
    expect(errorLines(jelastic)).toEqual([
      'Input "source-version" is set on platform "jelastic"; allowed: only on netease, whose apps build from source.',
    ])
    const neither = await suite.steps.run('deploy', inputs({ service: 'shop' }))
    expect(errorLines(neither)[0]).toContain('Input "image" is required')
    expect(await suite.emulator.requests()).toEqual([])
  })

  it('never shows a token, key secret or version-control password', () => {
    suite.steps.secrets.add('vcs-secret-42')
    suite.steps.secrets.add(KEYS['secret-key'])
    expect(suite.steps.leaks()).toEqual([])
  })
})

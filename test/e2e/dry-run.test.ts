import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALAUDA_TOKEN, ALAUDA_USER, EmulatorProcess, JELASTIC_TOKEN, JELASTIC_USER } from '../support/emulator.js'
import { FakeGitHub } from '../support/github-server.js'
import { nodeForBundles } from '../support/node24.js'
import { type ActionRun, ROOT } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

/**
 * Issue 17 item 2: `dry-run: true` on every action, from the bundles, on every platform. Each
 * dry run exits 0 with a `plan` output that names its writes, before → after; the emulator's
 * request log shows no mutating request to the platform in its time and the platform's state is
 * as it was; GitHub gets no deployment and no comment. Then a real run of the same inputs does
 * what the plan said (deploy and traffic). What the real run refuses before its first write (a
 * bad input, a missing service, the adapters' own checks) the dry run refuses too.
 *
 * What counts as mutating: every request but GET and HEAD, except Jelastic's API, whose methods
 * are all POSTs: there the reads are getenvinfo, getenvs, getenvproperty and getsettings, and
 * signin is the documented sign-in (a session, no change to any environment); Alauda's
 * generate-api-token and NetEase's POST /api/v1/token issue a token for the credentials and are
 * the documented sign-ins on those platforms. ServiceStage and Rancher read with GET only.
 */

const suite = emulatorSuite()
let github: FakeGitHub
beforeAll(async () => {
  github = await FakeGitHub.start()
  suite.steps.secrets.add(github.token)
})
afterAll(() => github.close())

interface Request {
  method: string
  platform: string
  path: string
}

const JELASTIC_READS = new Set(['getenvinfo', 'getenvs', 'getenvproperty', 'getsettings', 'getcontainerenvvarsbygroup'])
const SIGN_INS: Record<string, RegExp> = {
  jelastic: /\/users\/authentication\/rest\/signin$/,
  alauda: /\/generate-api-token\/?$/,
  netease: /^\/api\/v1\/token$/,
}

function mutating(request: Request): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return false
  if (SIGN_INS[request.platform]?.test(request.path)) return false
  if (request.platform === 'jelastic') return !JELASTIC_READS.has(request.path.split('/').at(-1) ?? '')
  return true
}

interface Plan {
  action: string
  platform: string
  writes: { operation: string; target: string; before: string; after: string; detail?: string }[]
  onFailure: { operation: string; target: string; before: string; after: string; detail?: string }[]
  notes: string[]
}

/** An emulator and a fake GitHub: the file's own, or a test's own where its real runs write to GitHub. */
interface World {
  emulator: EmulatorProcess
  github: FakeGitHub
}
const shared = (): World => ({ emulator: suite.emulator, github })

/** A test whose real runs write to GitHub gets an emulator and a GitHub of its own, so that it runs beside the others. */
async function ownWorld(test: (world: World) => Promise<void>): Promise<void> {
  const world = { emulator: await EmulatorProcess.start(), github: await FakeGitHub.start() }
  try {
    await test(world)
  } finally {
    await Promise.all([world.emulator.stop(), world.github.close()])
  }
}

async function platformState(platform: string, world = shared()): Promise<unknown> {
  const state = (await world.emulator.control('GET', '/state')) as Record<string, Record<string, unknown>>
  // the sessions and tokens a sign-in hands out are no change to a service
  const rest = { ...state[platform] }
  delete rest.sessions
  delete rest.tokens
  return rest
}

/**
 * Runs a dry run and checks what every dry run must: exit 0, a plan of this action, no mutating
 * request to the platform, its state unchanged, nothing written to GitHub.
 */
async function dryRun(
  platform: string,
  action: 'deploy' | 'scale' | 'traffic' | 'rollback' | 'preview',
  inputs: Record<string, string>,
  world = shared(),
  /** false where the real run, too, reads nothing before its write (a webhook receiver's create) */
  reads = true,
): Promise<{ run: ActionRun; plan: Plan }> {
  const stateBefore = await platformState(platform, world)
  const githubBefore = JSON.stringify([world.github.deployments, world.github.comments])
  const from = (await world.emulator.requests()).length
  const run = await suite.steps.run(
    action,
    { ...inputs, 'dry-run': 'true', 'github-token': world.github.token },
    { env: world.github.env() },
  )
  expect(run.code, run.stdout).toBe(0)
  const requests = (await world.emulator.requests()).slice(from).filter((request) => request.platform === platform)
  if (reads) expect(requests.length, `${action} on ${platform} read nothing`).toBeGreaterThan(0)
  expect(requests.filter(mutating), `${action} on ${platform}: mutating requests`).toEqual([])
  expect(await platformState(platform, world)).toEqual(stateBefore)
  // GitHub is read (the ledger, the previews, the PR comment), never written
  expect(JSON.stringify([world.github.deployments, world.github.comments])).toBe(githubBefore)
  const plan = JSON.parse(run.outputs.plan ?? '') as Plan
  expect(plan).toMatchObject({ action, platform })
  // the plan in the job summary, and in the log inside its own group
  expect(run.summary).toContain('Plan (dry run): nothing was written')
  expect(run.stdout).toMatch(/^::group::plan \(dry run\)$/m)
  expect(run.state).toEqual({})
  return { run, plan }
}

/** A dry run the platform's own checks refuse, as they refuse the real run before its first write: exit 1, nothing written. */
async function refusedDryRun(
  platform: string,
  action: 'deploy' | 'traffic',
  inputs: Record<string, string>,
  message: string,
): Promise<void> {
  const stateBefore = await platformState(platform)
  const from = (await suite.emulator.requests()).length
  const run = await suite.steps.run(action, { ...inputs, 'dry-run': 'true' })
  expect(run.code, run.stdout).toBe(1)
  expect(run.stdout).toContain(message)
  expect(run.outputs.plan).toBe('')
  const requests = (await suite.emulator.requests()).slice(from).filter((request) => request.platform === platform)
  expect(requests.filter(mutating)).toEqual([])
  expect(await platformState(platform)).toEqual(stateBefore)
  const real = await suite.steps.run(action, inputs)
  expect(real.code).toBe(1)
  expect(real.stdout).toContain(message)
}

/** A real run of the same inputs: it must write (so that the test's notion of a mutating request sees writes at all). */
async function realRun(platform: string, action: 'deploy' | 'traffic', inputs: Record<string, string>): Promise<ActionRun> {
  const from = (await suite.emulator.requests()).length
  const run = await suite.steps.run(action, inputs)
  expect(run.code, run.stdout).toBe(0)
  expect(run.outputs.plan).toBe('')
  const requests = (await suite.emulator.requests()).slice(from).filter((request) => request.platform === platform)
  expect(requests.filter(mutating).length, `${action} on ${platform} wrote nothing`).toBeGreaterThan(0)
  return run
}

const jelastic = { platform: 'jelastic', 'api-url': '', token: JELASTIC_TOKEN }

describe.concurrent('dry-run on every platform and every action: a plan, no change', () => {
  it('jelastic', async () => {
    const common = { ...jelastic, 'api-url': suite.emulator.url('jelastic'), environment: 'jelastic' }
    const [V1, V2] = ['registry.example.com/shop:v1', 'registry.example.com/shop:v2']
    await suite.emulator.jelasticEnv('dr-blue', V1, 1)
    await suite.emulator.jelasticEnv('dr-green', V1, 1)
    await suite.emulator.jelasticEnv('dr-pr-7', V1, 1)
    const router = { router: 'dr-router', blue: 'dr-blue', green: 'dr-green' }

    const deploy = await dryRun('jelastic', 'deploy', { ...common, service: 'dr-green', image: V2 })
    expect(deploy.plan.writes[0]).toMatchObject({ operation: 'deploy', target: 'dr-green', after: V2 })
    expect(deploy.plan.writes[0]?.before).toContain(V1)
    expect(deploy.plan.writes[1]).toMatchObject({ operation: 'GitHub deployment', target: 'jelastic' })
    expect(deploy.plan.onFailure).toEqual([expect.objectContaining({ operation: 'rollback', before: V2, after: V1 })])
    expect(deploy.run.outputs).toMatchObject({ image: V1, 'operation-id': '', 'rolled-back': 'false', 'deployment-id': '' })

    // new variables with the image it runs already: a deploy is planned, naming the keys, never a value
    const vars = await dryRun('jelastic', 'deploy', { ...common, service: 'dr-blue', image: V1, 'env-vars': 'DR_MODE=dry-secret-value' })
    expect(vars.plan.writes[0]).toMatchObject({ operation: 'deploy', target: 'dr-blue' })
    expect(vars.plan.writes[0]?.after).toContain('DR_MODE')
    expect(vars.run.everything).not.toContain('dry-secret-value')

    // signed in with a password: the signin is the one POST besides the reads, and changes no environment
    const signedIn = await dryRun('jelastic', 'deploy', { ...common, token: '', ...JELASTIC_USER, service: 'dr-green', image: V2 })
    expect(signedIn.plan.writes[0]).toEqual(deploy.plan.writes[0])

    // Jelastic redeploys a tag of the same image: another repository is refused by the dry run as by the real one
    await refusedDryRun(
      'jelastic',
      'deploy',
      { ...common, service: 'dr-blue', image: 'registry.example.com/other:v2' },
      'cannot be deployed there',
    )

    const scale = await dryRun('jelastic', 'scale', { ...common, service: 'dr-green', replicas: '3' })
    expect(scale.plan.writes).toEqual([expect.objectContaining({ operation: 'scale', after: '3 replica(s)' })])
    const stop = await dryRun('jelastic', 'scale', { ...common, service: 'dr-blue', lifecycle: 'start' })
    expect(stop.plan.writes).toEqual([])
    expect(stop.run.outputs.plan).toContain('already running')

    // no router yet: the first step installs the Traffic Distributor
    const traffic = await dryRun('jelastic', 'traffic', { ...common, ...router, steps: '10,50,100' })
    expect(traffic.plan.writes.map((w) => w.operation)).toEqual(['shift to 10%', 'shift to 50%', 'shift to 100%', 'release record'])
    expect(traffic.plan.writes[0]?.detail).toContain('installs the router')
    expect(traffic.plan.onFailure.map((w) => w.operation)).toEqual(['abort: all traffic to dr-blue', 'scale down dr-green'])

    const rollback = await dryRun('jelastic', 'rollback', { ...common, service: 'dr-green', to: 'registry.example.com/shop:v0' })
    expect(rollback.plan.writes[0]).toMatchObject({ operation: 'rollback', after: 'registry.example.com/shop:v0' })

    const preview = { ...common, 'service-template': 'dr-pr-{pr}', pr: '7' }
    const up = await dryRun('jelastic', 'preview', { ...preview, command: 'up', image: V2 })
    expect(up.plan.writes.map((w) => w.operation)).toEqual(['deploy', 'GitHub deployment', 'PR comment'])
    const down = await dryRun('jelastic', 'preview', { ...preview, command: 'down' })
    expect(down.plan.writes.map((w) => w.operation)).toEqual(['remove', 'GitHub deployment status', 'PR comment'])

    // the real runs of the same inputs do what the plans said
    const real = await realRun('jelastic', 'deploy', { ...common, service: 'dr-green', image: V2 })
    expect(real.outputs).toMatchObject({ image: V2, 'previous-image': V1 })
    const shifted = await realRun('jelastic', 'traffic', { ...common, ...router, steps: '10,50,100' })
    expect(JSON.parse(shifted.outputs.weights ?? '')).toEqual({ blue: 0, green: 100 })
    // now there is a router at 100%: a second dry run plans nothing but the record, and an abort
    const again = await dryRun('jelastic', 'traffic', { ...common, ...router, steps: '10,50,100' })
    expect(again.plan.writes.filter((w) => w.operation.startsWith('shift'))).toEqual([])
    expect(again.plan.notes.join(' ')).toContain('no weight would be written')
    const abort = await dryRun('jelastic', 'traffic', { ...common, ...router, command: 'abort' })
    expect(abort.plan.writes.map((w) => w.operation)).toEqual(['abort: all traffic to dr-blue', 'scale down dr-green', 'release record'])
    // the post step of a dry run does nothing: the main step never left a release in flight
    const post = await suite.steps.run('traffic-post', { ...common, ...router, 'dry-run': 'true' })
    expect(post.code).toBe(0)
  })

  it('servicestage', async () => {
    const common = {
      platform: 'servicestage',
      'api-url': suite.emulator.url('servicestage'),
      token: 'servicestage-demo-token-0123456789',
      project: 'p1',
      application: 'a1',
      environment: 'servicestage',
    }
    const [V1, V2] = ['swr.example.com/team/shop:v1', 'swr.example.com/team/shop:v2']
    await suite.emulator.control('POST', '/servicestage/timing', { taskMs: 40 })
    for (const name of ['dr-shop', 'dr-gray', 'dr-pr-7'])
      await suite.emulator.control('POST', '/servicestage/components', { project: 'p1', application: 'a1', name, image: V1, replica: 2 })

    const deploy = await dryRun('servicestage', 'deploy', { ...common, service: 'dr-shop', image: V2 })
    expect(deploy.plan.writes[0]).toMatchObject({ operation: 'deploy', after: V2 })
    expect(deploy.plan.onFailure[0]?.detail).toContain("servicestage's own rollback")
    const scale = await dryRun('servicestage', 'scale', { ...common, service: 'dr-shop', replicas: '3' })
    expect(scale.plan.writes).toEqual([expect.objectContaining({ operation: 'scale', after: '3 replica(s)' })])
    const same = await dryRun('servicestage', 'scale', { ...common, service: 'dr-shop', replicas: '2' })
    expect(same.plan.writes).toEqual([])
    const rollback = await dryRun('servicestage', 'rollback', { ...common, service: 'dr-shop' })
    expect(rollback.plan.writes[0]).toMatchObject({ operation: 'rollback', target: 'dr-shop' })
    const up = await dryRun('servicestage', 'preview', { ...common, 'service-template': 'dr-pr-{pr}', pr: '7', command: 'up', image: V2 })
    expect(up.plan.writes[0]).toMatchObject({ operation: 'deploy', after: V2 })

    // no gray release on the component: its traffic cannot move, in a dry run as in a real one
    await refusedDryRun('servicestage', 'traffic', { ...common, router: 'dr-pr-7', percentage: '50' }, 'no gray release is in progress')

    // a gray release started for real, then its shift planned and carried out
    const gray = await suite.steps.run('deploy', { ...common, service: 'dr-gray', image: V2, 'gray-weight': '10' })
    expect(gray.code, gray.stdout).toBe(0)
    const traffic = await dryRun('servicestage', 'traffic', { ...common, router: 'dr-gray', percentage: '50' })
    expect(traffic.plan.writes.filter((w) => w.operation.startsWith('shift'))).toEqual([
      expect.objectContaining({ operation: 'shift to 50%', target: 'dr-gray' }),
    ])
    const real = await realRun('servicestage', 'traffic', { ...common, router: 'dr-gray', percentage: '50' })
    expect(JSON.parse(real.outputs.weights ?? '')).toEqual({ blue: 50, green: 50 })
    const deployed = await realRun('servicestage', 'deploy', { ...common, service: 'dr-shop', image: V2 })
    expect(deployed.outputs).toMatchObject({ image: V2, 'previous-image': V1 })
  })

  it('alauda', async () => {
    const common = {
      platform: 'alauda',
      'api-url': suite.emulator.url('alauda'),
      token: ALAUDA_TOKEN,
      project: 'team',
      environment: 'alauda',
    }
    const [V1, V2] = ['index.alauda.cn/team/shop:v1', 'index.alauda.cn/team/shop:v2']
    const domain = 'dr.example.cn'
    await suite.emulator.control('POST', '/alauda/timing', { instanceMs: 30 })
    await suite.emulator.control('POST', '/alauda/services', { namespace: 'team', name: 'dr-blue', image: V1, instances: 2, domain })
    await suite.emulator.control('POST', '/alauda/services', {
      namespace: 'team',
      name: 'dr-green',
      image: V1,
      instances: 2,
      domain,
      stopped: true,
    })
    await suite.emulator.control('POST', '/alauda/services', { namespace: 'team', name: 'dr-pr-7', image: V1, instances: 1 })
    const router = { router: domain, blue: 'dr-blue', green: 'dr-green' }

    const deploy = await dryRun('alauda', 'deploy', { ...common, service: 'dr-green', image: V2 })
    expect(deploy.plan.writes[0]).toMatchObject({ operation: 'deploy', after: V2 })
    const auto = await dryRun('alauda', 'scale', {
      ...common,
      service: 'dr-pr-7',
      autoscaling: 'on',
      'min-replicas': '1',
      'max-replicas': '3',
    })
    expect(auto.plan.writes[0]).toMatchObject({ operation: 'autoscaling' })
    expect(auto.plan.writes[0]?.after).toContain('autoscaled 1-3')
    const traffic = await dryRun('alauda', 'traffic', { ...common, ...router, steps: '50,100' })
    // a token issued for a user and password (generate-api-token) is no change either
    const signedIn = await dryRun('alauda', 'traffic', { ...common, token: '', ...ALAUDA_USER, ...router, steps: '50,100' })
    expect(signedIn.plan.writes.map((w) => w.after)).toEqual(traffic.plan.writes.map((w) => w.after))
    expect(traffic.plan.writes.map((w) => w.operation)).toEqual(['claim the router', 'shift to 50%', 'shift to 100%', 'release record'])
    const rollback = await dryRun('alauda', 'rollback', { ...common, service: 'dr-blue', to: 'index.alauda.cn/team/shop:v0' })
    expect(rollback.plan.writes[0]).toMatchObject({ operation: 'rollback', target: 'dr-blue', after: 'index.alauda.cn/team/shop:v0' })
    const already = await dryRun('alauda', 'rollback', { ...common, service: 'dr-blue', to: V1 })
    expect(already.plan.writes).toEqual([])
    expect(already.plan.notes).toEqual(['dr-blue already runs index.alauda.cn/team/shop:v1: nothing to do.'])
    const down = await dryRun('alauda', 'preview', { ...common, 'service-template': 'dr-pr-{pr}', pr: '7', command: 'down' })
    expect(down.plan.writes[0]).toMatchObject({ operation: 'remove', target: 'dr-pr-7' })

    // a missing service with create: true plans its create
    const spec = JSON.stringify({ instance_size: 'XS', target_num_instances: 1 })
    const create = await dryRun('alauda', 'deploy', { ...common, service: 'dr-new', image: V2, create: 'true', 'create-spec': spec })
    expect(create.plan.writes[0]).toMatchObject({ operation: 'create', target: 'dr-new', before: 'no such service', after: V2 })

    const real = await realRun('alauda', 'traffic', { ...common, ...router, steps: '50,100' })
    expect(JSON.parse(real.outputs.weights ?? '')).toEqual({ blue: 0, green: 100 })
  })

  it('netease', async () => {
    const common = {
      platform: 'netease',
      'api-url': suite.emulator.url('netease'),
      token: 'netease-demo-token-0123456789',
      environment: 'netease',
    }
    const domain = 'dr.example.cn'
    await suite.emulator.control('POST', '/netease/timing', { containerMs: 30 })
    await suite.emulator.control('POST', '/netease/apps', { name: 'dr-blue', version: 'v1', replicas: 2, domain })
    await suite.emulator.control('POST', '/netease/apps', { name: 'dr-green', version: 'v1', replicas: 0, domain })
    await suite.emulator.control('POST', '/netease/apps', { name: 'dr-pr-7', version: 'v1', replicas: 1 })
    const router = { router: domain, blue: 'dr-blue', green: 'dr-green' }

    const deploy = await dryRun('netease', 'deploy', { ...common, service: 'dr-pr-7', 'source-version': 'v2' })
    expect(deploy.plan.writes[0]).toMatchObject({ operation: 'deploy', after: 'source@v2' })
    const scale = await dryRun('netease', 'scale', { ...common, service: 'dr-pr-7', replicas: '2' })
    expect(scale.plan.writes[0]).toMatchObject({ operation: 'scale', after: '2 replica(s)' })
    const traffic = await dryRun('netease', 'traffic', { ...common, ...router, steps: '50,100' })
    expect(traffic.plan.writes.filter((w) => w.operation.startsWith('shift')).map((w) => w.operation)).toEqual([
      'shift to 50%',
      'shift to 100%',
    ])
    const rollback = await dryRun('netease', 'rollback', { ...common, service: 'dr-pr-7', to: 'source@v0' })
    expect(rollback.plan.writes[0]).toMatchObject({ operation: 'rollback', after: 'source@v0' })
    const up = await dryRun('netease', 'preview', {
      ...common,
      'service-template': 'dr-pr-{pr}',
      pr: '7',
      command: 'up',
      'source-version': 'v3',
    })
    expect(up.plan.writes[0]).toMatchObject({ operation: 'deploy', after: 'source@v3' })

    // (an app with no container: its deploy is judged by status alone, which under load has been seen to time out)
    // a microservice's update-image keeps the repository
    await suite.emulator.control('POST', '/netease/microservices', { name: 'dr-api', image: 'hub.c.163.com/team/api:v1', replicas: 1 })
    const micro = { ...common, project: 'team', service: 'dr-api' }
    const image = await dryRun('netease', 'deploy', { ...micro, image: 'hub.c.163.com/team/api:v2', provenance: 'false' })
    expect(image.plan.writes[0]).toMatchObject({
      operation: 'deploy: update-image',
      before: 'hub.c.163.com/team/api:v1',
      after: 'hub.c.163.com/team/api:v2',
    })
    // the variables (the provenance's among them) first, waited for, then the image: names, never a value
    const vars = await dryRun('netease', 'deploy', { ...micro, image: 'hub.c.163.com/team/api:v2', 'env-vars': 'DR_MODE=dry-secret-value' })
    expect(vars.plan.writes.slice(0, 2)).toEqual([
      {
        operation: 'deploy: update-stateless',
        target: 'dr-api',
        before: 'variables none',
        after: 'variables added DR_MODE, PAAS_RELEASE_COMMIT, PAAS_RELEASE_REPOSITORY, PAAS_RELEASE_RUN_URL',
        detail: 'waited for: the next is refused while it runs',
      },
      expect.objectContaining({
        operation: 'deploy: update-image',
        after: 'hub.c.163.com/team/api:v2',
        detail: 'waits for the platform to finish it',
      }),
    ])
    expect(vars.run.everything).not.toContain('dry-secret-value')
    // wait: false cannot send the image after the variables: refused by the dry run as by the real one
    await refusedDryRun(
      'netease',
      'deploy',
      { ...micro, image: 'hub.c.163.com/team/api:v2', 'env-vars': 'A=1', wait: 'false' },
      'two updates',
    )
    await refusedDryRun('netease', 'deploy', { ...micro, image: 'hub.c.163.com/team/other:v2' }, 'update-image keeps the repository')

    const real = await realRun('netease', 'deploy', { ...common, service: 'dr-pr-7', 'source-version': 'v2' })
    expect(real.outputs.image).toBe('source@v2')
  })

  it('rancher', async () => {
    const common = {
      platform: 'rancher',
      'api-url': suite.emulator.url('rancher'),
      'access-key': 'rancher-demo-access',
      'secret-key': 'rancher-demo-secret-0123',
      project: '1a5',
      environment: 'rancher',
    }
    const [V1, V2] = ['registry.example.com/team/web:v1', 'registry.example.com/team/web:v2']
    await suite.emulator.control('POST', '/rancher/timing', { batchMs: 30 })
    await suite.emulator.control('POST', '/rancher/services', { stack: 'dr', name: 'web', image: V1, scale: 2 })
    await suite.emulator.control('POST', '/rancher/services', { stack: 'dr', name: 'web-green', image: V2, scale: 2 })
    await suite.emulator.control('POST', '/rancher/services', { stack: 'dr', name: 'web-pr-7', image: V1, scale: 1 })
    await suite.emulator.control('POST', '/rancher/load-balancers', { stack: 'dr', name: 'lb', port: 80, target: 'web' })
    const router = { router: 'dr/lb', blue: 'dr/web', green: 'dr/web-green' }

    const deploy = await dryRun('rancher', 'deploy', { ...common, service: 'dr/web', image: V2 })
    expect(deploy.plan.writes[0]).toMatchObject({ operation: 'deploy', after: V2 })
    // a stack created with env-vars is refused before its first write, in the dry run as in the real one
    await refusedDryRun(
      'rancher',
      'deploy',
      { ...common, service: 'dr-new/web', image: V2, create: 'true', 'create-spec': '{"dockerCompose":"x"}', 'env-vars': 'A=1' },
      'env-vars are not set on a stack being created',
    )
    const restart = await dryRun('rancher', 'scale', { ...common, service: 'dr/web', lifecycle: 'restart' })
    expect(restart.plan.writes[0]).toMatchObject({ operation: 'restart', target: 'dr/web' })
    const traffic = await dryRun('rancher', 'traffic', { ...common, ...router, percentage: '100' })
    expect(traffic.plan.writes.filter((w) => w.operation.startsWith('shift'))).toEqual([
      expect.objectContaining({ operation: 'shift to 100%', target: 'dr/lb' }),
    ])
    const rollback = await dryRun('rancher', 'rollback', { ...common, ...router, service: 'dr/web' })
    expect(rollback.plan.writes.map((w) => w.operation)).toEqual(['shift to 100%', 'GitHub deployment'])
    expect(rollback.plan.writes[0]).toMatchObject({ target: 'dr/lb', detail: `dr/web-green serves ${V2}; read back` })
    const down = await dryRun('rancher', 'preview', { ...common, 'service-template': 'dr/web-pr-{pr}', pr: '7', command: 'down' })
    expect(down.plan.writes[0]).toMatchObject({ operation: 'remove', target: 'dr/web-pr-7' })

    // the webhook service: a receiver's create planned, a list read, a trigger planned and not called
    const web = (
      (await suite.emulator.control('GET', '/state')) as { rancher: { services: { id: string; name: string }[] } }
    ).rancher.services.find((service) => service.name === 'web')
    const receiver = JSON.stringify({
      name: 'dr-up',
      driver: 'scaleService',
      scaleServiceConfig: { serviceId: web?.id, action: 'up', amount: 1, min: 1, max: 3 },
    })
    const create = await dryRun('rancher', 'scale', { ...common, 'webhook-create': receiver }, shared(), false)
    expect(create.plan.writes).toEqual([expect.objectContaining({ operation: 'create webhook', after: 'receiver dr-up (scaleService)' })])
    expect((await suite.steps.run('scale', { ...common, 'webhook-create': receiver })).code).toBe(0)
    const list = await dryRun('rancher', 'scale', { ...common, 'webhook-list': 'true' })
    expect(list.plan.writes).toEqual([])
    expect(JSON.parse(list.run.outputs.webhooks ?? '')).toEqual([expect.objectContaining({ name: 'dr-up' })])
    const key = (
      (await suite.emulator.control('GET', '/state')) as { rancher: { receivers: { name: string; key: string }[] } }
    ).rancher.receivers.find((r) => r.name === 'dr-up')?.key
    suite.steps.secrets.add(key ?? '')
    const url = `${suite.emulator.url('rancher')}/v1-webhooks/endpoint?key=${key}&projectId=1a5`
    const trigger = await dryRun('rancher', 'scale', { ...common, service: 'dr/web', 'webhook-url': url })
    expect(trigger.plan.writes).toEqual([
      expect.objectContaining({ operation: 'trigger webhook', target: 'dr/web', before: '2 replica(s)' }),
    ])
    expect(trigger.run.outputs.plan).not.toContain(key)

    const real = await realRun('rancher', 'traffic', { ...common, ...router, percentage: '100' })
    expect(JSON.parse(real.outputs.weights ?? '')).toEqual({ blue: 0, green: 100 })
  })

  it('jelastic: a rollback to: previous finds the image before in the GitHub deployments, and plans its deploy', () =>
    ownWorld(async (world) => {
      const common = { ...jelastic, 'api-url': world.emulator.url('jelastic'), environment: 'ledger', 'github-token': world.github.token }
      const [V1, V2] = ['registry.example.com/shop:v1', 'registry.example.com/shop:v2']
      await world.emulator.jelasticEnv('lg-shop', 'registry.example.com/shop:v0', 1)
      for (const image of [V1, V2]) {
        const run = await suite.steps.run('deploy', { ...common, service: 'lg-shop', image }, { env: world.github.env() })
        expect(run.code, run.stdout).toBe(0)
      }
      const back = await dryRun('jelastic', 'rollback', { ...common, service: 'lg-shop' }, world)
      expect(back.plan.writes.map((w) => [w.operation, w.after])).toEqual([
        ['rollback', V1],
        ['GitHub deployment', 'rollback of lg-shop'],
      ])
      expect(back.plan.notes).toContain(`${V1} is the image before ${V2} in the GitHub deployments of ledger.`)
      expect(back.run.outputs).toMatchObject({ image: V2, 'deployment-id': '' })
    }))

  it('alauda: a preview sweep reads the previews and their pull requests, plans the removals, and removes nothing', () =>
    ownWorld(async (world) => {
      const common = { platform: 'alauda', 'api-url': world.emulator.url('alauda'), token: ALAUDA_TOKEN, project: 'team' }
      const preview = { ...common, 'service-template': 'sw-pr-{pr}', 'github-token': world.github.token }
      await world.emulator.control('POST', '/alauda/timing', { instanceMs: 30 })
      const spec = JSON.stringify({ instance_size: 'XS', target_num_instances: 1 })
      for (const pr of ['31', '32']) {
        const up = await suite.steps.run(
          'preview',
          { ...preview, pr, command: 'up', image: 'index.alauda.cn/team/shop:v1', 'create-spec': spec },
          { env: world.github.env() },
        )
        expect(up.code, up.stdout).toBe(0)
      }
      world.github.pulls.set(31, 'closed')
      const sweep = await dryRun('alauda', 'preview', { ...preview, command: 'sweep', pr: '' }, world)
      expect(sweep.plan.writes.map((w) => `${w.operation} ${w.target}`)).toEqual([
        'remove sw-pr-31',
        'GitHub deployment status pr-31',
        'update PR comment #31',
      ])
      expect(sweep.plan.notes).toEqual(['Kept: sw-pr-32 (#32).'])
      const real = await suite.steps.run('preview', { ...preview, command: 'sweep', pr: '' }, { env: world.github.env() })
      expect(real.code, real.stdout).toBe(0)
      expect(JSON.parse(real.outputs.removed ?? '')).toEqual([{ pr: 31, service: 'sw-pr-31', reason: '#31 is closed' }])
    }))
})

describe('dry-run: what a real run would refuse, it refuses', () => {
  it('a bad input fails before any call; a missing service fails as the real run would', async () => {
    const common = { ...jelastic, 'api-url': suite.emulator.url('jelastic'), 'dry-run': 'true' }
    const from = (await suite.emulator.requests()).length
    const bad = await suite.steps.run('deploy', { ...common, service: 'dr-none', image: 'no tag here' })
    expect(bad.code).toBe(1)
    const bogus = await suite.steps.run('scale', { ...common, service: 'dr-none', replicas: '2', 'dry-run': 'maybe' })
    expect(bogus.code).toBe(1)
    expect(bogus.stdout).toContain('dry-run')
    expect((await suite.emulator.requests()).slice(from).filter((r) => r.platform === 'jelastic')).toEqual([])
    const missing = await suite.steps.run('deploy', { ...common, service: 'dr-none', image: 'registry.example.com/shop:v2' })
    expect(missing.code).toBe(1)
    expect(missing.stdout).toContain('service not found')
    expect(missing.outputs.plan).toBe('')
  })
})

/** paas-release (dist/cli/index.js) as a shell runs it. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(nodeForBundles(), [join(ROOT, 'dist/cli/index.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

describe('paas-release --dry-run', () => {
  it('a bare --dry-run prints the plan (plan=… or in --json) and changes nothing; --dry-run false is a real run', async () => {
    const [V1, V2] = ['registry.example.com/shop:v1', 'registry.example.com/shop:v2']
    await suite.emulator.jelasticEnv('cli-blue', V1, 1)
    await suite.emulator.jelasticEnv('cli-green', V1, 1)
    const args = ['--platform', 'jelastic', '--api-url', suite.emulator.url('jelastic')]
    const router = ['--router', 'cli-router', '--blue', 'cli-blue', '--green', 'cli-green']
    const env = { PAAS_TOKEN: JELASTIC_TOKEN }
    const stateBefore = await platformState('jelastic')
    const from = (await suite.emulator.requests()).length

    const deploy = await cli(['deploy', ...args, '--service', 'cli-green', '--image', V2, '--dry-run'], env)
    expect(deploy.code, deploy.stderr).toBe(0)
    const line = deploy.stdout.split('\n').find((l) => l.startsWith('plan='))
    const plan = JSON.parse(line?.slice('plan='.length) ?? '') as Plan
    expect(plan.writes[0]).toMatchObject({ operation: 'deploy', target: 'cli-green', after: V2 })
    expect(deploy.stderr).toMatch(/^── plan \(dry run\)$/m)
    expect(deploy.stderr).toContain(`1. deploy cli-green: ${V1}`)

    const traffic = await cli(['traffic', ...args, ...router, '--steps', '25,100', '--dry-run', '--json'], env)
    expect(traffic.code, traffic.stderr).toBe(0)
    const outputs = JSON.parse(traffic.stdout) as Record<string, string>
    expect((JSON.parse(outputs.plan ?? '') as Plan).writes.map((w) => w.operation)).toEqual([
      'shift to 25%',
      'shift to 100%',
      'release record',
    ])

    const requests = (await suite.emulator.requests()).slice(from).filter((r) => r.platform === 'jelastic')
    expect(requests.filter(mutating)).toEqual([])
    expect(await platformState('jelastic')).toEqual(stateBefore)

    const real = await cli(['deploy', ...args, '--service', 'cli-green', '--image', V2, '--dry-run', 'false'], env)
    expect(real.code, real.stderr).toBe(0)
    expect(real.stdout).toContain(`image=${V2}`)
    expect(real.stdout).toMatch(/^plan=$/m)
  })
})

describe('secrets', () => {
  it('no run shows a credential', () => {
    expect(suite.steps.leaks()).toEqual([])
  })
})

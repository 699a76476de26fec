import { beforeEach, describe, expect, it } from 'vitest'
import { errorLines } from '../support/runner.js'
import { signRequest } from '../../src/shared/platforms/servicestage/signer.js'
import { emulatorSuite } from '../support/steps.js'
import { until } from '../support/until.js'

const suite = emulatorSuite()
const TOKEN = 'servicestage-demo-token-0123456789'
const V1 = 'swr.cn-north-4.myhuaweicloud.com/team/shop:v1'
const V2 = 'swr.cn-north-4.myhuaweicloud.com/team/shop:v2'
const V3 = 'swr.cn-north-4.myhuaweicloud.com/team/shop:v3'

interface ComponentView {
  id: string
  name: string
  version: string
  source: { url: string }
  status: { component_status: string; replica: number }
  external_accesses: { address: string }[]
}

function inputs(extra: Record<string, string>): Record<string, string> {
  return {
    platform: 'servicestage',
    'api-url': suite.emulator.url('servicestage'),
    token: TOKEN,
    project: 'p1',
    application: 'a1',
    ...extra,
  }
}

/** What a post step is given of its main step's state, as the runner gives it: STATE_* variables. */
function stateOf(run: { state: Record<string, string> }): Record<string, string> {
  return Object.fromEntries(Object.entries(run.state).map(([name, value]) => [`STATE_${name}`, value]))
}

async function component(name = 'shop'): Promise<ComponentView> {
  const state = (await suite.emulator.control('GET', '/state')) as { servicestage: { components: ComponentView[] } }
  const found = state.servicestage.components.find((c) => c.name === name)
  if (!found) throw new Error(`no component ${name}`)
  return found
}

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.control('POST', '/servicestage/timing', { taskMs: 60 })
  await suite.emulator.control('POST', '/servicestage/components', {
    project: 'p1',
    application: 'a1',
    name: 'shop',
    image: V1,
    replica: 2,
  })
})

describe('action-deploy on ServiceStage', () => {
  it('rolls a failed deploy of new variables alone back to the version before, its variables with it', async () => {
    const before = await component()
    const vars = async () => ((await component()) as unknown as { envs?: { name: string }[] }).envs?.map((e) => e.name) ?? []
    // the health check wants what no version answers: the deploy fails after its job succeeded
    const run = await suite.steps.run(
      'deploy',
      inputs({
        service: 'shop',
        image: V1,
        'env-vars': 'MODE=canary',
        'health-url': before.external_accesses[0]?.address ?? '',
        'health-json-field': 'version',
        'health-json-value': 'v9',
        'health-samples': '1',
      }),
    )
    expect(run.code, run.stdout).toBe(1)
    expect(errorLines(run)[0]).toContain(`; rolled back to ${V1} with the variables from before (removed MODE)`)
    expect(run.outputs['rolled-back']).toBe('true')
    const after = await component()
    expect(after.version).toBe(before.version)
    expect(await vars()).not.toContain('MODE')
  })

  it('upgrades the component to a new version, waits for its job, checks health', async () => {
    const before = await component()
    const run = await suite.steps.run(
      'deploy',
      inputs({ service: 'shop', image: V2, 'health-url': before.external_accesses[0]?.address ?? '', 'health-interval': '50ms' }),
    )
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ image: V2, 'previous-image': V1, url: before.external_accesses[0]?.address })
    expect(run.outputs['operation-id']).toMatch(/^JOB[0-9a-f-]{36}$/)
    const after = await component()
    expect(after.source.url).toBe(V2)
    expect(after.version > before.version).toBe(true)
    expect(after.version).toMatch(/^\d{4}\.\d{4}\.\d{5}$/)
  })

  it('after a rollback by hand, a failed deploy goes back to the version it started from, not forward to the one rolled away from', async () => {
    expect((await suite.steps.run('deploy', inputs({ service: 'shop', image: V2 }))).code).toBe(0)
    const onV2 = (await component()).version
    expect((await suite.steps.run('deploy', inputs({ service: 'shop', image: V3 }))).code).toBe(0)
    expect((await suite.steps.run('rollback', inputs({ service: 'shop' }))).code).toBe(0)
    expect(await component()).toMatchObject({ version: onV2, source: { url: V2 } })
    const V4 = 'swr.cn-north-4.myhuaweicloud.com/team/shop:v4'
    await suite.emulator.markImage(V4, { failing: true })
    const run = await suite.steps.run('deploy', inputs({ service: 'shop', image: V4 }))
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toContain(`; rolled back to ${V2}`)
    expect(await component()).toMatchObject({ version: onV2, source: { url: V2 } })
  })

  it('rolls back natively (to the version from before) when the job fails, with the failed task and its message', async () => {
    await suite.emulator.control('POST', '/images', { image: V3, failing: true })
    const run = await suite.steps.run('deploy', inputs({ service: 'shop', image: V3 }))
    expect(run.code).toBe(1)
    const [error] = errorLines(run)
    expect(error).toMatch(
      /^servicestage: deploy of "shop" to .*shop:v3 failed: operation JOB.* failed; last state: job FAILED: task TN00097 FAILED: .*failed to start/,
    )
    expect(error).toContain(`rolled back to ${V1}`)
    expect(run.stdout).toContain('::group::rollback')
    expect((await component()).source.url).toBe(V1)
  })

  it('a deploy that never landed is not rolled back: rollback_current would take away the version before', async () => {
    expect((await suite.steps.run('deploy', inputs({ service: 'shop', image: V2 }))).code).toBe(0)
    const { id } = await component()
    await suite.emulator.fault({ platform: 'servicestage', path: `/components/${id}`, method: 'PUT', when: 'before', status: 500 })
    const run = await suite.steps.run('deploy', inputs({ service: 'shop', image: V3, timeout: '5s' }))
    await suite.emulator.control('DELETE', '/faults')
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toContain(`not rolled back: the service still runs ${V2}`)
    expect(run.outputs['rolled-back']).toBe('false')
    expect((await component()).source.url).toBe(V2)
  })

  it('rolls back when the job fails at its health check (an unhealthy image)', async () => {
    await suite.emulator.control('POST', '/images', { image: V3, unhealthy: true })
    const run = await suite.steps.run('deploy', inputs({ service: 'shop', image: V3 }))
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/task TN00097 FAILED: .*readiness probe answered HTTP 503/)
    expect(run.outputs['rolled-back']).toBe('true')
    expect((await component()).source.url).toBe(V1)
  })

  it("finds a component by name in one request among many (ShowComponents' component_name), in its own application", async () => {
    for (let i = 0; i < 55; i++) {
      await suite.emulator.control('POST', '/servicestage/components', { project: 'p1', application: 'a1', name: `other-${i}`, image: V1 })
    }
    // the same name in another application of the project is not the one
    await suite.emulator.control('POST', '/servicestage/components', { project: 'p1', application: 'a2', name: 'late', image: V3 })
    await suite.emulator.control('POST', '/servicestage/components', { project: 'p1', application: 'a1', name: 'late', image: V1 })
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('deploy', inputs({ service: 'late', image: V2 }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs['previous-image']).toBe(V1)
    const lists = (await suite.emulator.requests()).filter((r) => r.method === 'GET' && /components$/.test(r.path))
    expect(lists).toEqual([expect.objectContaining({ path: '/v3/p1/cas/components' })])
  })

  it('falls back to the paged list where the project-wide list is not served', async () => {
    await suite.emulator.control('POST', '/servicestage/components/batch', {
      project: 'p1',
      application: 'a1',
      image: V1,
      prefix: 'other-',
      count: 105,
    })
    await suite.emulator.control('POST', '/servicestage/components', { project: 'p1', application: 'a1', name: 'late', image: V1 })
    await suite.emulator.control('POST', '/faults', {
      platform: 'servicestage',
      path: '/v3/p1/cas/components',
      status: 404,
      body: { error_code: 'SVCSTG.00100400', error_msg: 'no such API' },
    })
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('deploy', inputs({ service: 'late', image: V2 }))
    expect(run.code, run.stdout).toBe(0)
    // 106 components, 100 a page
    const pages = (await suite.emulator.requests()).filter((r) => r.method === 'GET' && /applications\/a1\/components$/.test(r.path))
    expect(pages.length).toBe(2)
  })

  it('survives throttling (APIG.0308) and explains a refused token (APIG.0301)', async () => {
    await suite.emulator.control('POST', '/faults', {
      platform: 'servicestage',
      path: '/components',
      status: 429,
      body: { error_code: 'APIG.0308', error_msg: 'The throttling threshold has been reached' },
      count: 2,
    })
    const run = await suite.steps.run('deploy', inputs({ service: 'shop', image: V2 }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout.match(/HTTP 429; retrying/g)).toHaveLength(2)
    const refused = await suite.steps.run('deploy', inputs({ service: 'shop', image: V2, token: 'expired-iam-token-xyz' }))
    expect(refused.code).toBe(1)
    expect(errorLines(refused)[0]).toMatch(/Incorrect IAM authentication information.*\(APIG\.0301\).*get a fresh one.*"token"/)
  })

  it('names the component and the platform message when it does not exist', async () => {
    const run = await suite.steps.run('deploy', inputs({ service: 'nowhere', image: V2 }))
    expect(run.code).toBe(1)
    expect(errorLines(run)).toEqual(['servicestage: deploy of "nowhere" failed: service not found'])
  })
})

describe('the gray release as the SDK defines it', () => {
  it('sends the surge and deployment modes asked for; a canary mode gets its first batch and the rest', async () => {
    const run = await suite.steps.run(
      'deploy',
      inputs({ service: 'shop', image: V2, 'gray-weight': '50', 'gray-surge-mode': 'extra', 'gray-deployment-mode': '6' }),
    )
    expect(run.code, run.stdout).toBe(0)
    const strategy = ((await component()) as unknown as { deploy_strategy: unknown }).deploy_strategy
    expect(strategy).toEqual({
      type: 'GrayRelease',
      gray_release: {
        type: 'WEIGHT',
        replica_surge_mode: 'EXTRA',
        deployment_mode: 6,
        first_batch_weight: 50,
        first_batch_replica: 1,
        remaining_batch: 1,
      },
    })
  })

  it('refuses the modes off ServiceStage, without gray-weight, or out of the SDK list, before any call', async () => {
    const cases = [
      [
        { service: 'shop', image: V2, 'gray-weight': '10', 'gray-deployment-mode': '2' },
        /^Input "gray-deployment-mode" has the value "2"; allowed: 1, 3, 4, 6/,
      ],
      [{ service: 'shop', image: V2, 'gray-surge-mode': 'extra' }, /^Input "gray-surge-mode" is set without "gray-weight"/],
    ] as const
    for (const [extra, message] of cases) {
      await suite.emulator.control('DELETE', '/requests')
      const run = await suite.steps.run('deploy', inputs(extra))
      expect(run.code).toBe(1)
      expect(errorLines(run)[0]).toMatch(message)
      expect(await suite.emulator.requests()).toEqual([])
    }
  })
})

describe('AK/SK signing (SDK-HMAC-SHA256)', () => {
  const AK = { 'access-key': 'SSDEMOACCESSKEY0123456789', 'secret-key': 'servicestage-demo-secret-key-0123456789' }
  const signed = (extra: Record<string, string>) =>
    ({ ...Object.fromEntries(Object.entries(inputs(extra)).filter(([name]) => name !== 'token')), ...AK }) as Record<string, string>

  it('deploys with access-key and secret-key instead of a token, every request signed', async () => {
    const run = await suite.steps.run('deploy', signed({ service: 'shop', image: V2 }))
    expect(run.code, run.stdout).toBe(0)
    expect((await component()).source.url).toBe(V2)
    const lines = run.stdout.split('\n')
    expect(lines).toContain(`::add-mask::${AK['secret-key']}`)
    expect(lines.filter((line) => !line.startsWith('::add-mask::') && line.includes(AK['secret-key']))).toEqual([])
  })

  it('says the signature was refused, naming the inputs to check, for a wrong secret key', async () => {
    const run = await suite.steps.run('deploy', { ...signed({ service: 'shop', image: V2 }), 'secret-key': 'not-the-secret-key-0123' })
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/^servicestage: \w+ of "shop" failed: .*verify aksk signature fail.*"access-key" and "secret-key"/)
    expect((await component()).source.url).toBe(V1)
  })

  it('the emulator refuses a signature whose X-Sdk-Date is 20 minutes off, as the gateway does', async () => {
    const url = new URL(`${suite.emulator.url('servicestage')}/v3/p1/cas/applications/a1/components`)
    const headers = { accept: 'application/json', 'content-type': 'application/json;charset=utf8' }
    const key = { accessKey: AK['access-key'], secretKey: AK['secret-key'] }
    const send = async (now: Date) => {
      const response = await fetch(url, {
        headers: { ...headers, ...signRequest(key, { method: 'GET', url, headers, body: undefined }, now) },
      })
      return { status: response.status, body: (await response.json()) as { error_code?: string; error_msg?: string } }
    }
    expect((await send(new Date())).status).toBe(200)
    const skewed = await send(new Date(Date.now() - 20 * 60_000))
    expect(skewed.status).toBe(401)
    expect(skewed.body).toMatchObject({ error_code: 'APIG.0301', error_msg: expect.stringMatching(/X-Sdk-Date .* more than 15 minutes/) })
  })
})

describe('a deploy keeps the rest of the spec', () => {
  it('sends the component back whole with the new image and version: its runtime stack, resources, limits and envs stay', async () => {
    const before = (await component()) as unknown as Record<string, unknown>
    const run = await suite.steps.run('deploy', inputs({ service: 'shop', image: V2 }))
    expect(run.code, run.stdout).toBe(0)
    const after = (await component()) as unknown as Record<string, unknown>
    for (const field of ['runtime_stack', 'refer_resources', 'limit_cpu', 'limit_memory', 'request_cpu', 'request_memory', 'envs'])
      expect(after[field], field).toEqual(before[field])
    expect(after).toMatchObject({ source: { url: V2 } })
  })
})

describe('creating a component', () => {
  const spec = {
    runtime_stack: { name: 'Docker', type: 'Docker', version: '1.0', deploy_mode: 'container' },
    environment_id: 'env-1',
    refer_resources: [{ id: 'cce-1', type: 'cce', parameters: { namespace: 'default' } }],
    replica: 2,
    limit_cpu: 0.5,
  }

  it('creates a missing component with create and create-spec, and waits for it', async () => {
    const run = await suite.steps.run(
      'deploy',
      inputs({ service: 'checkout', image: V1, create: 'true', 'create-spec': JSON.stringify(spec) }),
    )
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ image: V1, 'previous-image': '' })
    expect(run.stdout).toContain('::group::create')
    expect((await component('checkout')).status).toMatchObject({ component_status: 'RUNNING', replica: 2 })
  })

  it('says which fields the platform wants when create-spec lacks them', async () => {
    const run = await suite.steps.run('deploy', inputs({ service: 'checkout', image: V1, create: 'true', 'create-spec': '{"replica": 1}' }))
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(
      /^servicestage: create of "checkout" failed: missing or invalid: runtime_stack.*environment_id, refer_resources \(SVCSTG\.00100400\)/,
    )
  })

  it('without create, a missing component is an error, and create-spec alone is refused as input', async () => {
    expect(errorLines(await suite.steps.run('deploy', inputs({ service: 'checkout', image: V1 })))).toEqual([
      'servicestage: deploy of "checkout" failed: service not found',
    ])
    const bad = await suite.steps.run('deploy', inputs({ service: 'checkout', image: V1, 'create-spec': '{}' }))
    expect(errorLines(bad)[0]).toContain('Input "create-spec" is set while "create" is false')
  })
})

describe('a gray release', () => {
  /** Shares of the component's own URL by version, in percent, over `count` requests. */
  async function versions(count = 100): Promise<Record<string, number>> {
    const url = (await component()).external_accesses[0]?.address ?? ''
    const counts: Record<string, number> = {}
    for (let i = 0; i < count; i++) {
      const body = (await (await fetch(url)).json()) as { version?: string }
      counts[body.version ?? '?'] = (counts[body.version ?? '?'] ?? 0) + 1
    }
    return Object.fromEntries(Object.entries(counts).map(([version, n]) => [version, (n * 100) / count]))
  }

  it('starts with a deploy at a weight, is shifted and promoted by the traffic action, measured over 100 requests', async () => {
    const deploy = await suite.steps.run('deploy', inputs({ service: 'shop', image: V2, 'gray-weight': '10' }))
    expect(deploy.code, deploy.stdout).toBe(0)
    const at10 = await versions()
    expect(Math.abs((at10.v2 ?? 0) - 10)).toBeLessThanOrEqual(3)
    const shift = await suite.steps.run('traffic', inputs({ router: 'shop', percentage: '50' }))
    expect(shift.code, shift.stdout).toBe(0)
    expect(JSON.parse(shift.outputs.weights ?? '')).toEqual({ blue: 50, green: 50 })
    const at50 = await versions()
    expect(Math.abs((at50.v2 ?? 0) - 50)).toBeLessThanOrEqual(3)
    const promote = await suite.steps.run('traffic', inputs({ router: 'shop', command: 'promote' }))
    expect(promote.code, promote.stdout).toBe(0)
    expect(promote.outputs.phase).toBe('promoted')
    expect(await versions(200)).toEqual({ v2: 100 })
    expect((await component()).source.url).toBe(V2)
  })

  it("goes on when its PUT's answer is lost while the job it started has not applied the version yet: the PUT is not sent again", async () => {
    // the version is applied after the job's first task (500 ms here): the reads right after the lost
    // answer see a newer job but neither the version nor a record of it, and a PUT sent again is refused as busy
    await suite.emulator.control('POST', '/servicestage/timing', { taskMs: 500 })
    await suite.emulator.fault({ platform: 'servicestage', path: '/components/', method: 'PUT', when: 'after', drop: true, count: 1 })
    await suite.emulator.control('DELETE', '/requests')
    const deploy = await suite.steps.run('deploy', inputs({ service: 'shop', image: V2, 'gray-weight': '10', timeout: '20s' }))
    expect(deploy.code, deploy.stdout).toBe(0)
    expect((await suite.emulator.requests()).filter((r) => r.method === 'PUT')).toHaveLength(1)
    expect(Math.abs(((await versions()).v2 ?? 0) - 10)).toBeLessThanOrEqual(3)
  })

  it('is not taken for a full deploy of its image: that is refused before any write, and a re-run of the gray deploy goes on', async () => {
    expect((await suite.steps.run('deploy', inputs({ service: 'shop', image: V2, 'gray-weight': '10' }))).code).toBe(0)
    await suite.emulator.control('DELETE', '/requests')
    const full = await suite.steps.run('deploy', inputs({ service: 'shop', image: V2 }))
    expect(full.code).toBe(1)
    expect(errorLines(full)[0]).toContain(
      `servicestage: deploy of "shop" failed: ${V2} runs only in a gray release, at 10% of the traffic: promote it (action-traffic, command: promote)`,
    )
    const rerun = await suite.steps.run('deploy', inputs({ service: 'shop', image: V2, 'gray-weight': '10' }))
    expect(rerun.code, rerun.stdout).toBe(0)
    expect(rerun.summary).toContain(`A gray release of ${V2} was already in progress at 10%`)
    expect((await suite.emulator.requests()).filter((r) => r.method !== 'GET')).toEqual([])
  })

  it('is abandoned by a rollback by hand on the router (no blue or green given): all traffic back on the stable version', async () => {
    expect((await suite.steps.run('deploy', inputs({ service: 'shop', image: V2, 'gray-weight': '10' }))).code).toBe(0)
    // its dry run says the stable version would serve, not the gray one the component shows
    const planned = await suite.steps.run('rollback', inputs({ service: 'shop', router: 'shop', 'dry-run': 'true' }))
    expect(planned.code, planned.stdout).toBe(0)
    expect(JSON.parse(planned.outputs.plan ?? '').writes).toContainEqual(
      expect.objectContaining({ operation: 'shift to 0%', detail: 'stable serves the version from before the gray release; read back' }),
    )
    expect(planned.summary).not.toContain(`stable (${V2})`)
    const back = await suite.steps.run('rollback', inputs({ service: 'shop', router: 'shop', reason: 'v2 is slow' }))
    expect(back.code, back.stdout).toBe(0)
    expect(JSON.parse(back.outputs.weights ?? '')).toEqual({ blue: 100, green: 0 })
    expect(back.outputs.image).toBe(V1)
    expect(await versions(200)).toEqual({ v1: 100 })
    expect((await component()).source.url).toBe(V1)
    const status = await suite.steps.run('traffic', inputs({ router: 'shop', command: 'status' }))
    expect(status.outputs).toMatchObject({ phase: 'steady', stable: 'stable' })
  })

  it('is abandoned by an abort (rollback_current): all traffic back on the stable version', async () => {
    expect((await suite.steps.run('deploy', inputs({ service: 'shop', image: V2, 'gray-weight': '30' }))).code).toBe(0)
    const abort = await suite.steps.run('traffic', inputs({ router: 'shop', command: 'abort' }))
    expect(abort.code, abort.stdout).toBe(0)
    expect(abort.stdout).not.toContain('taken out of service')
    expect(await versions(200)).toEqual({ v1: 100 })
    expect((await component()).source.url).toBe(V1)
  })

  it("is not abandoned twice when the abort's rollback_current gets no answer: neither the abort nor the post step sends another", async () => {
    expect((await suite.steps.run('deploy', inputs({ service: 'shop', image: V2, 'gray-weight': '30' }))).code).toBe(0)
    await suite.emulator.control('DELETE', '/requests')
    // never answered, never handled: nothing shows whether it ran
    await suite.emulator.fault({ platform: 'servicestage', path: '/action', method: 'POST', hang: true, count: 1 })
    const abort = await suite.steps.run('traffic', inputs({ router: 'shop', command: 'abort', timeout: '12s' }))
    expect(abort.code).toBe(1)
    expect(errorLines(abort)[0]).toMatch(
      /it was not sent again, since a second send would do it twice.*\(the post step does not send it either\)$/,
    )
    expect(abort.state).toMatchObject({ release: 'in-flight', in_doubt: 'true' })
    const post = await suite.steps.run('traffic-post', inputs({ router: 'shop', command: 'abort' }), { env: stateOf(abort) })
    expect(post.code, post.stdout).toBe(0)
    expect(post.stdout).toContain('the post step does not send it again')
    const actions = (await suite.emulator.requests()).filter((r) => r.method === 'POST' && r.path.endsWith('/action'))
    expect(actions).toHaveLength(1)
    await suite.emulator.control('DELETE', '/faults')
  })

  it('is not abandoned twice when the step is killed while its rollback_current has no answer: the post step sends none', async () => {
    expect((await suite.steps.run('deploy', inputs({ service: 'shop', image: V2, 'gray-weight': '30' }))).code).toBe(0)
    await suite.emulator.control('DELETE', '/requests')
    await suite.emulator.fault({ platform: 'servicestage', path: '/action', method: 'POST', hang: true, count: 1 })
    // killed (the runner's SIGKILL) once it reads whether the write landed: nothing after it runs
    let reading: () => void = () => {}
    const reached = new Promise<void>((resolve) => (reading = resolve))
    const killed = await suite.steps.run('traffic', inputs({ router: 'shop', command: 'abort', timeout: '12s' }), {
      onStdout: (soFar) => soFar.includes("reading the platform's state to learn whether it landed") && reading(),
      signalWhen: reached,
      signal: 'SIGKILL',
    })
    expect(killed.code).toBe(null)
    expect(killed.state).toMatchObject({ release: 'in-flight', in_doubt: 'true' })
    const post = await suite.steps.run('traffic-post', inputs({ router: 'shop', command: 'abort' }), { env: stateOf(killed) })
    expect(post.code, post.stdout).toBe(0)
    expect(post.stdout).toContain('the post step does not send it again')
    expect((await suite.emulator.requests()).filter((r) => r.method === 'POST' && r.path.endsWith('/action'))).toHaveLength(1)
    await suite.emulator.control('DELETE', '/faults')
  })

  it('refuses a gray weight on a platform without gray releases, and a shift with no gray release in progress', async () => {
    const run = await suite.steps.run('traffic', inputs({ router: 'shop', percentage: '30' }))
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toContain('no gray release is in progress: start one with action-deploy and gray-weight')
    const jelastic = await suite.steps.run('deploy', {
      platform: 'jelastic',
      'api-url': suite.emulator.url('jelastic'),
      token: 't0ken-123',
      service: 'x',
      image: V2,
      'gray-weight': '10',
    })
    expect(errorLines(jelastic)[0]).toContain('Input "gray-weight" is set on platform "jelastic"')
  })
})

describe('action-scale and action-rollback on ServiceStage', () => {
  it('scales with the scale action and waits for its job', async () => {
    const run = await suite.steps.run('scale', inputs({ service: 'shop', replicas: '4' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.replicas).toBe('4')
    expect((await component()).status.replica).toBe(4)
  })

  it('rolls back to the version before (rollback_current), and to an image found in the deployment records', async () => {
    expect((await suite.steps.run('deploy', inputs({ service: 'shop', image: V2 }))).code).toBe(0)
    expect((await suite.steps.run('deploy', inputs({ service: 'shop', image: V3 }))).code).toBe(0)
    const previous = await suite.steps.run('rollback', inputs({ service: 'shop', reason: 'v3 is slow' }))
    expect(previous.code, previous.stdout).toBe(0)
    expect(previous.outputs.image).toBe(V2)
    expect(previous.summary).toContain('v3 is slow')
    const toV1 = await suite.steps.run('rollback', inputs({ service: 'shop', to: V1 }))
    expect(toV1.code, toV1.stdout).toBe(0)
    expect((await component()).source.url).toBe(V1)
    const unknown = await suite.steps.run('rollback', inputs({ service: 'shop', to: 'swr.cn-north-4.myhuaweicloud.com/team/shop:v9' }))
    expect(unknown.code).toBe(1)
    expect(errorLines(unknown)[0]).toContain('no deployment record ran')
  })

  it('sends rollback_current once when the platform handles it only after its answer timed out: one rollback, to v2', async () => {
    expect((await suite.steps.run('deploy', inputs({ service: 'shop', image: V2 }))).code).toBe(0)
    expect((await suite.steps.run('deploy', inputs({ service: 'shop', image: V3 }))).code).toBe(0)
    await suite.emulator.control('DELETE', '/requests')
    // a 12 s timeout gives each attempt 3 s; the platform takes the request up 2 s after that
    await suite.emulator.fault({ platform: 'servicestage', path: '/action', method: 'POST', latencyMs: 5000, count: 1 })
    const run = await suite.steps.run('rollback', inputs({ service: 'shop', timeout: '12s' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.image).toBe(V2)
    // sent twice, the second rollback_current would have gone back to v3, the version rolled back from
    expect((await component()).source.url).toBe(V2)
    const actions = (await suite.emulator.requests()).filter((r) => r.method === 'POST' && r.path.endsWith('/action'))
    expect(actions).toHaveLength(1)
  })
})

describe("the emulator's ServiceStage deletes as the platform does", () => {
  it('a deleted component shows DELETING for a while and refuses changes and a second DELETE, then it is gone', async () => {
    await suite.emulator.control('POST', '/servicestage/timing', { taskMs: 2_000 })
    const base = `${suite.emulator.url('servicestage')}/v3/p1/cas/applications/a1/components/${(await component()).id}`
    const call = (method: string, path = '', body?: unknown) =>
      fetch(`${base}${path}`, {
        method,
        headers: { 'X-Auth-Token': TOKEN, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      })
    expect((await call('DELETE')).status).toBe(200)
    const during = (await (await call('GET')).json()) as ComponentView
    expect(during.status.component_status).toBe('DELETING')
    const again = await call('DELETE')
    expect(again.status).toBe(400)
    expect(await again.text()).toContain('is being deleted')
    const scale = await call('POST', '/action', { action: 'scale', parameters: { replica: 1 } })
    expect(scale.status).toBe(400)
    expect(await scale.text()).toContain('is being deleted')
    await until(async () => (await call('GET')).status === 404)
  })
})

describe('bad inputs and secrets on ServiceStage', () => {
  it.each([
    [{ project: '' }, 'project'],
    [{ application: '' }, 'application'],
    [{ token: '' }, 'token'],
  ])('refuses %j naming "%s", before any call', async (override, input) => {
    await suite.emulator.control('DELETE', '/requests')
    const given = Object.fromEntries(Object.entries(inputs({ service: 'shop', image: V2, ...override })).filter(([, v]) => v !== ''))
    const run = await suite.steps.run('deploy', given)
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toContain(`"${input}"`)
    expect(await suite.emulator.requests()).toEqual([])
  })

  it('never shows the token', () => {
    expect(suite.steps.leaks()).toEqual([])
    expect(suite.steps.runs.some((run) => run.everything.includes('::add-mask::servicestage-demo-token'))).toBe(true)
  })
})

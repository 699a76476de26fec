import { describe, expect, it } from 'vitest'
import { PlatformError } from '../../src/shared/platforms/platform.js'
import { mockPlatform } from '../support/mock-platform.js'

const ORIGIN = 'https://open.c.163.com'
const HOOK = '/api/v1/hooks/app/44684185834f47f5bf6b3902b8fb939b'
const APP = '/api/v1/apps/10702'
const ref = { service: '10702' }
const micro = { service: '55', project: 'team' }
const V1 = 'hub.c.163.com/team/api:v1'
const V2 = 'hub.c.163.com/team/api:v2'

/** The answer is lost on its way back: the request reached the platform (it is in `sent`), the connection is reset. */
const LOST = {
  toJSON() {
    throw Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })
  },
}
const DOWN = { code: 5000007, message: 'Nce internal server error' }

function shop(version: string, fields: Record<string, unknown> = {}) {
  return {
    id: 10702,
    name: 'shop',
    status: 'create_succ',
    replicas: 2,
    updated_at: '2017-01-03T10:00:00Z',
    version_control: { type: 'git', path: 'https://git.example.com/shop.git', version },
    containers: [{ container_id: 'c1' }, { container_id: 'c2' }],
    web_hook_url: `${ORIGIN}${HOOK}`,
    ...fields,
  }
}

/** The app as a build after the hook leaves it: every container new. */
const built = (version: string) => shop(version, { containers: [{ container_id: 'c3' }, { container_id: 'c4' }] })

function api(status = 'create_succ', image = V1, ids = ['d1', 'd2'], replicas = 2) {
  return {
    service_info: { id: 55, service_name: 'api', replicas, status },
    service_container_infos: [{ container_id: 901, image_path: image, docker_container_ids: ids }],
  }
}

function setup() {
  const mock = mockPlatform('netease', ORIGIN, { token: 'netease-token-abc' })
  const calls = (method: string, path: string) => mock.sent.filter((r) => r.method === method && r.path === path)
  return { ...mock, calls }
}

/** The deploy's reads and its PUT, answered: the app before, the PUT, the app with the new version. */
function versionSet(on: ReturnType<typeof setup>['on']) {
  on('GET', APP, 200, shop('v1'))
  on('PUT', APP, 200, {})
  on('GET', APP, 200, shop('v2'))
}

describe('NetEase app deploys: success needs a new build', () => {
  it('a hook answered 5xx that started no build fails the deploy, puts the version back, and is never taken as done', async () => {
    const { platform, on, sent, calls } = setup()
    versionSet(on)
    // each POST answered 502 and the app unchanged after it: sent three times, then given up
    on('POST', HOOK, 502, DOWN, 3)
    on('GET', APP, 200, shop('v2'), 3)
    // read once more before the version is put back: still no build
    on('GET', APP, 200, shop('v2'))
    on('PUT', APP, 200, {})
    // read back: the app shows the version from before
    on('GET', APP, 200, shop('v1'))
    const error = (await platform.deploy(ref, { image: 'source@v2' }).catch((e: unknown) => e)) as PlatformError
    expect(error).toBeInstanceOf(PlatformError)
    expect(error).toMatchObject({ platform: 'netease', operation: 'deploy', target: '10702', kind: 'refused' })
    expect(error.message).toBe(
      'netease: deploy of "10702" failed: the deploy hook started no build (Nce internal server error (5000007)); ' +
        'version_control.version is back at v1 and the app runs its last build',
    )
    expect(calls('POST', HOOK)).toHaveLength(3)
    const lastPut = sent.filter((r) => r.method === 'PUT').at(-1)
    expect(JSON.parse(lastPut?.body ?? '').version_control.version).toBe('v1')
    // what the release observes when a deploy call ended without an answer: the version field alone proves nothing
    on('GET', APP, 200, shop('v2'))
    const unknown = { id: 'unknown', kind: 'deploy' as const, ref, target: { image: 'source@v2' } }
    expect(await platform.observe(unknown)).toEqual({
      status: 'failed',
      detail: 'create_succ, 2/2 container(s), source@v2; no build was started for this deploy',
    })
  })

  it('a hook refused (4xx) is not sent again: the deploy fails with the platform message', async () => {
    const { platform, on, calls } = setup()
    versionSet(on)
    on('POST', HOOK, 404, { code: 4040003, message: 'No such app' })
    // the version put back: each answer lost, and the app still shows the new version
    for (let send = 0; send < 3; send++) {
      on('PUT', APP, 502, DOWN)
      on('GET', APP, 200, shop('v2'))
    }
    await expect(platform.deploy(ref, { image: 'source@v2' })).rejects.toMatchObject({
      kind: 'failed',
      message:
        'netease: deploy of "10702" failed: the deploy hook started no build (No such app (4040003)); ' +
        'version_control.version could not be put back to v1 and the app runs its last build',
    })
    expect(calls('POST', HOOK)).toHaveLength(1)
    expect(calls('PUT', APP)).toHaveLength(4)
  })

  it('a version put back is read back: an app answered 200 that still shows the new version is not said to be back', async () => {
    const { platform, on } = setup()
    versionSet(on)
    on('POST', HOOK, 404, { code: 4040003, message: 'No such app' })
    on('PUT', APP, 200, {})
    on('GET', APP, 200, shop('v2'))
    await expect(platform.deploy(ref, { image: 'source@v2' })).rejects.toMatchObject({
      kind: 'failed',
      message: expect.stringContaining('version_control.version could not be put back to v1'),
    })
  })

  it('a version put back with a PUT answered 200, and an app that cannot be read after it, is said to be sent back, unconfirmed', async () => {
    const { platform, on } = setup()
    versionSet(on)
    on('POST', HOOK, 404, { code: 4040003, message: 'No such app' })
    on('PUT', APP, 200, {})
    on('GET', APP, 503, DOWN, 3)
    await expect(platform.deploy(ref, { image: 'source@v2' })).rejects.toMatchObject({
      kind: 'refused',
      message: expect.stringContaining(
        'version_control.version was sent back to v1 (answered, but the app could not be read after it to confirm it)',
      ),
    })
  })

  it('a hook refused after the deploy wrote variables puts the variables back with the version', async () => {
    const { platform, on, sent } = setup()
    on('GET', APP, 200, shop('v1', { env_var: { A: '1' } }))
    on('PUT', APP, 200, {})
    on('GET', APP, 200, shop('v2', { env_var: { A: '1', B: '2' } }))
    on('POST', HOOK, 404, { code: 4040003, message: 'No such app' })
    on('PUT', APP, 200, {})
    on('GET', APP, 200, shop('v1', { env_var: { A: '1' } }))
    await expect(platform.deploy(ref, { image: 'source@v2', env: { vars: { B: '2' }, update: 'merge' } })).rejects.toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('version_control.version is back at v1 and env_var as it was'),
    })
    const puts = sent.filter((r) => r.method === 'PUT').map((r) => JSON.parse(r.body ?? '') as Record<string, unknown>)
    expect(puts.map((body) => body.env_var)).toEqual([{ A: '1', B: '2' }, { A: '1' }])
  })

  it('a hook whose answers were lost, and an app that cannot be read, put nothing back: a build of the new version may run', async () => {
    // a deadline that passes: the reads that fail are not tried for ever
    const end = Date.now() + 3_000
    const mock = mockPlatform('netease', ORIGIN, { token: 'netease-token-abc' }, 0, { deadline: () => end })
    const { platform, on } = mock
    const calls = (method: string, path: string) => mock.sent.filter((r) => r.method === method && r.path === path)
    versionSet(on)
    on('POST', HOOK, 502, DOWN)
    // every read of the app after it fails: nothing shows whether the hook started a build
    on('GET', APP, 503, DOWN, 100)
    const error = (await platform.deploy(ref, { image: 'source@v2' }).catch((e: unknown) => e)) as PlatformError
    expect(error).toMatchObject({ kind: 'failed' })
    expect(error.message).toBe(
      'netease: deploy of "10702" failed: the deploy hook got no answer (Nce internal server error (5000007)), and the app could not be read ' +
        "to learn whether it started a build; version_control.version keeps the new version: look at the app's builds, and deploy again if none ran",
    )
    expect(calls('POST', HOOK)).toHaveLength(1)
    expect(calls('PUT', APP)).toHaveLength(1)
  })

  it('a hook whose last answer was lost, and an app that changed since, put nothing back: its build may have started late', async () => {
    const { platform, on, calls } = setup()
    versionSet(on)
    on('POST', HOOK, 502, DOWN, 3)
    on('GET', APP, 200, shop('v2'), 3)
    on('GET', APP, 200, shop('v2', { updated_at: '2017-01-03T10:00:09Z' }))
    await expect(platform.deploy(ref, { image: 'source@v2' })).rejects.toMatchObject({
      kind: 'failed',
      message: expect.stringContaining(
        'the deploy hook got no answer (Nce internal server error (5000007)), and the app changed since: a build may have started; version_control.version keeps the new version',
      ),
    })
    expect(calls('PUT', APP)).toHaveLength(1)
  })

  it('a version put back whose answer was lost is settled by the app showing it: put back once', async () => {
    const { platform, on, calls } = setup()
    versionSet(on)
    on('POST', HOOK, 404, { code: 4040003, message: 'No such app' })
    on('PUT', APP, 200, LOST)
    on('GET', APP, 200, shop('v1'))
    await expect(platform.deploy(ref, { image: 'source@v2' })).rejects.toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('version_control.version is back at v1 and the app runs its last build'),
    })
    expect(calls('PUT', APP)).toHaveLength(2)
  })

  it('a hook whose answer was lost but which started a build is not sent again: the deploy waits for the build', async () => {
    const { platform, on, calls } = setup()
    versionSet(on)
    on('POST', HOOK, 200, LOST)
    on('GET', APP, 200, shop('v2', { status: 'creating' }))
    const op = await platform.deploy(ref, { image: 'source@v2' })
    expect(calls('POST', HOOK)).toHaveLength(1)
    on('GET', APP, 200, built('v2'))
    expect(await platform.observe(op)).toEqual({ status: 'succeeded', detail: 'create_succ, 2/2 container(s) of the new build, source@v2' })
  })

  it('a hook answered 5xx is sent again when the app shows no build, and the deploy waits for that build', async () => {
    const { platform, on, calls } = setup()
    versionSet(on)
    on('POST', HOOK, 503, DOWN)
    on('GET', APP, 200, shop('v2'))
    on('POST', HOOK, 200, {})
    const op = await platform.deploy(ref, { image: 'source@v2' })
    expect(calls('POST', HOOK)).toHaveLength(2)
    on('GET', APP, 200, built('v2'))
    expect((await platform.observe(op)).status).toBe('succeeded')
  })

  it('a hook answered 200 with a body that is not JSON is taken as answered (its body is not documented): sent once', async () => {
    const { platform, on, calls } = setup()
    versionSet(on)
    on('POST', HOOK, 200, '<html>ok</html>')
    const op = await platform.deploy(ref, { image: 'source@v2' })
    expect(calls('POST', HOOK)).toHaveLength(1)
    // no build yet: the app as before the hook, with the version the PUT wrote
    on('GET', APP, 200, shop('v2'))
    on('GET', `/api/v1/watch/apps/10702`, 404, { code: 4040006, message: 'No such api' })
    expect(await platform.observe(op)).toEqual({
      status: 'running',
      detail: 'create_succ, 0/2 container(s) of the new build, source@v2; waiting for the build to start',
    })
  })

  it('a PUT whose answer was lost but which landed is sent once; the hook is sent once and the build waited for', async () => {
    const { platform, on, sent } = setup()
    on('GET', APP, 200, shop('v1'))
    // the client does not repeat a PUT: the app read after the lost answer shows the version, so it is not sent again
    on('PUT', APP, 200, LOST)
    on('GET', APP, 200, shop('v2'))
    on('POST', HOOK, 200, {})
    const op = await platform.deploy(ref, { image: 'source@v2' })
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${APP}`, `PUT ${APP}`, `GET ${APP}`, `POST ${HOOK}`])
    // the build starts late: until then the version field alone is not taken as done
    on('GET', APP, 200, shop('v2'))
    on('GET', APP, 200, shop('v2', { status: 'creating', updated_at: '2017-01-03T10:00:05Z' }))
    on('GET', APP, 200, built('v2'))
    const seen = [await platform.observe(op), await platform.observe(op), await platform.observe(op)].map((state) => state.status)
    expect(seen).toEqual(['running', 'running', 'succeeded'])
  })

  it('a PUT answered 5xx that did not land is sent again; one answered 200 with a body that is not JSON is read from the state', async () => {
    const { platform, on, sent, calls } = setup()
    on('GET', APP, 200, shop('v1'))
    on('PUT', APP, 503, DOWN)
    // the app still shows v1: the PUT did not land, and is sent again
    on('GET', APP, 200, shop('v1'))
    on('PUT', APP, 200, '<html>gateway</html>')
    // the app shows v2: the second PUT landed, and is not sent a third time
    on('GET', APP, 200, shop('v2'))
    on('POST', HOOK, 200, {})
    await platform.deploy(ref, { image: 'source@v2' })
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${APP}`,
      `PUT ${APP}`,
      `GET ${APP}`,
      `PUT ${APP}`,
      `GET ${APP}`,
      `POST ${HOOK}`,
    ])
    expect(calls('PUT', APP).map((r) => JSON.parse(r.body).version_control.version)).toEqual(['v2', 'v2'])
  })

  it('a build that fails after the hook fails the deploy', async () => {
    const { platform, on } = setup()
    versionSet(on)
    on('POST', HOOK, 200, {})
    const op = await platform.deploy(ref, { image: 'source@v2' })
    on('GET', APP, 200, shop('v2', { status: 'create_fail', updated_at: '2017-01-03T10:00:09Z' }))
    expect((await platform.observe(op)).status).toBe('failed')
  })
})

describe('NetEase app deploys: the status is judged only once its own build has started', () => {
  it("a create_fail from the build before is not the new build's result, even when updated_at moved with the hook", async () => {
    const { platform, on } = setup()
    on('GET', APP, 200, shop('v1', { status: 'create_fail' }))
    on('PUT', APP, 200, {})
    on('GET', APP, 200, shop('v2', { status: 'create_fail' }))
    on('POST', HOOK, 200, {})
    const op = await platform.deploy(ref, { image: 'source@v2' })
    // the hook's call moved updated_at; status and containers are still the failed build's
    on('GET', APP, 200, shop('v2', { status: 'create_fail', updated_at: '2017-01-03T10:00:04Z' }))
    expect(await platform.observe(op)).toEqual({
      status: 'running',
      detail: 'create_fail, 0/2 container(s) of the new build, source@v2; waiting for the build to start',
    })
    on('GET', APP, 200, shop('v2', { status: 'creating', updated_at: '2017-01-03T10:00:06Z' }))
    expect((await platform.observe(op)).status).toBe('running')
    on('GET', APP, 200, built('v2'))
    expect((await platform.observe(op)).status).toBe('succeeded')
  })

  it("once its build has started, a create_fail is the deploy's own failure", async () => {
    const { platform, on } = setup()
    on('GET', APP, 200, shop('v1', { status: 'create_fail' }))
    on('PUT', APP, 200, {})
    on('GET', APP, 200, shop('v2', { status: 'create_fail' }))
    on('POST', HOOK, 200, {})
    const op = await platform.deploy(ref, { image: 'source@v2' })
    on('GET', APP, 200, shop('v2', { status: 'creating', updated_at: '2017-01-03T10:00:05Z' }))
    expect((await platform.observe(op)).status).toBe('running')
    on('GET', APP, 200, shop('v2', { status: 'create_fail', updated_at: '2017-01-03T10:00:07Z' }))
    expect((await platform.observe(op)).status).toBe('failed')
  })
})

describe('NetEase app create, resize and delete, settled by the state', () => {
  function createCall(on: ReturnType<typeof setup>['on']) {
    on('GET', '/api/v1/apps?limit=30&offset=0', 200, { total: 0, apps: [] })
    on('GET', '/api/v1/apps/images', 200, { custom_images: [], public_images: [{ id: 10005, name: 'centos', tag: 'latest' }] })
  }
  const spec = { image: 'source@v1', create: { image: 'centos:latest', replicas: 2 } }

  it('a create whose answer was lost is found by its name: never POSTed twice', async () => {
    const { platform, on, calls } = setup()
    createCall(on)
    on('POST', '/api/v1/apps', 200, LOST)
    on('GET', '/api/v1/apps?limit=30&offset=0', 200, { total: 1, apps: [shop('v1', { id: 1000, status: 'creating', containers: [] })] })
    expect((await platform.deploy({ service: 'shop' }, spec)).id).toBe('create:1000')
    expect(calls('POST', '/api/v1/apps')).toHaveLength(1)
  })

  it('a create answered 5xx that made no app is POSTed again', async () => {
    const { platform, on, calls } = setup()
    createCall(on)
    on('POST', '/api/v1/apps', 500, { code: 5000003, message: 'Create app error' })
    on('GET', '/api/v1/apps?limit=30&offset=0', 200, { total: 0, apps: [] })
    on('POST', '/api/v1/apps', 200, { id: 1001, url: `${ORIGIN}${HOOK}` })
    expect((await platform.deploy({ service: 'shop' }, spec)).id).toBe('create:1001')
    expect(calls('POST', '/api/v1/apps')).toHaveLength(2)
  })

  it('a resize whose answer was lost is taken from the replicas: sent once; one that did not land is sent again', async () => {
    const { platform, on, calls } = setup()
    const resize = '/api/v1/apps/10702/replications/4/actions/resize'
    on('GET', APP, 200, shop('v1'))
    on('PUT', resize, 200, LOST)
    on('GET', APP, 200, shop('v1', { replicas: 4 }))
    expect((await platform.scale(ref, { replicas: 4 })).target).toEqual({ replicas: 4 })
    expect(calls('PUT', resize)).toHaveLength(1)
    expect(calls('GET', APP)).toHaveLength(2)
    on('GET', APP, 200, shop('v1'))
    on('PUT', resize, 502, DOWN)
    on('GET', APP, 200, shop('v1'))
    on('PUT', resize, 200, {})
    expect((await platform.scale(ref, { replicas: 4 })).target).toEqual({ replicas: 4 })
    expect(calls('PUT', resize)).toHaveLength(3)
    expect(calls('GET', APP)).toHaveLength(4)
  })

  it('a delete is done when the app is gone: after lost answers, or when a repeat finds nothing', async () => {
    const { platform, on, calls } = setup()
    on('GET', APP, 200, shop('v1'))
    on('DELETE', APP, 502, DOWN, 3)
    on('GET', APP, 404, { code: 4040003, message: 'No such app' })
    expect((await platform.remove(ref)).kind).toBe('remove')
    on('GET', APP, 200, shop('v1'))
    on('DELETE', APP, 200, LOST)
    on('DELETE', APP, 404, { code: 4040003, message: 'No such app' })
    expect((await platform.remove(ref)).kind).toBe('remove')
    expect(calls('DELETE', APP)).toHaveLength(5)
  })
})

describe('NetEase microservice writes, settled by the state', () => {
  const update = '/api/v1/microservices/55/actions/update-image'
  const scale = '/api/v1/microservices/55/actions/elastic-scale?new_replicas=3'
  const restart = '/api/v1/microservices/55/actions/restart?option=restart'
  const SERVICE = '/api/v1/microservices/55'

  it('an update-image whose answer was lost is taken from the container image: sent once, done on new containers', async () => {
    const { platform, on, calls } = setup()
    on('GET', SERVICE, 200, api())
    on('PUT', update, 200, LOST)
    on('GET', SERVICE, 200, api('updating', V2, []))
    const op = await platform.deploy(micro, { image: V2 })
    expect(calls('PUT', update)).toHaveLength(1)
    on('GET', SERVICE, 200, api('update_succ', V2, ['d3', 'd4']))
    expect((await platform.observe(op)).status).toBe('succeeded')
  })

  it('an update after a failed one is not taken as failed until it shows; a deploy that started none is failed', async () => {
    const { platform, on } = setup()
    on('GET', SERVICE, 200, api('update_fail', 'hub.c.163.com/team/api:v3', []))
    on('PUT', update, 200, {})
    const op = await platform.deploy(micro, { image: V1 })
    // the platform has not taken it up yet: the old update_fail is no verdict on this update
    on('GET', SERVICE, 200, api('update_fail', V1, []))
    expect((await platform.observe(op)).status).toBe('running')
    on('GET', SERVICE, 200, api('update_succ', V1, ['d1', 'd2']))
    expect(await platform.observe(op)).toEqual({ status: 'succeeded', detail: `update_succ, 2/2 container(s) of the new image, ${V1}` })
    on('GET', SERVICE, 200, api('create_succ', V2))
    const unknown = { id: 'unknown', kind: 'deploy' as const, ref: micro, target: { image: V2 } }
    expect(await platform.observe(unknown)).toEqual({
      status: 'failed',
      detail: `create_succ, 2/2 container(s), ${V2}; no image update was started for this deploy`,
    })
  })

  it('an update-image answered 5xx that did not land is sent again, by POST where PUT is not allowed', async () => {
    const { platform, on, calls } = setup()
    on('GET', SERVICE, 200, api())
    on('PUT', update, 405, { code: 4050001, message: 'Method not allowed' })
    on('POST', update, 503, DOWN)
    on('GET', SERVICE, 200, api())
    on('PUT', update, 405, { code: 4050001, message: 'Method not allowed' })
    on('POST', update, 200, {})
    await platform.deploy(micro, { image: V2 })
    expect(calls('POST', update)).toHaveLength(2)
  })

  it('an update-image sent again and refused as busy, because the first one landed late, is taken from the container image', async () => {
    const { platform, on, calls } = setup()
    on('GET', SERVICE, 200, api())
    on('PUT', update, 200, LOST)
    // read before the platform took the first one up
    on('GET', SERVICE, 200, api())
    on('PUT', update, 403, { code: 4030010, message: 'Container status abnormal.' })
    on('GET', SERVICE, 200, api('updating', V2, []))
    const op = await platform.deploy(micro, { image: V2 })
    expect(op.target).toEqual({ image: V2 })
    expect(calls('PUT', update)).toHaveLength(2)
    // an elastic-scale the same way, by the replicas
    on('GET', SERVICE, 200, api())
    on('PUT', scale, 200, LOST)
    on('GET', SERVICE, 200, api())
    on('PUT', scale, 403, { code: 4030010, message: 'Container status abnormal' })
    on('GET', SERVICE, 200, api('scaling', V1, ['d1', 'd2'], 3))
    expect((await platform.scale(micro, { replicas: 3 })).target).toEqual({ replicas: 3 })
  })

  it('an update-stateless whose answer was lost is taken from the variables the GET shows: sent once; one that did not land is sent again', async () => {
    const stateless = '/api/v1/microservices/55/actions/update-stateless'
    const withVars = (status: string, ids: string[]) => {
      const service = api(status, V1, ids)
      return { ...service, service_container_infos: [{ ...service.service_container_infos[0], envs: [{ key: 'A', value: '1' }] }] }
    }
    const { platform, on, calls } = setup()
    on('GET', SERVICE, 200, api())
    on('PUT', stateless, 200, LOST)
    on('GET', SERVICE, 200, withVars('updating', []))
    const op = await platform.deploy(micro, { image: V1, env: { vars: { A: '1' }, update: 'merge' } })
    expect(calls('PUT', stateless)).toHaveLength(1)
    on('GET', SERVICE, 200, withVars('update_succ', ['d3', 'd4']))
    expect((await platform.observe(op)).status).toBe('succeeded')

    const again = setup()
    again.on('GET', SERVICE, 200, api())
    again.on('PUT', stateless, 503, DOWN)
    again.on('GET', SERVICE, 200, api())
    again.on('PUT', stateless, 200, {})
    await again.platform.deploy(micro, { image: V1, env: { vars: { A: '1' }, update: 'merge' } })
    expect(again.calls('PUT', stateless)).toHaveLength(2)
  })

  it('an update-stateless refused as busy (4030010) is said, not repeated, and no image update is sent', async () => {
    const stateless = '/api/v1/microservices/55/actions/update-stateless'
    const { platform, on, calls } = setup()
    on('GET', SERVICE, 200, api())
    on('PUT', stateless, 403, { code: 4030010, message: 'Container status abnormal.' })
    await expect(platform.deploy(micro, { image: V2, env: { vars: { A: '1' }, update: 'merge' } })).rejects.toThrow(
      'netease: deploy of "55" failed: Container status abnormal (4030010): it is not in a state to take this now (busy or stopped)',
    )
    expect(calls('PUT', stateless)).toHaveLength(1)
    expect(calls('PUT', update)).toHaveLength(0)
  })

  it('an elastic-scale whose answer was lost is taken from the replicas; a busy refusal is said, not repeated', async () => {
    const { platform, on, calls } = setup()
    on('GET', SERVICE, 200, api())
    on('PUT', scale, 200, LOST)
    on('GET', SERVICE, 200, api('scaling', V1, ['d1', 'd2'], 3))
    expect((await platform.scale(micro, { replicas: 3 })).target).toEqual({ replicas: 3 })
    expect(calls('PUT', scale)).toHaveLength(1)
    on('GET', SERVICE, 200, api('scaling'))
    on('PUT', scale, 403, { code: 4030010, message: 'Container status abnormal' })
    await expect(platform.scale(micro, { replicas: 3 })).rejects.toThrow(
      'netease: scale of "55" failed: Container status abnormal (4030010): it is not in a state to take this now (busy or stopped)',
    )
    expect(calls('PUT', scale)).toHaveLength(2)
  })

  it('a restart whose answer was lost is taken from the status; one answered 5xx that did not land is sent again', async () => {
    const { platform, on, calls } = setup()
    on('GET', SERVICE, 200, api())
    on('PUT', restart, 200, LOST)
    on('GET', SERVICE, 200, api('restarting', V1, []))
    const op = await platform.lifecycle(micro, 'restart')
    expect(calls('PUT', restart)).toHaveLength(1)
    on('GET', SERVICE, 200, api('restarting', V1, ['d5']))
    expect((await platform.observe(op)).status).toBe('running')
    on('GET', SERVICE, 200, api('restart_succ', V1, ['d5', 'd6']))
    expect(await platform.observe(op)).toEqual({ status: 'succeeded', detail: `restart_succ, 2/2 container(s), ${V1}` })
    on('GET', SERVICE, 200, api())
    on('PUT', restart, 502, DOWN)
    on('GET', SERVICE, 200, api())
    on('PUT', restart, 200, {})
    await platform.lifecycle(micro, 'restart')
    expect(calls('PUT', restart)).toHaveLength(3)
  })

  it('a delete is done when the microservice is gone', async () => {
    const { platform, on, calls } = setup()
    on('GET', SERVICE, 200, api())
    on('DELETE', `${SERVICE}?free_ip=false`, 200, LOST, 3)
    on('GET', SERVICE, 404, { code: 4040002, message: 'No such container' })
    expect((await platform.remove(micro)).kind).toBe('remove')
    expect(calls('DELETE', `${SERVICE}?free_ip=false`)).toHaveLength(3)
  })
})

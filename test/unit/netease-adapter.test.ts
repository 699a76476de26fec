import { describe, expect, it } from 'vitest'
import type { Credentials } from '../../src/shared/platforms/terms.js'
import { mockPlatform } from '../support/mock-platform.js'

const ORIGIN = 'https://open.c.163.com'
const app = { service: 'shop' }
const micro = { service: 'api', project: 'team' }

function shop(fields: Record<string, unknown> = {}) {
  return {
    id: 10702,
    name: 'shop',
    domain: 'www.abc.com',
    status: 'create_succ',
    replicas: 2,
    image_id: 3,
    version_control: {
      type: 'git',
      path: 'https://git.example.com/shop.git',
      branch: 'online',
      version: 'v1',
      password: 'bec55f12a60bf849',
    },
    containers: [{ container_id: 'c1' }, { container_id: 'c2' }],
    web_hook_url: 'https://open.c.163.com/api/v1/hooks/app/44684185834f47f5bf6b3902b8fb939b',
    ...fields,
  }
}

function api(fields: Record<string, unknown> = {}, image = 'hub.c.163.com/team/api:v1') {
  return {
    service_info: { id: 55, service_name: 'api', replicas: 2, status: 'create_succ', ...fields },
    service_container_infos: [{ container_id: 901, image_path: image, docker_container_ids: ['d1', 'd2'] }],
  }
}

function setup(credentials: Credentials = { token: 'netease-token-abc' }, deadlineMs = 60_000) {
  return mockPlatform('netease', ORIGIN, credentials, deadlineMs)
}

describe('NetEase apps', () => {
  it('finds an app by name in the list 30 at a time, and describes it as its source version', async () => {
    const { platform, on, sent } = setup()
    on('GET', '/api/v1/apps?limit=30&offset=0', 200, {
      total: 31,
      apps: Array.from({ length: 30 }, (_, i) => shop({ id: i, name: `a${i}` })),
    })
    on('GET', '/api/v1/apps?limit=30&offset=30', 200, { total: 31, apps: [shop()] })
    expect(await platform.describe(app)).toEqual({
      // the service's variables, as its GET shows them (none here)
      env: {},
      id: '10702',
      image: 'source@v1',
      replicas: 2,
      ready: 2,
      phase: 'running',
      status: 'create_succ, 2/2 container(s)',
      url: 'http://www.abc.com/',
    })
    expect(sent.every((r) => r.auth === 'Token netease-token-abc')).toBe(true)
  })

  it('finds an app among 10,000 by the total of the first page and the other pages, each read once; stops at the match', async () => {
    for (const [target, expected] of [
      [9999, 334],
      [4000, 134 + 15],
    ] as const) {
      const { platform, on, sent } = setup()
      for (let offset = 0; offset < 10_000; offset += 30) {
        const apps = Array.from({ length: Math.min(30, 10_000 - offset) }, (_, i) => shop({ id: offset + i + 1, name: `a${offset + i}` }))
        on('GET', `/api/v1/apps?limit=30&offset=${offset}`, 200, { total: 10_000, apps })
      }
      expect((await platform.describe({ service: `a${target}` }))?.image).toBe('source@v1')
      const pages = sent.filter((r) => r.path.startsWith('/api/v1/apps?')).map((r) => r.path)
      expect(new Set(pages).size).toBe(pages.length)
      // the last page: every page; page 133: up to the 15 started with it, 16 at a time
      expect(pages.length).toBeLessThanOrEqual(expected)
      expect(pages.length).toBeGreaterThanOrEqual(Math.floor(target / 30) + 1)
    }
  })

  it('deploys a source version: the whole version_control back with the new version (password left out), then the hook', async () => {
    const { platform, on, sent } = setup()
    on('GET', '/api/v1/apps/10702', 200, shop())
    on('PUT', '/api/v1/apps/10702', 200, {})
    on('GET', '/api/v1/apps/10702', 200, shop({ version_control: { version: 'v2' } }))
    on('POST', '/api/v1/hooks/app/44684185834f47f5bf6b3902b8fb939b', 200, {})
    const op = await platform.deploy({ service: '10702' }, { image: 'source@v2' })
    expect(op.target).toEqual({ image: 'source@v2' })
    expect(JSON.parse(sent[1]?.body ?? '')).toEqual({
      version_control: { type: 'git', path: 'https://git.example.com/shop.git', branch: 'online', version: 'v2' },
    })
    expect(sent.map((r) => r.method)).toEqual(['GET', 'PUT', 'GET', 'POST'])
    expect(sent[3]).toMatchObject({ auth: '' })
    await expect(platform.deploy({ service: '10702' }, { image: 'hub.c.163.com/team/shop:v2' })).rejects.toThrow('give "source-version"')
  })

  it("a deploy's observe is one read, no watch (a build's end changes no container); done once new containers replaced every old one", async () => {
    const { platform, on, sent } = setup()
    on('GET', '/api/v1/apps/10702', 200, shop())
    on('PUT', '/api/v1/apps/10702', 200, {})
    on('GET', '/api/v1/apps/10702', 200, shop({ version_control: { version: 'v2' } }))
    on('POST', '/api/v1/hooks/app/44684185834f47f5bf6b3902b8fb939b', 200, {})
    const op = await platform.deploy({ service: '10702' }, { image: 'source@v2' })
    const v2 = { version_control: { version: 'v2' } }
    on('GET', '/api/v1/apps/10702', 200, shop({ ...v2, status: 'creating', containers: [{ container_id: 'c3' }, { container_id: 'c2' }] }))
    on('GET', '/api/v1/apps/10702', 200, shop({ ...v2, containers: [{ container_id: 'c3' }, { container_id: 'c4' }] }))
    const before = sent.length
    expect(await platform.observe(op)).toEqual({ status: 'running', detail: 'creating, 1/2 container(s) of the new build, source@v2' })
    expect(await platform.observe(op)).toEqual({ status: 'succeeded', detail: 'create_succ, 2/2 container(s) of the new build, source@v2' })
    expect(sent.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/apps/10702', 'GET /api/v1/apps/10702'])
  })

  it('a deploy whose build may leave no lasting sign (no container, or a failed build before) is read at once; the others a second later', async () => {
    const polled: boolean[] = []
    const cases = [
      { containers: [], status: 'create_succ' },
      { containers: [{ container_id: 'c1' }], status: 'create_fail' },
      { containers: [{ container_id: 'c1' }], status: 'create_succ' },
    ]
    for (const { containers, status } of cases) {
      const { platform, on } = setup()
      const app = { containers, status, replicas: containers.length }
      on('GET', '/api/v1/apps/10702', 200, shop(app))
      on('PUT', '/api/v1/apps/10702', 200, {})
      on('GET', '/api/v1/apps/10702', 200, shop({ ...app, version_control: { version: 'v2' } }))
      on('POST', '/api/v1/hooks/app/44684185834f47f5bf6b3902b8fb939b', 200, {})
      const op = await platform.deploy({ service: '10702' }, { image: 'source@v2' })
      polled.push(platform.polls?.(op) ?? false)
    }
    expect(polled).toEqual([false, false, true])
  })

  it('a failed watch leaves the wait to the poller; create_fail ends it badly', async () => {
    const { platform, on } = setup()
    const op = { id: 'resize:10702:3', kind: 'scale' as const, ref: { service: '10702' }, target: { replicas: 3 } }
    on('GET', '/api/v1/apps/10702', 200, shop({ replicas: 3 }))
    on('GET', '/api/v1/watch/apps/10702', 404, { code: 4040006, message: 'No such api' })
    expect(await platform.observe(op)).toEqual({ status: 'running', detail: 'create_succ, 2/3 container(s), source@v1' })
    on('GET', '/api/v1/apps/10702', 200, shop({ status: 'create_fail' }))
    expect((await platform.observe(op)).status).toBe('failed')
  })

  it('creates an app with image_id and image_type from the image list, done when its containers run', async () => {
    const { platform, on, sent } = setup()
    on('GET', '/api/v1/apps?limit=30&offset=0', 200, { total: 0, apps: [] })
    on('GET', '/api/v1/apps/images', 200, {
      custom_images: [{ id: 30202, name: '4638_tomcat2', tag: 'v1' }],
      public_images: [{ id: 10005, name: 'centos', tag: 'latest' }],
    })
    on('POST', '/api/v1/apps', 200, { id: 1000, url: 'https://open.c.163.com/api/v1/hooks/app/44684185834f47f5bf6b3902b8fb939b' })
    const op = await platform.deploy(app, {
      image: 'source@v1',
      create: { image: 'centos:latest', replicas: 2, version_control: { type: 'git', path: 'p' } },
    })
    expect(JSON.parse(sent[2]?.body ?? '')).toEqual({
      spec_id: 1,
      replicas: 2,
      image_id: 10005,
      image_type: 1,
      name: 'shop',
      version_control: { type: 'git', path: 'p', version: 'v1' },
    })
    expect(op.id).toBe('create:1000')
    on('GET', '/api/v1/apps/1000', 200, shop({ id: 1000 }))
    expect(await platform.observe(op)).toEqual({ status: 'succeeded', detail: 'create_succ, 2/2 container(s) of the new build, source@v1' })
  })

  it('resizes through the replications path', async () => {
    const { platform, on, sent } = setup()
    on('GET', '/api/v1/apps/10702', 200, shop())
    on('PUT', '/api/v1/apps/10702/replications/4/actions/resize', 200, {})
    expect((await platform.scale({ service: '10702' }, { replicas: 4 })).target).toEqual({ replicas: 4 })
    expect(sent.at(-1)?.method).toBe('PUT')
  })

  it('sends no resize to the size the app has, which the API refuses as 4090002 "Duplicate replication size."', async () => {
    const { platform, on, sent } = setup()
    on('GET', '/api/v1/apps/10702', 200, shop())
    expect((await platform.scale({ service: '10702' }, { replicas: 2 })).target).toEqual({ replicas: 2 })
    expect(sent.filter((r) => r.path.endsWith('/resize'))).toEqual([])
    // a resize that landed while its answer was on the way (another run's) is what was asked
    on('GET', '/api/v1/apps/10702', 200, shop())
    on('PUT', '/api/v1/apps/10702/replications/3/actions/resize', 409, { code: 4090002, message: 'Duplicate replication size.' })
    on('GET', '/api/v1/apps/10702', 200, shop({ replicas: 3 }))
    expect((await platform.scale({ service: '10702' }, { replicas: 3 })).target).toEqual({ replicas: 3 })
  })
})

describe('NetEase microservices', () => {
  it('resolves the namespace and the name, then updates the image by PUT, by POST when PUT is not allowed', async () => {
    const { platform, on, sent } = setup()
    on('GET', '/api/v1/namespaces', 200, { namespaces: [{ id: 101, namespace: 'ns-team', display_name: 'team' }] })
    on('GET', '/api/v1/namespaces/101/microservices?offset=0&limit=30', 200, {
      total: 1,
      microservice_infos: [{ id: 55, service_name: 'api' }],
    })
    on('GET', '/api/v1/microservices/55', 200, api(), 2)
    on('PUT', '/api/v1/microservices/55/actions/update-image', 405, { code: 4050001, message: 'Method not allowed' })
    on('POST', '/api/v1/microservices/55/actions/update-image', 200, {})
    await platform.deploy(micro, { image: 'hub.c.163.com/team/api:v2' })
    expect(sent.at(-1)).toMatchObject({ method: 'POST' })
    expect(JSON.parse(sent.at(-1)?.body ?? '')).toEqual({
      container_images: [{ container_id: 901, image_path: 'hub.c.163.com/team/api:v2' }],
      min_ready_seconds: 10,
    })
  })

  it('an update from a failed one is read at once (a second failure would look the same), and a restart; an update from a success a second later', async () => {
    const polled: boolean[] = []
    for (const status of ['update_fail', 'update_succ']) {
      const { platform, on } = setup()
      on('GET', '/api/v1/microservices/55', 200, api({ status }))
      on('PUT', '/api/v1/microservices/55/actions/update-image', 200, {})
      const op = await platform.deploy({ service: '55', project: 'team' }, { image: 'hub.c.163.com/team/api:v2' })
      polled.push(platform.polls?.(op) ?? false)
    }
    expect(polled).toEqual([false, true])
    // a restart may keep its containers, and one from restart_succ ends where it began
    const { platform, on } = setup()
    on('GET', '/api/v1/microservices/55', 200, api({ status: 'restart_succ' }))
    on('PUT', '/api/v1/microservices/55/actions/restart?option=restart', 200, {})
    const restart = await platform.lifecycle({ service: '55', project: 'team' }, 'restart')
    expect(platform.polls?.(restart)).toBe(false)
  })

  it('observes an update done once new containers run the new image (never on image_path alone), *_fail as failed', async () => {
    const { platform, on } = setup()
    const ref = { service: '55', project: 'team' }
    const v2 = 'hub.c.163.com/team/api:v2'
    on('GET', '/api/v1/microservices/55', 200, api())
    on('PUT', '/api/v1/microservices/55/actions/update-image', 200, {})
    const op = await platform.deploy(ref, { image: v2 })
    on('GET', '/api/v1/microservices/55', 200, api({ status: 'updating' }, v2))
    expect((await platform.observe(op)).status).toBe('running')
    // the image the update wrote, but the containers from before
    on('GET', '/api/v1/microservices/55', 200, api({ status: 'update_succ' }, v2))
    expect(await platform.observe(op)).toEqual({ status: 'running', detail: `update_succ, 0/2 container(s) of the new image, ${v2}` })
    const fresh = { ...api({ status: 'update_succ' }, v2) }
    fresh.service_container_infos = [{ container_id: 901, image_path: v2, docker_container_ids: ['d3', 'd4'] }]
    on('GET', '/api/v1/microservices/55', 200, fresh)
    expect((await platform.observe(op)).status).toBe('succeeded')
    on('GET', '/api/v1/microservices/55', 200, api({ status: 'update_fail' }, v2))
    expect((await platform.observe(op)).status).toBe('failed')
  })

  it('restarts with option=restart; apps cannot restart, neither kind can stop', async () => {
    const { platform, on, sent } = setup()
    on('GET', '/api/v1/microservices/55', 200, api())
    on('PUT', '/api/v1/microservices/55/actions/restart?option=restart', 200, {})
    await platform.lifecycle({ service: '55', project: 'team' }, 'restart')
    expect(sent.at(-1)?.path).toBe('/api/v1/microservices/55/actions/restart?option=restart')
    await expect(platform.lifecycle(app, 'restart')).rejects.toThrow('NetEase apps cannot restart')
    await expect(platform.lifecycle(micro, 'stop')).rejects.toThrow('NetEase microservices cannot stop')
  })
})

describe('NetEase microservices: variables (update-stateless) and provenance', () => {
  const ref = { service: '55', project: 'team' }
  const V1 = 'hub.c.163.com/team/api:v1'
  const V2 = 'hub.c.163.com/team/api:v2'
  const PROVENANCE = { commit: 'c0ffee', runUrl: 'https://github.com/org/api/actions/runs/7' }

  /** the GET as 查看服务详情 shows it: the deployed container with its variables and shares, and a sidecar */
  function service(fields: Record<string, unknown> = {}, container: Record<string, unknown> = {}) {
    return {
      service_info: { id: 55, service_name: 'api', replicas: 2, status: 'create_succ', stateful: 0, ...fields },
      service_container_infos: [
        {
          container_id: 901,
          image_path: V1,
          docker_container_ids: ['d1', 'd2'],
          envs: [
            { key: 'KEEP', value: 'k' },
            { key: 'A', value: 'old-secret' },
            { key: 'PAAS_RELEASE_ACTOR', value: 'someone' },
          ],
          log_dirs: ['/app/logs/'],
          cpu_weight: 70,
          memory_weight: 60,
          ...container,
        },
        {
          container_id: 902,
          image_path: 'hub.c.163.com/team/sidecar:v1',
          envs: [{ key: 'S', value: 's' }],
          log_dirs: [],
          cpu_weight: 30,
          memory_weight: 40,
        },
      ],
    }
  }
  const after = (envs: Record<string, string>, fields: Record<string, unknown> = {}, container: Record<string, unknown> = {}) =>
    service(fields, { envs: Object.entries(envs).map(([key, value]) => ({ key, value })), ...container })

  it('describes the variables the GET shows, and sends them merged first, every container whole, the image once they are done', async () => {
    const { platform, on, sent } = setup()
    on('GET', '/api/v1/microservices/55', 200, service(), 2)
    expect((await platform.describe(ref))?.env).toEqual({ KEEP: 'k', A: 'old-secret', PAAS_RELEASE_ACTOR: 'someone' })

    on('PUT', '/api/v1/microservices/55/actions/update-stateless', 200, {})
    const op = await platform.deploy(ref, {
      image: V2,
      env: { vars: { A: 'new-secret', B: '2' }, update: 'merge' },
      provenance: PROVENANCE,
    })
    const wanted = { KEEP: 'k', A: 'new-secret', B: '2', PAAS_RELEASE_COMMIT: 'c0ffee', PAAS_RELEASE_RUN_URL: PROVENANCE.runUrl }
    expect(JSON.parse(sent.at(-1)?.body ?? '')).toEqual({
      container_infos: [
        {
          container_id: 901,
          // the old provenance goes, the new comes; the variables not given stay
          envs: Object.entries(wanted).map(([key, value]) => ({ key, value })),
          log_dirs: ['/app/logs/'],
          cpu_weight: 70,
          memory_weight: 60,
        },
        { container_id: 902, envs: [{ key: 'S', value: 's' }], log_dirs: [], cpu_weight: 30, memory_weight: 40 },
      ],
    })
    expect(op.target).toEqual({ image: V1 })

    // the variables written, but the containers from before: not done
    on('GET', '/api/v1/microservices/55', 200, after(wanted, { status: 'updating' }))
    expect(await platform.observe(op)).toEqual({ status: 'running', detail: `updating, 0/2 container(s) with the new variables, ${V1}` })
    on('GET', '/api/v1/microservices/55', 200, after(wanted, { status: 'update_succ' }, { docker_container_ids: ['d3', 'd4'] }))
    expect((await platform.observe(op)).status).toBe('succeeded')

    // the image's update, from the state the last observe read: no read between
    const reads = sent.length
    on('PUT', '/api/v1/microservices/55/actions/update-image', 200, {})
    const image = await platform.followUp?.(op)
    expect(sent.slice(reads).map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /api/v1/microservices/55/actions/update-image'])
    expect(JSON.parse(sent.at(-1)?.body ?? '')).toEqual({
      container_images: [{ container_id: 901, image_path: V2 }],
      min_ready_seconds: 10,
    })
    expect(image?.target).toEqual({ image: V2 })
    // the containers of the variables' update are not the image's
    on(
      'GET',
      '/api/v1/microservices/55',
      200,
      after(wanted, { status: 'update_succ' }, { image_path: V2, docker_container_ids: ['d3', 'd4'] }),
    )
    expect((await platform.observe(image as NonNullable<typeof image>)).status).toBe('running')
    on(
      'GET',
      '/api/v1/microservices/55',
      200,
      after(wanted, { status: 'update_succ' }, { image_path: V2, docker_container_ids: ['d5', 'd6'] }),
    )
    expect((await platform.observe(image as NonNullable<typeof image>)).status).toBe('succeeded')
    expect(await platform.followUp?.(image as NonNullable<typeof image>)).toBeNull()
    // no value in anything said
    on('GET', '/api/v1/microservices/55', 200, after(wanted, { status: 'update_succ' }, { docker_container_ids: ['d3', 'd4'] }))
    expect(JSON.stringify(await platform.observe(op))).not.toContain('secret')
  })

  it('a change of the variables alone is update-stateless alone; replace keeps only the given ones and the new provenance', async () => {
    const { platform, on, sent } = setup()
    on('GET', '/api/v1/microservices/55', 200, service())
    on('PUT', '/api/v1/microservices/55/actions/update-stateless', 200, {})
    const op = await platform.deploy(ref, { image: V1, env: { vars: { B: '2' }, update: 'replace' }, provenance: { commit: 'c0ffee' } })
    expect(JSON.parse(sent.at(-1)?.body ?? '').container_infos[0].envs).toEqual([
      { key: 'B', value: '2' },
      { key: 'PAAS_RELEASE_COMMIT', value: 'c0ffee' },
    ])
    on(
      'GET',
      '/api/v1/microservices/55',
      200,
      after({ B: '2', PAAS_RELEASE_COMMIT: 'c0ffee' }, { status: 'update_succ' }, { docker_container_ids: ['d3', 'd4'] }),
    )
    expect((await platform.observe(op)).status).toBe('succeeded')
    expect(await platform.followUp?.(op)).toBeNull()
    expect(sent.filter((r) => r.path.endsWith('/update-image'))).toEqual([])
  })

  it('no variables to change and no provenance: update-image alone, as before', async () => {
    const { platform, on, sent } = setup()
    on('GET', '/api/v1/microservices/55', 200, service())
    on('PUT', '/api/v1/microservices/55/actions/update-image', 200, {})
    await platform.deploy(ref, { image: V2, env: { vars: { A: 'old-secret' }, update: 'merge' } })
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/microservices/55',
      'PUT /api/v1/microservices/55/actions/update-image',
    ])
  })

  it('is failed when the update ends with other variables than it set, naming none of their values', async () => {
    const { platform, on } = setup()
    on('GET', '/api/v1/microservices/55', 200, service())
    on('PUT', '/api/v1/microservices/55/actions/update-stateless', 200, {})
    const op = await platform.deploy(ref, { image: V1, env: { vars: { A: 'new-secret' }, update: 'merge' } })
    on('GET', '/api/v1/microservices/55', 200, service({ status: 'update_succ' }, { docker_container_ids: ['d3', 'd4'] }))
    const state = await platform.observe(op)
    expect(state).toEqual({
      status: 'failed',
      detail: `update_succ, 2/2 container(s) with the new variables, ${V1}; the microservice shows other variables than update-stateless set`,
    })
  })

  it('wait: false cannot follow the variables with the image: env-vars are refused before any write, the provenance is left out with a warning', async () => {
    const { platform, on, sent, warnings } = setup()
    on('GET', '/api/v1/microservices/55', 200, service(), 2)
    await expect(platform.deploy(ref, { image: V2, env: { vars: { B: '2' }, update: 'merge' }, wait: false })).rejects.toThrow(
      'netease: deploy of "55" failed: the variables and the image are two updates',
    )
    on('PUT', '/api/v1/microservices/55/actions/update-image', 200, {})
    await platform.deploy(ref, { image: V2, provenance: PROVENANCE, wait: false })
    expect(sent.filter((r) => r.method !== 'GET').map((r) => r.path)).toEqual(['/api/v1/microservices/55/actions/update-image'])
    expect(warnings).toEqual([expect.stringContaining('no provenance is kept on "55"')])
  })

  it('refuses before any write: a stateful service, and a share the GET does not show beside another container', async () => {
    const { platform, on, sent } = setup()
    on('GET', '/api/v1/microservices/55', 200, service({ stateful: 1 }))
    await expect(platform.deploy(ref, { image: V1, env: { vars: { B: '2' }, update: 'merge' } })).rejects.toThrow(
      'update-stateless, which sets the variables, is for stateless microservices; this one is stateful',
    )
    on('GET', '/api/v1/microservices/55', 200, service({}, { cpu_weight: undefined }))
    await expect(platform.deploy(ref, { image: V1, env: { vars: { B: '2' }, update: 'merge' } })).rejects.toThrow(
      "the microservice shows no cpu_weight for container 901; update-stateless needs every container's",
    )
    expect(sent.filter((r) => r.method !== 'GET')).toEqual([])
  })

  it("a single container's shares missing from the GET are sent as 100, the document's rule for one container", async () => {
    const { platform, on, sent } = setup()
    const one = service({}, { cpu_weight: undefined, memory_weight: undefined, log_dirs: null })
    one.service_container_infos = one.service_container_infos.slice(0, 1)
    on('GET', '/api/v1/microservices/55', 200, one)
    on('PUT', '/api/v1/microservices/55/actions/update-stateless', 200, {})
    await platform.deploy(ref, { image: V1, env: { vars: { B: '2' }, update: 'merge' } })
    expect(JSON.parse(sent.at(-1)?.body ?? '').container_infos[0]).toMatchObject({ log_dirs: [], cpu_weight: 100, memory_weight: 100 })
  })

  it('plans the calls for a dry run with the names of the variables, never a value, and writes nothing', async () => {
    const { platform, on, sent } = setup()
    on('GET', '/api/v1/microservices/55', 200, service(), 2)
    expect(
      await platform.deployCalls?.(ref, { image: V2, env: { vars: { A: 'new-secret', B: '2' }, update: 'merge' }, provenance: PROVENANCE }),
    ).toEqual([
      {
        call: 'update-stateless',
        before: 'variables A, KEEP, PAAS_RELEASE_ACTOR',
        after: 'variables added B, PAAS_RELEASE_COMMIT, PAAS_RELEASE_RUN_URL; changed A',
      },
      { call: 'update-image', before: V1, after: V2 },
    ])
    expect(await platform.deployCalls?.({ service: 'shop' }, { image: 'source@v2' })).toEqual([])
    expect(await platform.deployCalls?.(ref, { image: V2 })).toEqual([{ call: 'update-image', before: V1, after: V2 }])
    expect(sent.every((r) => r.method === 'GET')).toBe(true)
  })
})

describe('NetEase auth and errors', () => {
  it('a token answer of another shape names its fields, never their values: one may hold the token', async () => {
    const { platform, on } = setup({ accessKey: 'ak-1', secretKey: 'sk-secret-1' })
    on('POST', '/api/v1/token', 201, { api_token: 'tok-renamed-0123456789', expires_in: '86399' })
    const error = (await platform.describe({ service: '10702' }).catch((caught: unknown) => caught)) as Error
    expect(error.message).toBe('netease: sign-in of "ak-1" failed: the answer has no "token" (fields: "api_token", "expires_in")')
  })

  it('gets a token for the key and secret, and a new one once after a 401', async () => {
    const { platform, on, sent } = setup({ accessKey: 'ak-1', secretKey: 'sk-secret-1' })
    on('POST', '/api/v1/token', 200, { token: 'tok-first-aaaa', expires_in: '86399' })
    on('GET', '/api/v1/apps/10702', 200, shop())
    on('GET', '/api/v1/apps/10702', 401, { code: 4010001, message: 'Unauthorized user' })
    on('POST', '/api/v1/token', 200, { token: 'tok-second-bbbb', expires_in: '86399' })
    on('GET', '/api/v1/apps/10702', 200, shop())
    await platform.describe({ service: '10702' })
    await platform.describe({ service: '10702' })
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({ app_key: 'ak-1', app_secret: 'sk-secret-1' })
    expect(sent.filter((r) => r.method === 'GET').map((r) => r.auth)).toEqual([
      'Token tok-first-aaaa',
      'Token tok-first-aaaa',
      'Token tok-second-bbbb',
    ])
  })

  it('retries the rate limit (4030001) and says a quota or a duplicate without retrying', async () => {
    const { platform, on, sent } = setup()
    on('GET', '/api/v1/apps/10702', 403, { code: 4030001, message: 'Api freq out of limit' }, 2)
    on('GET', '/api/v1/apps/10702', 200, shop())
    expect((await platform.describe({ service: '10702' }))?.image).toBe('source@v1')
    on('GET', '/api/v1/apps/10702', 200, shop())
    on('PUT', '/api/v1/apps/10702/replications/20/actions/resize', 403, { code: 4030005, message: 'Replication quota' })
    await expect(platform.scale({ service: '10702' }, { replicas: 20 })).rejects.toThrow(
      'netease: scale of "10702" failed: Replication quota (4030005): a quota of the account is used up; free some or raise it, retrying will not help',
    )
    expect(sent.filter((r) => r.path.endsWith('/resize'))).toHaveLength(1)
  })
})

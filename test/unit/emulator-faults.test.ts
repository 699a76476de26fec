import { request } from 'node:http'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Emulator, type RequestLogEntry, startEmulator } from '../../emulator/server.js'

/**
 * The emulator's faults (before and after the platform handled a request) and its stuck
 * operations, seen as a client sees them: plain HTTP against the emulator started in-process.
 * No assertion depends on timing beyond "no answer within N ms".
 */

const ALAUDA = { authorization: 'Token alauda-demo-token-0123456789', 'content-type': 'application/json' }
const SERVICESTAGE = { 'x-auth-token': 'servicestage-demo-token-0123456789', 'content-type': 'application/json' }

/** A PUT body with what the SDK's ComponentModify requires, for the component "shop" the tests make. */
function componentModify(image: string, version: string): Record<string, unknown> {
  return {
    name: 'shop',
    runtime_stack: { name: 'Docker', type: 'Docker', version: '1.0', deploy_mode: 'container' },
    source: { kind: 'image', storage: 'swr', url: image },
    replica: 2,
    version,
  }
}
const NETEASE = { authorization: 'Token netease-demo-token-0123456789', 'content-type': 'application/json' }
const RANCHER = {
  authorization: `Basic ${Buffer.from('rancher-demo-access:rancher-demo-secret-0123').toString('base64')}`,
  'content-type': 'application/json',
}
const JELASTIC_TOKEN = 'jelastic-demo-token-0123456789'

let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator(0)
})
afterAll(() => emulator.close())
beforeEach(async () => {
  await control('POST', '/reset')
})

async function control(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.origin}/_emulator${path}`, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  })
  const json = (await response.json()) as Record<string, unknown>
  if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${JSON.stringify(json)}`)
  return json
}

async function fault(rule: Record<string, unknown>): Promise<void> {
  await control('POST', '/faults', rule)
}

interface Raw {
  /** set when no answer came (a reset or a closed connection) */
  error?: string
  status?: number
  headers?: Record<string, string | string[] | undefined>
  body: Buffer
  /** the body arrived whole */
  complete: boolean
}

/** One request on a connection of its own, keeping what arrived even when the answer is cut. */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve) => {
    let settled = false
    const settle = (value: Raw) => {
      if (!settled) resolve(value)
      settled = true
    }
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      const done = (complete: boolean) =>
        settle({ status: res.statusCode as number, headers: res.headers, body: Buffer.concat(chunks), complete })
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => done(true))
      res.on('error', () => done(false))
      res.on('close', () => done(res.complete))
    })
    req.on('error', (error: NodeJS.ErrnoException) =>
      settle({ error: error.code ?? error.message, body: Buffer.alloc(0), complete: false }),
    )
    req.end(options.body)
  })
}

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, init)
  const text = await response.text()
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

/** Reads until `check` holds (or fails with the last value read after `ms`). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = await read()
    if (check(value)) return value
    if (Date.now() > end) throw new Error(`still not there after ${ms} ms: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function requests(): Promise<RequestLogEntry[]> {
  return (await control('GET', '/requests')) as unknown as RequestLogEntry[]
}

// --- Alauda: a service to write to and read back ------------------------------------------

const shopUrl = () => `${emulator.urls.alauda}/v1/services/team/shop/`

async function alaudaShop(image = 'hub.example.com/shop:v1'): Promise<void> {
  await control('POST', '/alauda/timing', { instanceMs: 10 })
  await control('POST', '/alauda/services', { namespace: 'team', name: 'shop', image, instances: 2 })
}

async function readShop(): Promise<Record<string, unknown>> {
  return (await json(shopUrl(), { headers: ALAUDA })).body
}

function putShop(body: unknown): Promise<Raw> {
  return raw(shopUrl(), { method: 'PUT', headers: ALAUDA, body: JSON.stringify(body) })
}

describe('faults after the request was handled', () => {
  it('drop: the write lands, the client sees a reset, and the log has the write once', async () => {
    await alaudaShop()
    await fault({ platform: 'alauda', path: '/services/team/shop', method: 'PUT', when: 'after', drop: true, count: 1 })
    await control('DELETE', '/requests')
    const sent = Date.now()
    const answer = await putShop({ image_tag: 'v2' })
    const answered = Date.now()
    expect(answer.status).toBeUndefined()
    expect(answer.error).toBeDefined()
    expect((await readShop()).image_tag).toBe('v2')
    const writes = (await requests()).filter((r) => r.method === 'PUT')
    expect(writes).toEqual([
      { method: 'PUT', platform: 'alauda', path: '/v1/services/team/shop/', fault: 'after drop', at: expect.any(Number) },
    ])
    // the log says when the write arrived
    expect(writes[0]?.at).toBeGreaterThanOrEqual(sent)
    expect(writes[0]?.at).toBeLessThanOrEqual(answered)
  })

  it('drop before: nothing lands', async () => {
    await alaudaShop()
    await fault({ platform: 'alauda', method: 'PUT', drop: true, count: 1 })
    const answer = await putShop({ image_tag: 'v2' })
    expect(answer.error).toBeDefined()
    expect((await readShop()).image_tag).toBe('v1')
  })

  it('hang: no answer within the client timeout, while the write landed', async () => {
    const component = (await control('POST', '/servicestage/components', {
      project: 'p1',
      application: 'a1',
      name: 'shop',
      image: 'swr.example.com/team/shop:v1',
    })) as { id: string }
    await control('POST', '/servicestage/timing', { taskMs: 10 })
    await fault({ platform: 'servicestage', method: 'PUT', when: 'after', hang: true, count: 1 })
    const url = `${emulator.urls.servicestage}/v3/p1/cas/applications/a1/components/${component.id}`
    const put = fetch(url, {
      method: 'PUT',
      headers: SERVICESTAGE,
      body: JSON.stringify(componentModify('swr.example.com/team/shop:v2', '2024.0102.00000')),
      signal: AbortSignal.timeout(400),
    })
    await expect(put).rejects.toMatchObject({ name: 'TimeoutError' })
    const shown = await eventually(
      async () => (await json(url, { headers: SERVICESTAGE })).body as { version: string; status: { component_status: string } },
      (c) => c.status.component_status === 'RUNNING' && c.version === '2024.0102.00000',
    )
    expect(shown.version).toBe('2024.0102.00000')
    expect((await requests()).filter((r) => r.method === 'PUT')).toHaveLength(1)
  })

  it('hang before: no answer and nothing landed; the server still closes with the connection open', async () => {
    const other = await startEmulator(0)
    const post = (path: string, body: unknown) => fetch(`${other.origin}/_emulator${path}`, { method: 'POST', body: JSON.stringify(body) })
    await post('/alauda/services', { namespace: 'team', name: 'shop', image: 'hub.example.com/shop:v1' })
    await post('/faults', { platform: 'alauda', method: 'PUT', hang: true })
    const url = `${other.urls.alauda}/v1/services/team/shop/`
    const put = () =>
      fetch(url, { method: 'PUT', headers: ALAUDA, body: JSON.stringify({ image_tag: 'v2' }), signal: AbortSignal.timeout(300) })
    await expect(put()).rejects.toMatchObject({ name: 'TimeoutError' })
    expect((await json(url, { headers: ALAUDA })).body.image_tag).toBe('v1')
    const pending = raw(url, { method: 'PUT', headers: ALAUDA, body: JSON.stringify({ image_tag: 'v2' }) })
    await eventually(
      async () => (await fetch(`${other.origin}/_emulator/requests`).then((r) => r.json())) as unknown[],
      (log) => log.length === 3,
    )
    await other.close()
    expect((await pending).status).toBeUndefined()
  })

  it('truncate: the real status and content-length, fewer bytes, then a reset; the write landed', async () => {
    await alaudaShop()
    await fault({ platform: 'alauda', method: 'PUT', truncate: true, count: 1 })
    const answer = await putShop({ target_num_instances: 3 })
    expect(answer.status).toBe(200)
    const length = Number(answer.headers?.['content-length'])
    expect(length).toBeGreaterThan(0)
    expect(answer.body.length).toBeLessThan(length)
    expect(answer.complete).toBe(false)
    expect((await readShop()).target_num_instances).toBe(3)
  })

  it('truncate on a read of Rancher: fewer bytes than content-length', async () => {
    const service = (await control('POST', '/rancher/services', { stack: 'shop', name: 'web', image: 'hub/web:v1' })) as { id: string }
    await fault({ platform: 'rancher', method: 'GET', path: `/services/${service.id}`, truncate: true })
    const answer = await raw(`${emulator.urls.rancher}/v2-beta/projects/1a5/services/${service.id}`, { headers: RANCHER })
    expect(answer.status).toBe(200)
    expect(answer.body.length).toBeLessThan(Number(answer.headers?.['content-length']))
  })

  it('dripMs: the whole body arrives, one byte at a time', async () => {
    await alaudaShop()
    const plain = await raw(shopUrl(), { headers: ALAUDA })
    await fault({ platform: 'alauda', method: 'GET', dripMs: 1, count: 1 })
    const dripped = await raw(shopUrl(), { headers: ALAUDA })
    expect(dripped.status).toBe(200)
    expect(dripped.complete).toBe(true)
    expect(dripped.headers?.['content-length']).toBe(String(dripped.body.length))
    expect(JSON.parse(dripped.body.toString())).toEqual(JSON.parse(plain.body.toString()))
  })

  it('dripMs: the headers come at once, the body not within the client timeout', async () => {
    await alaudaShop()
    await fault({ platform: 'alauda', path: '/auth/profile', dripMs: 1000 })
    const controller = new AbortController()
    const response = await fetch(`${emulator.urls.alauda}/v1/auth/profile/`, { headers: ALAUDA, signal: controller.signal })
    expect(response.status).toBe(200)
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(10)
    setTimeout(() => controller.abort(), 300)
    await expect(response.text()).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('status after a NetEase write: a gateway page, the write landed', async () => {
    const service = (await control('POST', '/netease/microservices', { name: 'api', image: 'hub.c.163.com/team/api:v1' })) as {
      service_info: { id: number }
    }
    const id = service.service_info.id
    await fault({ platform: 'netease', method: 'PUT', path: 'elastic-scale', when: 'after', status: 504 })
    const answer = await raw(`${emulator.urls.netease}/api/v1/microservices/${id}/actions/elastic-scale?new_replicas=3`, {
      method: 'PUT',
      headers: NETEASE,
    })
    expect(answer.status).toBe(504)
    expect(answer.headers?.['content-type']).toBe('text/html')
    expect(answer.headers?.['request-id']).toBeUndefined()
    expect(answer.body.toString()).toContain('504 Gateway Time-out')
    const read = await json(`${emulator.urls.netease}/api/v1/microservices/${id}`, { headers: NETEASE })
    expect((read.body.service_info as { replicas: number }).replicas).toBe(3)
  })

  it('malformed after a Rancher upgrade: HTTP 200, not JSON, and the upgrade runs', async () => {
    const service = (await control('POST', '/rancher/services', { stack: 'shop', name: 'web', image: 'hub/web:v1' })) as { id: string }
    const url = `${emulator.urls.rancher}/v2-beta/projects/1a5/services/${service.id}`
    await fault({ platform: 'rancher', method: 'POST', path: 'action=upgrade', when: 'after', malformed: true })
    const answer = await raw(`${url}?action=upgrade`, {
      method: 'POST',
      headers: RANCHER,
      body: JSON.stringify({ inServiceStrategy: { launchConfig: { imageUuid: 'docker:hub/web:v2' } } }),
    })
    expect(answer.status).toBe(200)
    expect(() => JSON.parse(answer.body.toString())).toThrow()
    const read = await json(url, { headers: RANCHER })
    expect((read.body.launchConfig as { imageUuid: string }).imageUuid).toBe('docker:hub/web:v2')
    expect(['upgrading', 'upgraded']).toContain(read.body.state)
    const log = (await requests()).filter((r) => r.method === 'POST')
    expect(log).toEqual([
      {
        method: 'POST',
        platform: 'rancher',
        path: `/v2-beta/projects/1a5/services/${service.id}`,
        query: '?action=upgrade',
        fault: 'after malformed',
        at: expect.any(Number),
      },
    ])
  })
})

describe('fault rules', () => {
  it('a method filter makes the write fail and not the reads of the same path', async () => {
    await alaudaShop()
    await fault({ platform: 'alauda', path: '/services/team/shop', method: 'PUT', status: 503 })
    expect((await json(shopUrl(), { headers: ALAUDA })).status).toBe(200)
    const put = await putShop({ image_tag: 'v2' })
    expect(put.status).toBe(503)
    expect(put.body.toString()).toContain('<h1>503')
    expect((await json(shopUrl(), { headers: ALAUDA })).status).toBe(200)
    expect((await readShop()).image_tag).toBe('v1')
  })

  it('a list of methods', async () => {
    await alaudaShop()
    await fault({ platform: 'alauda', method: ['put', 'DELETE'], status: 502 })
    expect((await putShop({ image_tag: 'v2' })).status).toBe(502)
    expect((await raw(shopUrl(), { method: 'DELETE', headers: ALAUDA })).status).toBe(502)
    expect((await raw(shopUrl(), { headers: ALAUDA })).status).toBe(200)
  })

  it('count: a rule strikes that many times, then is gone', async () => {
    await alaudaShop()
    await fault({ platform: 'alauda', path: '/services/team/shop', status: 502, count: 2 })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await raw(shopUrl(), { headers: ALAUDA })).status)
    expect(statuses).toEqual([502, 502, 200])
    expect((await control('GET', '/state')).faults).toEqual([])
  })

  it('malformed before: HTTP 200 with a body that is not JSON', async () => {
    await alaudaShop()
    await fault({ platform: 'alauda', malformed: true, count: 1 })
    const answer = await raw(shopUrl(), { headers: ALAUDA })
    expect(answer.status).toBe(200)
    expect(() => JSON.parse(answer.body.toString())).toThrow()
  })

  it('a JSON body with the status, and Retry-After', async () => {
    await alaudaShop()
    await fault({ platform: 'alauda', status: 429, retryAfter: '2', body: { detail: 'slow down' }, count: 1 })
    const answer = await raw(shopUrl(), { headers: ALAUDA })
    expect(answer.status).toBe(429)
    expect(answer.headers?.['retry-after']).toBe('2')
    expect(JSON.parse(answer.body.toString())).toEqual({ detail: 'slow down' })
  })

  it('refuses rules it cannot apply', async () => {
    const refused = async (rule: unknown) => {
      const response = await fetch(`${emulator.origin}/_emulator/faults`, { method: 'POST', body: JSON.stringify(rule) })
      expect(response.status, JSON.stringify(rule)).toBe(400)
      return ((await response.json()) as { error: string }).error
    }
    expect(await refused({ platform: 'alauda', dorp: true })).toContain('dorp')
    expect(await refused({ platform: 'heroku', drop: true })).toContain('heroku')
    expect(await refused({ drop: true, hang: true })).toContain('one fault kind')
    expect(await refused({ when: 'before', truncate: true })).toContain('after')
    expect(await refused({ when: 'later', drop: true })).toContain('when')
    expect(await refused({ method: 'P-U-T', drop: true })).toContain('method')
    expect(await refused({ count: 0, drop: true })).toContain('count')
    expect(await refused({ dripMs: 0 })).toContain('dripMs')
    expect((await control('GET', '/state')).faults).toEqual([])
  })
})

// --- stuck operations --------------------------------------------------------------------

describe('stuck operations', () => {
  it('Alauda: a deploy to a stuck image stays deploying; a PUT of the previous tag ends it', async () => {
    await alaudaShop()
    await control('POST', '/images', { image: 'hub.example.com/shop:v2', stuck: true })
    expect((await putShop({ image_tag: 'v2' })).status).toBe(200)
    for (let i = 0; i < 4; i++) {
      await sleep(60)
      const shop = await readShop()
      expect(shop).toMatchObject({ image_tag: 'v2', is_deploying: true, current_status: 'Deploying', current_num_instances: 2 })
    }
    // the platform takes another tag while deploying
    expect((await putShop({ image_tag: 'v1' })).status).toBe(200)
    const done = await eventually(readShop, (s) => s.is_deploying === false)
    expect(done).toMatchObject({ image_tag: 'v1', current_status: 'Running', current_num_instances: 2 })
    const logs = (await json(`${shopUrl()}logs`, { headers: ALAUDA })).body as unknown as { message: string }[]
    expect(logs.some((line) => line.message.includes('back-off'))).toBe(true)
  })

  it('Rancher: an upgrade to a stuck image stays upgrading, offering rollback and cancelupgrade', async () => {
    await control('POST', '/rancher/timing', { batchMs: 10 })
    const web = (await control('POST', '/rancher/services', { stack: 'shop', name: 'web', image: 'hub/web:v1' })) as { id: string }
    const url = `${emulator.urls.rancher}/v2-beta/projects/1a5/services/${web.id}`
    const read = async () => (await json(url, { headers: RANCHER })).body as { state: string; transitioning: string; actions: object }
    const act = (name: string, body: unknown = {}) =>
      json(`${url}?action=${name}`, { method: 'POST', headers: RANCHER, body: JSON.stringify(body) })
    await control('POST', '/images', { image: 'hub/web:v2', stuck: true })
    const upgrade = await act('upgrade', { inServiceStrategy: { launchConfig: { imageUuid: 'docker:hub/web:v2' } } })
    expect(upgrade.status).toBe(202)
    for (let i = 0; i < 4; i++) {
      await sleep(50)
      const service = await read()
      expect(service).toMatchObject({ state: 'upgrading', transitioning: 'yes' })
      // the processes that start from upgrading (Cattle's spring-process-context.xml)
      expect(Object.keys(service.actions).sort()).toEqual(['cancelupgrade', 'remove', 'rollback', 'update'])
    }
    // what is not offered is refused, as Cattle does
    expect((await act('finishupgrade')).body).toMatchObject({ status: 422, code: 'ActionNotAvailable' })
    expect((await act('cancelupgrade')).status).toBe(202)
    const canceled = await eventually(read, (s) => s.state === 'canceled-upgrade')
    expect(canceled.transitioning).toBe('no')
    expect(Object.keys(canceled.actions)).toContain('rollback')
    await sleep(50)
    expect((await read()).state).toBe('canceled-upgrade')
    expect((await act('rollback')).status).toBe(202)
    const back = await eventually(read, (s) => s.state === 'active')
    expect(back).toMatchObject({ transitioning: 'no', launchConfig: { imageUuid: 'docker:hub/web:v1' } })
  })

  it('Rancher: a stuck upgrade can be rolled back directly', async () => {
    await control('POST', '/rancher/timing', { batchMs: 10 })
    const web = (await control('POST', '/rancher/services', { stack: 'shop', name: 'web', image: 'hub/web:v1' })) as { id: string }
    const url = `${emulator.urls.rancher}/v2-beta/projects/1a5/services/${web.id}`
    await control('POST', '/images', { image: 'hub/web:v2', stuck: true })
    await json(`${url}?action=upgrade`, {
      method: 'POST',
      headers: RANCHER,
      body: JSON.stringify({ inServiceStrategy: { launchConfig: { imageUuid: 'docker:hub/web:v2' } } }),
    })
    await sleep(50)
    expect((await json(`${url}?action=rollback`, { method: 'POST', headers: RANCHER })).status).toBe(202)
    const back = await eventually(
      async () => (await json(url, { headers: RANCHER })).body,
      (s) => s.state === 'active',
    )
    expect(back).toMatchObject({ currentScale: 2, launchConfig: { imageUuid: 'docker:hub/web:v1' } })
  })

  it('ServiceStage: a stuck job stays RUNNING at its last task; writes are refused; rollback_current ends it', async () => {
    await control('POST', '/servicestage/timing', { taskMs: 10 })
    const component = (await control('POST', '/servicestage/components', {
      project: 'p1',
      application: 'a1',
      name: 'shop',
      image: 'swr.example.com/team/shop:v1',
    })) as { id: string; version: string }
    const url = `${emulator.urls.servicestage}/v3/p1/cas/applications/a1/components/${component.id}`
    await control('POST', '/images', { image: 'swr.example.com/team/shop:v2', stuck: true })
    const put = (version: string, image: string) =>
      json(url, { method: 'PUT', headers: SERVICESTAGE, body: JSON.stringify(componentModify(image, version)) })
    const started = await put('2024.0102.00000', 'swr.example.com/team/shop:v2')
    expect(started.status).toBe(200)
    const jobUrl = `${emulator.urls.servicestage}/v3/p1/cas/jobs/${String(started.body.job_id)}`
    type JobView = { job: { execution_status: string }; tasks: { task_status: string }[] }
    await eventually(
      async () => (await json(jobUrl, { headers: SERVICESTAGE })).body as unknown as JobView,
      (j) => j.tasks[3]?.task_status === 'RUNNING',
    )
    for (let i = 0; i < 4; i++) {
      await sleep(40)
      const job = (await json(jobUrl, { headers: SERVICESTAGE })).body as unknown as JobView
      expect(job.job.execution_status).toBe('RUNNING')
      expect(job.tasks.map((t) => t.task_status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'RUNNING'])
      const shown = (await json(url, { headers: SERVICESTAGE })).body as { status: { component_status: string } }
      expect(shown.status.component_status).toBe('UPGRADING')
    }
    // a blind resend, or another deploy, is refused while the job runs
    expect((await put('2024.0102.00000', 'swr.example.com/team/shop:v2')).status).toBe(409)
    expect((await put('2024.0103.00000', 'swr.example.com/team/shop:v3')).status).toBe(409)
    const scale = await json(`${url}/action`, {
      method: 'POST',
      headers: SERVICESTAGE,
      body: JSON.stringify({ action: 'scale', parameters: { replica: 3 } }),
    })
    expect(scale).toMatchObject({ status: 409, body: { error_code: 'SVCSTG.00100400' } })
    // the way out: rollback_current, taken while the job runs
    const rollback = await json(`${url}/action`, {
      method: 'POST',
      headers: SERVICESTAGE,
      body: JSON.stringify({ action: 'rollback_current' }),
    })
    expect(rollback.status).toBe(200)
    const ended = (await json(jobUrl, { headers: SERVICESTAGE })).body as unknown as JobView
    expect(ended.job.execution_status).toBe('ROLLBACKED')
    expect(ended.tasks[3]?.task_status).toBe('CANCELLED')
    const rollbackJob = `${emulator.urls.servicestage}/v3/p1/cas/jobs/${String(rollback.body.job_id)}`
    await eventually(
      async () => ((await json(rollbackJob, { headers: SERVICESTAGE })).body as unknown as JobView).job.execution_status,
      (status) => status === 'SUCCEEDED',
    )
    const back = (await json(url, { headers: SERVICESTAGE })).body as {
      version: string
      source: { url: string }
      status: { component_status: string }
    }
    expect(back).toMatchObject({ version: component.version, source: { url: 'swr.example.com/team/shop:v1' } })
    expect(back.status.component_status).toBe('RUNNING')
    // the stuck deploy's version stays used
    const again = await put('2024.0102.00000', 'swr.example.com/team/shop:v2')
    expect(again).toMatchObject({ status: 400, body: { error_code: 'SVCSTG.00100400' } })
    expect(await put(component.version, 'swr.example.com/team/shop:v3')).toMatchObject({ status: 400 })
  })

  it('Jelastic: a redeploy to a stuck tag keeps the environment UPDATING and does not answer', async () => {
    await control('POST', '/jelastic/environments', { envName: 'shop', image: 'hub.example.com/shop:v1', nodes: 2 })
    await control('POST', '/jelastic/timing', { redeployMsPerNode: 10 })
    await control('POST', '/images', { image: 'hub.example.com/shop:v2', stuck: true })
    const method = (name: string, params: Record<string, string>) =>
      fetch(`${emulator.urls.jelastic}/1.0/environment/control/rest/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ session: JELASTIC_TOKEN, envName: 'shop', ...params }),
        signal: AbortSignal.timeout(2000),
      })
    const info = async () =>
      (await (await method('getenvinfo', {})).json()) as { env: { status: number }; nodes: { customitem: { dockerTag: string } }[] }
    const redeploy = fetch(`${emulator.urls.jelastic}/1.0/environment/control/rest/redeploycontainersbygroup`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ session: JELASTIC_TOKEN, envName: 'shop', nodeGroup: 'cp', tag: 'v2' }),
      signal: AbortSignal.timeout(500),
    })
    await expect(redeploy).rejects.toMatchObject({ name: 'TimeoutError' })
    for (let i = 0; i < 3; i++) {
      expect((await info()).env.status).toBe(12)
      await sleep(40)
    }
    // the platform refuses another redeploy (the previous tag) while updating
    const refused = (await (await method('redeploycontainersbygroup', { nodeGroup: 'cp', tag: 'v1' })).json()) as { result: number }
    expect(refused.result).toBe(2212)
    const restart = (await (await method('restartnodes', { nodeGroup: 'cp' })).json()) as { result: number }
    expect(restart.result).toBe(2212)
    // no way out through the API: lifting the mark lets the redeploy finish
    await control('POST', '/images', { image: 'hub.example.com/shop:v2', stuck: false })
    const done = await eventually(info, (i) => i.env.status === 1)
    expect(done.nodes.map((n) => n.customitem.dockerTag)).toEqual(['v2', 'v2'])
  })

  it('NetEase: a deploy-hook build of a stuck version stays creating; building the previous version ends it', async () => {
    await control('POST', '/netease/timing', { containerMs: 10 })
    const app = (await control('POST', '/netease/apps', { name: 'shop', version: 'v1' })) as { id: number; web_hook_url: string }
    const url = `${emulator.urls.netease}/api/v1/apps/${app.id}`
    const read = async () => (await json(url, { headers: NETEASE })).body as { status: string }
    const setVersion = (version: string) =>
      json(url, { method: 'PUT', headers: NETEASE, body: JSON.stringify({ version_control: { version } }) })
    await control('POST', '/images', { image: 'source@v2', stuck: true })
    expect((await setVersion('v2')).status).toBe(200)
    expect((await json(app.web_hook_url, { method: 'POST' })).status).toBe(200)
    for (let i = 0; i < 4; i++) {
      await sleep(40)
      expect((await read()).status).toBe('creating')
    }
    expect((await setVersion('v1')).status).toBe(200)
    expect((await json(app.web_hook_url, { method: 'POST' })).status).toBe(200)
    await eventually(read, (a) => a.status === 'create_succ')
    const served = await json(`${emulator.urls.netease}/apps/${app.id}/`)
    expect(served.body).toMatchObject({ image: 'source@v1', healthy: true })
  })

  it('NetEase: an image update of a microservice to a stuck image stays updating; another update is refused', async () => {
    await control('POST', '/netease/timing', { containerMs: 10 })
    const created = (await control('POST', '/netease/microservices', { name: 'api', image: 'hub.c.163.com/team/api:v1' })) as {
      service_info: { id: number }
      service_container_infos: { container_id: number }[]
    }
    const id = created.service_info.id
    const container = created.service_container_infos[0]?.container_id
    const url = `${emulator.urls.netease}/api/v1/microservices/${id}`
    const update = (image: string) =>
      json(`${url}/actions/update-image`, {
        method: 'PUT',
        headers: NETEASE,
        body: JSON.stringify({ container_images: [{ container_id: container, image_path: image }], min_ready_seconds: 1 }),
      })
    await control('POST', '/images', { image: 'hub.c.163.com/team/api:v2', stuck: true })
    expect((await update('hub.c.163.com/team/api:v2')).status).toBe(200)
    const status = async () => ((await json(url, { headers: NETEASE })).body.service_info as { status: string }).status
    for (let i = 0; i < 4; i++) {
      await sleep(40)
      expect(await status()).toBe('updating')
    }
    expect(await update('hub.c.163.com/team/api:v1')).toMatchObject({ status: 403, body: { code: 4030010 } })
    await control('POST', '/images', { image: 'hub.c.163.com/team/api:v2', stuck: false })
    await eventually(status, (s) => s === 'update_succ')
  })
})

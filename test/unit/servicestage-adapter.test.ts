import { MockAgent } from 'undici'
import { describe, expect, it } from 'vitest'
import { HttpClient } from '../../src/shared/http/client.js'
import { Redactor } from '../../src/shared/http/redactor.js'
import { nextVersion } from '../../src/shared/platforms/servicestage/adapter.js'
import { jobState } from '../../src/shared/platforms/servicestage/job.js'
import { createServiceStage } from '../../src/shared/platforms/servicestage/adapter.js'

const ORIGIN = 'https://servicestage.cn-north-4.myhuaweicloud.com'
const ID = '2d1a9d52-0f6c-4f44-8b8c-1f4cd2a3b2e1'
const APP = `/v3/p1/cas/applications/a1/components`
const ref = { service: 'shop', project: 'p1', application: 'a1' }
/** the project's components by name (the SDK's ShowComponents) */
const BY_NAME = '/v3/p1/cas/components?component_name=shop&limit=100&offset=0'

function component(url: string, status = 'RUNNING') {
  return {
    id: ID,
    name: 'shop',
    version: '2024.0101.00000',
    source: { kind: 'image', storage: 'swr', url },
    status: { component_status: status, replica: 2, available_replica: status === 'RUNNING' ? 2 : 0 },
  }
}

/** The read of the newest deployment records' versions each deploy makes before its PUT. */
const VERSIONS = `${APP}/${ID}/records?limit=10&offset=0&order_by=create_time&order=desc`

/** A ServiceStage adapter on a mock server; `recorded`: the versions the newest deployment records hold. */
function setup(deadlineMs = 60_000, recorded: string[] = []) {
  const end = Date.now() + deadlineMs
  const agent = new MockAgent()
  agent.disableNetConnect()
  // the token is a secret the run knows, as the input layer adds it
  const redactor = new Redactor()
  redactor.add('iam-token-abc')
  const http = new HttpClient({
    redactor,
    dispatcher: agent,
    sleep: async () => {},
    backoff: { attempts: 3, baseMs: 1, capMs: 1 },
  })
  const platform = createServiceStage({
    apiUrl: new URL(ORIGIN),
    credentials: { token: 'iam-token-abc' },
    http,
    log: () => {},
    warn: () => {},
    deadline: () => end,
  })
  const pool = agent.get(ORIGIN)
  pool
    .intercept({ path: VERSIONS, method: 'GET' })
    .reply(200, { count: recorded.length, records: recorded.map((version) => ({ version })) })
    .persist()
  const sent: { method: string; path: string; token: string; body: unknown }[] = []
  const on = (method: string, path: string, status: number, reply: unknown) =>
    pool.intercept({ path, method }).reply(status, (options) => {
      sent.push({
        method,
        path,
        token: String((options.headers as Record<string, string>)['x-auth-token']),
        body: options.body ? JSON.parse(String(options.body)) : undefined,
      })
      return JSON.stringify(reply)
    })
  return { platform, on, sent, pool }
}

describe('ServiceStage adapter', () => {
  it('settles a removal whose answers were lost by the component: deleting is done, still running is sent again', async () => {
    const { platform, on, pool } = setup()
    const byId = { ...ref, service: ID }
    const lose = (times: number) =>
      pool
        .intercept({ path: `${APP}/${ID}`, method: 'DELETE' })
        .replyWithError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }))
        .times(times)
    on('GET', `${APP}/${ID}`, 200, component('swr.example.com/team/shop:v1'))
    // the answer lost (the client does not repeat a DELETE), then the component shows its deletion under way
    lose(1)
    on('GET', `${APP}/${ID}`, 200, component('swr.example.com/team/shop:v1', 'DELETING'))
    expect((await platform.remove(byId)).kind).toBe('remove')
    const again = setup()
    again.on('GET', `${APP}/${ID}`, 200, component('swr.example.com/team/shop:v1'))
    again.pool
      .intercept({ path: `${APP}/${ID}`, method: 'DELETE' })
      .replyWithError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }))
    again.on('GET', `${APP}/${ID}`, 200, component('swr.example.com/team/shop:v1'))
    again.on('DELETE', `${APP}/${ID}`, 200, {})
    expect((await again.platform.remove(byId)).kind).toBe('remove')
    // the one DELETE answered: the send again, once the component showed it had not landed
    expect(again.sent.filter((s) => s.method === 'DELETE')).toHaveLength(1)
    // a remove run again while the component deletes sends nothing: a second DELETE would be refused
    const deleting = setup()
    deleting.on('GET', `${APP}/${ID}`, 200, component('swr.example.com/team/shop:v1', 'DELETING'))
    expect((await deleting.platform.remove(byId)).kind).toBe('remove')
    expect(deleting.sent.filter((s) => s.method === 'DELETE')).toHaveLength(0)
  })

  it("has the run's secrets out of the platform's own message (error_msg)", async () => {
    const { platform, on } = setup()
    on('GET', BY_NAME, 401, { error_code: 'SVCSTG.00100401', error_msg: 'token iam-token-abc has expired' })
    const error = (await platform.describe(ref).catch((caught: unknown) => caught)) as Error
    expect(error.message).toContain('token *** has expired')
    expect(error.message).not.toContain('iam-token-abc')
  })

  it('finds the component by name in one request, then deploys a new version of its image with the IAM token', async () => {
    const { platform, on, sent } = setup()
    on('GET', BY_NAME, 200, {
      count: 2,
      components: [
        { ...component('swr.example.com/other/shop:v9'), id: 'other-app-component', application_id: 'a2' },
        { ...component('swr.example.com/team/shop:v1'), application_id: 'a1' },
      ],
    })
    on('PUT', `${APP}/${ID}`, 200, { job_id: 'JOB870e9ffe-227e-43a9-9c84-20a7ad02e77c' })
    const op = await platform.deploy(ref, { image: 'swr.example.com/team/shop:v2' })
    expect(op.id).toBe('JOB870e9ffe-227e-43a9-9c84-20a7ad02e77c')
    expect(sent[1]).toMatchObject({
      token: 'iam-token-abc',
      body: { source: { kind: 'image', storage: 'swr', url: 'swr.example.com/team/shop:v2' } },
    })
    expect((sent[1]?.body as { version: string }).version > '2024.0101.00000').toBe(true)
  })

  it('deploys a version above the newest deployment records, which after a rollback hold a newer one than the component runs', async () => {
    const { platform, on, sent } = setup(60_000, ['2030.0101.00007', '2024.0101.00000'])
    on('GET', BY_NAME, 200, { count: 1, components: [{ ...component('swr.example.com/team/shop:v1'), application_id: 'a1' }] })
    on('PUT', `${APP}/${ID}`, 200, { job_id: 'JOB-1' })
    await platform.deploy(ref, { image: 'swr.example.com/team/shop:v2' })
    expect((sent.find((r) => r.method === 'PUT')?.body as { version: string }).version).toBe('2030.0101.00008')
  })

  it('reads the filtered list on when more components of that name than a page holds match (other applications)', async () => {
    const { platform, on, sent } = setup()
    const others = Array.from({ length: 100 }, (_, i) => ({
      ...component('swr.example.com/x/shop:v1'),
      id: `other-${i}`,
      application_id: `a-${i + 2}`,
    }))
    on('GET', BY_NAME, 200, { count: 101, components: others })
    on('GET', BY_NAME.replace('offset=0', 'offset=100'), 200, {
      count: 101,
      components: [{ ...component('swr.example.com/team/shop:v1'), application_id: 'a1' }],
    })
    expect((await platform.describe(ref))?.image).toBe('swr.example.com/team/shop:v1')
    expect(sent.map((r) => r.path)).toEqual([BY_NAME, BY_NAME.replace('offset=0', 'offset=100')])
  })

  it('where the filtered list is not served, reads the application’s 10,000 components 100 a page, each page once', async () => {
    const { platform, on, sent } = setup()
    on('GET', BY_NAME, 404, { error_code: 'SVCSTG.00100400', error_msg: 'no such API' })
    for (let offset = 0; offset < 10_000; offset += 100) {
      const components = Array.from({ length: 100 }, (_, i) => ({
        ...component('swr.example.com/team/x:v1'),
        id: `c-${offset + i}`,
        name: `c-${offset + i}`,
      }))
      if (offset === 9900) components[99] = component('swr.example.com/team/shop:v1')
      on('GET', `${APP}?limit=100&offset=${offset}`, 200, { count: 10_000, components })
    }
    expect((await platform.describe(ref))?.image).toBe('swr.example.com/team/shop:v1')
    const pages = sent.filter((r) => r.path.startsWith(`${APP}?`)).map((r) => r.path)
    expect(new Set(pages).size).toBe(100)
    expect(pages).toHaveLength(100)
  })

  /**
   * A deploy's PUT answered 502 after it landed: the component read after it shows the version the
   * PUT sent, and names the job it started.
   */
  function lostPutThatLanded(job: string) {
    const mock = setup()
    const { on, sent, pool } = mock
    on('GET', BY_NAME, 404, { error_code: 'SVCSTG.00100400', error_msg: 'no such API' })
    on('GET', `${APP}?limit=100&offset=0`, 200, { count: 1, components: [component('swr.example.com/team/shop:v1')] })
    on('PUT', `${APP}/${ID}`, 502, { error: 'bad gateway' })
    pool.intercept({ path: `${APP}/${ID}`, method: 'GET' }).reply(200, () => {
      const version = (sent.find((r) => r.method === 'PUT')?.body as { version: string }).version
      return JSON.stringify({
        ...component('swr.example.com/team/shop:v2', 'UPGRADING'),
        version,
        status: { component_status: 'UPGRADING', replica: 2, available_replica: 0, last_job_id: job },
      })
    })
    return mock
  }

  it('settles a deploy whose answer was lost by the version the component has: the PUT is never sent twice', async () => {
    const { platform, sent } = lostPutThatLanded('JOB-from-state')
    const op = await platform.deploy(ref, { image: 'swr.example.com/team/shop:v2' })
    expect(op.id).toBe('JOB-from-state')
    expect(sent.filter((r) => r.method === 'PUT')).toHaveLength(1)
  })

  it('goes on with the first PUT when it landed late and the PUT sent again is refused for its version', async () => {
    const { platform, on, sent, pool } = setup()
    on('GET', BY_NAME, 404, { error_code: 'SVCSTG.00100400', error_msg: 'no such API' })
    on('GET', `${APP}?limit=100&offset=0`, 200, { count: 1, components: [component('swr.example.com/team/shop:v1')] })
    on('PUT', `${APP}/${ID}`, 502, { error: 'bad gateway' })
    // read once after the lost answer: not landed yet; read again after the refusal: it has
    let reads = 0
    pool
      .intercept({ path: `${APP}/${ID}`, method: 'GET' })
      .reply(200, () => {
        reads += 1
        const version = (sent.find((r) => r.method === 'PUT')?.body as { version: string }).version
        return JSON.stringify(
          reads === 1
            ? component('swr.example.com/team/shop:v1')
            : {
                ...component('swr.example.com/team/shop:v2', 'UPGRADING'),
                version,
                status: { component_status: 'UPGRADING', replica: 2, available_replica: 0, last_job_id: 'JOB-late' },
              },
        )
      })
      .times(2)
    on('GET', `${APP}/${ID}/records?limit=10&offset=0`, 200, { records: [] })
    on('PUT', `${APP}/${ID}`, 400, { error_code: 'SVCSTG.00100400', error_msg: 'version already exists' })
    const op = await platform.deploy(ref, { image: 'swr.example.com/team/shop:v2' })
    expect(op.id).toBe('JOB-late')
    expect(sent.filter((r) => r.method === 'PUT')).toHaveLength(2)
  })

  it('takes a gray deploy whose answer was lost for landed when the component shows the version it sent: not sent again', async () => {
    // the gray job runs: no record of the version until it ends, but the component shows the version
    const { platform, sent } = lostPutThatLanded('JOB-gray')
    const op = await platform.deploy(ref, { image: 'swr.example.com/team/shop:v2', gray: { weight: 20, surgeMode: 'extra' } })
    expect(op.id).toBe('JOB-gray')
    expect(sent.filter((r) => r.method === 'PUT')).toHaveLength(1)
  })

  it("settles a gray deploy's lost answer by the record of its version only: another job is not taken for it", async () => {
    const { platform, on, sent } = setup()
    on('GET', BY_NAME, 404, { error_code: 'SVCSTG.00100400', error_msg: 'no such API' })
    on('GET', `${APP}?limit=100&offset=0`, 200, { count: 1, components: [component('swr.example.com/team/shop:v1')] })
    on('PUT', `${APP}/${ID}`, 502, { error: 'bad gateway' })
    // a scale by hand started a job meanwhile; no record of the version sent: its job is waited for
    on('GET', `${APP}/${ID}`, 200, {
      ...component('swr.example.com/team/shop:v1'),
      status: { component_status: 'UPGRADING', replica: 3, last_job_id: 'JOB-scale-by-hand' },
    })
    on('GET', `${APP}/${ID}/records?limit=10&offset=0`, 200, { records: [] })
    on('GET', '/v3/p1/cas/jobs/JOB-scale-by-hand', 200, { job: { execution_status: 'SUCCEEDED' }, tasks: [] })
    // it ended, and the component still shows the version from before, with no record of the one sent: the PUT did not land
    on('GET', `${APP}/${ID}`, 200, {
      ...component('swr.example.com/team/shop:v1'),
      status: { component_status: 'RUNNING', replica: 3, last_job_id: 'JOB-scale-by-hand' },
    })
    on('GET', `${APP}/${ID}/records?limit=10&offset=0`, 200, { records: [] })
    on('PUT', `${APP}/${ID}`, 200, { job_id: 'JOB-gray' })
    const op = await platform.deploy(ref, { image: 'swr.example.com/team/shop:v2', gray: { weight: 20, surgeMode: 'extra' } })
    expect(op.id).toBe('JOB-gray')
    expect(sent.filter((r) => r.method === 'PUT')).toHaveLength(2)
  })

  it("waits for the job a gray deploy's lost PUT started before it decides: the version shows only as the job applies it, never sent again", async () => {
    const { platform, on, sent, pool } = setup()
    on('GET', BY_NAME, 404, { error_code: 'SVCSTG.00100400', error_msg: 'no such API' })
    on('GET', `${APP}?limit=100&offset=0`, 200, { count: 1, components: [component('swr.example.com/team/shop:v1')] })
    on('PUT', `${APP}/${ID}`, 502, { error: 'bad gateway' })
    // the PUT's job runs: a newer job, but neither the version nor a record of it yet (a PUT sent now would be refused as busy)
    const upgrading = { component_status: 'UPGRADING', replica: 2, last_job_id: 'JOB-gray' }
    on('GET', `${APP}/${ID}`, 200, { ...component('swr.example.com/team/shop:v1'), status: upgrading })
    on('GET', `${APP}/${ID}/records?limit=10&offset=0`, 200, { records: [] })
    on('GET', '/v3/p1/cas/jobs/JOB-gray', 200, { job: { execution_status: 'RUNNING' }, tasks: [] })
    on('GET', '/v3/p1/cas/jobs/JOB-gray', 200, { job: { execution_status: 'SUCCEEDED' }, tasks: [] })
    // once the job ended, the component shows the version the PUT sent
    pool.intercept({ path: `${APP}/${ID}`, method: 'GET' }).reply(200, () => {
      const version = (sent.find((r) => r.method === 'PUT')?.body as { version: string }).version
      return JSON.stringify({
        ...component('swr.example.com/team/shop:v2'),
        version,
        status: { ...upgrading, component_status: 'RUNNING' },
      })
    })
    // what a PUT sent again would get while the job runs
    on('PUT', `${APP}/${ID}`, 409, { error_code: 'SVCSTG.00100400', error_msg: 'the component has a job or a gray release in progress' })
    const op = await platform.deploy(ref, { image: 'swr.example.com/team/shop:v2', gray: { weight: 20, surgeMode: 'extra' } })
    expect(op.id).toBe('JOB-gray')
    expect(sent.filter((r) => r.method === 'PUT')).toHaveLength(1)
  })

  /** A gray deploy's PUT whose answer is lost, its job (JOB-gray) read as `job` answers; a PUT sent again would be refused as busy. */
  function lostGrayPut(deadlineMs: number, job: { status: number; body: unknown }) {
    const mock = setup(deadlineMs)
    const { on, pool } = mock
    on('GET', BY_NAME, 404, { error_code: 'SVCSTG.00100400', error_msg: 'no such API' })
    on('GET', `${APP}?limit=100&offset=0`, 200, { count: 1, components: [component('swr.example.com/team/shop:v1')] })
    on('PUT', `${APP}/${ID}`, 502, { error: 'bad gateway' })
    pool
      .intercept({ path: `${APP}/${ID}`, method: 'GET' })
      .reply(200, () => {
        const version = (mock.sent.find((r) => r.method === 'PUT')?.body as { version: string }).version
        // the version shows once the job is read as ended (or not found)
        const shown = mock.sent.some((r) => r.path.includes('/cas/jobs/')) && job.status !== 200
        return JSON.stringify({
          ...component('swr.example.com/team/shop:v1'),
          ...(shown && { version }),
          status: { component_status: 'UPGRADING', replica: 2, last_job_id: 'JOB-gray' },
        })
      })
      .persist()
    pool
      .intercept({ path: `${APP}/${ID}/records?limit=10&offset=0`, method: 'GET' })
      .reply(200, { records: [] })
      .persist()
    pool
      .intercept({ path: '/v3/p1/cas/jobs/JOB-gray', method: 'GET' })
      .reply(job.status, () => {
        mock.sent.push({ method: 'GET', path: '/v3/p1/cas/jobs/JOB-gray', token: '', body: undefined })
        return JSON.stringify(job.body)
      })
      .persist()
    pool
      .intercept({ path: `${APP}/${ID}`, method: 'PUT' })
      .reply(409, () => {
        mock.sent.push({ method: 'PUT', path: `${APP}/${ID}`, token: '', body: undefined })
        return JSON.stringify({ error_code: 'SVCSTG.00100400', error_msg: 'the component has a job or a gray release in progress' })
      })
      .persist()
    return mock
  }

  it("takes a gray deploy's job the platform no longer shows (job not found) as ended: the component then tells", async () => {
    const { platform, sent } = lostGrayPut(60_000, { status: 404, body: { error_code: 'SVCSTG.00100429', error_msg: 'job not found' } })
    const op = await platform.deploy(ref, { image: 'swr.example.com/team/shop:v2', gray: { weight: 20, surgeMode: 'extra' } })
    expect(op.id).toBe('JOB-gray')
    expect(sent.filter((r) => r.method === 'PUT')).toHaveLength(1)
  })

  it("fails with the lost answer when a gray deploy's job still runs at the deadline: the PUT is not sent again", async () => {
    const { platform, sent } = lostGrayPut(1_200, { status: 200, body: { job: { execution_status: 'RUNNING' }, tasks: [] } })
    const error = await platform
      .deploy(ref, { image: 'swr.example.com/team/shop:v2', gray: { weight: 20, surgeMode: 'extra' } })
      .catch((e: unknown) => e)
    // the PUT's own lost answer (a 502): the deploy may have landed, and is not said to be refused
    expect(error).toMatchObject({ kind: 'unavailable', message: expect.stringContaining('HTTP 502') })
    expect(sent.filter((r) => r.method === 'PUT')).toHaveLength(1)
  })

  it('sends a component task again when the component shows no new job after a lost answer', async () => {
    const { platform, on, sent } = setup()
    const before = {
      ...component('swr.example.com/team/shop:v1'),
      status: { component_status: 'RUNNING', replica: 2, last_job_id: 'JOB-old' },
    }
    on('GET', BY_NAME, 200, { count: 1, components: [before] })
    on('GET', `${APP}?limit=100&offset=0`, 200, { count: 1, components: [before] })
    on('POST', `${APP}/${ID}/action`, 503, { error: 'service unavailable' })
    on('GET', `${APP}/${ID}`, 200, before)
    on('POST', `${APP}/${ID}/action`, 200, { job_id: 'JOB-scale' })
    const op = await platform.scale(ref, { replicas: 3 })
    expect(op.id).toBe('JOB-scale')
    expect(sent.filter((r) => r.method === 'POST')).toHaveLength(2)
  })

  it('reads jobs with lower-case (v3) and upper-case (v2) keys', () => {
    expect(jobState({ job: { execution_status: 'RUNNING' }, tasks: [{ task_name: 'TN00091', task_status: 'RUNNING' }] })).toEqual({
      status: 'running',
      detail: 'job RUNNING, task TN00091 RUNNING',
    })
    expect(jobState({ job: { EXECUTION_STATUS: 'SUCCEEDED' }, tasks: [] }).status).toBe('succeeded')
    const failed = jobState({
      job: { EXECUTION_STATUS: 'FAILED' },
      tasks: [
        { TASK_NAME: 'SEPARATOR_PREPARE_RESOURCES', TASK_STATUS: 'SUCCEEDED', MESSAGES: '{}' },
        { TASK_NAME: 'TN00094', TASK_STATUS: 'FAILED', MESSAGES: '{"error":"image pull failed"}' },
      ],
    })
    expect(failed).toEqual({ status: 'failed', detail: 'job FAILED: task TN00094 FAILED: {"error":"image pull failed"}' })
    for (const status of ['UNKNOWN', 'CANCELLED', 'PARTIALLY_FAILED', 'ROLLBACKED']) {
      expect(jobState({ job: { execution_status: status } }).status).toBe('failed')
    }
  })

  it('scales, rolls back with rollback_current, and to a version from the records', async () => {
    const { platform, on, sent } = setup()
    on('GET', `${APP}/${ID}`, 200, component('swr.example.com/team/shop:v3'))
    on('POST', `${APP}/${ID}/action`, 200, { job_id: 'JOB1' })
    on('GET', `${APP}/${ID}`, 200, component('swr.example.com/team/shop:v3'))
    on('POST', `${APP}/${ID}/action`, 200, { job_id: 'JOB2' })
    on('GET', `${APP}/${ID}`, 200, component('swr.example.com/team/shop:v3'))
    on('GET', `${APP}/${ID}/records?limit=100&offset=0`, 200, {
      count: 2,
      records: [
        { version: '2024.0301.10000', jobs: [{ job_info: { source_url: 'swr.example.com/team/shop:v3' } }] },
        { version: '2024.0201.10000', jobs: [{ job_info: { source_url: 'swr.example.com/team/shop:v2' } }] },
      ],
    })
    on('POST', `${APP}/${ID}/action`, 200, { job_id: 'JOB3' })
    const byId = { ...ref, service: ID }
    await platform.scale(byId, { replicas: 3 })
    await platform.rollback?.(byId)
    await platform.rollback?.(byId, 'swr.example.com/team/shop:v2')
    expect(sent.filter((s) => s.method === 'POST').map((s) => s.body)).toEqual([
      { action: 'scale', parameters: { replica: 3 } },
      { action: 'rollback_current' },
      { action: 'rollback', parameters: { version: '2024.0201.10000' } },
    ])
  })

  it('starts, stops and restarts with component actions, and deletes the component', async () => {
    const { platform, on, sent } = setup()
    for (const verb of ['stop', 'start', 'restart']) {
      on('GET', `${APP}/${ID}`, 200, component('swr.example.com/team/shop:v1'))
      on('POST', `${APP}/${ID}/action`, 200, { job_id: `JOB-${verb}` })
    }
    on('GET', `${APP}/${ID}`, 200, component('swr.example.com/team/shop:v1'))
    on('DELETE', `${APP}/${ID}`, 200, {})
    on('GET', `${APP}/${ID}`, 404, { error_code: 'SVCSTG.00100404', error_msg: 'component not found' })
    const byId = { ...ref, service: ID }
    const ops = [await platform.lifecycle(byId, 'stop'), await platform.lifecycle(byId, 'start'), await platform.lifecycle(byId, 'restart')]
    expect(ops.map((op) => [op.id, op.target])).toEqual([
      ['JOB-stop', { phase: 'stopped' }],
      ['JOB-start', { phase: 'running' }],
      ['JOB-restart', { phase: 'running' }],
    ])
    const removal = await platform.remove(byId)
    expect(sent.filter((s) => s.method !== 'GET').map((s) => [s.method, s.body])).toEqual([
      ['POST', { action: 'stop' }],
      ['POST', { action: 'start' }],
      ['POST', { action: 'restart' }],
      ['DELETE', undefined],
    ])
    expect(await platform.observe(removal)).toEqual({ status: 'succeeded', detail: 'component deleted' })
  })

  it('retries APIG.0308 throttling and names APIG.0301 as an authentication failure', async () => {
    const { platform, on } = setup()
    const throttled = { error_code: 'APIG.0308', error_msg: 'The throttling threshold has been reached' }
    on('GET', `${APP}/${ID}`, 429, throttled)
    on('GET', `${APP}/${ID}`, 200, component('swr.example.com/team/shop:v1'))
    expect((await platform.describe({ ...ref, service: ID }))?.image).toBe('swr.example.com/team/shop:v1')
    on('GET', `${APP}/${ID}`, 401, { error_code: 'APIG.0301', error_msg: 'Incorrect IAM authentication information' })
    await expect(platform.describe({ ...ref, service: ID })).rejects.toMatchObject({
      kind: 'auth',
      message: expect.stringContaining('(APIG.0301)'),
    })
  })

  it('turns {error_code, error_msg} into a message naming the code', async () => {
    const { platform, on } = setup()
    on('GET', `${APP}/${ID}`, 200, component('swr.example.com/team/shop:v1'))
    on('PUT', `${APP}/${ID}`, 400, { error_code: 'SVCSTG.00100400', error_msg: 'parameter invalid: version' })
    await expect(platform.deploy({ ...ref, service: ID }, { image: 'x/y:z' })).rejects.toThrow(
      'servicestage: deploy of "2d1a9d52-0f6c-4f44-8b8c-1f4cd2a3b2e1" failed: parameter invalid: version (SVCSTG.00100400)',
    )
  })

  it('makes versions in the console format, always above the current one', () => {
    const at = new Date(Date.UTC(2023, 6, 17, 17, 16, 5))
    expect(nextVersion(undefined, at)).toBe('2023.0717.17160')
    expect(nextVersion('2023.0717.17160', at)).toBe('2023.0717.17161')
    expect(nextVersion('2022.0101.00000', at)).toBe('2023.0717.17160')
  })
})

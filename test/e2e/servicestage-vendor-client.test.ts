import { beforeEach, describe, expect, it } from 'vitest'
import { MODELS } from '../../vendor/servicestage-v3-models.js'
import { emulatorSuite } from '../support/steps.js'

/**
 * The emulator as Huawei's SDK speaks to it (huaweicloud-sdk-python-v3, servicestage v3): a client
 * that sends only what the SDK's models define and reads what they name, over real HTTP.
 */
const suite = emulatorSuite()
const TOKEN = 'servicestage-demo-token-0123456789'
const V1 = 'swr.cn-north-4.myhuaweicloud.com/team/shop:v1'
const V2 = 'swr.cn-north-4.myhuaweicloud.com/team/shop:v2'

/** The SDK's call: JSON with the IAM token; an error is `{error_code, error_msg}` with a 4xx/5xx. */
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${suite.emulator.url('servicestage')}${path}`, {
    method,
    headers: { 'x-auth-token': TOKEN, 'content-type': 'application/json;charset=utf8' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}

async function ok(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const answer = await call(method, path, body)
  expect(answer.status, JSON.stringify(answer.json)).toBe(200)
  return answer.json
}

async function jobDone(jobId: string): Promise<string> {
  for (;;) {
    // ShowJobInfo: {task_count, job{job_id, job_type, execution_status, …}, tasks[]}
    const { job } = (await ok('GET', `/v3/p1/cas/jobs/${jobId}`)) as { job: { execution_status: string } }
    if (job.execution_status !== 'RUNNING' && job.execution_status !== 'SUBMITTED') return job.execution_status
    await new Promise((resolve) => setTimeout(resolve, 30))
  }
}

const BASE = '/v3/p1/cas/applications/a1/components'

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.control('POST', '/servicestage/timing', { taskMs: 20 })
  await suite.emulator.control('POST', '/servicestage/components', {
    project: 'p1',
    application: 'a1',
    name: 'shop',
    image: V1,
    replica: 2,
  })
})

describe("ServiceStage as the vendor's SDK speaks it", () => {
  it('reads a component whole, changes it and PUTs it back (ShowComponentInfo → ComponentModify)', async () => {
    const { components } = (await ok('GET', `${BASE}?limit=100&offset=0`)) as { components: { id: string }[] }
    const id = components[0]?.id as string
    const read = await ok('GET', `${BASE}/${id}`)
    // every field the SDK's ComponentModify requires is there to send back, and the read names its place
    for (const field of MODELS.ComponentModify?.required ?? []) expect(read, field).toHaveProperty(field)
    for (const field of ['runtime_stack', 'environment_id', 'application_id', 'refer_resources', 'limit_cpu', 'envs'])
      expect(read, field).toHaveProperty(field)
    expect(read.status).toMatchObject({ component_status: 'RUNNING', creator: expect.any(String), create_time: expect.any(Number) })
    const body = Object.fromEntries(
      Object.keys(MODELS.ComponentModify?.fields ?? {}).flatMap((key) => (key in read ? [[key, read[key]]] : [])),
    )
    const modified = { ...body, source: { kind: 'image', storage: 'swr', url: V2 }, version: '1.0.1', limit_cpu: 1 }
    const { job_id } = (await ok('PUT', `${BASE}/${id}`, modified)) as { job_id: string }
    expect(await jobDone(job_id)).toBe('SUCCEEDED')
    const after = await ok('GET', `${BASE}/${id}`)
    expect(after).toMatchObject({ version: '1.0.1', limit_cpu: 1, source: { url: V2 }, runtime_stack: read.runtime_stack })
  })

  it('refuses what the SDK does not define: an unknown key, a wrong type, a missing required field, a limit over 100', async () => {
    const { components } = (await ok('GET', BASE)) as { components: { id: string }[] }
    const id = components[0]?.id as string
    const read = await ok('GET', `${BASE}/${id}`)
    const body = { name: read.name, runtime_stack: read.runtime_stack, replica: 2, source: { kind: 'image', url: V2 }, version: '1.0.2' }
    const refused = [
      [{ ...body, Bogus_Key: 1 }, /unknown field Bogus_Key/],
      [{ ...body, replica: 'two' }, /replica must be a whole number/],
      [{ ...body, Replica: 2 }, /unknown field Replica/],
      [{ source: body.source, version: '1.0.3' }, /name is required/],
      [{ ...body, runtime_stack: { name: 'Docker', type: 'Docker', deploy_mode: 'container' } }, /runtime_stack\.version is required/],
      [
        { ...body, deploy_strategy: { type: 'GrayRelease', gray_release: { type: 'WEIGHT', first_batch_weight: 10 } } },
        /gray_release\.replica_surge_mode is required/,
      ],
    ] as const
    for (const [sent, message] of refused) {
      const answer = await call('PUT', `${BASE}/${id}`, sent)
      expect(answer.status, JSON.stringify(sent)).toBe(400)
      expect(answer.json).toMatchObject({ error_code: 'SVCSTG.00100400', error_msg: expect.stringMatching(message) })
    }
    expect((await call('GET', `${BASE}?limit=500`)).status).toBe(400)
    expect((await call('POST', `${BASE}/${id}/action`, { action: 'scale', parameters: { replica: 3, weight: 1 } })).status).toBe(400)
    // nothing of that ran: the component is as it was
    expect(await ok('GET', `${BASE}/${id}`)).toMatchObject({ version: read.version, source: { url: V1 } })
  })

  it('lists every component of the project, filtered by component name (ShowComponents)', async () => {
    const { count, components } = (await ok('GET', '/v3/p1/cas/components?component_name=shop&limit=10')) as {
      count: number
      components: { name: string; application_id: string }[]
    }
    expect(count).toBe(1)
    expect(components[0]).toMatchObject({ name: 'shop', application_id: 'a1' })
    expect(((await ok('GET', '/v3/p1/cas/components?component_name=none')) as { count: number }).count).toBe(0)
  })
})

import { beforeEach, describe, expect, it } from 'vitest'
import { emulatorSuite } from '../support/steps.js'

/**
 * Finding a service by name among 10,000 (issue 16), through the bundles: the request log says
 * how many list pages were read and that none was read twice. ServiceStage filters by name on
 * the server (one request); where it cannot, and on NetEase, the first page gives the total and
 * the others are read in parallel, a bounded number at a time (the rounds that takes are counted
 * in test/unit/paged-scan.test.ts, where the test decides when answers come).
 */
const suite = emulatorSuite()
const MANY = 10_000

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
})

/** The list requests of the log to `path`, by their query; fails when a page was read twice. */
async function pages(path: RegExp): Promise<string[]> {
  const queries = (await suite.emulator.requestLog()).filter((r) => r.method === 'GET' && path.test(r.path)).map((r) => r.query ?? '')
  expect(new Set(queries).size, 'a page read twice').toBe(queries.length)
  return queries
}

describe('a service found by name among 10,000', () => {
  const V1 = 'swr.cn-north-4.myhuaweicloud.com/team/shop:v1'
  const servicestage = (extra: Record<string, string>) => ({
    platform: 'servicestage',
    'api-url': suite.emulator.url('servicestage'),
    token: 'servicestage-demo-token-0123456789',
    project: 'p1',
    application: 'a1',
    ...extra,
  })
  const seedComponents = async () => {
    await suite.emulator.control('POST', '/servicestage/components/batch', {
      project: 'p1',
      application: 'a1',
      image: V1,
      prefix: 'other-',
      count: MANY - 1,
    })
    // the last one made: on the last page of the application's list
    await suite.emulator.control('POST', '/servicestage/components', { project: 'p1', application: 'a1', name: 'late', image: V1 })
    await suite.emulator.control('DELETE', '/requests')
  }

  it('ServiceStage: one request, the project’s components filtered by name', async () => {
    await seedComponents()
    const run = await suite.steps.run('scale', servicestage({ service: 'late', replicas: '3' }))
    expect(run.code, run.stdout).toBe(0)
    expect(await pages(/\/components$/)).toEqual(['?component_name=late&limit=100&offset=0'])
  })

  it('ServiceStage where the filtered list is not served: the application’s 100 pages of 100, each once', async () => {
    await seedComponents()
    await suite.emulator.control('POST', '/faults', {
      platform: 'servicestage',
      path: '/v3/p1/cas/components',
      status: 404,
      body: { error_code: 'SVCSTG.00100400', error_msg: 'no such API' },
    })
    const run = await suite.steps.run('scale', servicestage({ service: 'late', replicas: '3' }))
    expect(run.code, run.stdout).toBe(0)
    const read = await pages(/applications\/a1\/components$/)
    expect(read.sort()).toEqual(Array.from({ length: 100 }, (_, i) => `?limit=100&offset=${i * 100}`).sort())
  })

  const netease = (extra: Record<string, string>) => ({
    platform: 'netease',
    'api-url': suite.emulator.url('netease'),
    token: 'netease-demo-token-0123456789',
    ...extra,
  })

  it('NetEase apps: the first page’s total, then the 333 others, each once', async () => {
    await suite.emulator.control('POST', '/netease/apps/batch', { prefix: 'other-', count: MANY - 1, version: 'v1' })
    await suite.emulator.control('POST', '/netease/apps', { name: 'late', version: 'v1', replicas: 1 })
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('scale', netease({ service: 'late', replicas: '2' }))
    expect(run.code, run.stdout).toBe(0)
    const read = await pages(/^\/api\/v1\/apps$/)
    expect(read[0]).toBe('?limit=30&offset=0')
    expect(read.sort()).toEqual(Array.from({ length: 334 }, (_, i) => `?limit=30&offset=${i * 30}`).sort())
  })

  it('NetEase apps: stops at the match, reading at most the 15 pages under way with it', async () => {
    await suite.emulator.control('POST', '/netease/apps/batch', { prefix: 'early-', count: 3000, version: 'v1' })
    await suite.emulator.control('POST', '/netease/apps', { name: 'middle', version: 'v1', replicas: 1 })
    await suite.emulator.control('POST', '/netease/apps/batch', { prefix: 'late-', count: MANY - 3001, version: 'v1' })
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('scale', netease({ service: 'middle', replicas: '2' }))
    expect(run.code, run.stdout).toBe(0)
    // 'middle' is the 3001st: page 100; pages 0-100 are read, and no more than 15 after it
    const read = await pages(/^\/api\/v1\/apps$/)
    expect(read.length).toBeGreaterThanOrEqual(101)
    expect(read.length).toBeLessThanOrEqual(101 + 15)
  })

  it('NetEase microservices: the namespace’s 334 pages of 30, each once', async () => {
    const image = 'hub.c.163.com/team/api:v1'
    await suite.emulator.control('POST', '/netease/microservices/batch', { prefix: 'other-', count: MANY - 1, image })
    await suite.emulator.control('POST', '/netease/microservices', { name: 'late', image, replicas: 1 })
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('scale', netease({ service: 'late', project: 'team', replicas: '2' }))
    expect(run.code, run.stdout).toBe(0)
    const read = await pages(/^\/api\/v1\/namespaces\/101\/microservices$/)
    expect(read.sort()).toEqual(Array.from({ length: 334 }, (_, i) => `?offset=${i * 30}&limit=30`).sort())
  })
})

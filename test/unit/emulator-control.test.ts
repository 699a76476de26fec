import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { controlRoutes } from '../../emulator/control.js'
import { SEED_ROUTES } from '../../emulator/seed-routes.js'
import { createParts, type Emulator, PLATFORMS, startEmulator } from '../../emulator/server.js'

/**
 * The control API's routes: each platform's own (emulator/<platform>/control.ts) and the common
 * ones (emulator/control.ts), against what depends on them: the seed routes action-emulator takes,
 * the README's table, and the URLs tests and users' workflows call.
 */

const routes = controlRoutes(createParts(() => 'http://127.0.0.1:1').targets)

/** Every control route, `METHOD path` below /_emulator/: these URLs are used by tests, seeds and workflows. */
const KNOWN = [
  'GET state',
  'GET requests',
  'DELETE requests',
  'POST reset',
  'POST faults',
  'DELETE faults',
  'POST images',
  'POST jelastic/environments',
  'POST jelastic/node-status',
  'POST jelastic/expire-sessions',
  'POST jelastic/timing',
  'POST servicestage/components',
  'POST servicestage/components/batch',
  'POST servicestage/timing',
  'POST alauda/services',
  'POST alauda/timing',
  'POST alauda/expire-tokens',
  'POST netease/apps',
  'POST netease/microservices',
  'POST netease/apps/batch',
  'POST netease/microservices/batch',
  'POST netease/timing',
  'POST netease/rate-limit',
  'POST rancher/services',
  'POST rancher/load-balancers',
  'POST rancher/hosts',
  'POST rancher/schema',
  'POST rancher/events',
  'POST rancher/timing',
]

describe('the control routes', () => {
  it('are the ones the emulator has always served, no more and no fewer', () => {
    expect(Object.keys(routes).sort()).toEqual([...KNOWN].sort())
  })

  it('SEED_ROUTES (what action-emulator takes) are exactly the routes declared seed: true, all POST', () => {
    const seeds = Object.entries(routes).filter(([, route]) => route.seed)
    expect(seeds.map(([key]) => key.split(' ')[0])).toEqual(seeds.map(() => 'POST'))
    expect(seeds.map(([key]) => key.split(' ')[1]).sort()).toEqual([...SEED_ROUTES].sort())
  })

  it('each platform serves only routes below its own name; the common routes name no platform', () => {
    for (const key of Object.keys(routes)) {
      const first = (key.split(' ')[1] as string).split('/')[0] as string
      if (key.includes('/')) expect(PLATFORMS).toContain(first)
      else expect(PLATFORMS).not.toContain(first)
    }
  })

  it("are each in emulator/README.md's control API table", () => {
    const readme = readFileSync(join(import.meta.dirname, '../../emulator/README.md'), 'utf8')
    const table = readme.slice(readme.indexOf('## Control API'), readme.indexOf('## Testing your own workflow'))
    for (const key of Object.keys(routes)) {
      const [method, path] = key.split(' ')
      expect(table, key).toContain(`${method} /_emulator/${path}\``)
    }
  })
})

describe('the control API over HTTP', () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await startEmulator(0)
  })
  afterAll(() => emulator.close())

  const call = async (method: string, path: string, body?: string) => {
    const response = await fetch(`${emulator.origin}/_emulator${path}`, { method, ...(body !== undefined && { body }) })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  it('answers an unknown route, common or of a platform, 404 naming it', async () => {
    expect(await call('GET', '/nothing')).toEqual({ status: 404, body: { error: 'no control route GET /nothing' } })
    expect(await call('POST', '/jelastic/nothing', '{}')).toEqual({
      status: 404,
      body: { error: 'no control route POST /jelastic/nothing' },
    })
    expect((await call('GET', '/jelastic/environments')).status).toBe(404)
    expect((await call('POST', '/jelastic/environments/', '{}')).status).toBe(404)
    expect((await call('POST', '/jelastic', '{}')).status).toBe(404)
    expect((await call('POST', '/state', '{}')).status).toBe(404)
    expect((await call('POST', '/unknown/timing', '{}')).status).toBe(404)
    expect((await call('POST', '/jelastic/constructor', '{}')).status).toBe(404)
  })

  it('refuses a body that is not JSON, or not a JSON object, with 400', async () => {
    expect(await call('POST', '/images', '{not json')).toEqual({ status: 400, body: { error: 'the control API takes JSON bodies' } })
    for (const body of ['null', '[]', '"text"', '3']) {
      const answer = await call('POST', '/rancher/timing', body)
      expect(answer.status, body).toBe(400)
      expect(answer.body.error).toMatch(/^the control API takes a JSON object as the body/)
    }
  })

  it("refuses each platform's seeding route an empty body with 400 saying what to give", async () => {
    for (const path of [
      'jelastic/environments',
      'servicestage/components',
      'servicestage/components/batch',
      'alauda/services',
      'netease/apps',
      'netease/microservices',
      'netease/apps/batch',
      'netease/microservices/batch',
      'rancher/services',
      'rancher/load-balancers',
      'rancher/schema',
      'rancher/events',
      'images',
    ]) {
      const answer = await call('POST', `/${path}`, '{}')
      expect(answer.status, path).toBe(400)
      expect(answer.body.error, path).toMatch(/^give /)
    }
  })

  it('shows every platform in GET /state, in order, then the image marks and the faults', async () => {
    await call('POST', '/jelastic/environments', JSON.stringify({ envName: 'shop', image: 'shop:v1' }))
    const state = await call('GET', '/state')
    expect(Object.keys(state.body)).toEqual([...PLATFORMS, 'images', 'faults'])
    expect((state.body.jelastic as { environments: { env: { envName: string } }[] }).environments.map((e) => e.env.envName)).toEqual([
      'shop',
    ])
    await call('POST', '/reset')
    expect(((await call('GET', '/state')).body.jelastic as { environments: unknown[] }).environments).toEqual([])
  })
})

import { beforeEach, describe, expect, it } from 'vitest'
import { errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

// `api-url` on Rancher takes the server, its API (`/v2-beta`) or an environment's endpoint
// (`/v2-beta/projects/1a5`, what Rancher's API keys page shows), run through the bundles.

const suite = emulatorSuite()
const KEYS = { 'access-key': 'rancher-demo-access', 'secret-key': 'rancher-demo-secret-0123' }
const V1 = 'registry.example.com/team/web:v1'
const V2 = 'registry.example.com/team/web:v2'

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.control('POST', '/rancher/timing', { batchMs: 20 })
  await suite.emulator.control('POST', '/rancher/services', { stack: 'shop', name: 'web', image: V1, scale: 2 })
})

async function imageNow(): Promise<string> {
  const state = (await suite.emulator.control('GET', '/state')) as {
    rancher: { services: { name: string; launchConfig: { imageUuid: string } }[] }
  }
  return state.rancher.services.find((s) => s.name === 'web')?.launchConfig.imageUuid ?? ''
}

describe('Rancher api-url forms', () => {
  const server = () => suite.emulator.url('rancher')
  const forms: [string, () => Record<string, string>][] = [
    ['the server root', () => ({ 'api-url': server(), project: '1a5' })],
    ['the server root with a trailing slash', () => ({ 'api-url': `${server()}/`, project: '1a5' })],
    ['the API, /v2-beta', () => ({ 'api-url': `${server()}/v2-beta`, project: '1a5' })],
    ['a project’s endpoint, with no project input', () => ({ 'api-url': `${server()}/v2-beta/projects/1a5` })],
    ['a project’s endpoint and the same project', () => ({ 'api-url': `${server()}/v2-beta/projects/1a5/`, project: '1a5' })],
  ]

  for (const [name, form] of forms) {
    it(`deploys with ${name}`, async () => {
      await suite.emulator.control('DELETE', '/requests')
      const run = await suite.steps.run('deploy', { platform: 'rancher', ...KEYS, ...form(), service: 'shop/web', image: V2 })
      expect(run.code, run.stdout).toBe(0)
      expect(await imageNow()).toBe(`docker:${V2}`)
      const paths = (await suite.emulator.requests()).map((r) => r.path)
      expect(paths.length).toBeGreaterThan(0)
      for (const path of paths) expect(path).toMatch(/^\/v2-beta\/projects\/1a5\//)
    })
  }

  it('reaches the webhook service beside the API from a project’s endpoint', async () => {
    const web = (await suite.emulator.control('GET', '/state')) as { rancher: { services: { id: string; name: string }[] } }
    const serviceId = web.rancher.services.find((s) => s.name === 'web')?.id ?? ''
    const endpoint = { platform: 'rancher', ...KEYS, 'api-url': `${server()}/v2-beta/projects/1a5` }
    const receiver = JSON.stringify({ name: 'web-up', driver: 'scaleService', scaleServiceConfig: { serviceId, action: 'up', amount: 1 } })
    const create = await suite.steps.run('scale', { ...endpoint, 'webhook-create': receiver })
    expect(create.code, create.stdout).toBe(0)
    const list = await suite.steps.run('scale', { ...endpoint, 'webhook-list': 'true' })
    expect(list.code, list.stdout).toBe(0)
    expect(JSON.parse(list.outputs.webhooks ?? '')).toMatchObject([{ name: 'web-up', driver: 'scaleService' }])
    const paths = (await suite.emulator.requests()).map((r) => r.path)
    expect(paths).toContain('/v1-webhooks/receivers')
  })

  it('refuses a project endpoint and a project input that disagree, before any call', async () => {
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('deploy', {
      platform: 'rancher',
      ...KEYS,
      'api-url': `${server()}/v2-beta/projects/1a5`,
      project: '1a7',
      service: 'shop/web',
      image: V2,
    })
    expect(run.code).toBe(1)
    expect(errorLines(run)).toEqual([
      'Input "project" has the value "1a7", but "api-url" is the endpoint of project "1a5"; give one of them, or the same project in both.',
    ])
    expect(await suite.emulator.requests()).toEqual([])
    expect(await imageNow()).toBe(`docker:${V1}`)
  })
})

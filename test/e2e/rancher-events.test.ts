import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ForwardProxy } from '../support/forward-proxy.js'
import { errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'
import { until } from '../support/until.js'

const suite = emulatorSuite()
const KEYS = { 'access-key': 'rancher-demo-access', 'secret-key': 'rancher-demo-secret-0123' }
const V1 = 'registry.example.com/team/web:v1'
const V2 = 'registry.example.com/team/web:v2'
const NO_STREAM = /rancher: no event stream \(([^)]*)\): the wait reads the service instead/g

let proxy: ForwardProxy
let serviceId = ''

beforeAll(async () => {
  proxy = await ForwardProxy.start()
})

afterAll(async () => {
  await proxy.close()
})

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  proxy.reset()
  // one container, a batch of one: replaced after 500 ms, upgraded 500 ms later (a 1 s upgrade)
  await suite.emulator.control('POST', '/rancher/timing', { batchMs: 500 })
  serviceId = (
    (await suite.emulator.control('POST', '/rancher/services', { stack: 'shop', name: 'web', image: V1, scale: 1 })) as { id: string }
  ).id
})

function inputs(extra: Record<string, string>): Record<string, string> {
  return { platform: 'rancher', 'api-url': suite.emulator.url('rancher'), ...KEYS, project: '1a5', service: 'shop/web', ...extra }
}

/**
 * The Rancher requests from the one that started the operation (`from`) on: reads of the service,
 * subscriptions; and the subscriptions before it.
 */
async function afterStart(from: (entry: { method: string; query?: string }) => boolean) {
  const log = (await suite.emulator.requestLog()).filter((entry) => entry.platform === 'rancher')
  const start = log.findIndex(from)
  expect(start).toBeGreaterThanOrEqual(0)
  const after = log.slice(start + 1)
  const subscribe = (entry: { path: string }) => entry.path === '/v2-beta/projects/1a5/subscribe'
  return {
    reads: after.filter((entry) => entry.method === 'GET' && entry.path === `/v2-beta/projects/1a5/services/${serviceId}`).length,
    subscriptions: after.filter(subscribe),
    subscribedBefore: log.slice(0, start).filter(subscribe),
  }
}

const upgradeSent = (entry: { method: string; query?: string }) => entry.method === 'POST' && entry.query === '?action=upgrade'

describe('Rancher waits on the event stream', () => {
  it('a deploy sees the upgrade end and its finish on one stream opened before the upgrade, with no read while it waits, and its process ends', async () => {
    const run = await suite.steps.run('deploy', inputs({ image: V2, 'batch-size': '1' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).not.toMatch(NO_STREAM)
    const { reads, subscriptions, subscribedBefore } = await afterStart(upgradeSent)
    // only the read back after the waits (with no stream, a read a second after the upgrade,
    // another after its finish, then the read back: 3 or more)
    expect(reads).toBe(1)
    expect(subscribedBefore.map((entry) => [entry.method, entry.query])).toEqual([['GET', '?eventNames=resource.change']])
    expect(subscriptions).toEqual([])
    const state = (await suite.emulator.control('GET', '/state')) as {
      rancher: { services: { id: string; state: string; launchConfig: { imageUuid: string } }[] }
    }
    expect(state.rancher.services.find((s) => s.id === serviceId)).toMatchObject({
      state: 'active',
      launchConfig: { imageUuid: `docker:${V2}` },
    })
  })

  it('a deploy that does not wait opens no stream', async () => {
    const run = await suite.steps.run('deploy', inputs({ image: V2, 'batch-size': '1', wait: 'false' }))
    expect(run.code, run.stdout).toBe(0)
    const { subscriptions, subscribedBefore } = await afterStart(upgradeSent)
    expect([...subscribedBefore, ...subscriptions]).toEqual([])
  })

  it('a scale waits on events too', async () => {
    const run = await suite.steps.run('scale', inputs({ replicas: '3' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.replicas).toBe('3')
    const { reads, subscriptions } = await afterStart((entry) => entry.method === 'PUT')
    // one read for the wait, one to read back; two containers added, 500 ms each: polling reads at 1 s (and 2 s), then reads back
    expect(reads).toBeLessThanOrEqual(2)
    expect(subscriptions).toHaveLength(1)
  })

  it('a refused subscription leaves the deploy to plain reads, said once', async () => {
    await suite.emulator.control('POST', '/rancher/events', { enabled: false })
    const run = await suite.steps.run('deploy', inputs({ image: V2, 'batch-size': '1' }))
    expect(run.code, run.stdout).toBe(0)
    expect([...run.stdout.matchAll(NO_STREAM)].map((match) => match[1])).toEqual(['the subscription did not open'])
    const { reads, subscriptions, subscribedBefore } = await afterStart(upgradeSent)
    expect([...subscribedBefore, ...subscriptions]).toHaveLength(1)
    // each wait reads the service (the upgrade's, its finish's), then the read back
    expect(reads).toBeGreaterThanOrEqual(3)
  })

  it('with a proxy set for the server, no subscription is tried: every read goes through the proxy', async () => {
    const run = await suite.steps.run('deploy', inputs({ image: V2, 'batch-size': '1' }), { env: { HTTP_PROXY: proxy.url } })
    expect(run.code, run.stdout).toBe(0)
    expect([...run.stdout.matchAll(NO_STREAM)].map((match) => match[1])).toEqual(['requests go through HTTP_PROXY'])
    const { reads, subscriptions } = await afterStart(upgradeSent)
    expect(subscriptions).toEqual([])
    expect(reads).toBeGreaterThanOrEqual(3)
    const rancher = (await suite.emulator.requestLog()).filter((entry) => entry.platform === 'rancher')
    expect(proxy.forwarded.map((entry) => `${entry.method} ${new URL(entry.target).pathname}`)).toEqual(
      rancher.map((entry) => `${entry.method} /rancher${entry.path}`),
    )
  })

  it('a cancelled wait closes the stream and the process ends', async () => {
    await suite.emulator.markImage(V2, { stuck: true })
    // the stream is open before the upgrade is sent: the cancel comes once the upgrade has reached the platform
    const upgrading = until(async () =>
      (await suite.emulator.requestLog()).some((entry) => entry.platform === 'rancher' && upgradeSent(entry)),
    )
    const run = await suite.steps.run('deploy', inputs({ image: V2, 'rollback-on-failure': 'false' }), { signalWhen: upgrading })
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/^cancelled: /)
  })
})

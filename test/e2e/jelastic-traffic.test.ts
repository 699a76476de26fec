import { beforeEach, describe, expect, it } from 'vitest'
import { JELASTIC_TOKEN, measureSplit } from '../support/emulator.js'
import { errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

const suite = emulatorSuite()

function traffic(extra: Record<string, string>): Record<string, string> {
  return {
    platform: 'jelastic',
    'api-url': suite.emulator.url('jelastic'),
    token: JELASTIC_TOKEN,
    router: 'shop',
    blue: 'blue',
    green: 'green',
    ...extra,
  }
}

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.jelasticEnv('blue', 'registry.example.com/shop:v1', 2)
  await suite.emulator.jelasticEnv('green', 'registry.example.com/shop:v2', 2)
})

/** Shares of 100 requests through the router, in percent: its smooth weighted round robin is exact over any 100. */
async function measured(): Promise<{ blue: number; green: number }> {
  const counts = await measureSplit(`${suite.emulator.url('jelastic')}/env/shop/`, 100)
  return { blue: counts.blue ?? 0, green: counts.green ?? 0 }
}

describe('action-traffic on Jelastic', () => {
  it('installs a Traffic Distributor when the router does not exist, and routes by its weights', async () => {
    const run = await suite.steps.run('traffic', traffic({ percentage: '10' }))
    expect(run.code, run.stdout).toBe(0)
    expect(JSON.parse(run.outputs.weights ?? '')).toEqual({ blue: 90, green: 10 })
    expect(run.stdout).toContain('installing a Traffic Distributor')
    expect(run.summary).toContain('no router yet')
    expect(run.summary).toContain('blue 90% / green 10% (round-robin)')
    const split = await measured()
    expect(Math.abs(split.green - 10)).toBeLessThanOrEqual(3)
  })

  it.each([
    ['round-robin', 50],
    ['round-robin', 73],
    ['sticky-sessions', 30],
    ['failover', 100],
    ['failover', 0],
  ])('measures the %s split through the router within 3 points of %d percent over 100 requests', async (method, percentage) => {
    await suite.steps.run('traffic', traffic({ percentage: '50' }))
    const run = await suite.steps.run('traffic', traffic({ percentage: String(percentage), 'routing-method': method }))
    expect(run.code, run.stdout).toBe(0)
    expect(JSON.parse(run.outputs.weights ?? '')).toEqual({ blue: 100 - percentage, green: percentage })
    const split = await measured()
    expect(Math.abs(split.green - percentage), JSON.stringify(split)).toBeLessThanOrEqual(3)
  })

  it('fails over to the other side when the one at 100% goes down', async () => {
    await suite.steps.run('traffic', traffic({ percentage: '100', 'routing-method': 'failover' }))
    await suite.emulator.control('POST', '/images', { image: 'registry.example.com/shop:v2', failing: true })
    expect(await measured()).toEqual({ blue: 100, green: 0 })
  })

  it('says that sticky sessions keep existing users on their side', async () => {
    await suite.steps.run('traffic', traffic({ percentage: '0', 'routing-method': 'sticky-sessions' }))
    const run = await suite.steps.run('traffic', traffic({ percentage: '100', 'routing-method': 'sticky-sessions' }))
    expect(run.summary).toContain('Sticky sessions: users who already have a session stay on the side they were on')
  })

  it('keeps the routing method of the router when none is given', async () => {
    await suite.steps.run('traffic', traffic({ percentage: '20', 'routing-method': 'sticky-sessions' }))
    const run = await suite.steps.run('traffic', traffic({ percentage: '40' }))
    expect(run.summary).toContain('blue 60% / green 40% (sticky-sessions)')
  })

  it('writes nothing when re-run with the same inputs', async () => {
    await suite.steps.run('traffic', traffic({ percentage: '20' }))
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('traffic', traffic({ percentage: '20' }))
    expect(run.code).toBe(0)
    const writes = (await suite.emulator.requests()).filter((r) =>
      /jps\/rest\/install|executeappaction|InstallApp|ExecuteAppAction/.test(r.path),
    )
    expect(writes).toEqual([])
    expect(run.stdout).toContain('nothing to write')
  })

  it('uses the legacy appstore InstallApp and ExecuteAppAction where the marketplace methods do not exist', async () => {
    await suite.emulator.control('POST', '/jelastic/timing', { marketplace: false })
    await suite.emulator.control('DELETE', '/requests')
    expect((await suite.steps.run('traffic', traffic({ percentage: '40' }))).code).toBe(0)
    expect((await suite.steps.run('traffic', traffic({ percentage: '60' }))).code).toBe(0)
    const paths = (await suite.emulator.requests()).map((r) => r.path)
    expect(paths).toContain('/appstore/InstallApp')
    expect(paths).toContain('/appstore/ExecuteAppAction')
    expect(Math.abs((await measured()).green - 60)).toBeLessThanOrEqual(3)
  })

  it('releases without a record, with a warning, on an installation without environment properties', async () => {
    await suite.emulator.control('POST', '/jelastic/timing', { envProperties: false })
    const run = await suite.steps.run('traffic', traffic({ percentage: '40' }))
    expect(run.code, run.stdout).toBe(0)
    const warnings = run.stdout.split('\n').filter((line) => line.startsWith('::warning::'))
    expect(warnings).toEqual([expect.stringMatching(/^::warning::jelastic: this installation has no environment properties .*result 1702/)])
    expect(Math.abs((await measured()).green - 40)).toBeLessThanOrEqual(3)
  })

  it('never sends traffic to a side that is not running', async () => {
    await suite.steps.run('traffic', traffic({ percentage: '0' }))
    const stopped = await suite.steps.run('scale', { ...traffic({}), service: 'green', replicas: '0' })
    expect(stopped.code).toBe(0)
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('traffic', traffic({ percentage: '50' }))
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/jelastic: shift traffic of "green" failed: it would receive traffic but has no running replica/)
    expect((await suite.emulator.requests()).filter((r) => r.path.includes('executeappaction'))).toEqual([])
  })

  it('names a side that does not exist, and leaves the router as it was', async () => {
    await suite.steps.run('traffic', traffic({ percentage: '10' }))
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('traffic', { ...traffic({ percentage: '30' }), green: 'other' })
    expect(run.code).toBe(1)
    expect(errorLines(run)).toEqual(['jelastic: read traffic of "other" failed: environment not found (it is a side of the router)'])
    expect((await suite.emulator.requests()).filter((r) => r.path.includes('executeappaction'))).toEqual([])
    expect(await measured()).toEqual({ blue: 90, green: 10 })
  })
})

describe('action-rollback with a router', () => {
  it('goes back to the side the last release came from, by its record, even at 50/50; a re-run changes nothing', async () => {
    await suite.steps.run('traffic', traffic({ percentage: '50' }))
    const run = await suite.steps.run('rollback', traffic({ service: 'green' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toContain('came from blue')
    expect(await measured()).toEqual({ blue: 100, green: 0 })
    await suite.emulator.control('DELETE', '/requests')
    const again = await suite.steps.run('rollback', traffic({ service: 'green' }))
    expect(again.code).toBe(0)
    expect((await suite.emulator.requests()).filter((r) => /executeappaction|applyenvproperty/.test(r.path))).toEqual([])
    expect(await measured()).toEqual({ blue: 100, green: 0 })
  })

  it('sends all traffic back to the side that served before', async () => {
    await suite.steps.run('traffic', traffic({ percentage: '100' }))
    const run = await suite.steps.run('rollback', traffic({ service: 'green' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.image).toBe('registry.example.com/shop:v1')
    expect(JSON.parse(run.outputs.weights ?? '')).toEqual({ blue: 100, green: 0 })
    expect(await measured()).toEqual({ blue: 100, green: 0 })
  })
})

describe('secrets', () => {
  it('never shows the token or a session id', () => {
    expect(suite.steps.leaks()).toEqual([])
  })
})

describe('action-rollback to a stopped side', () => {
  it('starts the previous side, waits for it, then sends it all traffic, and shows the reason', async () => {
    await suite.steps.run('traffic', traffic({ percentage: '100' }))
    // blue, no longer serving, was stopped
    await fetch(`${suite.emulator.url('jelastic')}/1.0/environment/control/rest/stopenv`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ envName: 'blue', session: JELASTIC_TOKEN }),
    })
    const run = await suite.steps.run('rollback', traffic({ service: 'green', reason: 'checkout errors after v2' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toContain('::group::start blue')
    expect(run.summary).toContain('checkout errors after v2')
    expect(await measured()).toEqual({ blue: 100, green: 0 })
  })
})

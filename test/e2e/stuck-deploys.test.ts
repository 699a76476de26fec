import { beforeEach, describe, expect, it } from 'vitest'
import { ALAUDA_TOKEN, JELASTIC_TOKEN } from '../support/emulator.js'
import { errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

// A deploy whose new instances never come up (a "stuck" image in the emulator) must not leave the
// service on the broken image: at the deadline it is rolled back, at once where the platform
// takes a rollback while the deploy still runs, and the step says what the service runs then.
const suite = emulatorSuite()

async function served(url: string): Promise<string | undefined> {
  const response = await fetch(url)
  return ((await response.json()) as { image?: string }).image
}

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
})

describe('a deploy that never finishes', () => {
  it('Alauda: the previous tag is put back while the deploy still runs, and the service serves it', async () => {
    const v1 = 'index.alauda.cn/team/shop:v1'
    const v2 = 'index.alauda.cn/team/shop:v2'
    await suite.emulator.control('POST', '/alauda/timing', { instanceMs: 40 })
    await suite.emulator.control('POST', '/alauda/services', { namespace: 'team', name: 'shop', image: v1, instances: 2 })
    await suite.emulator.markImage(v2, { stuck: true })
    const started = Date.now()
    const run = await suite.steps.run('deploy', {
      platform: 'alauda',
      'api-url': suite.emulator.url('alauda'),
      token: ALAUDA_TOKEN,
      project: 'team',
      service: 'shop',
      image: v2,
      timeout: '3s',
    })
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/^alauda: deploy of "shop" to \S+:v2 failed: operation \S+ timed out; .*; rolled back to \S+:v1/)
    expect(run.outputs).toMatchObject({ image: v1, 'rolled-back': 'true' })
    // the rollback did not wait for the stuck deploy to end: it took well under its own 3 s
    expect(Date.now() - started).toBeLessThan(6_000)
    expect(await served(`http://${run.outputs.url?.replace(/^https?:\/\//, '')}`)).toBe(v1)
    expect(run.summary).toContain('Runs now')
  })

  it('ServiceStage: the stuck job is rolled back (to the version from before, by name) while it runs', async () => {
    const v1 = 'swr.cn-north-4.myhuaweicloud.com/team/shop:v1'
    const v2 = 'swr.cn-north-4.myhuaweicloud.com/team/shop:v2'
    await suite.emulator.control('POST', '/servicestage/timing', { taskMs: 40 })
    const component = (await suite.emulator.control('POST', '/servicestage/components', {
      project: 'p1',
      application: 'a1',
      name: 'shop',
      image: v1,
    })) as { external_accesses: { address: string }[] }
    await suite.emulator.markImage(v2, { stuck: true })
    const run = await suite.steps.run('deploy', {
      platform: 'servicestage',
      'api-url': suite.emulator.url('servicestage'),
      token: 'servicestage-demo-token-0123456789',
      project: 'p1',
      application: 'a1',
      service: 'shop',
      image: v2,
      timeout: '3s',
    })
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(
      /^servicestage: deploy of "shop" to \S+:v2 failed: operation JOB\S+ timed out; .*; rolled back to \S+:v1/,
    )
    expect(run.outputs.image).toBe(v1)
    expect(await served(component.external_accesses[0]?.address ?? '')).toBe(v1)
  })

  it('Rancher: the upgrade that stays upgrading is rolled back from upgrading', async () => {
    const v1 = 'registry.example.com/team/web:v1'
    const v2 = 'registry.example.com/team/web:v2'
    await suite.emulator.control('POST', '/rancher/timing', { batchMs: 40 })
    const service = (await suite.emulator.control('POST', '/rancher/services', { stack: 'shop', name: 'web', image: v1, scale: 2 })) as {
      id: string
    }
    await suite.emulator.markImage(v2, { stuck: true })
    const run = await suite.steps.run('deploy', {
      platform: 'rancher',
      'api-url': suite.emulator.url('rancher'),
      'access-key': 'rancher-demo-access',
      'secret-key': 'rancher-demo-secret-0123',
      project: '1a5',
      service: 'shop/web',
      image: v2,
      timeout: '3s',
    })
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/^rancher: deploy of "shop\/web" to \S+:v2 failed: .*timed out.*; rolled back to \S+:v1/)
    expect(run.outputs.image).toBe(v1)
    expect(await served(`${suite.emulator.url('rancher')}/services/${service.id}/`)).toBe(v1)
  })

  it('Jelastic: a redeploy cannot be undone while it runs, and the step says so rather than waiting past its deadline', async () => {
    const v1 = 'registry.example.com/shop:v1'
    const v2 = 'registry.example.com/shop:v2'
    await suite.emulator.jelasticEnv('green', v1, 2)
    await suite.emulator.markImage(v2, { stuck: true })
    const started = Date.now()
    const run = await suite.steps.run('deploy', {
      platform: 'jelastic',
      'api-url': suite.emulator.url('jelastic'),
      token: JELASTIC_TOKEN,
      service: 'green',
      image: v2,
      // more than the write floor (1 s) left for the redeploy, however slow the machine's start
      timeout: '3s',
    })
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(
      /^jelastic: deploy of "green" to \S+:v2 failed: .*timed out.*; rollback to \S+:v1 failed: the platform was still busy/,
    )
    // the deploy's deadline, then the rollback's own one, and no more
    expect(Date.now() - started).toBeLessThan(2 * 3000 + 2500)
  })
})

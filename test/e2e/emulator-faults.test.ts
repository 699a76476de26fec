import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { EmulatorProcess, JELASTIC_TOKEN } from '../support/emulator.js'

/** The committed emulator bundle takes after-faults and stuck images (the details: test/unit/emulator-faults.test.ts). */

const RANCHER = {
  authorization: `Basic ${Buffer.from('rancher-demo-access:rancher-demo-secret-0123').toString('base64')}`,
  'content-type': 'application/json',
}

let emulator: EmulatorProcess

beforeAll(async () => {
  emulator = await EmulatorProcess.start()
})
afterAll(() => emulator.stop())
beforeEach(async () => {
  await emulator.control('POST', '/reset')
})

function jelastic(method: string, params: Record<string, string>, signal = AbortSignal.timeout(5000)): Promise<Response> {
  return fetch(`${emulator.url('jelastic')}/1.0/environment/control/rest/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ session: JELASTIC_TOKEN, envName: 'shop', ...params }),
    signal,
  })
}

async function envInfo(): Promise<{ env: { status: number }; nodes: { customitem: { dockerTag: string } }[] }> {
  return (await (await jelastic('getenvinfo', {})).json()) as { env: { status: number }; nodes: { customitem: { dockerTag: string } }[] }
}

async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = await read()
    if (check(value) || Date.now() > end) return value
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('the emulator bundle', () => {
  it('lets a Jelastic redeploy land while its answer is lost, and logs it once', async () => {
    await emulator.jelasticEnv('shop', 'hub.example.com/shop:v1', 2)
    await emulator.control('POST', '/jelastic/timing', { redeployMsPerNode: 10 })
    await emulator.fault({ platform: 'jelastic', path: 'redeploycontainersbygroup', method: 'POST', when: 'after', drop: true, count: 1 })
    await emulator.control('DELETE', '/requests')
    await expect(jelastic('redeploycontainersbygroup', { nodeGroup: 'cp', tag: 'v2' })).rejects.toThrow()
    const after = await envInfo()
    expect(after.env.status).toBe(1)
    expect(after.nodes.map((n) => n.customitem.dockerTag)).toEqual(['v2', 'v2'])
    const redeploys = (await emulator.requestLog()).filter((r) => r.path.endsWith('redeploycontainersbygroup'))
    expect(redeploys).toEqual([
      {
        method: 'POST',
        platform: 'jelastic',
        path: '/1.0/environment/control/rest/redeploycontainersbygroup',
        fault: 'after drop',
        at: expect.any(Number),
      },
    ])
  })

  it('keeps a Rancher upgrade to a stuck image upgrading until it is rolled back', async () => {
    await emulator.control('POST', '/rancher/timing', { batchMs: 10 })
    const web = (await emulator.control('POST', '/rancher/services', { stack: 'shop', name: 'web', image: 'hub/web:v1' })) as { id: string }
    const url = `${emulator.url('rancher')}/v2-beta/projects/1a5/services/${web.id}`
    const read = async () =>
      (await (await fetch(url, { headers: RANCHER })).json()) as { state: string; actions: object; launchConfig: object }
    await emulator.markImage('hub/web:v2', { stuck: true })
    const upgrade = await fetch(`${url}?action=upgrade`, {
      method: 'POST',
      headers: RANCHER,
      body: JSON.stringify({ inServiceStrategy: { launchConfig: { imageUuid: 'docker:hub/web:v2' } } }),
    })
    expect(upgrade.status).toBe(202)
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      const service = await read()
      expect(service.state).toBe('upgrading')
      // the processes that start from upgrading (Cattle's spring-process-context.xml)
      expect(Object.keys(service.actions).sort()).toEqual(['cancelupgrade', 'remove', 'rollback', 'update'])
    }
    expect((await fetch(`${url}?action=rollback`, { method: 'POST', headers: RANCHER })).status).toBe(202)
    const back = await eventually(read, (s) => s.state === 'active')
    expect(back).toMatchObject({ state: 'active', launchConfig: { imageUuid: 'docker:hub/web:v1' } })
  })
})

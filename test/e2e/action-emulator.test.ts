import { describe, expect, it } from 'vitest'
import { errorLines, runAction } from '../support/runner.js'

const OUTPUTS = ['jelastic-api-url', 'servicestage-api-url', 'alauda-api-url', 'netease-api-url', 'rancher-api-url', 'control-url']

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('action-emulator', () => {
  it('starts the emulator in the background, seeded; a deploy in a later step runs against it; the post step stops it', async () => {
    const seed = JSON.stringify({
      'jelastic/environments': [{ envName: 'shop', image: 'shop:v1' }],
      'alauda/services': { namespace: 'team', name: 'api', image: 'index.alauda.cn/team/api:v1', instances: 1 },
    })
    const started = await runAction('emulator-action', { seed })
    expect(started.code, started.stdout + started.stderr).toBe(0)
    expect(Object.keys(started.outputs).sort()).toEqual([...OUTPUTS].sort())
    const pid = Number(started.state.pid)
    try {
      // the step has exited; the emulator answers, with what the seed made
      const state = (await (await fetch(`${started.outputs['control-url']}/state`)).json()) as {
        alauda: { services: { service_name: string }[] }
      }
      expect(state.alauda.services.map((s) => s.service_name)).toEqual(['api'])
      const deploy = await runAction('deploy', {
        platform: 'jelastic',
        'api-url': started.outputs['jelastic-api-url'] as string,
        token: 'jelastic-demo-token-0123456789',
        service: 'shop',
        image: 'shop:v2',
      })
      expect(deploy.code, deploy.stdout).toBe(0)
      expect(deploy.outputs.image).toBe('shop:v2')
    } finally {
      const post = await runAction('emulator-action-post', {}, { env: { STATE_pid: String(pid) } })
      expect(post.code).toBe(0)
    }
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false)
  })

  it('fails before starting anything on a bad seed, and stops the emulator when a seed is refused', async () => {
    const bad = await runAction('emulator-action', { seed: '{"jelastic/envs": {}}' })
    expect(bad.code).toBe(1)
    expect(errorLines(bad)[0]).toMatch(/^Input "seed" has the value "jelastic\/envs"; allowed: one of the emulator's seed routes/)
    expect(bad.state.pid).toBeUndefined()

    const refused = await runAction('emulator-action', { seed: '{"alauda/services": {"name": "no-namespace"}}' })
    expect(refused.code).toBe(1)
    expect(errorLines(refused)[0]).toMatch(/^seed "alauda\/services" .* was refused: HTTP 400/)
    const pid = Number(refused.state.pid)
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false)
  })
})

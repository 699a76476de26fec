import { createServer, type Socket } from 'node:net'
import { beforeEach, describe, expect, it } from 'vitest'
import { JELASTIC_TOKEN, JELASTIC_USER } from '../support/emulator.js'
import { errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'
import { actionMs } from '../support/summary-time.js'
import { until } from '../support/until.js'

const V1 = 'registry.example.com/shop:v1'
const V2 = 'registry.example.com/shop:v2'
const V3 = 'registry.example.com/shop:v3'

const suite = emulatorSuite()

function signedIn(extra: Record<string, string>): Record<string, string> {
  return { platform: 'jelastic', 'api-url': suite.emulator.url('jelastic'), ...JELASTIC_USER, ...extra }
}

function withToken(extra: Record<string, string>): Record<string, string> {
  return { platform: 'jelastic', 'api-url': suite.emulator.url('jelastic'), token: JELASTIC_TOKEN, ...extra }
}

async function nodesOf(envName: string): Promise<{ customitem: { dockerTag: string } }[]> {
  const state = (await suite.emulator.control('GET', '/state')) as {
    jelastic: { environments: { env: { envName: string }; nodes: { customitem: { dockerTag: string } }[] }[] }
  }
  return state.jelastic.environments.find((info) => info.env.envName === envName)?.nodes ?? []
}

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.jelasticEnv('green', V1, 2)
})

describe('action-deploy on Jelastic', () => {
  it('deploys a new tag, waits, checks health and sets every output', async () => {
    const run = await suite.steps.run(
      'deploy',
      signedIn({ service: 'green', image: V2, 'health-url': `${suite.emulator.url('jelastic')}/env/green/`, 'health-interval': '50ms' }),
    )
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({
      image: V2,
      'previous-image': V1,
      url: `${suite.emulator.url('jelastic')}/env/green/`,
      'rolled-back': 'false',
    })
    expect(run.outputs['operation-id']).toMatch(/^redeploy\/green\/cp\/v2\//)
    expect((await nodesOf('green')).map((node) => node.customitem.dockerTag)).toEqual(['v2', 'v2'])
    expect(run.summary).toContain(V1)
    expect(run.summary).toContain(V2)
    expect(run.summary).toContain('5/5 answered 2xx')
    expect(run.stdout).toMatch(/::group::describe[\s\S]*::group::deploy[\s\S]*::group::wait for deploy[\s\S]*::group::health check/)
  })

  it('converges without a new redeploy when the service already runs the image', async () => {
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('deploy', withToken({ service: 'green', image: V1 }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs['operation-id']).toBe('')
    expect((await suite.emulator.requests()).map((r) => r.path)).not.toContain('/1.0/environment/control/rest/redeploycontainersbygroup')
  })

  it('rolls back when the health check fails, and names platform, service, operation and last state', async () => {
    await suite.emulator.control('POST', '/images', { image: V3, unhealthy: true })
    const run = await suite.steps.run(
      'deploy',
      withToken({ service: 'green', image: V3, 'health-url': `${suite.emulator.url('jelastic')}/env/green/`, 'health-interval': '20ms' }),
    )
    expect(run.code).toBe(1)
    const [error] = errorLines(run)
    expect(error).toContain('jelastic: deploy of "green" to registry.example.com/shop:v3 failed')
    expect(error).toContain('health check')
    expect(error).toContain('0/5 answered 2xx; 5 answered otherwise (HTTP 503)')
    expect(error).toContain(`rolled back to ${V1}`)
    expect(run.outputs).toMatchObject({ image: V1, 'previous-image': V1, 'rolled-back': 'true' })
    expect((await nodesOf('green')).map((node) => node.customitem.dockerTag)).toEqual(['v1', 'v1'])
    expect(run.summary).toContain('Rolled back to')
  })

  it('rolls back when the containers fail to start, with the node error in the message', async () => {
    await suite.emulator.control('POST', '/images', { image: V3, failing: true })
    const run = await suite.steps.run('deploy', withToken({ service: 'green', image: V3 }))
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/container failed to start.*rolled back to registry\.example\.com\/shop:v1/)
    expect((await nodesOf('green')).map((node) => node.customitem.dockerTag)).toEqual(['v1', 'v1'])
  })

  it('leaves the failed image when rollback-on-failure is false', async () => {
    await suite.emulator.control('POST', '/images', { image: V3, unhealthy: true })
    const run = await suite.steps.run(
      'deploy',
      withToken({
        service: 'green',
        image: V3,
        'rollback-on-failure': 'false',
        'health-url': `${suite.emulator.url('jelastic')}/env/green/`,
        'health-samples': '2',
      }),
    )
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toContain('not rolled back (rollback-on-failure is false)')
    expect(run.outputs.image).toBe(V3)
  })

  it('fails on an unknown environment with the platform message', async () => {
    const run = await suite.steps.run('deploy', withToken({ service: 'nowhere', image: V2 }))
    expect(run.code).toBe(1)
    expect(errorLines(run)).toEqual(['jelastic: deploy of "nowhere" failed: service not found'])
  })

  it('refuses a wrong password with the platform message and no retry storm', async () => {
    const run = await suite.steps.run('deploy', { ...signedIn({ service: 'green', image: V2 }), password: 'not-the-password' })
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toContain('jelastic: sign-in of "demo@example.com" failed: wrong login or password')
    const shown = run.stdout.split('\n').filter((line) => line.includes('not-the-password'))
    expect(shown.every((line) => line === '::add-mask::not-the-password')).toBe(true)
  })

  it('survives a burst of 503 answers and a 429 with Retry-After', async () => {
    await suite.emulator.control('POST', '/faults', { platform: 'jelastic', path: 'getenvinfo', status: 503, count: 3 })
    await suite.emulator.control('POST', '/faults', { platform: 'jelastic', path: 'signin', status: 429, retryAfter: '1', count: 1 })
    const run = await suite.steps.run('deploy', signedIn({ service: 'green', image: V2 }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toContain('HTTP 429; retrying in 1000 ms')
    expect(run.stdout.match(/HTTP 503; retrying/g)).toHaveLength(3)
    expect(run.outputs.image).toBe(V2)
  })

  it('survives dropped connections on reads', async () => {
    await suite.emulator.control('POST', '/faults', { platform: 'jelastic', path: 'getenvinfo', drop: true, count: 2 })
    const run = await suite.steps.run('deploy', withToken({ service: 'green', image: V2 }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout.match(/retrying in \d+ ms/g)).toHaveLength(2)
  })

  it('does not repeat a redeploy whose answer was lost after it landed: the environment shows it ran', async () => {
    await suite.emulator.fault({ platform: 'jelastic', path: 'redeploycontainersbygroup', when: 'after', drop: true, count: 1 })
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('deploy', withToken({ service: 'green', image: V2 }))
    expect(run.code, run.stdout).toBe(0)
    expect((await suite.emulator.requests()).filter((r) => r.path.endsWith('redeploycontainersbygroup'))).toHaveLength(1)
    expect((await nodesOf('green')).map((node) => node.customitem.dockerTag)).toEqual(['v2', 'v2'])
    expect(run.stdout).toContain("the platform's state shows it landed")
  })

  it('sends a redeploy again when a gateway answered before it reached the platform', async () => {
    await suite.emulator.fault({ platform: 'jelastic', path: 'redeploycontainersbygroup', status: 503, count: 1 })
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('deploy', withToken({ service: 'green', image: V2 }))
    expect(run.code, run.stdout).toBe(0)
    expect((await suite.emulator.requests()).filter((r) => r.path.endsWith('redeploycontainersbygroup'))).toHaveLength(2)
    expect((await nodesOf('green')).map((node) => node.customitem.dockerTag)).toEqual(['v2', 'v2'])
  })

  it('signs in again, once, when the session expires in the middle of the run', async () => {
    await suite.emulator.control('POST', '/faults', {
      platform: 'jelastic',
      path: 'redeploycontainersbygroup',
      expireSessions: true,
      count: 1,
    })
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('deploy', signedIn({ service: 'green', image: V2 }))
    expect(run.code, run.stdout).toBe(0)
    expect((await suite.emulator.requests()).filter((r) => r.path.endsWith('/signin'))).toHaveLength(2)
    const masked = run.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'))
    // the password, and each of the two sessions the run was given
    expect(masked.filter((line) => /^::add-mask::[0-9a-f]{32}$/.test(line))).toHaveLength(2)
  })

  it('fails with a clear message when a token expires and there is no password to sign in with', async () => {
    const run = await suite.steps.run('deploy', { ...withToken({ service: 'green', image: V2 }), token: 'expired-token-abcdef' })
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/jelastic: describe of "green" failed: session \[\*\*\*\] is invalid .*give a valid "token"/)
  })

  it('reports a malformed answer as the platform being unavailable, without a stack trace', async () => {
    await suite.emulator.control('POST', '/faults', { platform: 'jelastic', path: 'getenvinfo', malformed: true })
    const run = await suite.steps.run('deploy', withToken({ service: 'green', image: V2 }))
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toContain("the platform's answer could not be read")
    expect(errorLines(run)[0]).toContain('jelastic: describe of "green"')
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /)
  })

  it('stops at once when the job is cancelled', async () => {
    // cancelled while the redeploy is on the platform: the step ends without waiting for its answer
    await suite.emulator.control('POST', '/jelastic/timing', { redeployMsPerNode: 30_000 })
    const sent = until(async () => (await suite.emulator.requests()).some((request) => request.path.includes('redeploycontainers')))
    const run = await suite.steps.run('deploy', withToken({ service: 'green', image: V2 }), { signalWhen: sent })
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(
      /^cancelled: the job was cancelled \(SIGINT\) while waiting for the deploy of "green" to answer; the platform may still finish it/,
    )
  })
})

describe('action-scale and action-rollback on Jelastic', () => {
  it('scales the node group and reports the replicas', async () => {
    const run = await suite.steps.run('scale', withToken({ service: 'green', replicas: '4' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.replicas).toBe('4')
    expect(await nodesOf('green')).toHaveLength(4)
    const down = await suite.steps.run('scale', signedIn({ service: 'green', replicas: '1' }))
    expect(down.outputs.replicas).toBe('1')
    expect(await nodesOf('green')).toHaveLength(1)
  })

  it('scales one layer and sends the others as they are: their image, cloudlets and count stay', async () => {
    const cache = { nodeGroup: 'cache', nodeType: 'docker', nodes: 2, image: 'redis:7.2' }
    await suite.emulator.control('POST', '/jelastic/environments', { envName: 'shop', image: V1, nodes: 1, layers: [cache] })
    const run = await suite.steps.run('scale', withToken({ service: 'shop', replicas: '3' }))
    expect(run.code, run.stdout).toBe(0)
    const nodes = (await nodesOf('shop')) as unknown as {
      nodeGroup: string
      nodeType: string
      flexibleCloudlets: number
      customitem: { dockerName: string; dockerTag: string }
    }[]
    const layers = nodes.map(
      (node) => `${node.nodeGroup} ${node.nodeType} ${node.customitem.dockerName}:${node.customitem.dockerTag} ${node.flexibleCloudlets}`,
    )
    expect(layers.sort()).toEqual([
      'cache docker redis:7.2 4',
      'cache docker redis:7.2 4',
      `cp docker ${V1} 4`,
      `cp docker ${V1} 4`,
      `cp docker ${V1} 4`,
    ])
  })

  it('refuses, before any write, to scale an environment with a layer of another stack (a database)', async () => {
    const database = { nodeGroup: 'sqldb', nodeType: 'mysql8', nodes: 1 }
    await suite.emulator.control('POST', '/jelastic/environments', { envName: 'shop', image: V1, nodes: 1, layers: [database] })
    await suite.emulator.control('DELETE', '/requests')
    const run = await suite.steps.run('scale', withToken({ service: 'shop', replicas: '3' }))
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toBe(
      'jelastic: scale of "shop" failed: the environment\'s node group "sqldb" is a mysql8 layer: changetopology takes the whole topology, and that layer cannot be described to it as it is: nothing was changed; scale "cp" in the dashboard, or keep it in an environment of its own',
    )
    expect((await suite.emulator.requests()).filter((request) => request.path.includes('changetopology'))).toEqual([])
    expect(await nodesOf('shop')).toHaveLength(2)
    // a dry run says so too, rather than plan a write the real run refuses
    const dry = await suite.steps.run('scale', withToken({ service: 'shop', replicas: '3', 'dry-run': 'true' }))
    expect(dry.code).toBe(1)
    expect(errorLines(dry)[0]).toContain('node group "sqldb" is a mysql8 layer')
  })

  it('rolls back to a given image', async () => {
    await suite.steps.run('deploy', withToken({ service: 'green', image: V2 }))
    const run = await suite.steps.run('rollback', withToken({ service: 'green', to: V1 }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.image).toBe(V1)
    expect((await nodesOf('green')).map((node) => node.customitem.dockerTag)).toEqual(['v1', 'v1'])
  })

  it('explains what to give when there is no history and no router', async () => {
    const run = await suite.steps.run('rollback', withToken({ service: 'green' }))
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toContain('jelastic keeps no history of images')
  })
})

describe('secrets', () => {
  it('never shows a password, token or session id in logs, outputs or summaries', () => {
    expect(suite.steps.runs.length).toBeGreaterThan(10)
    expect(suite.steps.secrets.size).toBeGreaterThan(2)
    expect(suite.steps.leaks()).toEqual([])
  })
})

describe('a health check that gets no answer', () => {
  it('is bounded by the deadline: its probes stop there, not 10 s each later', async () => {
    // accepts connections and never answers
    const held: Socket[] = []
    const silent = createServer((socket) => void held.push(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as { port: number }
    try {
      const run = await suite.steps.run('deploy', {
        platform: 'jelastic',
        'api-url': suite.emulator.url('jelastic'),
        token: JELASTIC_TOKEN,
        service: 'green',
        image: V2,
        timeout: '3s',
        'health-url': `http://127.0.0.1:${port}/health`,
        'health-samples': '3',
        'rollback-on-failure': 'false',
      })
      expect(run.code, run.stdout).toBe(1)
      expect(errorLines(run)[0]).toMatch(/health check/)
      // three probes of 10 s each before: 30 s; the deadline is 3 s, the report after it a moment
      expect(actionMs(run)).toBeLessThan(8000)
    } finally {
      for (const socket of held) socket.destroy()
      silent.close()
    }
  })
})

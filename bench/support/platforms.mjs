// What the bench needs of each platform: how to seed the service it deploys (and fillers for the
// lookups), how to set the emulator's timing so that the deploy's operation takes `ms`, the
// requests that start each operation of a deploy and how long the emulator takes for it at that
// timing, and which requests look a service up by name.
//
// Durations are the emulator's (emulator/*/state.ts): one node, instance, container or replica
// each, so that an operation is a fixed number of timer steps.

// Each platform's `done(entry, body)` tells the answer that showed the action the deploy's
// operation done (the first operation of `operations`): the wait's end; `event(message)`, where
// the platform has an event stream, the message that showed it.

const V1 = 'registry.example.com/shop:v1'
const V2 = 'registry.example.com/shop:v2'

const redeploy = (e) => e.path.endsWith('/redeploycontainersbygroup')
const rancherService = (e) => e.method === 'GET' && /\/services\/[^/]+$/.test(e.path)

export const PLATFORMS = {
  jelastic: {
    inputs: { platform: 'jelastic', token: 'jelastic-demo-token-0123456789', service: 'shop' },
    deploy: { image: V2 },
    same: { image: V1 },
    seed: ['/jelastic/environments', { envName: 'shop', image: V1, nodes: 1 }],
    filler: (i) => ['/jelastic/environments', { envName: `filler-${i}`, image: V1, nodes: 1 }],
    // a redeploy is synchronous: one node, `redeployMsPerNode`, and the call answers when done
    timing: (ms) => ['/jelastic/timing', { redeployMsPerNode: ms }],
    operations: (ms) => [{ starts: redeploy, ms }],
    // the redeploy's own answer says it is done
    done: (e) => redeploy(e),
    lookup: (e) => e.path.endsWith('/getenvinfo') || e.path.endsWith('/getenvs'),
  },
  servicestage: {
    inputs: { platform: 'servicestage', token: 'servicestage-demo-token-0123456789', project: 'p1', application: 'a1', service: 'shop' },
    deploy: { image: V2 },
    same: { image: V1 },
    seed: ['/servicestage/components', { project: 'p1', application: 'a1', name: 'shop', image: V1, replica: 1 }],
    filler: (i) => ['/servicestage/components', { project: 'p1', application: 'a1', name: `filler-${i}`, image: V1, replica: 1 }],
    // an upgrade job runs four tasks one after another, `taskMs` each
    timing: (ms) => ['/servicestage/timing', { taskMs: ms / 4 }],
    operations: (ms) => [{ starts: (e) => e.method === 'PUT' && /\/applications\/a1\/components\/[^/]+$/.test(e.path), ms }],
    done: (e, body) => /\/jobs\/[^/]+$/.test(e.path) && (body?.job ?? body)?.execution_status === 'SUCCEEDED',
    lookup: (e) => e.method === 'GET' && /\/components$/.test(e.path),
  },
  alauda: {
    inputs: { platform: 'alauda', token: 'alauda-demo-token-0123456789', project: 'team', service: 'shop' },
    deploy: { image: V2 },
    same: { image: V1 },
    seed: ['/alauda/services', { namespace: 'team', name: 'shop', image: V1, instances: 1 }],
    filler: (i) => ['/alauda/services', { namespace: 'team', name: `filler-${i}`, image: V1, instances: 1 }],
    // one instance: replaced after `instanceMs`, the service settles `instanceMs` later
    timing: (ms) => ['/alauda/timing', { instanceMs: ms / 2 }],
    operations: (ms) => [{ starts: (e) => e.method === 'PUT' && e.path === '/v1/services/team/shop/', ms }],
    done: (e, body) => e.method === 'GET' && e.path === '/v1/services/team/shop/' && body?.is_deploying === false,
    lookup: (e) => e.method === 'GET' && /^\/v1\/services\/team\/(shop\/)?$/.test(e.path),
  },
  netease: {
    inputs: { platform: 'netease', token: 'netease-demo-token-0123456789', service: 'shop' },
    deploy: { 'source-version': 'd4e5f6' },
    same: { 'source-version': 'a1b2c3' },
    seed: ['/netease/apps', { name: 'shop', version: 'a1b2c3', replicas: 1 }],
    filler: (i) => ['/netease/apps', { name: `filler-${i}`, version: 'v1', replicas: 1 }],
    // one container: replaced after `containerMs` (the watch answers), the build ends `containerMs` later
    timing: (ms) => ['/netease/timing', { containerMs: ms / 2, buildStartMs: 0 }],
    operations: (ms) => [{ starts: (e) => e.method === 'POST' && e.path.startsWith('/api/v1/hooks/app/'), ms }],
    done: (e, body) => e.method === 'GET' && /^\/api\/v1\/apps\/\d+$/.test(e.path) && body?.status === 'create_succ',
    lookup: (e) => e.method === 'GET' && e.path === '/api/v1/apps',
  },
  rancher: {
    inputs: {
      platform: 'rancher',
      'access-key': 'rancher-demo-access',
      'secret-key': 'rancher-demo-secret-0123',
      project: '1a5',
      service: 'shop/web',
      'batch-size': '1',
    },
    deploy: { image: V2 },
    same: { image: V1 },
    seed: ['/rancher/services', { stack: 'shop', name: 'web', image: V1, scale: 1 }],
    filler: (i) => ['/rancher/services', { stack: 'shop', name: `filler-${i}`, image: V1, scale: 1 }],
    // one container, a batch of one: replaced after `batchMs`, `upgraded` `batchMs` later; then
    // finishupgrade, one more `batchMs`
    timing: (ms) => ['/rancher/timing', { batchMs: ms / 2 }],
    operations: (ms) => [
      { starts: (e) => e.method === 'POST' && e.query.includes('action=upgrade'), ms },
      { starts: (e) => e.method === 'POST' && e.query.includes('action=finishupgrade'), ms: ms / 2 },
    ],
    done: (e, body) => rancherService(e) && body?.state === 'upgraded',
    // the event stream's message with the service upgraded
    event: (message) => message?.name === 'resource.change' && message.data?.resource?.state === 'upgraded',
    lookup: (e) => e.method === 'GET' && /\/(services|stacks)$/.test(e.path) && e.query.includes('name='),
  },
}

export const PLATFORM_NAMES = Object.keys(PLATFORMS)

/** Resets the emulator and seeds `platform`'s service, its operations timed to take `ms`. */
export async function prepare(emulator, platform, ms) {
  const p = PLATFORMS[platform]
  await emulator.control('POST', ...p.seed)
  await emulator.control('POST', ...p.timing(ms))
}

/** The deploy inputs of `platform` against the emulator's HTTPS front. */
export function deployInputs(emulator, platform, which = 'deploy') {
  const p = PLATFORMS[platform]
  return { ...p.inputs, 'api-url': emulator.front.url(platform), timeout: '3m', wait: 'true', ...p[which] }
}

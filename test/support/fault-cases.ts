import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ALAUDA_TOKEN, ALAUDA_USER, type EmulatorProcess, JELASTIC_TOKEN, JELASTIC_USER } from './emulator.js'
import { getText, keptAlive } from './http-get.js'
import type { RequestLogEntry } from '../../emulator/server.js'

/**
 * The fault matrix's cases: for each platform, how to seed it, the inputs of each operation, the
 * operation's own write call (where the fault strikes), the router's read call, and what the
 * service or router really serves (read from the app URLs, never from the action's outputs).
 */

export type PlatformName = 'jelastic' | 'servicestage' | 'alauda' | 'netease' | 'rancher'
export type OperationName = 'deploy' | 'scale' | 'traffic write' | 'traffic read' | 'rollback'
export type FaultKind = '500' | '502' | '503' | '429' | 'drop' | 'hang' | 'malformed' | 'expired'

export const PLATFORMS: PlatformName[] = ['jelastic', 'servicestage', 'alauda', 'netease', 'rancher']
export const OPERATIONS: OperationName[] = ['deploy', 'scale', 'traffic write', 'traffic read', 'rollback']
export const FAULT_KINDS: FaultKind[] = ['500', '502', '503', '429', 'drop', 'hang', 'malformed', 'expired']

/**
 * Whether a cell of the matrix runs. 502 and 503 after the call was handled are one behaviour
 * for the client (the HTTP client retries a read on any status of 500 and up, and every platform
 * client takes both as "unavailable" in one branch: 500 and up, or on Jelastic anything but 200
 * and 404), so each cell runs one of the two, alternating: every platform sees
 * both codes across its operations, every operation both across the platforms, and both in
 * either mode (once, for ever). The other kinds are each a behaviour of their own.
 */
export function cellRuns(platform: number, operation: number, kind: FaultKind, once: boolean): boolean {
  if (kind !== '502' && kind !== '503') return true
  return (platform + operation + (once ? 1 : 0)) % 2 === (kind === '502' ? 0 : 1)
}

/** The one deadline of a cell whose fault lasts for ever (the `timeout` input), in ms: the cell waits it out. */
export const TIMEOUT_MS = 5000

/**
 * The deadline of a cell whose fault strikes once, in ms. Such a cell must succeed, so its deadline
 * is a bound, never a race: a traffic step spends 3.2 s in its fixed waits (the claim's second and
 * two polled waits) and a hang costs a quarter of the deadline (the attempt's timeout), 4.5 s of 5 s
 * in all, which a loaded machine overran. 10 s leaves 4 s to spare; a cell that succeeds ends as
 * soon as it can.
 */
export const ONCE_TIMEOUT_MS = 10_000

/** A fault rule's matcher: a substring of path + query, and the methods it takes. */
export interface Target {
  path: string
  method: string | string[]
}

export function matches(entry: Pick<RequestLogEntry, 'method' | 'platform' | 'path' | 'query'>, platform: string, target: Target): boolean {
  const methods = Array.isArray(target.method) ? target.method : [target.method]
  const full = entry.path + (entry.query ? `?${entry.query}` : '')
  return entry.platform === platform && methods.includes(entry.method) && full.includes(target.path)
}

/** The fault rule of a kind, on a target; `count: 1` once, no count for ever. */
export function faultRule(platform: PlatformCase, kind: FaultKind, target: Target, once: boolean): Record<string, unknown> {
  const base = { platform: platform.name, path: target.path, method: target.method, ...(once && { count: 1 }) }
  switch (kind) {
    case '500':
      return { ...base, when: 'before', status: 500 }
    case '502':
      return { ...base, when: 'after', status: 502 }
    case '503':
      return { ...base, when: 'after', status: 503 }
    case '429':
      return { ...base, when: 'before', status: 429, retryAfter: '1' }
    case 'drop':
      return { ...base, when: 'after', drop: true }
    case 'hang':
      return { ...base, when: 'after', hang: true }
    case 'malformed':
      return { ...base, when: 'after', malformed: true }
    case 'expired':
      return { ...base, ...platform.expiry }
  }
}

/** Whether the fault struck after the call was handled (the write landed, its answer was lost). */
export function strikesAfter(kind: FaultKind): boolean {
  if (kind === 'expired') return false
  return !['500', '429'].includes(kind)
}

/** What a fault leaves in the error line: its trace. */
export const FAULT_TRACE: Record<FaultKind, RegExp> = {
  '500': /HTTP 500|\b500\b/,
  '502': /HTTP 502|\b502\b/,
  '503': /HTTP 503|\b503\b/,
  '429': /HTTP 429|\b429\b|throttl|rate limit/i,
  drop: /no answer|socket|reset|ECONNRESET|UND_ERR_SOCKET|closed|other side/i,
  hang: /no answer within|timed out|deadline/i,
  malformed: /could not be read|not JSON/i,
  expired: /session|token|401|refused|credential|sign-in|sign in|Unauthorized/i,
}

/** What the service or router serves now. */
export interface Served {
  /** the image tag most answers carry, or '' when none answered */
  tag: string
  /** the share of answers from green (traffic), in percent */
  green: number
  /** every answer 2xx */
  healthy: boolean
  /** replicas the platform runs (scale) */
  replicas: number
}

export interface Seeded {
  /** ids found while seeding (component id, service ids, load balancer id) */
  ids: Record<string, string>
}

export interface OperationCase {
  /** why this cell cannot hold on the platform (then it is skipped) */
  skip?: string
  action: 'deploy' | 'scale' | 'traffic' | 'rollback'
  /** the service or router the error line must name (one of them: a router's side is named too) */
  names: string[]
  /** where an expired credential strikes, when not at `target` (a call that carries the credential) */
  expiryTarget?: (seeded: Seeded) => Target
  /** seeds the emulator (after a reset and the fast timings) */
  seed(emulator: EmulatorProcess, renewable: boolean): Promise<Seeded>
  inputs(emulator: EmulatorProcess, seeded: Seeded): Record<string, string>
  /** where the fault strikes */
  target(seeded: Seeded): Target
  /** the operation's writes, counted in the request log (the same as target, except for a read fault) */
  writes(seeded: Seeded): Target
  /** writes of a clean run */
  cleanWrites: number
  /** whether the write is idempotent (a PUT the HTTP client may send again after a 5xx) */
  idempotent: boolean
  /** what is served after the operation did what was asked */
  done(served: Served): boolean
  /** what is served after a failure: never a broken service, never traffic on the candidate */
  unharmed(served: Served): boolean
  served(emulator: EmulatorProcess, seeded: Seeded): Promise<Served>
}

export interface PlatformCase {
  name: PlatformName
  /** the cells' name, where the platform has a second kind of service (NetEase microservices) */
  label?: string
  /** credentials that cannot be renewed by the action (a token / API key) */
  credentials: Record<string, string>
  /** credentials the action can renew a session or token with, where the platform has them */
  renewable?: Record<string, string>
  /** the fault rule fields of an expired credential at the write */
  expiry: Record<string, unknown>
  timing(emulator: EmulatorProcess): Promise<void>
  operations: Record<OperationName, OperationCase>
  /** a release on the router for the concurrency and re-run cases */
  router: RouterCase
}

export interface RouterCase {
  seed(emulator: EmulatorProcess): Promise<Seeded>
  inputs(apiUrl: string, seeded: Seeded): Record<string, string>
  writes(seeded: Seeded): Target
  /** green's share through the router */
  green(emulator: EmulatorProcess, seeded: Seeded): Promise<number>
}

// ---------------------------------------------------------------------------------------------

async function state<T>(emulator: EmulatorProcess): Promise<T> {
  return (await emulator.control('GET', '/state')) as T
}

/** Asks a URL `count` times; by answer: the tag of the image (after the last ':' or '@'), and the service. */
export async function sample(
  url: string,
  count: number,
  isGreen: (body: { service?: string; image?: string }) => boolean,
): Promise<{ tag: string; green: number; healthy: boolean }> {
  const tags: Record<string, number> = {}
  let green = 0
  let healthy = true
  const agent = keptAlive()
  try {
    for (let i = 0; i < count; i++) {
      let response: { status: number; body: string }
      try {
        response = await getText(url, agent, 3000)
      } catch {
        healthy = false
        continue
      }
      if (response.status < 200 || response.status > 299) healthy = false
      const body = parsedOrEmpty(response.body)
      if (body.image) {
        const tag = body.image.split(/[:@]/).pop() ?? ''
        tags[tag] = (tags[tag] ?? 0) + 1
      }
      if (isGreen(body)) green++
    }
  } finally {
    agent.destroy()
  }
  const tag = Object.entries(tags).sort((a, b) => b[1] - a[1])[0]?.[0] ?? ''
  return { tag, green: (green * 100) / count, healthy }
}

function parsedOrEmpty(text: string): { service?: string; image?: string } {
  try {
    return JSON.parse(text) as { service?: string; image?: string }
  } catch {
    return {}
  }
}

const SAMPLES = 40

function servedImage(tag: string): (s: Served) => boolean {
  return (s) => s.tag === tag && s.healthy
}

// --- Jelastic --------------------------------------------------------------------------------

const J1 = 'registry.example.com/shop:v1'
const J2 = 'registry.example.com/shop:v2'

interface JelasticState {
  jelastic: { environments: { env: { envName: string }; nodes: unknown[] }[] }
}

async function jelasticNodes(emulator: EmulatorProcess, env: string): Promise<number> {
  const s = await state<JelasticState>(emulator)
  return s.jelastic.environments.find((e) => e.env.envName === env)?.nodes.length ?? 0
}

async function jelasticService(emulator: EmulatorProcess, env: string): Promise<Served> {
  const got = await sample(`${emulator.url('jelastic')}/env/${env}/`, 6, () => false)
  return { ...got, green: 0, replicas: await jelasticNodes(emulator, env) }
}

async function jelasticRouter(emulator: EmulatorProcess): Promise<Served> {
  const got = await sample(`${emulator.url('jelastic')}/env/shop/`, SAMPLES, (b) => b.service === 'green')
  return { ...got, replicas: 0 }
}

function jelasticTraffic(read: boolean): OperationCase {
  return {
    action: 'traffic',
    names: ['shop', 'blue', 'green'],
    async seed(emulator) {
      await emulator.jelasticEnv('blue', J1, 2)
      await emulator.jelasticEnv('green', J2, 2)
      // the router exists (a Traffic Distributor at 0%): the cell's writes are the weight's only
      await installJelasticRouter(emulator)
      return { ids: {} }
    },
    inputs: () => ({ router: 'shop', blue: 'blue', green: 'green', percentage: '50' }),
    target: () => (read ? { path: 'getsettings', method: 'POST' } : { path: 'executeappaction', method: 'POST' }),
    writes: () => ({ path: 'executeappaction', method: 'POST' }),
    cleanWrites: 1,
    idempotent: false,
    done: (s) => Math.abs(s.green - 50) <= 10 && s.healthy,
    unharmed: (s) => s.green === 0 && s.healthy,
    served: (emulator) => jelasticRouter(emulator),
  }
}

async function installJelasticRouter(emulator: EmulatorProcess): Promise<void> {
  const { runAction } = await import('./runner.js')
  const run = await runAction('traffic', {
    platform: 'jelastic',
    'api-url': emulator.url('jelastic'),
    token: JELASTIC_TOKEN,
    router: 'shop',
    blue: 'blue',
    green: 'green',
    percentage: '0',
  })
  if (run.code !== 0) throw new Error(`seeding the Traffic Distributor failed: ${run.stdout}`)
}

const jelastic: PlatformCase = {
  name: 'jelastic',
  credentials: { token: JELASTIC_TOKEN },
  renewable: { ...JELASTIC_USER },
  // every session ends at the write: the action signs in again (once) and sends it again
  expiry: { when: 'before', expireSessions: true },
  timing: async (emulator) => {
    await emulator.control('POST', '/jelastic/timing', { redeployMsPerNode: 30, topologyMsPerNode: 30, installMs: 30 })
  },
  operations: {
    deploy: {
      action: 'deploy',
      names: ['green'],
      seed: async (emulator) => {
        await emulator.jelasticEnv('green', J1, 2)
        return { ids: {} }
      },
      inputs: () => ({ service: 'green', image: J2, 'rollback-on-failure': 'true' }),
      target: () => ({ path: 'redeploycontainersbygroup', method: 'POST' }),
      writes: () => ({ path: 'redeploycontainersbygroup', method: 'POST' }),
      cleanWrites: 1,
      idempotent: false,
      done: servedImage('v2'),
      unharmed: servedImage('v1'),
      served: (emulator) => jelasticService(emulator, 'green'),
    },
    scale: {
      action: 'scale',
      names: ['green'],
      seed: async (emulator) => {
        await emulator.jelasticEnv('green', J1, 2)
        return { ids: {} }
      },
      inputs: () => ({ service: 'green', replicas: '3' }),
      target: () => ({ path: 'changetopology', method: 'POST' }),
      writes: () => ({ path: 'changetopology', method: 'POST' }),
      cleanWrites: 1,
      idempotent: false,
      done: (s) => s.replicas === 3 && servedImage('v1')(s),
      unharmed: servedImage('v1'),
      served: (emulator) => jelasticService(emulator, 'green'),
    },
    'traffic write': jelasticTraffic(false),
    'traffic read': jelasticTraffic(true),
    rollback: {
      action: 'rollback',
      names: ['green'],
      // the environment runs V2 as a deploy of V2 leaves it (Jelastic keeps no history: `to:` names V1)
      seed: async (emulator) => {
        await emulator.jelasticEnv('green', J2, 2)
        return { ids: {} }
      },
      inputs: () => ({ service: 'green', to: J1 }),
      target: () => ({ path: 'redeploycontainersbygroup', method: 'POST' }),
      writes: () => ({ path: 'redeploycontainersbygroup', method: 'POST' }),
      cleanWrites: 1,
      idempotent: false,
      done: servedImage('v1'),
      unharmed: (s) => s.healthy && ['v1', 'v2'].includes(s.tag),
      served: (emulator) => jelasticService(emulator, 'green'),
    },
  },
  router: {
    async seed(emulator) {
      await emulator.jelasticEnv('blue', J1, 2)
      await emulator.jelasticEnv('green', J2, 2)
      await installJelasticRouter(emulator)
      return { ids: {} }
    },
    inputs: (apiUrl) => ({ platform: 'jelastic', 'api-url': apiUrl, token: JELASTIC_TOKEN, router: 'shop', blue: 'blue', green: 'green' }),
    writes: () => ({ path: 'executeappaction', method: 'POST' }),
    green: async (emulator) => (await jelasticRouter(emulator)).green,
  },
}

// --- ServiceStage ----------------------------------------------------------------------------

const S1 = 'swr.cn-north-4.myhuaweicloud.com/team/shop:v1'
const S2 = 'swr.cn-north-4.myhuaweicloud.com/team/shop:v2'
const SS_TOKEN = 'servicestage-demo-token-0123456789'
const SS_SCOPE = { project: 'p1', application: 'a1' }

interface SsComponent {
  id: string
  name: string
  status: { replica: number; available_replica: number }
  external_accesses: { address: string }[]
}

async function ssComponent(emulator: EmulatorProcess): Promise<SsComponent> {
  const s = await state<{ servicestage: { components: SsComponent[] } }>(emulator)
  const found = s.servicestage.components.find((c) => c.name === 'shop')
  if (!found) throw new Error('no component shop')
  return found
}

async function ssServed(emulator: EmulatorProcess): Promise<Served> {
  const component = await ssComponent(emulator)
  const got = await sample(component.external_accesses[0]?.address ?? '', SAMPLES, (b) => (b.image ?? '').endsWith(':v2'))
  return { ...got, replicas: component.status.replica }
}

async function ssSeed(emulator: EmulatorProcess): Promise<Seeded> {
  const created = (await emulator.control('POST', '/servicestage/components', { ...SS_SCOPE, name: 'shop', image: S1, replica: 2 })) as {
    id: string
  }
  return { ids: { cid: created.id } }
}

async function ssRun(emulator: EmulatorProcess, action: 'deploy' | 'traffic', extra: Record<string, string>): Promise<void> {
  const { runAction } = await import('./runner.js')
  const run = await runAction(action, {
    platform: 'servicestage',
    'api-url': emulator.url('servicestage'),
    token: SS_TOKEN,
    ...SS_SCOPE,
    ...extra,
  })
  if (run.code !== 0) throw new Error(`seeding ServiceStage failed: ${run.stdout}`)
}

function ssTraffic(read: boolean): OperationCase {
  return {
    action: 'traffic',
    names: ['shop'],
    async seed(emulator) {
      const seeded = await ssSeed(emulator)
      // the gray release the traffic action moves: started by action-deploy at 10%
      await ssRun(emulator, 'deploy', { service: 'shop', image: S2, 'gray-weight': '10' })
      return seeded
    },
    inputs: () => ({ router: 'shop', percentage: '50' }),
    target: (s) => (read ? { path: '/records', method: 'GET' } : { path: `/components/${s.ids.cid}/action`, method: 'POST' }),
    writes: (s) => ({ path: `/components/${s.ids.cid}/action`, method: 'POST' }),
    cleanWrites: 1,
    idempotent: false,
    done: (s) => Math.abs(s.green - 50) <= 10 && s.healthy,
    // the gray release abandoned or back at its start: never more than where it stood
    unharmed: (s) => s.green <= 15 && s.healthy,
    served: (emulator) => ssServed(emulator),
  }
}

const servicestage: PlatformCase = {
  name: 'servicestage',
  credentials: { token: SS_TOKEN, ...SS_SCOPE },
  // an IAM token: the action has nothing to renew it with
  expiry: {
    when: 'before',
    status: 401,
    body: { error_code: 'APIG.0301', error_msg: 'Incorrect IAM authentication information: the token expired' },
  },
  timing: async (emulator) => {
    await emulator.control('POST', '/servicestage/timing', { taskMs: 30 })
  },
  operations: {
    deploy: {
      action: 'deploy',
      names: ['shop'],
      seed: ssSeed,
      inputs: () => ({ service: 'shop', image: S2, 'rollback-on-failure': 'true' }),
      target: (s) => ({ path: `/components/${s.ids.cid}`, method: 'PUT' }),
      writes: (s) => ({ path: `/components/${s.ids.cid}`, method: 'PUT' }),
      cleanWrites: 1,
      idempotent: false, // a PUT with a new version: sent again, it is refused (the version exists)
      done: servedImage('v2'),
      unharmed: servedImage('v1'),
      served: ssServed,
    },
    scale: {
      action: 'scale',
      names: ['shop'],
      seed: ssSeed,
      inputs: () => ({ service: 'shop', replicas: '3' }),
      target: (s) => ({ path: `/components/${s.ids.cid}/action`, method: 'POST' }),
      writes: (s) => ({ path: `/components/${s.ids.cid}/action`, method: 'POST' }),
      cleanWrites: 1,
      idempotent: false,
      done: (s) => s.replicas === 3 && servedImage('v1')(s),
      unharmed: servedImage('v1'),
      served: ssServed,
    },
    'traffic write': ssTraffic(false),
    'traffic read': ssTraffic(true),
    rollback: {
      action: 'rollback',
      names: ['shop'],
      async seed(emulator) {
        const seeded = await ssSeed(emulator)
        await ssRun(emulator, 'deploy', { service: 'shop', image: S2 })
        return seeded
      },
      inputs: () => ({ service: 'shop', to: S1 }),
      target: (s) => ({ path: `/components/${s.ids.cid}/action`, method: 'POST' }),
      writes: (s) => ({ path: `/components/${s.ids.cid}/action`, method: 'POST' }),
      cleanWrites: 1,
      idempotent: false,
      done: servedImage('v1'),
      unharmed: (s) => s.healthy && ['v1', 'v2'].includes(s.tag),
      served: ssServed,
    },
  },
  router: {
    async seed(emulator) {
      const seeded = await ssSeed(emulator)
      await ssRun(emulator, 'deploy', { service: 'shop', image: S2, 'gray-weight': '10' })
      return seeded
    },
    inputs: (apiUrl) => ({ platform: 'servicestage', 'api-url': apiUrl, token: SS_TOKEN, ...SS_SCOPE, router: 'shop' }),
    writes: (s) => ({ path: `/components/${s.ids.cid}/action`, method: 'POST' }),
    green: async (emulator) => (await ssServed(emulator)).green,
  },
}

// --- Alauda ----------------------------------------------------------------------------------

const A1 = 'index.alauda.cn/team/shop:v1'
const A2 = 'index.alauda.cn/team/shop:v2'
const DOMAIN = 'shop.example.cn'

interface AlaudaService {
  service_name: string
  current_num_instances: number
  default_domain_name: string
}

async function alaudaService(emulator: EmulatorProcess, name: string): Promise<Served> {
  const s = await state<{ alauda: { services: AlaudaService[] } }>(emulator)
  const found = s.alauda.services.find((x) => x.service_name === name)
  const got = await sample(`http://${found?.default_domain_name}/`, 6, () => false)
  return { ...got, green: 0, replicas: found?.current_num_instances ?? 0 }
}

async function alaudaRouter(emulator: EmulatorProcess): Promise<Served> {
  const got = await sample(`${emulator.url('alauda')}/domains/${DOMAIN}/`, SAMPLES, (b) => b.service === 'shop-green')
  return { ...got, replicas: 0 }
}

async function alaudaSplitSeed(emulator: EmulatorProcess): Promise<Seeded> {
  await emulator.control('POST', '/alauda/services', { namespace: 'team', name: 'shop-blue', image: A1, instances: 4, domain: DOMAIN })
  await emulator.control('POST', '/alauda/services', {
    namespace: 'team',
    name: 'shop-green',
    image: A2,
    instances: 4,
    domain: DOMAIN,
    stopped: true,
  })
  return { ids: {} }
}

function alaudaTraffic(read: boolean): OperationCase {
  return {
    action: 'traffic',
    names: [DOMAIN, 'shop-blue', 'shop-green'],
    seed: alaudaSplitSeed,
    inputs: () => ({ router: DOMAIN, blue: 'shop-blue', green: 'shop-green', percentage: '50' }),
    target: () => ({ path: '/services/team/shop-', method: read ? 'GET' : 'PUT' }),
    writes: () => ({ path: '/services/team/shop-', method: 'PUT' }),
    // green's instances, green started, blue's instances
    cleanWrites: 3,
    idempotent: true,
    done: (s) => Math.abs(s.green - 50) <= 10 && s.healthy,
    unharmed: (s) => s.green === 0 && s.healthy,
    served: alaudaRouter,
  }
}

async function alaudaOne(emulator: EmulatorProcess, image: string): Promise<Seeded> {
  await emulator.control('POST', '/alauda/services', { namespace: 'team', name: 'shop', image, instances: 2 })
  return { ids: {} }
}

const alauda: PlatformCase = {
  name: 'alauda',
  credentials: { token: ALAUDA_TOKEN, project: 'team' },
  renewable: { ...ALAUDA_USER, project: 'team' },
  // the token handed out at sign-in is refused at the write, as an expired one is
  expiry: { when: 'before', status: 401, body: { detail: 'Invalid token.' } },
  timing: async (emulator) => {
    await emulator.control('POST', '/alauda/timing', { instanceMs: 20 })
  },
  operations: {
    deploy: {
      action: 'deploy',
      names: ['shop'],
      seed: (emulator) => alaudaOne(emulator, A1),
      inputs: () => ({ service: 'shop', image: A2, 'rollback-on-failure': 'true' }),
      target: () => ({ path: '/services/team/shop/', method: 'PUT' }),
      writes: () => ({ path: '/services/team/shop/', method: 'PUT' }),
      cleanWrites: 1,
      idempotent: true,
      done: servedImage('v2'),
      unharmed: servedImage('v1'),
      served: (emulator) => alaudaService(emulator, 'shop'),
    },
    scale: {
      action: 'scale',
      names: ['shop'],
      seed: (emulator) => alaudaOne(emulator, A1),
      inputs: () => ({ service: 'shop', replicas: '3' }),
      target: () => ({ path: '/services/team/shop/', method: 'PUT' }),
      writes: () => ({ path: '/services/team/shop/', method: 'PUT' }),
      cleanWrites: 1,
      idempotent: true,
      done: (s) => s.replicas === 3 && servedImage('v1')(s),
      unharmed: servedImage('v1'),
      served: (emulator) => alaudaService(emulator, 'shop'),
    },
    'traffic write': alaudaTraffic(false),
    'traffic read': alaudaTraffic(true),
    rollback: {
      action: 'rollback',
      names: ['shop'],
      // the service runs V2, as a deploy of V2 leaves it
      seed: (emulator) => alaudaOne(emulator, A2),
      inputs: () => ({ service: 'shop', to: A1 }),
      target: () => ({ path: '/services/team/shop/', method: 'PUT' }),
      writes: () => ({ path: '/services/team/shop/', method: 'PUT' }),
      cleanWrites: 1,
      idempotent: true,
      done: servedImage('v1'),
      unharmed: (s) => s.healthy && ['v1', 'v2'].includes(s.tag),
      served: (emulator) => alaudaService(emulator, 'shop'),
    },
  },
  router: {
    seed: alaudaSplitSeed,
    inputs: (apiUrl) => ({
      platform: 'alauda',
      'api-url': apiUrl,
      token: ALAUDA_TOKEN,
      project: 'team',
      router: DOMAIN,
      blue: 'shop-blue',
      green: 'shop-green',
    }),
    writes: () => ({ path: '/services/team/shop-', method: 'PUT' }),
    green: async (emulator) => (await alaudaRouter(emulator)).green,
  },
}

// --- NetEase ---------------------------------------------------------------------------------

const NE_TOKEN = 'netease-demo-token-0123456789'
const NE_KEYS = { 'access-key': 'netease-demo-key', 'secret-key': 'netease-demo-secret-0123' }

interface NeApp {
  id: number
  name: string
  containers: unknown[]
}

async function neApp(emulator: EmulatorProcess, name: string): Promise<NeApp> {
  const s = await state<{ netease: { apps: NeApp[] } }>(emulator)
  const found = s.netease.apps.find((a) => a.name === name)
  if (!found) throw new Error(`no app ${name}`)
  return found
}

async function neServed(emulator: EmulatorProcess): Promise<Served> {
  const app = await neApp(emulator, 'shop')
  const got = await sample(`${emulator.url('netease')}/apps/${app.id}/`, 6, () => false)
  return { ...got, green: 0, replicas: app.containers.length }
}

async function neRouter(emulator: EmulatorProcess): Promise<Served> {
  const got = await sample(`${emulator.url('netease')}/domains/${DOMAIN}/`, SAMPLES, (b) => b.service === 'shop-green')
  return { ...got, replicas: 0 }
}

async function neSplitSeed(emulator: EmulatorProcess): Promise<Seeded> {
  await emulator.control('POST', '/netease/apps', { name: 'shop-blue', version: 'v1', replicas: 4, domain: DOMAIN })
  await emulator.control('POST', '/netease/apps', { name: 'shop-green', version: 'v2', replicas: 0, domain: DOMAIN })
  return { ids: {} }
}

async function neOne(emulator: EmulatorProcess): Promise<Seeded> {
  const app = (await emulator.control('POST', '/netease/apps', { name: 'shop', version: 'a1', replicas: 2 })) as { id: number }
  return { ids: { id: String(app.id) } }
}

function neTraffic(read: boolean): OperationCase {
  return {
    action: 'traffic',
    names: [DOMAIN, 'shop-blue', 'shop-green'],
    seed: neSplitSeed,
    inputs: () => ({ router: DOMAIN, blue: 'shop-blue', green: 'shop-green', percentage: '50' }),
    target: () => (read ? { path: '/api/v1/apps/', method: 'GET' } : { path: '/actions/resize', method: 'PUT' }),
    writes: () => ({ path: '/actions/resize', method: 'PUT' }),
    // green's containers, then blue's
    cleanWrites: 2,
    idempotent: true,
    done: (s) => Math.abs(s.green - 50) <= 10 && s.healthy,
    unharmed: (s) => s.green === 0 && s.healthy,
    served: neRouter,
  }
}

const netease: PlatformCase = {
  name: 'netease',
  credentials: { token: NE_TOKEN },
  renewable: { ...NE_KEYS },
  // the token from the key exchange is refused at the write, as an expired one is
  expiry: { when: 'before', status: 401, body: { code: 4010001, message: 'Unauthorized user' } },
  timing: async (emulator) => {
    await emulator.control('POST', '/netease/timing', { containerMs: 20 })
  },
  operations: {
    // a NetEase app builds from source: the deploy's own write is the call of its deploy hook (a new build)
    deploy: {
      action: 'deploy',
      names: ['shop'],
      seed: neOne,
      inputs: () => ({ service: 'shop', 'source-version': 'b2', 'rollback-on-failure': 'true' }),
      target: () => ({ path: '/hooks/app/', method: 'POST' }),
      // the deploy hook takes no token: an expired token strikes the PUT of version_control
      expiryTarget: (s) => ({ path: `/api/v1/apps/${s.ids.id}`, method: 'PUT' }),
      writes: () => ({ path: '/hooks/app/', method: 'POST' }),
      cleanWrites: 1,
      idempotent: false,
      done: servedImage('b2'),
      unharmed: servedImage('a1'),
      served: neServed,
    },
    scale: {
      action: 'scale',
      names: ['shop'],
      seed: neOne,
      inputs: () => ({ service: 'shop', replicas: '3' }),
      target: () => ({ path: '/actions/resize', method: 'PUT' }),
      writes: () => ({ path: '/actions/resize', method: 'PUT' }),
      cleanWrites: 1,
      idempotent: true,
      done: (s) => s.replicas === 3 && servedImage('a1')(s),
      unharmed: servedImage('a1'),
      served: neServed,
    },
    'traffic write': neTraffic(false),
    'traffic read': neTraffic(true),
    rollback: {
      action: 'rollback',
      names: ['shop'],
      async seed(emulator) {
        const seeded = await neOne(emulator)
        const { runAction } = await import('./runner.js')
        const run = await runAction('deploy', {
          platform: 'netease',
          'api-url': emulator.url('netease'),
          token: NE_TOKEN,
          service: 'shop',
          'source-version': 'b2',
        })
        if (run.code !== 0) throw new Error(`seeding the NetEase deploy failed: ${run.stdout}`)
        return seeded
      },
      inputs: () => ({ service: 'shop', to: 'source@a1' }),
      target: () => ({ path: '/hooks/app/', method: 'POST' }),
      expiryTarget: (s) => ({ path: `/api/v1/apps/${s.ids.id}`, method: 'PUT' }),
      writes: () => ({ path: '/hooks/app/', method: 'POST' }),
      cleanWrites: 1,
      idempotent: false,
      done: servedImage('a1'),
      unharmed: (s) => s.healthy && ['a1', 'b2'].includes(s.tag),
      served: neServed,
    },
  },
  router: {
    seed: neSplitSeed,
    inputs: (apiUrl) => ({
      platform: 'netease',
      'api-url': apiUrl,
      token: NE_TOKEN,
      router: DOMAIN,
      blue: 'shop-blue',
      green: 'shop-green',
    }),
    writes: () => ({ path: '/actions/resize', method: 'PUT' }),
    green: async (emulator) => (await neRouter(emulator)).green,
    // the record: a line of the desc of the first app / of the balancer's stack description
  },
}

// --- NetEase microservices (an image, in a namespace) -----------------------------------------

const HUB1 = 'hub.c.163.com/team/api:v1'
const HUB2 = 'hub.c.163.com/team/api:v2'

interface NeMicroservice {
  service_info: { id: number; service_name: string; replicas: number }
}

async function msServed(emulator: EmulatorProcess, seeded: Seeded): Promise<Served> {
  const s = await state<{ netease: { microservices: NeMicroservice[] } }>(emulator)
  const found = s.netease.microservices.find((m) => String(m.service_info.id) === seeded.ids.id)
  const got = await sample(`${emulator.url('netease')}/microservices/${seeded.ids.id}/`, 6, () => false)
  return { ...got, green: 0, replicas: found?.service_info.replicas ?? 0 }
}

async function msOne(emulator: EmulatorProcess): Promise<Seeded> {
  const view = (await emulator.control('POST', '/netease/microservices', { name: 'api', image: HUB1, replicas: 2 })) as NeMicroservice
  return { ids: { id: String(view.service_info.id) } }
}

const MS_INPUTS = { service: 'api', project: 'team' }
const UPDATE_IMAGE: Target = { path: '/actions/update-image', method: ['PUT', 'POST'] }
const NO_ROUTER = 'NetEase splits traffic between two apps on a domain; microservices have no router'

const neteaseMicroservices: PlatformCase = {
  ...netease,
  label: 'netease microservices',
  operations: {
    // the variables' update-stateless (the provenance) comes first; the image's update-image is the deploy's own write
    deploy: {
      action: 'deploy',
      names: ['api'],
      seed: msOne,
      inputs: () => ({ ...MS_INPUTS, image: HUB2, 'rollback-on-failure': 'true' }),
      target: () => UPDATE_IMAGE,
      writes: () => UPDATE_IMAGE,
      cleanWrites: 1,
      idempotent: false,
      done: servedImage('v2'),
      unharmed: servedImage('v1'),
      served: msServed,
    },
    scale: {
      action: 'scale',
      names: ['api'],
      seed: msOne,
      inputs: () => ({ ...MS_INPUTS, replicas: '3' }),
      target: () => ({ path: '/actions/elastic-scale', method: 'PUT' }),
      writes: () => ({ path: '/actions/elastic-scale', method: 'PUT' }),
      cleanWrites: 1,
      idempotent: false,
      done: (s) => s.replicas === 3 && servedImage('v1')(s),
      unharmed: servedImage('v1'),
      served: msServed,
    },
    'traffic write': { ...netease.operations['traffic write'], skip: NO_ROUTER },
    'traffic read': { ...netease.operations['traffic read'], skip: NO_ROUTER },
    rollback: {
      action: 'rollback',
      names: ['api'],
      async seed(emulator) {
        const seeded = await msOne(emulator)
        const { runAction } = await import('./runner.js')
        const run = await runAction('deploy', {
          platform: 'netease',
          'api-url': emulator.url('netease'),
          token: NE_TOKEN,
          ...MS_INPUTS,
          image: HUB2,
        })
        if (run.code !== 0) throw new Error(`seeding the NetEase microservice deploy failed: ${run.stdout}`)
        return seeded
      },
      inputs: () => ({ ...MS_INPUTS, to: HUB1 }),
      target: () => UPDATE_IMAGE,
      writes: () => UPDATE_IMAGE,
      cleanWrites: 1,
      idempotent: false,
      done: servedImage('v1'),
      unharmed: (s) => s.healthy && ['v1', 'v2'].includes(s.tag),
      served: msServed,
    },
  },
}

// --- Rancher ---------------------------------------------------------------------------------

const R1 = 'registry.example.com/team/web:v1'
const R2 = 'registry.example.com/team/web:v2'
const R_KEYS = { 'access-key': 'rancher-demo-access', 'secret-key': 'rancher-demo-secret-0123', project: '1a5' }

interface RancherService {
  id: string
  name: string
  state: string
  currentScale: number
}

async function rancherServed(emulator: EmulatorProcess, seeded: Seeded): Promise<Served> {
  const s = await state<{ rancher: { services: RancherService[] } }>(emulator)
  const found = s.rancher.services.find((x) => x.id === seeded.ids.web)
  const got = await sample(`${emulator.url('rancher')}/services/${seeded.ids.web}/`, 6, () => false)
  return { ...got, green: 0, replicas: found?.currentScale ?? 0 }
}

async function rancherRouter(emulator: EmulatorProcess, seeded: Seeded): Promise<Served> {
  const got = await sample(`${emulator.url('rancher')}/lb/${seeded.ids.lb}/80/`, SAMPLES, (b) => b.service === 'web-green')
  return { ...got, replicas: 0 }
}

async function rancherOne(emulator: EmulatorProcess, image: string): Promise<Seeded> {
  const web = (await emulator.control('POST', '/rancher/services', { stack: 'shop', name: 'web', image, scale: 2 })) as { id: string }
  return { ids: { web: web.id } }
}

async function rancherSplitSeed(emulator: EmulatorProcess): Promise<Seeded> {
  const seeded = await rancherOne(emulator, R1)
  const green = (await emulator.control('POST', '/rancher/services', { stack: 'shop', name: 'web-green', image: R2, scale: 2 })) as {
    id: string
  }
  const lb = (await emulator.control('POST', '/rancher/load-balancers', { stack: 'shop', name: 'lb', port: 80, target: 'web' })) as {
    id: string
  }
  return { ids: { ...seeded.ids, green: green.id, lb: lb.id } }
}

function rancherTraffic(read: boolean): OperationCase {
  return {
    action: 'traffic',
    names: ['shop/lb', 'shop/web', 'shop/web-green'],
    seed: rancherSplitSeed,
    inputs: () => ({ router: 'shop/lb', blue: 'shop/web', green: 'shop/web-green', percentage: '50' }),
    target: (s) => ({ path: `/services/${s.ids.lb}`, method: read ? 'GET' : 'PUT' }),
    writes: (s) => ({ path: `/services/${s.ids.lb}`, method: 'PUT' }),
    cleanWrites: 1,
    idempotent: true,
    done: (s) => Math.abs(s.green - 50) <= 10 && s.healthy,
    unharmed: (s) => s.green === 0 && s.healthy,
    served: rancherRouter,
  }
}

const rancher: PlatformCase = {
  name: 'rancher',
  credentials: { ...R_KEYS },
  // an API key: the action has nothing to renew it with
  expiry: {
    when: 'before',
    status: 401,
    body: { id: 'unauthorized', type: 'error', status: 401, code: 'Unauthorized', message: 'Unauthorized' },
  },
  timing: async (emulator) => {
    await emulator.control('POST', '/rancher/timing', { batchMs: 20 })
  },
  operations: {
    deploy: {
      action: 'deploy',
      names: ['shop/web'],
      seed: (emulator) => rancherOne(emulator, R1),
      inputs: () => ({ service: 'shop/web', image: R2, 'rollback-on-failure': 'true' }),
      target: () => ({ path: 'action=upgrade', method: 'POST' }),
      writes: () => ({ path: 'action=upgrade', method: 'POST' }),
      cleanWrites: 1,
      idempotent: false,
      done: servedImage('v2'),
      unharmed: servedImage('v1'),
      served: rancherServed,
    },
    scale: {
      action: 'scale',
      names: ['shop/web'],
      seed: (emulator) => rancherOne(emulator, R1),
      inputs: () => ({ service: 'shop/web', replicas: '3' }),
      target: (s) => ({ path: `/services/${s.ids.web}`, method: 'PUT' }),
      writes: (s) => ({ path: `/services/${s.ids.web}`, method: 'PUT' }),
      cleanWrites: 1,
      idempotent: true,
      done: (s) => s.replicas === 3 && servedImage('v1')(s),
      unharmed: servedImage('v1'),
      served: rancherServed,
    },
    'traffic write': rancherTraffic(false),
    'traffic read': rancherTraffic(true),
    rollback: {
      action: 'rollback',
      names: ['shop/web'],
      // the service runs V2 (a finished upgrade); the rollback to V1 is an upgrade to V1's launch config
      seed: (emulator) => rancherOne(emulator, R2),
      inputs: () => ({ service: 'shop/web', to: R1 }),
      target: () => ({ path: 'action=upgrade', method: 'POST' }),
      writes: () => ({ path: 'action=upgrade', method: 'POST' }),
      cleanWrites: 1,
      idempotent: false,
      done: servedImage('v1'),
      unharmed: (s) => s.healthy && ['v1', 'v2'].includes(s.tag),
      served: rancherServed,
    },
  },
  router: {
    seed: rancherSplitSeed,
    inputs: (apiUrl) => ({
      platform: 'rancher',
      'api-url': apiUrl,
      ...R_KEYS,
      router: 'shop/lb',
      blue: 'shop/web',
      green: 'shop/web-green',
    }),
    writes: () => ({ path: '/services/', method: 'PUT' }),
    green: async (emulator, seeded) => (await rancherRouter(emulator, seeded)).green,
    // the record: a line of the desc of the first app / of the balancer's stack description
  },
}

export const PLATFORM_CASES: Record<PlatformName, PlatformCase> = { jelastic, servicestage, alauda, netease, rancher }

/** The matrix's rows: every platform, and NetEase's microservices beside its apps. */
export const MATRIX_CASES: PlatformCase[] = [jelastic, servicestage, alauda, netease, neteaseMicroservices, rancher]

// ---------------------------------------------------------------------------------------------

/** A pool of emulators (lanes); a cell takes one, resets it, and gives it back. Faults are global to an emulator. */
export class LanePool {
  private readonly free: EmulatorProcess[]
  private readonly waiting: ((lane: EmulatorProcess) => void)[] = []

  constructor(readonly lanes: EmulatorProcess[]) {
    this.free = [...lanes]
  }

  async with<T>(body: (emulator: EmulatorProcess) => Promise<T>): Promise<T> {
    const lane = this.free.pop() ?? (await new Promise<EmulatorProcess>((resolve) => this.waiting.push(resolve)))
    try {
      await lane.control('DELETE', '/faults')
      await lane.control('POST', '/reset')
      await lane.control('DELETE', '/requests')
      return await body(lane)
    } finally {
      await lane.control('DELETE', '/faults').catch(() => undefined)
      const next = this.waiting.shift()
      if (next) next(lane)
      else this.free.push(lane)
    }
  }
}

/** A request as a tagging proxy saw it: when it was sent on and when its answer ended. */
export interface TaggedRequest {
  method: string
  path: string
  sentAt: number
  answeredAt: number
}

/**
 * A reverse proxy in front of the emulator that logs, with times, the requests of one step: two
 * steps through two proxies tell the emulator's single request log apart.
 */
export class TaggingProxy {
  private constructor(
    private readonly server: Server,
    readonly origin: string,
    readonly log: TaggedRequest[],
  ) {}

  static async start(target: string): Promise<TaggingProxy> {
    const upstream = new URL(target)
    const log: TaggedRequest[] = []
    const server = createServer((req, res) => {
      const entry: TaggedRequest = { method: req.method ?? '', path: req.url ?? '', sentAt: Date.now(), answeredAt: Number.NaN }
      log.push(entry)
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
          answer.on('end', () => {
            entry.answeredAt = Date.now()
          })
        },
      )
      forward.on('error', () => res.destroy())
      req.pipe(forward)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return new TaggingProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log)
  }

  close(): Promise<void> {
    this.server.closeAllConnections()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

import { SOURCE_PREFIX } from '../../inputs/actions.js'
import type { DeploySpec, Operation, OperationState, RouterRef, ServicePhase, ServiceRef, ServiceState, TrafficSplit } from '../platform.js'
import { callOptions, PlatformError } from '../platform.js'
import { ReplicaSplitter, reachableShares, requireRoundRobin, type SideGoal, shareOf } from '../replica-split.js'
import type { NeteaseApi } from './api.js'

/** An app ("cluster") as the source document's get answer shows it. */
export interface App {
  id: number
  name: string
  domain?: string | null
  status?: string
  replicas?: number
  image_id?: number
  version_control?: Record<string, unknown> & { version?: string }
  containers?: { container_id?: string; private_ip?: string }[]
  web_hook_url?: string
}

interface Image {
  id: number
  name: string
  tag: string
}

const PAGE = 30
/** How long one watch may hold; the platform does not document its own timeout (platforms.md 4.2). */
const WATCH_MS = 20_000
/** A deploy not seen to start within this long after its hook is taken as done, if the app shows it. */
const QUIET_MS = 10_000

/**
 * The apps API of the source document (platforms.md 4.2): apps build from source, so a deploy is
 * a new `version_control.version` and a call of the app's web hook, and waits use the watch
 * long-poll, which returns as soon as a container changes.
 */
export class NeteaseApps {
  private readonly ids = new Map<string, number>()
  /** per deploy: when it started and whether the app was seen rebuilding since */
  private readonly deploys = new Map<string, { startedAt: number; seenWork: boolean }>()

  private readonly splitter = new ReplicaSplitter('netease', {
    set: (goal) => this.resizeTo(goal),
    reached: async (goal) =>
      this.reached(await this.find(goal.ref, 'observe'), {
        id: 'split',
        kind: 'scale',
        ref: goal.ref,
        target: { replicas: goal.instances },
      }),
  })

  constructor(
    private readonly api: NeteaseApi,
    private readonly deadline: () => number,
  ) {}

  /** Two apps on the router's domain split it by their containers (platforms/replica-split.ts). */
  async readSplit(router: RouterRef): Promise<TrafficSplit> {
    const [blue, green] = await this.sides(router, 'read traffic')
    const split = shareOf(blue.containers?.length ?? 0, green.containers?.length ?? 0)
    if (split === null)
      throw new PlatformError('netease', 'read traffic', router.router, `neither ${router.blue} nor ${router.green} runs a container`)
    return split
  }

  async reachableShares(router: RouterRef): Promise<number[]> {
    const [blue, green] = await this.sides(router, 'shift traffic')
    return reachableShares((blue.replicas ?? 0) + (green.replicas ?? 0))
  }

  async writeSplit(router: RouterRef, split: TrafficSplit): Promise<Operation> {
    requireRoundRobin('netease', router, split)
    const [blue, green] = await this.sides(router, 'shift traffic')
    const refs = { blue: { service: router.blue }, green: { service: router.green } }
    return this.splitter.start(router, refs, { blue: blue.replicas ?? 0, green: green.replicas ?? 0 }, split)
  }

  observeSplit(op: Operation): Promise<OperationState> {
    return this.splitter.observe(op)
  }

  /** A side with no share runs 0 replicas: apps cannot be stopped (assumed: resize takes 0). */
  private async resizeTo(goal: SideGoal): Promise<void> {
    const app = await this.get(goal.ref, 'shift traffic')
    if (app.replicas !== goal.instances) {
      await this.api.call('PUT', `/apps/${app.id}/replications/${goal.instances}/actions/resize`, callOptions('shift traffic', goal.ref))
    }
  }

  private async sides(router: RouterRef, operation: string): Promise<[App, App]> {
    const [blue, green] = await Promise.all([this.get({ service: router.blue }, operation), this.get({ service: router.green }, operation)])
    const strays = [blue, green].filter((app) => app.domain !== router.router)
    if (strays.length > 0) {
      const which = strays.map((app) => `${app.name} serves "${app.domain ?? ''}"`).join(', ')
      throw new PlatformError(
        'netease',
        operation,
        router.router,
        `a replica split needs both apps on the router's domain "${router.router}": ${which}`,
      )
    }
    return [blue, green]
  }

  async describe(ref: ServiceRef): Promise<ServiceState | null> {
    const app = await this.find(ref, 'describe')
    return app === null ? null : toState(app)
  }

  async deploy(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
    const version = sourceVersion(spec.image, ref)
    if (spec.create && (await this.find(ref, 'deploy')) === null) return this.create(ref, spec, version)
    const app = await this.get(ref, 'deploy')
    // the whole version_control goes back with the new version; its password is shown masked, so it is left out
    const control = { ...app.version_control }
    delete control.password
    await this.api.call('PUT', `/apps/${app.id}`, callOptions('deploy', ref), { version_control: { ...control, version } })
    if (!app.web_hook_url) throw new PlatformError('netease', 'deploy', ref.service, 'the app has no web_hook_url to start its deploy')
    await this.api.hook(app.web_hook_url, callOptions('deploy', ref))
    const id = `deploy:${app.id}:${version}:${Date.now()}`
    this.deploys.set(id, { startedAt: Date.now(), seenWork: false })
    return { id, kind: 'deploy', ref, target: { image: spec.image } }
  }

  /**
   * POST /apps with the user's fields (spec_id, replicas, env_var, domain, version_control, log_dirs,
   * docker_file_type …); `image` as name:tag becomes `image_id` and `image_type` through the image list.
   */
  private async create(ref: ServiceRef, spec: DeploySpec, version: string): Promise<Operation> {
    const { image, ...fields } = (spec.create ?? {}) as { image?: unknown } & Record<string, unknown>
    const chosen = typeof image === 'string' ? await this.image(ref, image) : {}
    const control = (fields.version_control ?? {}) as Record<string, unknown>
    const body = { spec_id: 1, replicas: 1, ...fields, ...chosen, name: ref.service, version_control: { ...control, version } }
    const created = await this.api.call<{ id: number; url?: string }>('POST', '/apps', callOptions('create', ref, false), body)
    this.ids.set(ref.service, created.id)
    const id = `create:${created.id}`
    this.deploys.set(id, { startedAt: Date.now(), seenWork: true })
    return { id, kind: 'deploy', ref, target: { image: spec.image } }
  }

  /** The app image with that name and tag: `image_type` 2 for the account's own, 1 for NetEase's. */
  private async image(ref: ServiceRef, wanted: string): Promise<{ image_id: number; image_type: number }> {
    const { custom_images = [], public_images = [] } = await this.api.call<{ custom_images?: Image[]; public_images?: Image[] }>(
      'GET',
      '/apps/images',
      callOptions('create', ref, true),
    )
    const [name, tag = 'latest'] = wanted.split(':')
    const custom = custom_images.find((i) => i.name === name && i.tag === tag)
    const official = public_images.find((i) => i.name === name && i.tag === tag)
    const found = custom ?? official
    if (!found) {
      const known = [...custom_images, ...public_images].map((i) => `${i.name}:${i.tag}`).join(', ')
      throw new PlatformError('netease', 'create', ref.service, `no app image ${wanted} (images: ${known || 'none'})`, 'not-found')
    }
    return { image_id: found.id, image_type: custom ? 2 : 1 }
  }

  async scale(ref: ServiceRef, replicas: number): Promise<Operation> {
    const app = await this.get(ref, 'scale')
    await this.api.call('PUT', `/apps/${app.id}/replications/${replicas}/actions/resize`, callOptions('scale', ref))
    return { id: `resize:${app.id}:${replicas}`, kind: 'scale', ref, target: { replicas } }
  }

  async remove(ref: ServiceRef): Promise<Operation> {
    const app = await this.get(ref, 'remove')
    await this.api.call('DELETE', `/apps/${app.id}`, callOptions('remove', ref))
    this.ids.delete(ref.service)
    return { id: `delete:${app.id}`, kind: 'remove', ref, target: {} }
  }

  /**
   * Reads the app; while the operation is not done, holds a watch on its containers, which returns
   * the moment one changes, and reads again, until the operation ends or the watch has waited its
   * time. A watch that fails leaves the wait to the shared poller.
   */
  async observe(op: Operation): Promise<OperationState> {
    const until = Math.min(this.deadline(), Date.now() + WATCH_MS)
    for (;;) {
      const app = await this.find(op.ref, 'observe')
      const state = this.reached(app, op)
      if (state.status !== 'running' || app === null) return state
      const left = until - Date.now()
      if (left <= 0) return state
      const changed = await this.api
        .call('GET', `/watch/apps/${app.id}`, { ...callOptions('watch', op.ref, false), timeoutMs: left })
        .then(() => true)
        .catch(() => false)
      if (!changed) return state
      const deploy = this.deploys.get(op.id)
      if (deploy) deploy.seenWork = true
    }
  }

  private reached(app: App | null, op: Operation): OperationState {
    if (op.kind === 'remove')
      return app === null ? { status: 'succeeded', detail: 'app deleted' } : { status: 'running', detail: `still ${app.status}` }
    if (app === null) return { status: 'failed', detail: 'the app is gone' }
    const state = toState(app)
    const detail = `${app.status ?? '?'}, ${state.ready}/${state.replicas} container(s), ${state.image}`
    if (app.status === 'create_fail') return { status: 'failed', detail }
    if (op.target.image !== undefined && state.image !== op.target.image) return { status: 'running', detail }
    const deploy = this.deploys.get(op.id)
    if (app.status === 'creating' && deploy) deploy.seenWork = true
    if (state.phase !== 'running') return { status: 'running', detail }
    if (op.target.replicas !== undefined && state.ready !== op.target.replicas) return { status: 'running', detail }
    // the hook may not have started the build yet: done once it was seen working, or after a quiet while
    if (deploy && !deploy.seenWork && Date.now() - deploy.startedAt < QUIET_MS)
      return { status: 'running', detail: `${detail}; waiting for the build to start` }
    return { status: 'succeeded', detail }
  }

  async get(ref: ServiceRef, operation: string): Promise<App> {
    const app = await this.find(ref, operation)
    if (app === null) throw new PlatformError('netease', operation, ref.service, 'app not found', 'not-found')
    return app
  }

  /** By id, or by name through the list (`limit` at most 30), stopping at the first match. */
  async find(ref: ServiceRef, operation: string): Promise<App | null> {
    const known = this.ids.get(ref.service) ?? (/^\d+$/.test(ref.service) ? Number(ref.service) : undefined)
    if (known !== undefined) {
      try {
        return await this.api.call<App>('GET', `/apps/${known}`, callOptions(operation, ref, true))
      } catch (error) {
        if (error instanceof PlatformError && error.kind === 'not-found') return null
        throw error
      }
    }
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.api.call<{ total?: number; apps?: App[] }>(
        'GET',
        `/apps?limit=${PAGE}&offset=${offset}`,
        callOptions(operation, ref, true),
      )
      const found = page.apps?.find((app) => app.name === ref.service)
      if (found) {
        this.ids.set(ref.service, found.id)
        return found
      }
      if (!page.apps?.length || offset + PAGE >= (page.total ?? 0)) return null
    }
  }
}

function sourceVersion(image: string, ref: ServiceRef): string {
  if (!image.startsWith(SOURCE_PREFIX)) {
    throw new PlatformError(
      'netease',
      'deploy',
      ref.service,
      `NetEase apps build from source: give "source-version" instead of the image ${image}`,
    )
  }
  return image.slice(SOURCE_PREFIX.length)
}

const PHASES: Record<string, ServicePhase> = { creating: 'deploying', create_succ: 'running', create_fail: 'failed' }

export function toState(app: App): ServiceState {
  const replicas = app.replicas ?? 0
  const ready = app.status === 'create_succ' ? (app.containers?.length ?? 0) : 0
  const version = app.version_control?.version
  const phase = PHASES[app.status ?? ''] ?? 'unknown'
  return {
    image: version ? `${SOURCE_PREFIX}${version}` : `image#${app.image_id ?? '?'}`,
    replicas,
    ready,
    phase: phase === 'running' && ready !== replicas ? 'deploying' : phase,
    status: `${app.status ?? '?'}, ${ready}/${replicas} container(s)`,
    ...(app.domain && { url: `http://${app.domain}/` }),
  }
}

import type { NetworkError } from '../../http/errors.js'
import type {
  DeploySpec,
  Operation,
  OperationState,
  RouterRef,
  ServicePhase,
  ServiceRef,
  ServiceState,
  StoredRecord,
  TrafficSplit,
} from '../platform.js'
import { nextEnvWithProvenance, sameEnv } from '../env-vars.js'
import { callOptions, PlatformError } from '../platform.js'
import { SOURCE_PREFIX } from '../source-version.js'
import { recordFromText, textWithRecord } from '../record-text.js'
import { ReplicaSplitter, reachableShares, requireRoundRobin, type SideGoal, shareOf } from '../replica-split.js'
import { isNoAnswer, type SettledWrite, type SettleOptions, settleWrite } from '../settle.js'
import { LIST_CONCURRENCY, LIST_PAGE, type NeteaseApi, SAME_SIZE } from './api.js'
import { findInPages } from '../paged-scan.js'
import { serviceIdOf } from '../service-id.js'
import { segment } from '../path-segment.js'
import { leavesLastingSign } from './change-evidence.js'

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
  /** ISO 8601 UTC: moves when the app changes (a build, an update) */
  updated_at?: string
  web_hook_url?: string
  desc?: string
  /** the app's environment variables, name to value */
  env_var?: Record<string, unknown> | null
}

/**
 * An app as it was right before its deploy hook. The containers do not say what they run, so a
 * build of the new version is known by what it changes: the status, the containers (a build
 * replaces every one); `updated_at` only says that the hook's call landed.
 */
interface Build {
  /** the containers from before the hook: none of them runs the new version */
  before: Set<string>
  status: string | undefined
  updatedAt: string | undefined
  /** the build was seen to start since (its status or containers moved): only then is the status judged */
  seen: boolean
}

interface Image {
  id: number
  name: string
  tag: string
}

/** How long one observe may hold watches; the platform does not document its own timeout (platforms.md 4.2). */
const WATCH_MS = 20_000
/** How often the app is read while a watch is held: a failed build is seen within this, not at the watch's end. */
const STATUS_MS = 1000

/**
 * The apps API of the source document (platforms.md 4.2): apps build from source, so a deploy is
 * a new `version_control.version` and a call of the app's web hook, and the waits on containers
 * (resize, removal) use the watch long-poll, which returns as soon as a container changes. A
 * deploy is done only when a build after the hook has replaced every container.
 */
export class NeteaseApps {
  private readonly ids = new Map<string, number>()
  /** per deploy (and create) operation: the app before its build */
  private readonly builds = new Map<string, Build>()

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
    private readonly settle: SettleOptions,
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
    await this.resize(goal.ref, await this.get(goal.ref, 'shift traffic'), goal.instances, 'shift traffic')
  }

  /**
   * A resize asks for a number of replicas: sent again, it asks the same; it landed when the app has
   * that number. The API refuses a resize to the size the app has (4090002, platforms.md 4.1): that
   * size is what was asked, so it is not sent, and the refusal of one sent again is taken as landed.
   */
  private async resize(ref: ServiceRef, app: App, replicas: number, operation: string): Promise<void> {
    if (app.replicas === replicas) return
    await this.settled(operation, ref, {
      send: async () => {
        await this.api
          .call('PUT', `/apps/${segment(app.id)}/replications/${segment(replicas)}/actions/resize`, callOptions(operation, ref))
          .catch((error: unknown) => {
            if (!(error instanceof PlatformError && error.platformMessage.includes(`(${SAME_SIZE})`))) throw error
          })
        return true
      },
      landed: async () => ((await this.get(ref, operation)).replicas === replicas ? true : null),
    })
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
    const hook = app.web_hook_url
    if (!hook) throw new PlatformError('netease', 'deploy', ref.service, 'the app has no web_hook_url to start its deploy')
    const vars = spec.env || spec.provenance ? nextEnvWithProvenance(envOf(app), spec.env, spec.provenance) : undefined
    const updated = await this.setVersion(ref, app, version, vars)
    const id = `deploy:${app.id}:${version}:${Date.now()}`
    const build: Build = { before: new Set(containerIds(updated)), status: updated.status, updatedAt: updated.updated_at, seen: false }
    try {
      build.seen = await this.callHook(ref, hook, build)
    } catch (error) {
      throw await this.noBuild(ref, app, build, error, vars !== undefined)
    }
    this.builds.set(id, build)
    return { id, kind: 'deploy', ref, target: { image: spec.image } }
  }

  /**
   * PUTs the new version. It landed when the app shows the version (then it is not sent again):
   * the app as it is then is what the build will change.
   */
  private setVersion(ref: ServiceRef, app: App, version: string, vars?: Record<string, string>): Promise<App> {
    const withVersion = async () => {
      const now = await this.get(ref, 'deploy')
      return now.version_control?.version === version && (vars === undefined || sameEnv(envOf(now), vars)) ? now : null
    }
    return this.settled('deploy', ref, {
      send: async () => {
        // the variables go with the version: the build the hook starts runs with both (env_var: the whole set)
        const body = { ...versionBody(app, version), ...(vars && { env_var: vars }) }
        await this.api.call('PUT', `/apps/${segment(app.id)}`, callOptions('deploy', ref), body)
        const now = await withVersion()
        if (now === null)
          throw new PlatformError('netease', 'deploy', ref.service, `the app did not take version_control.version ${version}`)
        return now
      },
      landed: withVersion,
    })
  }

  /**
   * POSTs the deploy hook. Each POST starts a build, so it is sent again only when the app shows
   * no change since before it. True when its build was seen to start, false when not yet.
   */
  private callHook(ref: ServiceRef, hook: string, build: Build): Promise<boolean> {
    return this.settled('deploy', ref, {
      send: async () => {
        await this.api.hook(hook, callOptions('deploy', ref))
        return false
      },
      landed: async () => {
        const app = await this.get(ref, 'deploy')
        return hookLanded(build, app) ? buildStarted(build, app) : null
      },
    })
  }

  /**
   * The hook was refused, or went unanswered and started no build: the deploy failed. The version
   * (and the variables, when the deploy wrote them) go back to what they were, so that the app
   * does not claim a version, or variables, that no build made. When the hook's last answer was
   * lost and the app cannot show that no build started, nothing is put back: a build of the new
   * version may be running.
   */
  private async noBuild(ref: ServiceRef, app: App, build: Build, error: unknown, varsWritten: boolean): Promise<unknown> {
    if (!(error instanceof PlatformError) && !isNoAnswer(error)) return error
    const reason = reasonOf(error as PlatformError | NetworkError)
    if (isNoAnswer(error)) {
      const now = await this.find(ref, 'deploy').catch(() => undefined)
      if (now === undefined || (now !== null && hookLanded(build, now))) {
        const seen =
          now === undefined
            ? 'the app could not be read to learn whether it started a build'
            : 'the app changed since: a build may have started'
        return new PlatformError(
          'netease',
          'deploy',
          ref.service,
          `the deploy hook got no answer (${reason}), and ${seen}; version_control.version keeps the new version: look at the app's builds, and deploy again if none ran`,
          'failed',
        )
      }
    }
    const previous = app.version_control?.version
    const restored = previous === undefined ? 'not' : await this.putBack(ref, app, previous, varsWritten)
    const vars = varsWritten ? ' and env_var as it was' : ''
    const left = {
      back: `version_control.version is back at ${previous}${vars}`,
      unconfirmed: `version_control.version was sent back to ${previous}${vars} (answered, but the app could not be read after it to confirm it)`,
      not: `version_control.version could not be put back${previous === undefined ? '' : ` to ${previous}`}${varsWritten ? ' (nor env_var)' : ''}`,
    }[restored]
    return new PlatformError(
      'netease',
      'deploy',
      ref.service,
      `the deploy hook started no build (${reason}); ${left} and the app runs its last build`,
      // put back (the PUT answered, at least), nothing changed; left, the app shows a version it
      // does not run, which a rollback puts right
      restored === 'not' ? 'failed' : 'refused',
    )
  }

  /**
   * PUTs the version (and variables) from before, settled by the app showing them, then reads the
   * app: back when it shows them; unconfirmed when the PUT was answered but the app could not be
   * read after it (the PUT's answer is the platform's word); not, otherwise.
   */
  private async putBack(ref: ServiceRef, app: App, previous: string, varsWritten: boolean): Promise<'back' | 'unconfirmed' | 'not'> {
    const vars = varsWritten ? envOf(app) : undefined
    const shows = (now: App) => now.version_control?.version === previous && (vars === undefined || sameEnv(envOf(now), vars))
    const sent = await this.settled('deploy', ref, {
      send: async () => {
        await this.api.call('PUT', `/apps/${segment(app.id)}`, callOptions('deploy', ref), {
          ...versionBody(app, previous),
          ...(vars && { env_var: vars }),
        })
        return 'answered' as const
      },
      landed: async () => (shows(await this.get(ref, 'deploy')) ? ('back' as const) : null),
    }).catch(() => 'not' as const)
    if (sent !== 'answered') return sent
    const now = await this.get(ref, 'deploy').catch(() => undefined)
    return now === undefined ? 'unconfirmed' : shows(now) ? 'back' : 'not'
  }

  /**
   * POST /apps with the user's fields (spec_id, replicas, env_var, domain, version_control, log_dirs,
   * docker_file_type …); `image` as name:tag becomes `image_id` and `image_type` through the image list.
   * A second POST would be refused as a duplicate name: it landed when an app of that name exists.
   */
  private async create(ref: ServiceRef, spec: DeploySpec, version: string): Promise<Operation> {
    const { image, ...fields } = (spec.create ?? {}) as { image?: unknown } & Record<string, unknown>
    const chosen = typeof image === 'string' ? await this.image(ref, image) : {}
    const control = (fields.version_control ?? {}) as Record<string, unknown>
    const given = (fields.env_var ?? {}) as Record<string, string>
    const vars = spec.env || spec.provenance ? nextEnvWithProvenance(given, spec.env, spec.provenance) : undefined
    const body = {
      spec_id: 1,
      replicas: 1,
      ...fields,
      ...chosen,
      ...(vars && { env_var: vars }),
      name: ref.service,
      version_control: { ...control, version },
    }
    const created = await this.settled('create', ref, {
      send: async () => (await this.api.call<{ id: number; url?: string }>('POST', '/apps', callOptions('create', ref, false), body)).id,
      landed: async () => (await this.find(ref, 'create'))?.id ?? null,
    })
    this.ids.set(ref.service, created)
    const id = `create:${created}`
    // the create is the app's first build: every container it gets is new
    this.builds.set(id, { before: new Set(), status: undefined, updatedAt: undefined, seen: true })
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
    await this.resize(ref, app, replicas, 'scale')
    return { id: `resize:${app.id}:${replicas}`, kind: 'scale', ref, target: { replicas } }
  }

  /** A DELETE repeated after it landed finds no app: gone is what was asked. */
  async remove(ref: ServiceRef): Promise<Operation> {
    const app = await this.get(ref, 'remove')
    await this.settled('remove', ref, {
      send: () =>
        this.api.call('DELETE', `/apps/${segment(app.id)}`, callOptions('remove', ref)).then(
          () => true,
          (error: unknown) => {
            if (error instanceof PlatformError && error.kind === 'not-found') return true
            throw error
          },
        ),
      landed: async () => ((await this.find(ref, 'remove')) === null ? true : null),
    })
    this.ids.delete(ref.service)
    return { id: `delete:${app.id}`, kind: 'remove', ref, target: {} }
  }

  /**
   * The release record: a line of the `desc` of the router's first app by name, the same app
   * whichever side it plays (`PUT /apps/{id}` takes `desc`, platforms.md 4.2).
   */
  async readRecord(router: RouterRef): Promise<StoredRecord | null> {
    return recordFromText((await this.find(recordHolder(router), 'read the release record'))?.desc)
  }

  async writeRecord(router: RouterRef, record: StoredRecord): Promise<void> {
    const ref = recordHolder(router)
    const app = await this.get(ref, 'write the release record')
    const desc = textWithRecord(app.desc, record)
    await this.settled('write the release record', ref, {
      send: async () => {
        await this.api.call('PUT', `/apps/${segment(app.id)}`, callOptions('write the release record', ref), { desc })
        return true
      },
      landed: async () => ((await this.get(ref, 'write the release record')).desc === desc ? true : null),
    })
  }

  private settled<T>(operation: string, ref: ServiceRef, write: SettledWrite<T>): Promise<T> {
    return settleWrite(`netease: ${operation} of "${ref.service}"`, write, this.settle)
  }

  /**
   * A deploy whose build may leave no lasting sign (leavesLastingSign: no container, or a failed
   * build before) reads at once, so as not to miss a short build; the other waits leave a second
   * before their first read.
   */
  polls(op: Operation): boolean {
    const build = op.kind === 'deploy' ? this.builds.get(op.id) : undefined
    return !build || build.seen || leavesLastingSign(build.before, build.status)
  }

  /**
   * Reads the app; while the operation is not done, holds a watch on its containers, which returns
   * the moment one changes, and reads again, until the operation ends or 20 s have passed. While
   * the watch is held the app is read every second too: a failed build (or the status that ends a
   * build) changes no container, so the watch would not tell, nor would it tell a change made
   * between the read and the watch. A watch that fails at once leaves the wait to the shared poller.
   * A deploy holds no watch: it ends when the build's status turns create_succ, which changes no
   * container, so the watch could not show its end and would only add requests to the reads.
   */
  async observe(op: Operation): Promise<OperationState> {
    const until = Math.min(this.settle.deadline(), Date.now() + WATCH_MS)
    for (;;) {
      const app = await this.find(op.ref, 'observe')
      const state = this.reached(app, op)
      if (state.status !== 'running' || app === null || op.kind === 'deploy' || until - Date.now() <= 0) return state
      const stop = new AbortController()
      const started = Date.now()
      const watch = this.api
        .call('GET', `/watch/apps/${segment(app.id)}`, {
          ...callOptions('watch', op.ref, false),
          timeoutMs: until - Date.now(),
          signal: stop.signal,
        })
        .then(
          () => true,
          () => Date.now() - started >= STATUS_MS / 2,
        )
      try {
        const seen = await this.readWhileHeld(op, watch, until)
        if (seen !== null) return seen
      } finally {
        stop.abort()
      }
      // a watch that fails at once is not offered: the shared poller takes over
      if (!(await watch)) return state
    }
  }

  /**
   * Reads the app every second until the watch ends (null: read again after it) or the state
   * shows the operation ended, or the time is up (the state then).
   */
  private async readWhileHeld(op: Operation, watch: Promise<boolean>, until: number): Promise<OperationState | null> {
    for (;;) {
      const pause = Math.min(STATUS_MS, until - Date.now())
      let timer: NodeJS.Timeout | undefined
      const tick = new Promise<'tick'>((resolve) => {
        timer = setTimeout(() => resolve('tick'), Math.max(pause, 0))
      })
      const first = await Promise.race([watch.then(() => 'watch' as const), tick])
      clearTimeout(timer)
      if (first === 'watch') return null
      const app = await this.find(op.ref, 'observe')
      const state = this.reached(app, op)
      if (state.status !== 'running' || app === null || until - Date.now() <= 0) return state
    }
  }

  private reached(app: App | null, op: Operation): OperationState {
    if (op.kind === 'remove')
      return app === null ? { status: 'succeeded', detail: 'app deleted' } : { status: 'running', detail: `still ${app.status}` }
    if (app === null) return { status: 'failed', detail: 'the app is gone' }
    if (op.kind === 'deploy') return this.built(app, op)
    const state = toState(app)
    const detail = `${app.status ?? '?'}, ${state.ready}/${state.replicas} container(s), ${state.image}`
    if (app.status === 'create_fail') return { status: 'failed', detail }
    if (state.phase !== 'running') return { status: 'running', detail }
    if (op.target.replicas !== undefined && state.ready !== op.target.replicas) return { status: 'running', detail }
    return { status: 'succeeded', detail }
  }

  /**
   * A deploy is done when a build after its hook has replaced every container and the app is
   * create_succ again: never on the version the deploy itself wrote.
   */
  private built(app: App, op: Operation): OperationState {
    const build = this.builds.get(op.id)
    const state = toState(app)
    // a deploy whose call got no answer (the release observes it as "unknown"): no build of it is known
    if (!build) return { status: 'failed', detail: `${state.status}, ${state.image}; no build was started for this deploy` }
    const fresh = containerIds(app).filter((id) => !build.before.has(id)).length
    const detail = `${app.status ?? '?'}, ${fresh}/${state.replicas} container(s) of the new build, ${state.image}`
    build.seen ||= buildStarted(build, app)
    if (!build.seen) return { status: 'running', detail: `${detail}; waiting for the build to start` }
    if (app.status === 'create_fail') return { status: 'failed', detail }
    const done =
      app.status === 'create_succ' &&
      state.image === op.target.image &&
      fresh === state.replicas &&
      (app.containers?.length ?? 0) === state.replicas
    return { status: done ? 'succeeded' : 'running', detail }
  }

  async get(ref: ServiceRef, operation: string): Promise<App> {
    const app = await this.find(ref, operation)
    if (app === null) throw new PlatformError('netease', operation, ref.service, 'app not found', 'not-found')
    return app
  }

  /** By id, or by name through the list: the first page gives the total, the others are read 16 at a time, up to the match. */
  async find(ref: ServiceRef, operation: string): Promise<App | null> {
    const id = serviceIdOf('netease', ref.service)
    const known = this.ids.get(ref.service) ?? (id === undefined ? undefined : Number(id))
    if (known !== undefined) {
      try {
        return await this.api.call<App>('GET', `/apps/${segment(known)}`, callOptions(operation, ref, true))
      } catch (error) {
        if (error instanceof PlatformError && error.kind === 'not-found') return null
        throw error
      }
    }
    const found = await findInPages<App>({
      pageSize: LIST_PAGE,
      concurrency: LIST_CONCURRENCY,
      read: async (offset, signal) => {
        const page = await this.api.call<{ total?: number; apps?: App[] }>('GET', `/apps?limit=${LIST_PAGE}&offset=${offset}`, {
          ...callOptions(operation, ref, true),
          signal,
          page: true,
        })
        return { items: page.apps ?? [], ...(page.total !== undefined && { total: page.total }) }
      },
      matches: (app) => app.name === ref.service,
    })
    if (found) this.ids.set(ref.service, this.api.keep(found).id)
    return found
  }
}

function containerIds(app: App): string[] {
  return (app.containers ?? []).flatMap((c) => (c.container_id ? [c.container_id] : []))
}

/**
 * The build after the hook has started: the status moved since before the hook, or a container is
 * new. Only then is the status the build's own: until it moves, a `create_fail` is the last build's.
 */
function buildStarted(build: Build, app: App): boolean {
  return app.status !== build.status || containerIds(app).some((id) => !build.before.has(id))
}

/**
 * The hook's call landed (for a lost answer): its build started, or the app changed since before
 * it (`updated_at`), which may be the call itself before its build starts. Never sent twice then.
 */
function hookLanded(build: Build, app: App): boolean {
  return buildStarted(build, app) || (app.updated_at !== undefined && app.updated_at !== build.updatedAt)
}

/** The whole version_control back with `version`; its password is shown masked, so it is left out. */
function versionBody(app: App, version: string): { version_control: Record<string, unknown> } {
  const control = { ...app.version_control }
  delete control.password
  return { version_control: { ...control, version } }
}

/** The platform's own words for a failed call: its message, or what became of the request. */
function reasonOf(error: PlatformError | NetworkError): string {
  if (error instanceof PlatformError) return error.platformMessage
  const about = error.about
  const prefix = about ? `${about.platform}: ${about.operation} of "${about.target}" got no answer: ` : ''
  return `no answer: ${error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message}`
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
    id: String(app.id),
    image: version ? `${SOURCE_PREFIX}${version}` : `image#${app.image_id ?? '?'}`,
    replicas,
    ready,
    phase: phase === 'running' && ready !== replicas ? 'deploying' : phase,
    status: `${app.status ?? '?'}, ${ready}/${replicas} container(s)`,
    ...(app.domain && { url: `http://${app.domain}/` }),
    env: envOf(app),
  }
}

/** The app's variables with string values. */
function envOf(app: App): Record<string, string> {
  const vars = app.env_var
  if (vars === null || vars === undefined || typeof vars !== 'object') return {}
  return Object.fromEntries(Object.entries(vars).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}

/** The app that keeps a router's release record. */
function recordHolder(router: RouterRef): ServiceRef {
  return { service: [router.blue, router.green].sort()[0] as string }
}

import type {
  Capabilities,
  DeploySpec,
  Operation,
  OperationState,
  Platform,
  PlatformConfig,
  RouterRef,
  StoredRecord,
  ScaleSpec,
  ServiceRef,
  ServiceState,
  TrafficSplit,
  UpgradeStrategy,
  Webhooks,
} from '../platform.js'
import { callOptions, PlatformError } from '../platform.js'
import { recordFromText, textWithRecord } from '../record-text.js'
import { isNoAnswer, type SettleOptions, settleWrite } from '../settle.js'
import { serviceIdOf } from '../service-id.js'
import { RancherApi, type Resource } from './api.js'
import { type LbPort, LbSplit, type LoadBalancer, type PortRule } from './load-balancer.js'
import { ServiceEvents } from './events.js'
import { rancherWebhooks } from './webhooks.js'
import {
  configImage,
  configTarget,
  type LaunchConfig,
  nextLaunchConfig,
  type RancherService,
  isTarget,
  settled,
  toState,
} from './service.js'
import { segment } from '../path-segment.js'

const CAPABILITIES: Capabilities = {
  deploy: true,
  scale: true,
  lifecycle: true,
  remove: true,
  // the upgrade's own rollback before it is finished; after, an upgrade to the previous launch config
  nativeRollback: true,
  create: true,
  // a load balancer's port rules: flipped for all or nothing, both sides by their containers between
  traffic: 'replicas',
  autoscaling: false,
  // an upgrade still running (stuck, or out of time) is rolled back at once: rollback and cancelupgrade start from upgrading
  undoWhileBusy: true,
}

const DEFAULT_UPGRADE: UpgradeStrategy = { batchSize: 1, intervalMs: 2000, startFirst: false, finish: true }

/**
 * The states an action moves a service through, its transitioning state then its done state
 * (cattle's process definitions, spring-process-context.xml): the service read in one of them,
 * other than the state it was in, shows that an action whose answer was lost landed.
 */
const MOVES: Record<string, readonly string[]> = {
  upgrade: ['upgrading', 'upgraded'],
  finishupgrade: ['finishing-upgrade', 'active'],
  rollback: ['rolling-back', 'active'],
  cancelupgrade: ['canceling-upgrade', 'canceled-upgrade'],
  activate: ['activating', 'active'],
  deactivate: ['deactivating', 'inactive'],
  restart: ['restarting', 'active'],
}

/**
 * The states of an upgrade not finished yet, from each of which its own rollback is reached:
 * `rollback` starts from upgrading, upgraded and canceled-upgrade, `cancelupgrade` from upgrading
 * and finishing-upgrade (cattle's service.rollback and service.cancelupgrade).
 */
const UNFINISHED = new Set(['upgrading', 'upgraded', 'finishing-upgrade', 'canceling-upgrade', 'canceled-upgrade', 'rolling-back'])

const GONE = new Set(['removing', 'removed', 'purged'])

/** The operations whose waits hold the event stream (a removal and a stack's creation are read). */
const WATCHED = new Set<Operation['kind']>(['deploy', 'scale', 'lifecycle'])
/** How long one observe holds the event stream. */
const HOLD_MS = 20_000
/** How often the service is read while the stream is held, should an event be lost. */
const SAFETY_MS = 5000

/** The upgrade's own rollback under way: the launch config it brings back, and what was sent for it. */
interface Undo {
  to?: { image: string; env: Record<string, string> }
  canceled: boolean
  rolledBack: boolean
}

/** What an operation waits for, beyond the state its kind implies. */
interface Pending {
  serviceId?: string
  /** the upgrade is finished once it reaches `upgraded` (followUp) */
  finish?: boolean
  /** the operation is the finishupgrade: `upgraded` is not its end */
  finishing?: boolean
  /** the service as the last observe read it: the finish is sent from it, with no read between */
  last?: RancherService
  /** a stack being removed (removeGroup): done once it is removed */
  removedStack?: string
  /** a stack created from compose: its service is looked up by name */
  stackId?: string
  undo?: Undo
  /** the service's event stream, opened before the write (see Early) */
  early?: Early
}

/**
 * An event stream opened before a write, for the wait that follows it: `service`, the service as
 * the write's answer showed it, where the answer is one (the wait starts from it, with no read);
 * `landed`, the states the write moves the service to. An event queued before the write (the stream
 * was open while it was sent) shows another state and is not taken, until one shows the write.
 */
interface Early {
  events: ServiceEvents
  service?: RancherService
  landed: readonly string[]
}

/** A container of a service, as far as a restart shows in it. */
interface Instance {
  id: string
  startCount?: number
}

export function createRancher(config: PlatformConfig): Platform {
  const api = new RancherApi(config.apiUrl, config.credentials, config.http, config.webSocket)
  return new RancherPlatform(
    api,
    rancherWebhooks(api, (url) => config.http.redactor.addUrl(url, 'a webhook trigger URL'), config),
    config,
    config.log,
  )
}

/**
 * Rancher 1.x (platforms.md section 5). `project` is the project (environment) id; `service` is
 * `stack/service` or a service id. A deploy is an in-service upgrade, finished once it is done
 * unless kept open; every action is called only when the service offers it in its state.
 */
class RancherPlatform implements Platform {
  readonly name = 'rancher' as const
  readonly capabilities = CAPABILITIES
  private readonly pending = new Map<string, Pending>()
  private readonly ids = new Map<string, string>()
  /** per project: whether its port rules take a weight (read once from the portRule schema) */
  private readonly weights = new Map<string, Promise<boolean>>()
  private readonly lb = new LbSplit(this.lbPort())
  /** off once the event stream could not be opened: the run's later waits read */
  private events: 'try' | 'off' = 'try'
  /** the deadline under which the stream's opening was cut short by the time left: not tried again under it */
  private cutUnder: number | undefined

  constructor(
    private readonly api: RancherApi,
    readonly webhooks: Webhooks,
    private readonly settle: SettleOptions,
    private readonly log: (message: string) => void,
  ) {}

  sideRef(router: RouterRef, side: 'blue' | 'green'): ServiceRef {
    return { service: router[side], ...(router.project && { project: router.project }) }
  }

  readTraffic(router: RouterRef): Promise<TrafficSplit | null> {
    return this.lb.read(router)
  }

  reachableWeights(router: RouterRef): Promise<number[]> {
    return this.lb.reachable(router)
  }

  writeTraffic(router: RouterRef, split: TrafficSplit): Promise<Operation> {
    return this.lb.write(router, split)
  }

  /**
   * The release record: a line of the description of the load balancer's stack, keyed by the
   * balancer's name (the user's own text stays). A stack, not the balancer itself, so that the
   * record's writes never touch the router's own resource.
   */
  async readRecord(router: RouterRef): Promise<StoredRecord | null> {
    const ref = routerService(router)
    const lb = await this.find(ref, 'read the release record')
    if (lb?.stackId === undefined) return null
    return recordFromText((await this.stack(ref, lb.stackId, 'read the release record')).description, lb.name)
  }

  async writeRecord(router: RouterRef, record: StoredRecord): Promise<void> {
    const ref = routerService(router)
    const operation = 'write the release record'
    const lb = await this.get(ref, operation)
    const stackId = lb.stackId ?? ''
    const description = textWithRecord((await this.stack(ref, stackId, operation)).description, record, lb.name)
    await settleWrite(
      `rancher: ${operation} of "${ref.service}"`,
      {
        send: async () => {
          await this.api.call('PUT', `${projectPath(ref)}/stacks/${segment(stackId)}`, callOptions(operation, ref, false), { description })
          return true
        },
        landed: async () => ((await this.stack(ref, stackId, operation)).description === description ? true : null),
      },
      this.settle,
    )
  }

  private stack(ref: ServiceRef, id: string, operation: string): Promise<Resource & { description?: string | null }> {
    return this.api.call('GET', `${projectPath(ref)}/stacks/${segment(id)}`, callOptions(operation, ref, true))
  }

  /** the stack, or null once it is gone (a 404: purged) */
  private async stackOrNull(ref: ServiceRef, id: string, operation: string): Promise<(Resource & { description?: string | null }) | null> {
    try {
      return await this.stack(ref, id, operation)
    } catch (error) {
      if (error instanceof PlatformError && error.kind === 'not-found') return null
      throw error
    }
  }

  /**
   * A PUT of a service's fields. Its answer lost, the service says whether it landed (`shows`),
   * and it is sent again only when it did not: another change may have come in between.
   */
  private async put(
    ref: ServiceRef,
    service: RancherService,
    operation: string,
    body: Record<string, unknown>,
    shows: (now: RancherService) => boolean,
  ): Promise<void> {
    const url = `${projectPath(ref)}/services/${segment(service.id)}`
    await settleWrite(
      `rancher: ${operation} of "${ref.service}"`,
      {
        send: async () => {
          await this.api.call('PUT', url, callOptions(operation, ref, false), body)
          return true
        },
        landed: async () => {
          const now = await this.byId(ref, service.id)
          return now !== null && shows(now) ? true : null
        },
      },
      this.settle,
    )
  }

  /** The load balancer (`router`, as stack/service or id) and the two sides, as the split needs them. */
  private lbPort(): LbPort {
    return {
      services: async (router, operation) => {
        const [lb, blue, green] = await Promise.all([
          this.get(routerService(router), operation),
          this.get(this.sideRef(router, 'blue'), operation),
          this.get(this.sideRef(router, 'green'), operation),
        ])
        if (!(lb as LoadBalancer).lbConfig) {
          throw new PlatformError('rancher', operation, router.router, 'is not a load balancer (it has no lbConfig)')
        }
        return { lb: lb as LoadBalancer, blue, green }
      },
      service: (ref) => this.find(ref, 'observe'),
      setScale: async (ref, scale) => {
        const service = await this.get(ref, 'shift traffic')
        if (service.scale !== scale) await this.put(ref, service, 'shift traffic', { scale }, (now) => now.scale === scale)
        // a stopped side is started: its containers take their share
        if (service.state === 'inactive') await this.act(ref, service, 'activate', 'shift traffic')
      },
      weighted: (router) => this.portRuleWeights(routerService(router)),
      setRules: async (router, lb, rules: PortRule[]) => {
        const routes = (found: PortRule[] | undefined) => JSON.stringify(found?.map((r) => [r.serviceId, r.sourcePort, r.weight ?? 1]))
        await this.put(
          routerService(router),
          lb,
          'shift traffic',
          { lbConfig: { ...lb.lbConfig, portRules: rules } },
          (now) => routes((now as LoadBalancer).lbConfig?.portRules) === routes(rules),
        )
      },
    }
  }

  /**
   * Whether the server's port rules have `weight`, as its schema says (`…/schemas/portrule`:
   * Rancher 1.6.13 and later). A server that lacks the field drops it from a PUT unsaid
   * (Cattle's ValidationHandler skips fields not in the schema), so it is asked first.
   */
  private portRuleWeights(ref: ServiceRef): Promise<boolean> {
    const project = ref.project ?? ''
    let known = this.weights.get(project)
    if (known === undefined) {
      known = this.api
        .call<{ resourceFields?: Record<string, unknown> }>(
          'GET',
          `${projectPath(ref)}/schemas/portrule`,
          callOptions('shift traffic', ref, true),
        )
        .then((schema) => schema.resourceFields?.weight !== undefined)
        .catch((error: unknown) => {
          if (error instanceof PlatformError && error.kind === 'not-found') return false
          throw error
        })
      // a failed read is asked again next time
      known.catch(() => this.weights.delete(project))
      this.weights.set(project, known)
    }
    return known
  }

  async describe(ref: ServiceRef): Promise<ServiceState | null> {
    const service = await this.find(ref, 'describe')
    // a removed service lingers in the API for a while; for a user it is gone
    return service === null || service.state === 'removed' || service.state === 'purged' ? null : toState(service)
  }

  /** A create's refusals, said before any write (a dry run's too): the service is missing when spec.create is given. */
  async checkDeploy(ref: ServiceRef, spec: DeploySpec): Promise<void> {
    if (spec.create) createFields(ref, spec)
  }

  async deploy(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
    if (spec.create && (await this.find(ref, 'deploy')) === null) return this.create(ref, spec)
    const service = await this.get(ref, 'deploy')
    return this.upgrade(
      ref,
      service,
      nextLaunchConfig(service.launchConfig, spec.image, spec.env, spec.provenance),
      spec.upgrade ?? DEFAULT_UPGRADE,
      'deploy',
      spec.wait !== false,
    )
  }

  private async upgrade(
    ref: ServiceRef,
    service: RancherService,
    launchConfig: LaunchConfig,
    strategy: UpgradeStrategy,
    operation: string,
    /** the flow waits for it: the event stream is opened before the write */
    waited = true,
  ): Promise<Operation> {
    const body = {
      inServiceStrategy: {
        batchSize: strategy.batchSize,
        intervalMillis: strategy.intervalMs,
        startFirst: strategy.startFirst,
        launchConfig,
        secondaryLaunchConfigs: service.secondaryLaunchConfigs ?? [],
      },
    }
    // landed: the service upgrading to this launch config (its image and its variables: a rollback
    // to the config before may bring the same image back)
    const target = configTarget(launchConfig)
    const toThis = (now: RancherService, moved: boolean) => moved && isTarget(now.upgrade?.inServiceStrategy?.launchConfig, target)
    const events = waited ? await this.subscribe(ref, service.id) : undefined
    let answered: RancherService
    try {
      // sent again after a lost answer, the upgrade is refused once the first one landed late
      // (ActionNotAvailable: the service is upgrading): the launch config it upgrades to says whose
      answered = await this.act(ref, service, 'upgrade', operation, { body, landed: toThis, settlesRefusal: true })
    } catch (error) {
      events?.close()
      throw error
    }
    const id = `upgrade:${service.id}:${Date.now()}`
    this.pending.set(id, {
      serviceId: service.id,
      finish: strategy.finish,
      ...(events && { early: early(events, answered, service, 'upgrade') }),
    })
    return { id, kind: 'deploy', ref, target }
  }

  /**
   * A stack from compose files (`create-spec`: `dockerCompose`, `rancherCompose`, and any other
   * stack field), named by the part of `service` before the slash; the image is handed to the
   * compose file as the stack variable IMAGE (`image: ${IMAGE}`).
   */
  private async create(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
    const { stack, fields } = createFields(ref, spec)
    const environment = { ...((fields.environment as Record<string, string> | undefined) ?? {}), IMAGE: spec.image }
    const body = { startOnCreate: true, ...fields, name: stack, environment }
    const started = (stackId: string): Operation => {
      this.pending.set(`create:${stackId}`, { stackId })
      return { id: `create:${stackId}`, kind: 'deploy', ref, target: { image: spec.image } }
    }
    // the stacks of that name before (a removed one lingers): a POST whose answer was lost is settled by a new one
    const before = new Set((await this.stacks(ref, stack, 'create')).map((found) => found.id))
    return settleWrite(
      `rancher: create of "${ref.service}"`,
      {
        send: async () =>
          started((await this.api.call<Resource>('POST', `${projectPath(ref)}/stacks`, callOptions('create', ref, false), body)).id),
        landed: async () => {
          const created = (await this.stacks(ref, stack, 'create')).find((found) => !before.has(found.id))
          return created ? started(created.id) : null
        },
      },
      this.settle,
    )
  }

  async scale(ref: ServiceRef, spec: ScaleSpec): Promise<Operation> {
    const service = await this.get(ref, 'scale')
    await this.put(ref, service, 'scale', { scale: spec.replicas }, (now) => now.scale === spec.replicas)
    return this.track(`scale:${service.id}:${spec.replicas}`, 'scale', ref, service, { replicas: spec.replicas })
  }

  async lifecycle(ref: ServiceRef, verb: 'start' | 'stop' | 'restart'): Promise<Operation> {
    const service = await this.get(ref, verb)
    const action = { start: 'activate', stop: 'deactivate', restart: 'restart' }[verb]
    if (verb === 'restart') await this.restart(ref, service)
    else await this.act(ref, service, action, verb)
    return this.track(`${action}:${service.id}`, 'lifecycle', ref, service, { phase: verb === 'stop' ? 'stopped' : 'running' })
  }

  /**
   * Before the upgrade is finished, even while it runs: its own rollback (the old containers come
   * back). After: an upgrade to the launch config it replaced, or to the image `to` names.
   */
  async rollback(ref: ServiceRef, to?: string): Promise<Operation> {
    const service = await this.get(ref, 'rollback')
    const previous = service.upgrade?.inServiceStrategy?.previousLaunchConfig
    if (UNFINISHED.has(service.state ?? '') && (to === undefined || to === configImage(previous))) return this.undo(ref, service)
    const launchConfig = to === undefined ? previous : { ...service.launchConfig, imageUuid: `docker:${to}` }
    if (!launchConfig?.imageUuid) {
      throw new PlatformError(
        'rancher',
        'rollback',
        ref.service,
        'the service keeps no previous launch config (it was never upgraded): give "to" an image',
        'not-found',
      )
    }
    return this.upgrade(ref, service, launchConfig, DEFAULT_UPGRADE, 'rollback')
  }

  async remove(ref: ServiceRef): Promise<Operation> {
    const service = await this.get(ref, 'remove')
    const done = this.track(`remove:${service.id}`, 'remove', ref, service, {})
    const gone = async () => {
      const now = await this.byId(ref, service.id)
      return now === null || GONE.has(now.state ?? '')
    }
    return this.deleteSettled(`rancher: remove of "${ref.service}"`, ref, `services/${segment(service.id)}`, gone, done)
  }

  /**
   * A DELETE whose lost answer is settled by `gone`. Repeated after it landed, a DELETE answers
   * 405 (removing, removed: cattle's deleteInternal) or 404 (purged): done when it is gone.
   */
  private deleteSettled(label: string, ref: ServiceRef, path: string, gone: () => Promise<boolean>, done: Operation): Promise<Operation> {
    return settleWrite(
      label,
      {
        send: async () => {
          try {
            await this.api.call('DELETE', `${projectPath(ref)}/${path}`, callOptions('remove', ref))
          } catch (error) {
            if (!(error instanceof PlatformError && ['refused', 'not-found'].includes(error.kind) && (await gone()))) throw error
          }
          return done
        },
        landed: async () => ((await gone()) ? done : null),
      },
      this.settle,
    )
  }

  /** A `stack/service`'s stack, removed with every service in it: done once the stack is removed. */
  async removeGroup(ref: ServiceRef): Promise<Operation | null> {
    const [name, service] = ref.service.split('/')
    if (service === undefined) return null
    const stack = await this.liveStack(ref, name ?? '', 'remove')
    if (stack === undefined) return null
    const id = `remove-stack:${stack.id}`
    this.pending.set(id, { removedStack: stack.id })
    const gone = async () => {
      const now = await this.stackOrNull(ref, stack.id, 'remove')
      return now === null || GONE.has(now.state ?? '')
    }
    const done: Operation = { id, kind: 'remove', ref, target: {} }
    this.ids.delete(ref.service)
    return this.deleteSettled(`rancher: remove of stack "${name}"`, ref, `stacks/${segment(stack.id)}`, gone, done)
  }

  /**
   * The waits on the service's event stream (an upgrade and its finish send no status request; a
   * scale or a start/stop/restart subscribes, then reads once) and a load balancer's change whose
   * first observe sends its port rules start at once. The rest read, the first a second after the
   * write.
   */
  polls(op: Operation): boolean {
    if (op.kind === 'traffic') return this.lb.polls(op)
    const pending = this.pending.get(op.id) ?? {}
    return this.watched(op) === undefined || (!pending.early && this.cutUnder === this.settle.deadline())
  }

  /** the service whose event stream shows how far `op` got, if its wait holds one */
  private watched(op: Operation): string | undefined {
    const pending = this.pending.get(op.id) ?? {}
    if (this.events === 'off' || !WATCHED.has(op.kind) || pending.stackId || pending.undo) return undefined
    return pending.serviceId
  }

  async observe(op: Operation): Promise<OperationState> {
    if (op.kind === 'traffic') return this.lb.observe(op)
    const removedStack = this.pending.get(op.id)?.removedStack
    if (removedStack !== undefined) {
      const now = await this.stackOrNull(op.ref, removedStack, 'observe')
      const state = now?.state ?? 'purged'
      return ['removed', 'purged'].includes(state)
        ? { status: 'succeeded', detail: `stack ${state}` }
        : { status: 'running', detail: `stack ${state}` }
    }
    const pending = this.pending.get(op.id) ?? {}
    const watched = this.watched(op)
    if (watched !== undefined) return this.watch(op, pending, watched)
    const service = pending.stackId ? await this.inStack(op.ref, pending.stackId) : await this.byId(op.ref, pending.serviceId)
    return this.reached(op, service, pending)
  }

  /**
   * Holds the service's event stream until a change of it ends the operation, or HOLD_MS have
   * passed: each change's resource is the state, with no read; a read every SAFETY_MS still,
   * should an event be lost. The stream an upgrade opened before its write is taken as it is,
   * from the service its answer showed: every change since is in it, so the wait sends no
   * request (issue 16). Otherwise it subscribes, then reads the service (a change between the read
   * and the subscription is in one or the other). A stream that cannot be opened leaves the run's
   * waits to plain reads; one that ends leaves this wait to the shared poller.
   */
  private async watch(op: Operation, pending: Pending, serviceId: string): Promise<OperationState> {
    const signal = this.settle.signal?.()
    const early = pending.early
    delete pending.early
    const events = early?.events ?? (await this.subscribe(op.ref, serviceId))
    if (events === undefined) return this.reached(op, await this.byId(op.ref, serviceId), pending)
    let service: RancherService | null = null
    let state: OperationState = { status: 'running', detail: 'no state observed yet' }
    // until an event shows the write, those queued may be from before it
    let landed = early?.landed
    try {
      const until = Math.min(this.settle.deadline(), Date.now() + HOLD_MS)
      let read = early?.service ?? (await this.byId(op.ref, serviceId))
      let readAt = Date.now()
      service = read
      state = await this.reached(op, service, pending)
      while (state.status === 'running' && service !== null && Date.now() < until) {
        const next = await events.next(Math.min(until, readAt + SAFETY_MS) - Date.now(), signal)
        if (next === 'closed') return state
        if (next === 'quiet') {
          read = service = await this.byId(op.ref, serviceId)
          readAt = Date.now()
          landed = undefined
        } else {
          if (landed !== undefined && !landed.includes(next.state ?? '')) continue
          landed = undefined
          service = rebased(next, read)
        }
        state = await this.reached(op, service, pending)
      }
      return state
    } finally {
      // an upgrade that reached `upgraded` is finished at once: the finish's wait takes the stream on
      if (toFinish(state, pending, service)) pending.early = { events, service, landed: [] }
      else events.close()
    }
  }

  /**
   * The project's event stream, for the changes of one service; undefined where it cannot be
   * opened: the run's later waits then read (said once), unless only the time left was too short
   * (a wait under a fresh deadline, a rollback's, tries again) or the job was cancelled.
   */
  private async subscribe(ref: ServiceRef, serviceId: string): Promise<ServiceEvents | undefined> {
    const deadline = this.settle.deadline()
    if (this.events === 'off' || this.cutUnder === deadline) return undefined
    const signal = this.settle.signal?.()
    const events = await this.api.subscribe(projectPath(ref), serviceId, { deadline, signal })
    if (events instanceof ServiceEvents) return events
    if (signal?.aborted) return undefined
    if (events.again) {
      this.cutUnder = deadline
      this.log(`rancher: no event stream (${events.unusable}): the waits read the service until a fresh deadline`)
      return undefined
    }
    this.events = 'off'
    this.log(`rancher: no event stream (${events.unusable}): the wait reads the service instead`)
    return undefined
  }

  /** Closes the event streams opened before a write whose wait never came (`wait: false`, a failed flow). */
  close(): void {
    for (const pending of this.pending.values()) {
      pending.early?.events.close()
      delete pending.early
    }
  }

  /** Where the operation is, from the service as just seen (null: it is not there). */
  private async reached(op: Operation, service: RancherService | null, pending: Pending): Promise<OperationState> {
    if (op.kind === 'remove') {
      return service === null || service.state === 'removed' || service.state === 'purged'
        ? { status: 'succeeded', detail: 'service removed' }
        : { status: 'running', detail: `still ${service.state}` }
    }
    if (service === null)
      return pending.stackId
        ? { status: 'running', detail: 'the stack has no such service yet' }
        : { status: 'failed', detail: 'the service is gone' }
    if (pending.undo) return this.undoStep(op.ref, service, pending.undo)
    if (op.kind === 'deploy' && op.target.image !== undefined) return this.upgradeState(op, service, pending)
    if (op.target.phase === 'stopped') return settled(service, ['inactive'])
    const state = settled(service, ['active'])
    if (state.status === 'succeeded' && op.target.replicas !== undefined && service.currentScale !== op.target.replicas) {
      return { status: 'running', detail: state.detail }
    }
    return state
  }

  /**
   * An upgrade: done at `upgraded` (kept open, or to be finished by followUp), or at `active` on
   * the new image. The finishupgrade that followUp sent: done once the service is back to `active`.
   */
  private upgradeState(op: Operation, service: RancherService, pending: Pending): OperationState {
    pending.last = service
    const state = settled(service, ['upgraded', 'active'])
    if (state.status !== 'succeeded') return state
    if (!isTarget(service.launchConfig, op.target))
      return {
        status: 'running',
        detail: `${state.detail}; not yet on ${op.target.image}${configImage(service.launchConfig) === op.target.image ? ' with its variables' : ''}`,
      }
    if (service.state !== 'upgraded') return state
    if (pending.finishing) return { status: 'running', detail: `${state.detail}; finishing the upgrade` }
    if (pending.finish === false) {
      return { status: 'succeeded', detail: `${state.detail}; upgraded and kept open: finish it, or roll it back with action-rollback` }
    }
    return { status: 'succeeded', detail: `${state.detail}; upgraded, to be finished` }
  }

  /**
   * An upgrade that reached `upgraded` is finished at once, from the service as observe read it
   * (no read between): `finishupgrade`, then an operation of its own that ends back at `active`.
   * Its answer lost, the service's state settles it (never sent blindly again): still `upgraded`,
   * it is sent again; `finishing-upgrade` or `active` on the new launch config, it landed.
   */
  async followUp(op: Operation): Promise<Operation | null> {
    const pending = this.pending.get(op.id)
    const service = pending?.last
    if (op.kind !== 'deploy' || !pending?.finish || pending.finishing || pending.undo || service?.state !== 'upgraded') return null
    const events = pending.early?.events
    delete pending.early
    const finished = (now: RancherService, moved: boolean) => moved && isTarget(now.launchConfig, op.target)
    let answered: RancherService
    try {
      answered = await this.act(op.ref, service, 'finishupgrade', 'finish upgrade', { landed: finished })
    } catch (error) {
      // refused, yet finishing or finished (an earlier send landed): the finish is under way, not failed
      const now = error instanceof PlatformError ? await this.byId(op.ref, service.id).catch(() => null) : null
      if (now === null || !finished(now, (MOVES.finishupgrade ?? []).includes(now.state ?? ''))) {
        events?.close()
        throw error
      }
      answered = now
    }
    const id = `finishupgrade:${service.id}:${Date.now()}`
    this.pending.set(id, {
      serviceId: service.id,
      finishing: true,
      ...(events && { early: early(events, answered, service, 'finishupgrade') }),
    })
    return { id, kind: 'deploy', ref: op.ref, target: op.target }
  }

  /**
   * The upgrade's own rollback, taken while the upgrade runs too: an operation that sends
   * `rollback` where the service offers it, else `cancelupgrade` first (the rollback is offered
   * once it is `canceled-upgrade`), and waits until the service is active on the image before.
   */
  private async undo(ref: ServiceRef, service: RancherService): Promise<Operation> {
    const previous = service.upgrade?.inServiceStrategy?.previousLaunchConfig
    const to = configImage(previous) ? configTarget(previous) : undefined
    const undo: Undo = { ...(to && { to }), canceled: false, rolledBack: false }
    const id = `rollback:${service.id}:${Date.now()}`
    this.pending.set(id, { serviceId: service.id, undo })
    await this.undoStep(ref, service, undo)
    return { id, kind: 'deploy', ref, target: to ?? {} }
  }

  /** One step of the rollback, from the service as read now. */
  private async undoStep(ref: ServiceRef, service: RancherService, undo: Undo): Promise<OperationState> {
    if (undo.rolledBack || service.state === 'rolling-back') return this.rolledBack(service, undo)
    const offered = service.actions ?? {}
    if (offered.rollback) {
      // landed: rolling back, or back on the launch config before (another finish would leave it active on the new one)
      const back = (now: RancherService, moved: boolean) =>
        moved && (now.state === 'rolling-back' || undo.to === undefined || isTarget(now.launchConfig, undo.to))
      await this.act(ref, service, 'rollback', 'rollback', { landed: back })
      undo.rolledBack = true
      return { status: 'running', detail: `${toState(service).status}: rolling back` }
    }
    if (offered.cancelupgrade && !undo.canceled) {
      await this.act(ref, service, 'cancelupgrade', 'cancel upgrade')
      undo.canceled = true
      return { status: 'running', detail: `${toState(service).status}: canceling the upgrade, to roll it back` }
    }
    const state = toState(service).status
    if (!UNFINISHED.has(service.state ?? '')) {
      return { status: 'failed', detail: `${state}: the upgrade ended before it could be rolled back; give "to" the image before` }
    }
    if (service.transitioning === 'error') {
      const offers = Object.keys(offered).sort().join(', ') || 'none'
      return {
        status: 'failed',
        detail: `${state}: ${service.transitioningMessage ?? 'error'}; Rancher offers no rollback (it offers: ${offers})`,
      }
    }
    return { status: 'running', detail: `${state}: waiting for Rancher to offer rollback or cancelupgrade` }
  }

  /** Rolled back: active again, on the launch config before. */
  private rolledBack(service: RancherService, undo: Undo): OperationState {
    const state = settled(service, ['active'])
    if (state.status === 'succeeded' && undo.to !== undefined && !isTarget(service.launchConfig, undo.to)) {
      return { status: 'failed', detail: `${state.detail}; rolled back, but not to the launch config before (${undo.to.image})` }
    }
    return state
  }

  /**
   * Calls an action the service offers. Its answer lost, the service is read: `landed` says
   * whether it shows the action ran, by default whether it `moved` (see MOVES); not landed, the
   * action is sent again (Rancher refuses it then anyway once its state has changed).
   */
  private act(
    ref: ServiceRef,
    service: RancherService,
    action: string,
    operation: string,
    options: {
      body?: unknown
      landed?: (now: RancherService, moved: boolean) => boolean | Promise<boolean>
      /** a send again that Rancher refuses is settled by `landed` (see SettledWrite): only where it is this write's alone */
      settlesRefusal?: boolean
    } = {},
  ): Promise<RancherService> {
    const landed = options.landed ?? ((_now: RancherService, moved: boolean) => moved)
    return settleWrite(
      `rancher: ${operation} of "${ref.service}"`,
      {
        send: () => this.api.action<RancherService>(service, action, callOptions(operation, ref), options.body),
        landed: async () => {
          const now = await this.byId(ref, service.id)
          if (now === null) return null
          const moved = now.state !== service.state && (MOVES[action] ?? []).includes(now.state ?? '')
          return (await landed(now, moved)) ? now : null
        },
        ...(options.settlesRefusal && { settlesRefusal: true }),
      },
      this.settle,
    )
  }

  /**
   * A rolling restart leaves the service `active`, as before: once it ended, only its containers
   * show it ran, each started once more. Without their start counts from before, a restart whose
   * answer was lost is not sent again: restarting twice is not what was asked.
   */
  private async restart(ref: ServiceRef, service: RancherService): Promise<void> {
    const before = await this.instances(ref, service).catch((error: unknown) => {
      if (error instanceof PlatformError || isNoAnswer(error)) return undefined
      throw error
    })
    const restarted = async (now: RancherService, moved: boolean) => {
      if (moved) return true
      if (before === undefined) {
        throw new PlatformError(
          'rancher',
          'restart',
          ref.service,
          `the answer was lost and the service is ${now.state} again: nothing shows whether the restart ran, so it was not sent again; look at its containers, and restart again if needed`,
          'failed',
        )
      }
      const counts = new Map(before.map((instance) => [instance.id, instance.startCount ?? 0]))
      return (await this.instances(ref, now)).some((instance) => (instance.startCount ?? 0) > (counts.get(instance.id) ?? Infinity))
    }
    await this.act(ref, service, 'restart', 'restart', {
      body: { rollingRestartStrategy: { batchSize: 1, intervalMillis: 2000 } },
      landed: restarted,
    })
  }

  /** The service's containers (its `instances` link). */
  private async instances(ref: ServiceRef, service: RancherService): Promise<Instance[]> {
    const link = service.links?.instances
    if (link === undefined) throw new PlatformError('rancher', 'restart', ref.service, 'the service has no instances link')
    const { data = [] } = await this.api.call<{ data?: Instance[] }>('GET', link, callOptions('restart', ref, true))
    return data
  }

  private track(id: string, kind: Operation['kind'], ref: ServiceRef, service: RancherService, target: Operation['target']): Operation {
    this.pending.set(id, { serviceId: service.id })
    return { id, kind, ref, target }
  }

  private async get(ref: ServiceRef, operation: string): Promise<RancherService> {
    const service = await this.find(ref, operation)
    if (service === null)
      throw new PlatformError('rancher', operation, ref.service, `service not found in project "${ref.project}"`, 'not-found')
    return service
  }

  private async byId(ref: ServiceRef, id: string | undefined, operation = 'observe'): Promise<RancherService | null> {
    if (id === undefined) return this.find(ref, operation)
    try {
      return await this.api.call<RancherService>('GET', `${projectPath(ref)}/services/${segment(id)}`, callOptions(operation, ref, true))
    } catch (error) {
      if (error instanceof PlatformError && error.kind === 'not-found') return null
      throw error
    }
  }

  private async inStack(ref: ServiceRef, stackId: string): Promise<RancherService | null> {
    const name = ref.service.split('/')[1] ?? ref.service
    const { data = [] } = await this.api.call<{ data?: RancherService[] }>(
      'GET',
      `${projectPath(ref)}/services?name=${encodeURIComponent(name)}&stackId=${encodeURIComponent(stackId)}`,
      callOptions('observe', ref, true),
    )
    return data[0] ?? null
  }

  /** A service id (`1s10`), or `stack/service` through the `name` filters, or a name unique in the project. */
  private async find(ref: ServiceRef, operation: string): Promise<RancherService | null> {
    const known = this.ids.get(ref.service) ?? serviceIdOf('rancher', ref.service)
    if (known !== undefined) return this.byId(ref, known, operation)
    const [first, second] = ref.service.split('/')
    const name = second ?? first ?? ''
    let filter = `name=${encodeURIComponent(name)}`
    if (second !== undefined) {
      // a removed stack of the name lingers in the list: the live one is meant
      const stack = await this.liveStack(ref, first ?? '', operation)
      if (stack === undefined) return null
      filter += `&stackId=${encodeURIComponent(stack.id)}`
    }
    const { data = [] } = await this.api.call<{ data?: RancherService[] }>(
      'GET',
      `${projectPath(ref)}/services?${filter}`,
      callOptions(operation, ref, true),
    )
    const live = data.filter((service) => service.state !== 'removed' && service.state !== 'purged')
    if (live.length > 1) {
      throw new PlatformError(
        'rancher',
        operation,
        ref.service,
        `${live.length} services have this name (stacks ${live.map((s) => s.stackId).join(', ')}): give it as stack/service`,
      )
    }
    const found = live[0] ?? null
    if (found) this.ids.set(ref.service, found.id)
    return found
  }

  private async liveStack(ref: ServiceRef, name: string, operation: string): Promise<Resource | undefined> {
    return (await this.stacks(ref, name, operation)).find((stack) => !GONE.has(stack.state ?? ''))
  }

  private async stacks(ref: ServiceRef, name: string, operation: string): Promise<Resource[]> {
    const { data = [] } = await this.api.call<{ data?: Resource[] }>(
      'GET',
      `${projectPath(ref)}/stacks?name=${encodeURIComponent(name)}`,
      callOptions(operation, ref, true),
    )
    return data
  }
}

/** Whether followUp will send the finish of this upgrade (upgraded, to be finished), from the service the wait last saw. */
function toFinish(state: OperationState, pending: Pending, service: RancherService | null): service is RancherService {
  return state.status === 'succeeded' && service?.state === 'upgraded' && pending.finish === true && !pending.finishing && !pending.undo
}

/**
 * The stream opened before `action` was sent on `service`, for its wait: from the action's answer
 * where it is the service (an empty or foreign answer is not: the wait reads the service then).
 */
function early(events: ServiceEvents, answered: RancherService, service: RancherService, action: keyof typeof MOVES): Early {
  const usable = answered.id === service.id && typeof answered.state === 'string' && answered.links?.self !== undefined
  return { events, ...(usable && { service: answered }), landed: MOVES[action] ?? [] }
}

/**
 * A service as an event showed it, with the links and action URLs of the API's own answer: the
 * stream may name the server by another address than the one the action reaches it at (a front,
 * a proxy's prefix), and actions are called from these URLs (`{self}?action={name}`).
 */
function rebased(event: RancherService, read: RancherService | null): RancherService {
  const self = read?.links?.self
  if (self === undefined) return event
  const actions = Object.fromEntries(Object.keys(event.actions ?? {}).map((name) => [name, `${self}?action=${name}`]))
  return { ...event, links: read?.links ?? {}, actions }
}

function projectPath(ref: ServiceRef): string {
  return `/projects/${segment(ref.project ?? '')}`
}

/** The load balancer of a router, as a service of its project. */
function routerService(router: RouterRef): ServiceRef {
  return { service: router.router, ...(router.project && { project: router.project }) }
}

/** The stack a create makes, from `service` (stack/service) and create-spec; what Rancher could not take is refused here. */
function createFields(ref: ServiceRef, spec: DeploySpec): { stack: string; fields: Record<string, unknown> } {
  const [stack, name] = ref.service.split('/')
  if (!stack || !name) throw new PlatformError('rancher', 'create', ref.service, 'give "service" as stack/service to create its stack')
  const fields = spec.create ?? {}
  if (spec.env)
    throw new PlatformError(
      'rancher',
      'create',
      ref.service,
      "env-vars are not set on a stack being created: give the service's environment in the compose file (create-spec's dockerCompose), or deploy with them once it exists",
    )
  if (typeof fields.dockerCompose !== 'string') {
    throw new PlatformError(
      'rancher',
      'create',
      ref.service,
      'create-spec needs "dockerCompose" (the compose file as text) with the service in it',
    )
  }
  return { stack, fields }
}

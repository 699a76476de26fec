import type {
  Capabilities,
  DeploySpec,
  Operation,
  OperationState,
  Platform,
  PlatformConfig,
  RouterRef,
  ScaleSpec,
  ServiceRef,
  ServiceState,
  TrafficSplit,
  UpgradeStrategy,
  Webhooks,
} from '../platform.js'
import { callOptions, PlatformError } from '../platform.js'
import { RancherApi, type Resource } from './api.js'
import { type LbPort, LbSplit, type LoadBalancer, type PortRule } from './load-balancer.js'
import { rancherWebhooks } from './webhooks.js'
import { imageOf, type LaunchConfig, type RancherService, settled, toState } from './service.js'

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
}

const DEFAULT_UPGRADE: UpgradeStrategy = { batchSize: 1, intervalMs: 2000, startFirst: false, finish: true }

/** What an operation waits for, beyond the state its kind implies. */
interface Pending {
  serviceId?: string
  /** the upgrade is finished once it reaches `upgraded` */
  finish?: boolean
  finishing?: boolean
  /** a stack created from compose: its service is looked up by name */
  stackId?: string
}

export function createRancher(config: PlatformConfig): Platform {
  const api = new RancherApi(config.apiUrl, config.credentials, config.http)
  return new RancherPlatform(
    api,
    rancherWebhooks(api, (secret) => config.http.redactor.add(secret)),
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
  private readonly lb = new LbSplit(this.lbPort())

  constructor(
    private readonly api: RancherApi,
    readonly webhooks: Webhooks,
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

  /** The load balancer (`router`, as stack/service or id) and the two sides, as the split needs them. */
  private lbPort(): LbPort {
    return {
      services: async (router, operation) => {
        const [lb, blue, green] = await Promise.all([
          this.get({ service: router.router, ...(router.project && { project: router.project }) }, operation),
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
        if (service.scale !== scale) {
          await this.api.call('PUT', `${projectPath(ref)}/services/${service.id}`, callOptions('shift traffic', ref), { scale })
        }
        // a stopped side is started: its containers take their share
        if (service.state === 'inactive') await this.api.action(service, 'activate', callOptions('shift traffic', ref))
      },
      setRules: async (router, lb, rules: PortRule[]) => {
        const ref = { service: router.router, ...(router.project && { project: router.project }) }
        await this.api.call('PUT', `${projectPath(ref)}/services/${lb.id}`, callOptions('shift traffic', ref), {
          lbConfig: { ...lb.lbConfig, portRules: rules },
        })
      },
    }
  }

  async describe(ref: ServiceRef): Promise<ServiceState | null> {
    const service = await this.find(ref, 'describe')
    // a removed service lingers in the API for a while; for a user it is gone
    return service === null || service.state === 'removed' || service.state === 'purged' ? null : toState(service)
  }

  async deploy(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
    if (spec.create && (await this.find(ref, 'deploy')) === null) return this.create(ref, spec)
    const service = await this.get(ref, 'deploy')
    return this.upgrade(
      ref,
      service,
      { ...service.launchConfig, imageUuid: `docker:${spec.image}` },
      spec.upgrade ?? DEFAULT_UPGRADE,
      'deploy',
    )
  }

  private async upgrade(
    ref: ServiceRef,
    service: RancherService,
    launchConfig: LaunchConfig,
    strategy: UpgradeStrategy,
    operation: string,
  ): Promise<Operation> {
    await this.api.action(service, 'upgrade', callOptions(operation, ref), {
      inServiceStrategy: {
        batchSize: strategy.batchSize,
        intervalMillis: strategy.intervalMs,
        startFirst: strategy.startFirst,
        launchConfig,
        secondaryLaunchConfigs: service.secondaryLaunchConfigs ?? [],
      },
    })
    const id = `upgrade:${service.id}:${Date.now()}`
    this.pending.set(id, { serviceId: service.id, finish: strategy.finish })
    return { id, kind: 'deploy', ref, target: { image: (launchConfig.imageUuid ?? '').replace(/^docker:/, '') } }
  }

  /**
   * A stack from compose files (`create-spec`: `dockerCompose`, `rancherCompose`, and any other
   * stack field), named by the part of `service` before the slash; the image is handed to the
   * compose file as the stack variable IMAGE (`image: ${IMAGE}`).
   */
  private async create(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
    const [stack, name] = ref.service.split('/')
    if (!stack || !name) throw new PlatformError('rancher', 'create', ref.service, 'give "service" as stack/service to create its stack')
    const fields = spec.create ?? {}
    if (typeof fields.dockerCompose !== 'string') {
      throw new PlatformError(
        'rancher',
        'create',
        ref.service,
        'create-spec needs "dockerCompose" (the compose file as text) with the service in it',
      )
    }
    const environment = { ...((fields.environment as Record<string, string> | undefined) ?? {}), IMAGE: spec.image }
    const created = await this.api.call<Resource>('POST', `${projectPath(ref)}/stacks`, callOptions('create', ref, false), {
      startOnCreate: true,
      ...fields,
      name: stack,
      environment,
    })
    const id = `create:${created.id}`
    this.pending.set(id, { stackId: created.id })
    return { id, kind: 'deploy', ref, target: { image: spec.image } }
  }

  async scale(ref: ServiceRef, spec: ScaleSpec): Promise<Operation> {
    const service = await this.get(ref, 'scale')
    await this.api.call('PUT', `${projectPath(ref)}/services/${service.id}`, callOptions('scale', ref), { scale: spec.replicas })
    return this.track(`scale:${service.id}:${spec.replicas}`, 'scale', ref, service, { replicas: spec.replicas })
  }

  async lifecycle(ref: ServiceRef, verb: 'start' | 'stop' | 'restart'): Promise<Operation> {
    const service = await this.get(ref, verb)
    const action = { start: 'activate', stop: 'deactivate', restart: 'restart' }[verb]
    const body = verb === 'restart' ? { rollingRestartStrategy: { batchSize: 1, intervalMillis: 2000 } } : {}
    await this.api.action(service, action, callOptions(verb, ref), body)
    return this.track(`${action}:${service.id}`, 'lifecycle', ref, service, { phase: verb === 'stop' ? 'stopped' : 'running' })
  }

  /**
   * Before the upgrade is finished: its own rollback (the old containers come back). After: an
   * upgrade to the launch config it replaced, or to the image `to` names.
   */
  async rollback(ref: ServiceRef, to?: string): Promise<Operation> {
    const service = await this.get(ref, 'rollback')
    if (to === undefined && service.actions?.rollback) {
      await this.api.action(service, 'rollback', callOptions('rollback', ref))
      return this.track(`rollback:${service.id}`, 'deploy', ref, service, {})
    }
    const previous =
      to === undefined ? service.upgrade?.inServiceStrategy?.previousLaunchConfig : { ...service.launchConfig, imageUuid: `docker:${to}` }
    if (!previous?.imageUuid) {
      throw new PlatformError(
        'rancher',
        'rollback',
        ref.service,
        'the service keeps no previous launch config (it was never upgraded): give "to" an image',
        'not-found',
      )
    }
    return this.upgrade(ref, service, previous, DEFAULT_UPGRADE, 'rollback')
  }

  async remove(ref: ServiceRef): Promise<Operation> {
    const service = await this.get(ref, 'remove')
    await this.api.call('DELETE', `${projectPath(ref)}/services/${service.id}`, callOptions('remove', ref))
    return this.track(`remove:${service.id}`, 'remove', ref, service, {})
  }

  async observe(op: Operation): Promise<OperationState> {
    if (op.kind === 'traffic') return this.lb.observe(op)
    const pending = this.pending.get(op.id) ?? {}
    const service = pending.stackId ? await this.inStack(op.ref, pending.stackId) : await this.byId(op.ref, pending.serviceId)
    if (op.kind === 'remove') {
      return service === null || service.state === 'removed' || service.state === 'purged'
        ? { status: 'succeeded', detail: 'service removed' }
        : { status: 'running', detail: `still ${service.state}` }
    }
    if (service === null)
      return pending.stackId
        ? { status: 'running', detail: 'the stack has no such service yet' }
        : { status: 'failed', detail: 'the service is gone' }
    if (op.kind === 'deploy' && op.target.image !== undefined) return this.upgradeState(op, service, pending)
    if (op.target.phase === 'stopped') return settled(service, ['inactive'])
    const state = settled(service, ['active'])
    if (state.status === 'succeeded' && op.target.replicas !== undefined && service.currentScale !== op.target.replicas) {
      return { status: 'running', detail: state.detail }
    }
    return state
  }

  /** An upgrade: done at `upgraded` when kept open, else once `finishupgrade` brought it back to `active`. */
  private async upgradeState(op: Operation, service: RancherService, pending: Pending): Promise<OperationState> {
    const state = settled(service, ['upgraded', 'active'])
    if (state.status !== 'succeeded') return state
    if (imageOf(service) !== op.target.image) return { status: 'running', detail: `${state.detail}; not yet on ${op.target.image}` }
    if (service.state === 'upgraded' && pending.finish === false) {
      return { status: 'succeeded', detail: `${state.detail}; upgraded and kept open: finish it, or roll it back with action-rollback` }
    }
    if (service.state === 'upgraded' && pending.finish) {
      if (!pending.finishing) {
        await this.api.action(service, 'finishupgrade', callOptions('finish upgrade', op.ref))
        pending.finishing = true
      }
      return { status: 'running', detail: `${state.detail}; finishing the upgrade` }
    }
    return state
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

  private async byId(ref: ServiceRef, id: string | undefined): Promise<RancherService | null> {
    if (id === undefined) return this.find(ref, 'observe')
    try {
      return await this.api.call<RancherService>('GET', `${projectPath(ref)}/services/${id}`, callOptions('observe', ref, true))
    } catch (error) {
      if (error instanceof PlatformError && error.kind === 'not-found') return null
      throw error
    }
  }

  private async inStack(ref: ServiceRef, stackId: string): Promise<RancherService | null> {
    const name = ref.service.split('/')[1] ?? ref.service
    const { data = [] } = await this.api.call<{ data?: RancherService[] }>(
      'GET',
      `${projectPath(ref)}/services?name=${encodeURIComponent(name)}&stackId=${stackId}`,
      callOptions('observe', ref, true),
    )
    return data[0] ?? null
  }

  /** A service id (`1s10`), or `stack/service` through the `name` filters, or a name unique in the project. */
  private async find(ref: ServiceRef, operation: string): Promise<RancherService | null> {
    const known = this.ids.get(ref.service) ?? (/^\d+s\d+$/.test(ref.service) ? ref.service : undefined)
    if (known !== undefined) return this.byId(ref, known)
    const [first, second] = ref.service.split('/')
    const name = second ?? first ?? ''
    let filter = `name=${encodeURIComponent(name)}`
    if (second !== undefined) {
      const { data: stacks = [] } = await this.api.call<{ data?: Resource[] }>(
        'GET',
        `${projectPath(ref)}/stacks?name=${encodeURIComponent(first ?? '')}`,
        callOptions(operation, ref, true),
      )
      if (stacks[0] === undefined) return null
      filter += `&stackId=${stacks[0].id}`
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
}

function projectPath(ref: ServiceRef): string {
  return `/projects/${encodeURIComponent(ref.project ?? '')}`
}

import type {
  AutoscalingSpec,
  Capabilities,
  DeploySpec,
  LogLine,
  Operation,
  OperationState,
  Platform,
  PlatformConfig,
  RouterRef,
  ScaleSpec,
  ServiceRef,
  ServiceState,
  StoredRecord,
  TrafficSplit,
} from '../platform.js'
import { nextEnvWithProvenance, sameEnv } from '../env-vars.js'
import { callOptions, PlatformError } from '../platform.js'
import { type SettleOptions, settleWrite } from '../settle.js'
import { AlaudaApi } from './api.js'
import { ReplicaSplitter, reachableShares, requireRoundRobin, type SideGoal, shareOf } from '../replica-split.js'
import { AlaudaRecords } from './record-service.js'
import { planned, serving } from './replica-split.js'
import {
  type AlaudaService,
  autoscalingConfigOf,
  autoscalingOf,
  envvarsOf,
  imageOf,
  isStopped,
  phaseOf,
  splitImage,
  statusOf,
  toState,
} from './service.js'
import { segment } from '../path-segment.js'

const CAPABILITIES: Capabilities = {
  deploy: true,
  scale: true,
  lifecycle: true,
  remove: true,
  // no rollback of its own: the previous tag is deployed again (platforms.md 3.3)
  nativeRollback: false,
  create: true,
  traffic: 'replicas',
  stopsIdleSide: true,
  autoscaling: true,
  // a PUT of the previous image_tag is taken while is_deploying: a stuck deploy is undone at once
  undoWhileBusy: true,
}

/** What a service must reach for an operation to end well. */
interface Goal {
  ref: ServiceRef
  image?: string
  /** 0: stopped */
  instances?: number
  /** autoscaled: at least this many running */
  atLeast?: number
  stopped?: boolean
}

export function createAlauda(config: PlatformConfig): Platform {
  return new AlaudaPlatform(new AlaudaApi(config.apiUrl, config.credentials, config.http), config)
}

/**
 * Alauda v1 services (platforms.md section 3). `project` is the namespace. Every change is a PUT
 * the platform carries out by itself; the adapter watches `is_deploying`, the status and the
 * instance counts until the service reaches what was asked. A write whose answer is lost is
 * settled by reading the service (the client repeats only a DELETE itself).
 */
class AlaudaPlatform implements Platform {
  readonly name = 'alauda' as const
  readonly capabilities = CAPABILITIES
  private readonly splitter = new ReplicaSplitter('alauda', {
    set: (goal) => this.setInstances(goal),
    reached: async (goal) => reached(await this.get(goal.ref, 'observe'), goal),
  })

  private readonly records: AlaudaRecords

  constructor(
    private readonly api: AlaudaApi,
    private readonly settle: SettleOptions,
  ) {
    this.records = new AlaudaRecords(api, settle, (router, operation) => this.sides(router, operation))
  }

  async describe(ref: ServiceRef): Promise<ServiceState | null> {
    const service = await this.find(ref, 'describe')
    return service === null ? null : toState(service)
  }

  async deploy(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
    const image = splitImage(spec.image)
    if (spec.create && (await this.find(ref, 'deploy')) === null) return this.create(ref, spec)
    const service = await this.get(ref, 'deploy')
    // the source document names the service `service_name`, Alauda's CLI `app_name`: both are sent
    const vars = spec.env || spec.provenance ? nextEnvWithProvenance(envvarsOf(service), spec.env, spec.provenance) : undefined
    const body = {
      ...identity(ref),
      image_tag: image.image_tag,
      ...(image.image_name !== service.image_name && { image_name: image.image_name }),
      // the whole set: the PUT's instance_envvars replaces the service's (I)
      ...(vars && { instance_envvars: vars }),
    }
    // taken while the service is deploying too: this is how a stuck deploy is undone (undoWhileBusy)
    await this.write(
      ref,
      'deploy',
      () => this.api.call('PUT', servicePath(ref), callOptions('deploy', ref), body),
      (now) =>
        now?.image_name === image.image_name && now.image_tag === image.image_tag && (vars === undefined || sameEnv(envvarsOf(now), vars)),
    )
    return { id: `deploy:${ref.service}:${image.image_tag}`, kind: 'deploy', ref, target: { image: spec.image } }
  }

  /**
   * POST a new service with the user's fields (instance_size, instance_ports, instance_envvars,
   * volumes, region_name, custom_domain_name, target_num_instances, scaling_mode,
   * autoscaling_config …); the CLI's defaults fill what the user left out.
   */
  private async create(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
    const body = {
      instance_size: 'XS',
      target_num_instances: 1,
      scaling_mode: 'MANUAL',
      target_state: 'STARTED',
      ...spec.create,
      ...((spec.env || spec.provenance) && {
        instance_envvars: nextEnvWithProvenance(
          envvarsOf({ instance_envvars: spec.create?.instance_envvars } as AlaudaService),
          spec.env,
          spec.provenance,
        ),
      }),
      ...identity(ref),
      namespace: namespace(ref),
      ...splitImage(spec.image),
    }
    await this.write(
      ref,
      'create',
      () => this.api.call('POST', `/services/${segment(namespace(ref))}/`, callOptions('create', ref, false), body),
      (now) => now !== null,
    )
    return { id: `create:${ref.service}`, kind: 'deploy', ref, target: { image: spec.image } }
  }

  async scale(ref: ServiceRef, spec: ScaleSpec): Promise<Operation> {
    const service = await this.get(ref, 'scale')
    const auto = autoscalingOf(service)
    if (auto) {
      throw new PlatformError(
        'alauda',
        'scale',
        ref.service,
        `the service is autoscaled (${auto.min}-${auto.max} instances): give "autoscaling: off" with "replicas" to set a fixed count`,
      )
    }
    await this.setCount(ref, 'scale', spec.replicas)
    return { id: `scale:${ref.service}:${spec.replicas}`, kind: 'scale', ref, target: { replicas: spec.replicas } }
  }

  /** AUTO with the CPU thresholds (as fractions, all values strings as in the source document), or back to MANUAL. */
  async autoscale(ref: ServiceRef, spec: AutoscalingSpec | null, replicas?: number): Promise<Operation> {
    await this.get(ref, 'autoscale')
    const body =
      spec === null
        ? { ...identity(ref), scaling_mode: 'MANUAL', ...(replicas !== undefined && { target_num_instances: replicas }) }
        : {
            ...identity(ref),
            scaling_mode: 'AUTO',
            autoscaling_config: {
              metric_name: 'CPU_UTILIZATION',
              metric_stat: 'MEAN',
              upper_threshold: String(spec.scaleUpCpu / 100),
              lower_threshold: String(spec.scaleDownCpu / 100),
              increase_delta: String(spec.step),
              decrease_delta: String(spec.step),
              minimum_num_instances: String(spec.min),
              maximum_num_instances: String(spec.max),
              wait_period: String(Math.round(spec.waitMs / 1000)),
            },
          }
    await this.write(
      ref,
      'autoscale',
      () => this.api.call('PUT', servicePath(ref), callOptions('autoscale', ref), body),
      (now) => now !== null && carries(now, body),
    )
    const id = spec === null ? `manual:${ref.service}` : `autoscale:${ref.service}:${spec.min}-${spec.max}`
    // the evidence of autoscaling on is the platform running its minimum, not the config written
    const target = spec !== null ? { atLeast: spec.min } : replicas !== undefined ? { replicas } : {}
    return { id, kind: 'scale', ref, target }
  }

  async lifecycle(ref: ServiceRef, verb: 'start' | 'stop' | 'restart'): Promise<Operation> {
    if (verb === 'restart')
      throw new PlatformError('alauda', 'restart', ref.service, 'Alauda has no restart: stop the service, then start it')
    await this.setState(ref, verb, verb)
    return { id: `${verb}:${ref.service}`, kind: 'lifecycle', ref, target: { phase: verb === 'stop' ? 'stopped' : 'running' } }
  }

  async remove(ref: ServiceRef): Promise<Operation> {
    const send = async () => {
      try {
        // not repeated by the client: the name may be a new service's by then (a preview's next up); the read settles it
        await this.api.call('DELETE', servicePath(ref), callOptions('remove', ref, false))
      } catch (error) {
        // a 404 on delete: already gone, as Alauda's CLI treats it (a DELETE repeated after it landed too)
        if (!(error instanceof PlatformError && error.kind === 'not-found')) throw error
      }
    }
    await this.write(ref, 'remove', send, (now) => now === null)
    return { id: `delete:${ref.service}`, kind: 'remove', ref, target: {} }
  }

  /** GET …/logs?start_time=&end_time= (epoch seconds): `[{instance_id, message, time}]`. */
  async logs(ref: ServiceRef, from: number, to: number): Promise<LogLine[]> {
    const query = `start_time=${Math.floor(from / 1000)}&end_time=${Math.ceil(to / 1000)}`
    const lines = await this.api.call<{ instance_id?: string; message?: string; time?: number }[]>(
      'GET',
      `${servicePath(ref).replace(/\/$/, '')}/logs?${query}`,
      callOptions('read logs', ref, true),
    )
    return (Array.isArray(lines) ? lines : [])
      .map((line) => ({
        time: Number(line.time ?? 0) * 1000,
        instance: String(line.instance_id ?? ''),
        message: String(line.message ?? ''),
      }))
      .sort((a, b) => a.time - b.time)
  }

  /** every wait reads the platform's status: there is no push channel that shows an end */
  polls(): boolean {
    return true
  }

  async observe(op: Operation): Promise<OperationState> {
    if (op.kind === 'traffic') return this.splitter.observe(op)
    const service = await this.find(op.ref, 'observe')
    if (op.kind === 'remove') {
      return service === null
        ? { status: 'succeeded', detail: 'service deleted' }
        : { status: 'running', detail: `still ${statusOf(service)}` }
    }
    if (service === null) return { status: 'failed', detail: 'the service is gone' }
    return reached(service, {
      ref: op.ref,
      ...(op.target.image !== undefined && { image: op.target.image }),
      ...(op.target.replicas !== undefined && { instances: op.target.replicas }),
      ...(op.target.atLeast !== undefined && { atLeast: op.target.atLeast }),
      ...(op.target.phase === 'stopped' && { stopped: true }),
    })
  }

  sideRef(router: RouterRef, side: 'blue' | 'green'): ServiceRef {
    return { service: router[side], ...(router.project && { project: router.project }) }
  }

  /** The split the two services' running instances make on their shared domain (the router). */
  async readTraffic(router: RouterRef): Promise<TrafficSplit | null> {
    const [blue, green] = await this.sides(router, 'read traffic')
    const split = shareOf(serving(blue), serving(green))
    if (split === null)
      throw new PlatformError('alauda', 'read traffic', router.router, `neither ${router.blue} nor ${router.green} runs an instance`)
    return split
  }

  async reachableWeights(router: RouterRef): Promise<number[]> {
    const [blue, green] = await this.sides(router, 'shift traffic')
    return reachableShares(planned(blue) + planned(green))
  }

  /** The release record: a service of its own, kept in the last phase once a release ends (record-service.ts). */
  readRecord(router: RouterRef): Promise<StoredRecord | null> {
    return this.records.read(router)
  }

  writeRecord(router: RouterRef, record: StoredRecord): Promise<void> {
    return this.records.write(router, record)
  }

  /** Green's share as instances of the two services; see platforms/replica-split.ts for the order of changes. */
  async writeTraffic(router: RouterRef, split: TrafficSplit): Promise<Operation> {
    requireRoundRobin('alauda', router, split)
    const [blue, green] = await this.sides(router, 'shift traffic')
    for (const service of [blue, green]) {
      const auto = autoscalingOf(service)
      if (auto) {
        throw new PlatformError(
          'alauda',
          'shift traffic',
          service.service_name,
          `it is autoscaled (${auto.min}-${auto.max} instances) and a replica split needs fixed counts: set "autoscaling: off" with action-scale first`,
        )
      }
    }
    const refs = { blue: this.sideRef(router, 'blue'), green: this.sideRef(router, 'green') }
    return this.splitter.start(router, refs, { blue: planned(blue), green: planned(green) }, split)
  }

  /** 0 stops the service; more sets the count, and starts it when stopped. */
  private async setInstances(goal: SideGoal): Promise<void> {
    const operation = 'shift traffic'
    const service = await this.get(goal.ref, operation)
    const instances = goal.instances
    if (instances === 0) {
      if (!isStopped(service)) await this.setState(goal.ref, operation, 'stop')
      return
    }
    if (service.target_num_instances !== instances) await this.setCount(goal.ref, operation, instances)
    if (isStopped(service)) await this.setState(goal.ref, operation, 'start')
  }

  private setCount(ref: ServiceRef, operation: string, instances: number): Promise<void> {
    return this.write(
      ref,
      operation,
      () => this.api.call('PUT', servicePath(ref), callOptions(operation, ref), { ...identity(ref), target_num_instances: instances }),
      (now) => now?.target_num_instances === instances,
    )
  }

  /** PUT …/start/ or …/stop/: landed once the service's target_state says so. */
  private setState(ref: ServiceRef, operation: string, verb: 'start' | 'stop'): Promise<void> {
    return this.write(
      ref,
      operation,
      () => this.api.call('PUT', `${servicePath(ref)}${verb}/`, callOptions(operation, ref)),
      (now) => now?.target_state === (verb === 'stop' ? 'STOPPED' : 'STARTED'),
    )
  }

  /**
   * Sends a write; when its answer is lost (platforms/settle.ts) the service says whether it
   * landed (`shows`), and it is sent again only when it did not.
   */
  private async write(
    ref: ServiceRef,
    operation: string,
    send: () => Promise<unknown>,
    shows: (service: AlaudaService | null) => boolean,
  ): Promise<void> {
    await settleWrite(
      `alauda: ${operation} of "${ref.service}"`,
      {
        send: async () => {
          await send()
          return true
        },
        landed: async () => (shows(await this.find(ref, operation)) ? true : null),
      },
      this.settle,
    )
  }

  /** Both sides of the router, which must share its domain. */
  private async sides(router: RouterRef, operation: string): Promise<[AlaudaService, AlaudaService]> {
    const [blue, green] = await Promise.all([
      this.get(this.sideRef(router, 'blue'), operation),
      this.get(this.sideRef(router, 'green'), operation),
    ])
    const strays = [blue, green].filter((service) => service.custom_domain_name !== router.router)
    if (strays.length > 0) {
      const which = strays.map((service) => `${service.service_name} serves "${service.custom_domain_name ?? ''}"`).join(', ')
      throw new PlatformError(
        'alauda',
        operation,
        router.router,
        `a replica split needs both services on the router's domain (custom_domain_name "${router.router}"): ${which}`,
      )
    }
    return [blue, green]
  }

  private async get(ref: ServiceRef, operation: string): Promise<AlaudaService> {
    const service = await this.find(ref, operation)
    if (service === null)
      throw new PlatformError('alauda', operation, ref.service, `service not found in namespace "${namespace(ref)}"`, 'not-found')
    return service
  }

  private async find(ref: ServiceRef, operation: string): Promise<AlaudaService | null> {
    try {
      return await this.api.call<AlaudaService>('GET', servicePath(ref), callOptions(operation, ref, true))
    } catch (error) {
      if (error instanceof PlatformError && error.kind === 'not-found') return null
      throw error
    }
  }
}

/**
 * How far a service got towards a goal. Deploying → wait; Running with every target instance →
 * done; stopped → done when asked, or (deploy) the new tag runs when the service starts; a
 * failed state → failed. Stopped right after a start is tolerated until the deadline.
 */
function reached(service: AlaudaService, goal: Goal): OperationState {
  const status = statusOf(service)
  const current = service.current_num_instances ?? 0
  const target = service.target_num_instances ?? 0
  const detail = `${status}, ${current}/${target} instance(s), ${imageOf(service)}`
  if (goal.image !== undefined && imageOf(service) !== goal.image)
    return { status: 'running', detail: `${detail}; not yet on ${goal.image}` }
  const phase = phaseOf(service)
  if (phase === 'deploying') return { status: 'running', detail }
  if (phase === 'failed') return { status: 'failed', detail }
  const wantStopped = goal.stopped === true
  // no instance: reached once none runs, whether the service is stopped or stays STARTED with none
  const wantNone = wantStopped || goal.instances === 0
  if (isStopped(service)) {
    // still stopping while instances run; a start asked for may not show yet
    if (current > 0 || !(wantNone || goal.image !== undefined)) return { status: 'running', detail }
    const note = wantNone ? '' : '; stopped: the new tag runs when the service starts'
    return { status: 'succeeded', detail: `${detail}${note}` }
  }
  if (wantStopped) return { status: 'running', detail }
  if (goal.instances === 0) return current === 0 && target === 0 ? { status: 'succeeded', detail } : { status: 'running', detail }
  if (phase !== 'running') return status === 'Stopped' ? { status: 'running', detail } : { status: 'failed', detail }
  if (goal.instances !== undefined && current !== goal.instances) return { status: 'running', detail }
  if (goal.atLeast !== undefined && current < goal.atLeast)
    return { status: 'running', detail: `${detail}; autoscaled, at least ${goal.atLeast}` }
  return { status: 'succeeded', detail }
}

/** The service carries an autoscaling PUT: its mode, count and every config value as sent. */
function carries(
  service: AlaudaService,
  body: { scaling_mode: string; target_num_instances?: number; autoscaling_config?: Record<string, string> },
): boolean {
  if (service.scaling_mode !== body.scaling_mode) return false
  if (body.target_num_instances !== undefined && service.target_num_instances !== body.target_num_instances) return false
  const config = autoscalingConfigOf(service) ?? {}
  return Object.entries(body.autoscaling_config ?? {}).every(([key, value]) => String(config[key]) === value)
}

function namespace(ref: ServiceRef): string {
  return ref.project ?? ''
}

function servicePath(ref: ServiceRef): string {
  return `/services/${segment(namespace(ref))}/${segment(ref.service)}/`
}

function identity(ref: ServiceRef): { service_name: string; app_name: string } {
  return { service_name: ref.service, app_name: ref.service }
}

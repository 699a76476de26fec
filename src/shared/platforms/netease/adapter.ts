import type {
  Capabilities,
  DeployCall,
  DeploySpec,
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
import { PlatformError } from '../platform.js'
import { NeteaseApi } from './api.js'
import { NeteaseApps } from './apps.js'
import { NeteaseMicroservices } from './microservices.js'

const CAPABILITIES: Capabilities = {
  deploy: true,
  scale: true,
  // neither kind can be stopped; microservices restart (platforms.md 4.3)
  lifecycle: false,
  remove: true,
  nativeRollback: false,
  create: true,
  // apps only: two apps on one domain, split by their containers
  traffic: 'replicas',
  stopsIdleSide: true,
  autoscaling: false,
  // undoWhileBusy is left unset: platforms.md documents no way to stop or replace a running build
  // or image update (no rollback, no cancel), so an undo waits for the platform to be idle
}

export function createNetease(config: PlatformConfig): Platform {
  const api = new NeteaseApi(config.apiUrl, config.credentials, config.http)
  return new NeteasePlatform(new NeteaseApps(api, config), new NeteaseMicroservices(api, config))
}

/**
 * NetEase Cloud (platforms.md section 4): an app ("cluster", built from source) when no
 * `project` is given, a microservice (an image) in the namespace `project` names otherwise.
 */
class NeteasePlatform implements Platform {
  readonly name = 'netease' as const
  readonly capabilities = CAPABILITIES

  constructor(
    private readonly apps: NeteaseApps,
    private readonly microservices: NeteaseMicroservices,
  ) {}

  private kind(ref: ServiceRef): NeteaseApps | NeteaseMicroservices {
    return ref.project === undefined ? this.apps : this.microservices
  }

  describe(ref: ServiceRef): Promise<ServiceState | null> {
    return this.kind(ref).describe(ref)
  }

  deploy(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
    return this.kind(ref).deploy(ref, spec)
  }

  /** a microservice's update-image refuses another repository, and a create; an app's deploy refuses nothing of its own */
  async checkDeploy(ref: ServiceRef, spec: DeploySpec): Promise<void> {
    if (ref.project !== undefined) await this.microservices.checkDeploy(ref, spec)
  }

  /** a microservice's deploy is its variables' update, waited for, then its image's; an app's is one write */
  async deployCalls(ref: ServiceRef, spec: DeploySpec): Promise<DeployCall[]> {
    return ref.project === undefined ? [] : this.microservices.deployCalls(ref, spec)
  }

  /** the image's update once a microservice's variables' update has ended */
  async followUp(op: Operation): Promise<Operation | null> {
    return op.ref.project === undefined ? null : this.microservices.followUp(op)
  }

  scale(ref: ServiceRef, spec: ScaleSpec): Promise<Operation> {
    return this.kind(ref).scale(ref, spec.replicas)
  }

  async lifecycle(ref: ServiceRef, verb: 'start' | 'stop' | 'restart'): Promise<Operation> {
    if (verb === 'restart' && ref.project !== undefined) return this.microservices.restart(ref)
    throw new PlatformError('netease', verb, ref.service, `NetEase ${ref.project === undefined ? 'apps' : 'microservices'} cannot ${verb}`)
  }

  remove(ref: ServiceRef): Promise<Operation> {
    return this.kind(ref).remove(ref)
  }

  /**
   * Every wait reads the platform's status (the watch shows containers, not an end), the first a
   * second after the write, but where a change may leave no lasting sign (apps and microservices say).
   */
  polls(op: Operation): boolean {
    return op.kind === 'traffic' || this.kind(op.ref).polls(op)
  }

  observe(op: Operation): Promise<OperationState> {
    if (op.kind === 'traffic') return this.apps.observeSplit(op)
    return this.kind(op.ref).observe(op)
  }

  readTraffic(router: RouterRef): Promise<TrafficSplit | null> {
    return this.appsOnly(router).readSplit(router)
  }

  reachableWeights(router: RouterRef): Promise<number[]> {
    return this.appsOnly(router).reachableShares(router)
  }

  writeTraffic(router: RouterRef, split: TrafficSplit): Promise<Operation> {
    return this.appsOnly(router).writeSplit(router, split)
  }

  readRecord(router: RouterRef): Promise<StoredRecord | null> {
    return this.appsOnly(router).readRecord(router)
  }

  writeRecord(router: RouterRef, record: StoredRecord): Promise<void> {
    return this.appsOnly(router).writeRecord(router, record)
  }

  private appsOnly(router: RouterRef): NeteaseApps {
    if (router.project !== undefined) {
      throw new PlatformError(
        'netease',
        'shift traffic',
        router.router,
        'a replica split is between two apps on one domain; microservices (with "project") have none',
      )
    }
    return this.apps
  }
}

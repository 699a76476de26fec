import type { HttpClient } from '../http/client.js'
import type { EnvChange, Provenance } from './env-vars.js'
import type { Credentials, PlatformName, RoutingMethod } from './terms.js'
import type { SocketConstructor } from './web-socket.js'

/** How a platform names one service: the same inputs on every platform, scoped by its own inputs. */
export interface ServiceRef {
  service: string
  project?: string
  application?: string
  /** the part of a service that runs the image (Jelastic node group) */
  nodeGroup?: string
}

export type ServicePhase = 'running' | 'deploying' | 'stopped' | 'failed' | 'unknown'

export interface ServiceState {
  /**
   * How the platform itself names the service, as the service input takes it back with no lookup:
   * ServiceStage's component_id (a UUID), NetEase's numeric id, Rancher's `1s…` id; Jelastic's
   * envName and Alauda's service_name, which their APIs address a service by.
   */
  id: string
  image: string
  replicas: number
  /** set when the platform scales the service itself */
  autoscaling?: { min: number; max: number }
  /** replicas running now */
  ready: number
  phase: ServicePhase
  /** the platform's own word for the state, for messages */
  status: string
  /**
   * The platform's own version of the service, where it keeps one apart from the image
   * (ServiceStage's component version): a rollback to "the version before" is proven by it, since
   * two versions may run the same image (a deploy of new variables).
   */
  version?: string
  url?: string
  /**
   * The service's environment variables as the platform keeps them; read only when asked for
   * (`describe(ref, { env: true })`) where it costs a call of its own (Jelastic).
   */
  env?: Record<string, string>
  /**
   * Of `env`, the names a replace leaves alone: those the platform lists with the service's own
   * but no deploy of this action set (Jelastic: the image's PATH, HOME …, and variables set by hand).
   */
  envKept?: string[]
}

export interface DescribeOptions {
  /** read the service's environment variables too */
  env?: boolean
}

export type SurgeMode = 'mirror' | 'extra' | 'nosurge'

/** A gray release (ServiceStage): the new version's share, and how its instances come in. */
export interface GrayRelease {
  weight: number
  surgeMode: SurgeMode
  /** the component's last one when not given */
  deploymentMode?: number
}

export interface DeploySpec {
  image: string
  /** create the service when it is missing, with the platform's own fields */
  create?: Record<string, unknown>
  /** start a gray release with this share for the new version (ServiceStage), instances brought in by its surge mode */
  gray?: GrayRelease
  /** how to upgrade in place (Rancher) */
  upgrade?: UpgradeStrategy
  /** the variables to merge into the service's, or to replace them with (written with the image) */
  env?: EnvChange
  /** where the deploy came from, kept as labels, properties or PAAS_RELEASE_* variables with the write */
  provenance?: Provenance
  /** false: the flow will not wait for the operation (`wait: false`), so nothing can be sent once it has ended */
  wait?: boolean
  /**
   * it undoes a failed deploy (a rollback with the variables from before): where the image and the
   * variables are two updates, the image goes first, since the one running now may not start
   */
  undoing?: boolean
}

/** One of the calls a deploy makes, for a dry run's plan: what it changes, before → after (names of variables, never values). */
export interface DeployCall {
  /** the platform's name for the call */
  call: string
  before: string
  after: string
}

/** An in-service upgrade: containers replaced `batchSize` at a time, `intervalMs` apart. */
export interface UpgradeStrategy {
  batchSize: number
  intervalMs: number
  /** start the new container before stopping the old one */
  startFirst: boolean
  /** finish the upgrade once it is done; false keeps it open for a check by hand (rollback stays possible) */
  finish: boolean
}

export interface ScaleSpec {
  replicas: number
}

/** The platform scales the service itself between min and max replicas, by CPU use. */
export interface AutoscalingSpec {
  min: number
  max: number
  /** CPU use (percent of the instance's share) above which a replica is added, and below which one is removed */
  scaleUpCpu: number
  scaleDownCpu: number
  /** replicas added or removed at a time */
  step: number
  /** how long the platform waits between two changes */
  waitMs: number
}

/** One line of a service's log. */
export interface LogLine {
  /** epoch ms */
  time: number
  instance: string
  message: string
}

/** What a mutating call started; the platform finishes it later, `observe` reads how far it got. */
export interface Operation {
  id: string
  kind: 'deploy' | 'scale' | 'lifecycle' | 'remove' | 'traffic'
  ref: ServiceRef
  /** what the operation must reach to succeed */
  target: {
    image?: string
    /**
     * the variables the service must run with, where the platform's configs may differ in them
     * alone (Rancher: a launch config brought back may share its image with the one it replaces)
     */
    env?: Record<string, string>
    replicas?: number
    /** autoscaling handed to the platform: at least this many running (its minimum) */
    atLeast?: number
    phase?: ServicePhase
  }
}

export interface OperationState {
  status: 'running' | 'succeeded' | 'failed'
  /** the last state the platform showed, in its own words */
  detail: string
}

export interface RouterRef {
  router: string
  blue: string
  green: string
  project?: string
  application?: string
}

/** A router's split: the share (0-100) of each side, which add up to 100. */
export interface TrafficSplit {
  blue: number
  green: number
  routingMethod: RoutingMethod
}

/**
 * What a release remembers between steps and jobs, kept on the platform where it allows (the
 * router's properties on Jelastic). Observed platform state always wins over it.
 */
export interface StoredRecord {
  /** who runs the release: the repository and workflow run, the same on a re-run */
  release: string
  /** the side that served before the release, and the one it brings in */
  stable: string
  candidate: string
  /** the images each side ran when the release started */
  stableImage?: string
  candidateImage?: string
  phase: string
  /** the step of the plan (1-based) and the candidate's weight */
  step: number
  weight: number
  startedAt: string
  /** when the step's weight was reached: a re-run holds the step from there, not from zero */
  stepReachedAt?: string
  /** refreshed while the release runs: a claim not refreshed for a while is stale */
  updatedAt: string
}

/** the phases of a release that is still under way: its claim on the router stands */
export function inFlight(phase: string): boolean {
  return phase === 'progressing' || phase === 'aborting'
}

/** a claim that has not been refreshed for this long, on a router that is not split, is stale */
export const CLAIM_TTL_MS = 60_000

/** A record as a platform stores it (JSON, as text or parsed); null when absent or not a record. */
export function parseRecord(value: unknown): StoredRecord | null {
  if (value === undefined || value === null || value === '') return null
  try {
    const record = (typeof value === 'string' ? JSON.parse(value) : value) as Partial<StoredRecord>
    return typeof record.stable === 'string' && typeof record.candidate === 'string' && typeof record.release === 'string'
      ? (record as StoredRecord)
      : null
  } catch {
    return null
  }
}

export interface Capabilities {
  deploy: boolean
  scale: boolean
  lifecycle: boolean
  remove: boolean
  /** a native rollback to the version before, without being told the image */
  nativeRollback: boolean
  /** deploy can create a missing service (spec.create) */
  create: boolean
  /** 'weighted': a router that takes a percentage; 'replicas': split by replica ratio; 'none' */
  traffic: 'weighted' | 'replicas' | 'none'
  /** a side given no share is stopped by the router itself (nothing left to scale down after an abort) */
  stopsIdleSide?: boolean
  /** the platform can scale a service by itself (`autoscale`) */
  autoscaling: boolean
  /**
   * a deploy that is still running (stuck, or out of time) can be undone at once, without waiting
   * for it to end: a deploy of the previous image, or the native rollback, is taken while busy
   */
  undoWhileBusy?: boolean
}

export interface Platform {
  readonly name: PlatformName
  readonly capabilities: Capabilities
  /** null when the service does not exist */
  describe(ref: ServiceRef, options?: DescribeOptions): Promise<ServiceState | null>
  /** deploys an image; creates the service first when it is missing and spec.create allows it */
  deploy(ref: ServiceRef, spec: DeploySpec): Promise<Operation>
  /**
   * The refusals `deploy` makes of its own before it writes, for a dry run: it reads what deploy
   * reads and throws what deploy would throw, and writes nothing. Absent: deploy refuses nothing
   * the flow does not see.
   */
  checkDeploy?(ref: ServiceRef, spec: DeploySpec): Promise<void>
  /**
   * The calls a deploy of `spec` would make, in order, for a dry run's plan, where they are calls
   * the flow sees apart (NetEase microservices: the variables, waited for, then the image); reads
   * what deploy reads, writes nothing, and throws what deploy would throw. Absent: the deploy is one write.
   */
  deployCalls?(ref: ServiceRef, spec: DeploySpec): Promise<DeployCall[]>
  scale(ref: ServiceRef, spec: ScaleSpec): Promise<Operation>
  /** reads what `scale` reads and throws what it would refuse, writing nothing (a dry run's check) */
  checkScale?(ref: ServiceRef, spec: ScaleSpec): Promise<void>
  /** hands scaling to the platform (spec), or takes it back (null), at `replicas` when given */
  autoscale?(ref: ServiceRef, spec: AutoscalingSpec | null, replicas?: number): Promise<Operation>
  lifecycle(ref: ServiceRef, verb: 'start' | 'stop' | 'restart'): Promise<Operation>
  remove(ref: ServiceRef): Promise<Operation>
  /**
   * removes the group the service was created in, with everything in it (Rancher: the stack of a
   * `stack/service`, its other services too); null when there is no such group
   */
  removeGroup?(ref: ServiceRef): Promise<Operation | null>
  /** the platform's own rollback: to the version before (`to` undefined), or to an image or version it recorded */
  rollback?(ref: ServiceRef, to?: string): Promise<Operation>
  /**
   * the share (1-99) of the service's traffic its image takes while a gray release of it is open
   * (ServiceStage); undefined when none is: the image the service shows then serves only that share
   */
  grayShare?(ref: ServiceRef): Promise<number | undefined>
  /** the service's log lines between two instants (epoch ms), oldest first */
  logs?(ref: ServiceRef, from: number, to: number): Promise<LogLine[]>
  /** one read of how far an operation got; the shared waiter loops */
  observe(op: Operation): Promise<OperationState>
  /**
   * true where `observe` learns how far `op` got only by reading the platform's status (no
   * synchronous answer, no event stream): the write's answer just showed it started, so the
   * waiter's first read comes a second after it. Absent: read at once.
   */
  polls?(op: Operation): boolean
  /**
   * Once `op` succeeded: the operation that must follow to end it, already sent, or null when none
   * must (Rancher's finishupgrade once an upgrade reached `upgraded`). It is sent from the state
   * the last observe read, with no read between, and waited for by a waiter of its own, which
   * polls fast again: its end is noticed as fast as the first operation's.
   */
  followUp?(op: Operation): Promise<Operation | null>
  /** null when the router does not exist yet */
  readTraffic?(router: RouterRef): Promise<TrafficSplit | null>
  /** creates the router when it does not exist */
  writeTraffic?(router: RouterRef, split: TrafficSplit): Promise<Operation>
  /** writeTraffic's own refusal of `split` from the router's split now (`current`), for a dry run: throws as the write would */
  checkTraffic?(router: RouterRef, split: TrafficSplit, current: TrafficSplit | null): void
  /** the green shares (0-100) the router can reach, where it cannot reach every percentage (a replica ratio) */
  reachableWeights?(router: RouterRef): Promise<number[]>
  /** the service behind a side of the router (by default the side's own name; ServiceStage: the component) */
  sideRef?(router: RouterRef, side: 'blue' | 'green'): ServiceRef
  /** the release record kept on the router; null when there is none */
  readRecord?(router: RouterRef): Promise<StoredRecord | null>
  writeRecord?(router: RouterRef, record: StoredRecord): Promise<void>
  readonly webhooks?: Webhooks
  /** ends what the platform holds open past a call (Rancher: an event stream opened before a write whose wait never came); called once the flow is done */
  close?(): void
}

/** A receiver of Rancher's webhook service, as it may be shown: its trigger URL is a secret and never is. */
export interface WebhookReceiver {
  id: string
  name: string
  driver: string
  state?: string
}

/** Scaling by webhook receivers (Rancher's webhook service, platforms.md 5.4). */
export interface Webhooks {
  /** calls a receiver's trigger URL with no credentials */
  trigger(url: URL): Promise<void>
  create(project: string, receiver: Record<string, unknown>): Promise<WebhookReceiver>
  list(project: string): Promise<WebhookReceiver[]>
}

/** What a platform call is for, for messages and retries: the operation, its service, whether it may be repeated. */
export interface CallOptions {
  operation: string
  target: string
  idempotent?: boolean
  /** its answer carries a secret issued to the run (HttpRequest.secretAnswer) */
  secretAnswer?: boolean
}

export function callOptions(operation: string, ref: ServiceRef, idempotent?: boolean): CallOptions {
  return { operation, target: ref.service, ...(idempotent !== undefined && { idempotent }) }
}

export interface PlatformConfig {
  /** the action's one deadline (epoch ms): synchronous platform calls may take until then */
  deadline: () => number
  /** the signal requests listen to (the job's cancellation; none during cleanup after a cancel) */
  signal?: () => AbortSignal | undefined
  apiUrl: URL
  credentials: Credentials
  http: HttpClient
  /** the WebSocket a platform's event stream is opened with (Node's own), asked for when a wait subscribes; none: waits read */
  webSocket?: () => SocketConstructor | undefined
  log: (message: string) => void
  /** what the user should know (a ::warning:: on the runner) */
  warn: (message: string) => void
  /** see SettleOptions.inDoubt */
  inDoubt?: (outstanding: boolean) => void
}

/**
 * A platform's refusal or failure, in its own words. `failed`: the platform ran the operation
 * and it failed (something may have changed); `refused`: nothing was done.
 */
export class PlatformError extends Error {
  override name = 'PlatformError'
  constructor(
    readonly platform: PlatformName,
    readonly operation: string,
    readonly target: string,
    readonly platformMessage: string,
    readonly kind: 'auth' | 'not-found' | 'refused' | 'failed' | 'unavailable' = 'refused',
  ) {
    super(`${platform}: ${operation} of "${target}" failed: ${platformMessage}`)
  }
}

/** The platform's throttling, still answered after every retry: the call was not carried out. */
export class ThrottledError extends PlatformError {
  override name = 'ThrottledError'
  constructor(platform: PlatformName, operation: string, target: string, platformMessage: string) {
    super(platform, operation, target, platformMessage, 'unavailable')
  }
}

/**
 * A write a second send would do twice, whose answer was lost and whose landing the platform's
 * state does not show: it was not sent again, and nothing after it (an abort, the post step) may
 * send it again either.
 */
export class NotSentAgainError extends PlatformError {
  override name = 'NotSentAgainError'
  constructor(platform: PlatformName, operation: string, target: string, platformMessage: string) {
    super(platform, operation, target, platformMessage, 'failed')
  }
}

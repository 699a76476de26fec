import type {
  Capabilities,
  DeploySpec,
  Operation,
  OperationState,
  Platform,
  PlatformConfig,
  RouterRef,
  ScaleSpec,
  ServicePhase,
  ServiceRef,
  ServiceState,
  StoredRecord,
  TrafficSplit,
} from '../platform.js'
import { callOptions, NotSentAgainError, PlatformError } from '../platform.js'
import { type Label, labelsWithRecord, recordFromLabels, recordLabelKey } from '../record-label.js'
import { sleep as defaultSleep } from '../../http/backoff.js'
import { NetworkError } from '../../http/errors.js'
import { isNoAnswer, type SettleOptions, settleWrite } from '../settle.js'
import { findInPages } from '../paged-scan.js'
import { serviceIdOf } from '../service-id.js'
import { ServiceStageApi } from './api.js'
import { type ComponentAction, type GrayRecord, grayAction, grayStrategy, grayWeight } from './gray.js'
import { envMap, envsAndLabels } from './env.js'
import { jobState } from './job.js'
import { MODIFY_FIELDS } from '../../../../vendor/servicestage-v3-models.js'
import { segment } from '../path-segment.js'

const CAPABILITIES: Capabilities = {
  deploy: true,
  scale: true,
  lifecycle: true,
  remove: true,
  nativeRollback: true,
  create: true,
  // the gray release of one component: the router is the component, blue its version, green the gray one
  traffic: 'weighted',
  autoscaling: false,
  // a rollback (rollback_current, or to a version by name) is taken while a job still runs, and ends it
  undoWhileBusy: true,
}

/** The fields of a component the adapter reads (platforms.md 2.2). */
interface Component {
  id: string
  name: string
  version?: string
  replica?: number
  source?: { url?: string }
  status?: { component_status?: string; replica?: number; available_replica?: number; last_job_id?: string }
  external_accesses?: { address?: string }[]
  deploy_strategy?: { type?: string; gray_release?: { deployment_mode?: number } }
  /** the rest of the spec (runtime_stack, refer_resources, limits, envs …), sent back whole by a PUT */
  [field: string]: unknown
}

interface DeployRecord {
  version?: string
  current_used?: boolean
  jobs?: { job_id?: string; job_info?: { source_url?: string } }[]
}

const PHASES: Record<string, ServicePhase> = {
  RUNNING: 'running',
  INITIALIZING: 'deploying',
  UPGRADING: 'deploying',
  STARTING: 'deploying',
  RESTARTING: 'deploying',
  PENDING: 'deploying',
  STOPPING: 'deploying',
  STOPPED: 'stopped',
  DOWN: 'stopped',
  FAILED: 'failed',
  PARTIALLY_FAILED: 'failed',
}

/** a component whose deletion has begun (platforms.md: `status.component_status`) */
const DELETING = new Set(['DELETING', 'DELETED'])

/** list pages: `limit` is 0–100 (the SDK's ShowComponents and ShowComponentsInApplication) */
const PAGE = 100

/** How often a job another write waits for is read: ServiceStage's one status read a second. */
const JOB_READ_MS = 1000

export function createServiceStage(config: PlatformConfig): Platform {
  const { token, accessKey, secretKey } = config.credentials
  const auth = token !== undefined ? { token } : accessKey !== undefined && secretKey !== undefined ? { accessKey, secretKey } : undefined
  if (auth === undefined)
    throw new PlatformError(
      'servicestage',
      'sign-in',
      'token',
      'no credentials: give "token" (an IAM token), or "access-key" and "secret-key"',
      'auth',
    )
  return new ServiceStagePlatform(new ServiceStageApi(config.apiUrl, auth, config.http), config)
}

/**
 * Huawei Cloud ServiceStage v3 (platforms.md section 2). A service is a component of an
 * application in a project; every change is an asynchronous job, observed through the jobs API.
 */
class ServiceStagePlatform implements Platform {
  readonly name = 'servicestage' as const
  readonly capabilities = CAPABILITIES
  private readonly ids = new Map<string, string>()

  constructor(
    private readonly api: ServiceStageApi,
    private readonly settle: SettleOptions,
  ) {}

  async describe(ref: ServiceRef): Promise<ServiceState | null> {
    const component = await this.component(ref, 'describe')
    return component === null ? null : toState(component)
  }

  async deploy(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
    if (spec.create && (await this.component(ref, 'deploy')) === null) return this.create(ref, spec)
    const { base, component } = await this.requireComponent(ref, 'deploy')
    const version = nextVersion(await this.highestVersion(ref, base, component.version))
    const body = modifyBody(component, spec, version)
    const operation = (id: string): Operation => ({ id, kind: 'deploy', ref, target: { image: spec.image } })
    const before = component.status?.last_job_id
    // the platform refuses a version twice, so a PUT whose answer was lost is settled by the
    // component: a job newer than the one before the PUT (the component may show the new version
    // only once that job is done), or a deployment record of the version sent. A newer job could
    // be someone else's (a scale by hand); nothing tells while it runs, and the deploy's read-back
    // of the image once it succeeded fails such a deploy rather than call it deployed. A gray
    // deploy has no such read-back (the image shown serves only a share): its newer job counts only
    // when the component shows the version sent, or a record of that version is there. While that
    // job runs neither may show yet (the version is applied during the job), and a PUT sent again
    // would be refused as busy: the job is waited for, and the component read again once it ended.
    const fromState = async (now: { base: string; component: Component }, job: string | undefined): Promise<Operation | null> => {
      if (job !== undefined && (spec.gray === undefined || now.component.version === version)) return operation(job)
      const recorded = await this.recordJob(ref, now.base, version)
      return recorded === undefined ? null : operation(recorded)
    }
    return settleWrite(
      `servicestage: deploy of "${ref.service}"`,
      {
        send: async () => operation((await this.api.call<{ job_id: string }>('PUT', base, callOptions('deploy', ref, false), body)).job_id),
        landed: async () => {
          const now = await this.requireComponent(ref, 'deploy')
          const last = now.component.status?.last_job_id
          const newer = last !== undefined && last !== before ? last : undefined
          const found = await fromState(now, newer)
          if (found !== null || newer === undefined || spec.gray === undefined) return found
          await this.jobEnded(ref, newer)
          return fromState(await this.requireComponent(ref, 'deploy'), newer)
        },
        // the version is refused twice: a send again refused may be the first one landed late
        settlesRefusal: true,
      },
      this.settle,
    )
  }

  /**
   * POST a new component (platforms.md 2.2): the user's fields (runtime_stack, environment_id,
   * refer_resources, replica, limit_cpu, envs, deploy_strategy ...) with the name, the image
   * source and a first version set here.
   */
  private async create(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
    const body = {
      ...spec.create,
      ...envsAndLabels(spec.create ?? {}, spec.env, spec.provenance),
      name: ref.service,
      source: { kind: 'image', storage: 'swr', url: spec.image },
      version: nextVersion(undefined),
    }
    const operation = (id: string): Operation => ({ id, kind: 'deploy', ref, target: { image: spec.image } })
    // a POST whose answer was lost: the component is there (with its PROVISION job), or it is not
    return settleWrite(
      `servicestage: create of "${ref.service}"`,
      {
        send: async () => {
          const created = await this.api.call<{ job_id: string; component_id: string }>(
            'POST',
            appPath(ref),
            callOptions('create', ref),
            body,
          )
          this.ids.set(ref.service, created.component_id)
          return operation(created.job_id)
        },
        landed: async () => {
          const found = await this.component(ref, 'create')
          const job = found?.status?.last_job_id
          return found === null || job === undefined ? null : operation(job)
        },
      },
      this.settle,
    )
  }

  async scale(ref: ServiceRef, spec: ScaleSpec): Promise<Operation> {
    return this.action(ref, 'scale', { action: 'scale', parameters: { replica: spec.replicas } }, { replicas: spec.replicas })
  }

  async lifecycle(ref: ServiceRef, verb: 'start' | 'stop' | 'restart'): Promise<Operation> {
    return this.action(ref, verb, { action: verb }, { phase: verb === 'stop' ? 'stopped' : 'running' })
  }

  async rollback(ref: ServiceRef, to?: string): Promise<Operation> {
    if (to === undefined) return this.action(ref, 'rollback', { action: 'rollback_current' }, {})
    const known = await this.requireComponent(ref, 'rollback')
    const version = await this.recordedVersion(ref, known.base, to)
    return this.action(ref, 'rollback', { action: 'rollback', parameters: { version } }, {}, known)
  }

  async remove(ref: ServiceRef): Promise<Operation> {
    const { base, component } = await this.requireComponent(ref, 'remove')
    // already deleting (a remove before it, run again): what was asked is under way
    if (!DELETING.has(component.status?.component_status ?? '')) await this.deleteComponent(ref, base)
    this.ids.delete(ref.service)
    return { id: `delete/${ref.service}`, kind: 'remove', ref, target: {} }
  }

  /**
   * DELETE by the component's id: a repeat can only meet this component, gone or deleting. The
   * client does not repeat it (a second DELETE while the first deletes is refused): a lost answer
   * is settled by the component's status.
   */
  private async deleteComponent(ref: ServiceRef, base: string): Promise<void> {
    await settleWrite(
      `servicestage: remove of "${ref.service}"`,
      {
        send: async () => {
          try {
            await this.api.call('DELETE', base, callOptions('remove', ref, false))
          } catch (error) {
            // a DELETE sent again after its answer was lost finds the component gone: that is what was asked
            if (!(error instanceof PlatformError && error.kind === 'not-found')) throw error
          }
          return true
        },
        landed: async () => {
          const left = await this.component(ref, 'remove')
          return left === null || DELETING.has(left.status?.component_status ?? '') ? true : null
        },
        // one sent again while the first deletes is refused: the component's status says so
        settlesRefusal: true,
      },
      this.settle,
    )
  }

  sideRef(router: RouterRef): ServiceRef {
    return routerService(router)
  }

  /** The gray release's split: green is the gray version's weight; all on blue when none is in progress. */
  async readTraffic(router: RouterRef): Promise<TrafficSplit | null> {
    const weight = (await this.grayWeightOf(routerService(router), 'read traffic')) ?? 0
    return { blue: 100 - weight, green: weight, routingMethod: 'round-robin' }
  }

  async grayShare(ref: ServiceRef): Promise<number | undefined> {
    const weight = await this.grayWeightOf(ref, 'describe')
    return weight !== undefined && weight > 0 && weight < 100 ? weight : undefined
  }

  /** The gray version's weight, from the component's newest deployment record; undefined when it was no gray release. */
  private async grayWeightOf(ref: ServiceRef, operation: string): Promise<number | undefined> {
    const base = await this.requireBase(ref, operation)
    return grayWeight(await this.records<GrayRecord>(ref, base, operation))
  }

  async writeTraffic(router: RouterRef, split: TrafficSplit): Promise<Operation> {
    const ref = routerService(router)
    this.checkTraffic(router, split, await this.readTraffic(router))
    return this.action(ref, 'shift traffic', grayAction(split.green), {})
  }

  /** Only a gray release in progress can be moved: none at 0%, and one promoted at 100%. */
  checkTraffic(router: RouterRef, _split: TrafficSplit, current: TrafficSplit | null): void {
    if (current?.green === 0 || current?.green === 100) {
      const why =
        current.green === 0
          ? 'no gray release is in progress: start one with action-deploy and gray-weight'
          : 'the gray release was promoted: deploy again to start a new one'
      throw new PlatformError('servicestage', 'shift traffic', routerService(router).service, why)
    }
  }

  /**
   * The release record is a label of the component's application (a PUT of the application's
   * labels changes no component: servicestage_06_0069), one label per router.
   */
  async readRecord(router: RouterRef): Promise<StoredRecord | null> {
    const app = await this.application(routerService(router), 'read the release record')
    return recordFromLabels(app.labels, router)
  }

  async writeRecord(router: RouterRef, record: StoredRecord): Promise<void> {
    const operation = 'write the release record'
    const ref = routerService(router)
    const app = await this.application(ref, operation)
    let labels: Label[]
    try {
      labels = labelsWithRecord(app.labels, router.router, record)
    } catch (error) {
      throw new PlatformError('servicestage', operation, router.router, (error as Error).message, 'refused')
    }
    const sent = labels.find((label) => label.key === recordLabelKey(router.router))?.value
    // a lost answer is settled by the labels: the record reads back as sent, or it is sent again
    await settleWrite(
      `servicestage: ${operation} of "${router.router}"`,
      {
        send: async () => {
          await this.api.call('PUT', applicationPath(ref), callOptions(operation, ref), { labels })
          return record
        },
        landed: async () => {
          const now = await this.application(ref, operation)
          return now.labels?.some((label) => label.key === recordLabelKey(router.router) && label.value === sent) ? record : null
        },
      },
      this.settle,
    )
  }

  private async application(ref: ServiceRef, operation: string): Promise<{ labels?: Label[] }> {
    return this.api.call<{ labels?: Label[] }>('GET', applicationPath(ref), callOptions(operation, ref, true))
  }

  /** every wait reads the platform's status: there is no push channel that shows an end */
  polls(): boolean {
    return true
  }

  async observe(op: Operation): Promise<OperationState> {
    if (op.kind === 'remove') {
      const left = await this.component(op.ref, 'observe')
      return left === null
        ? { status: 'succeeded', detail: 'component deleted' }
        : { status: 'running', detail: `still ${left.status?.component_status}` }
    }
    const project = op.ref.project ?? ''
    const body = await this.api.call<Parameters<typeof jobState>[0]>(
      'GET',
      `/v3/${segment(project)}/cas/jobs/${segment(op.id)}`,
      callOptions('observe', op.ref, true),
    )
    return jobState(body)
  }

  /**
   * Waits, within the deadline, for a job to end (succeeded or failed), reading it once a second.
   * A job the platform will not show (not found) counts as ended: the component then tells. The
   * deadline or a cancel coming first leaves the write undecided, as a lost answer does (never
   * "did not land", which would send it again while the job runs).
   */
  private async jobEnded(ref: ServiceRef, id: string): Promise<void> {
    const sleep = this.settle.sleep ?? defaultSleep
    for (;;) {
      const state = await this.observe({ id, kind: 'deploy', ref, target: {} }).catch((error: unknown) => {
        if (isNoAnswer(error)) throw error
        return null
      })
      if (state === null || state.status !== 'running') return
      if (this.settle.signal?.()?.aborted || Date.now() + JOB_READ_MS >= this.settle.deadline())
        throw new NetworkError(`job ${id} had not ended when the time to wait for it ran out`, 'UNDECIDED')
      await sleep(JOB_READ_MS)
    }
  }

  /**
   * A component task (POST .../action). Its answer lost, the component's last job says whether it
   * landed: a job newer than the one before the POST is the task's.
   */
  private async action(
    ref: ServiceRef,
    operation: string,
    body: ComponentAction,
    target: Operation['target'],
    known?: { base: string; component: Component },
  ): Promise<Operation> {
    const { base, component } = known ?? (await this.requireComponent(ref, operation))
    const before = component.status?.last_job_id
    const started = (id: string): Operation => ({ id, kind: operation === 'scale' ? 'scale' : 'lifecycle', ref, target })
    return settleWrite(
      `servicestage: ${operation} of "${ref.service}"`,
      {
        send: async () =>
          started((await this.api.call<{ job_id: string }>('POST', `${base}/action`, callOptions(operation, ref), body)).job_id),
        landed: async () => {
          const job = (await this.requireComponent(ref, operation)).component.status?.last_job_id
          return job === undefined || job === before ? null : started(job)
        },
        // rollback_current goes back from the current version: a second one, after the first landed late, goes back to where the first came from
        ...(body.action === 'rollback_current' && {
          unrepeatable: (why: string) => new NotSentAgainError('servicestage', operation, ref.service, why),
        }),
      },
      this.settle,
    )
  }

  /** The component's deployment records, newest first: a page of them (`query`), read as `operation`. */
  private async records<T = DeployRecord>(ref: ServiceRef, base: string, operation: string, query = 'limit=10&offset=0'): Promise<T[]> {
    const { records = [] } = await this.api.call<{ records?: T[] }>('GET', `${base}/records?${query}`, callOptions(operation, ref, true))
    return records
  }

  /** The job of the deployment record of `version`, when the component does not name its last job. */
  private async recordJob(ref: ServiceRef, base: string, version: string): Promise<string | undefined> {
    const records = await this.records(ref, base, 'deploy')
    return records.find((record) => record.version === version)?.jobs?.at(-1)?.job_id
  }

  /**
   * The highest of the component's version and its newest deployment records' (limit 10, newest
   * first): after a rollback the component runs an older version than its records hold, and the
   * platform refuses a version twice. A read the platform refuses (4xx: an installation without it)
   * leaves the component's version; no answer, 5xx, APIG's throttle and an expired credential fail
   * the deploy as any read does.
   */
  private async highestVersion(ref: ServiceRef, base: string, current: string | undefined): Promise<string | undefined> {
    const recorded = await this.records(ref, base, 'deploy', 'limit=10&offset=0&order_by=create_time&order=desc')
      .then((records) => records.map((record) => record.version))
      .catch((error: unknown) => {
        if (error instanceof PlatformError && (error.kind === 'refused' || error.kind === 'not-found')) return []
        throw error
      })
    return (
      [current, ...recorded]
        .filter((version): version is string => version !== undefined && VERSION_STAMP.test(version))
        .sort()
        .at(-1) ?? current
    )
  }

  /** The version of a deployment record that ran `to` (an image or a version). */
  private async recordedVersion(ref: ServiceRef, base: string, to: string): Promise<string> {
    const records = await this.records(ref, base, 'rollback', 'limit=100&offset=0')
    const found = records.find((record) => record.version === to || record.jobs?.some((job) => job.job_info?.source_url === to))
    if (!found?.version) {
      const known = records
        .map((record) => record.version)
        .filter(Boolean)
        .join(', ')
      throw new PlatformError(
        'servicestage',
        'rollback',
        ref.service,
        `no deployment record ran ${to} (records: ${known || 'none'})`,
        'not-found',
      )
    }
    return found.version
  }

  private async requireBase(ref: ServiceRef, operation: string): Promise<string> {
    return (await this.requireComponent(ref, operation)).base
  }

  private async requireComponent(ref: ServiceRef, operation: string): Promise<{ base: string; component: Component }> {
    const component = await this.component(ref, operation)
    if (component === null) throw new PlatformError('servicestage', operation, ref.service, 'component not found', 'not-found')
    return { base: `${appPath(ref)}/${segment(component.id)}`, component }
  }

  /**
   * One request, where the name is unique, instead of a paged scan: the project's components
   * filtered by name (ShowComponents' `component_name`, servicestage_06_0078), the one of this
   * application taken; should more match than a page holds, the other pages follow in parallel.
   * Undefined when that cannot tell (the API not served, or items without `application_id`): the
   * application's list decides.
   */
  private async componentByName(ref: ServiceRef, operation: string): Promise<Component | null | undefined> {
    const cannotTell = new Error('no application_id')
    let found: Component | null
    try {
      found = await findInPages<Component & { application_id?: string }>({
        pageSize: PAGE,
        read: async (offset, signal) => {
          const page = await this.api.call<{ count?: number; components?: (Component & { application_id?: string })[] }>(
            'GET',
            `/v3/${segment(ref.project ?? '')}/cas/components?component_name=${encodeURIComponent(ref.service)}&limit=${PAGE}&offset=${offset}`,
            { ...callOptions(operation, ref, true), signal },
          )
          const components = page.components ?? []
          if (components.some((component) => typeof component.application_id !== 'string')) throw cannotTell
          return { items: components, ...(page.count !== undefined && { total: page.count }) }
        },
        matches: (component) => component.name === ref.service && component.application_id === ref.application,
      })
    } catch (error) {
      if (error === cannotTell || (error instanceof PlatformError && error.kind === 'not-found')) return undefined
      throw error
    }
    if (found) this.ids.set(ref.service, found.id)
    return found
  }

  /** A component by id, or by name: filtered by the API, else the application's list (the first page gives the count, the others 8 at a time, up to the match). */
  private async component(ref: ServiceRef, operation: string): Promise<Component | null> {
    const known = this.ids.get(ref.service) ?? serviceIdOf('servicestage', ref.service)
    if (known !== undefined) {
      try {
        return await this.api.call<Component>('GET', `${appPath(ref)}/${segment(known)}`, callOptions(operation, ref, true))
      } catch (error) {
        if (error instanceof PlatformError && error.kind === 'not-found') return null
        throw error
      }
    }
    const named = await this.componentByName(ref, operation)
    if (named !== undefined) return named
    const found = await findInPages<Component>({
      pageSize: PAGE,
      read: async (offset, signal) => {
        const page = await this.api.call<{ count?: number; components?: Component[] }>(
          'GET',
          `${appPath(ref)}?limit=${PAGE}&offset=${offset}`,
          { ...callOptions(operation, ref, true), signal },
        )
        return { items: page.components ?? [], ...(page.count !== undefined && { total: page.count }) }
      },
      matches: (component) => component.name === ref.service,
    })
    if (found) this.ids.set(ref.service, found.id)
    return found
  }
}

/**
 * The PUT of a new version, read-modify-write: the SDK's ComponentModify requires the whole spec
 * (name, runtime_stack, source, replica, version), and a PUT that replaces the spec would reset
 * what a minimal body leaves out. So the component's own fields go back as read, with the new
 * image and version; a gray release sets its strategy, and a plain deploy drops a gray one left
 * from the last release (it would start another).
 */
function modifyBody(component: Component, spec: DeploySpec, version: string): Record<string, unknown> {
  const read = Object.fromEntries(MODIFY_FIELDS.filter((field) => component[field] !== undefined).map((field) => [field, component[field]]))
  const { deploy_strategy: strategy, ...kept } = read as { deploy_strategy?: Component['deploy_strategy'] }
  const previousMode = component.deploy_strategy?.gray_release?.deployment_mode
  return {
    ...kept,
    ...envsAndLabels(component, spec.env, spec.provenance),
    source: { kind: 'image', storage: 'swr', url: spec.image },
    version,
    ...(spec.gray !== undefined
      ? { deploy_strategy: grayStrategy(spec.gray, component.replica ?? 1, previousMode) }
      : strategy !== undefined && strategy.type !== 'GrayRelease' && { deploy_strategy: strategy }),
  }
}

/** On ServiceStage the router is the component that runs the gray release. */
function routerService(router: RouterRef): ServiceRef {
  return {
    service: router.router,
    ...(router.project && { project: router.project }),
    ...(router.application && { application: router.application }),
  }
}

function applicationPath(ref: ServiceRef): string {
  return `/v3/${segment(ref.project ?? '')}/cas/applications/${segment(ref.application ?? '')}`
}

function appPath(ref: ServiceRef): string {
  return `${applicationPath(ref)}/components`
}

function toState(component: Component): ServiceState {
  const status = component.status?.component_status ?? 'UNKNOWN'
  const replicas = component.status?.replica ?? component.replica ?? 0
  const url = component.external_accesses?.find((access) => access.address)?.address
  return {
    id: component.id,
    image: component.source?.url ?? '',
    replicas,
    ready: component.status?.available_replica ?? 0,
    phase: PHASES[status] ?? 'unknown',
    status: `${status}, ${component.status?.available_replica ?? 0}/${replicas} replica(s) available, version ${component.version ?? '?'}`,
    ...(url && { url }),
    ...(component.version !== undefined && { version: component.version }),
    env: envMap(component.envs),
  }
}

/** The console's version format, yyyy.mmdd.hhmms (platforms.md 2.2): such versions sort as strings. */
const VERSION_STAMP = /^\d{4}\.\d{4}\.\d{5}$/

/**
 * A new component version in the console's format, always above `current` (the highest known):
 * two deploys in the same ten seconds get different versions.
 */
export function nextVersion(current: string | undefined, now: Date = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0')
  const fresh = `${now.getUTCFullYear()}.${two(now.getUTCMonth() + 1)}${two(now.getUTCDate())}.${two(now.getUTCHours())}${two(now.getUTCMinutes())}${Math.floor(now.getUTCSeconds() / 10)}`
  if (current === undefined || !VERSION_STAMP.test(current) || fresh > current) return fresh
  const [year, day, time] = current.split('.') as [string, string, string]
  return `${year}.${day}.${String(Number(time) + 1).padStart(5, '0')}`
}

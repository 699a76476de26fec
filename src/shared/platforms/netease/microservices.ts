import type { DeployCall, DeploySpec, Operation, OperationState, PlatformConfig, ServiceRef, ServiceState } from '../platform.js'
import { sameEnv } from '../env-vars.js'
import { callOptions, PlatformError } from '../platform.js'
import { type SettledWrite, type SettleOptions, settleWrite } from '../settle.js'
import { LIST_CONCURRENCY, LIST_PAGE, type NeteaseApi } from './api.js'
import { deployedContainer, dockerIds, envOf, type Microservice } from './microservice-model.js'
import { describeCalls, statelessBody, updatesFor } from './microservice-update.js'
import { findInPages } from '../paged-scan.js'
import { serviceIdOf } from '../service-id.js'
import { segment } from '../path-segment.js'
import { leavesLastingSign } from './change-evidence.js'

/** A microservice as it was right before an update or a restart: what the change must move. */
interface Change {
  /** the docker containers from before: an update replaces every one */
  before: Set<string>
  status: string
  /** the change was seen to start since */
  seen: boolean
  /** update-stateless: the variables it set, which the service must show at the end */
  envs?: Record<string, string>
  /** the update to send once this one has ended (followUp): update-image's image, or update-stateless's variables */
  then?: { image: string } | { envs: Record<string, string> }
  /** the service as the last observe read it: the image's update is sent from it, with no read between */
  last?: Microservice
}

/**
 * The image-based microservices API (platforms.md 4.3), in the namespace `project` names (its
 * name or id). A deploy changes the container's variables (`update-stateless`: env-vars and the
 * provenance as PAAS_RELEASE_* variables) and then its image (`update-image`, same repository
 * only), scaling is `elastic-scale`; statuses end in `_succ` or `_fail` (create_succ and
 * restart_succ are documented; the others are assumed in the same form).
 */
export class NeteaseMicroservices {
  private readonly ids = new Map<string, number>()
  private namespaceId: number | undefined
  /** per update-image and restart operation: the microservice before it */
  private readonly changes = new Map<string, Change>()

  constructor(
    private readonly api: NeteaseApi,
    private readonly settle: SettleOptions & Pick<PlatformConfig, 'warn'>,
  ) {}

  async describe(ref: ServiceRef): Promise<ServiceState | null> {
    const service = await this.find(ref, 'describe')
    return service === null ? null : toState(service)
  }

  /** deploy's refusals, for a dry run: the same read, no write. */
  async checkDeploy(ref: ServiceRef, spec: DeploySpec): Promise<void> {
    refuseCreate(ref, spec)
    updatesFor(ref, spec, await this.get(ref, 'deploy'))
  }

  /** the updates deploy would send, for a dry run: the same read and refusals, no write */
  async deployCalls(ref: ServiceRef, spec: DeploySpec): Promise<DeployCall[]> {
    refuseCreate(ref, spec)
    const service = await this.get(ref, 'deploy')
    return describeCalls(service, updatesFor(ref, spec, service))
  }

  /** The variables' update when they change (the image's follows it, followUp), else the image's; a rollback's the other way round. */
  async deploy(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
    refuseCreate(ref, spec)
    const service = await this.get(ref, 'deploy')
    const update = updatesFor(ref, spec, service)
    if (update.provenanceLeftOut)
      this.settle.warn(
        `netease: no provenance is kept on "${ref.service}": its variables are an update of their own, and the image's cannot follow it in a deploy that does not wait (wait: false)`,
      )
    const image = update.image ?? spec.image
    if (update.envs && update.imageFirst) return this.updateImage(ref, service, image, { envs: update.envs })
    if (update.envs) return this.updateEnvs(ref, service, update.envs, update.image === undefined ? undefined : { image: update.image })
    return this.updateImage(ref, service, image)
  }

  /**
   * update-stateless with every container as the GET showed it, the deployed one's variables
   * replaced by `envs`. A second one while the first runs is refused: it landed when the
   * container shows the variables. `then`: the image to set once it has ended.
   */
  private async updateEnvs(
    ref: ServiceRef,
    service: Microservice,
    envs: Record<string, string>,
    then?: Change['then'],
  ): Promise<Operation> {
    const path = `/microservices/${segment(service.service_info.id)}/actions/update-stateless`
    const body = statelessBody(ref, service, envs)
    const change: Change = { ...changeOf(service), envs, ...(then !== undefined && { then }) }
    await this.settled('deploy', ref, {
      send: async () => {
        await this.api.call('PUT', path, callOptions('deploy', ref, false), body)
        return true
      },
      landed: async () => (sameEnv(envOf(deployedContainer(await this.get(ref, 'deploy'))), envs) ? true : null),
      settlesRefusal: true,
    })
    const id = `update-stateless:${service.service_info.id}:${Date.now()}`
    this.changes.set(id, change)
    // the variables' update keeps the image the service runs
    return { id, kind: 'deploy', ref, target: { image: toState(service).image } }
  }

  private async updateImage(ref: ServiceRef, service: Microservice, image: string, then?: Change['then']): Promise<Operation> {
    const container = deployedContainer(service)
    const path = `/microservices/${segment(service.service_info.id)}/actions/update-image`
    const body = { container_images: [{ container_id: container?.container_id, image_path: image }], min_ready_seconds: 10 }
    const id = `update-image:${service.service_info.id}:${image}`
    const change: Change = { ...changeOf(service), ...(then !== undefined && { then }) }
    // a second update while the first one runs may be refused: it landed when the container has the image
    await this.settled('deploy', ref, {
      send: async () => {
        try {
          await this.api.call('PUT', path, callOptions('deploy', ref, false), body)
        } catch (error) {
          // the document's example uses PUT and its request line POST: whichever the platform takes
          if (!(error instanceof PlatformError && /\(405/.test(error.platformMessage))) throw error
          await this.api.call('POST', path, callOptions('deploy', ref, false), body)
        }
        return true
      },
      landed: async () => (toState(await this.get(ref, 'deploy')).image === image ? true : null),
      settlesRefusal: true,
    })
    this.changes.set(id, change)
    return { id, kind: 'deploy', ref, target: { image } }
  }

  /**
   * Once the first update has ended: the second, sent from the service as the last observe read
   * it (an update is refused while another runs), an operation of its own: the image's after the
   * variables', or a rollback's variables after its image.
   */
  async followUp(op: Operation): Promise<Operation | null> {
    const change = this.changes.get(op.id)
    const then = change?.then
    if (op.kind !== 'deploy' || !change?.last || then === undefined) return null
    delete change.then
    return 'image' in then ? this.updateImage(op.ref, change.last, then.image) : this.updateEnvs(op.ref, change.last, then.envs)
  }

  async scale(ref: ServiceRef, replicas: number): Promise<Operation> {
    const service = await this.get(ref, 'scale')
    // refused while the service changes: it landed when the service asks for that many replicas
    await this.settled('scale', ref, {
      send: async () => {
        await this.api.call(
          'PUT',
          `/microservices/${segment(service.service_info.id)}/actions/elastic-scale?new_replicas=${replicas}`,
          callOptions('scale', ref, false),
        )
        return true
      },
      landed: async () => ((await this.get(ref, 'scale')).service_info.replicas === replicas ? true : null),
      settlesRefusal: true,
    })
    return { id: `elastic-scale:${service.service_info.id}:${replicas}`, kind: 'scale', ref, target: { replicas } }
  }

  async restart(ref: ServiceRef): Promise<Operation> {
    const service = await this.get(ref, 'restart')
    const id = `restart:${service.service_info.id}`
    const change = changeOf(service)
    // a second restart restarts the containers again: it landed when the service shows a restart
    await this.settled('restart', ref, {
      send: async () => {
        await this.api.call(
          'PUT',
          `/microservices/${segment(service.service_info.id)}/actions/restart?option=restart`,
          callOptions('restart', ref, false),
        )
        return true
      },
      landed: async () => (changed(change, await this.get(ref, 'restart')) ? true : null),
    })
    this.changes.set(id, change)
    return { id, kind: 'lifecycle', ref, target: { phase: 'running' } }
  }

  /** A DELETE repeated after it landed finds nothing: gone is what was asked. */
  async remove(ref: ServiceRef): Promise<Operation> {
    const service = await this.get(ref, 'remove')
    await this.settled('remove', ref, {
      send: () =>
        this.api.call('DELETE', `/microservices/${segment(service.service_info.id)}?free_ip=false`, callOptions('remove', ref)).then(
          () => true,
          (error: unknown) => {
            if (error instanceof PlatformError && error.kind === 'not-found') return true
            throw error
          },
        ),
      landed: async () => ((await this.find(ref, 'remove')) === null ? true : null),
    })
    this.ids.delete(ref.service)
    return { id: `delete:${service.service_info.id}`, kind: 'remove', ref, target: {} }
  }

  private settled<T>(operation: string, ref: ServiceRef, write: SettledWrite<T>): Promise<T> {
    return settleWrite(`netease: ${operation} of "${ref.service}"`, write, this.settle)
  }

  /**
   * An update that may leave no lasting sign (leavesLastingSign) reads at once, and so does a
   * restart: it may keep its containers, and one from restart_succ ends where it began, so only
   * the status it shows while it runs tells it. The other waits read a second after the write.
   */
  polls(op: Operation): boolean {
    const change = this.changes.get(op.id)
    return !change || (op.kind !== 'lifecycle' && leavesLastingSign(change.before, change.status))
  }

  /**
   * An update is done when every container of the service is one it started (never on the
   * image_path or envs the update itself wrote), and a variables' update when the service shows
   * them too; a restart when it was seen and the service runs again; a scale when the service
   * runs that many containers.
   */
  async observe(op: Operation): Promise<OperationState> {
    const service = await this.find(op.ref, 'observe')
    if (op.kind === 'remove')
      return service === null ? { status: 'succeeded', detail: 'microservice deleted' } : { status: 'running', detail: 'still there' }
    if (service === null) return { status: 'failed', detail: 'the microservice is gone' }
    const state = toState(service)
    const status = service.service_info.status ?? '?'
    const change = this.changes.get(op.id)
    // a deploy whose call got no answer (the release observes it as "unknown"): no update of it is known
    if (op.kind === 'deploy' && !change)
      return { status: 'failed', detail: `${state.status}, ${state.image}; no image update was started for this deploy` }
    const update = op.kind === 'deploy' ? change : undefined
    const ready = update ? dockerIds(service).filter((id) => !update.before.has(id)).length : state.ready
    const kind = update?.envs ? ' with the new variables' : update ? ' of the new image' : ''
    const detail = `${status}, ${ready}/${state.replicas} container(s)${kind}, ${state.image}`
    if (change) change.last = service
    if (change) change.seen ||= changed(change, service)
    if (change && !change.seen) return { status: 'running', detail: `${detail}; waiting for the change to start` }
    if (status.endsWith('_fail')) return { status: 'failed', detail }
    if (op.target.image !== undefined && state.image !== op.target.image) return { status: 'running', detail }
    if (state.phase !== 'running' || ready !== state.replicas) return { status: 'running', detail }
    if (op.target.replicas !== undefined && ready !== op.target.replicas) return { status: 'running', detail }
    // names only: the values may be secrets
    if (update?.envs && !sameEnv(state.env ?? {}, update.envs))
      return { status: 'failed', detail: `${detail}; the microservice shows other variables than update-stateless set` }
    return { status: 'succeeded', detail }
  }

  private async get(ref: ServiceRef, operation: string): Promise<Microservice> {
    const service = await this.find(ref, operation)
    if (service === null)
      throw new PlatformError('netease', operation, ref.service, `microservice not found in namespace "${ref.project}"`, 'not-found')
    return service
  }

  private async find(ref: ServiceRef, operation: string): Promise<Microservice | null> {
    const given = serviceIdOf('netease', ref.service)
    let id = this.ids.get(ref.service) ?? (given === undefined ? undefined : Number(given))
    if (id === undefined) {
      const namespace = await this.namespace(ref, operation)
      // the first page gives the total; the others are read 16 at a time, up to the match
      const found = await findInPages<{ id: number; service_name: string }>({
        pageSize: LIST_PAGE,
        concurrency: LIST_CONCURRENCY,
        read: async (offset, signal) => {
          const page = await this.api.call<{ total?: number; microservice_infos?: { id: number; service_name: string }[] }>(
            'GET',
            `/namespaces/${segment(namespace)}/microservices?offset=${offset}&limit=${LIST_PAGE}`,
            { ...callOptions(operation, ref, true), signal },
          )
          return { items: page.microservice_infos ?? [], ...(page.total !== undefined && { total: page.total }) }
        },
        matches: (service) => service.service_name === ref.service,
      })
      if (found === null) return null
      id = found.id
      this.ids.set(ref.service, id)
    }
    try {
      return await this.api.call<Microservice>('GET', `/microservices/${segment(id)}`, callOptions(operation, ref, true))
    } catch (error) {
      if (error instanceof PlatformError && error.kind === 'not-found') return null
      throw error
    }
  }

  /** The namespace's id, from its name, display name or id. */
  private async namespace(ref: ServiceRef, operation: string): Promise<number> {
    if (this.namespaceId !== undefined) return this.namespaceId
    const { namespaces = [] } = await this.api.call<{ namespaces?: { id: number; namespace?: string; display_name?: string }[] }>(
      'GET',
      '/namespaces',
      callOptions(operation, ref, true),
    )
    const found = namespaces.find((n) => [String(n.id), n.namespace, n.display_name].includes(ref.project))
    if (!found) {
      const known = namespaces.map((n) => n.display_name ?? n.namespace ?? n.id).join(', ')
      throw new PlatformError(
        'netease',
        operation,
        ref.service,
        `namespace "${ref.project}" not found (namespaces: ${known || 'none'})`,
        'not-found',
      )
    }
    this.namespaceId = found.id
    return found.id
  }
}

function refuseCreate(ref: ServiceRef, spec: DeploySpec): void {
  if (spec.create)
    throw new PlatformError(
      'netease',
      'create',
      ref.service,
      'microservices are created in the console or with their own API; create deploys NetEase apps only',
    )
}

function changeOf(service: Microservice): Change {
  return { before: new Set(dockerIds(service)), status: service.service_info.status ?? '', seen: false }
}

/** The service shows a change since before the call: a working status, another status, other containers. */
function changed(change: Change, service: Microservice): boolean {
  const status = service.service_info.status ?? ''
  const ids = dockerIds(service)
  return (
    !/_succ$|_fail$/.test(status) ||
    status !== change.status ||
    ids.length !== change.before.size ||
    ids.some((id) => !change.before.has(id))
  )
}

export function toState(service: Microservice): ServiceState {
  const container = deployedContainer(service)
  const status = service.service_info.status ?? '?'
  const replicas = service.service_info.replicas ?? 0
  const ready = status.endsWith('_succ') ? (container?.docker_container_ids?.length ?? replicas) : 0
  const phase = status.endsWith('_succ')
    ? ready === replicas
      ? 'running'
      : 'deploying'
    : status.endsWith('_fail')
      ? 'failed'
      : 'deploying'
  return {
    id: String(service.service_info.id),
    image: container?.image_path ?? '',
    replicas,
    ready,
    phase,
    status: `${status}, ${ready}/${replicas} container(s)`,
    env: envOf(container),
  }
}

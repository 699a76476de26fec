import { type EnvChange, envWrites, nextEnv, type Provenance } from '../env-vars.js'
import type {
  Capabilities,
  DeploySpec,
  DescribeOptions,
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
import { parseRecord, PlatformError } from '../platform.js'
import { type SettledWrite, type SettleOptions, settleWrite } from '../settle.js'
import { createEnvParams } from './create-env.js'
import { type CallOptions, JelasticApi, JelasticError, type JelasticResponse, METHOD_NOT_FOUND } from './api.js'
import { type EnvInfo, envStatusName, groupNodes, isUpdating, type JelasticNode, nodeImage, phaseOf, toServiceState } from './env-info.js'
import {
  findUniqueName,
  modernOrLegacy,
  readSettings,
  settingsForSplit,
  splitFromSettings,
  type TdSettings,
} from './traffic-distributor.js'

const CAPABILITIES: Capabilities = {
  deploy: true,
  scale: true,
  lifecycle: true,
  remove: true,
  nativeRollback: false,
  create: true,
  traffic: 'weighted',
  autoscaling: false,
  // undoWhileBusy unset: Jelastic refuses a redeploy while the environment is UPDATING (result 2212)
}

const ENV = 'environment/control/rest/'

export function createJelastic(config: PlatformConfig): Platform {
  return new JelasticPlatform(config)
}

/**
 * Jelastic / Virtuozzo (platforms.md section 1). A service is an environment; the image runs in
 * one node group (default `cp`). Mutating calls are synchronous: they answer when done, and
 * `observe` confirms through `getenvinfo` (tags and status). Every method is a POST that is never
 * repeated blindly: one whose answer was lost is settled by what `getenvinfo` (or the router's
 * settings, or the record) shows.
 */
class JelasticPlatform implements Platform {
  readonly name = 'jelastic' as const
  readonly capabilities = CAPABILITIES
  private readonly api: JelasticApi
  private readonly log: (message: string) => void
  private readonly warn: (message: string) => void
  private readonly settle: SettleOptions
  /** set once getenvproperty answered "method not found": no record is kept */
  private noProperties = false

  constructor(config: PlatformConfig) {
    this.api = new JelasticApi(config.apiUrl, config.credentials, config.http, config.deadline)
    this.log = config.log
    this.warn = config.warn
    this.settle = config
  }

  async describe(ref: ServiceRef, options?: DescribeOptions): Promise<ServiceState | null> {
    const info = await this.envInfo(ref.service, 'describe')
    if (info === null) return null
    const state = toServiceState(info, group(ref))
    if (!options?.env) return state
    const [env, ours] = await Promise.all([this.readVars(ref), this.readVarsSetByUs(ref)])
    return { ...state, env, envKept: Object.keys(env).filter((key) => !ours?.includes(key)) }
  }

  /**
   * The names of the node group's variables that deploys of this action set, from the environment
   * property `paasReleaseVars` (`{"<node group>": [names]}`): Jelastic lists the image's own
   * variables (PATH, HOME …) and those set by hand with them, and cannot tell them apart, so a
   * replace removes only these. Undefined: the installation has no environment properties.
   */
  private async readVarsSetByUs(ref: ServiceRef, operation = 'describe'): Promise<string[] | undefined> {
    const byGroup = await this.varsSetByUs(ref, operation)
    if (byGroup === undefined) return undefined
    const names = byGroup[group(ref)]
    return Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string') : []
  }

  /** `paasReleaseVars` of every node group; undefined where the installation has no environment properties (result 1702). */
  private async varsSetByUs(ref: ServiceRef, operation: string): Promise<Record<string, unknown> | undefined> {
    if (this.noProperties) return undefined
    let body: JelasticResponse
    try {
      body = await this.api.call(`${ENV}getenvproperty`, { envName: ref.service }, { operation, target: ref.service, idempotent: true })
    } catch (error) {
      if (!(error instanceof JelasticError && error.result === METHOD_NOT_FOUND)) throw error
      this.noProperties = true
      return undefined
    }
    return parseJsonObject(findProperty(body, VARS_PROPERTY)) ?? {}
  }

  /**
   * Keeps the names a deploy's variables leave set by this action. The property holds every node
   * group's list, so a lost answer is settled by reading this group's back: sent again blindly, it
   * could put back another group's list as it was before that group's deploy changed it.
   */
  private async recordVarsSetByUs(ref: ServiceRef, names: string[]): Promise<void> {
    const mine = [...names].sort()
    await this.settled('deploy', ref.service, {
      send: async () => {
        // read again before each send: another node group's deploy may have changed its own list since
        const all = { ...(await this.varsSetByUs(ref, 'deploy')), [group(ref)]: mine }
        await this.api.call(
          `${ENV}applyenvproperty`,
          { envName: ref.service, properties: JSON.stringify({ [VARS_PROPERTY]: JSON.stringify(all) }) },
          { operation: 'deploy', target: ref.service },
        )
        return true
      },
      landed: async () => (JSON.stringify((await this.varsSetByUs(ref, 'deploy'))?.[group(ref)]) === JSON.stringify(mine) ? true : null),
    })
  }

  /** The node group's variables (getcontainerenvvarsbygroup: `object`, the image's own among them). */
  private async readVars(ref: ServiceRef, operation = 'describe'): Promise<Record<string, string>> {
    const body = await this.api.call(
      `${ENV}getcontainerenvvarsbygroup`,
      { envName: ref.service, nodeGroup: group(ref) },
      { operation, target: ref.service, idempotent: true },
    )
    const vars = body.object
    if (vars === null || typeof vars !== 'object' || Array.isArray(vars)) return {}
    return Object.fromEntries(Object.entries(vars).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
  }

  /**
   * The variables on the node group's containers, before the redeploy that brings them in. Merge
   * adds or sets the given ones (addcontainerenvvars overwrites an existing one); replace also
   * removes (removecontainerenvvars) those earlier deploys set that are not given, from the
   * variables read now, and leaves the image's own and those set by hand; a rollback's restore
   * puts back exactly the variables from before. The names this action set are kept after the
   * writes (`paasReleaseVars`). A write whose answer is lost is settled by reading the variables back.
   */
  /** `progress.changed` turns true once a write of the variables landed; `progress.step` names the write under way. */
  private async writeVars(ref: ServiceRef, change: EnvChange, progress: DeployProgress): Promise<void> {
    const ours = await this.readVarsSetByUs(ref, 'deploy')
    let set: Record<string, string> = { ...change.vars }
    let remove: string[] = []
    let oursAfter = [...new Set([...(ours ?? []), ...Object.keys(change.vars)])]
    if (change.update === 'replace') {
      const current = await this.readVars(ref, 'deploy')
      if (change.kept === undefined && ours === undefined) throw replaceWithoutProperties(ref)
      // a restore brings its own: the names that were not ours before the deploy
      const kept = change.kept ?? Object.keys(current).filter((key) => !ours?.includes(key))
      ;({ set, remove } = envWrites(current, nextEnv(current, { ...change, kept })))
      oursAfter = Object.keys(change.vars).filter((key) => !kept.includes(key))
    }
    const params = { envName: ref.service, nodeGroup: group(ref) }
    // not repeated by the client: a lost answer is settled by the variables read back
    const write = { operation: 'deploy', target: ref.service }
    // set before removing: a set refused after the removal would leave neither the old variables nor the new
    if (Object.keys(set).length > 0) {
      progress.step = 'the setting of the new ones'
      await this.settled('set variables', ref.service, {
        send: async () => {
          await this.api.call(`${ENV}addcontainerenvvars`, { ...params, vars: JSON.stringify(set) }, write)
          return true
        },
        landed: async () => {
          const now = await this.readVars(ref, 'deploy')
          return Object.entries(set).every(([key, value]) => Object.hasOwn(now, key) && now[key] === value) ? true : null
        },
      })
      progress.changed = true
    }
    if (remove.length > 0) {
      progress.step = 'the removal of the old ones'
      await this.settled('remove variables', ref.service, {
        send: async () => {
          await this.api.call(`${ENV}removecontainerenvvars`, { ...params, vars: JSON.stringify(remove) }, write)
          return true
        },
        landed: async () => {
          const now = await this.readVars(ref, 'deploy')
          return remove.every((key) => !Object.hasOwn(now, key)) ? true : null
        },
      })
      progress.changed = true
    }
    progress.step = 'the record of the names set'
    if (ours !== undefined && !sameNames(ours, oursAfter)) await this.recordVarsSetByUs(ref, oursAfter)
  }

  /** Provenance as environment properties (applyenvproperty); an installation without them is said once, not failed. */
  private async writeProvenance(ref: ServiceRef, provenance: Provenance): Promise<void> {
    if (this.noProperties) return
    const properties = Object.fromEntries(
      Object.entries(PROVENANCE_PROPERTIES)
        .map(([field, key]) => [key, provenance[field as keyof Provenance]])
        .filter(([, value]) => value),
    )
    try {
      await this.api.call(
        `${ENV}applyenvproperty`,
        { envName: ref.service, properties: JSON.stringify(properties) },
        { operation: 'deploy', target: ref.service, idempotent: true },
      )
    } catch (error) {
      if (!(error instanceof JelasticError && error.result === METHOD_NOT_FOUND)) throw error
      this.noProperties = true
      this.log(
        `jelastic: this installation has no environment properties (applyenvproperty: result ${METHOD_NOT_FOUND}): no provenance is kept on "${ref.service}"`,
      )
    }
  }

  async checkDeploy(ref: ServiceRef, spec: DeploySpec): Promise<void> {
    const info = await this.envInfo(ref.service, 'deploy')
    if (info === null) return
    sameRepository(info, ref, spec.image)
    if (spec.env?.update === 'replace' && (await this.readVarsSetByUs(ref, 'deploy')) === undefined) throw replaceWithoutProperties(ref)
  }

  async deploy(ref: ServiceRef, spec: DeploySpec): Promise<Operation> {
    const info = await this.envInfo(ref.service, 'deploy')
    if (info === null) {
      if (!spec.create) throw notFound(ref, 'deploy')
      // the variables go in the create call, as the node's docker.env (merge and replace alike: there are none before)
      const created = await this.create(ref, spec.image, spec.create, spec.env?.vars)
      if (spec.provenance) await this.writeProvenance(ref, spec.provenance)
      return created
    }
    sameRepository(info, ref, spec.image)
    const { tag } = splitImage(spec.image)
    const operation: Operation = {
      id: `redeploy/${ref.service}/${group(ref)}/${tag}/${Date.now()}`,
      kind: 'deploy',
      ref,
      target: { image: spec.image },
    }
    const onTag = (from: EnvInfo) => groupNodes(from, group(ref)).filter((node) => nodeImage(node) === spec.image).length
    const before = onTag(info)
    const nodes = groupNodes(info, group(ref)).length
    const progress: DeployProgress = { changed: false, step: '' }
    try {
      // the variables and the provenance first: the redeploy restarts the containers with them
      if (spec.env) await this.writeVars(ref, spec.env, progress)
      progress.step = 'the provenance'
      if (spec.provenance) await this.writeProvenance(ref, spec.provenance)
      progress.step = 'the redeploy'
      return await this.redeploy(ref, operation, tag, before, nodes, onTag)
    } catch (error) {
      // the variables changed already: a later call refused is a failed deploy, which the release rolls back
      if (!progress.changed || !(error instanceof PlatformError && (error.kind === 'refused' || error.kind === 'unavailable'))) throw error
      throw new PlatformError(
        'jelastic',
        'deploy',
        ref.service,
        `the variables were changed, then ${progress.step} ${error.kind === 'refused' ? 'was refused' : 'got no usable answer'}: ${error.platformMessage}`,
        'failed',
      )
    }
  }

  private redeploy(
    ref: ServiceRef,
    operation: Operation,
    tag: string,
    before: number,
    nodes: number,
    onTag: (from: EnvInfo) => number,
  ): Promise<Operation> {
    return this.settled('deploy', ref.service, {
      send: async () => {
        const body = await this.api.call(
          `${ENV}redeploycontainersbygroup`,
          { envName: ref.service, nodeGroup: group(ref), tag, isSequential: true, useExistingVolumes: true },
          { operation: 'deploy', target: ref.service, slow: true },
        )
        failOnNodeErrors(body, { operation: 'deploy', target: ref.service })
        return operation
      },
      // under way (UPDATING: observe waits for it), or ran: more nodes on the tag than before. A
      // redeploy of the tag every node already ran leaves no trace once it has ended: not under
      // way, it is sent again (the containers restart once more, as asked), never taken as done
      landed: async () => {
        const now = await this.requireEnv(ref, 'deploy')
        return isUpdating(now) || (before < nodes && onTag(now) > before) ? operation : null
      },
    })
  }

  /**
   * createenvironment (J-spec) with the user's `env` and `nodes`, the name from `service` and the
   * image on the node group's node. A create whose answer was lost landed when the environment
   * exists (observe then waits for it to run the image); a create is never sent over one that may
   * have landed.
   */
  private async create(
    ref: ServiceRef,
    image: string,
    spec: Record<string, unknown>,
    vars: Readonly<Record<string, string>> | undefined,
  ): Promise<Operation> {
    const params = createEnvParams(ref.service, group(ref), image, spec, vars)
    const operation: Operation = { id: `createenvironment/${ref.service}/${Date.now()}`, kind: 'deploy', ref, target: { image } }
    return this.settled('create', ref.service, {
      send: async () => {
        await this.api.call(`${ENV}createenvironment`, params, { operation: 'create', target: ref.service, slow: true })
        return operation
      },
      landed: async () => ((await this.envInfo(ref.service, 'create')) === null ? null : operation),
    })
  }

  async checkScale(ref: ServiceRef, spec: ScaleSpec): Promise<void> {
    topologyWith(await this.requireEnv(ref, 'scale'), group(ref), spec.replicas, ref.service)
  }

  async scale(ref: ServiceRef, spec: ScaleSpec): Promise<Operation> {
    const info = await this.requireEnv(ref, 'scale')
    const nodes = topologyWith(info, group(ref), spec.replicas, ref.service)
    const operation: Operation = {
      id: `changetopology/${ref.service}/${group(ref)}/${spec.replicas}/${Date.now()}`,
      kind: 'scale',
      ref,
      target: { replicas: spec.replicas },
    }
    return this.settled('scale', ref.service, {
      send: async () => {
        await this.api.call(
          `${ENV}changetopology`,
          { envName: ref.service, env: JSON.stringify({ shortdomain: ref.service }), nodes: JSON.stringify(nodes) },
          { operation: 'scale', target: ref.service, slow: true },
        )
        return operation
      },
      // under way (UPDATING), or done: the group has the node count asked for
      landed: async () => {
        const now = await this.requireEnv(ref, 'scale')
        return isUpdating(now) || groupNodes(now, group(ref)).length === spec.replicas ? operation : null
      },
    })
  }

  async lifecycle(ref: ServiceRef, verb: 'start' | 'stop' | 'restart'): Promise<Operation> {
    const options = { operation: verb, target: ref.service, slow: true }
    const operation: Operation = {
      id: `${verb}/${ref.service}/${Date.now()}`,
      kind: 'lifecycle',
      ref,
      target: { phase: verb === 'stop' ? 'stopped' : 'running' },
    }
    if (verb !== 'restart') {
      // the environment's status shows a start or a stop, done or under way
      const shows = verb === 'start' ? ['RUNNING', 'LAUNCHING'] : ['DOWN', 'STOPPING']
      return this.settled(verb, ref.service, {
        send: async () => {
          await this.api.call(`${ENV}${verb}env`, { envName: ref.service }, options)
          return operation
        },
        landed: async () => (shows.includes(envStatusName((await this.requireEnv(ref, verb)).env?.status)) ? operation : null),
      })
    }
    const running = (from: EnvInfo) => groupNodes(from, group(ref)).filter((node) => node.status === 1)
    const before = new Set(running(await this.requireEnv(ref, verb)).map((node) => node.id))
    return this.settled(verb, ref.service, {
      send: async () => {
        const body = await this.api.call(`${ENV}restartnodes`, { envName: ref.service, nodeGroup: group(ref), isSequential: true }, options)
        failOnNodeErrors(body, options)
        return operation
      },
      // under way: the environment is busy, or a node that ran is down. A restart that ended leaves
      // no trace: it is sent again, which only restarts the nodes once more
      landed: async () => {
        const now = await this.requireEnv(ref, verb)
        const up = new Set(running(now).map((node) => node.id))
        return phaseOf(now) === 'deploying' || [...before].some((id) => !up.has(id)) ? operation : null
      },
    })
  }

  async remove(ref: ServiceRef): Promise<Operation> {
    // deleteenv confirms with the password or the environment's name, by the platform's quota
    const password = this.api.password ?? ref.service
    const operation: Operation = { id: `deleteenv/${ref.service}/${Date.now()}`, kind: 'remove', ref, target: {} }
    return this.settled('remove', ref.service, {
      send: async () => {
        try {
          await this.api.call(
            `${ENV}deleteenv`,
            { envName: ref.service, password },
            { operation: 'remove', target: ref.service, slow: true },
          )
        } catch (error) {
          // a delete sent again after its answer was lost may find the environment gone: that is what was asked
          if (!(error instanceof PlatformError && error.kind === 'not-found')) throw error
        }
        return operation
      },
      landed: async () => ((await this.envInfo(ref.service, 'remove')) === null ? operation : null),
    })
  }

  async observe(op: Operation): Promise<OperationState> {
    const info = await this.envInfo(op.ref.service, 'observe')
    if (info === null) {
      return op.kind === 'remove'
        ? { status: 'succeeded', detail: 'environment removed' }
        : { status: 'failed', detail: 'environment no longer exists' }
    }
    if (op.kind === 'remove') return { status: 'running', detail: `environment still ${envStatusName(info.env?.status)}` }
    const state = toServiceState(info, group(op.ref))
    const nodes = groupNodes(info, group(op.ref))
    if (state.phase === 'deploying') return { status: 'running', detail: state.status }
    const stopped = nodes.filter((node) => node.status !== undefined && node.status !== 1)
    if (op.target.phase !== undefined) {
      if (state.phase !== op.target.phase) return { status: 'failed', detail: state.status }
      // a start or restart (found from the state after a lost answer) is done once its nodes run
      if (op.target.phase === 'running' && stopped.length > 0) {
        return { status: 'running', detail: `${state.status}; ${stopped.length} node(s) not running yet` }
      }
      return { status: 'succeeded', detail: state.status }
    }
    if (phaseOf(info) !== 'running') return { status: 'failed', detail: state.status }
    if (op.target.image !== undefined && (nodes.length === 0 || nodes.some((node) => nodeImage(node) !== op.target.image))) {
      return { status: 'failed', detail: `${state.status}; expected ${op.target.image}` }
    }
    if (op.target.replicas !== undefined && nodes.length !== op.target.replicas) {
      return { status: 'failed', detail: `${state.status}; expected ${op.target.replicas} node(s)` }
    }
    if (stopped.length > 0) return { status: 'running', detail: `${state.status}; ${stopped.length} node(s) not running yet` }
    return { status: 'succeeded', detail: state.status }
  }

  async readTraffic(router: RouterRef): Promise<TrafficSplit | null> {
    const found = await this.findRouter(router)
    if (found === null) return null
    const split = splitFromSettings(found.settings, await this.domains(router))
    if (split === undefined) {
      throw new PlatformError(
        'jelastic',
        'read traffic',
        router.router,
        `the Traffic Distributor routes to ${found.settings.backend1} and ${found.settings.backend2}, not to "${router.blue}" and "${router.green}"`,
      )
    }
    return split
  }

  async writeTraffic(router: RouterRef, split: TrafficSplit): Promise<Operation> {
    const domains = await this.domains(router)
    const found = await this.findRouter(router)
    const settings = settingsForSplit(split, domains, found?.settings)
    const operation: Operation = {
      id: `configure/${router.router}/${Date.now()}`,
      kind: 'traffic',
      ref: { service: router.router },
      target: {},
    }
    if (found) {
      const params = { appUniqueName: found.uniqueName, action: 'configure', params: JSON.stringify(settings) }
      return this.settled('configure traffic', router.router, {
        send: () =>
          this.appCall('configure traffic', router, ['marketplace/jps/rest/executeappaction', 'ExecuteAppAction'], params, operation),
        // the settings read back are the ones written
        landed: async () => {
          const now = await this.findRouter(router)
          const read = now === null ? undefined : splitFromSettings(now.settings, domains)
          return read !== undefined && sameSplit(read, split) ? operation : null
        },
      })
    }
    this.log(`jelastic: router "${router.router}" does not exist; installing a Traffic Distributor`)
    const params = { jps: 'traffic-distributor', envName: router.router, displayName: router.router, settings: JSON.stringify(settings) }
    return this.settled('install Traffic Distributor', router.router, {
      send: () => this.appCall('install Traffic Distributor', router, ['marketplace/jps/rest/install', 'InstallApp'], params, operation),
      landed: () => this.installed(router, operation),
    })
  }

  /** A marketplace call on the router, by its modern method or its legacy appstore script. */
  private async appCall(
    operation: string,
    router: RouterRef,
    [path, script]: [string, string],
    params: Record<string, string>,
    result: Operation,
  ): Promise<Operation> {
    await modernOrLegacy(this.api, { path, params }, { script, params }, { operation, target: router.router, slow: true }, this.log)
    return result
  }

  /**
   * The record is an environment property of the router's environment, `paasRelease`
   * (applyenvproperty / getenvproperty: Jelastic API spec, not yet in platforms.md).
   */
  async readRecord(router: RouterRef): Promise<StoredRecord | null> {
    if (this.noProperties) return null
    let body: JelasticResponse
    try {
      body = await this.api.call(
        `${ENV}getenvproperty`,
        { envName: router.router },
        { operation: 'read the release record', target: router.router, idempotent: true },
      )
    } catch (error) {
      if (error instanceof JelasticError && error.result === METHOD_NOT_FOUND) return this.withoutProperties(router)
      if (error instanceof PlatformError && error.kind === 'not-found') return null
      throw error
    }
    return parseRecord(findProperty(body, RECORD_PROPERTY))
  }

  /** An installation without environment properties (result 1702) releases with no record, and says so once. */
  private withoutProperties(router: RouterRef): null {
    this.noProperties = true
    this.warn(
      `jelastic: this installation has no environment properties (getenvproperty: result ${METHOD_NOT_FOUND}, method not found): the release keeps no record on "${router.router}", so a second release on it cannot see this one; give such releases a workflow concurrency group`,
    )
    return null
  }

  async writeRecord(router: RouterRef, record: StoredRecord): Promise<void> {
    if (this.noProperties) return
    const operation = 'write the release record'
    await this.settled(operation, router.router, {
      send: async () => {
        await this.api.call(
          `${ENV}applyenvproperty`,
          { envName: router.router, properties: JSON.stringify({ [RECORD_PROPERTY]: JSON.stringify(record) }) },
          // not repeated blindly: a repeat could overwrite the record of a release that wrote in between
          { operation, target: router.router },
        )
        return record
      },
      // the record reads back as written
      landed: async () => {
        const now = await this.readRecord(router)
        return now !== null && sameRecord(now, record) ? record : null
      },
    })
  }

  /**
   * Whether a Traffic Distributor install whose answer was lost landed: the router's environment
   * exists with its add-on. An environment without the add-on is the install's, still running or
   * broken: it is not installed again.
   */
  private async installed(router: RouterRef, operation: Operation): Promise<Operation | null> {
    const info = await this.envInfo(router.router, 'install Traffic Distributor')
    if (info === null) return null
    if (findUniqueName(info) !== undefined) return operation
    throw new PlatformError(
      'jelastic',
      'install Traffic Distributor',
      router.router,
      `the install got no answer, and the environment exists (${envStatusName(info.env?.status)}) without its Traffic Distributor add-on: the install may still be running, or have broken; it is not sent again`,
      'failed',
    )
  }

  /** A write settled by the platform's state when its answer is lost (platforms/settle.ts). */
  private settled<T>(operation: string, target: string, write: SettledWrite<T>): Promise<T> {
    return settleWrite(`jelastic: ${operation} of "${target}"`, write, this.settle)
  }

  private async findRouter(router: RouterRef): Promise<{ uniqueName: string; settings: Partial<TdSettings> } | null> {
    const info = await this.envInfo(router.router, 'read traffic')
    if (info === null) return null
    const uniqueName = findUniqueName(info)
    if (uniqueName === undefined) {
      throw new PlatformError('jelastic', 'read traffic', router.router, 'the environment has no Traffic Distributor add-on', 'not-found')
    }
    const body = await this.api.call(
      'marketplace/installation/rest/getsettings',
      { appUniqueName: uniqueName, settingsId: 'main' },
      { operation: 'read traffic', target: router.router, idempotent: true },
    )
    const settings = readSettings(body)
    if (settings === undefined) {
      throw new PlatformError('jelastic', 'read traffic', router.router, 'the Traffic Distributor returned no settings with a "range"')
    }
    return { uniqueName, settings }
  }

  private async domains(router: RouterRef): Promise<{ blue: string; green: string }> {
    const [blue, green] = await Promise.all(
      [router.blue, router.green].map(async (name) => {
        const info = await this.envInfo(name, 'read traffic')
        const domain = info?.env?.domain
        if (!domain)
          throw new PlatformError('jelastic', 'read traffic', name, 'environment not found (it is a side of the router)', 'not-found')
        return domain
      }),
    )
    return { blue: blue as string, green: green as string }
  }

  private async requireEnv(ref: ServiceRef, operation: string): Promise<EnvInfo> {
    const info = await this.envInfo(ref.service, operation)
    if (info === null) throw notFound(ref, operation)
    return info
  }

  private async envInfo(envName: string, operation: string): Promise<EnvInfo | null> {
    try {
      return (await this.api.call(`${ENV}getenvinfo`, { envName }, { operation, target: envName, idempotent: true })) as EnvInfo
    } catch (error) {
      if (error instanceof PlatformError && error.kind === 'not-found') return null
      throw error
    }
  }
}

const RECORD_PROPERTY = 'paasRelease'
/** The names of the variables deploys of this action set, per node group (JSON text, as every property's value). */
const VARS_PROPERTY = 'paasReleaseVars'

function parseJsonObject(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'string') return undefined
  try {
    const parsed: unknown = JSON.parse(value)
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name) => b.includes(name))
}

/** How far a deploy got: whether its variables changed yet, and the call under way (for the failure's message). */
interface DeployProgress {
  changed: boolean
  step: string
}

function replaceWithoutProperties(ref: ServiceRef): PlatformError {
  return new PlatformError(
    'jelastic',
    'deploy',
    ref.service,
    `this installation has no environment properties (result ${METHOD_NOT_FOUND}), where the action keeps the names of the variables its deploys set; Jelastic lists them with the image's own (PATH, HOME …), so env-vars-update: replace cannot tell which to remove: use merge`,
  )
}

/** The environment properties a deploy's provenance is kept in. */
export const PROVENANCE_PROPERTIES: Record<keyof Provenance, string> = {
  commit: 'paasReleaseCommit',
  repository: 'paasReleaseRepository',
  runUrl: 'paasReleaseRunUrl',
  actor: 'paasReleaseActor',
}

/** A property's value wherever the answer puts it (`properties`, `property`, `object`, or the top level). */
function findProperty(body: JelasticResponse, name: string): unknown {
  for (const holder of [body.properties, body.property, body.object, body]) {
    if (holder && typeof holder === 'object' && name in holder) return (holder as Record<string, unknown>)[name]
  }
  return undefined
}

function sameRecord(a: StoredRecord, b: StoredRecord): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof StoredRecord>
  return [...keys].every((key) => a[key] === b[key])
}

function sameSplit(a: TrafficSplit, b: TrafficSplit): boolean {
  return a.blue === b.blue && a.green === b.green && a.routingMethod === b.routingMethod
}

function notFound(ref: ServiceRef, operation: string): PlatformError {
  return new PlatformError('jelastic', operation, ref.service, 'environment not found', 'not-found')
}

function group(ref: ServiceRef): string {
  return ref.nodeGroup ?? 'cp'
}

/** Jelastic redeploys a new tag of the image the node group runs: another repository is refused. */
function sameRepository(info: EnvInfo, ref: ServiceRef, image: string): void {
  const running = groupNodes(info, group(ref))[0]?.customitem?.dockerName
  if (running !== undefined && running !== splitImage(image).repository) {
    throw new PlatformError(
      'jelastic',
      'deploy',
      ref.service,
      `node group "${group(ref)}" runs the image ${running}; Jelastic redeploys a new tag of the same image, so ${image} cannot be deployed there`,
    )
  }
}

function splitImage(image: string): { repository: string; tag: string } {
  const at = image.indexOf('@')
  if (at > 0) return { repository: image.slice(0, at), tag: image.slice(at + 1) }
  const colon = image.lastIndexOf(':')
  return { repository: image.slice(0, colon), tag: image.slice(colon + 1) }
}

/** A redeploy or restart answers per node; one node's failure fails the call (platforms.md gap 3). */
function failOnNodeErrors(body: JelasticResponse, options: CallOptions): void {
  const responses = Array.isArray(body.responses)
    ? (body.responses as { result?: number; nodeId?: number; error?: string; errOut?: string }[])
    : []
  const failed = responses.filter((node) => node.result !== undefined && node.result !== 0)
  if (failed.length > 0) {
    const detail = failed.map((node) => `node ${node.nodeId ?? '?'}: ${node.error ?? node.errOut ?? `result ${node.result}`}`).join('; ')
    throw new PlatformError('jelastic', options.operation, options.target, detail, 'failed')
  }
}

/**
 * changetopology's `nodes`: the whole topology (a group left out is removed), so every group goes
 * as getenvinfo shows it (its stack, image and cloudlets), with the new count for `scaled`. A node's
 * group can be named only in `docker.nodeGroup` (J-spec, as for createenvironment), so a layer of
 * another stack (a database, a balancer) cannot be sent as it is: the scale is refused before any
 * write rather than have Jelastic rebuild that layer.
 */
function topologyWith(info: EnvInfo, scaled: string, replicas: number, service: string): Record<string, unknown>[] {
  const groups = new Map<string, { first: JelasticNode; count: number }>()
  for (const node of info.nodes ?? []) {
    const name = node.nodeGroup ?? 'cp'
    const entry = groups.get(name) ?? { first: node, count: 0 }
    entry.count++
    groups.set(name, entry)
  }
  if (!groups.has(scaled)) {
    throw new PlatformError(
      'jelastic',
      'scale',
      service,
      `environment has no node group "${scaled}" (it has ${[...groups.keys()].join(', ') || 'none'})`,
      'not-found',
    )
  }
  return [...groups.entries()].map(([nodeGroup, { first, count }]) => {
    const stack = first.nodeType ?? (first.customitem?.dockerName ? 'docker' : undefined)
    if (stack !== 'docker' || !first.customitem?.dockerName || first.flexibleCloudlets === undefined) {
      const what =
        stack === undefined || stack === 'docker' ? 'a layer whose image or cloudlets getenvinfo does not show' : `a ${stack} layer`
      throw new PlatformError(
        'jelastic',
        'scale',
        service,
        `the environment's node group "${nodeGroup}" is ${what}: changetopology takes the whole topology, and that layer cannot be described to it as it is: nothing was changed; scale "${scaled}" in the dashboard, or keep it in an environment of its own`,
        'refused',
      )
    }
    return {
      count: nodeGroup === scaled ? replicas : count,
      nodeType: 'docker',
      flexibleCloudlets: first.flexibleCloudlets,
      ...(first.fixedCloudlets !== undefined && { fixedCloudlets: first.fixedCloudlets }),
      docker: { image: nodeImage(first), nodeGroup },
    }
  })
}

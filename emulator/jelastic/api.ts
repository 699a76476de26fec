import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { type Images, serveApp } from '../apps.js'
import { delay, readParams, sendJson } from '../http-util.js'
import { ENV_STATUS, METHODS, type MethodFacts } from '../../vendor/jelastic-api-methods.js'
import { readCreateEnv, readTopology } from './create-env.js'
import { TdRouter } from './router.js'
import { paramProblem } from './validate.js'
import { CREATING, DOWN, type Env, IMAGE_VARS, type JelasticState, type Node, RUNNING, type TdSettings, UPDATING } from './state.js'

type Answer = Record<string, unknown> & { result: number }
type Handler = (params: Record<string, string>) => Promise<Answer> | Answer
/** A method the emulator serves; `offered`: only where the installation has it (timing) */
interface Method {
  handler: Handler
  offered?: 'marketplace' | 'envProperties'
}

/** Result codes the emulator answers with; platforms.md 1.6, and its gap 1 for the session code. */
const OK = 0
const NOT_FOUND = 5 // "resource not found" (py-jelastic)
const INVALID_SESSION = 702 // assumed: no public source names the code (platforms.md gap 1)
const NODE_FAILED = 4099
/** the generic error; also, assumed, a parameter the vendor's description refuses (no source names a code) */
const GENERIC = 99
const METHOD_NOT_FOUND = 1702
const ROUTING_METHODS = ['round-robin', 'sticky-sessions', 'failover']

/** The Jelastic API under `/jelastic` (platforms.md section 1), the legacy appstore host, and the apps. */
export class JelasticEmulator {
  private readonly router: TdRouter
  private readonly methods: Record<string, Method>

  constructor(
    private readonly state: JelasticState,
    private readonly images: Images,
    private readonly baseUrl: () => string,
  ) {
    this.router = new TdRouter(state, images)
    /** a method on the environment `envName` (result 5 when there is none) */
    const onEnv = (body: (env: Env, p: Record<string, string>) => Promise<Answer> | Answer): Handler => {
      return (p) => this.withEnv(p, (found) => body(found, p))
    }
    this.methods = {
      'users/authentication/rest/signin': { handler: (p) => this.signin(p) },
      'users/authentication/rest/signout': {
        handler: (p) => {
          this.state.sessions.delete(p.session ?? '')
          return { result: OK }
        },
      },
      'environment/control/rest/getenvinfo': { handler: onEnv((found) => this.envInfo(found)) },
      'environment/control/rest/getenvs': {
        handler: () => ({ result: OK, infos: [...this.state.envs.values()].map((found) => this.envInfo(found)) }),
      },
      'environment/control/rest/createenvironment': { handler: (p) => this.createEnvironment(p) },
      'environment/control/rest/redeploycontainersbygroup': { handler: onEnv((found, p) => this.redeploy(found, p)) },
      'environment/control/rest/changetopology': { handler: onEnv((found, p) => this.changeTopology(found, p)) },
      'environment/control/rest/startenv': { handler: onEnv((found) => this.setStatus(found, RUNNING)) },
      'environment/control/rest/stopenv': { handler: onEnv((found) => this.setStatus(found, DOWN)) },
      'environment/control/rest/restartnodes': { handler: onEnv((found, p) => this.restart(found, p)) },
      'environment/control/rest/deleteenv': { handler: onEnv((found, p) => this.deleteEnv(found, p)) },
      'environment/control/rest/applyenvproperty': {
        offered: 'envProperties',
        handler: onEnv((found, p) => this.applyProperties(found, p)),
      },
      'environment/control/rest/addcontainerenvvars': { handler: onEnv((found, p) => this.addVars(found, p)) },
      'environment/control/rest/removecontainerenvvars': { handler: onEnv((found, p) => this.removeVars(found, p)) },
      'environment/control/rest/getcontainerenvvarsbygroup': {
        handler: onEnv((found, p) => {
          const node = found.nodes.find((n) => n.nodeGroup === p.nodeGroup)
          return node ? { result: OK, object: { ...node.vars } } : noGroup(found, p.nodeGroup)
        }),
      },
      'environment/control/rest/getenvproperty': {
        offered: 'envProperties',
        handler: onEnv((found) => ({ result: OK, properties: { ...found.properties } })),
      },
      'marketplace/jps/rest/install': { offered: 'marketplace', handler: (p) => this.install(p) },
      'marketplace/jps/rest/executeappaction': { offered: 'marketplace', handler: (p) => this.executeAction(p) },
      'marketplace/installation/rest/executeaction': { handler: (p) => this.executeAction(p) },
      'marketplace/installation/rest/getsettings': { handler: (p) => this.getSettings(p) },
    }
  }

  async handle(path: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const env = path.match(/^\/env\/([^/]+)(\/.*)?$/)
    if (env) {
      this.serveEnv(decodeURIComponent(env[1] as string), req, res)
      return
    }
    const appstore = path.match(/^\/appstore\/(InstallApp|ExecuteAppAction)$/)
    if (appstore) {
      const params = await readParams(req, url)
      const answer = await this.authed(params, () => (appstore[1] === 'InstallApp' ? this.install(params) : this.executeAction(params)))
      return sendJson(res, 200, answer)
    }
    // the path as the vendor's description spells it, lower case (both vendor-side clients lower-case it)
    const name = path.match(/^\/1\.0\/(.+)$/)?.[1]
    const method = name === undefined || !Object.hasOwn(this.methods, name) ? undefined : this.methods[name]
    const facts = name === undefined || !Object.hasOwn(METHODS, name) ? undefined : METHODS[name]
    if (!method || !facts) {
      return sendJson(res, 404, { result: METHOD_NOT_FOUND, source: 'hx-core', error: `method not found: ${path}` })
    }
    sendJson(res, 200, await this.call(method, facts, await readParams(req, url)))
  }

  /**
   * A method call: unknown on installations without it (result 1702), then its session, then its
   * parameters by the vendor's description (validate.ts), then the method itself.
   */
  private async call(method: Method, facts: MethodFacts, params: Record<string, string>): Promise<Answer> {
    if (method.offered !== undefined && !this.state.timing[method.offered]) {
      return { result: METHOD_NOT_FOUND, source: 'hx-core', error: 'method not found' }
    }
    if (facts.session && !this.state.isValid(params.session)) return invalidSession(params.session)
    const problem = paramProblem(facts, params)
    if (problem) return { result: GENERIC, source: 'JEL', error: problem }
    return method.handler(params)
  }

  private signin(p: Record<string, string>): Answer {
    const user = this.state.users.get(p.login ?? '')
    if (!user || user.password !== p.password) {
      return { result: INVALID_SESSION, source: 'hx-core', error: 'wrong login or password', attemptsLeft: 4 }
    }
    const session = this.state.newSession()
    return {
      result: OK,
      session,
      uid: user.uid,
      email: p.login,
      name: user.name,
      // the enums of the spec's AuthenticationResponse
      status: 'ENABLED',
      authType: 'BASIC',
      accessType: 'FULL_ACCESS',
      requiredAuthCheck: false,
    }
  }

  /** The legacy appstore host's scripts, which the vendor's description does not cover, check only the session. */
  private authed(p: Record<string, string>, body: () => Promise<Answer> | Answer): Promise<Answer> | Answer {
    return this.state.isValid(p.session) ? body() : invalidSession(p.session)
  }

  private withEnv(p: Record<string, string>, body: (env: Env) => Promise<Answer> | Answer): Promise<Answer> | Answer {
    const env = this.state.envs.get(p.envName ?? '')
    if (!env) return { result: NOT_FOUND, source: 'JEL', error: `env [${p.envName ?? ''}] not found` }
    return body(env)
  }

  envInfo(env: Env): Answer {
    const domain = this.state.domainOf(env.envName)
    const groups = [...new Set(env.nodes.map((node) => node.nodeGroup))]
    return {
      result: OK,
      env: {
        envName: env.envName,
        shortdomain: env.envName,
        domain,
        appid: env.envName,
        status: env.status,
        createdOn: env.createdOn,
        url: `${this.baseUrl()}/env/${env.envName}/`,
        hardwareNodeGroup: 'emulator',
      },
      envGroups: [],
      nodeGroups: groups.map((name) => ({ name, scalingMode: 'STATELESS', isSequentialDeploy: true, redeployContainerDelay: 0 })),
      nodes: env.nodes.map((node) => ({
        id: node.id,
        nodeGroup: node.nodeGroup,
        nodeType: node.nodeType,
        fixedCloudlets: node.fixedCloudlets,
        flexibleCloudlets: node.flexibleCloudlets,
        intIP: `10.0.0.${node.id % 250}`,
        url: `${this.baseUrl()}/env/${env.envName}/`,
        status: node.status,
        ismaster: node === env.nodes.find((n) => n.nodeGroup === node.nodeGroup),
        customitem: { dockerName: node.dockerName, dockerTag: node.dockerTag },
        addons: env.addons.map((addon) => ({ appTemplateId: addon.appTemplateId, uniqueName: addon.uniqueName })),
      })),
      nodesData: [],
      right: 'OWNER', // as in jelastic-client's sample_data/get_env_info.json
      uid: 1001,
    }
  }

  /**
   * Sequential redeploy, one node after another; the call answers when the last node is done (a
   * node of a stuck image is never done: no answer, the environment UPDATING meanwhile).
   */
  private async redeploy(env: Env, p: Record<string, string>): Promise<Answer> {
    if (env.status !== RUNNING) return notAllowed(env)
    const nodes = env.nodes.filter((node) => node.nodeGroup === p.nodeGroup)
    if (nodes.length === 0) return { result: 11022, source: 'JEL', error: "can't find node by the given parameters" }
    env.status = UPDATING
    const responses: Record<string, unknown>[] = []
    for (const node of nodes) {
      node.status = DOWN
      await delay(this.state.timing.redeployMsPerNode)
      node.dockerTag = p.tag
      // a stuck image's container starts, crashes and is restarted for ever: the node stays down,
      // the environment UPDATING, and the call does not answer until the mark is lifted
      await this.images.unstuck(`${node.dockerName}:${p.tag}`)
      const failing = this.images.failing.has(`${node.dockerName}:${p.tag}`)
      node.status = failing ? DOWN : RUNNING
      responses.push(
        failing
          ? {
              nodeId: node.id,
              result: NODE_FAILED,
              out: '',
              errOut: 'container exited with code 1',
              exitStatus: 1,
              source: 'JEL',
              error: 'container failed to start',
            }
          : { nodeId: node.id, result: OK, out: `redeployed to ${p.tag}`, errOut: '', exitStatus: 0 },
      )
    }
    env.status = RUNNING
    return { result: OK, responses }
  }

  /**
   * `nodes` is the whole topology: each group named gets its count and cloudlets (a new node runs
   * the group's image), and a group left out is removed with its nodes. A group sent with another
   * stack (`nodeType`) than its nodes run is refused: a topology change does not replace a layer.
   */
  private async changeTopology(env: Env, p: Record<string, string>): Promise<Answer> {
    if (env.status !== RUNNING) return notAllowed(env)
    const wanted = readTopology(p)
    if ('error' in wanted) return { result: GENERIC, source: 'JEL', error: wanted.error }
    // the docs: a node without a nodeGroup is in the Extra layer (as createenvironment puts it)
    const named = wanted.map((group) => ({ ...group, name: group.nodeGroup ?? 'extra' }))
    for (const [i, group] of named.entries()) {
      const running = env.nodes.find((node) => node.nodeGroup === group.name)
      if (running && running.nodeType !== group.nodeType)
        return {
          result: GENERIC,
          source: 'JEL',
          error: `nodes[${i}]: layer [${group.name}] runs nodeType [${running.nodeType}], not [${group.nodeType}]`,
        }
    }
    env.status = UPDATING
    env.nodes = env.nodes.filter((node) => named.some((group) => group.name === node.nodeGroup))
    for (const group of named) {
      const nodes = env.nodes.filter((node) => node.nodeGroup === group.name)
      const count = Math.max(0, group.count ?? nodes.length)
      const template = nodes[0]
      const cloudlets = { fixedCloudlets: group.fixedCloudlets ?? 0, flexibleCloudlets: group.flexibleCloudlets as number }
      for (const node of nodes) Object.assign(node, cloudlets)
      for (let i = nodes.length; i < count; i++) {
        await delay(this.state.timing.topologyMsPerNode)
        const image = group.image ?? `${template?.dockerName}:${template?.dockerTag}`
        const colon = image.lastIndexOf(':')
        // a node added to a layer gets the layer's variables (I: the layer is configured as one)
        env.nodes.push(
          this.state.newNode(
            group.name,
            group.nodeType as string,
            image.slice(0, colon),
            image.slice(colon + 1),
            template?.vars,
            cloudlets,
          ),
        )
      }
      for (const node of nodes.slice(count)) env.nodes.splice(env.nodes.indexOf(node), 1)
    }
    env.status = RUNNING
    return this.envInfo(env)
  }

  /**
   * Creates an environment from `env` and `nodes` (create-env.ts): it is CREATING while its nodes
   * are added one after another (down until started), then RUNNING; the call answers when done, as
   * Jelastic's calls do.
   */
  private async createEnvironment(p: Record<string, string>): Promise<Answer> {
    const wanted = readCreateEnv(p)
    if ('error' in wanted) return { result: GENERIC, source: 'JEL', error: wanted.error }
    if (this.state.findEnv(wanted.envName))
      return { result: GENERIC, source: 'JEL', error: `environment [${wanted.envName}] already exists` }
    const env = this.state.createEnv(wanted.envName, 'none:none', 0)
    env.status = CREATING
    for (const group of wanted.nodes) {
      const colon = group.image.lastIndexOf(':')
      for (let i = 0; i < group.count; i++) {
        await delay(this.state.timing.topologyMsPerNode)
        const node = this.state.newNode(
          group.nodeGroup,
          group.nodeType,
          group.image.slice(0, colon),
          group.image.slice(colon + 1),
          { ...IMAGE_VARS, ...group.vars },
          group.cloudlets,
        )
        node.status = DOWN
        env.nodes.push(node)
        // a stuck image's container restarts for ever: the environment stays CREATING, the call
        // unanswered, until the mark is lifted; a failing image's container does not start
        await this.images.unstuck(group.image)
        if (!this.images.failing.has(group.image)) node.status = RUNNING
      }
    }
    env.status = RUNNING
    return { result: OK, response: this.envInfo(env) }
  }

  /** `properties`, a JSON object (validate.ts): its keys are added or set (the spec: "add or set if exist"). */
  /** The nodes a variables call is for: `nodeId` first, else the `nodeGroup`, else every node (spec 8.0.2, PaaS 5.3 notes). */
  private varNodes(env: Env, p: Record<string, string>): Node[] | Answer {
    if (p.nodeId !== undefined) {
      const node = env.nodes.find((n) => n.id === Number(p.nodeId))
      return node ? [node] : { result: GENERIC, source: 'JEL', error: `node [${p.nodeId}] not found in env [${env.envName}]` }
    }
    if (p.nodeGroup !== undefined) {
      const nodes = env.nodes.filter((n) => n.nodeGroup === p.nodeGroup)
      return nodes.length > 0 ? nodes : noGroup(env, p.nodeGroup)
    }
    return env.nodes
  }

  /** Adds or sets variables (an existing one is overwritten, PaaS 5.3 notes): names as a shell takes them, string values. */
  private addVars(env: Env, p: Record<string, string>): Answer {
    if (env.status !== RUNNING) return notAllowed(env)
    const vars = JSON.parse(p.vars as string) as Record<string, unknown>
    for (const [key, value] of Object.entries(vars)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return { result: GENERIC, source: 'JEL', error: `invalid variable name [${key}]` }
      if (typeof value !== 'string') return { result: GENERIC, source: 'JEL', error: `the value of variable [${key}] is not a string` }
    }
    const nodes = this.varNodes(env, p)
    if (!Array.isArray(nodes)) return nodes
    for (const node of nodes) Object.assign(node.vars, vars)
    return { result: OK }
  }

  private removeVars(env: Env, p: Record<string, string>): Answer {
    if (env.status !== RUNNING) return notAllowed(env)
    const names = JSON.parse(p.vars as string) as string[]
    const nodes = this.varNodes(env, p)
    if (!Array.isArray(nodes)) return nodes
    const gone = new Set(names)
    for (const node of nodes) node.vars = Object.fromEntries(Object.entries(node.vars).filter(([name]) => !gone.has(name)))
    return { result: OK }
  }

  private applyProperties(env: Env, p: Record<string, string>): Answer {
    Object.assign(env.properties, JSON.parse(p.properties as string))
    return { result: OK }
  }

  private setStatus(env: Env, status: number): Answer {
    env.status = status
    for (const node of env.nodes) node.status = status
    return { result: OK }
  }

  private async restart(env: Env, p: Record<string, string>): Promise<Answer> {
    if (env.status !== RUNNING) return notAllowed(env)
    const nodes = env.nodes.filter((node) => p.nodeGroup === undefined || node.nodeGroup === p.nodeGroup)
    for (const node of nodes) {
      node.status = DOWN
      await delay(this.state.timing.redeployMsPerNode / 2)
      node.status = RUNNING
    }
    return { result: OK, responses: nodes.map((node) => ({ nodeId: node.id, result: OK, out: '', errOut: '', exitStatus: 0 })) }
  }

  /** Confirmed by the password or the environment's name where the installation asks for it (timing.deleteConfirmation). */
  private deleteEnv(env: Env, p: Record<string, string>): Answer {
    const users = [...this.state.users.values()]
    const confirmed = p.password === env.envName || users.some((user) => user.password === p.password)
    if (this.state.timing.deleteConfirmation && !confirmed) {
      return { result: GENERIC, source: 'JEL', error: 'wrong password or environment name: deletion not confirmed' }
    }
    this.state.envs.delete(env.envName)
    return { result: OK }
  }

  /** Installs the Traffic Distributor: a new environment of its own, named `envName` (platforms.md 1.3). */
  private async install(p: Record<string, string>): Promise<Answer> {
    if (p.jps !== 'traffic-distributor')
      return { result: 11041, source: 'JEL', error: 'JPS manifest initialization error: only traffic-distributor is emulated' }
    if (!p.envName) return { result: GENERIC, source: 'JEL', error: 'envName is required' }
    if (this.state.envs.has(p.envName)) return { result: GENERIC, source: 'JEL', error: `environment [${p.envName}] already exists` }
    const checked = this.checkSettings(p.settings)
    if ('error' in checked) return { result: 0, response: { result: GENERIC, source: 'JEL', error: checked.error } }
    await delay(this.state.timing.installMs)
    const env = this.state.createEnv(p.envName, 'jelastic/nginx-balancer:1.24', checked.settings.balancerCount, 'bl', 'nginx')
    const uniqueName = randomBytes(8).toString('hex')
    env.addons.push({ uniqueName, appTemplateId: 'traffic-distributor', settings: checked.settings })
    return {
      result: OK,
      uniqueName,
      appid: env.envName,
      envName: env.envName,
      successText: 'Traffic Distributor installed',
      action: 'install',
      type: 'update',
    }
  }

  private executeAction(p: Record<string, string>): Answer {
    const addon = this.findAddon(p.appUniqueName)
    if (!addon) return { result: NOT_FOUND, source: 'JEL', error: `application [${p.appUniqueName ?? ''}] not found` }
    if (p.action !== 'configure')
      return { result: 0, response: { result: GENERIC, source: 'JEL', error: `unknown action [${p.action ?? ''}]` } }
    const checked = this.checkSettings(p.params, addon.settings)
    // a refused configuration comes back nested: the outer call worked, the action did not
    if ('error' in checked) return { result: 0, response: { result: GENERIC, source: 'JEL', error: checked.error } }
    addon.settings = checked.settings
    return { result: OK, response: { result: OK }, uniqueName: addon.uniqueName, action: 'configure' }
  }

  private getSettings(p: Record<string, string>): Answer {
    const addon = this.findAddon(p.appUniqueName)
    if (!addon) return { result: NOT_FOUND, source: 'JEL', error: `application [${p.appUniqueName ?? ''}] not found` }
    return { result: OK, settings: { ...addon.settings } }
  }

  private findAddon(uniqueName: string | undefined) {
    for (const env of this.state.envs.values()) {
      const addon = env.addons.find((a) => a.uniqueName === uniqueName)
      if (addon) return addon
    }
    return undefined
  }

  private checkSettings(text: string | undefined, base?: TdSettings): { settings: TdSettings } | { error: string } {
    let given: Partial<TdSettings>
    try {
      // absent or null: the settings as they are (validate.ts has seen the parameters' JSON parse)
      given = (JSON.parse(text || 'null') as Partial<TdSettings> | null) ?? {}
    } catch {
      return { error: 'settings must be JSON' }
    }
    const settings: TdSettings = {
      extip: given.extip ?? base?.extip ?? true,
      balancerCount: Number(given.balancerCount ?? base?.balancerCount ?? 1),
      routingMethod: given.routingMethod ?? base?.routingMethod ?? 'round-robin',
      range: Number(given.range ?? base?.range ?? 50),
      backend1: given.backend1 ?? base?.backend1 ?? '',
      backend2: given.backend2 ?? base?.backend2 ?? '',
    }
    if (!ROUTING_METHODS.includes(settings.routingMethod)) return { error: `routingMethod must be one of ${ROUTING_METHODS.join(', ')}` }
    if (!Number.isInteger(settings.range) || settings.range < 0 || settings.range > 100)
      return { error: 'range must be a whole number from 0 to 100' }
    if (settings.routingMethod === 'failover' && settings.range !== 0 && settings.range !== 100) {
      return { error: 'failover routing takes a traffic ratio of 100 to 0 only' }
    }
    for (const backend of [settings.backend1, settings.backend2]) {
      if (!this.state.findEnv(backend)) return { error: `backend [${backend}] is not an environment of this platform` }
    }
    return { settings }
  }

  private serveEnv(name: string, req: IncomingMessage, res: ServerResponse): void {
    const env = this.state.envs.get(name)
    if (!env) sendJson(res, 404, { error: `no environment ${name}` })
    else if (env.addons.length === 0) this.answerFromNodes(env, res)
    else {
      const routed = this.router.route(env, req)
      if (routed) this.answerFromNodes(routed.backend, res, routed.setCookie)
      else sendJson(res, 502, { error: 'no backend available' })
    }
  }

  private readonly turn = new Map<string, number>()

  /** An app environment answers from one of its running nodes, in turn. */
  private answerFromNodes(env: Env, res: ServerResponse, setCookie?: string): void {
    const nodes = env.nodes.filter((node) => node.status === RUNNING && env.status !== DOWN)
    if (nodes.length === 0) {
      sendJson(res, 503, { error: `environment ${env.envName} has no running node` })
      return
    }
    const turn = (this.turn.get(env.envName) ?? 0) % nodes.length
    this.turn.set(env.envName, turn + 1)
    const node = nodes[turn] as (typeof nodes)[number]
    serveApp(res, this.images, env.envName, `${node.dockerName}:${node.dockerTag}`, setCookie ? { 'set-cookie': setCookie } : {})
  }
}

function invalidSession(session: string | undefined): Answer {
  return { result: INVALID_SESSION, source: 'hx-core', error: `session [${session ?? ''}] is invalid` }
}

const STATUS_NAMES = Object.fromEntries(Object.entries(ENV_STATUS).map(([name, code]) => [code, name]))

/** A change while the environment is not running is refused (platforms.md 1.6, result 2212). */
function notAllowed(env: Env): Answer {
  return {
    result: 2212,
    source: 'JEL',
    error: `Not allowed to execute this service for current Environment status [ENV_STATUS_TYPE_${STATUS_NAMES[env.status] ?? env.status}]. Required statuses [ENV_STATUS_TYPE_RUNNING]`,
  }
}

/** A node group the environment does not have (I: the wording is the emulator's). */
function noGroup(env: Env, nodeGroup: string | undefined): Answer {
  return { result: GENERIC, source: 'JEL', error: `node group [${nodeGroup ?? ''}] not found in env [${env.envName}]` }
}

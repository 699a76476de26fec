import { randomBytes } from 'node:crypto'

import { ENV_STATUS } from '../../vendor/jelastic-api-methods.js'

/** Environment status codes of platforms.md 1.5 (the vendor's ENV_STATUS_TYPE_*). */
export const { RUNNING, DOWN, UPDATING, CREATING } = ENV_STATUS

export interface Node {
  id: number
  nodeGroup: string
  nodeType: string
  status: number
  dockerName: string
  dockerTag: string
  /** the node's reserved and its most cloudlets, as getenvinfo shows them */
  fixedCloudlets: number
  flexibleCloudlets: number
  /** the container's variables: the image's own (PATH, HOME) and those added by addcontainerenvvars */
  vars: Record<string, string>
}

export interface Cloudlets {
  fixedCloudlets: number
  flexibleCloudlets: number
}

/** what a seeded node gets (a created one gets what createenvironment sent) */
const DEFAULT_CLOUDLETS: Cloudlets = { fixedCloudlets: 1, flexibleCloudlets: 4 }

/** The variables every container starts with, as an image's ENV gives them (getcontainerenvvars lists them too). */
export const IMAGE_VARS: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
}

export interface TdSettings {
  extip: boolean | number
  balancerCount: number
  routingMethod: string
  range: number
  backend1: string
  backend2: string
}

export interface Addon {
  uniqueName: string
  appTemplateId: string
  settings: TdSettings
}

export interface Env {
  envName: string
  status: number
  createdOn: string
  nodes: Node[]
  addons: Addon[]
  /** environment properties (applyenvproperty) */
  properties: Record<string, unknown>
}

export interface JelasticTiming {
  /** how long a redeploy takes per node (sequential) */
  redeployMsPerNode: number
  /** how long adding a node takes */
  topologyMsPerNode: number
  installMs: number
  /** false: `marketplace/jps/rest/install` and `executeappaction` are unknown (result 1702), as on
   * installations that only have the legacy appstore host's InstallApp and ExecuteAppAction */
  marketplace: boolean
  /** false: `getenvproperty` and `applyenvproperty` are unknown (result 1702), as on installations without them */
  envProperties: boolean
  /** false: `deleteenv` needs no `password` (the quota `environment.delete.confirm.type`, by installation;
   * jelastic-client deletes with `envName` alone on a public platform) */
  deleteConfirmation: boolean
}

const DEFAULT_TIMING: JelasticTiming = {
  redeployMsPerNode: 150,
  topologyMsPerNode: 100,
  installMs: 150,
  marketplace: true,
  envProperties: true,
  deleteConfirmation: true,
}

/** The emulated Jelastic: users, sessions, environments with their nodes and add-ons. */
export class JelasticState {
  readonly users = new Map<string, { password: string; uid: number; name: string }>()
  readonly tokens = new Set<string>()
  readonly sessions = new Set<string>()
  readonly envs = new Map<string, Env>()
  timing: JelasticTiming = { ...DEFAULT_TIMING }
  private nextNodeId = 100

  constructor(readonly platformDomain: string) {
    this.seedUsers()
  }

  seedUsers(): void {
    this.users.set('demo@example.com', { password: 'demo-password', uid: 1001, name: 'Demo User' })
    this.tokens.add('jelastic-demo-token-0123456789')
  }

  reset(): void {
    this.envs.clear()
    this.sessions.clear()
    this.tokens.clear()
    this.users.clear()
    this.seedUsers()
    this.timing = { ...DEFAULT_TIMING }
  }

  newSession(): string {
    const session = randomBytes(16).toString('hex')
    this.sessions.add(session)
    return session
  }

  isValid(session: string | undefined): boolean {
    return session !== undefined && (this.sessions.has(session) || this.tokens.has(session))
  }

  domainOf(envName: string): string {
    return `${envName}.${this.platformDomain}`
  }

  /** An environment found by name or by its domain (TD backends are given as domains). */
  findEnv(nameOrHost: string): Env | undefined {
    const host = nameOrHost
      .replace(/^https?:\/\//, '')
      .replace(/[:/].*$/, '')
      .toLowerCase()
    return this.envs.get(nameOrHost) ?? [...this.envs.values()].find((env) => this.domainOf(env.envName) === host)
  }

  createEnv(envName: string, image: string, count: number, nodeGroup = 'cp', nodeType = 'docker'): Env {
    const colon = image.lastIndexOf(':')
    const env: Env = { envName, status: RUNNING, createdOn: createdOn(), nodes: [], addons: [], properties: {} }
    for (let i = 0; i < count; i++) env.nodes.push(this.newNode(nodeGroup, nodeType, image.slice(0, colon), image.slice(colon + 1)))
    this.envs.set(envName, env)
    return env
  }

  newNode(
    nodeGroup: string,
    nodeType: string,
    dockerName: string,
    dockerTag: string,
    vars: Record<string, string> = IMAGE_VARS,
    cloudlets: Cloudlets = DEFAULT_CLOUDLETS,
  ): Node {
    return { id: this.nextNodeId++, nodeGroup, nodeType, status: RUNNING, dockerName, dockerTag, ...cloudlets, vars: { ...vars } }
  }
}

/** "2021-08-19 14:51:37", as jelastic-client's sample_data/get_env_info.json shows `env.createdOn` */
function createdOn(): string {
  return new Date().toISOString().replace('T', ' ').slice(0, 19)
}

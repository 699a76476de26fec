/**
 * The emulated Rancher's resource types: one definition per type, from which the API serves its
 * schemas (`/v2-beta/schemas`) and against which it validates every write, so the two cannot
 * drift. Field lists, flags and limits are Cattle's (rancher/cattle @82d154a5:
 * resources/content/schema/base/*.json and the addon classes in
 * code/iaas/model/.../core/addon/*.java); only the fields the emulator keeps are listed, and
 * `create`/`update` follow which of them the emulator applies (see emulator/README.md).
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface FieldDef {
  /** Cattle's type string: int, string, boolean, enum, json, date, map[X], array[X], reference[T], or a type id */
  type: string
  create?: boolean
  update?: boolean
  nullable?: boolean
  required?: boolean
  default?: unknown
  min?: number
  max?: number
  minLength?: number
  maxLength?: number
  options?: string[]
  validChars?: string
}

export interface ActionDef {
  input?: string
  output?: string
}

export interface TypeDef {
  id: string
  pluralName?: string
  parent?: string
  resourceFields: Record<string, FieldDef>
  resourceMethods: Method[]
  collectionMethods: Method[]
  resourceActions?: Record<string, ActionDef>
  /** the fields a list filters by (Cattle makes a filter of each column-backed field) */
  collectionFilters?: string[]
}

const read = (type: string, extra: Partial<FieldDef> = {}): FieldDef => ({ type, nullable: true, ...extra })
const write = (type: string, extra: Partial<FieldDef> = {}): FieldDef => ({ type, create: true, update: true, nullable: true, ...extra })
const input = (type: string, extra: Partial<FieldDef> = {}): FieldDef => ({ type, create: true, nullable: true, ...extra })

/** The fields every resource shows (Cattle's common resource fields). */
const COMMON: Record<string, FieldDef> = {
  id: read('string'),
  type: read('string'),
  kind: read('string'),
  state: read('enum'),
  created: read('date'),
  uuid: read('string'),
}

/** The five fields of a transition (DefaultObjectMetaDataManager.addTransitioningFields). */
const TRANSITIONING: Record<string, FieldDef> = {
  transitioning: read('enum', { options: ['yes', 'no', 'error'] }),
  transitioningMessage: read('string'),
  transitioningProgress: read('int'),
}

const STRING_MODS = ['eq', 'ne', 'prefix', 'like', 'notlike', 'null', 'notnull']

/** Port rule fields of every Rancher 1.6 (PortRule.java; platforms.md 5.3). */
const PORT_RULE_FIELDS: Record<string, FieldDef> = {
  hostname: input('string'),
  path: input('string'),
  sourcePort: input('int', { min: 1, max: 65535, required: true, nullable: false }),
  priority: input('int', { min: 1 }),
  protocol: input('enum', { options: ['http', 'tcp', 'https', 'tls', 'sni', 'udp'], default: 'http', nullable: false }),
  serviceId: input('reference[service]'),
  targetPort: input('int', { min: 1, max: 65535 }),
  backendName: input('string'),
  selector: input('string'),
}

/**
 * Added to PortRule by cattle commit fcce59de1 ("Regions", 2017-08-09), first in cattle
 * v0.183.32, which Rancher v1.6.13 (2017-12-20) ships: servers before it have no such fields.
 */
export const PORT_RULE_REGION_FIELDS: Record<string, FieldDef> = {
  environment: input('string'),
  region: input('string'),
  weight: input('int', { min: 0, max: 256 }),
}

const LAUNCH_CONFIG_FIELDS: Record<string, FieldDef> = {
  imageUuid: input('string'),
  labels: input('map[string]'),
  environment: input('map[string]'),
  ports: input('array[string]'),
  expose: input('array[string]'),
  command: input('array[string]'),
  entryPoint: input('array[string]'),
  dataVolumes: input('array[string]'),
  networkMode: input('string'),
  restartPolicy: input('json'),
  healthCheck: input('json'),
  tty: input('boolean'),
  stdinOpen: input('boolean'),
  memory: input('int', { min: 0 }),
  cpuShares: input('int', { min: 0 }),
  startOnCreate: input('boolean'),
  kind: input('string'),
  version: input('string'),
}

const UPGRADE_STRATEGY_FIELDS: Record<string, FieldDef> = {
  // ServiceUpgradeStrategy.java
  intervalMillis: input('int', { min: 100, default: 2000, nullable: false }),
  batchSize: input('int', { min: 1, default: 1, nullable: false }),
}

const SERVICE_FIELDS: Record<string, FieldDef> = {
  ...COMMON,
  ...TRANSITIONING,
  name: write('string', { required: true, nullable: false, minLength: 1, maxLength: 63, validChars: 'a-zA-Z0-9-' }),
  description: write('string', { maxLength: 1024 }),
  stackId: read('reference[stack]'),
  accountId: read('reference[project]'),
  scale: write('int', { min: 0, default: 1, nullable: false }),
  currentScale: read('int'),
  launchConfig: read('launchConfig'),
  secondaryLaunchConfigs: read('array[launchConfig]'),
  upgrade: read('serviceUpgrade'),
  healthState: read('enum'),
  metadata: write('map[json]'),
}

const SERVICE_ACTIONS: Record<string, ActionDef> = {
  upgrade: { input: 'serviceUpgrade', output: 'service' },
  finishupgrade: { output: 'service' },
  cancelupgrade: { output: 'service' },
  continueupgrade: { output: 'service' },
  rollback: { output: 'service' },
  activate: { output: 'service' },
  deactivate: { output: 'service' },
  restart: { input: 'serviceRestart', output: 'service' },
  remove: { output: 'service' },
  update: { output: 'service' },
}

/** The type definitions; `weights` says whether this server's port rules have Rancher 1.6.13's region fields. */
export function typeDefs(weights: boolean): Map<string, TypeDef> {
  const defs: TypeDef[] = [
    {
      id: 'apiVersion',
      resourceFields: { id: read('string'), type: read('string') },
      resourceMethods: ['GET'],
      collectionMethods: [],
    },
    {
      id: 'schema',
      resourceFields: {
        id: read('string'),
        pluralName: read('string'),
        resourceFields: read('map[json]'),
        resourceMethods: read('array[string]'),
        resourceActions: read('map[json]'),
        collectionMethods: read('array[string]'),
        collectionFilters: read('map[json]'),
      },
      resourceMethods: ['GET'],
      collectionMethods: ['GET'],
    },
    {
      id: 'error',
      resourceFields: {
        status: read('int'),
        code: read('string'),
        message: read('string'),
        detail: read('string'),
        fieldName: read('string'),
      },
      resourceMethods: [],
      collectionMethods: [],
    },
    {
      id: 'project',
      resourceFields: { ...COMMON, name: read('string'), description: read('string'), orchestration: read('string') },
      resourceMethods: ['GET'],
      collectionMethods: ['GET'],
      collectionFilters: ['id', 'name', 'state'],
    },
    {
      id: 'stack',
      resourceFields: {
        ...COMMON,
        ...TRANSITIONING,
        accountId: read('reference[project]'),
        name: input('string', { required: true, nullable: false, minLength: 1, maxLength: 63, validChars: 'a-zA-Z0-9-' }),
        description: write('string', { maxLength: 1024 }),
        dockerCompose: input('string'),
        rancherCompose: input('string'),
        environment: input('map[string]'),
        startOnCreate: input('boolean'),
        system: input('boolean', { default: false, nullable: false }),
        binding: input('json'),
        healthState: read('enum'),
        serviceIds: read('array[reference[service]]'),
      },
      // DELETE: go-rancher's StackClient.Delete (doResourceDelete of the stack type)
      resourceMethods: ['GET', 'PUT', 'DELETE'],
      collectionMethods: ['GET', 'POST'],
      collectionFilters: ['id', 'name', 'state', 'kind'],
    },
    {
      id: 'service',
      resourceFields: SERVICE_FIELDS,
      resourceMethods: ['GET', 'PUT', 'DELETE'],
      collectionMethods: ['GET'],
      resourceActions: SERVICE_ACTIONS,
      collectionFilters: ['id', 'name', 'kind', 'state', 'stackId'],
    },
    {
      id: 'loadBalancerService',
      parent: 'service',
      resourceFields: { ...SERVICE_FIELDS, lbConfig: write('lbConfig', { required: true }) },
      resourceMethods: ['GET', 'PUT', 'DELETE'],
      collectionMethods: ['GET'],
      resourceActions: SERVICE_ACTIONS,
      collectionFilters: ['id', 'name', 'kind', 'state', 'stackId'],
    },
    {
      id: 'lbConfig',
      resourceFields: {
        portRules: input('array[portRule]', { nullable: false }),
        config: input('string'),
        certificateIds: input('array[string]'),
        defaultCertificateId: input('string'),
        stickinessPolicy: input('json'),
      },
      resourceMethods: [],
      collectionMethods: [],
    },
    {
      id: 'portRule',
      resourceFields: { ...PORT_RULE_FIELDS, ...(weights && PORT_RULE_REGION_FIELDS) },
      resourceMethods: [],
      collectionMethods: [],
    },
    { id: 'launchConfig', resourceFields: LAUNCH_CONFIG_FIELDS, resourceMethods: [], collectionMethods: [] },
    {
      id: 'serviceUpgrade',
      resourceFields: { inServiceStrategy: input('inServiceUpgradeStrategy'), toServiceStrategy: input('json') },
      resourceMethods: [],
      collectionMethods: [],
    },
    {
      id: 'inServiceUpgradeStrategy',
      resourceFields: {
        ...UPGRADE_STRATEGY_FIELDS,
        launchConfig: input('launchConfig'),
        secondaryLaunchConfigs: input('array[launchConfig]'),
        previousLaunchConfig: input('launchConfig'),
        previousSecondaryLaunchConfigs: input('array[launchConfig]'),
        startFirst: input('boolean', { default: false, nullable: false }),
      },
      resourceMethods: [],
      collectionMethods: [],
    },
    {
      id: 'serviceRestart',
      resourceFields: { rollingRestartStrategy: input('rollingRestartStrategy', { required: true, nullable: false }) },
      resourceMethods: [],
      collectionMethods: [],
    },
    { id: 'rollingRestartStrategy', resourceFields: UPGRADE_STRATEGY_FIELDS, resourceMethods: [], collectionMethods: [] },
    {
      id: 'host',
      resourceFields: { ...COMMON, hostname: read('string'), labels: read('map[string]') },
      resourceMethods: ['GET'],
      collectionMethods: ['GET'],
      collectionFilters: ['id', 'name', 'state'],
    },
    {
      id: 'instance',
      resourceFields: { ...COMMON, name: read('string'), imageUuid: read('string'), startCount: read('int') },
      resourceMethods: ['GET'],
      collectionMethods: ['GET'],
      collectionFilters: ['id', 'name', 'state', 'kind'],
    },
  ]
  return new Map(defs.map((def) => [def.id, def]))
}

/** A type's collection path segment, lower case (`loadbalancerservices`: gdapi's DefaultUrlBuilder lower-cases URLs). */
export function pluralOf(def: TypeDef): string {
  return def.pluralName ?? `${def.id}s`
}

/** The schema resource as Cattle serves it; `base` is where its collections are (`…/v2-beta` or `…/v2-beta/projects/{id}`). */
export function schemaView(def: TypeDef, base: string): Record<string, unknown> {
  const listable = def.collectionMethods.includes('GET')
  return {
    id: def.id,
    type: 'schema',
    links: {
      self: `${base}/schemas/${def.id.toLowerCase()}`,
      ...(listable && { collection: `${base}/${pluralOf(def).toLowerCase()}` }),
    },
    actions: {},
    pluralName: pluralOf(def),
    ...(def.parent && { parent: def.parent }),
    resourceMethods: def.resourceMethods,
    resourceFields: def.resourceFields,
    resourceActions: def.resourceActions ?? {},
    collectionMethods: def.collectionMethods,
    collectionFields: {},
    collectionActions: {},
    collectionFilters: Object.fromEntries((def.collectionFilters ?? []).map((name) => [name, { modifiers: STRING_MODS }])),
    includeableLinks: [],
  }
}

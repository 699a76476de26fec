/**
 * Facts, not code: the Jelastic API methods the actions call, with their parameters and types as
 * the vendor's API description declares them — repo CustomScripts/jelastic-api @1b7bc9dc,
 * `spec/api_8.0.2.yaml` ("Jelastic API docs 8.0.2"): per path, the form body's `properties`,
 * `required` and `additionalProperties: false` — and where the spec lacks a parameter that a
 * vendor-side client sends, that client (repo Onemind-Services-LLC/py-jelastic @01cb7fb5,
 * `jelastic/api/{environment,marketplace,users}/__init__.py`, a newer API than 8.0.2). The
 * emulator refuses what they do not name; the vendor-style test client speaks with them.
 */

/**
 * A parameter's type: the spec's `string`, `boolean`, `integer` (int32), or a JSON text. `json`
 * is a JSON object (the spec's `object` params and the string params its descriptions call "JSON
 * object"); `json-nodes` is `nodes`, which the spec declares as one node object and the clients
 * send as a JSON array of them (softozor/jelastic-client `control_client.create_environment`);
 * `json-names` a JSON array of variable names (removecontainerenvvars' `vars`, as clients send it).
 */
export type ParamType = 'string' | 'boolean' | 'int32' | 'json' | 'json-nodes' | 'json-names'

export interface MethodFacts {
  required: Record<string, ParamType>
  optional: Record<string, ParamType>
  /** false where the spec's `security` is `AppidAuth` alone (sign-in): no session needed */
  session: boolean
}

/**
 * Accepted on every method: `session` and `appid` (the spec's `SessionAuth` and `AppidAuth`
 * apiKeys, both named in the query), `ruk` (py-jelastic `abstract.py` `_serialize_params` sends
 * it, with `appid=cluster`, on every call).
 */
export const COMMON_PARAMS: Record<string, ParamType> = { session: 'string', appid: 'string', ruk: 'string' }

const ENV = 'environment/control/rest/'

export const METHODS: Record<string, MethodFacts> = {
  'users/authentication/rest/signin': { required: { login: 'string', password: 'string' }, optional: {}, session: false },
  'users/authentication/rest/signout': { required: {}, optional: {}, session: true },
  [`${ENV}getenvinfo`]: { required: { envName: 'string' }, optional: { lazy: 'boolean' }, session: true },
  [`${ENV}getenvs`]: { required: {}, optional: { lazy: 'boolean', ownerUid: 'int32' }, session: true },
  [`${ENV}createenvironment`]: {
    required: { env: 'json', nodes: 'json-nodes' },
    // the spec spells `actionkey`; py-jelastic's CreateEnvironment sends `actionKey`
    optional: { actionkey: 'string', actionKey: 'string', ownerUid: 'int32', envGroups: 'string' },
    session: true,
  },
  [`${ENV}redeploycontainersbygroup`]: {
    required: { envName: 'string', nodeGroup: 'string', tag: 'string' },
    optional: {
      isSequential: 'boolean',
      useExistingVolumes: 'boolean',
      delay: 'int32',
      login: 'string',
      password: 'string',
      // not in 8.0.2; py-jelastic's RedeployContainersByGroup sends it
      manageDNSState: 'boolean',
    },
    session: true,
  },
  [`${ENV}changetopology`]: {
    required: { envName: 'string', env: 'json', nodes: 'json-nodes' },
    optional: { actionkey: 'string' },
    session: true,
  },
  [`${ENV}startenv`]: { required: { envName: 'string' }, optional: {}, session: true },
  [`${ENV}stopenv`]: { required: { envName: 'string' }, optional: {}, session: true },
  [`${ENV}restartnodes`]: {
    required: { envName: 'string' },
    // manageDNSState: not in 8.0.2; py-jelastic's RestartNodes always sends it (default False)
    optional: { nodeGroup: 'string', nodeId: 'int32', delay: 'int32', isSequential: 'boolean', manageDNSState: 'boolean' },
    session: true,
  },
  // password: the user's password or the environment's name, by the quota environment.delete.confirm.type (py-jelastic)
  [`${ENV}deleteenv`]: { required: { envName: 'string' }, optional: { password: 'string' }, session: true },
  // properties: the spec types it string; py-jelastic's ApplyEnvProperty: "JSON object with environment properties"
  [`${ENV}applyenvproperty`]: { required: { envName: 'string', properties: 'json' }, optional: {}, session: true },
  // a container's variables (spec 8.0.2: add and remove take nodeGroup or nodeId, nodeId first when
  // both; vars a JSON object to add or set, a JSON array of names to remove; PaaS 5.3 release notes)
  [`${ENV}addcontainerenvvars`]: {
    required: { envName: 'string', vars: 'json' },
    optional: { nodeGroup: 'string', nodeId: 'int32' },
    session: true,
  },
  [`${ENV}removecontainerenvvars`]: {
    required: { envName: 'string', vars: 'json-names' },
    optional: { nodeGroup: 'string', nodeId: 'int32' },
    session: true,
  },
  [`${ENV}getcontainerenvvarsbygroup`]: { required: { envName: 'string', nodeGroup: 'string' }, optional: {}, session: true },
  // propertyKeys: "a comma-separated list of property keys" (py-jelastic GetEnvProperty)
  [`${ENV}getenvproperty`]: { required: { envName: 'string' }, optional: { propertyKeys: 'string' }, session: true },
  'marketplace/jps/rest/install': {
    required: { jps: 'string' },
    optional: {
      envName: 'string',
      // "JSON object with custom settings for the JPS manifest" (py-jelastic Install)
      settings: 'json',
      nodeGroup: 'string',
      displayName: 'string',
      region: 'string',
      envGroups: 'string',
      ownerUid: 'int32',
      logsPath: 'string',
      loggerName: 'string',
      writeOutputTasks: 'boolean',
      skipNodeEmails: 'boolean',
    },
    session: true,
  },
  // params: "JSON object with custom settings for the JPS manifest" (py-jelastic ExecuteAction)
  'marketplace/jps/rest/executeappaction': {
    required: { appUniqueName: 'string' },
    optional: { action: 'string', settingsId: 'string', params: 'json', lang: 'string' },
    session: true,
  },
  'marketplace/installation/rest/executeaction': {
    required: { appUniqueName: 'string' },
    optional: { action: 'string', settingsId: 'string', params: 'json', lang: 'string' },
    session: true,
  },
  'marketplace/installation/rest/getsettings': {
    required: { appUniqueName: 'string' },
    optional: { settingsId: 'string', lang: 'string' },
    session: true,
  },
}

export type FieldKind = 'string' | 'boolean' | 'integer' | 'object' | 'array'

/**
 * The fields of the JSON params `env` and `nodes` (a node, its `docker`, its `docker.registry`) of
 * `createenvironment` and `changetopology`, the same in both (the spec: every object closed).
 * `docker.env` is declared as a map of strings.
 */
export const ENV_FIELDS: Record<string, FieldKind> = {
  engine: 'string',
  displayName: 'string',
  ishaenabled: 'boolean',
  shortdomain: 'string',
  region: 'string',
  sslstate: 'boolean',
}
export const NODE_FIELDS: Record<string, FieldKind> = {
  displayName: 'string',
  count: 'integer',
  fixedCloudlets: 'integer',
  flexibleCloudlets: 'integer',
  nodeType: 'string',
  docker: 'object',
  extip: 'boolean',
}
export const DOCKER_FIELDS: Record<string, FieldKind> = {
  image: 'string',
  registry: 'object',
  links: 'array',
  cmd: 'string',
  env: 'object',
  nodeGroup: 'string',
}
export const REGISTRY_FIELDS: Record<string, FieldKind> = { password: 'string', user: 'string', url: 'string' }

/**
 * `env.status` values (the spec's `ENV_STATUS_TYPE_*`; softozor/jelastic-client
 * `jelastic_client/env_status.py` @241dbd16 has the same numbers).
 */
export const ENV_STATUS = {
  RUNNING: 1,
  DOWN: 2,
  LAUNCHING: 3,
  SLEEP: 4,
  UNKNOWN: 5,
  CREATING: 6,
  CLONING: 7,
  NOT_EXISTS: 8,
  EXPORTING: 9,
  MIGRATING: 10,
  BROKEN: 11,
  UPDATING: 12,
  STOPPING: 13,
  GOING_TO_SLEEP: 14,
  RESTORING: 15,
} as const

/**
 * The `createenvironment` parameters as the vendor's API description declares them (J-spec,
 * `spec/api_8.0.2.yaml`: `env` and `nodes` required, every object `additionalProperties: false`),
 * with the mandatory fields of Jelastic's "CreateEnv Params" page (docs.jelastic.com/create-env-api):
 * `shortdomain` (the environment's name), each node's `nodeType`, `fixedCloudlets` and
 * `flexibleCloudlets`, and `docker.image` for a docker node.
 */
type Kind = 'string' | 'boolean' | 'integer' | 'object' | 'array'

const ENV_FIELDS: Record<string, Kind> = {
  engine: 'string',
  displayName: 'string',
  ishaenabled: 'boolean',
  shortdomain: 'string',
  region: 'string',
  sslstate: 'boolean',
}
const NODE_FIELDS: Record<string, Kind> = {
  displayName: 'string',
  count: 'integer',
  fixedCloudlets: 'integer',
  flexibleCloudlets: 'integer',
  nodeType: 'string',
  docker: 'object',
  extip: 'boolean',
}
const DOCKER_FIELDS: Record<string, Kind> = {
  image: 'string',
  registry: 'object',
  links: 'array',
  cmd: 'string',
  env: 'object',
  nodeGroup: 'string',
}
const REGISTRY_FIELDS: Record<string, Kind> = { password: 'string', user: 'string', url: 'string' }

export interface NewNode {
  nodeGroup: string
  nodeType: string
  count: number
  image: string
}

export interface NewEnv {
  envName: string
  nodes: NewNode[]
}

/** Reads `env` and `nodes`; an error names the first parameter that breaks the description. */
export function readCreateEnv(p: Record<string, string>): NewEnv | { error: string } {
  if (p.env === undefined || p.nodes === undefined) return { error: 'parameters "env" and "nodes" are required' }
  const env = parse(p.env)
  const nodes = parse(p.nodes)
  if (kindOf(env) !== 'object') return { error: 'parameter "env" must be a JSON object' }
  if (kindOf(nodes) !== 'array' || (nodes as unknown[]).length === 0) return { error: 'parameter "nodes" must be a non-empty JSON array' }
  const envError = check('env', env as Record<string, unknown>, ENV_FIELDS, ['shortdomain'])
  if (envError) return { error: envError }
  const out: NewNode[] = []
  for (const [i, node] of (nodes as unknown[]).entries()) {
    if (kindOf(node) !== 'object') return { error: `nodes[${i}] must be an object` }
    const entry = node as Record<string, unknown>
    const error = check(`nodes[${i}]`, entry, NODE_FIELDS, ['nodeType', 'fixedCloudlets', 'flexibleCloudlets'])
    if (error) return { error }
    const docker = (entry.docker ?? {}) as Record<string, unknown>
    const dockerError =
      check(`nodes[${i}].docker`, docker, DOCKER_FIELDS, entry.nodeType === 'docker' ? ['image'] : []) ??
      (docker.registry === undefined
        ? undefined
        : check(`nodes[${i}].docker.registry`, docker.registry as Record<string, unknown>, REGISTRY_FIELDS, []))
    if (dockerError) return { error: dockerError }
    const image = String(docker.image ?? `jelastic/${entry.nodeType}:latest`)
    out.push({
      // the docs: a docker image without a nodeGroup is put in the Extra layer
      nodeGroup: String(docker.nodeGroup ?? 'extra'),
      nodeType: String(entry.nodeType),
      count: Number(entry.count ?? 1),
      image: /:[\w][\w.-]*$/.test(image.replace(/^[^/]*\//, '')) ? image : `${image}:latest`,
    })
  }
  return { envName: String((env as Record<string, unknown>).shortdomain), nodes: out }
}

function check(where: string, value: Record<string, unknown>, fields: Record<string, Kind>, required: string[]): string | undefined {
  for (const [key, field] of Object.entries(value)) {
    const kind = Object.hasOwn(fields, key) ? fields[key] : undefined
    if (kind === undefined) return `${where} has the unknown field "${key}"`
    if (kindOf(field) !== kind)
      return `${where}.${key} must be ${kind === 'integer' || kind === 'array' || kind === 'object' ? 'an' : 'a'} ${kind}`
  }
  const missing = required.find((key) => value[key] === undefined)
  return missing === undefined ? undefined : `${where}.${missing} is required`
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function kindOf(value: unknown): Kind | 'other' {
  if (Array.isArray(value)) return 'array'
  if (Number.isInteger(value)) return 'integer'
  if (value !== null && typeof value === 'object') return 'object'
  if (typeof value === 'string' || typeof value === 'boolean') return typeof value as Kind
  return 'other'
}

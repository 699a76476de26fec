import { DOCKER_FIELDS, ENV_FIELDS, type FieldKind, NODE_FIELDS, REGISTRY_FIELDS } from '../../vendor/jelastic-api-methods.js'
import type { Cloudlets } from './state.js'

/**
 * The `env` and `nodes` JSON params of `createenvironment` and `changetopology`, checked against the
 * fields the vendor's API description declares (vendor/jelastic-api-methods.ts; every object closed)
 * once validate.ts has seen them parse. A `null` field is an absent one (softozor/jelastic-client
 * sends its unset fields as `null`, and creates environments so on the real platform).
 */
export interface NodeSpec {
  /** `docker.nodeGroup`, where the description places a node's group */
  nodeGroup: string | undefined
  nodeType: string | undefined
  count: number | undefined
  image: string | undefined
  fixedCloudlets: number | undefined
  flexibleCloudlets: number | undefined
  /** `docker.env`: the container's variables, a map of strings (the description's) */
  vars: Record<string, string>
}

export interface NewNode {
  nodeGroup: string
  nodeType: string
  count: number
  image: string
  cloudlets: Cloudlets
  vars: Record<string, string>
}

export interface NewEnv {
  envName: string
  nodes: NewNode[]
}

/**
 * `createenvironment`: besides the description, `env.shortdomain` (the environment's name), each
 * node's `nodeType` and `flexibleCloudlets`, and a docker node's `docker.image` are required
 * (Jelastic's "CreateEnv Params" page; jelastic-client's tests create with no `fixedCloudlets`).
 */
export function readCreateEnv(p: Record<string, string>): NewEnv | { error: string } {
  const error = envProblem(p.env as string, ['shortdomain'])
  if (error) return { error }
  const nodes = readNodes(p.nodes as string, ['nodeType', 'flexibleCloudlets'])
  if ('error' in nodes) return nodes
  const out: NewNode[] = []
  for (const [i, node] of nodes.entries()) {
    if (node.nodeType === 'docker' && node.image === undefined) return { error: `nodes[${i}].docker.image is required` }
    const image = node.image ?? `jelastic/${node.nodeType}:latest`
    out.push({
      // the docs: a docker image without a nodeGroup is put in the Extra layer
      nodeGroup: node.nodeGroup ?? 'extra',
      nodeType: node.nodeType as string,
      count: node.count ?? 1,
      image: withTag(image),
      cloudlets: { fixedCloudlets: node.fixedCloudlets ?? 0, flexibleCloudlets: node.flexibleCloudlets as number },
      vars: node.vars,
    })
  }
  return { envName: String((JSON.parse(p.env as string) as { shortdomain: string }).shortdomain), nodes: out }
}

/**
 * `changetopology`: the description's fields, with a node's `nodeType` and `flexibleCloudlets`
 * required as for createenvironment ("the same set of parameters", Jelastic's CLI tutorial on
 * server scaling): `nodes` is the whole topology, cloudlets included.
 */
export function readTopology(p: Record<string, string>): NodeSpec[] | { error: string } {
  const error = envProblem(p.env as string, [])
  return error ? { error } : readNodes(p.nodes as string, ['nodeType', 'flexibleCloudlets'])
}

function envProblem(text: string, required: string[]): string | undefined {
  return check('env', JSON.parse(text) as Record<string, unknown>, ENV_FIELDS, required)
}

/** `nodes`: the description declares one node object; the clients send an array of them. */
function readNodes(text: string, required: string[]): NodeSpec[] | { error: string } {
  const parsed = JSON.parse(text) as unknown
  const nodes = (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[]
  const out: NodeSpec[] = []
  for (const [i, node] of nodes.entries()) {
    const error = check(`nodes[${i}]`, node, NODE_FIELDS, required)
    if (error) return { error }
    const docker = (node.docker ?? {}) as Record<string, unknown>
    const dockerError =
      check(`nodes[${i}].docker`, docker, DOCKER_FIELDS, []) ??
      (docker.registry === undefined || docker.registry === null
        ? undefined
        : check(`nodes[${i}].docker.registry`, docker.registry as Record<string, unknown>, REGISTRY_FIELDS, []))
    if (dockerError) return { error: dockerError }
    const env = given(docker.env) as Record<string, unknown> | undefined
    const bad = Object.entries(env ?? {}).find(([key, value]) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || typeof value !== 'string')
    if (bad)
      return {
        error: `nodes[${i}].docker.env: variable [${bad[0]}] needs a name (a letter or _, then letters, digits, _) and a string value`,
      }
    out.push({
      nodeGroup: given(docker.nodeGroup) as string | undefined,
      nodeType: given(node.nodeType) as string | undefined,
      count: given(node.count) as number | undefined,
      image: given(docker.image) as string | undefined,
      fixedCloudlets: given(node.fixedCloudlets) as number | undefined,
      flexibleCloudlets: given(node.flexibleCloudlets) as number | undefined,
      vars: (env ?? {}) as Record<string, string>,
    })
  }
  return out
}

function check(where: string, value: Record<string, unknown>, fields: Record<string, FieldKind>, required: string[]): string | undefined {
  for (const [key, field] of Object.entries(value)) {
    const kind = Object.hasOwn(fields, key) ? fields[key] : undefined
    if (kind === undefined) return `${where} has the unknown field "${key}"`
    if (field !== null && kindOf(field) !== kind)
      return `${where}.${key} must be ${kind === 'integer' || kind === 'array' || kind === 'object' ? 'an' : 'a'} ${kind}`
  }
  const missing = required.find((key) => given(value[key]) === undefined)
  return missing === undefined ? undefined : `${where}.${missing} is required`
}

function given(value: unknown): unknown {
  return value === null ? undefined : value
}

/** An image without a tag is `:latest`. */
function withTag(image: string): string {
  return /:[\w][\w.-]*$/.test(image.replace(/^[^/]*\//, '')) ? image : `${image}:latest`
}

function kindOf(value: unknown): FieldKind | 'other' {
  if (Array.isArray(value)) return 'array'
  if (Number.isInteger(value)) return 'integer'
  if (value !== null && typeof value === 'object') return 'object'
  if (typeof value === 'string' || typeof value === 'boolean') return typeof value as FieldKind
  return 'other'
}

import { InputError, shown } from './input-error.js'
import { type JsonType, jsonType } from './json.js'

type Fields = Record<string, JsonType>

/**
 * createenvironment's fields in the vendor's API description (J-spec `spec/api_8.0.2.yaml`, every
 * object closed), less what the action sets: `env.shortdomain` (the name, from `service`) and
 * `docker.image` (from `image`).
 */
const ENV: Fields = { engine: 'string', displayName: 'string', ishaenabled: 'boolean', region: 'string', sslstate: 'boolean' }
const NODE: Fields = {
  displayName: 'string',
  count: 'number',
  fixedCloudlets: 'number',
  flexibleCloudlets: 'number',
  nodeType: 'string',
  docker: 'object',
  extip: 'boolean',
}
const DOCKER: Fields = { registry: 'object', links: 'array', cmd: 'string', env: 'object', nodeGroup: 'string' }
const REGISTRY: Fields = { password: 'string', user: 'string', url: 'string' }
const MANAGED: Record<string, string> = { 'env.shortdomain': 'service', 'docker.image': 'image' }

/** Checks `env` and each of `nodes` (the top-level fields are checked by parseCreateSpec). */
export function checkJelasticSpec(spec: Record<string, unknown>): void {
  if (spec.env !== undefined) checkObject('env', 'env', spec.env as Record<string, unknown>, ENV)
  if (spec.nodes === undefined) return
  const nodes = spec.nodes as unknown[]
  if (nodes.length === 0)
    throw new InputError('Input "create-spec" has "nodes" empty; allowed: one node at least, or no "nodes" (one docker node).')
  nodes.forEach((node, i) => {
    if (jsonType(node) !== 'object') throw new InputError(`Input "create-spec" has nodes[${i}] as a ${jsonType(node)}; allowed: an object.`)
    const entry = node as Record<string, unknown>
    checkObject(`nodes[${i}]`, 'node', entry, NODE)
    if (entry.docker === undefined) return
    const docker = entry.docker as Record<string, unknown>
    checkObject(`nodes[${i}].docker`, 'docker', docker, DOCKER)
    if (docker.registry !== undefined)
      checkObject(`nodes[${i}].docker.registry`, 'registry', docker.registry as Record<string, unknown>, REGISTRY)
  })
}

function checkObject(where: string, kind: string, value: Record<string, unknown>, fields: Fields): void {
  for (const [key, field] of Object.entries(value)) {
    const setBy = MANAGED[`${kind}.${key}`]
    if (setBy !== undefined) {
      throw new InputError(
        `Input "create-spec" has the field ${shown(`${where}.${key}`)}, which the action sets from ${setBy}; allowed: leave it out.`,
      )
    }
    const type = Object.hasOwn(fields, key) ? fields[key] : undefined
    if (type === undefined) {
      throw new InputError(
        `Input "create-spec" has the field ${shown(`${where}.${key}`)}; allowed in ${where} on jelastic: ${Object.keys(fields).join(', ')}.`,
      )
    }
    const found = jsonType(field)
    if (found !== type || (type === 'number' && !Number.isInteger(field))) {
      throw new InputError(
        `Input "create-spec" has the field ${shown(`${where}.${key}`)} as ${found === 'array' || found === 'object' ? 'an' : 'a'} ${found}; allowed: ${type === 'number' ? 'a whole number' : type}.`,
      )
    }
  }
}

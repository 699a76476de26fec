import type { PlatformName } from '../platforms/terms.js'
import { addInputSecret } from './credentials.js'
import { InputError, shown } from './input-error.js'
import { checkJelasticSpec } from './jelastic-create-spec.js'
import { type JsonType, jsonType, parseJsonObject } from './json.js'

/** What a platform takes to create a service (platforms.md), beside what the action sets itself. */
interface CreateFields {
  /** the fields listed, with their JSON type where it is known (undefined: any) */
  fields: Record<string, JsonType | readonly JsonType[] | undefined>
  /** whether the list is the platform's whole create body (platforms.md ends some lists with "...") */
  closed: boolean
  /** fields the action sets from other inputs: given here, they would be silently overwritten */
  managed: Record<string, string>
  /** fields without which the create cannot work, with what they hold */
  required?: Record<string, string>
}

const CREATE_FIELDS: Partial<Record<PlatformName, CreateFields>> = {
  // 7: createenvironment (J-spec); `env` and each of `nodes` are checked in jelastic-create-spec.ts
  jelastic: {
    fields: { env: 'object', nodes: 'array', envGroups: 'string' },
    closed: true,
    managed: {},
  },
  // 2.2 Create component: the list ends with "...", so other component fields pass
  servicestage: {
    fields: {
      runtime_stack: 'object',
      environment_id: 'string',
      refer_resources: 'array',
      replica: 'number',
      limit_cpu: 'number',
      limit_memory: 'number',
      request_cpu: 'number',
      request_memory: 'number',
      envs: 'array',
      deploy_strategy: 'object',
      update_strategy: 'object',
    },
    closed: false,
    managed: { name: 'service', source: 'image', version: 'the action (a new version per deploy)' },
  },
  // 3.2 Create service
  alauda: {
    fields: {
      application: 'string',
      run_command: 'string',
      instance_size: 'string',
      scaling_mode: 'string',
      target_state: 'string',
      custom_domain_name: 'string',
      target_num_instances: 'number',
      instance_envvars: 'object',
      instance_ports: 'array',
      // the CLI sends it as JSON text, the source document as an object
      autoscaling_config: ['object', 'string'],
      volumes: 'array',
      region_name: 'string',
      linked_to_apps: undefined,
    },
    closed: true,
    managed: { service_name: 'service', app_name: 'service', namespace: 'project', image_name: 'image', image_tag: 'image' },
  },
  // 4.2 Create app; `image` (name:tag) is the action's own field, looked up as image_id and image_type
  netease: {
    fields: {
      image: 'string',
      desc: 'string',
      domain: 'string',
      image_type: 'number',
      image_id: 'number',
      spec_id: 'number',
      replicas: 'number',
      env_var: 'object',
      version_control: 'object',
      docker_file_type: 'number',
      custom_docker_file: 'string',
      log_dirs: 'array',
    },
    closed: true,
    managed: { name: 'service' },
  },
  // 5.2 Create stack; the stack's name is the part of `service` before the '/'
  rancher: {
    fields: {
      description: 'string',
      system: 'boolean',
      dockerCompose: 'string',
      rancherCompose: 'string',
      binding: undefined,
      startOnCreate: 'boolean',
      environment: 'object',
    },
    closed: true,
    managed: { name: 'service (its stack)' },
    required: { dockerCompose: 'the compose file as text, with the service in it' },
  },
}

const EXAMPLE: Record<PlatformName, string> = {
  jelastic: '{"env": {"region": "default"}}',
  servicestage: '{"replica": 2}',
  alauda: '{"instance_size": "XS"}',
  netease: '{"spec_id": 1}',
  rancher: '{"dockerCompose": "..."}',
}

/** `create-spec`: a JSON object of the platform's create fields, checked against those platforms.md lists. */
export function parseCreateSpec(platform: PlatformName, value: string): Record<string, unknown> {
  const spec = parseJsonObject('create-spec', value, EXAMPLE[platform])
  const known = CREATE_FIELDS[platform]
  if (known === undefined) return spec
  for (const [key, field] of Object.entries(spec)) {
    // own fields only: a key such as "constructor" or "toString" is no field of any list
    const setBy = Object.hasOwn(known.managed, key) ? known.managed[key] : undefined
    if (setBy !== undefined) {
      throw new InputError(`Input "create-spec" has the field ${shown(key)}, which the action sets from ${setBy}; allowed: leave it out.`)
    }
    if (!Object.hasOwn(known.fields, key)) {
      if (!known.closed) continue
      throw new InputError(
        `Input "create-spec" has the field ${shown(key)}; allowed on ${platform}: ${Object.keys(known.fields).join(', ')}.`,
      )
    }
    const types = known.fields[key]
    const type = jsonType(field)
    if (types !== undefined && !(typeof types === 'string' ? [types] : types).includes(type as JsonType)) {
      throw new InputError(
        `Input "create-spec" has the field ${shown(key)} as ${type === 'array' || type === 'object' ? 'an' : 'a'} ${type}; allowed: ${[types].flat().join(' or ')}.`,
      )
    }
  }
  if (platform === 'jelastic') checkJelasticSpec(spec)
  for (const [key, holds] of Object.entries(known.required ?? {})) {
    if (!Object.hasOwn(spec, key))
      throw new InputError(`Input "create-spec" has no field "${key}"; allowed on ${platform}: fields with "${key}" (${holds}).`)
  }
  addSpecSecrets(platform, spec)
  return spec
}

/**
 * The passwords a create spec may carry (Jelastic's registry, NetEase's repository): secrets,
 * masked and known to the redactor as the input is read, as a secret input's value is.
 */
function addSpecSecrets(platform: PlatformName, spec: Record<string, unknown>): void {
  const found: [string, unknown][] = []
  if (platform === 'jelastic' && Array.isArray(spec.nodes)) {
    spec.nodes.forEach((node: { docker?: { registry?: { password?: unknown } } } | null, i) =>
      found.push([`nodes[${i}].docker.registry.password`, node?.docker?.registry?.password]),
    )
  }
  if (platform === 'netease') found.push(['version_control.password', (spec.version_control as { password?: unknown } | null)?.password])
  for (const [where, password] of found) {
    if (typeof password === 'string' && password !== '') addInputSecret(password, `the ${where} in input "create-spec"`)
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http'
import { type Images, serveApp } from '../apps.js'
import { readBody, sendJson } from '../http-util.js'
import { type AlaudaState, imageOf, type Service } from './state.js'

const SIZES = ['XS', 'S', 'M', 'L', 'XL']
const REGIONS = ['BEIJING1', 'HONGKONG1', 'SHANGHAI1']
const ENDPOINTS = ['tcp-endpoint', 'direct-endpoint', 'http-endpoint', 'internal-endpoint']
const AUTOSCALING_KEYS = [
  'metric_name',
  'metric_stat',
  'upper_threshold',
  'lower_threshold',
  'decrease_delta',
  'increase_delta',
  'minimum_num_instances',
  'maximum_num_instances',
  'wait_period',
]
const PAGE = 20

/** Field errors as Django REST Framework answers them: `{field: [message]}` with HTTP 400. */
type FieldErrors = Record<string, string[]>

/**
 * Alauda v1 under `/alauda` (platforms.md section 3): the token endpoint, services by namespace
 * with the source document's fields, start/stop, delete, logs; and each service's app at
 * `/alauda/apps/{ns}/{name}/` (its default domain) and each custom domain at
 * `/alauda/domains/{domain}/`, balanced round-robin over the running instances of every service on it.
 */
export class AlaudaEmulator {
  private readonly turns = new Map<string, number>()

  constructor(
    private readonly state: AlaudaState,
    private readonly images: Images,
    /** this emulator's address without the scheme, e.g. 127.0.0.1:PORT/alauda */
    private readonly host: () => string,
  ) {}

  async handle(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(path, 'http://x')
    const app = url.pathname.match(/^\/apps\/([^/]+)\/([^/]+)/)
    if (app) return this.serveService(decodeURIComponent(app[1] as string), decodeURIComponent(app[2] as string), res)
    const domain = url.pathname.match(/^\/domains\/([^/]+)/)
    if (domain) return this.serveDomain(decodeURIComponent(domain[1] as string), res)
    const text = await readBody(req)
    if (url.pathname === '/v1/generate-api-token/' && req.method === 'POST') return this.generateToken(req, text, res)
    const token = String(req.headers.authorization ?? '').replace(/^Token\s+/i, '')
    if (!this.state.tokens.has(token)) return sendJson(res, 401, { detail: 'Invalid token.' })
    let body: Record<string, unknown>
    try {
      body = text ? JSON.parse(text) : {}
    } catch {
      return sendJson(res, 400, { detail: 'JSON parse error' })
    }
    if (url.pathname === '/v1/auth/profile/') return sendJson(res, 200, { username: 'demo', namespace: 'demo' })
    const m = url.pathname.match(/^\/v1\/services\/([^/]+)\/?(?:([^/]+)\/?)?(?:(start|stop|logs|instances)\/?)?(?:([^/]+)\/?)?$/)
    if (!m) return sendJson(res, 404, { detail: 'Not found.' })
    const [, ns, name, sub, instanceId] = m as unknown as [string, string, string | undefined, string | undefined, string | undefined]
    if (instanceId !== undefined && sub !== 'instances') return sendJson(res, 404, { detail: 'Not found.' })
    if (!this.state.namespaces.has(ns)) return sendJson(res, 404, { detail: 'Not found.' })
    if (name === undefined) {
      if (req.method === 'GET') return this.list(res, ns, url)
      if (req.method === 'POST') return this.create(res, ns, body)
      return sendJson(res, 405, { detail: `Method "${req.method}" not allowed.` })
    }
    const service = this.state.services.get(this.state.key(ns, decodeURIComponent(name)))
    if (!service) return sendJson(res, 404, { detail: 'Not found.' })
    const route = `${req.method} ${sub ?? ''}`
    switch (route) {
      case 'GET ':
        return sendJson(res, 200, this.view(service))
      case 'PUT ':
        return this.update(res, service, body)
      case 'DELETE ':
        clearTimeout(service.timer)
        this.state.services.delete(this.state.key(ns, service.service_name))
        res.writeHead(204).end()
        return
      case 'PUT start':
      case 'PUT stop':
        service.target_state = sub === 'start' ? 'STARTED' : 'STOPPED'
        this.state.converge(service)
        res.writeHead(204).end()
        return
      case 'GET logs':
        return this.logs(res, service, url)
      case 'GET instances':
        if (instanceId !== undefined) {
          // GET .../instances/{uuid} (platforms.md 3.2)
          const instance = service.instances.find((one) => one.uuid === decodeURIComponent(instanceId))
          if (!instance) return sendJson(res, 404, { detail: 'Not found.' })
          return sendJson(res, 200, {
            uuid: instance.uuid,
            instance_name: instance.instance_name,
            started_at: instance.started_at,
            image_name: service.image_name,
            image_tag: service.image_tag,
            instance_ports: service.instance_ports,
          })
        }
        return sendJson(
          res,
          200,
          service.instances.map(({ uuid, instance_name, started_at }) => ({ uuid, instance_name, started_at })),
        )
      default:
        return sendJson(res, 405, { detail: `Method "${req.method}" not allowed.` })
    }
  }

  /** POST /v1/generate-api-token/ with a form (Alauda's CLI) or JSON body; a fresh token each time. */
  private generateToken(req: IncomingMessage, text: string, res: ServerResponse): void {
    const form = (req.headers['content-type'] ?? '').includes('json')
      ? new Map(Object.entries(JSON.parse(text || '{}') as Record<string, string>))
      : new Map(new URLSearchParams(text))
    const username = form.get('username')
    if (!username || this.state.users.get(username) !== form.get('password')) {
      return sendJson(res, 400, { non_field_errors: ['Unable to login with provided credentials.'] })
    }
    return sendJson(res, 200, { token: this.state.issueToken(), username, namespace: username })
  }

  /** Django REST pagination: `{count, next, previous, results}`, `page` from 1. */
  private list(res: ServerResponse, ns: string, url: URL): void {
    const all = [...this.state.services.values()].filter((s) => s.namespace === ns)
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1)
    const link = (n: number) => `http://${this.host()}/v1/services/${ns}/?page=${n}`
    sendJson(res, 200, {
      count: all.length,
      next: page * PAGE < all.length ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results: all.slice((page - 1) * PAGE, page * PAGE).map((s) => this.view(s)),
    })
  }

  private create(res: ServerResponse, ns: string, body: Record<string, unknown>): void {
    const name = body.service_name ?? body.app_name
    const errors: FieldErrors = {
      ...(typeof name !== 'string' || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name)
        ? { service_name: ['This field is required: lower-case letters, digits and -.'] }
        : {}),
      ...(typeof body.image_name !== 'string' || body.image_name === '' ? { image_name: ['This field is required.'] } : {}),
      ...(typeof body.image_tag !== 'string' || body.image_tag === '' ? { image_tag: ['This field is required.'] } : {}),
      ...choice(body, 'instance_size', SIZES, true),
      ...choice(body, 'target_state', ['STARTED', 'STOPPED'], false),
      ...choice(body, 'region_name', REGIONS, false),
      ...this.checkUpdate(body),
      ...checkPorts(body.instance_ports),
      ...checkVolumes(body.volumes),
    }
    if (typeof name === 'string' && this.state.services.has(this.state.key(ns, name))) {
      errors.service_name = ['service with this name already exists.']
    }
    if (Object.keys(errors).length > 0) return sendJson(res, 400, errors)
    const service = this.state.newService({
      namespace: ns,
      service_name: name as string,
      image_name: body.image_name as string,
      image_tag: body.image_tag as string,
      instance_size: body.instance_size as string,
      ...(typeof body.application === 'string' && { application: body.application }),
      ...(typeof body.run_command === 'string' && { run_command: body.run_command }),
      ...(body.target_state === 'STOPPED' && { target_state: 'STOPPED' as const }),
      ...(typeof body.custom_domain_name === 'string' && { custom_domain_name: body.custom_domain_name }),
      ...(isStringMap(body.instance_envvars) && { instance_envvars: body.instance_envvars }),
      ...(Array.isArray(body.instance_ports) && { instance_ports: body.instance_ports }),
      ...(Array.isArray(body.volumes) && { volumes: body.volumes }),
      ...(typeof body.region_name === 'string' && { region_name: body.region_name }),
    })
    this.applyUpdate(service, body)
    this.state.services.set(this.state.key(ns, service.service_name), service)
    this.state.converge(service)
    sendJson(res, 201, this.view(service))
  }

  /** PUT: any of target_num_instances, image_name, image_tag, scaling_mode, autoscaling_config (source document). */
  private update(res: ServerResponse, service: Service, body: Record<string, unknown>): void {
    const errors = this.checkUpdate(body, service)
    if (Object.keys(errors).length > 0) return sendJson(res, 400, errors)
    // new variables, like a new image, replace the instances
    const shape = () => JSON.stringify([imageOf(service), service.target_num_instances, service.scaling_mode, service.instance_envvars])
    const before = shape()
    this.applyUpdate(service, body)
    if (shape() !== before) this.state.converge(service)
    sendJson(res, 200, this.view(service))
  }

  private checkUpdate(body: Record<string, unknown>, service?: Service): FieldErrors {
    const errors: FieldErrors = {}
    const count = body.target_num_instances
    if (count !== undefined && !(Number.isInteger(count) && (count as number) >= 0 && (count as number) <= 100)) {
      errors.target_num_instances = ['A whole number from 0 to 100 is required.']
    }
    for (const field of ['image_tag', 'image_name']) {
      if (body[field] !== undefined && (typeof body[field] !== 'string' || body[field] === '')) errors[field] = ['Not a valid string.']
    }
    Object.assign(errors, choice(body, 'scaling_mode', ['MANUAL', 'AUTO'], false))
    // the create's field, taken by the update too: the whole set of variables (I: no source shows an update with it)
    if (body.instance_envvars !== undefined && !isStringMap(body.instance_envvars))
      errors.instance_envvars = ['Must be an object of strings, keys a letter or _ then letters, digits and _.']
    const auto =
      body.scaling_mode === 'AUTO' ||
      (body.scaling_mode === undefined && service?.scaling_mode === 'AUTO' && body.autoscaling_config !== undefined)
    if (auto) {
      const config = autoscalingConfigOf(body.autoscaling_config)
      const bad =
        config === undefined
          ? AUTOSCALING_KEYS
          : AUTOSCALING_KEYS.filter((key) =>
              key.startsWith('metric')
                ? typeof config[key] !== 'string'
                : !['string', 'number'].includes(typeof config[key]) || config[key] === '' || !Number.isFinite(Number(config[key])),
            )
      if (bad.length > 0 || config === undefined)
        errors.autoscaling_config = [`AUTO needs ${bad.join(', ')} (numbers, or numbers as text), as an object or a JSON text of one.`]
      else if (Number(config?.minimum_num_instances) > Number(config?.maximum_num_instances)) {
        errors.autoscaling_config = ['minimum_num_instances is above maximum_num_instances.']
      }
    }
    return errors
  }

  private applyUpdate(service: Service, body: Record<string, unknown>): void {
    if (isStringMap(body.instance_envvars)) service.instance_envvars = { ...body.instance_envvars }
    if (typeof body.image_name === 'string') service.image_name = body.image_name
    if (typeof body.image_tag === 'string') service.image_tag = body.image_tag
    if (typeof body.target_num_instances === 'number') service.target_num_instances = body.target_num_instances
    if (body.scaling_mode === 'MANUAL') service.scaling_mode = 'MANUAL'
    if (body.scaling_mode === 'AUTO' || (service.scaling_mode === 'AUTO' && body.autoscaling_config !== undefined)) {
      service.scaling_mode = 'AUTO'
      const config = autoscalingConfigOf(body.autoscaling_config) ?? {}
      service.autoscaling_config = Object.fromEntries(Object.entries(config).map(([key, value]) => [key, String(value)]))
    }
    if (service.scaling_mode === 'AUTO') {
      // no load in the emulator: the autoscaler holds the count within its bounds
      const min = Number(service.autoscaling_config.minimum_num_instances)
      const max = Number(service.autoscaling_config.maximum_num_instances)
      service.target_num_instances = Math.min(max, Math.max(min, service.target_num_instances))
    }
  }

  private logs(res: ServerResponse, service: Service, url: URL): void {
    const from = Number(url.searchParams.get('start_time') ?? 0)
    const to = Number(url.searchParams.get('end_time') ?? Number.MAX_SAFE_INTEGER)
    if (!Number.isFinite(from) || !Number.isFinite(to)) return sendJson(res, 400, { detail: 'start_time and end_time are epoch seconds.' })
    sendJson(
      res,
      200,
      service.logs.filter((line) => line.time >= from && line.time <= to),
    )
  }

  /** The get answer: the source document's fields, `*_config` and `instance_envvars` as JSON text as it shows them. */
  view(s: Service): Record<string, unknown> {
    const running = s.instances.length
    return {
      unique_name: s.uuid,
      uuid: s.uuid,
      service_name: s.service_name,
      namespace: s.namespace,
      application: s.application,
      created_by: s.namespace,
      image_name: s.image_name,
      image_tag: s.image_tag,
      run_command: s.run_command,
      instance_size: s.instance_size,
      scaling_mode: s.scaling_mode,
      autoscaling_config: JSON.stringify(s.autoscaling_config),
      target_state: s.target_state,
      current_status: s.current_status,
      is_deploying: s.is_deploying,
      target_num_instances: s.target_num_instances,
      current_num_instances: running,
      staged_num_instances: s.is_deploying ? Math.max(0, s.target_num_instances - running) : 0,
      started_num_instances: running,
      instances: s.instances.map(({ instance_name, started_at, uuid }) => ({ instance_name, started_at, uuid })),
      // with the platform's own __DEFAULT_DOMAIN_NAME__, which Alauda's CLI reads there (platforms.md 7)
      instance_envvars: JSON.stringify({
        ...s.instance_envvars,
        __DEFAULT_DOMAIN_NAME__: `${this.host()}/apps/${s.namespace}/${s.service_name}`,
      }),
      instance_ports: s.instance_ports,
      volumes: s.volumes,
      linked_to_apps: JSON.stringify(s.linked_to_apps),
      custom_domain_name: s.custom_domain_name,
      default_domain_name: `${this.host()}/apps/${s.namespace}/${s.service_name}`,
      region: { IaaS: 'AWS', name: s.region_name },
      created_at: s.created_at,
      updated_at: s.updated_at,
      started_at: s.started_at,
      stopped_at: s.stopped_at,
      last_autoscaled_at: null,
      resource_uri: `/api/v1/apps/${s.service_name}`,
    }
  }

  private serveService(ns: string, name: string, res: ServerResponse): void {
    const service = this.state.services.get(this.state.key(ns, name))
    const instance = service?.instances[0]
    if (!service || !instance) return sendJson(res, 503, { error: 'no instance runs this service' })
    this.answer(service, instance.image, res)
  }

  /** Round-robin over every running instance of the services on the domain. */
  private serveDomain(domain: string, res: ServerResponse): void {
    const instances = [...this.state.services.values()]
      .filter((s) => s.custom_domain_name === domain)
      .flatMap((s) => s.instances.map((instance) => ({ service: s, instance })))
    if (instances.length === 0) return sendJson(res, 503, { error: `no instance serves ${domain}` })
    const turn = this.turns.get(domain) ?? 0
    this.turns.set(domain, turn + 1)
    const { service, instance } = instances[turn % instances.length] as (typeof instances)[number]
    this.answer(service, instance.image, res)
  }

  private answer(service: Service, image: string, res: ServerResponse): void {
    if (this.images.unhealthy.has(image))
      this.state.log(service, service.instances[0]?.uuid ?? 'unknown', 'ERROR GET / answered 503: the database is down')
    serveApp(res, this.images, service.service_name, image)
  }
}

function choice(body: Record<string, unknown>, field: string, allowed: string[], required: boolean): FieldErrors {
  const value = body[field]
  if (value === undefined && !required) return {}
  return typeof value === 'string' && allowed.includes(value)
    ? {}
    : { [field]: [`"${String(value)}" is not a valid choice: ${allowed.join(', ')}.`] }
}

function checkPorts(ports: unknown): FieldErrors {
  if (ports === undefined) return {}
  const ok =
    Array.isArray(ports) &&
    ports.every((p: { container_port?: unknown; protocol?: unknown; endpoint_type?: unknown }) => {
      return (
        Number.isInteger(p?.container_port) &&
        ['tcp', 'udp', 'http'].includes(String(p.protocol)) &&
        (p.endpoint_type === undefined || ENDPOINTS.includes(String(p.endpoint_type)))
      )
    })
  return ok
    ? {}
    : {
        instance_ports: [
          `Each port needs container_port (a number), protocol (tcp, udp, http) and endpoint_type (${ENDPOINTS.join(', ')}).`,
        ],
      }
}

function checkVolumes(volumes: unknown): FieldErrors {
  if (volumes === undefined) return {}
  const ok =
    Array.isArray(volumes) &&
    volumes.every(
      (v: { app_volume_dir?: unknown; size_gb?: unknown }) => typeof v?.app_volume_dir === 'string' && Number.isInteger(v.size_gb),
    )
  return ok ? {} : { volumes: ['Each volume needs app_volume_dir (a path) and size_gb (a number).'] }
}

/** Variables: names a letter or _ then letters, digits and _ (I: as a shell takes them), string values. */
function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.entries(value).every(([k, v]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && typeof v === 'string')
  )
}

/**
 * An autoscaling_config as sent: an object (the source document: numbers as text) or, as Alauda's
 * CLI sends it, a JSON text of one with numbers (platforms.md 7, `util.parse_autoscale_info`).
 */
function autoscalingConfigOf(value: unknown): Record<string, unknown> | undefined {
  let config = value
  if (typeof value === 'string') {
    try {
      config = JSON.parse(value)
    } catch {
      return undefined
    }
  }
  return typeof config === 'object' && config !== null && !Array.isArray(config) ? (config as Record<string, unknown>) : undefined
}

import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { parse } from 'yaml'
import { type Images, serveApp } from '../apps.js'
import { readBody, sendJson } from '../http-util.js'
import { WeightedTurns } from './balancer.js'
import { collectionView } from './collections.js'
import { serviceActions } from './processes.js'
import { pluralOf, schemaView, type TypeDef, typeDefs } from './schemas.js'
import { imageOf, type LaunchConfig, type PortRule, type RancherState, type Service, type Stack } from './state.js'
import { validateBody } from './validate.js'
import { RancherEvents } from './events.js'
import { RancherWebhooks } from './webhooks.js'

/** The project an API key works in when a path names none (the demo key is an environment key of 1a5). */
const KEY_PROJECT = '1a5'
/** the states of a stack or service on its way out, or gone */
const STACK_GONE = new Set(['removing', 'removed', 'purged'])

/** Where a request is: the public URL of its API base (`…/v2-beta` or `…/v2-beta/projects/{id}`) and its project. */
interface Scope {
  base: string
  projectId: string
}

/** A request below a base: `/<plural>[/<id>[/<link>]]`, or `/schemas[/<id>]`, or nothing (the base itself). */
interface Target {
  plural?: string
  id?: string
  link?: string
}

/**
 * Rancher's API v2-beta under `/rancher` (platforms.md section 5), as strict as Cattle: the API
 * root and its schemas (every answer names them in `X-API-Schemas`), collections by type
 * (`/services`, `/loadbalancerservices`, `/stacks`…) with filters and `limit`/`marker` pages,
 * resources with their `links` and the `actions` their state allows, and every write validated
 * against the schema it serves (schemas.ts), refused in Cattle's error body. The same under a
 * project (`/v2-beta/projects/{id}/…`) and at the API root (the key's project). Each service's
 * containers answer at `/rancher/services/{id}/`, a load balancer's at `/rancher/lb/{id}/{port}/`.
 * The event stream (a WebSocket upgrade) is `events`.
 */
export class RancherEmulator {
  private readonly turns = new Map<string, number>()
  private readonly weighted = new WeightedTurns()
  readonly webhooks: RancherWebhooks
  readonly events: RancherEvents

  constructor(
    private readonly state: RancherState,
    private readonly images: Images,
    private readonly baseUrl: () => string,
  ) {
    this.webhooks = new RancherWebhooks(state, baseUrl, (id, scale) => {
      const service = state.services.get(id)
      if (!service) return
      service.scale = scale
      if (service.state === 'active') {
        state.transition(service, 'updating-active', { count: scale, image: imageOf(service.launchConfig), batch: 1, done: 'active' })
      }
    })
    this.events = new RancherEvents(state, (service) => this.view(service))
  }

  types(): Map<string, TypeDef> {
    return typeDefs(this.state.portRuleWeights)
  }

  /** Serves a request; whatever it changed goes to the event stream's subscribers. */
  async handle(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(path, req, res)
    } finally {
      this.state.changed()
    }
  }

  private async route(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(path, 'http://x')
    const app = url.pathname.match(/^\/services\/([^/]+)\/?$/)
    if (app) return this.serve(app[1] as string, res)
    const balanced = url.pathname.match(/^\/lb\/([^/]+)\/(\d+)\/?$/)
    if (balanced) return this.balance(balanced[1] as string, Number(balanced[2]), res)
    const [user, secret] = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':')
    const authorized = user !== undefined && user !== '' && this.state.keys.get(user) === secret
    if (url.pathname.startsWith('/v1-webhooks/')) return this.webhooks.handle(path, req, res, authorized)
    const pathname = url.pathname.replace(/(.)\/$/, '$1')
    const server = this.baseUrl()
    if (pathname === '/' && req.method === 'GET') return this.versions(res, url)
    const versioned = pathname.match(/^\/v2-beta(?:\/projects\/([^/]+))?(\/.*)?$/)
    if (!versioned) return fail(res, `${server}/v2-beta`, 404, 'NotFound', `no such resource: ${url.pathname}`)
    const [, projectId, rest = ''] = versioned
    const scope: Scope = projectId
      ? { base: `${server}/v2-beta/projects/${projectId}`, projectId }
      : { base: `${server}/v2-beta`, projectId: KEY_PROJECT }
    if (!authorized) return fail(res, scope.base, 401, 'Unauthorized', 'Unauthorized')
    if (!this.state.projects.has(scope.projectId))
      return fail(res, `${server}/v2-beta`, 404, 'NotFound', `project ${scope.projectId} not found`)
    const [, plural, id, link, extra] = rest.split('/')
    if (extra !== undefined) return fail(res, scope.base, 404, 'NotFound', `no such resource: ${url.pathname}`)
    const text = await readBody(req)
    let body: Record<string, unknown>
    try {
      body = text ? JSON.parse(text) : {}
    } catch {
      return fail(res, scope.base, 422, 'InvalidBodyContent', 'the body is not JSON')
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return fail(res, scope.base, 422, 'InvalidBodyContent', 'the body must be a JSON object')
    const target: Target = { ...(plural && { plural }), ...(id && { id }), ...(link && { link }) }
    return this.api(req.method ?? 'GET', target, url, body, scope, res)
  }

  /** The server root: the API versions (gdapi's VersionsHandler). */
  private versions(res: ServerResponse, url: URL): void {
    const server = this.baseUrl()
    const version = { id: 'v2-beta', type: 'apiVersion', links: { self: `${server}/v2-beta` }, actions: {} }
    sendJson(
      res,
      200,
      {
        type: 'collection',
        resourceType: 'apiVersion',
        links: { self: `${server}${url.pathname}`, latest: `${server}/v2-beta` },
        data: [version],
      },
      { 'X-API-Schemas': `${server}/v2-beta/schemas` },
    )
  }

  private api(method: string, target: Target, url: URL, body: Record<string, unknown>, scope: Scope, res: ServerResponse): void {
    const types = this.types()
    const headers = { 'X-API-Schemas': `${scope.base}/schemas` }
    const answer = (status: number, value: unknown) => sendJson(res, status, value, headers)
    const publicUrl = `${scope.base}${url.pathname.replace(/^.*?\/v2-beta(\/projects\/[^/]+)?/, '')}${url.search}`
    if (target.plural === undefined) {
      if (method !== 'GET') return fail(res, scope.base, 405, 'MethodNotAllowed', `${method} is not allowed here`)
      return answer(200, scope.base.includes('/projects/') ? this.projectView(scope) : this.rootView(scope, types))
    }
    if (target.plural === 'schemas') {
      if (method !== 'GET' || target.link) return fail(res, scope.base, 405, 'MethodNotAllowed', `${method} is not allowed here`)
      const views = [...types.values()].map((def) => schemaView(def, scope.base))
      if (target.id === undefined) return answer(200, collectionView(types.get('schema') as TypeDef, views, url, publicUrl))
      const one = views.find((view) => String(view.id).toLowerCase() === target.id?.toLowerCase())
      return one ? answer(200, one) : fail(res, scope.base, 404, 'NotFound', `no schema ${target.id}`)
    }
    // a type is found by its plural or its id, in any case (Cattle's SchemaFactoryImpl lower-cases both)
    const wanted = target.plural.toLowerCase()
    const def = [...types.values()].find(
      (type) => type.collectionMethods.includes('GET') && (pluralOf(type).toLowerCase() === wanted || type.id.toLowerCase() === wanted),
    )
    if (!def) return fail(res, scope.base, 404, 'NotFound', `no such collection: ${target.plural}`)
    if (target.id === undefined) {
      if (!def.collectionMethods.includes(method as never))
        return fail(res, scope.base, 405, 'MethodNotAllowed', `${method} is not allowed on ${target.plural}`)
      if (method === 'POST') return this.createStack(res, scope, body)
      return answer(200, collectionView(def, this.members(def.id, scope), url, publicUrl))
    }
    const resource = this.find(def.id, target.id, scope)
    if (!resource) return fail(res, scope.base, 404, 'NotFound', `${def.id} ${target.id} not found`)
    if (target.link !== undefined) {
      const linked = this.linked(resource, target.link, scope)
      if (!linked || method !== 'GET') return fail(res, scope.base, 404, 'NotFound', `no link ${target.link}`)
      return answer(200, collectionView(linked.def, linked.items, url, publicUrl))
    }
    const action = url.searchParams.get('action')
    if (action !== null && method === 'POST') {
      if (!isService(resource)) return fail(res, scope.base, 422, 'InvalidAction', `no action ${action} on ${def.id}`, 'action')
      return this.action(res, scope, resource, action, body)
    }
    if (!def.resourceMethods.includes(method as never))
      return fail(res, scope.base, 405, 'MethodNotAllowed', `${method} is not allowed on ${def.id}`)
    if (method === 'GET') return answer(200, this.viewOf(resource, scope))
    if (isService(resource)) {
      if (method === 'PUT') return this.update(res, scope, resource, body)
      return this.remove(res, scope, resource)
    }
    if (isStack(resource)) return method === 'PUT' ? this.updateStack(res, scope, resource, body) : this.removeStack(res, scope, resource)
    return fail(res, scope.base, 405, 'MethodNotAllowed', `${method} is not allowed on ${def.id}`)
  }

  /**
   * DELETE of a stack: `removing` while each of its services is removed, then `removed`: it lingers
   * in the list, its name free for a new stack. 405 once removing or removed, as a service's.
   */
  private removeStack(res: ServerResponse, scope: Scope, stack: Stack): void {
    if (STACK_GONE.has(stack.state)) return fail(res, scope.base, 405, 'MethodNotAllowed', `the stack is ${stack.state}`)
    const services = [...this.state.services.values()].filter((s) => s.stackId === stack.id && !STACK_GONE.has(s.state))
    let left = services.length
    const removed = () => {
      left--
      if (left > 0) return
      stack.state = 'removed'
      this.state.changed()
    }
    stack.state = left === 0 ? 'removed' : 'removing'
    for (const service of services)
      this.state.transition(service, 'removing', {
        count: 0,
        image: imageOf(service.launchConfig),
        batch: 100,
        done: 'removed',
        then: removed,
      })
    this.state.changed()
    sendJson(res, 202, this.stackView(stack, scope.base), { 'X-API-Schemas': `${scope.base}/schemas` })
  }

  /** `GET /v2-beta`: the API version with a link to every collection (gdapi's VersionHandler). */
  private rootView(scope: Scope, types: Map<string, TypeDef>): Record<string, unknown> {
    const links: Record<string, string> = { self: scope.base }
    for (const def of types.values())
      if (def.collectionMethods.includes('GET')) links[pluralOf(def)] = `${scope.base}/${pluralOf(def).toLowerCase()}`
    return { id: 'v2-beta', type: 'apiVersion', links, actions: {} }
  }

  /** `GET /v2-beta/projects/{id}`: the project, with links to its collections. */
  private projectView(scope: Scope): Record<string, unknown> {
    const links: Record<string, string> = { self: scope.base, schemas: `${scope.base}/schemas` }
    for (const def of this.types().values())
      if (def.collectionMethods.includes('GET') && def.id !== 'schema' && def.id !== 'project')
        links[pluralOf(def)] = `${scope.base}/${pluralOf(def).toLowerCase()}`
    return {
      id: scope.projectId,
      type: 'project',
      kind: 'project',
      name: 'Default',
      state: 'active',
      orchestration: 'cattle',
      links,
      actions: {},
    }
  }

  /** The views of a type's resources in the scope (a typed collection keeps its kind only). */
  private members(type: string, scope: Scope): Record<string, unknown>[] {
    const services = [...this.state.services.values()].filter((s) => s.projectId === scope.projectId)
    switch (type) {
      case 'project':
        return [this.projectView({ base: `${this.baseUrl()}/v2-beta/projects/${scope.projectId}`, projectId: scope.projectId })]
      case 'stack':
        return [...this.state.stacks.values()].filter((s) => s.projectId === scope.projectId).map((s) => this.stackView(s, scope.base))
      case 'service':
        return services.map((s) => this.view(s, scope.base))
      case 'loadBalancerService':
        return services.filter((s) => s.lbConfig).map((s) => this.view(s, scope.base))
      case 'host':
        return this.webhooks.hosts
          .filter((h) => h.projectId === scope.projectId)
          .map((host) => ({
            id: host.id,
            type: 'host',
            kind: 'host',
            hostname: host.hostname,
            name: host.hostname,
            labels: host.labels,
            state: host.state,
            links: { self: `${scope.base}/hosts/${host.id}` },
            actions: {},
          }))
      case 'instance':
        return services.flatMap((s) => this.instances(s, scope.base))
      default:
        return []
    }
  }

  private find(type: string, id: string, scope: Scope): Service | Stack | Record<string, unknown> | undefined {
    if (type === 'service' || type === 'loadBalancerService') {
      const service = this.state.services.get(id)
      return service && service.projectId === scope.projectId && (type === 'service' || service.lbConfig) ? service : undefined
    }
    if (type === 'stack') {
      const stack = this.state.stacks.get(id)
      return stack?.projectId === scope.projectId ? stack : undefined
    }
    return this.members(type, scope).find((item) => item.id === id)
  }

  private viewOf(resource: Service | Stack | Record<string, unknown>, scope: Scope): Record<string, unknown> {
    if (isService(resource)) return this.view(resource, scope.base)
    if (isStack(resource)) return this.stackView(resource, scope.base)
    return resource
  }

  /** A resource's link: a service's `instances`, a stack's `services`. */
  private linked(resource: Service | Stack | Record<string, unknown>, link: string, scope: Scope) {
    const types = this.types()
    if (isService(resource) && link === 'instances')
      return { def: types.get('instance') as TypeDef, items: this.instances(resource, scope.base) }
    if (isStack(resource) && link === 'services') {
      const items = [...this.state.services.values()].filter((s) => s.stackId === resource.id).map((s) => this.view(s, scope.base))
      return { def: types.get('service') as TypeDef, items }
    }
    return undefined
  }

  private instances(service: Service, base: string): Record<string, unknown>[] {
    return service.containers.map((container, index) => ({
      id: container.id,
      type: 'container',
      kind: 'container',
      name: `${service.name}-${index + 1}`,
      state: 'running',
      imageUuid: `docker:${container.image}`,
      startCount: container.startCount,
      links: { self: `${base}/instances/${container.id}` },
      actions: {},
    }))
  }

  private validate(type: string, body: Record<string, unknown>, operation: 'create' | 'update', scope: Scope) {
    return validateBody(type, body, operation, {
      types: this.types(),
      exists: (kind, id) =>
        kind === 'service'
          ? this.state.services.get(id)?.projectId === scope.projectId
          : kind === 'stack'
            ? this.state.stacks.get(id)?.projectId === scope.projectId
            : kind === 'project' && this.state.projects.has(id),
    })
  }

  /** A stack from compose text: each compose service becomes a service, started when asked, with `${VAR}` from `environment`. */
  private createStack(res: ServerResponse, scope: Scope, raw: Record<string, unknown>): void {
    const checked = this.validate('stack', raw, 'create', scope)
    if ('invalid' in checked) return invalid(res, scope.base, checked.invalid)
    const body = checked.value
    const name = body.name as string
    // a removed stack lingers, but its name is free again
    if (
      [...this.state.stacks.values()].some(
        (s) => s.projectId === scope.projectId && s.name === name && !['removed', 'purged'].includes(s.state),
      )
    )
      return fail(res, scope.base, 422, 'NotUnique', 'name is not unique', 'name')
    const environment = (body.environment ?? {}) as Record<string, string>
    const fill = (text: string) => text.replace(/\$\{(\w+)\}/g, (_, key: string) => environment[key] ?? '')
    let compose: { services?: Record<string, { image?: string }> }
    let rancher: { services?: Record<string, { scale?: number; start_on_create?: boolean }> }
    try {
      compose = (parse(fill(String(body.dockerCompose ?? ''))) ?? {}) as typeof compose
      rancher = (parse(fill(String(body.rancherCompose ?? ''))) ?? {}) as typeof rancher
    } catch (error) {
      return fail(res, scope.base, 422, 'InvalidFormat', `the compose text does not parse: ${(error as Error).message}`, 'dockerCompose')
    }
    const services = Object.entries(compose.services ?? {})
    const bad = services.find(([, spec]) => typeof spec?.image !== 'string' || !spec.image.includes(':'))
    if (services.length === 0 || bad)
      return fail(
        res,
        scope.base,
        422,
        'InvalidFormat',
        `every compose service needs an image as repository:tag${bad ? ` (${bad[0]})` : ''}`,
        'dockerCompose',
      )
    const stack = this.state.newStack(scope.projectId, name, {
      state: 'active',
      dockerCompose: String(body.dockerCompose),
      rancherCompose: String(body.rancherCompose ?? ''),
      environment,
      ...(typeof body.description === 'string' && { description: body.description }),
    })
    for (const [serviceName, spec] of services) {
      const scale = rancher.services?.[serviceName]?.scale ?? 1
      const service = this.state.newService(stack, serviceName, spec.image as string, scale, false)
      if (body.startOnCreate !== false && rancher.services?.[serviceName]?.start_on_create !== false) {
        this.state.transition(service, 'activating', { count: scale, image: spec.image as string, batch: scale, done: 'active' })
      }
    }
    sendJson(res, 201, this.stackView(stack, scope.base), { 'X-API-Schemas': `${scope.base}/schemas` })
  }

  /** A PUT of a service's writable fields (its schema's `update` fields); Cattle's service.update must be able to start. */
  private update(res: ServerResponse, scope: Scope, service: Service, raw: Record<string, unknown>): void {
    const checked = this.validate(service.lbConfig ? 'loadBalancerService' : 'service', raw, 'update', scope)
    if ('invalid' in checked) return invalid(res, scope.base, checked.invalid)
    if (!serviceActions(service.state).includes('update'))
      return fail(res, scope.base, 422, 'InvalidState', `the service is ${service.state}`)
    const body = checked.value
    if (typeof body.name === 'string') service.name = body.name
    if (body.description !== undefined) service.description = (body.description as string | null) ?? undefined
    if (body.metadata !== undefined) service.metadata = body.metadata as Record<string, unknown> | null
    if (body.lbConfig !== undefined) {
      const config = body.lbConfig as { portRules: PortRule[] } & Record<string, unknown>
      service.lbConfig = { ...service.lbConfig, ...config }
      this.state.transition(service, 'updating-active', {
        count: service.containers.length,
        image: imageOf(service.launchConfig),
        batch: 1,
        done: 'active',
      })
    } else if (body.scale !== undefined && body.scale !== service.scale) {
      service.scale = body.scale as number
      if (service.state === 'active' || service.state === 'updating-active') {
        this.state.transition(service, 'updating-active', {
          count: service.scale,
          image: imageOf(service.launchConfig),
          batch: 1,
          done: 'active',
        })
      }
    }
    sendJson(res, 200, this.view(service, scope.base), { 'X-API-Schemas': `${scope.base}/schemas` })
  }

  /** DELETE: service.remove; a service already removing or removed answers 405, as Cattle's deleteInternal. */
  private remove(res: ServerResponse, scope: Scope, service: Service): void {
    if (!serviceActions(service.state).includes('remove'))
      return fail(res, scope.base, 405, 'MethodNotAllowed', `the service is ${service.state}`)
    this.state.transition(service, 'removing', { count: 0, image: imageOf(service.launchConfig), batch: 100, done: 'removed' })
    sendJson(res, 202, this.view(service, scope.base), { 'X-API-Schemas': `${scope.base}/schemas` })
  }

  /** A request through the balancer's source port: weighted round-robin over the containers of every service its rules name. */
  private balance(lbId: string, port: number, res: ServerResponse): void {
    const lb = this.state.services.get(lbId)
    const backends = (lb?.lbConfig?.portRules ?? [])
      .filter((rule) => rule.sourcePort === port)
      .flatMap((rule) => {
        const target = this.state.services.get(rule.serviceId)
        // lb-controller gives each container of a rule the rule's weight (1 when unset)
        const weight = rule.weight ?? 1
        return target
          ? target.containers.map((container) => ({ key: container.id, weight, name: target.name, image: container.image }))
          : []
      })
    const backend = this.weighted.pick(`lb/${lbId}/${port}`, backends)
    if (!backend) return sendJson(res, 503, { error: `no backend on port ${port}` })
    serveApp(res, this.images, backend.name, backend.image)
  }

  private action(res: ServerResponse, scope: Scope, service: Service, action: string, raw: Record<string, unknown>): void {
    const def = this.types().get(service.lbConfig ? 'loadBalancerService' : 'service') as TypeDef
    const declared = def.resourceActions?.[action]
    if (!declared) return fail(res, scope.base, 422, 'InvalidAction', `no action ${action} on ${def.id}`, 'action')
    if (!serviceActions(service.state).includes(action)) {
      return fail(res, scope.base, 422, 'ActionNotAvailable', `Action [${action}] not available on [${service.state}]`, 'action')
    }
    let body: Record<string, unknown> = {}
    if (declared.input) {
      const checked = this.validate(declared.input, raw, 'create', scope)
      if ('invalid' in checked) return invalid(res, scope.base, checked.invalid)
      body = checked.value
    } else if (Object.keys(raw).length > 0) {
      return fail(res, scope.base, 422, 'InvalidFormat', `action ${action} takes no input`, Object.keys(raw)[0])
    }
    const image = imageOf(service.launchConfig)
    switch (action) {
      case 'upgrade': {
        const strategy = body.inServiceStrategy as { launchConfig?: LaunchConfig; batchSize: number } | null | undefined
        const next = strategy?.launchConfig
        if (typeof next?.imageUuid !== 'string' || !/^docker:.+:.+/.test(next.imageUuid)) {
          return fail(
            res,
            scope.base,
            422,
            'InvalidFormat',
            'inServiceStrategy.launchConfig.imageUuid must be docker:IMAGE:TAG',
            'imageUuid',
          )
        }
        service.upgrade = { inServiceStrategy: { ...strategy, previousLaunchConfig: service.launchConfig } }
        service.launchConfig = next
        const count = service.state === 'inactive' ? 0 : service.scale
        this.state.transition(service, 'upgrading', { count, image: imageOf(next), batch: strategy?.batchSize ?? 1, done: 'upgraded' })
        break
      }
      case 'finishupgrade':
        this.state.transition(service, 'finishing-upgrade', { count: service.containers.length, image, batch: 1, done: 'active' })
        break
      case 'rollback': {
        const previous = service.upgrade?.inServiceStrategy.previousLaunchConfig
        if (!previous) return fail(res, scope.base, 422, 'InvalidState', 'there is no upgrade to roll back')
        service.launchConfig = previous
        this.state.transition(service, 'rolling-back', { count: service.scale, image: imageOf(previous), batch: 1, done: 'active' })
        break
      }
      case 'cancelupgrade':
        // the upgrade stops where it stands: canceling-upgrade, then canceled-upgrade (platforms.md 5.2)
        this.state.pass(service, 'canceling-upgrade', 'canceled-upgrade')
        break
      case 'continueupgrade':
        this.state.transition(service, 'upgrading', { count: service.scale, image, batch: 1, done: 'upgraded' })
        break
      case 'activate':
        this.state.transition(service, 'activating', { count: service.scale, image, batch: service.scale, done: 'active' })
        break
      case 'deactivate':
        this.state.transition(service, 'deactivating', { count: 0, image, batch: service.scale, done: 'inactive' })
        break
      case 'restart': {
        const { batchSize } = body.rollingRestartStrategy as { batchSize: number }
        this.state.transition(service, 'restarting', { count: service.scale, image, batch: batchSize, all: true, done: 'active' })
        break
      }
      case 'remove':
        this.state.transition(service, 'removing', { count: 0, image, batch: 100, done: 'removed' })
        break
      default:
        return fail(res, scope.base, 422, 'InvalidAction', `action ${action} is not served by the emulator`, 'action')
    }
    sendJson(res, 202, this.view(service, scope.base), { 'X-API-Schemas': `${scope.base}/schemas` })
  }

  /** A service as the API shows it; `base` is the API base its links and actions are under. */
  view(s: Service, base = `${this.baseUrl()}/v2-beta/projects/${s.projectId}`): Record<string, unknown> {
    const kind = s.lbConfig ? 'loadBalancerService' : 'service'
    const self = `${base}/${s.lbConfig ? 'loadbalancerservices' : 'services'}/${s.id}`
    return {
      id: s.id,
      type: kind,
      kind,
      ...(s.lbConfig && { lbConfig: s.lbConfig }),
      name: s.name,
      description: s.description ?? null,
      accountId: s.projectId,
      stackId: s.stackId,
      state: s.state,
      transitioning: s.transitioning,
      transitioningMessage: s.transitioningMessage,
      transitioningProgress: null,
      healthState:
        s.state === 'active' ? 'healthy' : s.transitioning === 'yes' ? 'updating-healthy' : s.state === 'inactive' ? null : 'healthy',
      scale: s.scale,
      currentScale: s.containers.length,
      launchConfig: s.launchConfig,
      secondaryLaunchConfigs: s.secondaryLaunchConfigs,
      upgrade: s.upgrade,
      metadata: s.metadata ?? null,
      links: { self, instances: `${self}/instances`, stack: `${base}/stacks/${s.stackId}` },
      actions: Object.fromEntries(serviceActions(s.state).map((name) => [name, `${self}?action=${name}`])),
    }
  }

  /** A stack's updatable fields: its description (its services change through their own resources). */
  private updateStack(res: ServerResponse, scope: Scope, stack: Stack, raw: Record<string, unknown>): void {
    const checked = this.validate('stack', raw, 'update', scope)
    if ('invalid' in checked) return invalid(res, scope.base, checked.invalid)
    if (checked.value.description !== undefined) stack.description = (checked.value.description as string | null) ?? undefined
    sendJson(res, 200, this.stackView(stack, scope.base), { 'X-API-Schemas': `${scope.base}/schemas` })
  }

  stackView(s: Stack, base = `${this.baseUrl()}/v2-beta/projects/${s.projectId}`): Record<string, unknown> {
    const self = `${base}/stacks/${s.id}`
    return {
      id: s.id,
      type: 'stack',
      kind: 'stack',
      name: s.name,
      description: s.description ?? null,
      accountId: s.projectId,
      state: s.state,
      healthState: 'healthy',
      environment: s.environment,
      serviceIds: [...this.state.services.values()].filter((service) => service.stackId === s.id).map((service) => service.id),
      links: { self, services: `${self}/services` },
      actions: {},
    }
  }

  private serve(id: string, res: ServerResponse): void {
    const service = this.state.services.get(id)
    if (!service || service.containers.length === 0) return sendJson(res, 503, { error: `no container of ${id} runs` })
    const turn = this.turns.get(id) ?? 0
    this.turns.set(id, turn + 1)
    const container = service.containers[turn % service.containers.length] as Service['containers'][number]
    serveApp(res, this.images, service.name, container.image)
  }
}

function isService(resource: Service | Stack | Record<string, unknown>): resource is Service {
  return 'containers' in resource && 'launchConfig' in resource
}

function isStack(resource: Service | Stack | Record<string, unknown>): resource is Stack {
  return 'dockerCompose' in resource
}

/** Cattle's error body (ErrorImpl / ValidationErrorImpl), with the schemas header every API answer has. */
function fail(res: ServerResponse, base: string, status: number, code: string, message: string, fieldName?: string): void {
  sendJson(
    res,
    status,
    { id: randomUUID(), type: 'error', status, code, message, detail: null, ...(fieldName && { fieldName }) },
    { 'X-API-Schemas': `${base}/schemas` },
  )
}

function invalid(res: ServerResponse, base: string, refusal: { code: string; fieldName: string; message: string }): void {
  fail(res, base, 422, refusal.code, refusal.message, refusal.fieldName)
}

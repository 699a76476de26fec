import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { parse } from 'yaml'
import { type Images, serveApp } from '../apps.js'
import { readBody, sendJson } from '../http-util.js'
import { imageOf, type LaunchConfig, type RancherState, type Service, type Stack } from './state.js'
import { RancherWebhooks } from './webhooks.js'

/** The actions each state offers (platforms.md 5.2, Cattle's process definitions). */
const ACTIONS: Record<string, string[]> = {
  active: ['upgrade', 'restart', 'deactivate', 'remove', 'update'],
  inactive: ['activate', 'upgrade', 'remove', 'update'],
  upgrading: ['cancelupgrade', 'rollback'],
  upgraded: ['finishupgrade', 'rollback', 'remove'],
  'canceled-upgrade': ['rollback', 'continueupgrade', 'remove'],
}
/**
 * What a state offers while its process runs (transitioning: yes): the processes whose start
 * states include it (Cattle's spring-process-context.xml, platforms.md 5.2 and 7: rollback starts
 * from upgrading, cancelupgrade from upgrading and finishing-upgrade). Other transitions offer none.
 */
const WHILE_TRANSITIONING: Record<string, string[]> = {
  upgrading: ['cancelupgrade', 'rollback'],
  'finishing-upgrade': ['cancelupgrade'],
}
const UPGRADE_FROM = ['active', 'activating', 'inactive', 'updating-active']

function offered(s: Service): string[] {
  if (s.transitioning === 'error') return ACTIONS.upgrading as string[]
  if (s.transitioning === 'yes') return WHILE_TRANSITIONING[s.state] ?? []
  return ACTIONS[s.state] ?? []
}

/**
 * Rancher's API v2-beta under `/rancher` (platforms.md section 5): HTTP Basic API keys, projects,
 * stacks created from compose text, services whose `actions` follow their state, and the error
 * body of Cattle. Each service's containers answer at `/rancher/services/{id}/`.
 */
export class RancherEmulator {
  private readonly turns = new Map<string, number>()
  readonly webhooks: RancherWebhooks

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
  }

  async handle(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
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
    if (!authorized) return fail(res, 401, 'Unauthorized', 'Unauthorized')
    const hosts = url.pathname.match(/^\/v2-beta\/projects\/([^/]+)\/hosts$/)
    if (hosts && req.method === 'GET') {
      const data = this.webhooks.hosts
        .filter((h) => h.projectId === hosts[1])
        .map((host) => ({ type: 'host', id: host.id, hostname: host.hostname, labels: host.labels, state: host.state }))
      return sendJson(res, 200, { type: 'collection', resourceType: 'host', data, pagination: { limit: 100, total: data.length } })
    }
    const text = await readBody(req)
    let body: Record<string, unknown>
    try {
      body = text ? JSON.parse(text) : {}
    } catch {
      return fail(res, 422, 'InvalidBodyContent', 'the body is not JSON')
    }
    const m = url.pathname.match(/^\/v2-beta\/projects\/([^/]+)\/(stacks|services)(?:\/([^/]+))?$/)
    if (!m) return fail(res, 404, 'NotFound', `no such resource: ${url.pathname}`)
    const [, projectId, collection, id] = m as unknown as [string, string, 'stacks' | 'services', string | undefined]
    if (!this.state.projects.has(projectId)) return fail(res, 404, 'NotFound', `project ${projectId} not found`)
    if (collection === 'stacks') {
      if (id === undefined && req.method === 'GET')
        return this.list(
          res,
          [...this.state.stacks.values()].filter((s) => s.projectId === projectId),
          url,
          'stack',
        )
      if (id === undefined && req.method === 'POST') return this.createStack(res, projectId, body)
      const stack = id && this.state.stacks.get(id)
      if (stack && req.method === 'GET') return sendJson(res, 200, this.stackView(stack))
      if (stack && req.method === 'PUT') return this.updateStack(res, stack, body)
      return fail(res, 404, 'NotFound', `stack ${id} not found`)
    }
    if (id === undefined) {
      if (req.method === 'GET')
        return this.list(
          res,
          [...this.state.services.values()].filter((s) => s.projectId === projectId),
          url,
          'service',
        )
      return fail(res, 405, 'MethodNotAllowed', `${req.method} is not allowed here`)
    }
    const service = this.state.services.get(id)
    if (!service || service.projectId !== projectId) return fail(res, 404, 'NotFound', `service ${id} not found`)
    const action = url.searchParams.get('action')
    if (action !== null && req.method === 'POST') return this.action(res, service, action, body)
    if (req.method === 'GET') return sendJson(res, 200, this.view(service))
    if (req.method === 'PUT') return this.update(res, service, body)
    if (req.method === 'DELETE') {
      this.state.transition(service, 'removing', { count: 0, image: imageOf(service.launchConfig), batch: 100, done: 'removed' })
      return sendJson(res, 202, this.view(service))
    }
    return fail(res, 405, 'MethodNotAllowed', `${req.method} is not allowed here`)
  }

  /** Filters are query parameters (`name`, `stackId`); a collection with its pagination. */
  private list(res: ServerResponse, items: (Stack | Service)[], url: URL, type: 'stack' | 'service'): void {
    const filtered = items.filter((item) =>
      [...url.searchParams].every(
        ([key, value]) => key === 'limit' || key === 'marker' || String((item as unknown as Record<string, unknown>)[key]) === value,
      ),
    )
    sendJson(res, 200, {
      type: 'collection',
      resourceType: type,
      data: filtered.map((item) => (type === 'stack' ? this.stackView(item as Stack) : this.view(item as Service))),
      pagination: { limit: 100, total: filtered.length },
    })
  }

  /** A stack from compose text: each compose service becomes a service, started when asked, with `${VAR}` from `environment`. */
  private createStack(res: ServerResponse, projectId: string, body: Record<string, unknown>): void {
    const name = body.name
    if (typeof name !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9-]*$/.test(name))
      return fail(res, 422, 'MissingRequired', 'name is required', 'name')
    if ([...this.state.stacks.values()].some((s) => s.projectId === projectId && s.name === name))
      return fail(res, 422, 'NotUnique', 'name is not unique', 'name')
    const environment = (body.environment ?? {}) as Record<string, string>
    const fill = (text: string) => text.replace(/\$\{(\w+)\}/g, (_, key: string) => environment[key] ?? '')
    let compose: { services?: Record<string, { image?: string }> }
    let rancher: { services?: Record<string, { scale?: number; start_on_create?: boolean }> }
    try {
      compose = (parse(fill(String(body.dockerCompose ?? ''))) ?? {}) as typeof compose
      rancher = (parse(fill(String(body.rancherCompose ?? ''))) ?? {}) as typeof rancher
    } catch (error) {
      return fail(res, 422, 'InvalidFormat', `the compose text does not parse: ${(error as Error).message}`, 'dockerCompose')
    }
    const services = Object.entries(compose.services ?? {})
    const bad = services.find(([, spec]) => typeof spec?.image !== 'string' || !spec.image.includes(':'))
    if (services.length === 0 || bad)
      return fail(
        res,
        422,
        'InvalidFormat',
        `every compose service needs an image as repository:tag${bad ? ` (${bad[0]})` : ''}`,
        'dockerCompose',
      )
    const stack = this.state.newStack(projectId, name, {
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
    sendJson(res, 201, this.stackView(stack))
  }

  private update(res: ServerResponse, service: Service, body: Record<string, unknown>): void {
    if (body.description !== undefined) {
      if (typeof body.description !== 'string' || body.description.length > 1024)
        return fail(res, 422, 'MaxLengthExceeded', 'description must be a string of at most 1024 characters', 'description')
      service.description = body.description
      if (body.lbConfig === undefined && body.scale === undefined) return sendJson(res, 200, this.view(service))
    }
    if (body.lbConfig !== undefined) return this.updateLb(res, service, body.lbConfig as { portRules?: unknown })
    if (body.scale === undefined) return sendJson(res, 200, this.view(service))
    if (!Number.isInteger(body.scale) || (body.scale as number) < 0)
      return fail(res, 422, 'MinLimitExceeded', 'scale must be 0 or more', 'scale')
    if (service.transitioning === 'yes') return fail(res, 422, 'InvalidState', `the service is ${service.state}`)
    service.scale = body.scale as number
    if (service.state === 'active') {
      this.state.transition(service, 'updating-active', {
        count: service.scale,
        image: imageOf(service.launchConfig),
        batch: 1,
        done: 'active',
      })
    }
    sendJson(res, 200, this.view(service))
  }

  /** New port rules: each must name a service of the project and a source port; the balancer reloads. */
  private updateLb(res: ServerResponse, lb: Service, config: { portRules?: unknown }): void {
    if (!lb.lbConfig) return fail(res, 422, 'InvalidOption', 'lbConfig is only for load balancers', 'lbConfig')
    const rules = config.portRules
    const valid =
      Array.isArray(rules) &&
      rules.every(
        (rule: Record<string, unknown>) =>
          typeof rule.serviceId === 'string' &&
          this.state.services.get(rule.serviceId)?.projectId === lb.projectId &&
          Number.isInteger(rule.sourcePort),
      )
    if (!valid) return fail(res, 422, 'InvalidReference', 'each port rule needs a serviceId of this project and a sourcePort', 'portRules')
    lb.lbConfig = { ...lb.lbConfig, ...(config as object), portRules: rules as NonNullable<Service['lbConfig']>['portRules'] }
    this.state.transition(lb, 'updating-active', { count: lb.containers.length, image: imageOf(lb.launchConfig), batch: 1, done: 'active' })
    sendJson(res, 200, this.view(lb))
  }

  /** A request through the balancer's source port: round-robin over the containers of every service its rules name. */
  private balance(lbId: string, port: number, res: ServerResponse): void {
    const lb = this.state.services.get(lbId)
    const backends = (lb?.lbConfig?.portRules ?? [])
      .filter((rule) => rule.sourcePort === port)
      .flatMap((rule) => {
        const target = this.state.services.get(rule.serviceId)
        return target ? target.containers.map((container) => ({ name: target.name, image: container.image })) : []
      })
    if (backends.length === 0) return sendJson(res, 503, { error: `no backend on port ${port}` })
    const key = `lb/${lbId}/${port}`
    const turn = this.turns.get(key) ?? 0
    this.turns.set(key, turn + 1)
    const backend = backends[turn % backends.length] as (typeof backends)[number]
    serveApp(res, this.images, backend.name, backend.image)
  }

  private action(res: ServerResponse, service: Service, action: string, body: Record<string, unknown>): void {
    if (!offered(service).includes(action)) {
      return fail(res, 422, 'ActionNotAvailable', `Action [${action}] not available on [${service.state}]`)
    }
    const image = imageOf(service.launchConfig)
    switch (action) {
      case 'upgrade': {
        const strategy = body.inServiceStrategy as { launchConfig?: LaunchConfig; batchSize?: unknown; startFirst?: unknown } | undefined
        const next = strategy?.launchConfig
        if (!UPGRADE_FROM.includes(service.state)) return fail(res, 422, 'InvalidState', `cannot upgrade from ${service.state}`)
        if (typeof next?.imageUuid !== 'string' || !/^docker:.+:.+/.test(next.imageUuid)) {
          return fail(res, 422, 'InvalidFormat', 'inServiceStrategy.launchConfig.imageUuid must be docker:IMAGE:TAG', 'imageUuid')
        }
        const batch = Number.isInteger(strategy?.batchSize) ? (strategy?.batchSize as number) : 1
        service.upgrade = { inServiceStrategy: { ...strategy, previousLaunchConfig: service.launchConfig } }
        service.launchConfig = next
        const count = service.state === 'inactive' ? 0 : service.scale
        this.state.transition(service, 'upgrading', { count, image: imageOf(next), batch, done: 'upgraded' })
        break
      }
      case 'finishupgrade':
        this.state.transition(service, 'finishing-upgrade', { count: service.containers.length, image, batch: 1, done: 'active' })
        break
      case 'rollback': {
        const previous = service.upgrade?.inServiceStrategy.previousLaunchConfig
        if (!previous) return fail(res, 422, 'InvalidState', 'there is no upgrade to roll back')
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
      case 'restart':
        this.state.transition(service, 'restarting', { count: service.scale, image, batch: 1, all: true, done: 'active' })
        break
      case 'remove':
        this.state.transition(service, 'removing', { count: 0, image, batch: 100, done: 'removed' })
        break
      default:
        return fail(res, 422, 'InvalidAction', `action ${action} is not supported by the emulator`)
    }
    sendJson(res, 202, this.view(service))
  }

  view(s: Service): Record<string, unknown> {
    const self = `${this.baseUrl()}/v2-beta/projects/${s.projectId}/services/${s.id}`
    return {
      id: s.id,
      type: 'service',
      kind: s.lbConfig ? 'loadBalancerService' : 'service',
      ...(s.lbConfig && { lbConfig: s.lbConfig }),
      name: s.name,
      description: s.description ?? null,
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
      links: { self, instances: `${self}/instances` },
      actions: Object.fromEntries(offered(s).map((name) => [name, `${self}?action=${name}`])),
    }
  }

  /** A stack's updatable fields: its description (its services change through their own resources). */
  private updateStack(res: ServerResponse, stack: Stack, body: Record<string, unknown>): void {
    if (body.description !== undefined) {
      if (typeof body.description !== 'string' || body.description.length > 1024)
        return fail(res, 422, 'MaxLengthExceeded', 'description must be a string of at most 1024 characters', 'description')
      stack.description = body.description
    }
    sendJson(res, 200, this.stackView(stack))
  }

  stackView(s: Stack): Record<string, unknown> {
    const self = `${this.baseUrl()}/v2-beta/projects/${s.projectId}/stacks/${s.id}`
    return {
      id: s.id,
      type: 'stack',
      name: s.name,
      description: s.description ?? null,
      state: s.state,
      healthState: 'healthy',
      environment: s.environment,
      links: { self },
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

/** Cattle's error body (ErrorImpl / ValidationErrorImpl). */
function fail(res: ServerResponse, status: number, code: string, message: string, fieldName?: string): void {
  sendJson(res, status, { id: randomUUID(), type: 'error', status, code, message, detail: null, ...(fieldName && { fieldName }) })
}

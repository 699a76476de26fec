import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readBody, sendJson } from '../http-util.js'
import { imageOf, type RancherState } from './state.js'

export interface Host {
  id: string
  projectId: string
  hostname: string
  labels: Record<string, string>
  state: string
  createdAt: number
}

interface Receiver {
  id: string
  projectId: string
  name: string
  driver: string
  key: string
  config: Record<string, unknown>
}

interface ScaleConfig {
  action?: unknown
  amount?: unknown
  min?: unknown
  max?: unknown
}

/**
 * The webhook service under `/rancher/v1-webhooks` (platforms.md 5.4): receivers per project with
 * the four drivers' validation, trigger URLs with a 40-character key and no credentials, and their
 * effects: scaleService and scaleHost within min/max, serviceUpgrade on a registry push (Docker
 * Hub or Alicloud payload), forwardPost passing the body on. Hosts live here too, for
 * scaleHost (`GET /v2-beta/projects/{pid}/hosts`).
 */
export class RancherWebhooks {
  readonly receivers = new Map<string, Receiver>()
  readonly hosts: Host[] = []
  /** what forwardPost receivers passed on */
  readonly forwarded: { receiver: string; serviceId: string; port: number; path: string; body: string }[] = []
  private next = 1

  constructor(
    private readonly state: RancherState,
    private readonly baseUrl: () => string,
    /** applies a new scale to a service the way a PUT does */
    private readonly scale: (serviceId: string, scale: number) => void,
  ) {}

  reset(): void {
    this.receivers.clear()
    this.hosts.length = 0
    this.forwarded.length = 0
  }

  addHost(projectId: string, labels: Record<string, string>): Host {
    const host: Host = {
      id: `1h${this.next++}`,
      projectId,
      hostname: `host-${randomBytes(3).toString('hex')}`,
      labels,
      state: 'active',
      createdAt: Date.now() + this.next,
    }
    this.hosts.push(host)
    return host
  }

  /** Handles `/v1-webhooks/...`; `authorized` says whether the API key was good (receivers need it, triggers do not). */
  async handle(path: string, req: IncomingMessage, res: ServerResponse, authorized: boolean): Promise<void> {
    const url = new URL(path, 'http://x')
    const projectId = url.searchParams.get('projectId') ?? ''
    if (url.pathname === '/v1-webhooks/endpoint' && req.method === 'POST')
      return this.trigger(res, url.searchParams.get('key'), projectId, await readBody(req))
    if (!authorized) return webhookError(res, 401, 'Unauthorized')
    if (!this.state.projects.has(projectId)) return webhookError(res, 400, 'projectId must name a project')
    const one = url.pathname.match(/^\/v1-webhooks\/receivers\/([^/]+)$/)
    if (url.pathname === '/v1-webhooks/receivers' && req.method === 'GET') {
      const data = [...this.receivers.values()].filter((r) => r.projectId === projectId).map((r) => this.view(r))
      return sendJson(res, 200, { type: 'collection', resourceType: 'receiver', data })
    }
    if (url.pathname === '/v1-webhooks/receivers' && req.method === 'POST') {
      if (req.headers['content-type'] !== 'application/json') return webhookError(res, 400, 'Content-Type must be application/json')
      return this.create(res, projectId, JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>)
    }
    const receiver = one && this.receivers.get(one[1] as string)
    if (receiver && receiver.projectId === projectId && req.method === 'GET') return sendJson(res, 200, this.view(receiver))
    if (receiver && receiver.projectId === projectId && req.method === 'DELETE') {
      // handlers.go DeleteWebhook: 204, no body
      this.receivers.delete(receiver.id)
      res.writeHead(204).end()
      return
    }
    return webhookError(res, 404, 'Not found')
  }

  private create(res: ServerResponse, projectId: string, body: Record<string, unknown>): void {
    const driver = String(body.driver ?? '')
    const config = (body[`${driver}Config`] ?? {}) as Record<string, unknown>
    if (typeof body.name !== 'string' || body.name === '') return webhookError(res, 400, 'name is required')
    if ([...this.receivers.values()].some((r) => r.projectId === projectId && r.name === body.name)) {
      return webhookError(res, 400, `Cannot have duplicate webhook name, webhook ${body.name} already exists`)
    }
    const problem = this.checkDriver(driver, config)
    if (problem) return webhookError(res, 400, problem)
    const receiver: Receiver = {
      id: `1wh${this.next++}`,
      projectId,
      name: body.name,
      driver,
      key: randomBytes(20).toString('hex'),
      config: driver === 'scaleService' || driver === 'scaleHost' ? { min: 1, max: 100, ...config } : { ...config },
    }
    this.receivers.set(receiver.id, receiver)
    sendJson(res, 200, this.view(receiver))
  }

  /** Each driver's own checks (R-wh drivers/*.go). */
  private checkDriver(driver: string, config: Record<string, unknown>): string | undefined {
    switch (driver) {
      case 'scaleService':
        return (
          this.checkScale(config) ??
          (typeof config.serviceId === 'string' && this.state.services.has(config.serviceId) ? undefined : 'Invalid serviceId')
        )
      case 'scaleHost':
        return this.checkScale(config) ?? (isLabels(config.hostSelector) ? undefined : 'hostSelector is required')
      case 'serviceUpgrade':
        if (!isLabels(config.serviceSelector)) return 'serviceSelector is required'
        if (typeof config.tag !== 'string' || config.tag === '') return 'tag is required'
        if (config.payloadFormat !== undefined && config.payloadFormat !== 'dockerhub' && config.payloadFormat !== 'alicloud')
          return 'payloadFormat must be dockerhub or alicloud'
        if (config.batchSize !== undefined && (!Number.isInteger(config.batchSize) || (config.batchSize as number) < 1))
          return 'batchSize must be 1 or more'
        return undefined
      case 'forwardPost':
        if (typeof config.serviceName !== 'string' || config.serviceName === '') return 'serviceName is required'
        if (!Number.isInteger(Number(config.port))) return 'port is required'
        return typeof config.path === 'string' ? undefined : 'path is required'
      default:
        return `Invalid driver ${driver || '(none)'}: one of scaleService, scaleHost, serviceUpgrade, forwardPost`
    }
  }

  /** The scale drivers' checks: action up or down, amount above 0, 1 <= min < max. */
  private checkScale(config: ScaleConfig): string | undefined {
    if (config.action !== 'up' && config.action !== 'down') return 'Invalid action (up or down)'
    if (!Number.isInteger(config.amount) || (config.amount as number) <= 0) return 'Invalid amount'
    const min = (config.min ?? 1) as number
    const max = (config.max ?? 100) as number
    if (!Number.isInteger(min) || min < 1) return 'Minimum scale not provided/invalid'
    if (!Number.isInteger(max) || max <= min) return 'Max must be greater than min'
    return undefined
  }

  private trigger(res: ServerResponse, key: string | null, projectId: string, text: string): void {
    if (!key || !projectId) return webhookError(res, 400, 'key and projectId are required')
    const receiver = [...this.receivers.values()].find((r) => r.key === key && r.projectId === projectId)
    if (!receiver) return webhookError(res, 403, 'Requested webhook has been revoked/does not exist')
    if (receiver.driver === 'serviceUpgrade') return this.upgradeByPush(res, receiver, text)
    if (receiver.driver === 'forwardPost') {
      const target = [...this.state.services.values()].find((s) => s.projectId === projectId && s.name === receiver.config.serviceName)
      if (!target) return webhookError(res, 400, `service ${String(receiver.config.serviceName)} not found`)
      this.forwarded.push({
        receiver: receiver.name,
        serviceId: target.id,
        port: Number(receiver.config.port),
        path: String(receiver.config.path),
        body: text,
      })
      res.writeHead(200).end()
      return
    }
    const { action, amount, min, max } = receiver.config as { action: string; amount: number; min: number; max: number }
    const delta = action === 'up' ? amount : -amount
    if (receiver.driver === 'scaleService') {
      const service = this.state.services.get(String(receiver.config.serviceId))
      if (!service) return webhookError(res, 400, 'Invalid serviceId')
      if (imageOf(service.launchConfig) === 'rancher/none') return webhookError(res, 400, 'Cannot scale a service with image rancher/none')
      const next = service.scale + delta
      if (next > max) return webhookError(res, 400, 'Cannot scale above provided max scale value')
      if (next < min) return webhookError(res, 400, 'Cannot scale below provided min scale value')
      this.scale(service.id, next)
      res.writeHead(200).end()
      return
    }
    const selector = receiver.config.hostSelector as Record<string, string>
    const matching = this.hosts.filter((h) => h.projectId === projectId && Object.entries(selector).every(([k, v]) => h.labels[k] === v))
    const next = matching.length + delta
    if (next > max) return webhookError(res, 400, 'Cannot scale above provided max scale value')
    if (next < min) return webhookError(res, 400, 'Cannot scale below provided min scale value')
    if (delta > 0) for (let i = 0; i < delta; i++) this.addHost(projectId, { ...selector })
    else {
      const order = [...matching].sort((a, b) =>
        receiver.config.deleteOption === 'leastRecent' ? a.createdAt - b.createdAt : b.createdAt - a.createdAt,
      )
      for (const host of order.slice(0, -delta)) this.hosts.splice(this.hosts.indexOf(host), 1)
    }
    res.writeHead(200).end()
  }

  /**
   * A registry's push: when the pushed tag is the receiver's, every service whose launch config
   * carries the selector labels is upgraded in place to it (pull_image always) and then finished;
   * another tag is a no-op with 200.
   */
  private upgradeByPush(res: ServerResponse, receiver: Receiver, text: string): void {
    let payload: { push_data?: { tag?: unknown }; repository?: { repo_name?: unknown; repo_full_name?: unknown; region?: unknown } }
    try {
      payload = JSON.parse(text || '{}')
    } catch {
      return webhookError(res, 400, 'the body is not a registry push payload')
    }
    const alicloud = receiver.config.payloadFormat === 'alicloud'
    const tag = payload.push_data?.tag
    const image = alicloud
      ? typeof payload.repository?.repo_full_name === 'string' && typeof payload.repository.region === 'string'
        ? `registry.${payload.repository.region}.aliyuncs.com/${payload.repository.repo_full_name}`
        : undefined
      : typeof payload.repository?.repo_name === 'string'
        ? payload.repository.repo_name
        : undefined
    if (typeof tag !== 'string' || image === undefined)
      return webhookError(res, 400, `the body is not a ${alicloud ? 'alicloud' : 'dockerhub'} push payload`)
    res.writeHead(200).end()
    if (tag !== receiver.config.tag) return
    const selector = receiver.config.serviceSelector as Record<string, string>
    const batch = Number(receiver.config.batchSize ?? 1)
    for (const service of this.state.services.values()) {
      const labels = (service.launchConfig.labels ?? {}) as Record<string, string>
      const chosen = service.projectId === receiver.projectId && Object.entries(selector).every(([k, v]) => labels[k] === v)
      if (!chosen || !['active', 'inactive'].includes(service.state)) continue
      service.upgrade = { inServiceStrategy: { batchSize: batch, previousLaunchConfig: service.launchConfig } }
      service.launchConfig = {
        ...service.launchConfig,
        imageUuid: `docker:${image}:${tag}`,
        labels: { ...labels, 'io.rancher.container.pull_image': 'always' },
      }
      this.state.transition(service, 'upgrading', {
        count: service.scale,
        image: `${image}:${tag}`,
        batch,
        done: 'upgraded',
        then: () =>
          this.state.transition(service, 'finishing-upgrade', { count: service.scale, image: `${image}:${tag}`, batch, done: 'active' }),
      })
    }
  }

  private view(r: Receiver): Record<string, unknown> {
    return {
      id: r.id,
      type: 'receiver',
      name: r.name,
      driver: r.driver,
      state: 'active',
      url: `${this.baseUrl()}/v1-webhooks/endpoint?key=${r.key}&projectId=${r.projectId}`,
      [`${r.driver}Config`]: r.config,
      links: { self: `${this.baseUrl()}/v1-webhooks/receivers/${r.id}?projectId=${r.projectId}` },
    }
  }
}

function isLabels(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0
}

/** The webhook service's own error body (model.ServerAPIError, written by routes.go HandleError): "Server Error" whatever the code. */
function webhookError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { type: 'error', statusCode: status, status: 'Server Error', message })
}

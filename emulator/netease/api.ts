import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { type Images, serveApp } from '../apps.js'
import { readBody, sendJson } from '../http-util.js'
import type { App, Container, Microservice, NeteaseState } from './state.js'

const SPECS = [1, 10, 20, 30, 40, 50]
/** apps may have at most this many replicas before the replication quota answers */
const REPLICATION_QUOTA = 10

type Err = readonly [number, number, string]
const ERR = {
  invalid: (message: string): Err => [400, 4000001, `Invalid parameters: ${message}`],
  missing: (message: string): Err => [400, 4000002, `Missing parameters: ${message}`],
  unauthorized: [401, 4010001, 'Unauthorized user'] as Err,
  freq: [403, 4030001, 'Api freq out of limit'] as Err,
  replicationQuota: [403, 4030005, 'Replication quota'] as Err,
  noApp: [404, 4040003, 'No such app'] as Err,
  noApi: [404, 4040006, 'No such api'] as Err,
  method: [405, 4050001, 'Method not allowed'] as Err,
  duplicateApp: [409, 4090003, 'Duplicate app name'] as Err,
}

/**
 * NetEase Cloud's OpenAPI under `/netease` (platforms.md section 4): the token endpoint, the apps
 * API of the source document with its watch and deploy hooks, the microservices API, 7-digit
 * error codes and the rate limit. Apps answer at `/netease/apps/{id}/`, microservices at
 * `/netease/microservices/{id}/`, and each app domain at `/netease/domains/{domain}/`.
 */
export class NeteaseEmulator {
  private readonly turns = new Map<string, number>()

  constructor(
    private readonly state: NeteaseState,
    private readonly images: Images,
    private readonly baseUrl: () => string,
  ) {}

  async handle(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('request-id', randomUUID())
    const url = new URL(path, 'http://x')
    const served = url.pathname.match(/^\/(apps|microservices|domains)\/([^/]+)\/?$/)
    if (served) return this.serve(served[1] as string, decodeURIComponent(served[2] as string), res)
    const text = await readBody(req)
    let body: Record<string, unknown>
    try {
      body = text ? JSON.parse(text) : {}
    } catch {
      return fail(res, ERR.invalid('the body is not JSON'))
    }
    const p = url.pathname.replace(/^\/api\/v1/, '')
    if (p === '/token' && req.method === 'POST') return this.token(res, body)
    const hook = p.match(/^\/hooks\/app\/([0-9a-f]{32})$/)
    if (hook && req.method === 'POST') return this.callHook(res, hook[1] as string)
    const token = String(req.headers.authorization ?? '').replace(/^Token\s+/i, '')
    if (!this.state.tokens.has(token)) return fail(res, ERR.unauthorized)
    if (!this.state.admit()) return fail(res, ERR.freq)
    const route = `${req.method} ${p.replace(/\/\d+/g, '/{id}')}`
    const ids = [...p.matchAll(/\/(\d+)/g)].map((m) => Number(m[1]))
    switch (route) {
      case 'GET /apps/images':
        return sendJson(res, 200, this.state.images)
      case 'GET /apps':
        return this.listApps(res, url)
      case 'POST /apps':
        return this.createApp(res, body)
      case 'GET /apps/{id}':
      case 'PUT /apps/{id}':
      case 'DELETE /apps/{id}':
      case 'PUT /apps/{id}/replications/{id}/actions/resize':
      case 'GET /watch/apps/{id}':
        return this.app(res, req.method ?? 'GET', route, ids, body)
      case 'GET /namespaces':
        return sendJson(res, 200, { namespaces: this.state.namespaces })
      case 'GET /namespaces/{id}/microservices':
        return this.listMicroservices(res, ids[0] as number, url)
      case 'GET /microservices/{id}':
      case 'PUT /microservices/{id}/actions/update-image':
      case 'POST /microservices/{id}/actions/update-image':
      case 'PUT /microservices/{id}/actions/elastic-scale':
      case 'PUT /microservices/{id}/actions/restart':
      case 'DELETE /microservices/{id}':
        return this.microservice(res, route, ids[0] as number, url, body)
      default:
        return fail(res, /^(GET|PUT|POST|DELETE) \/(apps|microservices)/.test(route) ? ERR.method : ERR.noApi)
    }
  }

  private token(res: ServerResponse, body: Record<string, unknown>): void {
    if (typeof body.app_key !== 'string' || typeof body.app_secret !== 'string') return fail(res, ERR.missing('app_key, app_secret'))
    if (this.state.keys.get(body.app_key) !== body.app_secret) return fail(res, ERR.unauthorized)
    // the vendor's help page documents 201 Created for a new token (platforms.md 7)
    sendJson(res, 201, { token: this.state.issueToken(), expires_in: '86399' })
  }

  /** The deploy hook: no token; the app rebuilds from its version and rolls out (assumed: POST, any body). */
  private callHook(res: ServerResponse, hook: string): void {
    const app = [...this.state.apps.values()].find((a) => a.hook === hook)
    if (!app) return fail(res, ERR.noApp)
    this.state.callHook(app)
    sendJson(res, 200, {})
  }

  private listApps(res: ServerResponse, url: URL): void {
    const limit = Number(url.searchParams.get('limit') ?? 20)
    const offset = Number(url.searchParams.get('offset') ?? 0)
    if (!Number.isInteger(limit) || limit < 1 || limit > 30) return fail(res, ERR.invalid('limit must be from 1 to 30'))
    if (!Number.isInteger(offset) || offset < 0) return fail(res, ERR.invalid('offset must be 0 or more'))
    const all = [...this.state.apps.values()]
    sendJson(res, 200, { total: all.length, apps: all.slice(offset, offset + limit).map((a) => this.view(a)) })
  }

  private createApp(res: ServerResponse, body: Record<string, unknown>): void {
    const missing = ['name', 'image_type', 'image_id', 'spec_id'].filter((key) => body[key] === undefined)
    if (missing.length > 0) return fail(res, ERR.missing(missing.join(', ')))
    const images =
      body.image_type === 2 ? this.state.images.custom_images : body.image_type === 1 ? this.state.images.public_images : undefined
    if (!images) return fail(res, ERR.invalid('image_type must be 1 (official) or 2 (custom)'))
    if (!images.some((i) => i.id === body.image_id))
      return fail(res, ERR.invalid(`image_id ${String(body.image_id)} is not an image of that type`))
    if (!SPECS.includes(body.spec_id as number)) return fail(res, ERR.invalid(`spec_id must be one of ${SPECS.join(', ')}`))
    const replicas = body.replicas ?? 1
    if (!Number.isInteger(replicas) || (replicas as number) < 1) return fail(res, ERR.invalid('replicas must be 1 or more'))
    if ((replicas as number) > REPLICATION_QUOTA) return fail(res, ERR.replicationQuota)
    if ([...this.state.apps.values()].some((a) => a.name === body.name)) return fail(res, ERR.duplicateApp)
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    const app: App = {
      id: this.state.id(),
      name: String(body.name),
      desc: String(body.desc ?? ''),
      domain: String(body.domain ?? ''),
      status: 'creating',
      replicas: replicas as number,
      spec_id: body.spec_id as number,
      image_id: body.image_id as number,
      image_type: body.image_type as number,
      version_control: (body.version_control ?? {}) as Record<string, unknown>,
      docker_file_type: Number(body.docker_file_type ?? 1),
      custom_docker_file: String(body.custom_docker_file ?? ''),
      log_dirs: Array.isArray(body.log_dirs) ? body.log_dirs.map(String) : [],
      env_var: (body.env_var ?? {}) as Record<string, string>,
      hook: this.state.hookId(),
      containers: [],
      created_at: now,
      updated_at: now,
    }
    this.state.apps.set(app.id, app)
    this.state.rollOutApp(app)
    sendJson(res, 200, { id: app.id, url: this.hookUrl(app) })
  }

  private app(res: ServerResponse, method: string, route: string, ids: number[], body: Record<string, unknown>): void {
    const app = this.state.apps.get(ids[0] as number)
    if (!app) return fail(res, ERR.noApp)
    if (route === 'GET /apps/{id}') return sendJson(res, 200, this.view(app))
    if (route === 'GET /watch/apps/{id}') return this.watch(res, app)
    if (method === 'DELETE') {
      this.state.apps.delete(app.id)
      this.state.containersChanged(app)
      return sendJson(res, 200, {})
    }
    if (route.endsWith('/resize')) {
      const replicas = ids[1] as number
      if (replicas > REPLICATION_QUOTA) return fail(res, ERR.replicationQuota)
      app.replicas = replicas
      this.state.resizeApp(app)
      return sendJson(res, 200, {})
    }
    // PUT: the documented fields; version_control is merged, so a new version keeps the repository
    for (const key of ['desc', 'custom_docker_file'] as const) if (typeof body[key] === 'string') app[key] = body[key] as string
    if (body.env_var !== undefined) app.env_var = body.env_var as Record<string, string>
    if (Array.isArray(body.log_dirs)) app.log_dirs = body.log_dirs.map(String)
    if (body.docker_file_type !== undefined) app.docker_file_type = Number(body.docker_file_type)
    if (body.version_control !== undefined) app.version_control = { ...app.version_control, ...(body.version_control as object) }
    this.state.touch(app)
    sendJson(res, 200, {})
  }

  /** Holds until a container of the app changes (not its status, not a PUT), or the watch times out; then the containers (the example's body is malformed: a list under `containers` is assumed). */
  private watch(res: ServerResponse, app: App): void {
    const answer = () => {
      clearTimeout(timer)
      if (!res.writableEnded) sendJson(res, 200, { containers: app.containers.map(containerView) })
    }
    const timer = setTimeout(answer, this.state.watchMs)
    const waiting = this.state.watchers.get(app.id) ?? new Set()
    waiting.add(answer)
    this.state.watchers.set(app.id, waiting)
    res.on('close', () => {
      clearTimeout(timer)
      waiting.delete(answer)
    })
  }

  view(app: App): Record<string, unknown> {
    return {
      id: app.id,
      name: app.name,
      desc: app.desc,
      domain: app.domain,
      status: app.status,
      replicas: app.replicas,
      volumes: app.log_dirs.map((dir) => ({ name: randomUUID().replace(/-/g, ''), mount_path: dir, readonly: false })),
      charge_type: 2,
      spec_id: app.spec_id,
      created_at: app.created_at,
      updated_at: app.updated_at,
      public_ip: null,
      private_ip: null,
      version_control: { ...app.version_control, ...(app.version_control.password !== undefined && { password: 'bec55f12a60bf849' }) },
      custom_docker_file: app.custom_docker_file,
      image_id: app.image_id,
      containers: app.containers.map(containerView),
      env_var: app.env_var,
      web_hook_url: this.hookUrl(app),
    }
  }

  private hookUrl(app: App): string {
    return `${this.baseUrl()}/api/v1/hooks/app/${app.hook}`
  }

  private listMicroservices(res: ServerResponse, namespace: number, url: URL): void {
    const limit = Number(url.searchParams.get('limit') ?? 20)
    const offset = Number(url.searchParams.get('offset') ?? 0)
    if (!Number.isInteger(limit) || limit < 1 || limit > 30) return fail(res, ERR.invalid('limit must be from 1 to 30'))
    const all = [...this.state.microservices.values()].filter((s) => s.namespace_id === namespace)
    sendJson(res, 200, {
      total: all.length,
      microservice_infos: all.slice(offset, offset + limit).map((s) => ({
        id: s.id,
        status: s.status,
        replicas: s.replicas,
        service_name: s.service_name,
        stateful: s.stateful,
        port_maps: [],
        spec_id: 1,
        stop_service: false,
      })),
    })
  }

  private microservice(res: ServerResponse, route: string, id: number, url: URL, body: Record<string, unknown>): void {
    const service = this.state.microservices.get(id)
    if (!service) return fail(res, [404, 4040002, 'No such container'])
    const busy = !/_succ$|_fail$/.test(service.status)
    switch (route) {
      case 'GET /microservices/{id}':
        return sendJson(res, 200, this.microserviceView(service))
      case 'DELETE /microservices/{id}':
        this.state.microservices.delete(id)
        return sendJson(res, 200, {})
      case 'PUT /microservices/{id}/actions/elastic-scale': {
        const replicas = Number(url.searchParams.get('new_replicas'))
        if (service.stateful) return fail(res, ERR.invalid('elastic-scale is for stateless services'))
        if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) return fail(res, ERR.invalid('new_replicas must be from 1 to 5'))
        if (busy) return fail(res, [403, 4030010, 'Container status abnormal'])
        service.replicas = replicas
        this.state.changeMicroservice(service, 'scaling', 'scale_succ', 'scale_fail')
        return sendJson(res, 200, {})
      }
      case 'PUT /microservices/{id}/actions/restart':
        if (!['restart', 'hard_reboot'].includes(url.searchParams.get('option') ?? ''))
          return fail(res, ERR.invalid('option must be restart or hard_reboot'))
        this.state.changeMicroservice(service, 'restarting', 'restart_succ', 'restart_fail', true)
        return sendJson(res, 200, {})
      default: {
        // update-image, by PUT (the document's example) or POST (its request line)
        const images = body.container_images as { container_id?: unknown; image_path?: unknown }[] | undefined
        const image = images?.[0]
        if (service.stateful) return fail(res, ERR.invalid('update-image is for stateless services'))
        if (!image || image.container_id !== service.container_id || typeof image.image_path !== 'string') {
          return fail(res, ERR.invalid('container_images needs the container_id and an image_path'))
        }
        const repository = (path: string) => path.slice(0, path.lastIndexOf(':'))
        if (repository(image.image_path) !== repository(service.image_path))
          return fail(res, ERR.invalid('the image must stay in the same repository'))
        if (busy) return fail(res, [403, 4030010, 'Container status abnormal'])
        service.image_path = image.image_path
        this.state.changeMicroservice(service, 'updating', 'update_succ', 'update_fail')
        return sendJson(res, 200, {})
      }
    }
  }

  microserviceView(s: Microservice): Record<string, unknown> {
    const colon = s.image_path.lastIndexOf(':')
    return {
      service_info: {
        id: s.id,
        namespace: 'ns-team',
        replicas: s.replicas,
        status: s.status,
        service_name: s.service_name,
        stateful: s.stateful,
        spec_info: { spec_id: 1 },
        port_maps: [],
        pub_ip: null,
        stop_service: false,
      },
      service_container_infos: [
        {
          container_id: s.container_id,
          image_path: s.image_path,
          repo_name: s.image_path.slice(0, colon),
          image_tag: s.image_path.slice(colon + 1),
          docker_container_ids: s.containers.filter((c) => c.runs === s.image_path).map((c) => c.container_id),
          envs: [],
        },
      ],
    }
  }

  private serve(kind: string, key: string, res: ServerResponse): void {
    const pool: { name: string; container: Container }[] =
      kind === 'apps'
        ? [this.state.apps.get(Number(key))].flatMap((a) => (a ? a.containers.map((container) => ({ name: a.name, container })) : []))
        : kind === 'microservices'
          ? [this.state.microservices.get(Number(key))].flatMap((s) =>
              s ? s.containers.map((container) => ({ name: s.service_name, container })) : [],
            )
          : [...this.state.apps.values()]
              .filter((a) => a.domain === key)
              .flatMap((a) => a.containers.map((container) => ({ name: a.name, container })))
    if (pool.length === 0) return sendJson(res, 503, { error: `no container serves ${kind}/${key}` })
    const turn = this.turns.get(`${kind}/${key}`) ?? 0
    this.turns.set(`${kind}/${key}`, turn + 1)
    const { name, container } = pool[turn % pool.length] as (typeof pool)[number]
    serveApp(res, this.images, name, container.runs.replace(/^restarting:/, ''))
  }
}

function containerView(c: Container): { private_ip: string; container_id: string } {
  return { private_ip: c.private_ip, container_id: c.container_id }
}

function fail(res: ServerResponse, [status, code, message]: Err): void {
  sendJson(res, status, { code, message })
}

import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { type Images, serveApp } from '../apps.js'
import { readBody, sendJson } from '../http-util.js'
import { ERRORS, type ErrorName } from '../../vendor/netease-openapi.js'
import type { App, Container, Microservice, NeteaseState } from './state.js'
import { type Matched, matchCall, type Refusal, requestProblem } from './validate.js'

/** apps may have at most this many replicas before the replication quota answers */
const REPLICATION_QUOTA = 10

/** A refusal: one of the documented errors (vendor/netease-openapi.ts), with what was wrong when it helps. */
type Err = ErrorName | Refusal

/**
 * NetEase Cloud's OpenAPI under `/netease` (platforms.md section 4): the token endpoint, the apps
 * API of the source document with its watch and deploy hooks, the microservices API, 7-digit
 * error codes and the rate limit. Every request is held to its call's documented fields
 * (emulator/netease/validate.ts). Apps answer at `/netease/apps/{id}/`, microservices at
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
    const p = url.pathname.startsWith('/api/v1/') ? url.pathname.slice('/api/v1'.length) : undefined
    const matched = p === undefined ? ({ error: 'noApi', detail: url.pathname } as const) : matchCall(req.method ?? 'GET', p)
    const open = 'call' in matched && matched.call.token === false
    if (!open) {
      const token = String(req.headers.authorization ?? '').replace(/^Token\s+/i, '')
      if (!this.state.tokens.has(token)) return fail(res, 'unauthorized')
      if (!this.state.admit()) return fail(res, 'freq')
    }
    if (!('call' in matched)) return fail(res, matched)
    // a deploy hook is called by whatever the user wires it to: its body is not read
    if (text && matched.name !== 'appHook' && !/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
      return fail(res, { error: 'mediaType', detail: `a body must be application/json, not ${req.headers['content-type'] ?? 'untyped'}` })
    let body: unknown
    try {
      body = text && matched.name !== 'appHook' ? JSON.parse(text) : undefined
    } catch {
      return fail(res, { error: 'invalid', detail: 'the body is not JSON' })
    }
    const problem = requestProblem(matched, url.searchParams, body)
    if (problem) return fail(res, problem)
    return this.dispatch(matched, url, (body ?? {}) as Record<string, unknown>, res)
  }

  private dispatch(matched: Matched, url: URL, body: Record<string, unknown>, res: ServerResponse): void {
    const { params } = matched
    const id = Number(params.id)
    switch (matched.name) {
      case 'token':
        return this.token(res, body)
      case 'appHook':
        return this.callHook(res, params.hook as string)
      case 'appImages':
        return sendJson(res, 200, this.state.images)
      case 'listApps':
        return this.listApps(res, url)
      case 'createApp':
        return this.createApp(res, body)
      case 'getApp':
      case 'updateApp':
      case 'deleteApp':
      case 'resizeApp':
      case 'watchApp':
        return this.app(res, matched.name, id, Number(params.replicas), body)
      case 'listNamespaces':
        return sendJson(res, 200, { namespaces: this.state.namespaces })
      case 'listMicroservices':
        return this.listMicroservices(res, id, url)
      case 'getMicroservice':
      case 'updateImage':
      case 'updateStateless':
      case 'elasticScale':
      case 'restartMicroservice':
      case 'deleteMicroservice':
        return this.microservice(res, matched.name, id, url, body)
    }
  }

  private token(res: ServerResponse, body: Record<string, unknown>): void {
    if (this.state.keys.get(body.app_key as string) !== body.app_secret) return fail(res, 'unauthorized')
    // the vendor's help page documents 201 Created for a new token (platforms.md 7)
    sendJson(res, 201, { token: this.state.issueToken(), expires_in: '86399' })
  }

  /** The deploy hook: no token; the app rebuilds from its version and rolls out (assumed: POST, any body). */
  private callHook(res: ServerResponse, hook: string): void {
    const app = [...this.state.apps.values()].find((a) => a.hook === hook)
    if (!app) return fail(res, 'noApp')
    this.state.callHook(app)
    sendEmpty(res)
  }

  private listApps(res: ServerResponse, url: URL): void {
    const { limit, offset } = page(url)
    const all = [...this.state.apps.values()]
    sendJson(res, 200, { total: all.length, apps: all.slice(offset, offset + limit).map((a) => this.view(a)) })
  }

  private createApp(res: ServerResponse, body: Record<string, unknown>): void {
    const images = body.image_type === 2 ? this.state.images.custom_images : this.state.images.public_images
    if (!images.some((i) => i.id === body.image_id))
      return fail(res, {
        error: 'invalid',
        detail: `image_id ${String(body.image_id)} is not an image of image_type ${String(body.image_type)}`,
      })
    const replicas = body.replicas ?? 1
    if ((replicas as number) > REPLICATION_QUOTA) return fail(res, 'replicationQuota')
    if ([...this.state.apps.values()].some((a) => a.name === body.name)) return fail(res, 'duplicateApp')
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

  private app(res: ServerResponse, call: AppCall, id: number, replicas: number, body: Record<string, unknown>): void {
    const app = this.state.apps.get(id)
    if (!app) return fail(res, 'noApp')
    if (call === 'getApp') return sendJson(res, 200, this.view(app))
    if (call === 'watchApp') return this.watch(res, app)
    if (call === 'deleteApp') {
      this.state.apps.delete(app.id)
      this.state.containersChanged(app)
      return sendEmpty(res)
    }
    if (call === 'resizeApp') {
      if (replicas > REPLICATION_QUOTA) return fail(res, 'replicationQuota')
      // 4090002 "Duplicate replication size" (N-err): assumed to answer a resize to the size the app has
      if (replicas === app.replicas) return fail(res, { error: 'duplicateReplicas', detail: `the app has ${replicas} replicas` })
      app.replicas = replicas
      this.state.resizeApp(app)
      return sendEmpty(res)
    }
    // PUT: the documented fields; version_control is merged, so a new version keeps the repository
    for (const key of ['desc', 'custom_docker_file'] as const) if (typeof body[key] === 'string') app[key] = body[key] as string
    if (body.env_var !== undefined) app.env_var = body.env_var as Record<string, string>
    if (Array.isArray(body.log_dirs)) app.log_dirs = body.log_dirs.map(String)
    if (body.docker_file_type !== undefined) app.docker_file_type = Number(body.docker_file_type)
    if (body.version_control !== undefined) app.version_control = { ...app.version_control, ...(body.version_control as object) }
    this.state.touch(app)
    sendEmpty(res)
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
    const { limit, offset } = page(url)
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

  private microservice(res: ServerResponse, call: MicroserviceCall, id: number, url: URL, body: Record<string, unknown>): void {
    const service = this.state.microservices.get(id)
    if (!service) return fail(res, 'noContainer')
    const busy = !/_succ$|_fail$/.test(service.status)
    switch (call) {
      case 'getMicroservice':
        return sendJson(res, 200, this.microserviceView(service))
      case 'deleteMicroservice':
        this.state.microservices.delete(id)
        return sendEmpty(res)
      case 'elasticScale':
        if (service.stateful) return fail(res, { error: 'invalid', detail: 'elastic-scale is for stateless services' })
        if (busy) return fail(res, 'containerAbnormal')
        // platforms.md 4.3: N in [1,5]
        if (!/^[1-5]$/.test(url.searchParams.get('new_replicas') ?? ''))
          return fail(res, { error: 'invalid', detail: 'new_replicas must be a whole number from 1 to 5' })
        service.replicas = Number(url.searchParams.get('new_replicas'))
        this.state.changeMicroservice(service, 'scaling', 'scale_succ', 'scale_fail')
        return sendEmpty(res)
      case 'restartMicroservice':
        this.state.changeMicroservice(service, 'restarting', 'restart_succ', 'restart_fail', true)
        return sendEmpty(res)
      case 'updateImage': {
        // by PUT (the document's example) or POST (its request line); one container per service here
        const images = body.container_images as { container_id: number; image_path: string }[]
        if (service.stateful) return fail(res, { error: 'invalid', detail: 'update-image is for stateless services' })
        const image = images.find((i) => i.container_id === service.container_id)
        if (!image || images.length > 1)
          return fail(res, { error: 'invalid', detail: `container_images must name the service's container ${service.container_id}` })
        const repository = (path: string) => path.slice(0, path.lastIndexOf(':'))
        if (repository(image.image_path) !== repository(service.image_path))
          return fail(res, { error: 'invalid', detail: 'the image must stay in the same repository' })
        if (busy) return fail(res, 'containerAbnormal')
        service.image_path = image.image_path
        this.state.changeMicroservice(service, 'updating', 'update_succ', 'update_fail')
        return sendEmpty(res)
      }
      case 'updateStateless': {
        const problem = statelessProblem(service, body.container_infos as StatelessInfo[])
        if (problem) return fail(res, problem)
        if (busy) return fail(res, 'containerAbnormal')
        const [info] = body.container_infos as [StatelessInfo]
        if (info.envs !== undefined) service.envs = info.envs.map(({ key, value }) => ({ key, value }))
        if (info.log_dirs !== undefined) service.log_dirs = [...info.log_dirs]
        // new variables need new containers: every one is replaced (assumed; 9.9 does not say)
        this.state.changeMicroservice(service, 'updating', 'update_succ', 'update_fail', true)
        return sendEmpty(res)
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
          container_name: s.container_name,
          command: null,
          envs: s.envs.map(({ key, value }) => ({ key, value })),
          log_dirs: [...s.log_dirs],
          cpu_weight: s.cpu_weight,
          memory_weight: s.memory_weight,
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

type AppCall = 'getApp' | 'updateApp' | 'deleteApp' | 'resizeApp' | 'watchApp'
type MicroserviceCall =
  'getMicroservice' | 'updateImage' | 'updateStateless' | 'elasticScale' | 'restartMicroservice' | 'deleteMicroservice'

/** One entry of update-stateless's `container_infos`, its types held to the document already (validate.ts). */
interface StatelessInfo {
  container_id: number
  envs?: { key: string; value: string }[]
  log_dirs?: string[]
  cpu_weight: number
  memory_weight: number
}

/**
 * What update-stateless refuses beyond the document's types: a stateful service (9.9 is for
 * stateless ones), a container not the service's (4040002) or one named twice, shares that are
 * not 100 for the one container (9.9), a variable name no shell takes or one given twice. The
 * refusals name the variable, never its value.
 */
function statelessProblem(service: Microservice, infos: StatelessInfo[]): Refusal | undefined {
  if (service.stateful) return { error: 'invalid', detail: 'update-stateless is for stateless services' }
  const stranger = infos.find((info) => info.container_id !== service.container_id)
  if (stranger) return { error: 'noContainer', detail: `container ${stranger.container_id} is not the service's (${service.container_id})` }
  if (infos.length > 1) return { error: 'invalid', detail: `container_infos names container ${service.container_id} ${infos.length} times` }
  const [info] = infos as [StatelessInfo]
  if (info.cpu_weight !== 100 || info.memory_weight !== 100)
    return { error: 'invalid', detail: "a single container's cpu_weight and memory_weight must be 100" }
  const seen = new Set<string>()
  for (const [i, { key }] of (info.envs ?? []).entries()) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      return { error: 'invalid', detail: `container_infos[0].envs[${i}].key ${JSON.stringify(key).slice(0, 40)} is not a variable name` }
    if (seen.has(key)) return { error: 'invalid', detail: `container_infos[0].envs: ${key} is given twice` }
    seen.add(key)
  }
  return undefined
}

/** limit and offset as validated, with the documented defaults (20 and 0) */
function page(url: URL): { limit: number; offset: number } {
  return { limit: Number(url.searchParams.get('limit') ?? 20), offset: Number(url.searchParams.get('offset') ?? 0) }
}

/** PUT and DELETE answer 200 with no body (OpenAPI介绍); so does the hook here (its answer is not documented). */
function sendEmpty(res: ServerResponse): void {
  res.writeHead(200, { 'content-length': 0 })
  res.end()
}

/** `{code, message}`: the document's message, and after it what was wrong, where that helps. */
function fail(res: ServerResponse, err: Err): void {
  const { error, detail } = typeof err === 'string' ? { error: err, detail: undefined } : err
  const { status, code, message } = ERRORS[error]
  sendJson(res, status, { code, message: detail ? `${message} ${detail}` : message })
}

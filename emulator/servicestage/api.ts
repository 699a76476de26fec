import type { IncomingMessage, ServerResponse } from 'node:http'
import { type Images, serveApp } from '../apps.js'
import { readBody, sendJson } from '../http-util.js'
import type { Component, Job, RunningJob, ServiceStageState, Task } from './state.js'
import type { Model } from '../../vendor/servicestage-v3-models.js'
import { signatureProblem } from './signature.js'
import { modelProblem } from './validate.js'

/** The documented error codes (platforms.md 2.6). */
const ERR = {
  param: (msg: string) => [400, 'SVCSTG.00100400', msg] as const,
  action: (msg: string) => [400, 'SVCSTG.00100418', msg] as const,
  app: [404, 'SVCSTG.00100403', 'application not found'] as const,
  component: [404, 'SVCSTG.00100404', 'component not found'] as const,
  job: [404, 'SVCSTG.00100429', 'job not found'] as const,
  token: [401, 'APIG.0301', 'Incorrect IAM authentication information: verify aksk or token failed'] as const,
}

type Err = readonly [number, string, string]

const UPGRADE_TASKS = ['SEPARATOR_PREPARE_RESOURCES', 'TN00091', 'TN00094', 'TN00097']
const ACTIONS = ['start', 'stop', 'restart', 'scale', 'rollback', 'rollback_current', 'modify_gray_rule', 'continue_deploy'] as const

/** ServiceStage v3 under `/servicestage` (platforms.md section 2), and each component's app. */
export class ServiceStageEmulator {
  constructor(
    private readonly state: ServiceStageState,
    private readonly images: Images,
    private readonly baseUrl: () => string,
  ) {}

  async handle(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const app = path.match(/^\/apps\/([^/]+)/)
    if (app) return this.serveApp(decodeURIComponent(app[1] as string), res)
    const text = await readBody(req)
    // an IAM token, or an AK/SK signature (SDK-HMAC-SHA256)
    const signed = req.headers.authorization !== undefined && req.headers['x-auth-token'] === undefined
    const denied = signed
      ? signatureProblem(req, text, this.state.accessKeys)
      : !this.state.tokens.has(String(req.headers['x-auth-token'] ?? ''))
    if (denied)
      return fail(res, typeof denied === 'string' ? [401, 'APIG.0301', `Incorrect IAM authentication information: ${denied}`] : ERR.token)
    let body: Record<string, unknown>
    try {
      body = text ? JSON.parse(text) : {}
    } catch {
      return fail(res, ERR.param('the body is not JSON'))
    }
    const url = new URL(path, 'http://x')
    const job = url.pathname.match(/^\/v([23])\/([^/]+)\/cas\/jobs\/([^/]+)$/)
    if (job && req.method === 'GET') return this.getJob(res, job[3] as string, job[1] === '2')
    const all = url.pathname.match(/^\/v3\/([^/]+)\/cas\/components$/)
    if (all && req.method === 'GET') return this.allComponents(res, all[1] as string, url)
    const appPath = url.pathname.match(/^\/v3\/([^/]+)\/cas\/applications\/([^/]+)$/)
    if (appPath) return this.application(req, res, appPath[1] as string, appPath[2] as string, body)
    const m = url.pathname.match(/^\/v3\/([^/]+)\/cas\/applications\/([^/]+)\/components(?:\/([^/]+))?(?:\/(action|records))?$/)
    if (!m) return fail(res, [404, 'SVCSTG.00100400', `no such API: ${req.method} ${url.pathname}`])
    const [, project, application, id, sub] = m as unknown as [string, string, string, string | undefined, string | undefined]
    const inApp = [...this.state.components.values()].filter((c) => c.project === project && c.application === application)
    if (id === undefined) {
      if (req.method === 'POST') return this.create(res, project, application, body)
      if (req.method !== 'GET') return fail(res, ERR.param(`${req.method} is not allowed here`))
      if (inApp.length === 0 && ![...this.state.components.values()].some((c) => c.application === application)) return fail(res, ERR.app)
      return this.page(res, inApp, url)
    }
    const component = inApp.find((c) => c.id === id)
    if (!component) return fail(res, ERR.component)
    // a component being deleted takes no change, and no second delete
    if (component.status === 'DELETING' && req.method !== 'GET') return fail(res, ERR.param(`component ${component.name} is being deleted`))
    if (sub === 'records' && req.method === 'GET') return this.records(res, component, url)
    if (sub === 'action' && req.method === 'POST') return this.action(res, component, body)
    if (sub === undefined && req.method === 'GET') return sendJson(res, 200, this.view(component))
    if (sub === undefined && req.method === 'PUT') return this.upgrade(res, component, body)
    if (sub === undefined && req.method === 'DELETE') return this.remove(res, component)
    return fail(res, ERR.param(`${req.method} is not allowed here`))
  }

  /**
   * GET or PUT an application (servicestage_06_0069): a PUT changes its name, description or
   * labels and no component. Checked as documented: description up to 128 characters; at most 20
   * labels, keys 1–36 letters, digits, '_', '-' or Chinese, values 1–43 of those and '.'.
   */
  private application(req: IncomingMessage, res: ServerResponse, project: string, id: string, body: Record<string, unknown>): void {
    const app = this.state.applications.get(id)
    if (!app || app.project !== project) return fail(res, ERR.app)
    if (req.method === 'PUT') {
      const problem = applicationProblem(body)
      if (problem) return fail(res, ERR.param(problem))
      if (typeof body.name === 'string') app.name = body.name
      if (typeof body.description === 'string') app.description = body.description
      if (Array.isArray(body.labels))
        app.labels = (body.labels as { key: string; value: string }[]).map(({ key, value }) => ({ key, value }))
      app.update_time = Date.now()
    } else if (req.method !== 'GET') return fail(res, ERR.param(`${req.method} is not allowed here`))
    const components = [...this.state.components.values()].filter((c) => c.application === id).length
    sendJson(res, 200, {
      id: app.id,
      name: app.name,
      description: app.description,
      creator: 'emulator',
      project_id: app.project,
      enterprise_project_id: '0',
      create_time: app.create_time,
      update_time: app.update_time,
      component_count: components,
      labels: app.labels,
    })
  }

  /** POST: a new component with the source document's fields; it is INITIALIZING until its job ends. */
  private create(res: ServerResponse, project: string, application: string, body: Record<string, unknown>): void {
    const stack = body.runtime_stack as { name?: unknown; type?: unknown; version?: unknown; deploy_mode?: unknown } | undefined
    const source = body.source as { url?: unknown } | undefined
    const missing = [
      typeof body.name !== 'string' && 'name',
      !(stack && stack.name && stack.type && stack.version && stack.deploy_mode) && 'runtime_stack{name, type, version, deploy_mode}',
      !(typeof source?.url === 'string' && source.url.includes(':')) && 'source.url',
      typeof body.version !== 'string' && 'version',
      typeof body.environment_id !== 'string' && 'environment_id',
      !(Array.isArray(body.refer_resources) && body.refer_resources.length > 0) && 'refer_resources',
      !Number.isInteger(body.replica) && 'replica',
    ].filter(Boolean)
    if (missing.length > 0) return fail(res, ERR.param(`missing or invalid: ${missing.join(', ')}`))
    const invalid = modelProblem(body, 'ComponentCreate') ?? envsProblem(body.envs) ?? labelsProblem(body.labels)
    if (invalid) return fail(res, ERR.param(invalid))
    if ([...this.state.components.values()].some((c) => c.application === application && c.name === body.name)) {
      return fail(res, ERR.param(`component name ${String(body.name)} is already used`))
    }
    const c = this.state.createComponent(project, application, body.name as string, source?.url as string, body.replica as number)
    c.version = body.version as string
    c.spec = specOf(body)
    c.environmentId = body.environment_id as string
    c.records = []
    c.status = 'INITIALIZING'
    c.available = 0
    const job = this.state.newJob('PROVISION', UPGRADE_TASKS)
    this.run(c, job, {
      apply: () => undefined,
      image: () => c.image,
      done: (ok) => {
        c.status = ok ? 'RUNNING' : 'FAILED'
        c.available = ok ? c.replica : 0
        c.records.push({
          version: c.version,
          image: c.image,
          replica: c.replica,
          begin_time: Date.now(),
          end_time: Date.now(),
          job_id: job.job_id,
          status: ok ? 'SUCCEEDED' : 'FAILED',
          deploy_type: 'upgrade',
          weights: [],
          spec: c.spec,
        })
      },
    })
    sendJson(res, 200, { job_id: job.job_id, component_id: c.id })
  }

  /** A component as GET shows it: its whole spec (ShowComponentInfoResponse), its status and where it answers. */
  view(c: Component): Record<string, unknown> {
    return {
      id: c.id,
      name: c.name,
      ...c.spec,
      environment_id: c.environmentId,
      application_id: c.application,
      version: c.version,
      replica: c.replica,
      source: { kind: 'image', storage: 'swr', url: c.image },
      external_accesses: [{ protocol: 'HTTP', address: `${this.baseUrl()}/apps/${c.id}/`, forward_port: 8080 }],
      status: {
        component_status: c.status,
        replica: c.replica,
        available_replica: c.available,
        last_job_id: c.lastJobId ?? c.records.at(-1)?.job_id,
        creator: 'emulator',
        create_time: c.createTime,
        update_time: c.updateTime,
      },
    }
  }

  /** GET /v3/{pid}/cas/components: every component of the project, filtered by application or component name. */
  private allComponents(res: ServerResponse, project: string, url: URL): void {
    const application = url.searchParams.get('application_name')
    const name = url.searchParams.get('component_name')
    const found = [...this.state.components.values()].filter(
      (c) =>
        c.project === project &&
        (name === null || c.name === name) &&
        (application === null || this.state.applications.get(c.application)?.name === application),
    )
    return this.page(res, found, url)
  }

  /** A page of components by `limit` (0–100, platforms.md 7) and `offset`. */
  private page(res: ServerResponse, components: Component[], url: URL): void {
    const paging = pagingOf(url, 20)
    if (typeof paging === 'string') return fail(res, ERR.param(paging))
    sendJson(res, 200, {
      count: components.length,
      components: components.slice(paging.offset, paging.offset + paging.limit).map((c) => this.view(c)),
    })
  }

  /**
   * PUT: a new version of the component's image; the job's tasks run one after another. With a
   * GrayRelease WEIGHT strategy the new version takes `first_batch_weight` percent of the
   * traffic and the stable one keeps serving the rest, until continue_deploy or rollback_current
   * (assumed behaviour: platforms.md gap 5; see src/shared/platforms/servicestage/gray.ts).
   */
  private upgrade(res: ServerResponse, c: Component, body: Record<string, unknown>): void {
    const invalid = modelProblem(body, 'ComponentModify') ?? envsProblem(body.envs) ?? labelsProblem(body.labels)
    if (invalid) return fail(res, ERR.param(invalid))
    if (body.name !== c.name) return fail(res, ERR.param(`name ${JSON.stringify(body.name)} is not the component's (${c.name})`))
    const source = body.source as { url?: unknown } | undefined
    const version = body.version
    if (typeof source?.url !== 'string' || !source.url.includes(':'))
      return fail(res, ERR.param('source.url must be an image as repository:tag'))
    if (typeof version !== 'string' || version === '') return fail(res, ERR.param('version is required'))
    if (c.records.some((r) => r.version === version)) return fail(res, ERR.param(`version ${version} already exists`))
    if (this.state.running.has(c.id) || c.status === 'UPGRADING' || c.gray)
      return fail(res, [409, 'SVCSTG.00100400', 'the component has a job or a gray release in progress'])
    const strategy = body.deploy_strategy as { type?: unknown; gray_release?: { type?: unknown; first_batch_weight?: unknown } } | undefined
    const grayWeight = strategy?.type === 'GrayRelease' ? strategy.gray_release?.first_batch_weight : undefined
    if (
      strategy?.type === 'GrayRelease' &&
      (strategy.gray_release?.type !== 'WEIGHT' ||
        !Number.isInteger(grayWeight) ||
        (grayWeight as number) < 1 ||
        (grayWeight as number) > 99)
    ) {
      return fail(res, ERR.param('gray_release needs type WEIGHT and first_batch_weight from 1 to 99'))
    }
    const gray = strategy?.gray_release as
      { replica_surge_mode?: string; first_batch_replica?: unknown; remaining_batch?: unknown } | undefined
    if (
      strategy?.type === 'GrayRelease' &&
      gray?.replica_surge_mode !== 'MIRROR' &&
      !(Number.isInteger(gray?.first_batch_replica) && Number.isInteger(gray?.remaining_batch))
    ) {
      // the SDK: first_batch_replica and remaining_batch are needed for the canary modes
      return fail(
        res,
        ERR.param(`gray_release ${String(gray?.replica_surge_mode)} (a canary) needs first_batch_replica and remaining_batch`),
      )
    }
    const job = this.state.newJob('DAILY_OPERATION', UPGRADE_TASKS)
    const stable = { stableImage: c.image, stableVersion: c.version, stableSpec: c.spec }
    const spec = specOf(body)
    c.status = 'UPGRADING'
    const record = (status: string) =>
      c.records.push({
        version,
        image: source.url as string,
        replica: c.replica,
        begin_time: Date.now(),
        end_time: Date.now(),
        job_id: job.job_id,
        status,
        deploy_type: grayWeight !== undefined ? 'gray' : 'upgrade',
        weights: grayWeight !== undefined ? [grayWeight as number] : [],
        spec,
      })
    const from = { image: c.image, version: c.version }
    this.run(
      c,
      job,
      {
        apply: () => {
          c.image = source.url as string
          c.version = version
          // a PUT replaces the spec (assumed: the SDK's ComponentModify requires the whole of it)
          c.spec = spec
          c.updateTime = Date.now()
          if (grayWeight === undefined) c.available = 0
        },
        image: () => source.url as string,
        // a rollback ended it: the version stays used
        abandoned: () => record('ROLLBACKED'),
        done: (ok) => {
          c.status = ok ? 'RUNNING' : 'FAILED'
          c.available = ok ? c.replica : 0
          if (ok && grayWeight !== undefined) {
            c.gray = { weight: grayWeight as number, ...stable }
            c.turns = [0, 0]
          }
          record(!ok ? 'FAILED' : grayWeight !== undefined ? 'RUNNING' : 'SUCCEEDED')
        },
      },
      from,
    )
    sendJson(res, 200, { job_id: job.job_id })
  }

  private action(res: ServerResponse, c: Component, body: Record<string, unknown>): void {
    // modify_gray_rule's parameters are undocumented (platforms.md gap 5): the weight it takes is assumed
    const invalid = actionProblem(body)
    if (invalid)
      return fail(
        res,
        body.action !== undefined && !ACTIONS.includes(body.action as (typeof ACTIONS)[number]) ? ERR.action(invalid) : ERR.param(invalid),
      )
    const action = body.action as (typeof ACTIONS)[number]
    if (!ACTIONS.includes(action)) return fail(res, ERR.action(`action ${String(body.action)} is not defined`))
    // while a job runs, only a rollback is taken, and it ends that job (assumed: platforms.md 2.3 is silent)
    const busy = this.state.running.get(c.id)
    const rollback = action === 'rollback' || action === 'rollback_current'
    if (busy && !rollback) return fail(res, [409, 'SVCSTG.00100400', `the component has a job in progress: ${busy.job.job_id}`])
    const parameters = (body.parameters ?? {}) as { replica?: unknown; version?: unknown }
    let target: { image: string; version: string; spec: Record<string, unknown> } | undefined
    if (action === 'scale' && (!Number.isInteger(parameters.replica) || (parameters.replica as number) < 0)) {
      return fail(res, ERR.param('parameters.replica must be a whole number'))
    }
    if ((action === 'modify_gray_rule' || action === 'continue_deploy') && !c.gray) {
      return fail(res, [409, 'SVCSTG.00100400', 'no gray release is in progress'])
    }
    const weight = parameters as { first_batch_weight?: unknown }
    if (
      action === 'modify_gray_rule' &&
      (!Number.isInteger(weight.first_batch_weight) ||
        (weight.first_batch_weight as number) < 1 ||
        (weight.first_batch_weight as number) > 99)
    ) {
      return fail(res, ERR.param('parameters.first_batch_weight must be a whole number from 1 to 99'))
    }
    if (c.gray && (action === 'modify_gray_rule' || action === 'continue_deploy' || action === 'rollback_current')) {
      busy?.abandon()
      return this.grayAction(res, c, action, weight.first_batch_weight as number)
    }
    if (rollback) {
      const ok = c.records.filter((r) => r.status === 'SUCCEEDED' && r.version !== c.version)
      // during an upgrade, "the previous version" is the one it started from, when that one had succeeded
      const before = busy?.from && c.records.findLast((r) => r.status === 'SUCCEEDED' && r.version === busy.from?.version)
      const record =
        action === 'rollback' ? c.records.find((r) => r.version === parameters.version && r.status === 'SUCCEEDED') : before || ok.at(-1)
      if (!record)
        return fail(res, [
          404,
          'SVCSTG.00100436',
          `snapshot not found${action === 'rollback' ? `: version ${String(parameters.version)}` : ''}`,
        ])
      target = { image: record.image, version: record.version, spec: record.spec }
      busy?.abandon()
    }
    const job = this.state.newJob('DAILY_OPERATION', ['SEPARATOR_PREPARE_RESOURCES', `TN_${action.toUpperCase()}`])
    c.status = action === 'stop' ? 'STOPPING' : action === 'start' ? 'STARTING' : 'UPGRADING'
    this.run(c, job, {
      apply: () => {
        if (target) {
          c.image = target.image
          c.version = target.version
          c.spec = target.spec
        }
        if (action === 'scale') c.replica = parameters.replica as number
      },
      image: () => target?.image,
      done: (ok) => {
        c.status = !ok ? 'FAILED' : action === 'stop' ? 'STOPPED' : 'RUNNING'
        c.available = c.status === 'RUNNING' ? c.replica : 0
      },
    })
    sendJson(res, 200, { job_id: job.job_id })
  }

  /** Why instances of an image cannot run: a container that does not start, or a failing health check. */
  private imageProblem(image: string): string | undefined {
    if (this.images.failing.has(image)) return `instance of ${image} failed to start: back-off restarting failed container`
    if (this.images.unhealthy.has(image)) return `health check of ${image} failed: readiness probe answered HTTP 503`
    return undefined
  }

  /** Moves, promotes (continue_deploy) or abandons (rollback_current) a gray release, as a job. */
  private grayAction(res: ServerResponse, c: Component, action: string, weight: number): void {
    const gray = c.gray as NonNullable<Component['gray']>
    const record = c.records.at(-1)
    const job = this.state.newJob('DAILY_OPERATION', ['SEPARATOR_PREPARE_RESOURCES', `TN_${action.toUpperCase()}`])
    this.run(c, job, {
      apply: () => {
        if (action === 'modify_gray_rule') {
          gray.weight = weight
          record?.weights.push(weight)
        } else if (action === 'continue_deploy') {
          c.gray = undefined
          if (record) record.status = 'SUCCEEDED'
        } else {
          c.image = gray.stableImage
          c.version = gray.stableVersion
          c.spec = gray.stableSpec
          c.gray = undefined
          if (record) record.status = 'ROLLBACKED'
        }
        c.turns = [0, 0]
      },
      done: () => undefined,
    })
    sendJson(res, 200, { job_id: job.job_id })
  }

  /**
   * Runs a job's tasks one after another, as the component's running job. The last task checks
   * the instances of `image`: a failing or unhealthy one fails it with its message; a stuck one
   * (its instances crash and restart for ever) keeps it RUNNING until the mark is lifted, or until
   * a rollback abandons the job (ROLLBACKED, its running task CANCELLED).
   */
  private run(
    c: Component,
    job: Job,
    steps: { apply: () => void; image?: () => string | undefined; abandoned?: () => void; done: (ok: boolean) => void },
    from?: RunningJob['from'],
  ): void {
    job.execution_status = 'RUNNING'
    c.lastJobId = job.job_id
    let over = false
    const end = () => {
      over = true
      if (this.state.running.get(c.id)?.job === job) this.state.running.delete(c.id)
    }
    this.state.running.set(c.id, {
      job,
      ...(from && { from }),
      abandon: () => {
        if (over) return
        end()
        const now = new Date().toISOString()
        for (const task of job.tasks) {
          if (task.task_status === 'RUNNING') task.task_status = 'CANCELLED'
          else if (task.task_status === 'SUBMITTED') task.task_status = 'SKIPPED'
          else continue
          task.update_at = now
        }
        job.execution_status = 'ROLLBACKED'
        steps.abandoned?.()
      },
    })
    const next = (index: number) => {
      const task = job.tasks[index] as Task
      task.task_status = 'RUNNING'
      setTimeout(async () => {
        if (over) return
        task.update_at = new Date().toISOString()
        if (index === 1) steps.apply()
        const image = index === job.tasks.length - 1 ? steps.image?.() : undefined
        if (image !== undefined && this.images.stuck.has(image)) {
          await this.images.unstuck(image)
          if (over) return
          task.update_at = new Date().toISOString()
        }
        const failure = image !== undefined ? this.imageProblem(image) : undefined
        if (failure) {
          task.task_status = 'FAILED'
          task.messages = JSON.stringify({ error: failure })
          job.execution_status = 'FAILED'
          end()
          steps.done(false)
          return
        }
        task.task_status = 'SUCCEEDED'
        if (index + 1 < job.tasks.length) next(index + 1)
        else {
          job.execution_status = 'SUCCEEDED'
          end()
          steps.done(true)
        }
      }, this.state.taskMs)
    }
    next(0)
  }

  /**
   * DELETE a component (platforms.md 2.2: an empty answer): it shows DELETING for a task's time,
   * then is gone; a job it ran is abandoned.
   */
  private remove(res: ServerResponse, c: Component): void {
    this.state.running.get(c.id)?.abandon()
    c.status = 'DELETING'
    c.available = 0
    setTimeout(() => this.state.components.delete(c.id), this.state.taskMs)
    sendJson(res, 200, {})
  }

  private getJob(res: ServerResponse, id: string, upper: boolean): void {
    const job = this.state.jobs.get(id)
    if (!job) return fail(res, ERR.job)
    if (!upper)
      return sendJson(res, 200, {
        task_count: job.tasks.length,
        job: { job_id: job.job_id, job_type: job.job_type, execution_status: job.execution_status, rollback_enabled: job.rollback_enabled },
        tasks: job.tasks,
      })
    // the v2 API answers with upper-case keys, as the source document shows
    const upperKeys = (o: object) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toUpperCase(), v]))
    sendJson(res, 200, {
      task_count: job.tasks.length,
      job: upperKeys({ job_id: job.job_id, job_type: job.job_type, execution_status: job.execution_status }),
      tasks: job.tasks.map(upperKeys),
    })
  }

  private records(res: ServerResponse, c: Component, url: URL): void {
    const paging = pagingOf(url, 10)
    if (typeof paging === 'string') return fail(res, ERR.param(paging))
    const { limit, offset } = paging
    const newest = [...c.records].reverse()
    sendJson(res, 200, {
      count: newest.length,
      records: newest.slice(offset, offset + limit).map((r) => ({
        begin_time: r.begin_time,
        end_time: r.end_time,
        description: '',
        instance_id: c.id,
        version: r.version,
        current_used: r.version === c.version,
        status: r.status,
        deploy_type: r.deploy_type,
        // one job a weight for a gray release: the newest holds the weight in force
        jobs: (r.weights.length > 0 ? r.weights : [undefined]).map((weight, i) => ({
          sequence: i + 1,
          deploy_type: r.deploy_type,
          job_id: r.job_id,
          job_info: {
            deploy_type: r.deploy_type,
            source_url: r.image,
            replica: r.replica,
            ...(weight !== undefined && { first_batch_weight: weight }),
          },
        })),
      })),
    })
  }

  private serveApp(id: string, res: ServerResponse): void {
    const c = this.state.components.get(id)
    if (!c || c.status === 'STOPPED' || c.available === 0) return sendJson(res, 503, { error: 'no instance available' })
    if (!c.gray) return serveApp(res, this.images, c.name, c.image)
    // the component's own URL splits between the stable and the gray version by the gray weight
    const weights = [100 - c.gray.weight, c.gray.weight]
    c.turns[0] += weights[0] as number
    c.turns[1] += weights[1] as number
    const pick = c.turns[0] >= c.turns[1] ? 0 : 1
    c.turns[pick] -= 100
    serveApp(res, this.images, c.name, pick === 0 ? c.gray.stableImage : c.image)
  }
}

function fail(res: ServerResponse, [status, error_code, error_msg]: Err): void {
  sendJson(res, status, { error_code, error_msg })
}

const LABEL_KEY = /^[\p{Script=Han}0-9A-Za-z_-]{1,36}$/u
const LABEL_VALUE = /^[\p{Script=Han}0-9A-Za-z_.-]{1,43}$/u

/** What is wrong with an application PUT body, by the documented field rules; undefined when nothing. */
function applicationProblem(body: Record<string, unknown>): string | undefined {
  const unknown = Object.keys(body).filter((key) => !['name', 'description', 'enterprise_project_id', 'labels'].includes(key))
  if (unknown.length > 0) return `unknown field(s): ${unknown.join(', ')}`
  if (body.name !== undefined && !(typeof body.name === 'string' && /^[A-Za-z][A-Za-z0-9_-]{0,62}[A-Za-z0-9]$/.test(body.name)))
    return 'name: 2-64 letters, digits, - or _, starting with a letter and ending with a letter or digit'
  if (body.description !== undefined && !(typeof body.description === 'string' && body.description.length <= 128))
    return 'description: up to 128 characters'
  return labelsProblem(body.labels)
}

/**
 * A component's `envs` (ComponentEnvironment: `name` required, a `value` or a `value_from`):
 * names as Kubernetes takes them, each once (I: the component runs on CCE).
 */
function envsProblem(envs: unknown): string | undefined {
  if (envs === undefined) return undefined
  if (!Array.isArray(envs)) return 'envs: an array of {name, value}'
  const names = new Set<string>()
  for (const env of envs as { name?: unknown; value?: unknown; value_from?: unknown }[]) {
    if (typeof env.name !== 'string' || !/^[-._A-Za-z][-._A-Za-z0-9]*$/.test(env.name))
      return `envs: name ${JSON.stringify(env.name)}: letters, digits, -, _ or ., not starting with a digit`
    if (env.value !== undefined && typeof env.value !== 'string') return `envs: the value of ${env.name} must be a string`
    if (names.has(env.name)) return `envs: ${env.name} is given twice`
    names.add(env.name)
  }
  return undefined
}

/** Labels of an application, or of a component (I: the same rules as the application's). */
function labelsProblem(labels: unknown): string | undefined {
  if (labels === undefined) return undefined
  if (!Array.isArray(labels) || labels.length > 20) return 'labels: an array of at most 20 labels'
  const keys = new Set<string>()
  for (const label of labels as { key?: unknown; value?: unknown }[]) {
    if (typeof label !== 'object' || label === null || Object.keys(label).some((key) => key !== 'key' && key !== 'value'))
      return 'labels: each label is {key, value}'
    if (typeof label.key !== 'string' || !LABEL_KEY.test(label.key))
      return `labels: key ${JSON.stringify(label.key)}: 1-36 letters, digits, _ or -`
    if (typeof label.value !== 'string' || !LABEL_VALUE.test(label.value))
      return `labels: value ${JSON.stringify(label.value)}: 1-43 letters, digits, _, . or -`
    if (keys.has(label.key)) return `labels: key ${label.key} is given twice`
    keys.add(label.key)
  }
  return undefined
}

/** The parameters of modify_gray_rule, which the SDK does not define: the weight the project assumes it takes. */
const GRAY_RULE_PARAMETERS: Model = { fields: { first_batch_weight: 'int' }, required: ['first_batch_weight'] }

/** An action body by ComponentAction; modify_gray_rule's parameters by the assumed model above. */
function actionProblem(body: Record<string, unknown>): string | undefined {
  if (body.action !== 'modify_gray_rule') return modelProblem(body, 'ComponentAction')
  const { parameters, ...rest } = body
  return modelProblem(rest, 'ComponentAction') ?? modelProblem(parameters ?? {}, GRAY_RULE_PARAMETERS, 'parameters.')
}

/** What a create or PUT keeps of its body besides name, version, replica and source (the emulator's own fields). */
function specOf(body: Record<string, unknown>): Record<string, unknown> {
  const own = new Set(['name', 'version', 'replica', 'source', 'environment_id'])
  return Object.fromEntries(Object.entries(body).filter(([key]) => !own.has(key)))
}

/** `limit` (0–100) and `offset` (≥ 0) of a list call, or what is wrong with them. */
function pagingOf(url: URL, defaultLimit: number): { limit: number; offset: number } | string {
  const limit = Number(url.searchParams.get('limit') ?? defaultLimit)
  const offset = Number(url.searchParams.get('offset') ?? 0)
  if (!Number.isInteger(limit) || limit < 0 || limit > 100)
    return `limit must be a whole number from 0 to 100 (got ${url.searchParams.get('limit')})`
  if (!Number.isInteger(offset) || offset < 0) return `offset must be a whole number from 0 (got ${url.searchParams.get('offset')})`
  return { limit, offset }
}

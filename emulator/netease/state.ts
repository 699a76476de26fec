import { randomBytes, randomUUID } from 'node:crypto'
import type { Images } from '../apps.js'

export interface Container {
  container_id: string
  private_ip: string
  /** what it runs: `source@<version>` for an app, the image path for a microservice */
  runs: string
  /** from before the build now running: it is replaced, whatever it runs */
  stale?: boolean
}

/** An app ("cluster") with the source document's fields. */
export interface App {
  id: number
  name: string
  desc: string
  domain: string
  status: 'creating' | 'create_succ' | 'create_fail'
  replicas: number
  spec_id: number
  image_id: number
  image_type: number
  version_control: Record<string, unknown>
  docker_file_type: number
  custom_docker_file: string
  log_dirs: string[]
  env_var: Record<string, string>
  hook: string
  containers: Container[]
  created_at: string
  updated_at: string
}

export interface Microservice {
  id: number
  namespace_id: number
  service_name: string
  stateful: number
  replicas: number
  /** create_succ, restart_succ (documented); updating/update_succ/update_fail, scaling/scale_succ, restarting (assumed) */
  status: string
  container_id: number
  container_name: string
  image_path: string
  /** the container's variables, as 查看服务详情 answers them */
  envs: { key: string; value: string }[]
  log_dirs: string[]
  /** the one container's shares of the spec: 100 each (9.9: a single container's must be 100) */
  cpu_weight: number
  memory_weight: number
  containers: Container[]
}

/** One thing that converges over time: an app's or a microservice's containers. */
interface Target {
  /** a later change with the same key takes over from this one */
  key?: object
  containers: Container[]
  want: () => { runs: string; count: number }
  done: (ok: boolean) => void
}

/**
 * The emulated NetEase Cloud: keys and tokens, apps and microservices whose containers change one
 * at a time (`containerMs` each), watchers waiting on an app's containers, and a rate limit.
 */
export class NeteaseState {
  readonly keys = new Map([['netease-demo-key', 'netease-demo-secret-0123']])
  readonly tokens = new Set(['netease-demo-token-0123456789'])
  readonly apps = new Map<number, App>()
  readonly microservices = new Map<number, Microservice>()
  readonly namespaces = [{ id: 101, namespace: 'ns-team', display_name: 'team', deletable: true }]
  readonly images = {
    custom_images: [{ tag: 'v1', desc: 'v1', weight: 0, id: 30202, name: '4638_tomcat2', constraint: null }],
    public_images: [
      {
        tag: 'latest',
        desc: '',
        weight: 3,
        id: 10005,
        name: 'centos',
        constraint: { min_combo: 20, max_combo: 50, min_machine_spec: 10, max_machine_spec: 40 },
      },
      { tag: '8', desc: '', weight: 2, id: 10006, name: 'tomcat', constraint: null },
    ],
  }
  /** callbacks of watches held on each app */
  readonly watchers = new Map<number, Set<() => void>>()
  containerMs = 80
  /** how long a watch holds when nothing changes */
  watchMs = 25_000
  /** how long after a deploy hook's call its build starts */
  buildStartMs = 0
  /** authorised requests allowed per second; 0: no limit */
  ratePerSecond = 0
  private window = { second: 0, count: 0 }
  private nextId = 10700
  private readonly timers = new Set<NodeJS.Timeout>()
  /** the latest change of each app or microservice: an older one stops */
  private readonly generations = new WeakMap<object, number>()
  /** the latest hook call of each app: only its build starts */
  private readonly hookCalls = new WeakMap<App, number>()

  constructor(private readonly images_: Images) {}

  reset(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    for (const set of this.watchers.values()) for (const wake of set) wake()
    this.watchers.clear()
    this.apps.clear()
    this.microservices.clear()
    this.tokens.clear()
    this.tokens.add('netease-demo-token-0123456789')
    this.containerMs = 80
    this.watchMs = 25_000
    this.buildStartMs = 0
    this.ratePerSecond = 0
  }

  id(): number {
    return this.nextId++
  }

  issueToken(): string {
    const token = randomBytes(16).toString('hex')
    this.tokens.add(token)
    return token
  }

  /** false when this request is over the per-second limit */
  admit(): boolean {
    if (this.ratePerSecond === 0) return true
    const second = Math.floor(Date.now() / 1000)
    if (second !== this.window.second) this.window = { second, count: 0 }
    return ++this.window.count <= this.ratePerSecond
  }

  container(runs: string): Container {
    return { container_id: randomBytes(32).toString('hex'), private_ip: `10.180.${randomInt()}.${randomInt()}`, runs }
  }

  appRuns(app: App): string {
    return `source@${String(app.version_control.version ?? '')}`
  }

  /**
   * The app builds and rolls out what it should run, one container at a time: a build makes a new
   * image, so every container is replaced, even one that ran the same version ("rebuild/redeploy",
   * platforms.md 4.2); a new build takes over from one still under way, and a failed build leaves
   * the containers it did not reach running.
   */
  rollOutApp(app: App): void {
    app.status = 'creating'
    for (const c of app.containers) c.stale = true
    this.touch(app)
    const runs = this.appRuns(app)
    this.converge(
      {
        key: app,
        containers: app.containers,
        want: () => ({ runs, count: app.replicas }),
        // the status changes no container: a watch does not answer it (platforms.md 4.2)
        done: (ok) => {
          for (const c of app.containers) delete c.stale
          app.status = ok ? 'create_succ' : 'create_fail'
          this.touch(app)
        },
      },
      () => this.containersChanged(app),
    )
  }

  /**
   * A deploy hook's call: taken at once (`updated_at` moves, assumed), its build started
   * `buildStartMs` later; until then the app shows its last build, a failed one included.
   */
  callHook(app: App): void {
    this.touch(app)
    const generation = (this.hookCalls.get(app) ?? 0) + 1
    this.hookCalls.set(app, generation)
    const start = () => {
      // the app was deleted, or a later call took over
      if (this.apps.get(app.id) === app && this.hookCalls.get(app) === generation) this.rollOutApp(app)
    }
    if (this.buildStartMs === 0) return start()
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      start()
    }, this.buildStartMs)
    this.timers.add(timer)
  }

  /** A resize: containers come or go, the app stays create_succ. */
  resizeApp(app: App): void {
    this.converge(
      { containers: app.containers, want: () => ({ runs: this.appRuns(app), count: app.replicas }), done: () => this.touch(app) },
      () => this.containersChanged(app),
    )
  }

  changeMicroservice(service: Microservice, working: string, succeeded: string, failed: string, replaceAll = false): void {
    service.status = working
    if (replaceAll) for (const c of service.containers) c.runs = `restarting:${c.runs}`
    this.converge({
      key: service,
      containers: service.containers,
      want: () => ({ runs: service.image_path, count: service.replicas }),
      done: (ok) => (service.status = ok ? succeeded : failed),
    })
  }

  /** The app changed: `updated_at` moves. */
  touch(app: App): void {
    app.updated_at = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  }

  /** A container of the app came, went or was replaced (or the app went): every watch held on it answers. */
  containersChanged(app: App): void {
    this.touch(app)
    const waiting = this.watchers.get(app.id)
    if (!waiting) return
    this.watchers.delete(app.id)
    for (const wake of waiting) wake()
  }

  private converge(target: Target, onChange: () => void = () => undefined): void {
    const generation = target.key && (this.generations.get(target.key) ?? 0) + 1
    if (target.key && generation) this.generations.set(target.key, generation)
    const step = () => {
      if (target.key && this.generations.get(target.key) !== generation) return
      const { runs, count } = target.want()
      const old = target.containers.findIndex((c) => c.runs !== runs || c.stale)
      const short = target.containers.length < count
      // a stuck image's (or version's) container starts, crashes and is restarted for ever
      if ((old >= 0 || short) && this.images_.stuck.has(runs)) return this.schedule(step, true)
      if ((old >= 0 || short) && this.images_.failing.has(runs)) return target.done(false)
      if (old >= 0) target.containers.splice(old, 1, this.container(runs))
      else if (short) target.containers.push(this.container(runs))
      else if (target.containers.length > count) target.containers.pop()
      else return target.done(true)
      onChange()
      this.schedule(step)
    }
    this.schedule(step)
  }

  /** `weak`: a retry that does not keep the process alive */
  private schedule(run: () => void, weak = false): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      run()
    }, this.containerMs)
    if (weak) timer.unref()
    this.timers.add(timer)
  }

  hookId(): string {
    return randomUUID().replace(/-/g, '')
  }
}

function randomInt(): number {
  return Math.floor(Math.random() * 250) + 1
}

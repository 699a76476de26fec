import { randomUUID } from 'node:crypto'
import type { Images } from '../apps.js'

export interface Instance {
  uuid: string
  instance_name: string
  image: string
  started_at: string
}

export interface LogLine {
  instance_id: string
  message: string
  /** epoch seconds, as the source document shows */
  time: number
}

/** A service as the source document's create body and get answer show it. */
export interface Service {
  uuid: string
  namespace: string
  service_name: string
  application: string | null
  image_name: string
  image_tag: string
  run_command: string
  instance_size: string
  scaling_mode: 'MANUAL' | 'AUTO'
  autoscaling_config: Record<string, string>
  target_state: 'STARTED' | 'STOPPED'
  target_num_instances: number
  custom_domain_name: string
  instance_envvars: Record<string, string>
  instance_ports: unknown[]
  volumes: unknown[]
  region_name: string
  linked_to_apps: Record<string, string>
  created_at: string
  updated_at: string
  started_at: string | null
  stopped_at: string | null
  instances: Instance[]
  is_deploying: boolean
  /** assumed spellings: Deploying, Running, Stopped, Error (platforms.md 3.3 and gap 6) */
  current_status: 'Deploying' | 'Running' | 'Stopped' | 'Error'
  logs: LogLine[]
  /** instances started so far, for their names */
  started: number
  timer?: NodeJS.Timeout
  /** restarts so far of a stuck image's instance (its back-off grows with them) */
  restarts?: number
}

/** What each kind of image writes to its log as an instance starts. */
function startLines(image: string, images: Images): string[] {
  if (images.failing.has(image)) {
    return [
      `starting ${image}`,
      'panic: open /etc/app/config.yml: no such file or directory',
      'container exited with code 2; back-off restarting failed container',
    ]
  }
  if (images.unhealthy.has(image)) {
    return [
      `starting ${image}`,
      'listening on :8080',
      'ERROR database unreachable: dial tcp 10.0.3.7:5432: connect: connection refused',
      'ERROR GET / answered 503: the database is down',
    ]
  }
  return [`starting ${image}`, 'listening on :8080']
}

/**
 * The emulated Alauda: namespaces, services, their instances and logs, the users who can ask for
 * a token. Instances start one at a time (`instanceMs` each); while the service moves towards its
 * target it is deploying, and a failing image ends it in Error with the old instances left running.
 */
export class AlaudaState {
  readonly users = new Map([['demo', 'alauda-demo-password']])
  readonly tokens = new Set(['alauda-demo-token-0123456789'])
  readonly namespaces = new Set(['demo', 'team'])
  readonly services = new Map<string, Service>()
  instanceMs = 100

  constructor(private readonly images: Images) {}

  reset(): void {
    for (const service of this.services.values()) clearTimeout(service.timer)
    this.services.clear()
    this.tokens.clear()
    this.tokens.add('alauda-demo-token-0123456789')
    this.namespaces.clear()
    for (const ns of ['demo', 'team']) this.namespaces.add(ns)
    this.instanceMs = 100
  }

  key(namespace: string, name: string): string {
    return `${namespace}/${name}`
  }

  issueToken(): string {
    const token = `alauda-${randomUUID().replace(/-/g, '')}`
    this.tokens.add(token)
    return token
  }

  /** A service that already runs: every instance up (the control API's seed). */
  seed(fields: Partial<Service> & Pick<Service, 'namespace' | 'service_name' | 'image_name' | 'image_tag'>): Service {
    const service = this.newService(fields)
    const image = imageOf(service)
    if (service.target_state === 'STARTED') {
      for (let i = 0; i < service.target_num_instances; i++) this.startInstance(service, image)
    }
    service.current_status = service.target_state === 'STARTED' ? 'Running' : 'Stopped'
    this.services.set(this.key(service.namespace, service.service_name), service)
    return service
  }

  newService(fields: Partial<Service> & Pick<Service, 'namespace' | 'service_name' | 'image_name' | 'image_tag'>): Service {
    const now = new Date().toISOString()
    this.namespaces.add(fields.namespace)
    return {
      uuid: randomUUID(),
      application: null,
      run_command: '',
      instance_size: 'XS',
      scaling_mode: 'MANUAL',
      autoscaling_config: {},
      target_state: 'STARTED',
      target_num_instances: 1,
      custom_domain_name: '',
      instance_envvars: {},
      instance_ports: [],
      volumes: [],
      region_name: 'BEIJING1',
      linked_to_apps: {},
      created_at: now,
      updated_at: now,
      started_at: null,
      stopped_at: null,
      instances: [],
      is_deploying: false,
      current_status: 'Stopped',
      logs: [],
      started: 0,
      ...fields,
    }
  }

  /** Something changed what the service should run: it deploys until it gets there. */
  converge(service: Service): void {
    service.updated_at = new Date().toISOString()
    service.is_deploying = true
    service.current_status = 'Deploying'
    // a new target ends the back-off of a stuck instance at once
    if (service.restarts) {
      clearTimeout(service.timer)
      service.timer = undefined
      service.restarts = 0
    }
    if (service.timer === undefined) service.timer = setTimeout(() => this.step(service), this.instanceMs)
  }

  /** One instance started, replaced or removed per tick. */
  private step(service: Service): void {
    service.timer = undefined
    if (!this.services.has(this.key(service.namespace, service.service_name))) return
    const image = imageOf(service)
    const now = new Date().toISOString()
    if (service.target_state === 'STOPPED') {
      const gone = service.instances.pop()
      if (gone) this.log(service, gone.uuid, `stopped ${gone.instance_name}`)
      if (service.instances.length === 0) return this.settle(service, 'Stopped', () => (service.stopped_at = now))
    } else {
      const old = service.instances.findIndex((instance) => instance.image !== image)
      const short = service.instances.length < service.target_num_instances
      if ((old >= 0 || short) && this.images.stuck.has(image)) {
        // the new instance starts, crashes and is restarted with a growing back-off: the deploy
        // never ends (the old instances keep running) until another target is given
        const restarts = (service.restarts = (service.restarts ?? 0) + 1)
        const wait = this.instanceMs * Math.min(2 ** restarts, 16)
        this.log(service, `${service.service_name}.${service.started}`, `starting ${image}`)
        this.log(
          service,
          `${service.service_name}.${service.started}`,
          `container exited with code 1; back-off ${wait} ms restarting failed container (restart ${restarts})`,
        )
        service.timer = setTimeout(() => this.step(service), wait)
        service.timer.unref()
        return
      }
      service.restarts = 0
      if ((old >= 0 || short) && this.images.failing.has(image)) {
        // the new instance does not start: the old ones keep running, the service shows Error
        const attempt = randomUUID()
        for (const line of startLines(image, this.images)) this.log(service, attempt, line)
        return this.settle(service, 'Error')
      }
      if (old >= 0) {
        const [gone] = service.instances.splice(old, 1)
        if (gone) this.log(service, gone.uuid, `stopped ${gone.instance_name}`)
        this.startInstance(service, image)
      } else if (short) this.startInstance(service, image)
      else if (service.instances.length > service.target_num_instances) {
        const gone = service.instances.pop()
        if (gone) this.log(service, gone.uuid, `stopped ${gone.instance_name}`)
      } else return this.settle(service, 'Running', () => (service.started_at ??= now))
    }
    service.timer = setTimeout(() => this.step(service), this.instanceMs)
  }

  private settle(service: Service, status: Service['current_status'], then?: () => void): void {
    service.is_deploying = false
    service.current_status = status
    service.updated_at = new Date().toISOString()
    then?.()
  }

  private startInstance(service: Service, image: string): void {
    const instance: Instance = {
      uuid: randomUUID(),
      instance_name: `${service.service_name}.${service.started++}`,
      image,
      started_at: new Date().toISOString(),
    }
    service.instances.push(instance)
    for (const line of startLines(image, this.images)) this.log(service, instance.uuid.slice(0, 8), line)
  }

  log(service: Service, instance: string, message: string): void {
    service.logs.push({ instance_id: instance.slice(0, 8), message, time: Math.floor(Date.now() / 1000) })
    if (service.logs.length > 1000) service.logs.shift()
  }
}

export function imageOf(service: Service): string {
  return `${service.image_name}:${service.image_tag}`
}

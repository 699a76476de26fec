import { randomBytes } from 'node:crypto'
import type { Images } from '../apps.js'

export interface Container {
  id: string
  image: string
  /** how many times it was started (a rolling restart starts the same container again) */
  startCount: number
}

export interface LaunchConfig extends Record<string, unknown> {
  imageUuid: string
}

export interface Stack {
  id: string
  projectId: string
  name: string
  /** the user's free text (Cattle's common resource field, updatable) */
  description?: string
  state: string
  dockerCompose: string
  rancherCompose: string
  environment: Record<string, string>
}

export interface Service {
  id: string
  projectId: string
  stackId: string
  name: string
  /** a free text of the user's (Cattle's common resource field, updatable) */
  description?: string
  state: string
  transitioning: 'yes' | 'no' | 'error'
  transitioningMessage: string | null
  scale: number
  launchConfig: LaunchConfig
  secondaryLaunchConfigs: LaunchConfig[]
  upgrade: { inServiceStrategy: Record<string, unknown> & { previousLaunchConfig?: LaunchConfig } } | null
  containers: Container[]
  /** the user's key/value data (Cattle's `metadata`, updatable) */
  metadata?: Record<string, unknown> | null
  /** a load balancer's configuration (kind loadBalancerService) */
  lbConfig?: { portRules: PortRule[] } & Record<string, unknown>
}

export interface PortRule {
  serviceId: string
  sourcePort: number
  targetPort?: number
  protocol?: string
  hostname?: string
  path?: string
  /** each of the rule's containers takes this weight in the balancer (lb-controller); 1 when unset */
  weight?: number | null
}

/** What a transition moves towards: this many containers of this image, then this state. */
interface Move {
  count: number
  image: string
  batch: number
  /** replace every container even when it already runs the image (a restart) */
  all?: boolean
  done: string
  /** runs once the transition reached `done` */
  then?: () => void
}

/**
 * The emulated Rancher 1.6: projects, stacks, services with the documented states and
 * transitions. Containers change a batch at a time (`batchMs` each); an image marked failing ends
 * the transition in `transitioning: error` with a message, the state left as it was.
 */
export class RancherState {
  readonly keys = new Map([['rancher-demo-access', 'rancher-demo-secret-0123']])
  readonly projects = new Set(['1a5'])
  readonly stacks = new Map<string, Stack>()
  readonly services = new Map<string, Service>()
  batchMs = 80
  /** whether port rules have Rancher 1.6.13's region fields (weight): the schema served and validated */
  portRuleWeights = true
  private next = 10
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly listeners: (() => void)[] = []

  constructor(private readonly images: Images) {}

  /** `listener` is called whenever a service may have changed: a transition's steps, and the API's writes (`changed`). */
  onChange(listener: () => void): void {
    this.listeners.push(listener)
  }

  changed(): void {
    for (const listener of this.listeners) listener()
  }

  reset(): void {
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    this.stacks.clear()
    this.services.clear()
    this.batchMs = 80
    this.portRuleWeights = true
  }

  newStack(projectId: string, name: string, fields: Partial<Stack> = {}): Stack {
    const stack: Stack = {
      id: `1st${this.next++}`,
      projectId,
      name,
      state: 'active',
      dockerCompose: '',
      rancherCompose: '',
      environment: {},
      ...fields,
    }
    this.stacks.set(stack.id, stack)
    return stack
  }

  newService(stack: Stack, name: string, image: string, scale: number, running: boolean): Service {
    const service: Service = {
      id: `1s${this.next++}`,
      projectId: stack.projectId,
      stackId: stack.id,
      name,
      state: running ? 'active' : 'inactive',
      transitioning: 'no',
      transitioningMessage: null,
      scale,
      launchConfig: { imageUuid: `docker:${image}`, labels: {} },
      secondaryLaunchConfigs: [],
      upgrade: null,
      containers: running ? Array.from({ length: scale }, () => this.container(image)) : [],
    }
    this.services.set(service.id, service)
    return service
  }

  container(image: string): Container {
    return { id: `1i${randomBytes(3).toString('hex')}`, image, startCount: 1 }
  }

  /** Starts a transition: `state` (transitioning) now, the containers change batch by batch, then `move.done`. */
  transition(service: Service, state: string, move: Move): void {
    clearTimeout(this.timers.get(service.id))
    service.state = state
    service.transitioning = 'yes'
    service.transitioningMessage = null
    this.changed()
    const fresh = new Set<string>()
    const step = () => {
      this.changed()
      const stale = service.containers.filter((c) => c.image !== move.image || (move.all && !fresh.has(c.id)))
      const work = stale.length > 0 || service.containers.length !== move.count
      if (work && move.count > 0 && this.images.stuck.has(move.image)) {
        // the new containers start, crash and are restarted for ever: still transitioning
        const timer = setTimeout(step, this.batchMs)
        timer.unref()
        this.timers.set(service.id, timer)
        return
      }
      if (work && move.count > 0 && this.images.failing.has(move.image)) {
        service.transitioning = 'error'
        service.transitioningMessage = `Failed to start container: ${move.image}: back-off restarting failed container`
        return
      }
      if (!work) {
        service.state = move.done
        service.transitioning = 'no'
        move.then?.()
        return
      }
      for (let i = 0; i < move.batch; i++) {
        const old = service.containers.find((c) => c.image !== move.image || (move.all && !fresh.has(c.id)))
        if (old && move.all && old.image === move.image) {
          // a restart starts the same container again
          old.startCount++
          fresh.add(old.id)
        } else if (old && service.containers.length <= move.count) {
          const replacement = this.container(move.image)
          fresh.add(replacement.id)
          service.containers.splice(service.containers.indexOf(old), 1, replacement)
        } else if (service.containers.length < move.count) {
          const added = this.container(move.image)
          fresh.add(added.id)
          service.containers.push(added)
        } else if (service.containers.length > move.count) service.containers.splice(old ? service.containers.indexOf(old) : -1, 1)
      }
      this.timers.set(service.id, setTimeout(step, this.batchMs))
    }
    this.timers.set(service.id, setTimeout(step, this.batchMs))
  }

  /** Ends the transition under way where it stands (its containers left as they are). */
  stop(service: Service): void {
    clearTimeout(this.timers.get(service.id))
    this.timers.delete(service.id)
  }

  /** A transition that changes no container: `state` (transitioning) now, `done` after one batch. */
  pass(service: Service, state: string, done: string): void {
    this.stop(service)
    service.state = state
    service.transitioning = 'yes'
    service.transitioningMessage = null
    this.changed()
    this.timers.set(
      service.id,
      setTimeout(() => {
        service.state = done
        service.transitioning = 'no'
        this.changed()
      }, this.batchMs),
    )
  }
}

export function imageOf(launchConfig: LaunchConfig): string {
  return launchConfig.imageUuid.replace(/^docker:/, '')
}

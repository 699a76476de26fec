import { proxyFor, readProxyEnv } from '../../http/dispatcher.js'
import type { EventSocket, SocketConstructor } from '../web-socket.js'
import type { RancherService } from './service.js'

/**
 * How long the subscription may take to open before the wait polls instead: 5 s, and never more
 * than a quarter of the time left, since a deploy opens it before its write.
 */
const OPEN_MS = 5000

/**
 * Why the event stream cannot be used for `target`, or the WebSocket to open it with: the run's
 * (Node's own, where it has one), and only where no proxy is set for the server, since it would
 * go straight past the proxy the HTTP client honours.
 */
export function eventTransport(
  target: URL,
  env: NodeJS.ProcessEnv,
  socket: SocketConstructor | undefined,
): { socket: SocketConstructor } | { unusable: string } {
  if (socket === undefined) return { unusable: 'this Node has no WebSocket' }
  const proxy = proxyFor(readProxyEnv(env), target)
  if (proxy !== undefined) return { unusable: `requests go through ${proxy.name}` }
  return { socket }
}

/** Why a subscription did not open (ServiceEvents.open). */
export type OpenFailure = 'refused' | 'slow' | 'cut' | 'cancelled'

/** The next change of a service, `closed` once the stream ended, `quiet` when none came in time. */
export type Next = RancherService | 'closed' | 'quiet'

/**
 * A subscription to a project's `resource.change` events (platforms.md 5.1), held for one wait:
 * it hands out the changes of one service, its resource as the API shows it.
 */
export class ServiceEvents {
  private readonly queue: RancherService[] = []
  private waiting: ((next: Next) => void) | undefined
  private closed = false

  private constructor(
    private readonly socket: EventSocket,
    private readonly serviceId: string,
  ) {
    socket.addEventListener('message', (event) => this.take(event.data))
    socket.addEventListener('close', () => this.end())
    socket.addEventListener('error', () => this.end())
  }

  /**
   * Opens the subscription and resolves once the server took it; else why not: `refused` (the
   * server or a front would not take it), `slow` (no answer within 5 s), `cut` (none within the
   * quarter of the time left, when that is less: a later wait, with a fresh deadline, may open
   * it) or `cancelled`. The caller polls then. Never throws.
   */
  static open(
    Socket: SocketConstructor,
    url: URL,
    authorization: string,
    serviceId: string,
    limits: { deadline: number; signal?: AbortSignal | undefined },
  ): Promise<ServiceEvents | OpenFailure> {
    const left = (limits.deadline - Date.now()) / 4
    const wait = Math.min(OPEN_MS, left)
    const late: OpenFailure = left < OPEN_MS ? 'cut' : 'slow'
    if (limits.signal?.aborted) return Promise.resolve('cancelled')
    if (wait <= 0) return Promise.resolve(late)
    let socket: EventSocket
    try {
      socket = new Socket(url.href, { headers: { authorization } })
    } catch {
      return Promise.resolve('refused')
    }
    return new Promise((resolve) => {
      const settle = (outcome: ServiceEvents | OpenFailure) => {
        clearTimeout(timer)
        limits.signal?.removeEventListener('abort', cancel)
        if (!(outcome instanceof ServiceEvents)) socket.close()
        resolve(outcome)
      }
      const cancel = () => settle('cancelled')
      const refused = () => settle('refused')
      const timer = setTimeout(() => settle(late), wait)
      limits.signal?.addEventListener('abort', cancel, { once: true })
      socket.addEventListener('open', () => settle(new ServiceEvents(socket, serviceId)))
      socket.addEventListener('error', refused)
      socket.addEventListener('close', refused)
    })
  }

  /** The service's next change, waiting at most `ms` (less if `signal` aborts: `closed`). */
  next(ms: number, signal?: AbortSignal): Promise<Next> {
    const queued = this.queue.shift()
    if (queued !== undefined) return Promise.resolve(queued)
    if (this.closed || signal?.aborted) return Promise.resolve('closed')
    return new Promise((resolve) => {
      const done = (next: Next) => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', cancel)
        this.waiting = undefined
        resolve(next)
      }
      const cancel = () => done('closed')
      const timer = setTimeout(() => done('quiet'), Math.max(ms, 0))
      signal?.addEventListener('abort', cancel, { once: true })
      this.waiting = done
    })
  }

  close(): void {
    this.end()
    this.socket.close()
  }

  /** A message: a resource.change of the service is kept; pings and other resources are not. */
  private take(data: unknown): void {
    const event = parseEvent(data)
    if (event?.resourceId !== this.serviceId || event.resource === undefined) return
    if (this.waiting) this.waiting(event.resource)
    else this.queue.push(event.resource)
  }

  private end(): void {
    this.closed = true
    this.waiting?.('closed')
  }
}

/** A `resource.change` message (`{name, resourceType, resourceId, data: {resource}}`); undefined for anything else. */
export function parseEvent(data: unknown): { resourceId: string; resource?: RancherService } | undefined {
  if (typeof data !== 'string') return undefined
  let message: { name?: unknown; resourceId?: unknown; data?: { resource?: unknown } | null }
  try {
    message = JSON.parse(data)
  } catch {
    return undefined
  }
  if (message === null || typeof message !== 'object' || message.name !== 'resource.change' || typeof message.resourceId !== 'string') {
    return undefined
  }
  const resource = message.data?.resource
  const usable = typeof resource === 'object' && resource !== null && (resource as { id?: unknown }).id === message.resourceId
  return { resourceId: message.resourceId, ...(usable && { resource: resource as RancherService }) }
}

import type { IncomingMessage } from 'node:http'
import type { Images } from '../apps.js'
import { type Env, type JelasticState, RUNNING } from './state.js'

const COOKIE = 'TD_BACKEND'

/**
 * The Traffic Distributor's routing (platforms.md 1.4): `range` percent to backend1.
 * round-robin: smooth weighted round robin; sticky-sessions: new users by weight, then by
 * cookie (a side at 0% still serves the sessions it has); failover: all to the side at 100%,
 * the other only while that one is down. A backend that is down is skipped, as the TD's health
 * checks do.
 */
export class TdRouter {
  private readonly current = new Map<string, [number, number]>()

  constructor(
    private readonly state: JelasticState,
    private readonly images: Images,
  ) {}

  route(td: Env, req: IncomingMessage): { backend: Env; setCookie?: string } | undefined {
    const settings = td.addons[0]?.settings
    if (!settings) return undefined
    const backends = [this.state.findEnv(settings.backend1), this.state.findEnv(settings.backend2)]
    const up = backends.map((env) => env !== undefined && isUp(env, this.images))
    const weights: [number, number] = [settings.range, 100 - settings.range]
    if (settings.routingMethod === 'sticky-sessions') {
      const cookie = parseCookie(req.headers.cookie)[COOKIE]
      const stuck = cookie === 'backend1' ? 0 : cookie === 'backend2' ? 1 : undefined
      if (stuck !== undefined && up[stuck]) return { backend: backends[stuck] as Env }
      const pick = this.pick(td.envName, weights, up)
      return pick === undefined ? undefined : { backend: backends[pick] as Env, setCookie: `${COOKIE}=backend${pick + 1}; Path=/` }
    }
    if (settings.routingMethod === 'failover') {
      const primary = settings.range >= 50 ? 0 : 1
      const chosen = up[primary] ? primary : up[1 - primary] ? 1 - primary : undefined
      return chosen === undefined ? undefined : { backend: backends[chosen] as Env }
    }
    const pick = this.pick(td.envName, weights, up)
    return pick === undefined ? undefined : { backend: backends[pick] as Env }
  }

  /** Smooth weighted round robin (as nginx does): exact shares over any window of 100 requests. */
  private pick(key: string, weights: [number, number], up: boolean[]): number | undefined {
    const live = weights.map((w, i) => (up[i] ? w : 0))
    const total = (live[0] ?? 0) + (live[1] ?? 0)
    if (total === 0) {
      const any = up.indexOf(true)
      return any === -1 ? undefined : any
    }
    const current = this.current.get(key) ?? [0, 0]
    current[0] += live[0] ?? 0
    current[1] += live[1] ?? 0
    const chosen = current[0] >= current[1] ? 0 : 1
    current[chosen] -= total
    this.current.set(key, current)
    return chosen
  }
}

function isUp(env: Env, images: Images): boolean {
  return (
    env.status === RUNNING &&
    env.nodes.some((node) => node.status === RUNNING && !images.failing.has(`${node.dockerName}:${node.dockerTag}`))
  )
}

function parseCookie(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {}
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key) cookies[key] = value.join('=')
  }
  return cookies
}

import type { Operation, OperationState, RouterRef, ServiceRef, TrafficSplit } from '../platform.js'
import { PlatformError } from '../platform.js'
import { ReplicaSplitter, reachableShares, requireRoundRobin } from '../replica-split.js'
import type { RancherService } from './service.js'
import { settled } from './service.js'
import { reachableWeighted, type SideWeights, weightedShare, weightsFor } from './weights.js'

/** A port rule of a load balancer (platforms.md 5.3; `weight` from Rancher 1.6.13). */
export interface PortRule extends Record<string, unknown> {
  serviceId?: string
  sourcePort?: number
  hostname?: string
  path?: string
  weight?: number | null
}

export interface LoadBalancer extends RancherService {
  lbConfig?: Record<string, unknown> & { portRules?: PortRule[] }
}

/** What the split needs from the adapter: the three services, and the writes. */
export interface LbPort {
  services(router: RouterRef, operation: string): Promise<{ lb: LoadBalancer; blue: RancherService; green: RancherService }>
  service(ref: ServiceRef): Promise<RancherService | null>
  setScale(ref: ServiceRef, scale: number): Promise<void>
  setRules(router: RouterRef, lb: LoadBalancer, rules: PortRule[]): Promise<void>
  /** whether the server's port rules take a weight (its `portRule` schema has the field) */
  weighted(router: RouterRef): Promise<boolean>
}

interface Change {
  router: RouterRef
  /** the replica ratio to reach first (a split between 0 and 100) */
  scales?: Operation
  /** all or nothing, or weights: the side taking traffic first runs as many containers as the other */
  raise?: { ref: ServiceRef; scale: number }
  /** the rules once the scales are right */
  rules: (lb: LoadBalancer, blue: RancherService, green: RancherService) => PortRule[]
  /** the rules the PUT answered for: read back until the load balancer is active */
  written?: PortRule[]
}

/**
 * A release on Rancher's load balancer (platforms.md 5.3). All or nothing is a flip of the rules'
 * `serviceId` from one side to the other: exact, no container changes. A share between is both
 * sides behind the same rules: where the server's port rules take a `weight` (Rancher 1.6.13 and
 * later, read from its `portRule` schema), split by the rules' weights over the containers each
 * side runs; before that, split by their containers (platforms/replica-split.ts): the scales are
 * set first, then green's rules are added.
 */
export class LbSplit {
  private readonly changes = new Map<string, Change>()
  private readonly splitter: ReplicaSplitter

  constructor(private readonly port: LbPort) {
    this.splitter = new ReplicaSplitter('rancher', {
      set: (goal) => port.setScale(goal.ref, goal.instances),
      reached: async (goal) => {
        const service = await port.service(goal.ref)
        if (service === null) return { status: 'failed', detail: 'the service is gone' }
        const state = settled(service, ['active'])
        return state.status === 'succeeded' && service.currentScale !== goal.instances ? { status: 'running', detail: state.detail } : state
      },
    })
  }

  async read(router: RouterRef): Promise<TrafficSplit | null> {
    const { lb, blue, green } = await this.port.services(router, 'read traffic')
    const rules = lb.lbConfig?.portRules ?? []
    const toBlue = rules.some((rule) => rule.serviceId === blue.id)
    const toGreen = rules.some((rule) => rule.serviceId === green.id)
    if (!toBlue && !toGreen) return null
    if (!toGreen) return { blue: 100, green: 0, routingMethod: 'round-robin' }
    if (!toBlue) return { blue: 0, green: 100, routingMethod: 'round-robin' }
    const weightOf = (id: string) => rules.find((rule) => rule.serviceId === id)?.weight ?? 1
    const share = weightedShare(blue.currentScale ?? 0, weightOf(blue.id), green.currentScale ?? 0, weightOf(green.id))
    return share === null ? null : { blue: 100 - share, green: share, routingMethod: 'round-robin' }
  }

  async reachable(router: RouterRef): Promise<number[]> {
    const { blue, green } = await this.port.services(router, 'shift traffic')
    if (!(await this.port.weighted(router))) return reachableShares((blue.scale ?? 0) + (green.scale ?? 0))
    const [b, g] = runningBoth(blue.scale ?? 0, green.scale ?? 0)
    return b === 0 ? [0, 100] : reachableWeighted(b, g)
  }

  async write(router: RouterRef, split: TrafficSplit): Promise<Operation> {
    requireRoundRobin('rancher', router, split)
    const { lb, blue, green } = await this.port.services(router, 'shift traffic')
    const rules = lb.lbConfig?.portRules ?? []
    const anchor = rules.find((rule) => rule.serviceId === blue.id || rule.serviceId === green.id)
    if (!anchor) {
      throw new PlatformError(
        'rancher',
        'shift traffic',
        router.router,
        `the load balancer has no port rule to ${router.blue} or ${router.green}: add one to ${router.blue} first`,
      )
    }
    const id = `lb:${lb.id}:${split.green}%:${Date.now()}`
    const change: Change = {
      router,
      rules: (now, b, g) => rulesFor(now.lbConfig?.portRules ?? [], b.id, g.id, split.green),
    }
    const between = split.green !== 0 && split.green !== 100
    if (between && (await this.port.weighted(router))) {
      // both sides keep their containers; a side that runs none (scale 0, or stopped) is first started with as many as the other
      const [b, g] = runningBoth(blue.scale ?? 0, green.scale ?? 0)
      const idle = (side: RancherService, wanted: number) => (side.scale ?? 0) < wanted || side.state === 'inactive'
      const low = idle(blue, b) ? 'blue' : idle(green, g) ? 'green' : undefined
      if (low !== undefined) {
        change.raise = { ref: sideOf(router, low), scale: low === 'blue' ? b : g }
        await this.port.setScale(change.raise.ref, change.raise.scale)
      }
      // the weights are for the containers Rancher keeps running (the read back shows those that run)
      change.rules = (now, nb, ng) =>
        rulesFor(now.lbConfig?.portRules ?? [], nb.id, ng.id, split.green, weightsFor(nb.scale ?? 0, ng.scale ?? 0, split.green))
    } else if (between) {
      const refs = { blue: sideOf(router, 'blue'), green: sideOf(router, 'green') }
      change.scales = await this.splitter.start(router, refs, { blue: blue.scale ?? 0, green: green.scale ?? 0 }, split)
    } else {
      const [taking, giving, side] = split.green === 100 ? [green, blue, 'green' as const] : [blue, green, 'blue' as const]
      if ((taking.scale ?? 0) < (giving.scale ?? 0)) {
        change.raise = { ref: sideOf(router, side), scale: giving.scale ?? 0 }
        await this.port.setScale(change.raise.ref, change.raise.scale)
      }
    }
    this.changes.set(id, change)
    return { id, kind: 'traffic', ref: sideOf(router, 'green'), target: {} }
  }

  /**
   * False where the change's first observe sends its port rules (no scale to wait for before):
   * that write must not wait a second.
   */
  polls(op: Operation): boolean {
    const change = this.changes.get(op.id)
    return !change || change.scales !== undefined || change.raise !== undefined
  }

  async observe(op: Operation): Promise<OperationState> {
    const change = this.changes.get(op.id)
    if (!change) return { status: 'failed', detail: `operation ${op.id} was not started by this run` }
    if (change.scales) {
      const scales = await this.splitter.observe(change.scales)
      if (scales.status !== 'succeeded') return scales
      change.scales = undefined
    }
    if (change.raise) {
      const service = await this.port.service(change.raise.ref)
      if (service === null) return { status: 'failed', detail: `${change.raise.ref.service} is gone` }
      const state = settled(service, ['active'])
      if (state.status === 'failed') return { status: 'failed', detail: `${change.raise.ref.service}: ${state.detail}` }
      if (state.status === 'running' || service.currentScale !== change.raise.scale)
        return { status: 'running', detail: `${change.raise.ref.service}: ${state.detail}` }
      change.raise = undefined
    }
    const { lb, blue, green } = await this.port.services(change.router, 'shift traffic')
    if (!change.written) {
      // the same rules put twice are harmless: the PUT is sent again, by the client or by the next poll
      const rules = change.rules(lb, blue, green)
      await this.port.setRules(change.router, lb, rules)
      change.written = rules
      return { status: 'running', detail: `${change.router.router}: port rules written` }
    }
    if (routes(lb.lbConfig?.portRules ?? []) !== routes(change.written)) {
      this.changes.delete(op.id)
      return {
        status: 'failed',
        detail: `${change.router.router}: its port rules read back are not those written (${routes(lb.lbConfig?.portRules ?? [])})`,
      }
    }
    const state = settled(lb, ['active'])
    if (state.status !== 'running') this.changes.delete(op.id)
    return state
  }
}

/**
 * Each rule to blue or green is kept for the sides that get traffic: to one side only at 0 and
 * 100, to both (the same source port, host and path) between, with each side's weight when given
 * (a rule to one side alone carries none: every container of it serves alike).
 */
export function rulesFor(rules: PortRule[], blueId: string, greenId: string, green: number, weights?: SideWeights): PortRule[] {
  const targets = green === 0 ? [blueId] : green === 100 ? [greenId] : [blueId, greenId]
  const result: PortRule[] = []
  const seen = new Set<string>()
  for (const rule of rules) {
    if (rule.serviceId !== blueId && rule.serviceId !== greenId) {
      result.push(rule)
      continue
    }
    const key = JSON.stringify([rule.sourcePort, rule.hostname ?? null, rule.path ?? null])
    if (seen.has(key)) continue
    seen.add(key)
    for (const serviceId of targets) {
      const next: PortRule = { ...rule, serviceId }
      delete next.weight
      const weight = weights && targets.length > 1 ? weights[serviceId === blueId ? 'blue' : 'green'] : undefined
      result.push(weight === undefined ? next : { ...next, weight })
    }
  }
  return result
}

/** The containers each side runs for a weighted split: a side with none runs as many as the other. */
function runningBoth(blue: number, green: number): [number, number] {
  return [blue === 0 ? green : blue, green === 0 ? blue : green]
}

/** Where the rules send requests (source port, host, path → service), whatever their order and other fields. */
function routes(rules: PortRule[]): string {
  return rules
    .map((rule) => `${rule.sourcePort ?? ''} ${rule.hostname ?? ''}${rule.path ?? ''} → ${rule.serviceId ?? ''} ×${rule.weight ?? 1}`)
    .sort()
    .join(', ')
}

function sideOf(router: RouterRef, side: 'blue' | 'green'): ServiceRef {
  return { service: router[side], ...(router.project && { project: router.project }) }
}

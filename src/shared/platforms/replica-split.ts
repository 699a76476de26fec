import type { PlatformName } from './terms.js'
import type { Operation, OperationState, RouterRef, ServiceRef, TrafficSplit } from './platform.js'
import { PlatformError } from './platform.js'

/**
 * A split by replica ratio, for platforms with no weighted router (Alauda, NetEase apps): two
 * services on one domain share its traffic by their instances, green's share being green's
 * instances over both sides'. A change keeps the total the two sides run, and is made in two
 * stages: the side that grows first, the other only once the new instances run, so the domain
 * never has fewer instances than before and a candidate that fails to start takes nothing.
 */

/** Every green share `total` instances can make: 0, 100/total, ..., 100. */
export function reachableShares(total: number): number[] {
  return Array.from({ length: total + 1 }, (_, green) => Math.round((100 * green) / total))
}

/** How many instances each side runs for a green share that `reachableShares(total)` gave. */
export function instancesFor(total: number, greenShare: number): { blue: number; green: number } {
  const green = Math.round((greenShare * total) / 100)
  return { blue: total - green, green }
}

/** The split that instances serving now make; null when neither side runs one. */
export function shareOf(blue: number, green: number): TrafficSplit | null {
  const total = blue + green
  if (total === 0) return null
  const greenShare = Math.round((100 * green) / total)
  return { blue: 100 - greenShare, green: greenShare, routingMethod: 'round-robin' }
}

/** A domain balances round-robin over instances: said before anything is read or changed. */
export function requireRoundRobin(platform: PlatformName, router: RouterRef, split: TrafficSplit): void {
  if (split.routingMethod !== 'round-robin') {
    throw new PlatformError(
      platform,
      'shift traffic',
      router.router,
      `the domain balances round-robin over instances; "${split.routingMethod}" is not available`,
    )
  }
}

/** One side's target: this many instances (0: none serve). */
export interface SideGoal {
  ref: ServiceRef
  instances: number
}

/** What a platform does for a replica split: set a side's instances, and say how far a side got. */
export interface SplitSides {
  set(goal: SideGoal): Promise<void>
  reached(goal: SideGoal): Promise<OperationState>
}

interface Change {
  grow: SideGoal[]
  shrink: SideGoal[]
  stage: 'grow' | 'shrink'
}

/** Starts replica splits and follows them through their two stages. */
export class ReplicaSplitter {
  private readonly changes = new Map<string, Change>()

  constructor(
    private readonly platform: PlatformName,
    private readonly sides: SplitSides,
  ) {}

  /** `planned`: the instances each side is set to run now; their sum is kept. */
  async start(
    router: RouterRef,
    refs: { blue: ServiceRef; green: ServiceRef },
    planned: { blue: number; green: number },
    split: TrafficSplit,
  ): Promise<Operation> {
    const total = planned.blue + planned.green
    const wanted = instancesFor(total, split.green)
    if (total === 0 || Math.round((100 * wanted.green) / total) !== split.green) {
      throw new PlatformError(
        this.platform,
        'shift traffic',
        router.router,
        `${total} instance(s) in all cannot give green ${split.green}%: reachable shares are ${reachableShares(total).join(', ')}%`,
      )
    }
    const goals = (['blue', 'green'] as const).map((side) => ({ goal: { ref: refs[side], instances: wanted[side] }, now: planned[side] }))
    const change: Change = {
      grow: goals.filter(({ goal, now }) => goal.instances >= now).map(({ goal }) => goal),
      shrink: goals.filter(({ goal, now }) => goal.instances < now).map(({ goal }) => goal),
      stage: 'grow',
    }
    for (const goal of change.grow) await this.sides.set(goal)
    const id = `traffic:${router.router}:${split.green}%:${Date.now()}`
    this.changes.set(id, change)
    return { id, kind: 'traffic', ref: refs.green, target: {} }
  }

  async observe(op: Operation): Promise<OperationState> {
    const change = this.changes.get(op.id)
    if (!change) return { status: 'failed', detail: `operation ${op.id} was not started by this run` }
    const goals = change.stage === 'grow' ? change.grow : change.shrink
    const states = await Promise.all(goals.map(async (goal) => ({ goal, state: await this.sides.reached(goal) })))
    const failed = states.find(({ state }) => state.status === 'failed')
    if (failed) return { status: 'failed', detail: `${failed.goal.ref.service}: ${failed.state.detail}` }
    const detail = states.map(({ goal, state }) => `${goal.ref.service}: ${state.detail}`).join('; ')
    if (states.some(({ state }) => state.status === 'running')) return { status: 'running', detail }
    if (change.stage === 'shrink' || change.shrink.length === 0) {
      this.changes.delete(op.id)
      return { status: 'succeeded', detail }
    }
    change.stage = 'shrink'
    for (const goal of change.shrink) await this.sides.set(goal)
    return { status: 'running', detail: `${detail}; now shrinking ${change.shrink.map((goal) => goal.ref.service).join(', ')}` }
  }
}

import { type Platform, PlatformError, type RouterRef, type TrafficSplit } from '../platforms/platform.js'
import type { RoutingMethod } from '../platforms/terms.js'
import type { ReleaseContext } from './context.js'
import { waitOn } from './rollout.js'

export interface SplitChange {
  before: TrafficSplit | null
  after: TrafficSplit
  written: boolean
}

export type Router = Required<Pick<Platform, 'readTraffic' | 'writeTraffic'>>

export function formatSplit(split: TrafficSplit | null): string {
  return split === null ? 'no router yet' : `blue ${split.blue}% / green ${split.green}% (${split.routingMethod})`
}

export function weightsJson(split: TrafficSplit): string {
  return JSON.stringify({ blue: split.blue, green: split.green })
}

/** Says by name, before any call, that a platform cannot split traffic. */
export function requireRouter(ctx: ReleaseContext): Router {
  const { platform } = ctx
  if (platform.capabilities.traffic === 'none' || !platform.readTraffic || !platform.writeTraffic) {
    throw new PlatformError(platform.name, 'shift traffic', 'router', `${platform.name} cannot split traffic in this version`)
  }
  return { readTraffic: platform.readTraffic.bind(platform), writeTraffic: platform.writeTraffic.bind(platform) }
}

/**
 * The share a router that cannot take every percentage (a replica ratio) really gives for
 * `weight`: the nearest it can reach, never none for some and never all for part.
 */
export function nearestReachable(reachable: readonly number[], weight: number): number | undefined {
  const allowed = reachable.filter((share) => (weight === 0 ? share === 0 : weight === 100 ? share === 100 : share > 0 && share < 100))
  return allowed.reduce<number | undefined>(
    (best, share) => (best === undefined || Math.abs(share - weight) < Math.abs(best - weight) ? share : best),
    undefined,
  )
}

/**
 * The steps as the router can take them: each weight moved to the nearest reachable share, steps
 * that land on the same share merged (the longest hold kept). Unchanged on a weighted router.
 */
export async function reachableSteps<T extends { weight: number; holdMs?: number }>(
  ctx: ReleaseContext,
  router: RouterRef,
  steps: readonly T[],
): Promise<T[]> {
  if (!ctx.platform.reachableWeights) return [...steps]
  const reachable = await ctx.platform.reachableWeights(router)
  const result: T[] = []
  for (const step of steps) {
    const weight = nearestReachable(reachable, step.weight)
    if (weight === undefined) {
      throw new PlatformError(
        ctx.platform.name,
        'shift traffic',
        router.router,
        `${step.weight}% cannot be reached: the split can only be ${reachable.join(', ')}% (add instances for finer steps)`,
      )
    }
    const last = result.at(-1)
    if (last?.weight === weight) {
      if ((step.holdMs ?? 0) > (last.holdMs ?? 0)) result[result.length - 1] = { ...last, holdMs: step.holdMs }
    } else result.push({ ...step, weight })
  }
  const moved = steps.map((step) => step.weight).join(', ') !== result.map((step) => step.weight).join(', ')
  if (moved) {
    ctx.log.info(
      `${router.router}: the split can only be ${reachable.join(', ')}%; steps ${steps.map((s) => `${s.weight}%`).join(', ')} become ${result.map((s) => `${s.weight}%`).join(', ')}`,
    )
  }
  return result
}

/**
 * Writes a split and reads the router back; fails unless the router reports what was written.
 * Logs the change in one line, from `before` (the split last read) to what the router reports.
 */
export async function writeSplit(
  ctx: ReleaseContext,
  router: RouterRef,
  wanted: TrafficSplit,
  before: TrafficSplit | null,
): Promise<TrafficSplit> {
  const traffic = requireRouter(ctx)
  const operation = await traffic.writeTraffic(router, wanted)
  // platforms whose router changes are jobs (ServiceStage) finish them before the read-back
  const done = await waitOn(ctx, operation, { cleanup: ctx.signal.aborted })
  if (done.status !== 'succeeded') {
    throw new PlatformError(
      ctx.platform.name,
      'shift traffic',
      router.router,
      `operation ${operation.id} ${done.status}; last state: ${done.detail}`,
    )
  }
  const after = await traffic.readTraffic(router)
  if (after === null || after.green !== wanted.green || after.routingMethod !== wanted.routingMethod) {
    throw new PlatformError(
      ctx.platform.name,
      'shift traffic',
      router.router,
      `wrote ${formatSplit(wanted)} but the router reports ${formatSplit(after)}`,
    )
  }
  ctx.log.info(`${router.router}: ${formatSplit(before)} → now ${formatSplit(after)}`)
  return after
}

/**
 * Sets a router to a split: reads it first (a re-run with the same split writes nothing), writes,
 * then reads it back and reports the weights the router really has.
 */
export async function applySplit(
  ctx: ReleaseContext,
  router: RouterRef,
  green: number,
  routingMethod: RoutingMethod | undefined,
): Promise<SplitChange> {
  const traffic = requireRouter(ctx)
  // without a method asked for, the router keeps the one it has
  const wantedFrom = (before: TrafficSplit | null): TrafficSplit => ({
    blue: 100 - green,
    green,
    routingMethod: routingMethod ?? before?.routingMethod ?? 'round-robin',
  })
  const before = await ctx.phase('read traffic', async () => {
    const split = await traffic.readTraffic(router)
    const wanted = wantedFrom(split)
    const same = split !== null && split.green === wanted.green && split.routingMethod === wanted.routingMethod
    ctx.log.info(`${router.router}: ${formatSplit(split)}${same ? '; nothing to write' : ''}`)
    return split
  })
  const wanted = wantedFrom(before)
  if (before && before.green === wanted.green && before.routingMethod === wanted.routingMethod)
    return { before, after: before, written: false }
  const after = await ctx.phase(`shift to ${green}%`, () => writeSplit(ctx, router, wanted, before))
  return { before, after, written: true }
}

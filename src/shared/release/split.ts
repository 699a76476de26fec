import type { RoutingMethod } from '../inputs/routing-method.js'
import { type Platform, PlatformError, type RouterRef, type TrafficSplit } from '../platforms/platform.js'
import type { ReleaseContext } from './context.js'
import { waitOn } from './rollout.js'

export interface SplitChange {
  before: TrafficSplit | null
  after: TrafficSplit
  written: boolean
}

export type WeightedRouter = Required<Pick<Platform, 'readTraffic' | 'writeTraffic'>>

export function formatSplit(split: TrafficSplit | null): string {
  return split === null ? 'no router yet' : `blue ${split.blue}% / green ${split.green}% (${split.routingMethod})`
}

export function weightsJson(split: TrafficSplit): string {
  return JSON.stringify({ blue: split.blue, green: split.green })
}

/** Says by name, before any call, that a platform has no weighted router. */
export function requireWeightedRouter(ctx: ReleaseContext): WeightedRouter {
  const { platform } = ctx
  if (platform.capabilities.traffic !== 'weighted' || !platform.readTraffic || !platform.writeTraffic) {
    throw new PlatformError(platform.name, 'shift traffic', 'router', `${platform.name} has no weighted router in this version`)
  }
  return { readTraffic: platform.readTraffic.bind(platform), writeTraffic: platform.writeTraffic.bind(platform) }
}

/** Writes a split and reads the router back; fails unless the router reports what was written. */
export async function writeSplit(ctx: ReleaseContext, router: RouterRef, wanted: TrafficSplit): Promise<TrafficSplit> {
  const traffic = requireWeightedRouter(ctx)
  const operation = await traffic.writeTraffic(router, wanted)
  // platforms whose router changes are jobs (ServiceStage) finish them before the read-back
  const done = await waitOn(ctx, operation, ctx.signal.aborted)
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
  ctx.log.info(`${router.router}: now ${formatSplit(after)}`)
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
  const traffic = requireWeightedRouter(ctx)
  const before = await ctx.phase('read traffic', () => traffic.readTraffic(router))
  ctx.log.info(`${router.router}: ${formatSplit(before)}`)
  // without a method asked for, the router keeps the one it has
  const wanted: TrafficSplit = { blue: 100 - green, green, routingMethod: routingMethod ?? before?.routingMethod ?? 'round-robin' }
  if (before && before.green === wanted.green && before.routingMethod === wanted.routingMethod) {
    ctx.log.info(`${router.router}: already at ${formatSplit(wanted)}; nothing to write`)
    return { before, after: before, written: false }
  }
  const after = await ctx.phase(`shift to ${green}%`, () => writeSplit(ctx, router, wanted))
  return { before, after, written: true }
}

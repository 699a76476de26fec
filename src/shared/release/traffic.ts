import type { TrafficInputs } from '../inputs/actions.js'
import { PlatformError, type RouterRef } from '../platforms/platform.js'
import type { ActionResult, ReleaseContext } from './context.js'
import { applySplit, formatSplit, requireWeightedRouter, weightsJson } from './split.js'

export function routerRef(inputs: TrafficInputs | (Omit<RouterRef, 'project'> & { project?: string })): RouterRef {
  return { router: inputs.router, blue: inputs.blue, green: inputs.green, ...(inputs.project && { project: inputs.project }) }
}

/** Shifts `percentage` of the router's traffic to green; green must be running to receive any. */
export async function traffic(ctx: ReleaseContext, inputs: TrafficInputs): Promise<ActionResult> {
  requireWeightedRouter(ctx)
  const router = routerRef(inputs)
  const receiving = inputs.percentage > 0 ? inputs.green : inputs.blue
  const side = await ctx.phase('describe', () => ctx.platform.describe({ service: receiving }))
  if (side === null || side.phase !== 'running' || side.replicas === 0) {
    const why = side === null ? 'is not found' : side.phase !== 'running' ? `is not running (${side.status})` : 'has no running replica'
    throw new PlatformError(
      ctx.platform.name,
      'shift traffic',
      receiving,
      `it would receive traffic but ${why}; the router was left as it was`,
    )
  }
  const change = await applySplit(ctx, router, inputs.percentage, inputs.routingMethod)
  const notes: string[] = []
  if (change.after.routingMethod === 'sticky-sessions' && change.before !== null && change.written) {
    notes.push('Sticky sessions: users who already have a session stay on the side they were on until it expires.')
  }
  return {
    title: `Traffic on ${router.router}: green ${change.after.green}%`,
    outputs: { weights: weightsJson(change.after) },
    rows: [
      ['Platform', ctx.platform.name],
      ['Router', router.router],
      ['Traffic before', formatSplit(change.before)],
      ['Traffic after', formatSplit(change.after)],
    ],
    notes,
  }
}

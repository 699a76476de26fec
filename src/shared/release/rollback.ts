import type { RollbackInputs } from '../inputs/actions.js'
import { PlatformError } from '../platforms/platform.js'
import type { ActionResult, ReleaseContext } from './context.js'
import { requireFound, rollOut } from './rollout.js'
import { serviceRef } from './service-ref.js'
import { applySplit, formatSplit, requireWeightedRouter, weightsJson } from './split.js'
import { routerRef } from './traffic.js'

/**
 * `to: <image>` deploys that image and waits. `to: previous` with a router sends all traffic back
 * to the side that was serving before (the one now taking the smaller share), when it runs.
 */
export async function rollback(ctx: ReleaseContext, inputs: RollbackInputs): Promise<ActionResult> {
  if (inputs.to !== undefined) return rollbackToImage(ctx, inputs, inputs.to)
  if (inputs.router === undefined) {
    throw new PlatformError(
      ctx.platform.name,
      'rollback',
      inputs.service,
      `${ctx.platform.name} keeps no history of images: give "to" an image, or give "router", "blue" and "green" to send traffic back to the other side`,
    )
  }
  requireWeightedRouter(ctx)
  const router = routerRef({ ...inputs.router, ...(inputs.project && { project: inputs.project }) })
  const current = await ctx.phase('read traffic', () => requireWeightedRouter(ctx).readTraffic(router))
  if (current === null) throw new PlatformError(ctx.platform.name, 'rollback', router.router, 'router not found', 'not-found')
  if (current.green === current.blue) {
    throw new PlatformError(
      ctx.platform.name,
      'rollback',
      router.router,
      `the router splits ${formatSplit(current)}: neither side served before the other; give "to" an image, or set the split with action-traffic`,
    )
  }
  const back = current.green > current.blue ? router.blue : router.green
  const state = requireFound(ctx, await ctx.phase('describe', () => ctx.platform.describe({ service: back })), 'rollback', back)
  if (state.phase !== 'running') {
    throw new PlatformError(
      ctx.platform.name,
      'rollback',
      back,
      `the previous side is not running (${state.status}); give "to" an image to redeploy`,
    )
  }
  const change = await applySplit(ctx, router, back === router.green ? 100 : 0, current.routingMethod)
  return {
    title: `Rolled back ${router.router} to ${back}`,
    outputs: { image: state.image, weights: weightsJson(change.after) },
    rows: [
      ['Platform', ctx.platform.name],
      ['Router', router.router],
      ['Traffic before', formatSplit(current)],
      ['Traffic after', formatSplit(change.after)],
      ['Serving', `${back} (${state.image})`],
    ],
    notes: [],
  }
}

async function rollbackToImage(ctx: ReleaseContext, inputs: RollbackInputs, image: string): Promise<ActionResult> {
  const ref = serviceRef(inputs)
  const before = requireFound(ctx, await ctx.phase('describe', () => ctx.platform.describe(ref)), 'rollback', ref.service)
  const rows: [string, string][] = [
    ['Platform', ctx.platform.name],
    ['Service', ref.service],
    ['Image before', before.image],
    ['Rolled back to', image],
  ]
  if (before.image === image && before.phase === 'running') {
    return {
      title: `${ref.service} already runs ${image}`,
      outputs: { image, weights: '' },
      rows,
      notes: ['Nothing to do: the service already ran this image.'],
    }
  }
  const { operation, result } = await rollOut(ctx, ref, image, 'rollback', inputs.wait)
  const failed = result !== undefined && result.status !== 'succeeded'
  return {
    title: failed ? `Rollback of ${ref.service} failed` : `Rolled back ${ref.service} to ${image}`,
    outputs: { image: failed ? before.image : image, weights: '' },
    rows,
    notes: [],
    ...(failed && {
      failure: `${ctx.platform.name}: rollback of "${ref.service}" to ${image} failed: operation ${operation.id} ${result?.status}; last state: ${result?.detail}`,
    }),
  }
}

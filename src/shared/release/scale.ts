import type { ScaleInputs } from '../inputs/actions.js'
import type { ActionResult, ReleaseContext } from './context.js'
import { requireFound, waitOn } from './rollout.js'
import { serviceRef } from './service-ref.js'

export async function scale(ctx: ReleaseContext, inputs: ScaleInputs): Promise<ActionResult> {
  const ref = serviceRef(inputs)
  const name = ctx.platform.name
  const before = requireFound(ctx, await ctx.phase('describe', () => ctx.platform.describe(ref)), 'scale', ref.service)
  const rows: [string, string][] = [
    ['Platform', name],
    ['Service', ref.service],
    ['Replicas before', String(before.replicas)],
  ]
  let failure: string | undefined
  let operationId = ''
  if (before.replicas === inputs.replicas && before.phase === 'running') {
    ctx.log.info(`${name}: "${ref.service}" already has ${inputs.replicas} replica(s)`)
  } else {
    const operation = await ctx.phase('scale', () => ctx.platform.scale(ref, { replicas: inputs.replicas }))
    operationId = operation.id
    const result = await ctx.phase('wait for scale', () => waitOn(ctx, operation))
    if (result.status !== 'succeeded') failure = `operation ${operation.id} ${result.status}; last state: ${result.detail}`
  }
  const after = await ctx.platform.describe(ref).catch(() => null)
  const replicas = after?.replicas ?? before.replicas
  rows.push(['Replicas after', String(replicas)])
  return {
    title: failure ? `Scaling ${ref.service} failed` : `Scaled ${ref.service} to ${replicas}`,
    outputs: { replicas: String(replicas), 'operation-id': operationId },
    rows,
    notes: [],
    ...(failure && { failure: `${name}: scale of "${ref.service}" to ${inputs.replicas} failed: ${failure}` }),
  }
}

import type { LifecycleVerb, ScaleInputs } from '../inputs/actions.js'
import { type Operation, PlatformError, type ServiceRef, type ServiceState } from '../platforms/platform.js'
import type { ActionResult, ReleaseContext } from './context.js'
import { requireFound, waitOn } from './rollout.js'
import { serviceRef } from './service-ref.js'

/**
 * A fixed number of replicas, or scaling handed to the platform (`autoscaling: on`) and taken back
 * (`off`); then a wait until the service runs what was asked.
 */
export async function scale(ctx: ReleaseContext, inputs: ScaleInputs): Promise<ActionResult> {
  const ref = serviceRef(inputs)
  const name = ctx.platform.name
  const autoscale = ctx.platform.autoscale
  if (inputs.autoscaling !== undefined && !autoscale) {
    throw new PlatformError(
      name,
      'autoscaling',
      ref.service,
      `${name} has no autoscaling in this version: give "replicas" without "autoscaling"`,
    )
  }
  const before = requireFound(ctx, await ctx.phase('describe', () => ctx.platform.describe(ref)), 'scale', ref.service)
  if (inputs.lifecycle) return lifecycle(ctx, inputs.lifecycle, ref, before)
  const rows: [string, string][] = [
    ['Platform', name],
    ['Service', ref.service],
    ['Replicas before', replicasText(before)],
  ]
  let start: (() => Promise<Operation>) | undefined
  const wanted = inputs.autoscaling
  if (typeof wanted === 'object' && autoscale) {
    rows.push([
      'Autoscaling',
      `${wanted.min}-${wanted.max} replicas; up above ${wanted.scaleUpCpu}% CPU, down below ${wanted.scaleDownCpu}%, ${wanted.step} at a time, ${wanted.waitMs / 1000}s apart`,
    ])
    start = () => autoscale.call(ctx.platform, ref, wanted)
  } else if (wanted === 'off' && autoscale) {
    if (before.autoscaling || (inputs.replicas !== undefined && !settled(before, inputs.replicas))) {
      start = () => autoscale.call(ctx.platform, ref, null, inputs.replicas)
    }
  } else if (inputs.replicas !== undefined && !settled(before, inputs.replicas)) {
    const replicas = inputs.replicas
    start = () => ctx.platform.scale(ref, { replicas })
  }
  let failure: string | undefined
  let operationId = ''
  if (start === undefined) {
    ctx.log.info(`${name}: "${ref.service}" already has ${replicasText(before)}`)
  } else {
    const operation = await ctx.phase(wanted === undefined ? 'scale' : 'autoscaling', start)
    operationId = operation.id
    const result = await ctx.phase('wait for scale', () => waitOn(ctx, operation))
    if (result.status !== 'succeeded') failure = `operation ${operation.id} ${result.status}; last state: ${result.detail}`
  }
  const after = (await ctx.platform.describe(ref).catch(() => null)) ?? before
  rows.push(['Replicas after', replicasText(after)])
  const asked = typeof wanted === 'object' ? `autoscaling ${wanted.min}-${wanted.max}` : String(inputs.replicas ?? 'a fixed count')
  return {
    title: failure ? `Scaling ${ref.service} failed` : `Scaled ${ref.service} to ${replicasText(after)}`,
    outputs: {
      replicas: String(after.replicas),
      'operation-id': operationId,
      autoscaling: after.autoscaling ? `${after.autoscaling.min}-${after.autoscaling.max}` : 'off',
    },
    rows,
    notes: [],
    ...(failure && { failure: `${name}: scale of "${ref.service}" to ${asked} failed: ${failure}` }),
  }
}

/** Starts, stops or restarts the service and waits; a start of a running service or a stop of a stopped one writes nothing. */
async function lifecycle(ctx: ReleaseContext, verb: LifecycleVerb, ref: ServiceRef, before: ServiceState): Promise<ActionResult> {
  const name = ctx.platform.name
  const already = (verb === 'start' && before.phase === 'running') || (verb === 'stop' && before.phase === 'stopped')
  let failure: string | undefined
  let operationId = ''
  if (already) ctx.log.info(`${name}: "${ref.service}" is already ${before.phase}; nothing to ${verb}`)
  else {
    const operation = await ctx.phase(verb, () => ctx.platform.lifecycle(ref, verb))
    operationId = operation.id
    const result = await ctx.phase(`wait for ${verb}`, () => waitOn(ctx, operation))
    if (result.status !== 'succeeded') failure = `operation ${operation.id} ${result.status}; last state: ${result.detail}`
  }
  const after = (await ctx.platform.describe(ref).catch(() => null)) ?? before
  const [doing, done] = { start: ['Starting', 'Started'], stop: ['Stopping', 'Stopped'], restart: ['Restarting', 'Restarted'] }[verb]
  return {
    title: failure ? `${doing} ${ref.service} failed` : `${done} ${ref.service}`,
    outputs: {
      replicas: String(after.replicas),
      'operation-id': operationId,
      autoscaling: after.autoscaling ? `${after.autoscaling.min}-${after.autoscaling.max}` : 'off',
    },
    rows: [
      ['Platform', name],
      ['Service', ref.service],
      ['Before', before.status],
      ['After', after.status],
    ],
    notes: [],
    ...(failure && { failure: `${name}: ${verb} of "${ref.service}" failed: ${failure}` }),
  }
}

function settled(state: ServiceState, replicas: number): boolean {
  return state.replicas === replicas && state.phase === 'running' && !state.autoscaling
}

function replicasText(state: ServiceState): string {
  const auto = state.autoscaling ? ` (autoscaled ${state.autoscaling.min}-${state.autoscaling.max})` : ''
  return `${state.replicas} replica(s)${auto}`
}

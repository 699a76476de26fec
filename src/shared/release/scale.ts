import type { LifecycleVerb, ScaleInputs } from '../inputs/scale.js'
import type { WebhookRequest } from '../inputs/webhook.js'
import { type Operation, PlatformError, type ServiceRef, type ServiceState } from '../platforms/platform.js'
import type { ActionResult, ReleaseContext } from './context.js'
import { newPlan, planned } from './plan.js'
import { judgeWait, requireFound, waitOn } from './rollout.js'
import { READ_INTERVAL_MS, waitFor } from './waiter.js'
import { serviceRef } from './service-ref.js'

/**
 * A fixed number of replicas, or scaling handed to the platform (`autoscaling: on`) and taken back
 * (`off`); then a wait until the service runs what was asked.
 */
export async function scale(ctx: ReleaseContext, inputs: ScaleInputs): Promise<ActionResult> {
  if (inputs.webhook) return webhook(ctx, inputs, inputs.webhook)
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
  const found = await ctx.phase('describe', async () => {
    const state = await ctx.platform.describe(ref)
    if (state === null && inputs.lifecycle === 'remove') ctx.log.info(`${name}: "${ref.service}" does not exist; nothing to remove`)
    return state
  })
  if (found === null && inputs.lifecycle === 'remove') {
    const outputs = { replicas: '0', 'operation-id': '', autoscaling: 'off', 'service-id': '' }
    if (ctx.dryRun)
      return planned(ctx, { ...newPlan('scale', name), notes: ['The service does not exist: nothing to remove.'] }, outputs, [
        ['Service', ref.service],
      ])
    return {
      title: `${ref.service} is gone`,
      outputs,
      rows: [['Service', ref.service]],
      notes: ['Nothing to remove: the service did not exist.'],
    }
  }
  const before = requireFound(ctx, found, 'scale', ref.service)
  if (inputs.lifecycle) return lifecycle(ctx, inputs.lifecycle, ref, before)
  const rows: [string, string][] = [
    ['Platform', name],
    ['Service', ref.service],
    ['Replicas before', replicasText(before)],
  ]
  let start: (() => Promise<Operation>) | undefined
  // what `start` would change, for a dry run's plan
  let planAfter = ''
  const wanted = inputs.autoscaling
  if (typeof wanted === 'object' && autoscale) {
    const range = `${wanted.min}-${wanted.max} replicas; up above ${wanted.scaleUpCpu}% CPU, down below ${wanted.scaleDownCpu}%, ${wanted.step} at a time, ${wanted.waitMs / 1000}s apart`
    rows.push(['Autoscaling', range])
    start = () => autoscale.call(ctx.platform, ref, wanted)
    planAfter = `autoscaled ${range}`
  } else if (wanted === 'off' && autoscale) {
    if (before.autoscaling || (inputs.replicas !== undefined && !settled(before, inputs.replicas))) {
      start = () => autoscale.call(ctx.platform, ref, null, inputs.replicas)
      planAfter = `autoscaling off, ${inputs.replicas ?? before.replicas} replica(s)`
    }
  } else if (inputs.replicas !== undefined && !settled(before, inputs.replicas)) {
    const replicas = inputs.replicas
    start = () => ctx.platform.scale(ref, { replicas })
    planAfter = `${replicas} replica(s)`
  }
  if (ctx.dryRun) {
    const plan = newPlan('scale', name)
    // what the platform would refuse, the dry run refuses too (Jelastic: a layer it cannot send as it is)
    if (start && wanted === undefined && inputs.replicas !== undefined) {
      const replicas = inputs.replicas
      await ctx.phase('scale', async () => ctx.platform.checkScale?.(ref, { replicas }))
    }
    if (start) {
      plan.writes.push({
        operation: wanted === undefined ? 'scale' : 'autoscaling',
        target: ref.service,
        before: `${replicasText(before)}, ${before.status}`,
        after: planAfter,
        detail: 'waits until the service runs it',
      })
    } else plan.notes.push(`${ref.service} already runs ${replicasText(before)}: nothing to scale.`)
    return planned(ctx, plan, outputsOf(before), rows)
  }
  let failure: string | undefined
  let operationId = ''
  let succeeded: Operation | undefined
  if (start !== undefined) {
    const operation = await ctx.phase(wanted === undefined ? 'scale' : 'autoscaling', start)
    operationId = operation.id
    const result = await ctx.phase('wait for scale', () => waitOn(ctx, operation), judgeWait)
    if (result.status !== 'succeeded') failure = `operation ${operation.id} ${result.status}; last state: ${result.detail}`
    else succeeded = operation
  }
  const read = await readBack(ctx, ref, before, start === undefined ? 'nothing to scale' : undefined)
  // with nothing written, the read before is this run's word on the service; after a write, only a read after it is
  const after = read ?? (start === undefined ? before : undefined)
  rows.push(['Replicas after', read ? replicasText(read) : 'not read back'])
  if (succeeded) failure = read ? notScaled(ref, succeeded, read, wanted, inputs.replicas) : unconfirmed(ref, succeeded)
  const asked = typeof wanted === 'object' ? `autoscaling ${wanted.min}-${wanted.max}` : String(inputs.replicas ?? 'a fixed count')
  return {
    title: failure || !after ? `Scaling ${ref.service} failed` : `Scaled ${ref.service} to ${replicasText(after)}`,
    outputs: { ...scaleOutputs(after), 'service-id': after?.id || before.id, 'operation-id': operationId },
    rows,
    notes: [],
    ...(failure && { failure: `${name}: scale of "${ref.service}" to ${asked} failed: ${failure}` }),
  }
}

/**
 * Starts, stops, restarts or removes the service and waits; a start of a running service or a
 * stop of a stopped one writes nothing, a removal of a missing one neither.
 */
async function lifecycle(ctx: ReleaseContext, verb: LifecycleVerb, ref: ServiceRef, before: ServiceState): Promise<ActionResult> {
  const name = ctx.platform.name
  const already = (verb === 'start' && before.phase === 'running') || (verb === 'stop' && before.phase === 'stopped')
  if (ctx.dryRun) {
    const plan = newPlan('scale', name)
    if (already) plan.notes.push(`${ref.service} is already ${before.phase}: nothing to ${verb}.`)
    else {
      const to = { start: 'running', stop: 'stopped', restart: 'restarted, running', remove: 'removed' }[verb]
      plan.writes.push({ operation: verb, target: ref.service, before: before.status, after: to, detail: `waits for the ${verb} to end` })
    }
    return planned(ctx, plan, outputsOf(before), [
      ['Platform', name],
      ['Service', ref.service],
      ['Now', before.status],
    ])
  }
  let failure: string | undefined
  let operationId = ''
  let succeeded: Operation | undefined
  if (!already) {
    const operation = await ctx.phase(verb, () => (verb === 'remove' ? ctx.platform.remove(ref) : ctx.platform.lifecycle(ref, verb)))
    operationId = operation.id
    const result = await ctx.phase(`wait for ${verb}`, () => waitOn(ctx, operation), judgeWait)
    if (result.status !== 'succeeded') failure = `operation ${operation.id} ${result.status}; last state: ${result.detail}`
    else succeeded = operation
  }
  const now = await ctx.phase('read back', async () => {
    const read = await ctx.platform.describe(ref).catch(() => undefined)
    // unread after a write: unknown (undefined); with nothing written, the read before stands
    const state =
      read === null
        ? { ...before, replicas: 0, ready: 0, status: 'removed', autoscaling: undefined }
        : (read ?? (already ? before : undefined))
    const change = already ? `already ${before.phase}; nothing to ${verb}` : `${before.status} → ${state?.status ?? 'not read back'}`
    ctx.log.info(`${name}: "${ref.service}": ${change}`)
    return { state, read }
  })
  const after = now.state
  if (succeeded) failure = now.read === undefined ? unconfirmed(ref, succeeded) : notLanded(ref, verb, succeeded, now.read)
  const [doing, done] = {
    start: ['Starting', 'Started'],
    stop: ['Stopping', 'Stopped'],
    restart: ['Restarting', 'Restarted'],
    remove: ['Removing', 'Removed'],
  }[verb]
  return {
    title: failure ? `${doing} ${ref.service} failed` : `${done} ${ref.service}`,
    outputs: { ...scaleOutputs(after), 'service-id': after?.id || before.id, 'operation-id': operationId },
    rows: [
      ['Platform', name],
      ['Service', ref.service],
      ['Before', before.status],
      ['After', after?.status ?? 'not read back'],
    ],
    notes: [],
    ...(failure && { failure: `${name}: ${verb} of "${ref.service}" failed: ${failure}` }),
  }
}

/**
 * Rancher's webhook service: create or list receivers (their trigger URLs are secrets, never
 * shown), or call a trigger URL; with `service`, the trigger is waited on until the service runs
 * its new scale.
 */
async function webhook(ctx: ReleaseContext, inputs: ScaleInputs, request: WebhookRequest): Promise<ActionResult> {
  const name = ctx.platform.name
  const hooks = ctx.platform.webhooks
  if (!hooks) throw new PlatformError(name, 'webhook', inputs.service || 'receiver', `${name} has no webhook service`)
  const project = inputs.project ?? ''
  const base = { replicas: '', 'service-id': '', 'operation-id': '', autoscaling: '', 'webhook-id': '', webhooks: '' }
  if (ctx.dryRun && request.kind === 'create') {
    const plan = newPlan('scale', name)
    const receiver = request.receiver as { name?: unknown; driver?: unknown }
    plan.writes.push({
      operation: 'create webhook',
      target: `project ${project}`,
      before: '',
      after: `receiver ${String(receiver.name ?? '?')} (${String(receiver.driver ?? '?')})`,
    })
    return planned(ctx, plan, base, [['Platform', name]])
  }
  if (request.kind === 'list') {
    const receivers = await ctx.phase('list webhooks', () => hooks.list(project))
    const rows = receivers.map((r): [string, string] => [r.name, `${r.driver}, ${r.state ?? '?'} (${r.id})`])
    if (ctx.dryRun) {
      const plan = { ...newPlan('scale', name), notes: ['A list only reads: nothing to write.'] }
      return planned(ctx, plan, { ...base, webhooks: JSON.stringify(receivers) }, rows)
    }
    return {
      title: `${receivers.length} webhook receiver(s) in project ${project}`,
      outputs: { ...base, webhooks: JSON.stringify(receivers) },
      rows: receivers.map((r): [string, string] => [r.name, `${r.driver}, ${r.state ?? '?'} (${r.id})`]),
      notes: ['Trigger URLs hold the receiver key: they are not shown; Rancher shows them to whoever may see them.'],
    }
  }
  if (request.kind === 'create') {
    const receiver = await ctx.phase('create webhook', () => hooks.create(project, request.receiver))
    return {
      title: `Created webhook receiver ${receiver.name}`,
      outputs: { ...base, 'webhook-id': receiver.id },
      rows: [
        ['Receiver', `${receiver.name} (${receiver.id})`],
        ['Driver', receiver.driver],
      ],
      notes: ['Its trigger URL holds the receiver key: it is not shown; Rancher shows it under API > Webhooks.'],
    }
  }
  const ref = inputs.service ? serviceRef(inputs) : undefined
  const before = ref ? requireFound(ctx, await ctx.phase('describe', () => ctx.platform.describe(ref)), 'scale', ref.service) : undefined
  if (ctx.dryRun) {
    const plan = newPlan('scale', name)
    plan.writes.push({
      operation: 'trigger webhook',
      target: ref?.service ?? 'the receiver',
      before: before ? replicasText(before) : '',
      after: "the receiver's scale (its trigger URL is a secret: not shown)",
      detail: before ? 'waits until the service runs a new scale' : 'nothing waited for: no "service" given',
    })
    return planned(ctx, plan, before ? { ...base, ...outputsOf(before) } : base, [['Platform', name]])
  }
  await ctx.phase('trigger webhook', async () => {
    await hooks.trigger(request.url)
    ctx.log.info(`${name}: the webhook receiver accepted the trigger`)
  })
  if (!ref || !before) {
    return {
      title: 'Webhook receiver triggered',
      outputs: base,
      rows: [['Platform', name]],
      notes: ['No "service" was given, so nothing was waited for: the receiver scales in its own time.'],
    }
  }
  // the last state the wait read: what the step reports when the read back after it fails
  let seen: ServiceState | undefined
  const result = await ctx.phase(
    'wait for scale',
    () =>
      waitFor(
        async () => {
          const state = await ctx.platform.describe(ref)
          if (state) seen = state
          const detail = state?.status ?? 'service not found'
          if (state === null || state.phase === 'failed') return { status: 'failed', detail }
          const done = state.replicas !== before.replicas && state.phase === 'running' && state.ready === state.replicas
          return { status: done ? 'succeeded' : 'running', detail }
        },
        // the receiver's answer says only that it took the call: nothing to read for a second
        { deadline: ctx.deadline.epochMs, signal: ctx.signal, firstReadAfterMs: READ_INTERVAL_MS },
      ),
    judgeWait,
  )
  const after = (await readBack(ctx, ref, before, undefined)) ?? seen
  const failure =
    result.status === 'succeeded'
      ? undefined
      : `the webhook was accepted but ${ref.service} did not reach a new scale (${result.status}; last state: ${result.detail})`
  return {
    title: failure || !after ? `Scaling ${ref.service} by webhook failed` : `Scaled ${ref.service} by webhook to ${after.replicas}`,
    outputs: { ...base, ...scaleOutputs(after), 'service-id': after?.id || before.id },
    rows: [
      ['Platform', name],
      ['Service', ref.service],
      ['Replicas before', replicasText(before)],
      ['Replicas after', after ? replicasText(after) : 'not read back'],
    ],
    notes: [],
    ...(failure && { failure: `${name}: scale of "${ref.service}" by webhook failed: ${failure}` }),
  }
}

/**
 * The evidence of a succeeded start, stop or removal: the service is not stopped, stopped, or gone
 * (a restart ends not stopped too, so it shows no more than that). "Not stopped" rather than
 * "running": a platform may call a start done while a container still comes up (Rancher: active,
 * 1/2). The failure when it is not so, or undefined.
 */
function notLanded(ref: ServiceRef, verb: LifecycleVerb, operation: Operation, now: ServiceState | null): string | undefined {
  const landed = verb === 'remove' ? now === null : now !== null && (verb === 'stop') === (now.phase === 'stopped')
  if (landed) return undefined
  const shows = now === null ? 'is gone' : `is ${now.status}`
  return `operation ${operation.id || '(no id)'} succeeded, but ${ref.service} ${shows}: another change may have come in between`
}

/** The outputs as the service is now: a dry run changes nothing. */
function outputsOf(state: ServiceState): Record<string, string> {
  return { ...scaleOutputs(state), 'service-id': state.id, 'operation-id': '' }
}

/** `replicas` and `autoscaling` as the service shows them; both empty when it was not read: unknown, never the count from before. */
function scaleOutputs(state: ServiceState | undefined): { replicas: string; autoscaling: string } {
  if (!state) return { replicas: '', autoscaling: '' }
  return { replicas: String(state.replicas), autoscaling: state.autoscaling ? `${state.autoscaling.min}-${state.autoscaling.max}` : 'off' }
}

function settled(state: ServiceState, replicas: number): boolean {
  return state.replicas === replicas && state.phase === 'running' && !state.autoscaling
}

/** "3 replica(s) (autoscaled 1-5)", or for the one-line change just "3 (autoscaled 1-5)" */
function replicasText(state: ServiceState, unit = true): string {
  const auto = state.autoscaling ? ` (autoscaled ${state.autoscaling.min}-${state.autoscaling.max})` : ''
  return `${state.replicas}${unit ? ' replica(s)' : ''}${auto}`
}

/**
 * The service as it is after the change (null when it cannot be read), in its own phase, with
 * the change in one line: "replicas 1 → 3"; `unchanged` says why nothing was written.
 */
async function readBack(
  ctx: ReleaseContext,
  ref: ServiceRef,
  before: ServiceState,
  unchanged: string | undefined,
): Promise<ServiceState | null> {
  return ctx.phase('read back', async () => {
    const after = await ctx.platform.describe(ref).catch(() => null)
    const change = after ? `replicas ${replicasText(before, false)} → ${replicasText(after, false)}` : 'the service could not be read back'
    ctx.log.info(`${ctx.platform.name}: "${ref.service}": ${unchanged ? `${unchanged}, ` : ''}${change}`)
    return after
  })
}

/** A succeeded operation with no read of the service after it: its word alone is no evidence. */
function unconfirmed(ref: ServiceRef, operation: Operation): string {
  return `operation ${operation.id || '(no id)'} succeeded, but ${ref.service} could not be read back to confirm it`
}

/**
 * A succeeded operation is the platform's word on its job; the scale the service shows is the
 * evidence that the job was this one's (a lost answer settled by a job someone else started
 * looks the same until then). The failure, when the service shows another scale, or undefined.
 */
function notScaled(
  ref: ServiceRef,
  operation: Operation,
  now: ServiceState,
  wanted: ScaleInputs['autoscaling'],
  replicas: number | undefined,
): string | undefined {
  const range = now.autoscaling
  const landed =
    typeof wanted === 'object'
      ? range?.min === wanted.min && range.max === wanted.max
      : (wanted !== 'off' || range === undefined) && (replicas === undefined || now.replicas === replicas)
  if (landed) return undefined
  return `operation ${operation.id || '(no id)'} succeeded, but ${ref.service} shows ${replicasText(now)}: another change may have come in between`
}

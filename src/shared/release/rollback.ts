import { GitHubError } from '../github/api.js'
import type { RollbackInputs } from '../inputs/rollback.js'
import { sameEnv } from '../platforms/env-vars.js'
import { type Operation, PlatformError, type ServiceRef, type ServiceState } from '../platforms/platform.js'
import type { ActionResult, ReleaseContext } from './context.js'
import { newPlan, planned } from './plan.js'
import { readRecord } from './record.js'
import { describeResult, requireFound, rollBackNatively, rollOut, waitOn } from './rollout.js'
import { serviceRef } from './service-ref.js'
import { applySplit, formatSplit, requireRouter, weightsJson } from './split.js'
import { routerRef, sideRef } from './traffic.js'
import { checkDeploy, withDeployment } from './deploy.js'

/**
 * `to: <image>` deploys that image and waits. `to: previous` with a router sends all traffic back
 * to the side that was serving before (the one now taking the smaller share), when it runs.
 */
export async function rollback(ctx: ReleaseContext, inputs: RollbackInputs): Promise<ActionResult> {
  const result = await rollbackService(ctx, inputs)
  const ledger = ctx.deployments
  const image = result.outputs.image
  if (result.plan) {
    // a dry run records no deployment: its plan names the one a real run would
    if (ledger?.api && result.plan.writes.length > 0)
      result.plan.writes.push({
        operation: 'GitHub deployment',
        target: ledger.github.environment,
        before: '',
        after: `rollback of ${inputs.service}`,
      })
    return { ...result, outputs: { ...result.outputs, 'deployment-id': '' } }
  }
  if (!ledger || !image) return withDeployment(result, ledger, null)
  // the rollback is a deployment too: the ledger then knows what runs now
  const entry = { platform: ctx.platform.name, service: inputs.service, image, rollback: true }
  const { deployment } = await ctx.phase(
    'GitHub deployment',
    () =>
      ledger.record(entry, `Roll ${inputs.service} back to ${image}`, {
        ok: result.failure === undefined,
        description: result.failure ?? result.title,
      }),
    ({ outcome }) => ({ ok: true, outcome }),
  )
  return withDeployment(result, ledger, deployment)
}

async function rollbackService(ctx: ReleaseContext, inputs: RollbackInputs): Promise<ActionResult> {
  if (inputs.router === undefined && ctx.platform.rollback) return rollbackNatively(ctx, inputs)
  if (inputs.to !== undefined) return rollbackToImage(ctx, inputs, inputs.to)
  if (inputs.router === undefined) return rollbackFromLedger(ctx, inputs)
  const traffic = requireRouter(ctx)
  const router = routerRef({
    ...inputs.router,
    ...(inputs.project && { project: inputs.project }),
    ...(inputs.application && { application: inputs.application }),
  })
  const { current, record, recorded } = await ctx.phase('read traffic', async () => {
    const split = await traffic.readTraffic(router)
    if (split === null) throw new PlatformError(ctx.platform.name, 'rollback', router.router, 'router not found', 'not-found')
    // the record names the side that served before the last release
    const last = await readRecord(ctx, router)
    const side = last !== null && [router.blue, router.green].includes(last.stable) ? last.stable : undefined
    ctx.log.info(`${router.router}: ${formatSplit(split)}`)
    if (side) ctx.log.info(`${router.router}: the last release (${last?.release}) came from ${side}`)
    return { current: split, record: last, recorded: side }
  })
  // without a record: the side the traffic is not on, where it is all on one. While it is split only
  // a gray release (both sides one service, green the gray version) says which side is stable:
  // elsewhere the sides swap between releases, and a guess could send all traffic to a canary
  const oneService = sideRef(ctx, router, 'blue').service === sideRef(ctx, router, 'green').service
  const split = current.green > 0 && current.green < 100
  if (recorded === undefined && split && !oneService) {
    throw new PlatformError(
      ctx.platform.name,
      'rollback',
      router.router,
      `the router splits ${formatSplit(current)} and keeps no record of the last release: which side served before is unknown; give "to" an image, or end the release with action-traffic (command: abort)`,
    )
  }
  const back = recorded ?? (current.green === 0 ? router.green : router.blue)
  const backRef = sideRef(ctx, router, back === router.green ? 'green' : 'blue')
  let state = requireFound(ctx, await ctx.phase('describe', () => ctx.platform.describe(backRef)), 'rollback', back)
  if (ctx.dryRun) {
    const plan = newPlan('rollback', ctx.platform.name)
    const green = back === router.green ? 100 : 0
    // one service in a gray release shows the gray version (and the record, read from it, holds no
    // other): its stable side runs the version from before
    const serves = oneService && back === router.blue && current.green > 0 ? 'the version from before the gray release' : state.image
    if (needsStart(ctx, state)) {
      requireLifecycle(ctx, back, state.status)
      plan.writes.push({ operation: `start ${back}`, target: back, before: state.status, after: 'running', detail: 'waits until it runs' })
    }
    if (record !== null && recorded !== undefined && record.phase !== 'rolled-back')
      plan.writes.push({
        operation: 'release record',
        target: router.router,
        before: `release ${record.release}: ${record.phase}`,
        after: `release ${record.release}: rolled-back`,
      })
    const after = { blue: 100 - green, green, routingMethod: current.routingMethod }
    if (current.green !== green) {
      ctx.platform.checkTraffic?.(router, after, current)
      plan.writes.push({
        operation: `shift to ${green}%`,
        target: router.router,
        before: formatSplit(current),
        after: formatSplit(after),
        detail: `${back} serves ${serves}; read back`,
      })
    } else plan.notes.push(`${router.router} already sends all traffic to ${back}: no weight would be written.`)
    return planned(ctx, plan, { image: state.image, 'service-id': state.id, weights: weightsJson(current) }, [
      ['Platform', ctx.platform.name],
      ['Router', router.router],
      ...reasonRow(inputs),
      ['Traffic now', formatSplit(current)],
      ['Would serve', `${back} (${serves})`],
    ])
  }
  if (needsStart(ctx, state)) {
    state = await ctx.phase(`start ${back}`, () => startSide(ctx, backRef, state.status))
  }
  // the record first: a release still running on the router reads it before its next write, and stops
  if (record !== null && recorded !== undefined && record.phase !== 'rolled-back') {
    await ctx.phase('release record', async () => {
      await ctx.platform.writeRecord?.(router, { ...record, phase: 'rolled-back', weight: 0, updatedAt: new Date().toISOString() })
    })
  }
  const change = await applySplit(ctx, router, back === router.green ? 100 : 0, current.routingMethod)
  state = await ctx.phase('read back', async () => {
    // the split changed what the side runs where it is instances, or one service (a gray release abandoned)
    const changed = ctx.platform.capabilities.traffic === 'replicas' || oneService
    const now = changed ? ((await ctx.platform.describe(backRef)) ?? state) : state
    ctx.log.info(`${router.router}: traffic ${formatSplit(current)} → ${formatSplit(change.after)}; ${back} serves ${now.image}`)
    return now
  })
  return {
    title: `Rolled back ${router.router} to ${back}`,
    outputs: { image: state.image, 'service-id': state.id, weights: weightsJson(change.after) },
    rows: [
      ['Platform', ctx.platform.name],
      ['Router', router.router],
      ...reasonRow(inputs),
      ['Traffic before', formatSplit(current)],
      ['Traffic after', formatSplit(change.after)],
      ['Serving', `${back} (${state.image})`],
    ],
    notes: [],
  }
}

/** `to: previous` where the platform keeps no history: the image before, from the GitHub deployments. */
async function rollbackFromLedger(ctx: ReleaseContext, inputs: RollbackInputs): Promise<ActionResult> {
  const ref = serviceRef(inputs)
  const described = ctx.phase('describe', () => ctx.platform.describe(ref))
  // Octokit loads while the platform answers
  ctx.deployments?.api?.preload()
  const current = requireFound(ctx, await described, 'rollback', ref.service)
  const previous = await ctx.phase('read the ledger', async () => {
    try {
      const found = await ctx.deployments?.previousImage(ctx.platform.name, inputs.service, current.image)
      if (found !== undefined)
        ctx.log.info(
          `${inputs.service}: the GitHub deployments of "${inputs.github.environment}" name ${found} as the image before ${current.image}`,
        )
      return found
    } catch (error) {
      if (!(error instanceof GitHubError)) throw error
      ctx.log.warning(`the release ledger could not be read: ${error.message}`)
      throw new PlatformError(
        ctx.platform.name,
        'rollback',
        inputs.service,
        `${ctx.platform.name} keeps no history of images and the release ledger (the GitHub deployments of environment "${inputs.github.environment}") could not be read (${error.message}): give "to" the image to go back to (to: <image>), or give "router", "blue" and "green" to send traffic back to the other side`,
      )
    }
  })
  if (previous === undefined) {
    const where = ctx.deployments?.github.token
      ? `and the GitHub deployments of environment "${inputs.github.environment}" record no earlier image`
      : 'and there is no "github-token" to read the GitHub deployments'
    throw new PlatformError(
      ctx.platform.name,
      'rollback',
      inputs.service,
      `${ctx.platform.name} keeps no history of images ${where}: give "to" an image, or give "router", "blue" and "green" to send traffic back to the other side`,
    )
  }
  const result = await rollbackToImage(ctx, inputs, previous)
  result.plan?.notes.push(`${previous} is the image before ${current.image} in the GitHub deployments of ${inputs.github.environment}.`)
  return { ...result, rows: [...result.rows, ['Found in', `the GitHub deployments of ${inputs.github.environment}`]] }
}

function reasonRow(inputs: RollbackInputs): [string, string][] {
  return inputs.reason ? [['Reason', inputs.reason]] : []
}

/** A replica split starts the side itself; elsewhere a stopped side (an aborted or finished release) is started first. */
function needsStart(ctx: ReleaseContext, state: ServiceState): boolean {
  return (state.phase !== 'running' || state.replicas === 0) && ctx.platform.capabilities.traffic !== 'replicas'
}

/** A side that must be started needs a platform that can start it. */
function requireLifecycle(ctx: ReleaseContext, service: string, status: string): void {
  if (!ctx.platform.capabilities.lifecycle) {
    throw new PlatformError(
      ctx.platform.name,
      'rollback',
      service,
      `the previous side is not running (${status}); give "to" an image to redeploy`,
    )
  }
}

/** Starts a stopped side and waits until it runs, within the deadline. */
async function startSide(ctx: ReleaseContext, ref: ServiceRef, status: string): Promise<ServiceState> {
  const service = ref.service
  requireLifecycle(ctx, service, status)
  const operation = await ctx.platform.lifecycle(ref, 'start')
  const result = await waitOn(ctx, operation)
  const state = await ctx.platform.describe(ref)
  if (result.status !== 'succeeded' || state === null || state.phase !== 'running') {
    throw new PlatformError(
      ctx.platform.name,
      'rollback',
      service,
      `the previous side did not start (${result.status}: ${result.detail}); traffic was left as it was`,
    )
  }
  return state
}

/** The platform's own rollback: to the version before, or to the image or version its records name. */
async function rollbackNatively(ctx: ReleaseContext, inputs: RollbackInputs): Promise<ActionResult> {
  const ref = serviceRef(inputs)
  const before = requireFound(ctx, await ctx.phase('describe', () => ctx.platform.describe(ref)), 'rollback', ref.service)
  if (inputs.to !== undefined && before.image === inputs.to && before.phase === 'running') {
    const outputs = { image: inputs.to, 'service-id': before.id, weights: '' }
    const plan = { ...newPlan('rollback', ctx.platform.name), notes: [`${ref.service} already runs ${inputs.to}: nothing to do.`] }
    if (ctx.dryRun) return planned(ctx, plan, outputs, [['Service', ref.service]])
    return {
      title: `${ref.service} already runs ${inputs.to}`,
      outputs,
      rows: [['Service', ref.service]],
      notes: ['Nothing to do: the service already ran this image.'],
    }
  }
  if (ctx.dryRun) {
    const plan = newPlan('rollback', ctx.platform.name)
    plan.writes.push({
      operation: 'rollback',
      target: ref.service,
      before: `${before.image} (${before.status})`,
      after: inputs.to ?? `the version before, as ${ctx.platform.name} records it`,
      detail: `${ctx.platform.name}'s own rollback, waited for`,
    })
    return planned(ctx, plan, { image: before.image, 'service-id': before.id, weights: '' }, [
      ['Platform', ctx.platform.name],
      ['Service', ref.service],
      ...reasonRow(inputs),
      ['Runs now', before.image],
    ])
  }
  const { operation, result } = await rollBackNatively(ctx, ref, inputs.to)
  const after = await readBack(ctx, ref, before)
  // the platform's word that its operation succeeded is not enough: the service read back must show it
  const succeeded = result.status === 'succeeded'
  const unproven = succeeded ? unprovenRollback(before, after, operation, inputs.to) : undefined
  const failed = !succeeded || unproven !== undefined
  return {
    title: failed
      ? `Rollback of ${ref.service} failed`
      : `Rolled back ${ref.service} to ${after?.image ?? inputs.to ?? 'the version before'}`,
    outputs: { image: after?.image ?? before.image, 'service-id': after?.id ?? before.id, weights: '' },
    rows: [
      ['Platform', ctx.platform.name],
      ['Service', ref.service],
      ...reasonRow(inputs),
      ['Image before', before.image],
      ['Image after', after?.image ?? '?'],
      ...(before.version === undefined
        ? []
        : ([['Version before → after', `${before.version} → ${after?.version ?? '?'}`]] as [string, string][])),
      ['Operation', operation.id],
    ],
    notes: [],
    ...(failed && {
      failure: `${ctx.platform.name}: rollback of "${ref.service}" failed: ${unproven ?? describeResult(operation, result)}`,
    }),
  }
}

/**
 * What the service read back after a native rollback the platform said succeeded fails to show;
 * undefined when it shows it. It must run the image asked for (`to`), or the one the rollback named
 * with its variables (Rancher's previous launch config); back to "the version before", where the platform keeps
 * versions, it must no longer run the version it ran: the image alone cannot tell, two versions
 * may run one image.
 */
function unprovenRollback(
  before: ServiceState,
  after: ServiceState | null,
  operation: Operation,
  to: string | undefined,
): string | undefined {
  const expected = to ?? operation.target.image
  if (after === null) {
    const proof =
      to !== undefined
        ? `runs ${to}`
        : before.version !== undefined
          ? `left version ${before.version}`
          : expected !== undefined
            ? `runs ${expected}${operation.target.env ? ' with its variables' : ''}`
            : 'was rolled back'
    return `the operation ${operation.id} succeeded, but the service could not be read back to prove it ${proof}`
  }
  if (expected !== undefined && after.image !== expected)
    return `the operation succeeded, but the service runs ${after.image}, not ${expected}`
  // a config brought back may share its image with the one it replaced: its variables tell them apart
  const env = operation.target.env
  if (env !== undefined && after.env !== undefined && !sameEnv(after.env, env))
    return `the operation succeeded, but the service runs ${after.image} with other variables than the rollback's launch config`
  if (to !== undefined || before.version === undefined) return undefined
  // a rollback that ended a deploy's job before it applied its version keeps the version from before
  const endedDeploy = before.phase === 'deploying' && after.phase === 'running'
  return after.version === before.version && !endedDeploy
    ? `the operation ${operation.id} succeeded, but the service still runs version ${before.version} (${after.image}): it was not rolled back`
    : undefined
}

async function rollbackToImage(ctx: ReleaseContext, inputs: RollbackInputs, image: string): Promise<ActionResult> {
  const ref = serviceRef(inputs)
  const before = requireFound(ctx, await ctx.phase('describe', () => ctx.platform.describe(ref)), 'rollback', ref.service)
  const rows: [string, string][] = [
    ['Platform', ctx.platform.name],
    ['Service', ref.service],
    ...reasonRow(inputs),
    ['Image before', before.image],
    ['Rolled back to', image],
  ]
  const already = before.image === image && before.phase === 'running'
  if (ctx.dryRun) {
    const plan = newPlan('rollback', ctx.platform.name)
    if (already) plan.notes.push(`${ref.service} already runs ${image}: nothing to do.`)
    else await checkDeploy(ctx, ref, { image }, 'rollback')
    if (!already)
      plan.writes.push({
        operation: 'rollback',
        target: ref.service,
        before: `${before.image} (${before.status})`,
        after: image,
        detail: `a deploy of ${image}${inputs.wait ? ', waited for' : ''}`,
      })
    return planned(ctx, plan, { image: before.image, 'service-id': before.id, weights: '' }, rows)
  }
  if (already) {
    return {
      title: `${ref.service} already runs ${image}`,
      outputs: { image, 'service-id': before.id, weights: '' },
      rows,
      notes: ['Nothing to do: the service already ran this image.'],
    }
  }
  const { operation, result } = await rollOut(ctx, ref, image, 'rollback', inputs.wait)
  const after = inputs.wait ? await readBack(ctx, ref, before) : null
  // the operation's success is not enough: the service must be read back running the image asked for
  const succeeded = result?.status === 'succeeded'
  const elsewhere = succeeded && after !== null && after.image !== image
  const unread = succeeded && after === null
  const failed = (result !== undefined && !succeeded) || elsewhere || unread
  const why = elsewhere
    ? `the operation succeeded, but the service runs ${after?.image}`
    : unread
      ? `the operation ${operation.id} succeeded, but the service could not be read back to prove it runs ${image}`
      : result
        ? describeResult(operation, result)
        : 'no result'
  return {
    title: failed ? `Rollback of ${ref.service} failed` : `Rolled back ${ref.service} to ${image}`,
    outputs: { image: after?.image ?? (failed ? before.image : image), 'service-id': before.id, weights: '' },
    rows,
    notes: [],
    ...(failed && { failure: `${ctx.platform.name}: rollback of "${ref.service}" to ${image} failed: ${why}` }),
  }
}

/** The service after a rollback, as the platform says, with the change in one line; null when it cannot be read. */
async function readBack(ctx: ReleaseContext, ref: ServiceRef, before: ServiceState): Promise<ServiceState | null> {
  return ctx.phase('read back', async () => {
    const after = await ctx.platform.describe(ref).catch(() => null)
    ctx.log.info(
      `${ref.service}: image ${before.image} → ${after ? `${after.image} (${after.status})` : 'unknown: the platform could not be read'}`,
    )
    return after
  })
}

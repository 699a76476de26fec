import type { Deployment } from '../github/api.js'
import type { Deployments } from '../github/deployments.js'
import type { DeployInputs } from '../inputs/deploy.js'
import type { HealthInputs } from '../inputs/health.js'
import { describeDiff, describeRestore, type EnvChange, type EnvDiff, envDiff, hasChanges, restoreChange } from '../platforms/env-vars.js'
import {
  type DeployCall,
  type DeploySpec,
  type Operation,
  PlatformError,
  type ServiceRef,
  type ServiceState,
} from '../platforms/platform.js'
import { serviceIdOf } from '../platforms/service-id.js'
import type { ActionResult, ReleaseContext } from './context.js'
import { checkHealth } from './health.js'
import { type DryRunPlan, newPlan, planned } from './plan.js'
import { asOperation, describeResult, requireFound, rollBackNatively, rollOut } from './rollout.js'
import { serviceRef } from './service-ref.js'
import { type WaitResult, waitFor } from './waiter.js'

/** A deploy, recorded as a GitHub deployment of the commit to the environment (the release ledger). */
export async function deploy(ctx: ReleaseContext, inputs: DeployInputs): Promise<ActionResult> {
  const ledger = ctx.deployments
  // a dry run records no deployment: its plan says the one a real run would record
  if (ctx.dryRun) return deployService(ctx, inputs, () => undefined)
  const entry = { platform: ctx.platform.name, service: inputs.service, image: inputs.image }
  // Octokit's loading and the GitHub deployment start once the platform has answered the first
  // request (started with it, the chunk's loading came first), and run alongside the rest of the deploy
  let recorded: Promise<Deployment | null> = Promise.resolve(null)
  const released = deployService(ctx, inputs, () => {
    if (ledger) recorded = ledger.start(entry, `Deploy ${inputs.image} to ${inputs.service}`)
  })
  let result: ActionResult
  try {
    result = await released
  } catch (error) {
    const deployment = await recorded
    if (ledger) await ctx.phase('GitHub deployment status', () => ledger.finish(deployment, false, (error as Error).message), said)
    throw error
  }
  const deployment = await recorded
  if (ledger) {
    const ok = result.failure === undefined
    await ctx.phase(
      'GitHub deployment status',
      () => ledger.finish(deployment, ok, result.failure ?? result.title, result.outputs.url || undefined),
      said,
    )
  }
  return withDeployment(result, ledger, deployment)
}

/** The status phase's outcome: what became of the deployment (skipped, success, not updated …); GitHub never fails the step. */
const said = (outcome: string) => ({ ok: true, outcome })

/** The summary's link to the environment's deployments, and the `deployment-id` output. */
export function withDeployment(result: ActionResult, ledger: Deployments | undefined, deployment: Deployment | null): ActionResult {
  const row: [string, string] = [
    'GitHub deployment',
    deployment && ledger ? `#${deployment.id}, ${ledger.link()}` : `not recorded (${ledger?.notRecorded() ?? 'no github-token'})`,
  ]
  return {
    ...result,
    outputs: { ...result.outputs, 'deployment-id': deployment ? String(deployment.id) : '' },
    rows: [...result.rows, row],
  }
}

/**
 * describe → deploy → wait → health check; on failure, roll back to the previous image (when
 * `rollback-on-failure`) and fail with a message naming platform, service, operation and last state.
 * `described` is called once the platform has answered the describe.
 */
async function deployService(ctx: ReleaseContext, inputs: DeployInputs, described: () => void): Promise<ActionResult> {
  const ref = serviceRef(inputs)
  const name = ctx.platform.name
  const found = await ctx.phase('describe', async () => {
    const state = await ctx.platform.describe(ref, inputs.env ? { env: true } : undefined)
    const same = state !== null && (inputs.env === undefined || !hasChanges(envDiff(state.env ?? {}, inputs.env, state.envKept)))
    if (same && state?.image === inputs.image && state.phase === 'running')
      ctx.log.info(`${name}: "${ref.service}" already runs ${inputs.image}${inputs.env ? ' with these variables' : ''}; nothing to deploy`)
    return state
  })
  described()
  if (found === null && inputs.create) {
    checkCreate(ctx, ref)
    return ctx.dryRun ? planCreate(ctx, inputs, ref) : create(ctx, inputs)
  }
  const before = requireFound(ctx, found, 'deploy', ref.service)
  const previous = before.image
  // the variables' change counts as a change: names only in the summary and the plan, never values
  const diff = inputs.env && envDiff(before.env ?? {}, inputs.env, before.envKept)
  const varsChange = diff !== undefined && hasChanges(diff)
  const variables = inputs.env && diff ? `${describeDiff(diff, Object.keys(inputs.env.vars).length)} (${inputs.env.update})` : undefined
  const deploying = !(before.image === inputs.image && before.phase === 'running') || varsChange
  const grayShare = deploying ? undefined : await openGray(ctx, ref, inputs)
  const back = variablesBack(ctx, before, varsChange ? diff : undefined)
  if (ctx.dryRun) return planDeploy(ctx, inputs, ref, before, { deploying, varsChange, back, ...(variables && { variables }) })
  const rows: [string, string][] = [
    ['Platform', name],
    ['Service', ref.service],
    ['Previous image', previous],
    ['New image', inputs.image],
  ]
  const notes: string[] = []
  let operationId = ''
  /** the service runs an image this deploy did not send */
  let foreign = false
  /** the service as read once the deploy succeeded: the read-back, unless a rollback or a health check follows */
  let landedOn: ServiceState | null | undefined
  let failure: string | undefined
  /** where the deploy's job was last seen, for the read before a platform's own rollback */
  let job: DeployJob = 'unknown'
  const startedAt = Date.now()

  if (variables) rows.push(['Variables', variables])

  if (!deploying) {
    notes.push(
      grayShare === undefined
        ? `The service already ran ${inputs.image}${inputs.env ? ' with these variables' : ''}: no deploy was started.`
        : `A gray release of ${inputs.image} was already in progress at ${grayShare}%: no deploy was started; action-traffic moves it on.`,
    )
  } else {
    const { operation, result } = await rollOut(ctx, ref, inputs.image, 'deploy', inputs.wait, {
      ...(inputs.gray && { gray: inputs.gray }),
      ...(inputs.upgrade && { upgrade: inputs.upgrade }),
      ...(varsChange && inputs.env && { env: inputs.env }),
      ...(inputs.provenance && { provenance: inputs.provenance }),
    })
    operationId = operation.id
    if (result && operation.id !== '') job = result.status === 'timed out' ? 'running' : 'ended'
    if (result && result.status !== 'succeeded') failure = describeResult(operation, result)
    else if (result && !inputs.gray) {
      landedOn = await readBack(ctx, ref, previous)
      failure = notLanded(ref, inputs.image, operation, landedOn)
      // another image, or no read: a rollback would undo a change this deploy did not make, or may have
      foreign = failure !== undefined
    }
  }

  let checked = false
  if (inputs.health) {
    if (failure === undefined) {
      failure = await healthCheck(ctx, inputs.health, rows)
      checked = true
    } else rows.push(['Health check', 'not run: the deploy did not succeed'])
  }

  // the service's own log of the deploy's window says why, before a rollback adds its own lines
  const log = failure === undefined ? [] : await recentLog(ctx, ref, startedAt)
  let running = failure === undefined ? inputs.image : previous
  if (failure !== undefined && !ctx.signal.aborted) {
    if (foreign) {
      // what runs is not this deploy's: a rollback would undo a change it did not make
      failure += '; not rolled back'
    } else if (inputs.rollbackOnFailure && rollbackUndoes(ctx, before, inputs.image, varsChange, back)) {
      ctx.deadline.restart() // the rollback gets its own deadline: the deploy may have used all of it
      landedOn = undefined
      const changed =
        varsChange && diff ? { names: [...diff.added, ...diff.changed, ...diff.removed], alone: previous === inputs.image } : undefined
      const outcome = await rollBack(ctx, ref, before, changed, back?.change, job, inputs.gray !== undefined)
      // a redeploy puts the variables back itself; the platform's own rollback restores them with its version
      const said = back?.said ?? (diff && changed && ctx.platform.rollback ? describeRestore(diff) : undefined)
      const withVars = said ? ` with the variables from before (${said})` : ''
      const still = outcome.untouched && leftAlone(outcome.untouched, previous, changed?.alone === true)
      if (still) failure += `; not rolled back: the service ${still}`
      else if (outcome.stranded) failure += `; not rolled back: ${outcome.detail}`
      else
        failure += outcome.ok ? `; rolled back to ${previous}${withVars}` : `; rollback to ${previous}${withVars} failed: ${outcome.detail}`
      const row = outcome.untouched
        ? `${outcome.untouched.phase === 'running' ? 'not needed' : 'not sent'}: it ${still}`
        : outcome.stranded
          ? `not sent: the service is on ${before.version}, the version from before`
          : outcome.ok
            ? previous
            : `${previous} (failed)`
      rows.push(['Rolled back to', row])
      if (outcome.ok && !outcome.untouched && said) rows.push(['Variables put back', said])
      running = outcome.ok || outcome.stranded ? previous : inputs.image
    } else {
      failure += inputs.rollbackOnFailure ? '; nothing to roll back to' : '; not rolled back (rollback-on-failure is false)'
      running = inputs.image
    }
  }

  const after = await stateAtEnd(ctx, ref, previous, landedOn, inputs.health !== undefined)
  const url = after?.url ?? before.url ?? ''
  if (url) rows.push(['URL', url])
  // what the service really runs at the end, as the platform says (not what the action meant it to)
  rows.push(['Runs now', runsNow(after, checked ? landedOn : undefined)])
  return {
    title: failure ? `Deploy of ${inputs.image} to ${ref.service} failed` : `Deployed ${inputs.image} to ${ref.service}`,
    outputs: {
      image: after?.image ?? running,
      'service-id': after?.id ?? before.id,
      'previous-image': previous,
      'operation-id': operationId,
      url,
      'rolled-back': String(
        rows.some(([label, value]) => label === 'Rolled back to' && !value.endsWith('(failed)') && !value.startsWith('not ')),
      ),
    },
    rows,
    notes,
    ...(log.length > 0 && { log }),
    ...(failure !== undefined && {
      failure: `${name}: deploy of "${ref.service}" to ${inputs.image} failed: ${failure}${logText(ref, log)}`,
    }),
  }
}

/**
 * A succeeded operation is the platform's word on its job; what the service runs is the evidence
 * that the job was this deploy's (a lost answer settled by a job someone else started looks the
 * same until then). The failure, when the service runs another image or could not be read back
 * (gone, or the platform unreadable: no evidence either way), or undefined.
 */
function notLanded(ref: ServiceRef, image: string, operation: Operation, now: ServiceState | null): string | undefined {
  const job = `operation ${operation.id || '(no id)'} succeeded`
  if (now === null) return `${job}, but ${ref.service} could not be read back to confirm it`
  if (now.image === image) return undefined
  return `${job}, but ${ref.service} runs ${now.image} (${now.status}): another change may have come in between`
}

/**
 * Where the image the service shows serves only a gray release's share (ServiceStage), a deploy
 * that would find nothing to do is a gray deploy found in progress (a re-run: it goes on, the
 * share returned), or a full deploy the platform cannot make while it is open: refused, before
 * any write, with what ends it.
 */
async function openGray(ctx: ReleaseContext, ref: ServiceRef, inputs: DeployInputs): Promise<number | undefined> {
  const grayShare = ctx.platform.grayShare
  if (!grayShare) return undefined
  // a deploy with nothing to do is not failed by a read that only looks further
  const share = await ctx
    .phase('describe', () => grayShare.call(ctx.platform, ref))
    .catch((error: unknown) => {
      ctx.log.warning(
        `${ctx.platform.name}: whether a gray release of "${ref.service}" is open could not be read: ${(error as Error).message}`,
      )
      return undefined
    })
  if (share === undefined || inputs.gray) return share
  throw new PlatformError(
    ctx.platform.name,
    'deploy',
    ref.service,
    `${inputs.image} runs only in a gray release, at ${share}% of the traffic: promote it (action-traffic, command: promote) or end it (command: abort) before a full deploy`,
    'refused',
  )
}

/** At most this many of the last log lines go with a failure. */
const LOG_LINES = 20

/** The service's last log lines since `from`, where the platform has logs; a read that fails is said, not thrown. */
async function recentLog(ctx: ReleaseContext, ref: ServiceRef, from: number): Promise<string[]> {
  const logs = ctx.platform.logs
  if (!logs) return []
  try {
    const lines = await ctx.phase('read logs', () => logs.call(ctx.platform, ref, from, Date.now()))
    return lines.slice(-LOG_LINES).map((line) => `${new Date(line.time).toISOString()} ${line.instance}: ${line.message}`)
  } catch (error) {
    ctx.log.warning(`${ctx.platform.name}: the log of "${ref.service}" could not be read: ${(error as Error).message}`)
    return []
  }
}

function logText(ref: ServiceRef, log: string[]): string {
  return log.length === 0 ? '' : `\nLast log lines of ${ref.service}:\n${log.join('\n')}`
}

/**
 * The variables a rollback after a failure puts back with the image: the ones the deploy read
 * before it wrote, when it changed them (`diff`) and the rollback is a redeploy (a platform's own
 * rollback restores the whole version, variables and all). Undefined: the rollback writes none.
 */
function variablesBack(
  ctx: ReleaseContext,
  before: ServiceState,
  diff: EnvDiff | undefined,
): { change: EnvChange; said: string } | undefined {
  if (diff === undefined || before.env === undefined || ctx.platform.rollback) return undefined
  return { change: restoreChange(before.env, before.envKept), said: describeRestore(diff) }
}

/**
 * Whether a failed deploy changed what a rollback puts back: the image, or the variables (a
 * redeploy puts them back with the image, `back`; a platform's own rollback restores the whole
 * version, variables and all).
 */
function rollbackUndoes(ctx: ReleaseContext, before: ServiceState, image: string, varsChange: boolean, back: object | undefined): boolean {
  return before.image !== image || back !== undefined || (varsChange && ctx.platform.rollback !== undefined)
}

/** What a service a rollback left alone runs: "still runs X" while it runs, else "is still on X (its status)". */
function leftAlone(state: ServiceState, image: string, varsAlone: boolean): string {
  const vars = varsAlone ? ' with the variables from before' : ''
  return state.phase === 'running' ? `still runs ${image}${vars}` : `is still on ${image}${vars} (${state.status})`
}

/** The variables a failed deploy changed: their names (never values), and whether it changed them alone (one image). */
interface ChangedVars {
  names: string[]
  alone: boolean
}

/** What the read before a platform's own rollback says to do: send it, or leave the service as it is. */
type BeforeRollback = { verdict: 'roll back' } | { verdict: 'untouched' } | { verdict: 'stranded'; why: string }

/**
 * Where the deploy's job was last seen: ended (failed, or succeeded before a failed health check),
 * still running at the deadline, or never seen (the deploy call's answer was lost).
 */
type DeployJob = 'ended' | 'running' | 'unknown'

/**
 * The platform's own rollback goes back one version from what runs now: where nothing of the
 * deploy landed, it would take away the release before.
 * - Where the platform keeps versions (ServiceStage) and shows the one from before: while the
 *   deploy's job runs (seen running at the deadline, or the service deploying), the rollback ends
 *   it. Once the job has ended, or with none seen (a lost answer: a job would show the service
 *   deploying), the service is left alone: untouched when the variables the deploy changed show
 *   as they were, stranded when they do not (the rollback to the version before would go past).
 * - Elsewhere: untouched when it runs the image from before and, after a deploy of variables
 *   alone, shows them as they were on a version that has not moved. Unknown is not.
 */
function beforeRollback(now: ServiceState | null, before: ServiceState, changed: ChangedVars | undefined, job: DeployJob): BeforeRollback {
  const roll = { verdict: 'roll back' } as const
  if (now === null || now.image !== before.image) return roll
  const varsBack = changed === undefined || varsAsBefore(before, now, changed.names)
  const versions = before.version !== undefined && now.version !== undefined
  if (versions && now.version === before.version) {
    if (job === 'running' || now.phase === 'deploying') return roll
    if (varsBack) return { verdict: 'untouched' }
    const differ = (changed?.names ?? []).filter((name) => before.env?.[name] !== now.env?.[name]).sort()
    return {
      verdict: 'stranded',
      why: `the service shows other values than before for ${differ.join(', ')} on the version from before, ${before.version}: nothing of the deploy but its variables landed, and a rollback to the version it runs is not sent; deploy the variables as they were`,
    }
  }
  if (now.phase !== 'running') return roll
  if (!changed?.alone) return { verdict: 'untouched' }
  return !versions && varsBack ? { verdict: 'untouched' } : roll
}

/** Whether the service shows each of these variables as it was before (absent where it was absent). */
function varsAsBefore(before: ServiceState, now: ServiceState, names: string[]): boolean {
  return before.env !== undefined && now.env !== undefined && names.every((name) => before.env?.[name] === now.env?.[name])
}

/**
 * Undoes a failed deploy: at once where the platform takes a rollback while the deploy still runs
 * (a stuck deploy, or one out of time), else once the platform is done with it; then the
 * platform's own rollback, or a deploy of the previous image (with `env`, the variables from before).
 */
async function rollBack(
  ctx: ReleaseContext,
  ref: ServiceRef,
  /** the service before the deploy */
  before: ServiceState,
  changed: ChangedVars | undefined,
  env: EnvChange | undefined,
  job: DeployJob,
  /** a gray deploy: where its gray release is open, the platform's rollback to the version before abandons it */
  gray: boolean,
): Promise<{ ok: boolean; detail: string; untouched?: ServiceState; stranded?: boolean }> {
  const previous = before.image
  try {
    if (!ctx.platform.capabilities.undoWhileBusy) await ctx.phase('wait until the platform is idle', () => untilIdle(ctx, ref))
    // the platform's own rollback goes back one version from what runs now: after a deploy that
    // never landed, or one the platform undid itself, it would take away the release before
    let now: ServiceState | null = null
    if (ctx.platform.rollback) {
      now = await ctx.phase('read before the rollback', () => ctx.platform.describe(ref, changed ? { env: true } : undefined))
      const verdict = beforeRollback(now, before, changed, job)
      if (verdict.verdict === 'untouched' && now !== null) return { ok: true, detail: 'still there', untouched: now }
      if (verdict.verdict === 'stranded') return { ok: false, detail: verdict.why, stranded: true }
    }
    // the platform's own rollback where it has one (it restores the whole previous version), else a
    // redeploy. Where the platform keeps versions, to the version from before by name: "the version
    // before" is counted from what runs now, which after a rollback by hand is not where this deploy
    // started (it would go forward, to the version rolled away from), and never reaches a version
    // from before that failed. A gray release is abandoned by the rollback to the version before
    // (a gray release that cannot be read is taken as open: rollback_current, as before)
    const open = gray ? await ctx.platform.grayShare?.call(ctx.platform, ref).catch(() => 0) : undefined
    const named = open !== undefined ? undefined : before.version
    const { operation, result } = ctx.platform.rollback
      ? await rollBackNatively(ctx, ref, named)
      : await rollOut(ctx, ref, previous, 'rollback', true, { ...(env && { env }), undoing: true })
    if (result?.status !== 'succeeded') return { ok: false, detail: describeResult(operation, result as WaitResult) }
    // a native rollback's job that succeeded is not evidence enough: the service must no longer run
    // the failed deploy's version where the platform keeps versions (the image alone cannot tell),
    // and must show the variables the deploy changed as they were. A deploy whose job never
    // applied its version left the version from before, which the rollback (ending that job)
    // keeps: no version to prove there
    // (a redeploy is proven by its own wait: the image and the variables it sent)
    const applied = now?.version !== undefined && now.version !== before.version ? now.version : undefined
    if (!ctx.platform.rollback || (applied === undefined && before.version === undefined && changed === undefined))
      return { ok: true, detail: result.detail }
    const unproven = await notBack(ctx, ref, before, applied, changed?.names)
    return unproven === null ? { ok: true, detail: result.detail } : { ok: false, detail: `${operation.id} succeeded, but ${unproven}` }
  } catch (error) {
    return { ok: false, detail: (error as Error).message }
  }
}

/**
 * What the service, read again after the platform's own rollback, fails to show: that it left the
 * version the deploy applied (`applied`) for the version from before, and that the variables the
 * deploy changed (`vars`) are as they were; null when it shows it.
 */
async function notBack(
  ctx: ReleaseContext,
  ref: ServiceRef,
  before: ServiceState,
  applied: string | undefined,
  vars: string[] | undefined,
): Promise<string | null> {
  const version = before.version
  const after = await ctx
    .phase('read back', () => ctx.platform.describe(ref, vars ? { env: true } : undefined))
    .catch((error: unknown) => error as Error)
  if (after instanceof Error) return `the service could not be read back to prove it (${after.message})`
  if (after === null) return 'the service is gone'
  if (applied !== undefined && after.version === applied) return `the service still runs version ${applied} (${after.image})`
  if (version !== undefined && after.version !== undefined && after.version !== version)
    return `the service runs version ${after.version} (${after.image}), not the version from before, ${version}`
  if (vars !== undefined && !varsAsBefore(before, after, vars))
    return `the service does not show the variables from before (${[...vars].sort().join(', ')})`
  return null
}

/** Waits until the platform is no longer deploying; throws when it still is at the deadline. */
async function untilIdle(ctx: ReleaseContext, ref: ServiceRef): Promise<void> {
  const idle = await waitFor(
    async () => {
      const state = await ctx.platform.describe(ref)
      const detail = state?.status ?? 'service not found'
      return { status: state?.phase === 'deploying' ? 'running' : 'succeeded', detail }
    },
    { deadline: ctx.deadline.epochMs, signal: ctx.signal },
  )
  if (idle.status !== 'succeeded') throw new Error(`the platform was still busy (${idle.status}: ${idle.detail})`)
}

/** The service does not exist and `create` allows it: create it with the image, wait, check health. */
async function create(ctx: ReleaseContext, inputs: DeployInputs): Promise<ActionResult> {
  const ref = serviceRef(inputs)
  const name = ctx.platform.name
  const { operation, result } = await rollOut(ctx, ref, inputs.image, 'create', inputs.wait, {
    ...(inputs.create && { create: inputs.create }),
    ...(inputs.env && { env: inputs.env }),
    ...(inputs.provenance && { provenance: inputs.provenance }),
  })
  let failure = result && result.status !== 'succeeded' ? describeResult(operation, result) : undefined
  // a create whose answer was lost is settled by the service found by its name: it runs the image
  // sent, or it is someone else's (two pushes racing)
  const landedOn = result && failure === undefined ? await readBack(ctx, ref, undefined) : undefined
  if (landedOn !== undefined) failure = notLanded(ref, inputs.image, operation, landedOn)
  const rows: [string, string][] = [
    ['Platform', name],
    ['Service', `${ref.service} (created)`],
    ['New image', inputs.image],
    // names only, never values
    ...(inputs.env ? [['Variables', `set ${Object.keys(inputs.env.vars).sort().join(', ') || 'none'}`] as [string, string]] : []),
  ]
  if (inputs.health) {
    if (failure === undefined) failure = await healthCheck(ctx, inputs.health, rows)
    else {
      const why = landedOn
        ? 'the service runs another image'
        : landedOn === null
          ? 'it could not be read back'
          : 'the service was not created'
      rows.push(['Health check', `not run: ${why}`])
    }
  }
  const after = await stateAtEnd(ctx, ref, undefined, landedOn, inputs.health !== undefined)
  if (after?.url) rows.push(['URL', after.url])
  return {
    title: failure ? `Creating ${ref.service} with ${inputs.image} failed` : `Created ${ref.service} with ${inputs.image}`,
    outputs: {
      image: after?.image ?? inputs.image,
      'service-id': after?.id ?? '',
      'previous-image': '',
      'operation-id': operation.id,
      url: after?.url ?? '',
      'rolled-back': 'false',
    },
    rows,
    notes: failure ? ['A service that was just created has nothing to roll back to: it is left as the platform has it.'] : [],
    ...(failure !== undefined && { failure: `${name}: create of "${ref.service}" with ${inputs.image} failed: ${failure}` }),
  }
}

/** Whether the platform can create the missing service: said before any write, in a dry run too. */
function checkCreate(ctx: ReleaseContext, ref: ServiceRef): void {
  const name = ctx.platform.name
  if (!ctx.platform.capabilities.create) {
    throw new PlatformError(name, 'create', ref.service, `${name} cannot create a service in this version: create it first, then deploy`)
  }
  // an id names a service the platform made: none has it, and a new one would be named by it
  if (serviceIdOf(name, ref.service) !== undefined) {
    throw new PlatformError(name, 'create', ref.service, 'no service has this id: give a name to create one', 'not-found')
  }
}

/**
 * The platform's own refusals of a deploy (platform.checkDeploy), in the phase the real run would
 * meet them in; and the deploy's calls where the platform names them apart (platform.deployCalls,
 * which refuses the same), else none.
 */
export async function checkDeploy(ctx: ReleaseContext, ref: ServiceRef, spec: DeploySpec, phase = 'deploy'): Promise<DeployCall[]> {
  const platform = ctx.platform
  if (!platform.checkDeploy && !platform.deployCalls) return []
  return ctx.phase(`${phase} (checks only)`, async () => {
    try {
      if (platform.deployCalls) return await platform.deployCalls(ref, spec)
      await platform.checkDeploy?.(ref, spec)
      return []
    } catch (error) {
      throw asOperation(error, phase)
    }
  })
}

/** What follows a deploy's write in a real run: its wait and its health check. */
function afterDeploy(inputs: DeployInputs): string {
  const upgrade = inputs.upgrade
  const then = [
    ...(upgrade
      ? [
          `an in-service upgrade, ${upgrade.batchSize} container(s) at a time, ${upgrade.intervalMs / 1000}s apart${upgrade.startFirst ? ', new ones started first' : ''}`,
        ]
      : []),
    inputs.wait ? 'waits for the platform to finish it' : 'does not wait (wait: false)',
    ...(upgrade && inputs.wait ? [upgrade.finish ? 'finishes the upgrade' : 'leaves the upgrade open (finish-upgrade: false)'] : []),
  ]
  if (inputs.health) then.push(`probes ${inputs.health.url.href} ${inputs.health.samples} time(s)`)
  return then.join(', then ')
}

/** The GitHub deployment a real run records (a write to GitHub, not to the platform). */
function ledgerWrite(ctx: ReleaseContext, plan: DryRunPlan, description: string): void {
  const ledger = ctx.deployments
  if (ledger?.api) plan.writes.push({ operation: 'GitHub deployment', target: ledger.github.environment, before: '', after: description })
  else if (ledger) plan.notes.push(`No GitHub deployment would be recorded (${ledger.notRecorded()}).`)
}

/** A dry run's deploy: the image before → after, and what a failure would deploy again. */
async function planDeploy(
  ctx: ReleaseContext,
  inputs: DeployInputs,
  ref: ServiceRef,
  before: ServiceState,
  change: { deploying: boolean; varsChange: boolean; back: { said: string } | undefined; variables?: string },
): Promise<ActionResult> {
  const name = ctx.platform.name
  const plan = newPlan('deploy', name)
  const { deploying, varsChange, back, variables } = change
  // what the platform would refuse as the deploy starts, before its first write, and its calls
  const calls = deploying
    ? await checkDeploy(ctx, ref, {
        image: inputs.image,
        ...(inputs.gray && { gray: inputs.gray }),
        ...(inputs.upgrade && { upgrade: inputs.upgrade }),
        ...(varsChange && inputs.env && { env: inputs.env }),
        ...(inputs.provenance && { provenance: inputs.provenance }),
        ...(!inputs.wait && { wait: false }),
      })
    : []
  if (!deploying) {
    plan.notes.push(`${ref.service} already runs ${inputs.image}${inputs.env ? ' with these variables' : ''}: no deploy would be started.`)
  } else if (calls.length > 0) {
    // each call the platform makes, in order: one waited for before the next
    plan.writes.push(
      ...calls.map((call, i) => ({
        operation: `deploy: ${call.call}`,
        target: ref.service,
        before: call.before,
        after: call.after,
        detail: i < calls.length - 1 ? 'waited for: the next is refused while it runs' : afterDeploy(inputs),
      })),
    )
  } else {
    const gray = inputs.gray ? `, a gray release with ${inputs.gray.weight}% of the traffic (${inputs.gray.surgeMode})` : ''
    plan.writes.push({
      operation: `deploy${gray}`,
      target: ref.service,
      before: `${before.image} (${before.status})`,
      after: variables ? `${inputs.image}, variables ${variables}` : inputs.image,
      detail: afterDeploy(inputs),
    })
  }
  if (deploying) {
    if (inputs.rollbackOnFailure && rollbackUndoes(ctx, before, inputs.image, varsChange, back)) {
      plan.onFailure.push({
        operation: 'rollback',
        target: ref.service,
        before: inputs.image,
        after: back
          ? `${before.image}, variables put back as they were (${back.said})`
          : varsChange && ctx.platform.rollback
            ? `${before.image} with the variables from before`
            : before.image,
        detail: ctx.platform.rollback
          ? `${name}'s own rollback to the version before`
          : `a deploy of the previous image${back ? ' with the variables from before' : ''}, waited for`,
      })
    } else {
      plan.notes.push(
        inputs.rollbackOnFailure
          ? 'A failed deploy would have nothing to roll back to.'
          : 'A failed deploy would not be rolled back (rollback-on-failure is false).',
      )
    }
  }
  ledgerWrite(ctx, plan, `${inputs.image} on ${ref.service}`)
  return planned(
    ctx,
    plan,
    {
      image: before.image,
      'service-id': before.id,
      'previous-image': before.image,
      'operation-id': '',
      url: before.url ?? '',
      'rolled-back': 'false',
      'deployment-id': '',
    },
    [
      ['Platform', name],
      ['Service', ref.service],
      ['Runs now', `${before.image} (${before.status})`],
      ['New image', inputs.image],
    ],
  )
}

/** A dry run's create: the service is missing and `create` allows it. */
async function planCreate(ctx: ReleaseContext, inputs: DeployInputs, ref: ServiceRef): Promise<ActionResult> {
  const name = ctx.platform.name
  const plan = newPlan('deploy', name)
  await checkDeploy(ctx, ref, {
    image: inputs.image,
    create: inputs.create ?? {},
    ...(inputs.env && { env: inputs.env }),
    ...(inputs.provenance && { provenance: inputs.provenance }),
  })
  const fields = Object.keys(inputs.create ?? {})
  const variables = inputs.env ? `, variables ${Object.keys(inputs.env.vars).join(', ')}` : ''
  plan.writes.push({
    operation: 'create',
    target: ref.service,
    before: 'no such service',
    after: `${inputs.image}${variables}`,
    detail: `${fields.length > 0 ? `with ${fields.join(', ')} from create-spec; ` : ''}${afterDeploy(inputs)}`,
  })
  plan.notes.push('A service that was just created has nothing to roll back to: a failed create would be left as the platform has it.')
  ledgerWrite(ctx, plan, `${inputs.image} on ${ref.service}`)
  return planned(
    ctx,
    plan,
    { image: '', 'service-id': '', 'previous-image': '', 'operation-id': '', url: '', 'rolled-back': 'false', 'deployment-id': '' },
    [
      ['Platform', name],
      ['Service', `${ref.service} (does not exist)`],
      ['New image', inputs.image],
    ],
  )
}

/**
 * Probes the health URL in its own phase; the row and the phase carry the probes' verdict (a
 * check that ran and failed is a failed phase). Returns the failure, if any.
 */
async function healthCheck(ctx: ReleaseContext, health: HealthInputs, rows: [string, string][]): Promise<string | undefined> {
  const verdict = await ctx.phase(
    'health check',
    () => checkHealth(ctx.probe, health, { signal: ctx.signal }),
    (v) => ({ ok: v.passed, outcome: v.passed ? 'passed' : `failed: ${v.summary}` }),
  )
  rows.push(['Health check', `${verdict.passed ? 'passed' : 'failed'}: ${verdict.summary} (${health.url.href})`])
  return verdict.passed ? undefined : `health check of ${health.url.href} failed: ${verdict.summary}`
}

/**
 * The service at the end: the read after the deploy, unless there was none or a health check came
 * after it (the check takes its time, and a service may fail during it): then read again.
 */
async function stateAtEnd(
  ctx: ReleaseContext,
  ref: ServiceRef,
  previous: string | undefined,
  landedOn: ServiceState | null | undefined,
  checked: boolean,
): Promise<ServiceState | null> {
  return landedOn !== undefined && !checked ? landedOn : readBack(ctx, ref, previous)
}

/**
 * The "Runs now" row: the read at the end. When that read failed after a health check, the read
 * before the check (`beforeCheck`, none after a rollback) is said too, as what it is.
 */
function runsNow(after: ServiceState | null, beforeCheck: ServiceState | null | undefined): string {
  if (after) return `${after.image} (${after.status})`
  if (!beforeCheck) return 'unknown: the platform could not be read'
  return `unknown: the platform could not be read after the health check (before it: ${beforeCheck.image} (${beforeCheck.status}))`
}

/** What the service runs at the end, as the platform says, with the change in one line; null when it cannot be read. */
async function readBack(ctx: ReleaseContext, ref: ServiceRef, previous: string | undefined): Promise<ServiceState | null> {
  return ctx.phase('read back', async () => {
    const after = await ctx.platform.describe(ref).catch(() => null)
    if (after === null) ctx.log.info(`${ref.service}: the platform could not be read after the deploy`)
    else ctx.log.info(`${ref.service}: image ${previous ?? 'none'} → ${after.image} (${after.status})`)
    return after
  })
}

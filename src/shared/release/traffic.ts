import { NetworkError } from '../http/errors.js'
import type { TrafficInputs } from '../inputs/traffic.js'
import {
  inFlight,
  NotSentAgainError,
  PlatformError,
  type RouterRef,
  type ServiceRef,
  type StoredRecord,
  type TrafficSplit,
} from '../platforms/platform.js'
import { sameRelease } from '../platforms/record-label.js'
import type { ActionResult, ReleaseContext } from './context.js'
import { HealthGate } from './gate.js'
import { decide, emptyGate, type Plan, type ReleaseRecord, startRecord } from './progressive.js'
import { newPlan, planned } from './plan.js'
import {
  abortedBy,
  type Claim,
  type ClaimView,
  claimRouter,
  GONE,
  inspectClaim,
  RecordKeeper,
  readRecord,
  resumeRecord,
  type TakenBy,
  takenOver,
} from './record.js'
import { planTraffic } from './traffic-plan.js'
import { formatSplit, reachableSteps, requireRouter, weightsJson, writeSplit } from './split.js'

export function routerRef(inputs: Omit<RouterRef, 'project' | 'application'> & { project?: string; application?: string }): RouterRef {
  return {
    router: inputs.router,
    blue: inputs.blue,
    green: inputs.green,
    ...(inputs.project && { project: inputs.project }),
    ...(inputs.application && { application: inputs.application }),
  }
}

/** The service behind a side: the side itself, or what the platform says (one component on ServiceStage). */
export function sideRef(ctx: ReleaseContext, router: RouterRef, side: 'blue' | 'green'): ServiceRef {
  return ctx.platform.sideRef?.(router, side) ?? { service: router[side] }
}

/** How often the release loop looks at the platform when no gate sets the pace. */
const TICK_MS = 1000

/**
 * Shifts traffic from blue (stable) to green (the candidate), one step after another, each held
 * behind the health gate; aborts to 100% stable on a failed gate, a passed deadline or a cancel.
 * `decide` (progressive.ts) makes every decision; this carries them out and reads the router back.
 */
export async function traffic(ctx: ReleaseContext, inputs: TrafficInputs): Promise<ActionResult> {
  const router = routerRef(inputs)
  const traffic = requireRouter(ctx)
  if (inputs.command === 'status') {
    const split = await ctx.phase('read traffic', () => traffic.readTraffic(router))
    const shown = status(ctx, router, split, await readRecord(ctx, router))
    if (!ctx.dryRun) return shown
    return planned(
      ctx,
      { ...newPlan('traffic', ctx.platform.name), notes: ['status only reads: nothing to write.'] },
      shown.outputs,
      shown.rows,
    )
  }
  // an abort by hand never waits for the release it aborts; any other command claims the router first
  // a dry run reads the claim a real run would find, and writes none
  const claim: ClaimView | Claim = await ctx.phase('read traffic', async () => {
    const read =
      inputs.command === 'abort'
        ? {
            split: await traffic.readTraffic(router),
            record: ctx.dryRun ? await readRecord(ctx, router) : inputs.abortOwnOnly ? await ownerRecord(ctx, router) : null,
            claims: false,
          }
        : ctx.dryRun
          ? await inspectClaim(ctx, router, inputs, () => traffic.readTraffic(router))
          : await claimRouter(ctx, router, inputs, () => traffic.readTraffic(router))
    ctx.log.info(`${router.router}: ${formatSplit(read.split)}`)
    return read
  })
  const notOurs = inputs.abortOwnOnly && 'record' in claim ? othersRouter(claim.record, inputs.releaseId) : undefined
  if (notOurs !== undefined) {
    ctx.log.info(`${router.router}: left alone: ${notOurs}`)
    const shown = status(ctx, router, claim.split, 'record' in claim ? claim.record : null)
    return { ...shown, title: `${router.router} left alone`, notes: [`Nothing was aborted: ${notOurs}.`] }
  }
  const before = claim.split
  const steps = inputs.command === 'abort' ? inputs.steps : await reachableSteps(ctx, router, inputs.steps)
  const raising = inputs.command !== 'abort' && steps.some((step) => step.weight > (before?.green ?? 0))
  const candidateRef = sideRef(ctx, router, raising ? 'green' : 'blue')
  const candidate = await ctx.phase('describe', () => requireReceiver(ctx, candidateRef))
  const oneService = sideRef(ctx, router, 'green').service === sideRef(ctx, router, 'blue').service
  const plan: Plan = {
    steps,
    deadline: ctx.deadline.epochMs,
    minSamples: inputs.gate?.samples ?? 0,
    failureLimit: inputs.failureLimit,
    consecutiveErrorLimit: inputs.consecutiveErrorLimit,
    // two sides in one service (a gray release) leave nothing to scale down after an abort, nor
    // does a router that stops the candidate as its share goes to 0
    ...(inputs.abortScaleDownDelayMs !== undefined &&
      !oneService &&
      !ctx.platform.capabilities.stopsIdleSide && { scaleDownAfterMs: inputs.abortScaleDownDelayMs }),
    ...(inputs.command === 'abort' && { abortRequested: inputs.abortReason ?? 'aborted by hand' }),
  }
  const probed = raising && candidate.url ? { url: candidate.url, service: candidateRef.service, router: router.router } : undefined
  const gate = inputs.gate ? new HealthGate(ctx, inputs.gate, probed) : undefined
  const method = inputs.routingMethod ?? before?.routingMethod ?? 'round-robin'
  const stepLog: string[] = []
  let lastGate: string | undefined
  let record = resumeRecord(startRecord(Date.now(), before?.green ?? 0), claim.resumed, plan.steps)
  if (ctx.dryRun) {
    return planTraffic(ctx, inputs, {
      router,
      claim: claim as ClaimView,
      plan,
      record,
      method,
      candidateReady: await isReady(ctx, sideRef(ctx, router, 'green')),
      candidate,
      scaleDownBy: ctx.platform.capabilities.lifecycle ? 'stop' : 'scale to 0',
      steps,
    })
  }
  ctx.section('release')
  if (claim.resumed) ctx.log.info(`release ${inputs.releaseId}: re-run, going on from its record (started ${claim.resumed.startedAt})`)
  const images = await sideImages(ctx, router)
  // an abort by hand overrides whatever is in flight; every other command stops once the router is another run's
  const keeper = new RecordKeeper(
    ctx,
    router,
    inputs.releaseId,
    new Date(record.startedAt).toISOString(),
    images,
    inputs.command !== 'abort',
  )
  let split: TrafficSplit | null = before
  let wrote = false
  // the weight the router had after this release's last write or look: another value means someone else moved it
  let seen: number | null = before?.green ?? null
  /** the record another run wrote in place of this release's: the release stops, writing nothing more */
  let taken: TakenBy | undefined
  // a release in flight: the post step puts traffic back on stable if this step is killed
  ctx.saveState('release', 'in-flight')

  try {
    for (;;) {
      if (ctx.signal.aborted) ctx.startCleanup()
      const observed = split === null ? null : split.green
      const ready = await isReady(ctx, sideRef(ctx, router, 'green'))
      const decision = decide(
        record,
        { weight: observed, candidateReady: ready, gate: gate?.current ?? emptyGate(), cancelled: ctx.signal.aborted },
        plan,
        Date.now(),
      )
      // before it writes, and when the router moved under it, the release makes sure the router is still its own
      if (decision.writes.length > 0 || observed !== seen) {
        const found = await keeper.takenBy()
        // a record gone is this release's to write again, unless the router moved under it too
        taken = found === GONE && observed === seen ? undefined : found
        if (taken) break
        seen = observed
      }
      // a step left for the next one with the router still at its weight passed its gate; else the router was moved
      if (record.stepReachedAt !== undefined && decision.record.step !== record.step && gate) {
        const passed = decision.record.step === record.step + 1 && observed === plan.steps[record.step]?.weight
        const verdict = passed ? 'passed' : `not judged (the router was moved to ${observed}%)`
        stepLog.push(gateLine(plan.steps[record.step]?.weight ?? record.weight, verdict, Date.now() - record.stepReachedAt, gate))
        ctx.log.info(`gate, step ${record.step + 1}: ${stepLog.at(-1)}`)
      }
      // the last step's gate is judged as the release stops walking steps, before an abort's write resets it
      if (decision.record.phase !== 'progressing' && record.phase === 'progressing' && gate && record.stepReachedAt !== undefined) {
        lastGate = gateLine(record.weight, lastVerdict(decision.record, gate, plan), Date.now() - record.stepReachedAt, gate)
        ctx.log.info(`gate, step ${record.step + 1}: ${lastGate}`)
      }
      if (decision.record.phase !== record.phase && decision.record.phase !== 'progressing')
        ctx.log.info(`release: ${decision.record.phase}: ${decision.record.reason}`)
      else if (decision.record.reason !== record.reason && decision.record.reason) ctx.log.info(`release: ${decision.record.reason}`)
      // an abort gets the same time again: a passed deadline is often why it aborts
      if (decision.record.phase === 'aborting' && record.phase === 'progressing') ctx.deadline.restart()
      record = decision.record
      wrote ||= decision.writes.length > 0
      // a cancel that came during this round's reads: the abort's writes must still reach the platform
      if (ctx.signal.aborted) ctx.startCleanup()
      // an abort by hand says so in the record before it moves the router: a release still running
      // there reads the record before its next write, and stops instead of writing over the abort
      if (inputs.command === 'abort' && decision.writes.length > 0) await keeper.save(storedRecord(record, plan, ctx.signal.aborted))
      for (const write of decision.writes) {
        if (write.kind === 'set-weight') {
          const label = record.phase === 'aborting' ? `abort: all traffic to ${router.blue}` : `shift to ${write.weight}%`
          split = await ctx.phase(label, () =>
            writeSplit(ctx, router, { blue: 100 - write.weight, green: write.weight, routingMethod: method }, split),
          )
          seen = split?.green ?? null
          gate?.reset()
          ctx.section(record.phase === 'aborting' ? 'abort' : `hold at ${write.weight}%${gate ? ', gate' : ''}`)
        } else {
          await ctx.phase(`scale down ${router.green}`, () => scaleDown(ctx, router))
          ctx.section('abort')
        }
      }
      // the record keeps the weight the router has now, after this round's writes (and the claim fresh)
      const stored = storedRecord({ ...record, weight: split?.green ?? record.weight }, plan, ctx.signal.aborted)
      taken = await keeper.save(stored)
      if (taken || finished(record, plan, ctx.signal.aborted)) break
      if (decision.writes.length > 0) continue
      if (gate && record.phase === 'progressing' && record.stepReachedAt !== undefined) await gate.sample()
      const pause = Math.min(inputs.gate?.intervalMs ?? TICK_MS, ctx.deadline.remainingMs())
      if (!ctx.signal.aborted) taken = await keeper.hold(pause, stored, ctx.signal)
      if (taken) break
      // at the deadline the next round aborts on what it knows; a read cut short by a cancel is
      // read again at the top of the loop, in cleanup
      if (ctx.deadline.remainingMs() === 0) continue
      split = await traffic.readTraffic(router).catch((error: unknown) => {
        if (ctx.signal.aborted) return split
        throw error
      })
    }
  } catch (error) {
    // traffic is never left split by an error, nor by a cancel: once this release moved it, it
    // goes back to stable first (after a cancel, with requests that no longer listen to it)
    if (!wrote && claim.resumed === undefined) throw error
    if (error instanceof NotSentAgainError) throw notSentAgain(ctx, router, error)
    if (ctx.signal.aborted) ctx.startCleanup()
    // a call cut short by the deadline is the deadline's abort, said as the release says it (with
    // the call that was cut, unless it was never sent)
    const cut = error instanceof NetworkError && (error.code === 'DEADLINE' || ctx.deadline.remainingMs() === 0)
    const deadline = cut
      ? decide(record, { weight: split?.green ?? null, candidateReady: false, gate: emptyGate(), cancelled: false }, plan, plan.deadline)
          .record.reason
      : undefined
    const message = ctx.signal.aborted ? 'the job was cancelled' : (error as Error).message
    const why = deadline === undefined ? message : (error as NetworkError).code === 'DEADLINE' ? deadline : `${deadline} (${message})`
    if (gate && record.phase === 'progressing' && record.stepReachedAt !== undefined) {
      lastGate = gateLine(record.weight, `not judged (${why})`, Date.now() - record.stepReachedAt, gate)
      ctx.log.info(`gate, step ${record.step + 1}: ${lastGate}`)
    }
    // a router another run has taken since is theirs to put back, not this release's
    const found = await keeper.takenBy()
    taken = found === GONE ? undefined : found
    if (taken === undefined) {
      split = await putBackOnStable(ctx, router, method, why)
      record = { ...record, phase: 'aborted', weight: 0, verdict: 'failed', reason: why }
      await keeper.save(record)
    }
  }
  /** the split at the end: 'unread' when the router could not be read once another run had it */
  let atEnd: TrafficSplit | null | 'unread' = split
  if (taken !== undefined) {
    record = { ...record, phase: 'aborted', verdict: 'failed', reason: takenOver(taken, inputs.releaseId) }
    ctx.log.warning(`release: ${record.reason}`)
    // a write of this release may have landed after the abort's: the abort's word stands
    if (abortedBy(taken)) atEnd = await afterAbortBy(ctx, router, method)
    // the other run may have moved the router since this release last read it (during a hold):
    // the outputs and the summary show it as that run left it, or unknown when it cannot be read
    else {
      const now = await requireRouter(ctx)
        .readTraffic(router)
        .catch(() => undefined)
      atEnd = now === undefined ? 'unread' : now
    }
  }
  if (lastGate !== undefined) stepLog.push(lastGate)
  if (!wrote && atEnd !== 'unread') ctx.log.info(`${router.router}: already at ${formatSplit(atEnd)}; nothing to write`)
  ctx.saveState('release', record.phase)
  return result(ctx, { ...inputs, steps }, router, before, atEnd, record, stepLog, taken !== undefined)
}

/**
 * Stopped by another run's abort, this release reads the router once more: a weight it wrote in
 * the moment between the abort's write and its record is put back on stable, so the abort's
 * outcome (no traffic on the candidate) holds. The split as read, or as put back.
 */
async function afterAbortBy(ctx: ReleaseContext, router: RouterRef, method: TrafficSplit['routingMethod']) {
  const now = await requireRouter(ctx)
    .readTraffic(router)
    .catch(() => null)
  if (now === null || now.green === 0) return now
  return putBackOnStable(ctx, router, method, `the router still sent ${now.green}% to ${router.green} after the abort`)
}

/**
 * The record as the router keeps it: an aborted release still waiting out the scale-down delay is
 * kept `aborting` (in flight), so that no other release claims the router before the candidate is
 * taken out of service.
 */
function storedRecord(record: ReleaseRecord, plan: Plan, cancelled: boolean): ReleaseRecord {
  return record.phase === 'aborted' && !finished(record, plan, cancelled) ? { ...record, phase: 'aborting' } : record
}

/**
 * The live side is the one with the larger share (blue when there is no router yet); the other is
 * idle. The summary also shows the last release, when the router keeps a record.
 */
function status(ctx: ReleaseContext, router: RouterRef, split: TrafficSplit | null, record: StoredRecord | null): ActionResult {
  const greenLive = split !== null && split.green > split.blue
  const [stable, candidate] = greenLive ? [router.green, router.blue] : [router.blue, router.green]
  const steady = split === null || split.green === 0 || split.green === 100
  return {
    title: `${router.router}: ${stable} is live`,
    outputs: {
      weights: split ? weightsJson(split) : '',
      phase: steady ? 'steady' : 'split',
      weight: String(split === null ? 0 : greenLive ? split.blue : split.green),
      verdict: '',
      reason: steady ? '' : `a release is in flight: ${formatSplit(split)}`,
      stable,
      candidate,
    },
    rows: [
      ['Platform', ctx.platform.name],
      ['Router', router.router],
      ['Traffic', formatSplit(split)],
      ['Live / idle', `${stable} / ${candidate}`],
      ...(record
        ? ([['Last release', `${record.release}: ${record.phase}, ${record.candidate} at ${record.weight}% (from ${record.stable})`]] as [
            string,
            string,
          ][])
        : []),
    ],
    notes: [],
  }
}

/**
 * The record the post step checks before its abort. One that cannot be read is no reason to
 * leave traffic split: it warns, and the abort goes on as where there is no record.
 */
async function ownerRecord(ctx: ReleaseContext, router: RouterRef): Promise<StoredRecord | null> {
  try {
    return await readRecord(ctx, router)
  } catch (error) {
    ctx.log.warning(`${router.router}: the release record could not be read (${(error as Error).message}): aborting all the same`)
    return null
  }
}

/**
 * Why an abort of this release's own (the post step's) leaves the router alone: its record names
 * another release, or says this one had ended (paused, promoted, aborted) before the main step was
 * killed; undefined when it is still this release's, in flight, or there is no record (then the
 * router's state is all there is, as for the release itself).
 */
function othersRouter(record: StoredRecord | null, releaseId: string): string | undefined {
  if (record === null) return undefined
  if (!sameRelease(record.release, releaseId)) return `release ${record.release} runs on it now (${record.phase})`
  if (!inFlight(record.phase)) return `release ${releaseId} had already ended (${record.phase})`
  return undefined
}

/** The image each side runs as the release starts, for the record (where the platform keeps one). */
async function sideImages(ctx: ReleaseContext, router: RouterRef): Promise<{ stableImage?: string; candidateImage?: string }> {
  if (!ctx.platform.writeRecord) return {}
  const [stable, candidate] = await Promise.all(
    (['blue', 'green'] as const).map((side) => ctx.platform.describe(sideRef(ctx, router, side)).catch(() => null)),
  )
  return { ...(stable?.image && { stableImage: stable.image }), ...(candidate?.image && { candidateImage: candidate.image }) }
}

/** A step's gate for the summary: "50%: failed after 2.1 s: 3/5 probe(s) good, …". */
function gateLine(weight: number, verdict: string, heldMs: number, gate: HealthGate): string {
  return `${weight}%: ${verdict} after ${(heldMs / 1000).toFixed(1)} s: ${gate.describe()}`
}

/** The last step's gate: passed, failed on its own counts, or ended by something else (a deadline, a cancel). */
function lastVerdict(record: ReleaseRecord, gate: HealthGate, plan: Plan): string {
  const counts = gate.current
  const failed =
    counts.failures > plan.failureLimit || (plan.consecutiveErrorLimit > 0 && counts.consecutiveErrors >= plan.consecutiveErrorLimit)
  return record.verdict === 'passed' ? 'passed' : failed ? 'failed' : `not judged (${record.reason})`
}

function finished(record: ReleaseRecord, plan: Plan, cancelled: boolean): boolean {
  if (record.phase === 'promoted' || record.phase === 'paused') return true
  // after a cancel there is no time left to wait for the scale-down delay
  return record.phase === 'aborted' && (record.scaledDown || plan.scaleDownAfterMs === undefined || cancelled)
}

/**
 * The side about to receive traffic must exist and run; one still deploying is waited for. Where
 * the split is a replica ratio, the router itself starts the side's instances.
 */
async function requireReceiver(ctx: ReleaseContext, ref: ServiceRef) {
  const service = ref.service
  const state = await ctx.platform.describe(ref)
  const startedByRouter = ctx.platform.capabilities.traffic === 'replicas'
  const running = state !== null && (state.phase === 'running' || state.phase === 'deploying') && state.replicas > 0
  const idle = state !== null && (state.phase === 'stopped' || state.replicas === 0)
  if (state === null || !(running || (startedByRouter && idle))) {
    const why = state === null ? 'is not found' : state.replicas === 0 ? 'has no running replica' : `is not running (${state.status})`
    throw new PlatformError(
      ctx.platform.name,
      'shift traffic',
      service,
      `it would receive traffic but ${why}; the router was left as it was`,
    )
  }
  return state
}

/**
 * A write of the router whose answer was lost, and which a second send would do twice (ServiceStage:
 * a second rollback_current, after the first landed, rolls the stable version back): neither an
 * abort nor the post step sends it again. The step fails saying so.
 */
function notSentAgain(ctx: ReleaseContext, router: RouterRef, error: NotSentAgainError, why?: string): PlatformError {
  // the post step sees the write in doubt in the state (settle.ts, inDoubt) and writes nothing
  const during = why === undefined ? '' : `${why}; putting all traffic back on ${router.blue}: `
  return new PlatformError(
    ctx.platform.name,
    error.operation,
    router.router,
    `${during}${error.platformMessage} (the post step does not send it either)`,
    'failed',
  )
}

/**
 * After a failure with traffic moved: all of it back on stable, read back, within the same time
 * again (the failure may have used up the deadline). When even that fails, the post step tries
 * once more; the error says both.
 */
async function putBackOnStable(ctx: ReleaseContext, router: RouterRef, method: TrafficSplit['routingMethod'], why: string) {
  ctx.section('abort')
  ctx.log.warning(`release: ${why}; putting all traffic back on ${router.blue}`)
  ctx.deadline.restart()
  try {
    // a write that failed may have moved nothing (a candidate that did not start takes no share)
    const now = await requireRouter(ctx)
      .readTraffic(router)
      .catch(() => undefined)
    if (now?.green === 0) {
      ctx.log.info(`${router.router}: ${formatSplit(now)}; nothing to put back`)
      return now
    }
    return await ctx.phase(`abort: all traffic to ${router.blue}`, () =>
      writeSplit(ctx, router, { blue: 100, green: 0, routingMethod: method }, now ?? null),
    )
  } catch (abortError) {
    if (abortError instanceof NotSentAgainError) throw notSentAgain(ctx, router, abortError, why)
    throw new PlatformError(
      ctx.platform.name,
      'abort',
      router.router,
      `${why}; putting all traffic back on ${router.blue} failed too (${(abortError as Error).message}): traffic may still be split, and the post step will try again`,
      'failed',
    )
  }
}

/**
 * Fully running: every replica, and at least one. A stopped side is ready where the router starts
 * it (a replica split), since the write waits until its instances run.
 */
async function isReady(ctx: ReleaseContext, ref: ServiceRef): Promise<boolean> {
  const state = await ctx.platform.describe(ref).catch(() => null)
  if ((state?.phase === 'stopped' || state?.replicas === 0) && ctx.platform.capabilities.traffic === 'replicas') return true
  return state !== null && state.phase === 'running' && state.replicas > 0 && state.ready === state.replicas
}

/** Takes the aborted candidate out of service: stopped where the platform can stop it, else 0 replicas. */
async function scaleDown(ctx: ReleaseContext, router: RouterRef): Promise<void> {
  const ref = sideRef(ctx, router, 'green')
  const operation = ctx.platform.capabilities.lifecycle
    ? await ctx.platform.lifecycle(ref, 'stop')
    : await ctx.platform.scale(ref, { replicas: 0 })
  ctx.log.info(`${ctx.platform.name}: ${ref.service} taken out of service (operation ${operation.id})`)
}

function result(
  ctx: ReleaseContext,
  inputs: TrafficInputs,
  router: RouterRef,
  before: TrafficSplit | null,
  read: TrafficSplit | null | 'unread',
  record: ReleaseRecord,
  stepLog: string[],
  stopped: boolean,
): ActionResult {
  const notes: string[] = []
  const after = read === 'unread' ? null : read
  if (after?.routingMethod === 'sticky-sessions' && before !== null && before.green !== after.green) {
    notes.push('Sticky sessions: users who already have a session stay on the side they were on until it expires.')
  }
  // unknown when the router could not be read at the end: never this release's own last weight
  const weight = read === 'unread' ? '' : String(after?.green ?? record.weight)
  // an abort asked for is a success when it put traffic back; a release that had to abort is not
  const failed = record.verdict === 'failed' && inputs.command !== 'abort'
  return {
    title: failed ? `Release on ${router.router} aborted: ${record.reason}` : `Traffic on ${router.router}: green ${weight}%`,
    outputs: {
      weights: after ? weightsJson(after) : '',
      phase: record.phase,
      weight,
      verdict: record.verdict,
      reason: record.reason,
      stable: router.blue,
      candidate: router.green,
    },
    rows: [
      ['Platform', ctx.platform.name],
      ['Router', router.router],
      ['Stable / candidate', `${router.blue} / ${router.green}`],
      ['Steps', inputs.steps.map((s) => `${s.weight}%${s.holdMs ? ` for ${s.holdMs / 1000}s` : ''}`).join(', ')],
      ['Traffic before', formatSplit(before)],
      ['Traffic after', read === 'unread' ? 'unknown: the router could not be read' : formatSplit(after)],
      ...stepLog.map((line, i): [string, string] => [`Gate, step ${i + 1}`, line]),
      ['Phase', record.phase],
      ['Verdict', `${record.verdict}${record.reason ? `: ${record.reason}` : ''}`],
    ],
    notes,
    ...(failed && {
      failure: stopped
        ? `${ctx.platform.name}: release on "${router.router}" stopped: ${record.reason}`
        : `${ctx.platform.name}: release on "${router.router}" aborted, all traffic back on ${router.blue}: ${record.reason}`,
    }),
  }
}

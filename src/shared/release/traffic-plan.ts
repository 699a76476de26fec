import type { TrafficInputs } from '../inputs/traffic.js'
import type { RouterRef, ServiceState, StoredRecord, TrafficSplit } from '../platforms/platform.js'
import type { ActionResult, ReleaseContext } from './context.js'
import { decide, type GateCounts, type Plan, type ReleaseRecord } from './progressive.js'
import { newPlan, planned, type PlannedWrite } from './plan.js'
import type { ClaimView } from './record.js'
import { formatSplit, weightsJson } from './split.js'

/**
 * A dry run of action-traffic: `decide` (progressive.ts), the function the real release loop
 * calls, walked from what was read (the router's weight, the record, the candidate), with every
 * write taken as landed and every gate as passed, the clock moved on by each step's hold. The
 * writes it returns are the ones the real loop would carry out, in order; one that a real run
 * would not reach (a gate that fails, a candidate that stops) is what `onFailure` then says.
 */

export type ProjectedWrite =
  { kind: 'set-weight'; from: number | null; to: number; record: ReleaseRecord } | { kind: 'scale-down-candidate'; afterMs: number }

/** Rounds of `decide` a projection may take: each step takes at most three (write, reach, hold). */
const MAX_ROUNDS = 1000

export function projectRelease(record: ReleaseRecord, weight: number | null, plan: Plan, now: number): ProjectedWrite[] {
  return projectEnd(record, weight, plan, now).writes
}

/** The projection's writes and the record it ends with (promoted, paused or aborted). */
export function projectEnd(
  record: ReleaseRecord,
  weight: number | null,
  plan: Plan,
  now: number,
): { writes: ProjectedWrite[]; record: ReleaseRecord } {
  const gate: GateCounts = { samples: plan.minSamples, failures: 0, errors: 0, consecutiveErrors: 0 }
  const writes: ProjectedWrite[] = []
  let observed = weight
  let current = record
  let clock = now
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const decision = decide(current, { weight: observed, candidateReady: true, gate, cancelled: false }, plan, clock)
    for (const write of decision.writes) {
      if (write.kind === 'set-weight') {
        writes.push({ kind: 'set-weight', from: observed, to: write.weight, record: decision.record })
        observed = write.weight
      } else writes.push({ kind: 'scale-down-candidate', afterMs: plan.scaleDownAfterMs ?? 0 })
    }
    current = decision.record
    if (current.phase === 'promoted' || current.phase === 'paused') break
    if (current.phase === 'aborted' && (current.scaledDown || plan.scaleDownAfterMs === undefined)) break
    if (decision.writes.length > 0) continue
    // nothing to write this round: the real loop waits; the projection moves its clock to when the wait ends
    if (current.phase === 'progressing' && current.stepReachedAt !== undefined)
      clock = Math.max(clock, current.stepReachedAt + (plan.steps[current.step]?.holdMs ?? 0))
    else if (current.phase === 'aborted' && current.abortedAt !== undefined) clock = current.abortedAt + (plan.scaleDownAfterMs ?? 0)
  }
  return { writes, record: current }
}

function duration(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}

export interface TrafficPlanFacts {
  router: RouterRef
  claim: ClaimView
  plan: Plan
  record: ReleaseRecord
  method: TrafficSplit['routingMethod']
  /** the candidate runs every replica now */
  candidateReady: boolean
  candidate: ServiceState
  /** how an aborted candidate is taken out of service: stopped, or scaled to 0 replicas */
  scaleDownBy: 'stop' | 'scale to 0'
  /** the plan's steps as the router can take them */
  steps: TrafficInputs['steps']
}

function splitText(green: number | null, method: TrafficSplit['routingMethod']): string {
  return green === null ? 'no router yet' : formatSplit({ blue: 100 - green, green, routingMethod: method })
}

/** The release's writes as plan lines, labelled as the real run's phases are. */
function writeLines(writes: ProjectedWrite[], facts: TrafficPlanFacts, gated: string): PlannedWrite[] {
  const { router, plan, method } = facts
  return writes.map((write): PlannedWrite => {
    if (write.kind === 'scale-down-candidate') {
      return {
        operation: `scale down ${router.green}`,
        target: router.green,
        before: 'running, no traffic',
        after: facts.scaleDownBy === 'stop' ? 'stopped' : '0 replicas',
        detail: `${duration(write.afterMs)} after all traffic left it`,
      }
    }
    const aborting = write.record.phase === 'aborting'
    const step = plan.steps[write.record.step]
    const last = write.record.step === plan.steps.length - 1
    const detail = aborting
      ? 'read back until the router shows 0% on the candidate'
      : `${write.from === null ? 'installs the router; ' : ''}step ${write.record.step + 1} of ${plan.steps.length}, ${step?.holdMs ? `held ${duration(step.holdMs)}` : 'no hold'}${gated}${last ? (write.to === 100 ? ', then promoted' : ', then paused') : ''}`
    return {
      operation: aborting ? `abort: all traffic to ${router.blue}` : `shift to ${write.to}%`,
      target: router.router,
      before: splitText(write.from, method),
      after: splitText(write.to, method),
      detail,
    }
  })
}

function recordText(record: StoredRecord | null): string {
  return record === null ? 'no record' : `release ${record.release}: ${record.phase}, ${record.candidate} at ${record.weight}%`
}

/** The dry run's result: the router's claim, the weights step by step, the record, and what an abort would write. */
export async function planTraffic(ctx: ReleaseContext, inputs: TrafficInputs, facts: TrafficPlanFacts): Promise<ActionResult> {
  const { router, claim, plan, record } = facts
  const name = ctx.platform.name
  const result = newPlan('traffic', name)
  const before = claim.split
  const gated = inputs.gate ? `, behind the health gate (${inputs.gate.samples} probe(s) of ${inputs.gate.url.href} at least)` : ''
  if (claim.waitsFor) {
    result.notes.push(
      `Release ${claim.waitsFor.release} is in flight on "${router.router}" (${claim.waitsFor.phase}, since ${claim.waitsFor.startedAt}): a real run would wait for it to end (in-flight: wait) before any write; the plan is the one it would carry out then, from the router as it is now.`,
    )
  }
  if (claim.resumed)
    result.notes.push(`A re-run of release ${inputs.releaseId} (started ${claim.resumed.startedAt}): it goes on from its record.`)
  if (claim.claims) {
    result.writes.push({
      operation: 'claim the router',
      target: router.router,
      before: recordText(claim.record),
      after: `release ${inputs.releaseId}: progressing`,
      detail: 'the release record, read back a second later',
    })
  }
  const { writes, record: end } = projectEnd(record, before?.green ?? null, plan, Date.now())
  // what the router would refuse of each write, from the split it would have then (writeTraffic's own checks)
  const check = ctx.platform.checkTraffic
  for (const write of writes) {
    if (write.kind !== 'set-weight' || !check) continue
    const split = (green: number): TrafficSplit => ({ blue: 100 - green, green, routingMethod: facts.method })
    check.call(ctx.platform, router, split(write.to), write.from === null ? null : split(write.from))
  }
  result.writes.push(...writeLines(writes, facts, gated))
  const weights = writes.filter((write) => write.kind === 'set-weight')
  const aborts = end.phase === 'aborting' || end.phase === 'aborted'
  if (ctx.platform.writeRecord) {
    result.writes.push({
      operation: 'release record',
      target: router.router,
      before: recordText(claim.record),
      after: `release ${inputs.releaseId}: ${end.phase}, green at ${end.weight}%`,
      detail: 'kept up to date at each step',
    })
  }
  if (end.reason) result.notes.push(`The release would end ${end.phase}: ${end.reason}.`)
  if (weights.length === 0)
    result.notes.push(`${router.router} already is where this run would put it (${formatSplit(before)}): no weight would be written.`)
  // what an abort would write, from the highest share the release would give the candidate
  const peak = Math.max(before?.green ?? 0, ...weights.map((write) => write.to))
  if (!aborts && inputs.command !== 'abort' && peak > 0) {
    const aborted = projectRelease(
      { ...record, phase: 'progressing', weight: peak },
      peak,
      { ...plan, abortRequested: 'a failed gate' },
      Date.now(),
    )
    result.onFailure.push(...writeLines(aborted, facts, gated))
    result.notes.push(
      `On a failed gate, a passed deadline or a cancelled job, all traffic goes back to ${router.blue} first (from whatever share green has then, up to ${peak}%).`,
    )
  }
  if (!facts.candidateReady && weights.some((write) => write.to > (write.from ?? 0)))
    result.notes.push(
      `${router.green} runs ${facts.candidate.ready} of ${facts.candidate.replicas} replica(s) now (${facts.candidate.status}): a real run waits for every replica before it raises the weight.`,
    )
  const holds = plan.steps.reduce((sum, step) => sum + step.holdMs, 0)
  if (holds > ctx.deadline.remainingMs())
    result.notes.push(`The holds add up to ${duration(holds)}, more than the timeout: a real run would abort at the deadline.`)
  return planned(
    ctx,
    result,
    {
      weights: before ? weightsJson(before) : '',
      phase: 'dry-run',
      weight: String(before?.green ?? 0),
      verdict: '',
      reason: 'dry run: nothing was written; the plan output says what a real run would write',
      stable: router.blue,
      candidate: router.green,
    },
    [
      ['Platform', name],
      ['Router', router.router],
      ['Stable / candidate', `${router.blue} / ${router.green}`],
      ['Steps', facts.steps.map((s) => `${s.weight}%${s.holdMs ? ` for ${s.holdMs / 1000}s` : ''}`).join(', ')],
      ['Traffic now', formatSplit(before)],
    ],
  )
}

/**
 * The progressive release as a pure function: (record, observed, plan, now) → (writes, record).
 * The traffic action observes the platform, calls `decide`, carries out the writes, reads the
 * router back and calls `decide` again, until the release is promoted or aborted. Observed state
 * always wins over the record: a weight read from the router replaces the one remembered.
 */

export interface PlanStep {
  /** the candidate's share, 0-100 */
  weight: number
  /** how long to hold it, judged by the health gate, before the next step */
  holdMs: number
}

export interface Plan {
  steps: PlanStep[]
  /** epoch ms: past it, the release aborts */
  deadline: number
  /** probes needed at a step before it can pass (0: no gate) */
  minSamples: number
  failureLimit: number
  consecutiveErrorLimit: number
  /** after an abort, scale the candidate down this long after traffic left it; undefined: keep it */
  scaleDownAfterMs?: number
  /** abort now, for this reason (action-traffic `command: abort`, or its post step after a killed job) */
  abortRequested?: string
}

/** promoted: the candidate has 100%; paused: the plan's last step (under 100%) passed its gate */
export type Phase = 'progressing' | 'promoted' | 'paused' | 'aborting' | 'aborted'

export interface ReleaseRecord {
  phase: Phase
  /** index into plan.steps of the step being walked */
  step: number
  /** the candidate's share as last observed */
  weight: number
  startedAt: number
  /** when the current step's weight was first observed on the router */
  stepReachedAt?: number
  /** when the router was first observed at 0% after an abort */
  abortedAt?: number
  scaledDown: boolean
  verdict: 'pending' | 'passed' | 'failed'
  reason: string
}

/** What the health gate saw at the current step, counted since the step's weight was reached. */
export interface GateCounts {
  samples: number
  /** the app answered, badly (status, JSON field, latency) */
  failures: number
  /** the probe could not run (refused, timed out) */
  errors: number
  consecutiveErrors: number
  /** the last bad sample, for the reason */
  last?: string
}

export interface Observed {
  /** the candidate's share the router reports; null when the router does not exist yet */
  weight: number | null
  /** every replica of the candidate runs */
  candidateReady: boolean
  gate: GateCounts
  cancelled: boolean
}

export type Write = { kind: 'set-weight'; weight: number } | { kind: 'scale-down-candidate' }

export interface Decision {
  writes: Write[]
  record: ReleaseRecord
}

export function startRecord(now: number, weight: number): ReleaseRecord {
  return { phase: 'progressing', step: 0, weight, startedAt: now, scaledDown: false, verdict: 'pending', reason: '' }
}

const NO_GATE: GateCounts = { samples: 0, failures: 0, errors: 0, consecutiveErrors: 0 }

export function emptyGate(): GateCounts {
  return { ...NO_GATE }
}

export function decide(record: ReleaseRecord, observed: Observed, plan: Plan, now: number): Decision {
  const weight = observed.weight ?? record.weight
  let next: ReleaseRecord = { ...record, weight }

  if (next.phase === 'promoted' || next.phase === 'paused') return { writes: [], record: next }
  if (next.phase === 'aborted' && (next.scaledDown || plan.scaleDownAfterMs === undefined)) return { writes: [], record: next }
  if (plan.abortRequested && next.phase === 'progressing' && weight === 0) {
    // nothing in flight: an abort has nothing to do
    return {
      writes: [],
      record: {
        ...next,
        phase: 'aborted',
        scaledDown: true,
        verdict: 'passed',
        reason: 'nothing in flight: all traffic already on stable',
      },
    }
  }

  if (next.phase === 'progressing') {
    const why = abortReason(next, observed, plan, now)
    if (why !== undefined) next = { ...next, phase: 'aborting', verdict: 'failed', reason: why }
  }

  if (next.phase === 'aborting' || next.phase === 'aborted') return abort(next, weight, plan, now)

  if (observed.weight === null) {
    // no router yet: writing the first step's weight creates it
    const first = plan.steps[0] as PlanStep
    return { writes: [{ kind: 'set-weight', weight: first.weight }], record: { ...next, step: 0, stepReachedAt: undefined } }
  }
  // re-entry after a crash, a re-run, or a router changed by hand: find the step the observed weight belongs to
  next = alignStep(next, plan)
  const step = plan.steps[next.step] as PlanStep
  if (weight !== step.weight) {
    if (weight < step.weight && !observed.candidateReady) {
      // never raise the weight while the candidate is not fully running: wait (the deadline still holds)
      return { writes: [], record: { ...next, reason: 'waiting for every replica of the candidate to run' } }
    }
    return { writes: [{ kind: 'set-weight', weight: step.weight }], record: { ...next, stepReachedAt: undefined, reason: '' } }
  }
  const reachedAt = next.stepReachedAt ?? now
  next = { ...next, stepReachedAt: reachedAt }
  const held = now - reachedAt >= step.holdMs
  // good answers only: a probe that could not run, or answered badly, is no evidence the step is healthy
  const gated = observed.gate.samples - observed.gate.failures - observed.gate.errors >= plan.minSamples
  if (!held || !gated) return { writes: [], record: next }
  if (next.step === plan.steps.length - 1) {
    const phase = step.weight === 100 ? 'promoted' : 'paused'
    return { writes: [], record: { ...next, phase, verdict: 'passed', reason: `${step.weight}% on the candidate passed its gate` } }
  }
  const following = plan.steps[next.step + 1] as PlanStep
  if (following.weight > weight && !observed.candidateReady) {
    return { writes: [], record: { ...next, reason: 'waiting for every replica of the candidate to run' } }
  }
  return {
    writes: [{ kind: 'set-weight', weight: following.weight }],
    record: { ...next, step: next.step + 1, stepReachedAt: undefined, reason: '' },
  }
}

function abortReason(record: ReleaseRecord, observed: Observed, plan: Plan, now: number): string | undefined {
  if (observed.cancelled) return 'the job was cancelled'
  if (plan.abortRequested) return plan.abortRequested
  const gate = observed.gate
  if (gate.failures > plan.failureLimit) {
    return `health gate failed at ${record.weight}%: ${gate.failures} bad answer(s) of ${gate.samples} (limit ${plan.failureLimit})${gate.last ? `, last: ${gate.last}` : ''}; ${gate.errors} probe(s) could not run`
  }
  if (plan.consecutiveErrorLimit > 0 && gate.consecutiveErrors >= plan.consecutiveErrorLimit) {
    return `health gate failed at ${record.weight}%: ${gate.consecutiveErrors} probe(s) in a row could not run${gate.last ? ` (${gate.last})` : ''}; ${gate.failures} bad answer(s)`
  }
  if (now >= plan.deadline) return `the deadline passed at step ${record.step + 1} of ${plan.steps.length} (${record.weight}%)`
  return undefined
}

/** Abort: all traffic to stable first; only once the router shows it, scale the candidate down. */
function abort(record: ReleaseRecord, weight: number, plan: Plan, now: number): Decision {
  if (weight !== 0) return { writes: [{ kind: 'set-weight', weight: 0 }], record: { ...record, phase: 'aborting' } }
  const abortedAt = record.abortedAt ?? now
  const next: ReleaseRecord = { ...record, phase: 'aborted', abortedAt }
  if (plan.scaleDownAfterMs === undefined || next.scaledDown) return { writes: [], record: next }
  if (now - abortedAt < plan.scaleDownAfterMs) return { writes: [], record: next }
  return { writes: [{ kind: 'scale-down-candidate' }], record: { ...next, scaledDown: true } }
}

/**
 * The step the observed weight belongs to: the last step whose weight is at or below it, so a
 * release found at 50% of "10,50,100" goes on at 50% without writing 10% again.
 */
function alignStep(record: ReleaseRecord, plan: Plan): ReleaseRecord {
  const current = plan.steps[record.step]
  if (current !== undefined && current.weight === record.weight) return record
  let step = 0
  plan.steps.forEach((candidate, index) => {
    if (candidate.weight <= record.weight) step = index
  })
  if (step === record.step) return record
  return { ...record, step, stepReachedAt: undefined }
}

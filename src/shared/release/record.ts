import type { TrafficInputs } from '../inputs/traffic.js'
import { CLAIM_TTL_MS, inFlight, PlatformError, type RouterRef, type StoredRecord, type TrafficSplit } from '../platforms/platform.js'
import { sameRelease } from '../platforms/record-label.js'
import type { ReleaseContext } from './context.js'
import type { PlanStep, ReleaseRecord } from './progressive.js'
import { sleep } from './sleep.js'

/** a running release refreshes its claim this often */
const REFRESH_MS = CLAIM_TTL_MS / 3
/** how long a claim is left before it is read back: a release that claimed in the same moment has written by then */
const CLAIM_SETTLE_MS = 1000
/** how soon a refresh of the claim that failed is tried again while the release holds */
const RETRY_MS = 5000
/** how often a release that waits for another looks again */
const WAIT_MS = 2000

/**
 * The record says a release is under way, and either the router agrees (it is split) or the
 * release claimed it lately. A record that says "in flight" while the router is not split and
 * nobody refreshed it is stale (the release died): the router wins.
 */
function live(record: StoredRecord | null, split: TrafficSplit | null, now: number): record is StoredRecord {
  if (record === null || !inFlight(record.phase)) return false
  const splitNow = split !== null && split.green > 0 && split.green < 100
  return splitNow || now - Date.parse(record.updatedAt) < CLAIM_TTL_MS
}

export async function readRecord(ctx: ReleaseContext, router: RouterRef): Promise<StoredRecord | null> {
  return ctx.platform.readRecord ? ctx.platform.readRecord(router) : null
}

export interface Claim {
  /** the router as it was once the claim held */
  split: TrafficSplit | null
  /** this release's own record from an earlier run (a re-run): its clock and its step go on */
  resumed?: StoredRecord
}

/**
 * One release per router. Before its first write a release claims the router in its record
 * (write, leave it a moment, read it back): a claim that is not ours means another release is in
 * flight, and this one waits for it to end (within the deadline) or fails at once, by the
 * `in-flight` input. A re-run of the same release (same release id) finds its own record and goes
 * on from it. Where the platform keeps no record, the router's state is all there is: it goes on.
 */
export async function claimRouter(
  ctx: ReleaseContext,
  router: RouterRef,
  inputs: TrafficInputs,
  read: () => Promise<TrafficSplit | null>,
): Promise<Claim> {
  const writeRecord = ctx.platform.writeRecord
  for (;;) {
    const split = await read()
    const record = await readRecord(ctx, router)
    const held = live(record, split, Date.now())
    if (held && !sameRelease(record.release, inputs.releaseId)) {
      await otherRelease(ctx, router, inputs, record)
      continue
    }
    if (held) return { split, resumed: record }
    // no record without a router: the first write creates it
    if (!writeRecord || split === null) return { split }
    const now = new Date().toISOString()
    const claim: StoredRecord = {
      release: inputs.releaseId,
      stable: router.blue,
      candidate: router.green,
      phase: 'progressing',
      step: 1,
      weight: split?.green ?? 0,
      startedAt: now,
      updatedAt: now,
    }
    await writeRecord.call(ctx.platform, router, claim)
    let back: StoredRecord | null
    try {
      await sleep(CLAIM_SETTLE_MS, ctx.signal)
      back = await readRecord(ctx, router)
    } catch (error) {
      if (ctx.signal.aborted) await withdrawClaim(ctx, router, claim)
      throw error
    }
    if (back !== null && sameRelease(back.release, inputs.releaseId)) {
      ctx.log.info(`${router.router}: claimed for release ${inputs.releaseId}`)
      return { split }
    }
    // the platform turned out to keep no record (it had no place for it): the router's state is all there is
    if (back === null) return { split }
    // another release claimed the router in the same moment, and its claim stands
    ctx.log.info(`${router.router}: release ${back.release} claimed the router at the same moment`)
  }
}

/**
 * A cancel between the claim and its read-back: the claim, still ours, says the release ended
 * before its first write, so that another release need not wait out CLAIM_TTL_MS for it. A claim
 * another release has taken since is left alone; a withdrawal that fails is said, not thrown (the
 * cancel is what the step reports).
 */
async function withdrawClaim(ctx: ReleaseContext, router: RouterRef, claim: StoredRecord): Promise<void> {
  ctx.startCleanup()
  try {
    const now = await readRecord(ctx, router)
    if (now === null || !sameRelease(now.release, claim.release) || now.phase !== 'progressing' || now.weight !== claim.weight) return
    await ctx.platform.writeRecord?.(router, { ...now, phase: 'aborted', updatedAt: new Date().toISOString() })
  } catch (error) {
    ctx.log.warning(
      `${router.router}: the claim of release ${claim.release} could not be withdrawn after the cancel: ${(error as Error).message}`,
    )
  }
}

/** What a dry run learns about the claim: the claim a real run would find, and the write it would make. */
export interface ClaimView extends Claim {
  /** another release's claim stands: a real run would wait for it to end (`in-flight: wait`) */
  waitsFor?: StoredRecord
  /** the record there is now, and whether a real run would write its claim into it */
  record: StoredRecord | null
  claims: boolean
}

/**
 * claimRouter's reads and decisions without its write (a dry run): another release in flight
 * fails it as `in-flight: fail` would, and is named when a real run would wait for it.
 */
export async function inspectClaim(
  ctx: ReleaseContext,
  router: RouterRef,
  inputs: TrafficInputs,
  read: () => Promise<TrafficSplit | null>,
): Promise<ClaimView> {
  const split = await read()
  const record = await readRecord(ctx, router)
  const held = live(record, split, Date.now())
  if (held && !sameRelease(record.release, inputs.releaseId)) {
    if (inputs.inFlight === 'fail') await otherRelease(ctx, router, inputs, record)
    return { split, record, waitsFor: record, claims: ctx.platform.writeRecord !== undefined }
  }
  if (held) return { split, record, resumed: record, claims: false }
  return { split, record, claims: ctx.platform.writeRecord !== undefined && split !== null }
}

/** Another release holds the router: fail at once, or wait a while (never past the deadline). */
async function otherRelease(ctx: ReleaseContext, router: RouterRef, inputs: TrafficInputs, record: StoredRecord): Promise<void> {
  const what = `release ${record.release} is in flight on "${router.router}" (${record.phase}, ${record.candidate} at ${record.weight}%, since ${record.startedAt})`
  if (inputs.inFlight === 'fail') {
    throw new PlatformError(
      ctx.platform.name,
      'release',
      router.router,
      `${what}; this release (${inputs.releaseId}) does not interleave with it`,
    )
  }
  if (ctx.deadline.remainingMs() === 0)
    throw new PlatformError(ctx.platform.name, 'release', router.router, `${what}; waited for it until the deadline`)
  ctx.log.info(`${what}; waiting for it to end`)
  await sleep(Math.min(WAIT_MS, ctx.deadline.remainingMs()), ctx.signal)
}

/**
 * This release's record is gone since this release wrote it: removed by hand, or caught between
 * the delete and the create of another run's write where a change is both (Alauda's record service).
 */
export const GONE = 'gone'
export type TakenBy = StoredRecord | typeof GONE

/**
 * Why another run's record in place of this release's own means this release must stop: another
 * release took the router over, or a run ended this one by hand (`command: abort`, a rollback).
 */
export function takenOver(other: TakenBy, releaseId: string): string {
  if (other === GONE)
    return 'the release record was removed and the router moved under the release: another run is writing there (an abort or a rollback by hand, or another release); this release stopped and wrote nothing more'
  const by = sameRelease(other.release, releaseId) ? 'another run' : `release ${other.release}`
  if (other.phase === 'progressing')
    return `${by} took the router over (${other.candidate} at ${other.weight}%, since ${other.startedAt}); this release stopped and left the router to it`
  const what = other.phase === 'rolled-back' ? 'rolled back' : other.phase === 'aborting' ? 'aborted' : other.phase
  return `the release was ${what} by ${by} (${other.updatedAt}); this release stopped`
}

/** An abort by another run: the router must end with no traffic on the candidate, whatever this release wrote meanwhile. */
export function abortedBy(other: TakenBy): boolean {
  return other !== GONE && (other.phase === 'aborting' || other.phase === 'aborted')
}

export class RecordKeeper {
  private last = ''
  private savedAt = 0
  /** the phases this release wrote (or tried to: a write whose answer was lost may have landed) */
  private readonly phases = new Set<string>()

  /**
   * @param guarded the release checks that the record is still its own before it writes (every
   *   command but an abort by hand, which overrides whatever is in flight)
   */
  constructor(
    private readonly ctx: ReleaseContext,
    private readonly router: RouterRef,
    private readonly releaseId: string,
    private readonly startedAt: string,
    private readonly images: { stableImage?: string; candidateImage?: string },
    private readonly guarded: boolean,
  ) {}

  /**
   * The record another run wrote in place of this release's, GONE when this release's record was
   * removed since it wrote it, or undefined while it is still ours (or cannot be read: the
   * router's own state decides then, as before any record). No platform offers a compare-and-set
   * on the record, so the claim is no lock: this read before each write is what keeps a release
   * from writing over a router another run has taken since (a release that claimed in the same
   * moment, an abort or a rollback by hand). A record of this release in a phase it never wrote
   * is another run's too: an abort by a job of the same workflow run (the default release id).
   */
  async takenBy(): Promise<TakenBy | undefined> {
    if (!this.guarded || !this.ctx.platform.writeRecord) return undefined
    let now: StoredRecord | null
    try {
      now = await readRecord(this.ctx, this.router)
    } catch {
      return undefined
    }
    if (now === null) return this.savedAt > 0 ? GONE : undefined
    if (!sameRelease(now.release, this.releaseId) || !inFlight(now.phase)) return now
    return this.phases.size === 0 || this.phases.has(now.phase) ? undefined : now
  }

  /** ms until the claim is due for its refresh (0: due now) */
  refreshDueInMs(): number {
    return Math.max(0, this.savedAt + REFRESH_MS - Date.now())
  }

  /**
   * Writes the record when the phase, the step or the weight changed, and refreshes it while the
   * release runs (the claim stays fresh), where the platform keeps one; first it checks that the
   * record is still ours, and returns the other run's record, writing nothing, when it is not (a
   * record gone since is written again). A write that fails is said and tried again later: the
   * router's own state still wins over the record.
   */
  async save(record: ReleaseRecord): Promise<StoredRecord | undefined> {
    const key = `${record.phase}/${record.step}/${record.weight}/${record.stepReachedAt ?? ''}`
    const writeRecord = this.ctx.platform.writeRecord
    if ((key === this.last && this.refreshDueInMs() > 0) || !writeRecord) return undefined
    const other = await this.takenBy()
    if (other !== undefined && other !== GONE) return other
    this.phases.add(record.phase)
    try {
      await writeRecord.call(this.ctx.platform, this.router, this.stored(record))
      this.last = key
      this.savedAt = Date.now()
    } catch (error) {
      this.ctx.log.warning(`${this.router.router}: the release record could not be written: ${(error as Error).message}`)
    }
    return undefined
  }

  /**
   * Sleeps `ms` (or until the signal), waking to refresh the claim whenever it falls due, so that a
   * long health interval never lets it go stale while the release still runs; returns the other
   * run's record when the refresh finds the router taken.
   */
  async hold(ms: number, record: ReleaseRecord, signal: AbortSignal): Promise<StoredRecord | undefined> {
    const until = Date.now() + ms
    for (;;) {
      const left = until - Date.now()
      if (left <= 0 || signal.aborted) return undefined
      // a refresh that failed is tried again a few seconds later, not at once
      const slice = this.ctx.platform.writeRecord ? Math.min(left, Math.max(RETRY_MS, this.refreshDueInMs())) : left
      await sleep(slice, signal).catch(() => undefined)
      if (signal.aborted || this.refreshDueInMs() > 0) continue
      const other = await this.save(record)
      if (other !== undefined) return other
    }
  }

  private stored(record: ReleaseRecord): StoredRecord {
    return {
      release: this.releaseId,
      stable: this.router.blue,
      candidate: this.router.green,
      ...this.images,
      phase: record.phase,
      step: record.step + 1,
      weight: record.weight,
      startedAt: this.startedAt,
      ...(record.stepReachedAt !== undefined && { stepReachedAt: new Date(record.stepReachedAt).toISOString() }),
      updatedAt: new Date().toISOString(),
    }
  }
}

/**
 * The release record a re-run starts from: its own start, and the step it held (when the router
 * is still at that step's weight). A record whose step does not name a step of that weight (one
 * kept where only the claim is stored, as on Alauda) holds the plan's step of that weight.
 */
export function resumeRecord(start: ReleaseRecord, resumed: StoredRecord | undefined, steps: readonly PlanStep[]): ReleaseRecord {
  if (resumed === undefined) return start
  const startedAt = Date.parse(resumed.startedAt)
  const next = { ...start, startedAt: Number.isNaN(startedAt) ? start.startedAt : startedAt }
  if (resumed.weight !== start.weight || resumed.stepReachedAt === undefined) return next
  const reachedAt = Date.parse(resumed.stepReachedAt)
  const step = steps[resumed.step - 1]?.weight === resumed.weight ? resumed.step - 1 : steps.findIndex((s) => s.weight === resumed.weight)
  return Number.isNaN(reachedAt) || step < 0 ? next : { ...next, step, stepReachedAt: reachedAt }
}

import type { TrafficInputs } from '../inputs/actions.js'
import { PlatformError, type RouterRef, type StoredRecord, type TrafficSplit } from '../platforms/platform.js'
import type { ReleaseContext } from './context.js'
import type { ReleaseRecord } from './progressive.js'
import { sleep } from './sleep.js'

const IN_FLIGHT = new Set(['progressing', 'aborting'])

/** The record says a release is under way, and the router agrees: it is split. */
function inFlight(record: StoredRecord | null, split: TrafficSplit | null): record is StoredRecord {
  return record !== null && IN_FLIGHT.has(record.phase) && split !== null && split.green > 0 && split.green < 100
}

export async function readRecord(ctx: ReleaseContext, router: RouterRef): Promise<StoredRecord | null> {
  return ctx.platform.readRecord ? ctx.platform.readRecord(router) : null
}

/**
 * A second release never interleaves with one in flight on the same router: it waits for that
 * one to end (within the deadline) or fails at once, by the `in-flight` input. A re-run of the
 * same release (same release id) goes on. A record that says "in flight" while the router is not
 * split is stale (the release died after its last write): the router wins.
 */
export async function awaitOtherRelease(
  ctx: ReleaseContext,
  router: RouterRef,
  inputs: TrafficInputs,
  read: () => Promise<TrafficSplit | null>,
): Promise<TrafficSplit | null> {
  for (let split = await read(); ; split = await read()) {
    const record = await readRecord(ctx, router)
    if (!inFlight(record, split) || record.release === inputs.releaseId) return split
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
    await sleep(Math.min(2000, ctx.deadline.remainingMs()), ctx.signal)
  }
}

export class RecordKeeper {
  private last = ''

  constructor(
    private readonly ctx: ReleaseContext,
    private readonly router: RouterRef,
    private readonly releaseId: string,
    private readonly startedAt: string,
    private readonly images: { stableImage?: string; candidateImage?: string },
  ) {}

  /** Writes the record when the phase or the weight changed, where the platform keeps one. */
  async save(record: ReleaseRecord): Promise<void> {
    const key = `${record.phase}/${record.weight}`
    if (key === this.last || !this.ctx.platform.writeRecord) return
    this.last = key
    const now = new Date().toISOString()
    await this.ctx.platform.writeRecord(this.router, {
      release: this.releaseId,
      stable: this.router.blue,
      candidate: this.router.green,
      ...this.images,
      phase: record.phase,
      step: record.step + 1,
      weight: record.weight,
      startedAt: this.startedAt,
      updatedAt: now,
    })
  }
}

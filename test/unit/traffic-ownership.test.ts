import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { NetworkError } from '../../src/shared/http/errors.js'
import { readTrafficInputs } from '../../src/shared/inputs/traffic.js'
import {
  CLAIM_TTL_MS,
  type Operation,
  type Platform,
  type RouterRef,
  type ServiceRef,
  type StoredRecord,
  type TrafficSplit,
} from '../../src/shared/platforms/platform.js'
import { claimRouter, RecordKeeper } from '../../src/shared/release/record.js'
import { startRecord } from '../../src/shared/release/progressive.js'
import { traffic } from '../../src/shared/release/traffic.js'
import { JELASTIC_INPUTS, releaseContext, WEIGHTED_CAPABILITIES } from '../support/release-context.js'

/**
 * A weighted router with a record store, where "another run" can step in at a chosen round of the
 * release (its n-th read of the router): it writes the router and the record as that run would.
 * Time is vitest's fake clock, so holds and the claim's refresh pass without waiting.
 */
function sharedRouter() {
  let split: TrafficSplit = { blue: 100, green: 0, routingMethod: 'round-robin' }
  let record: StoredRecord | null = null
  let reads = 0
  const weights: number[] = []
  const records: StoredRecord[] = []
  const stops: string[] = []
  let other: { atRead: number; act: () => void } | undefined
  let recordReads = 0
  /** once set, every read of the router fails */
  let unreadable = false
  let otherOnRecord: { atRead: number; act: () => void } | undefined
  const operation = (ref: ServiceRef): Operation => ({ id: 'op', kind: 'traffic', ref, target: {} })
  /** what another run writes: the router at `weight`, and the record it makes of the one there */
  const otherRun = (weight: number, written: (now: StoredRecord | null) => StoredRecord | null) => {
    split = { blue: 100 - weight, green: weight, routingMethod: 'round-robin' }
    record = written(record)
  }
  const platform = {
    name: 'jelastic',
    capabilities: WEIGHTED_CAPABILITIES,
    async readTraffic() {
      if (unreadable) throw new NetworkError('GET /td: reset', 'ECONNRESET')
      reads += 1
      if (other && reads === other.atRead) other.act()
      return { ...split }
    },
    async writeTraffic(_router: RouterRef, wanted: TrafficSplit) {
      split = { ...wanted }
      weights.push(wanted.green)
      return operation({ service: 'td' })
    },
    async observe() {
      return { status: 'succeeded', detail: 'done' }
    },
    async describe(ref: ServiceRef) {
      const stopped = stops.includes(ref.service)
      return {
        phase: stopped ? 'stopped' : 'running',
        replicas: 1,
        ready: stopped ? 0 : 1,
        image: `registry.example.com/${ref.service}:v1`,
      }
    },
    async lifecycle(ref: ServiceRef, action: string) {
      if (action === 'stop') stops.push(ref.service)
      return operation(ref)
    },
    async readRecord() {
      recordReads += 1
      if (otherOnRecord && recordReads === otherOnRecord.atRead) otherOnRecord.act()
      return record
    },
    async writeRecord(_router: RouterRef, next: StoredRecord) {
      record = next
      records.push(next)
    },
  } as unknown as Platform
  return {
    platform,
    weights,
    records,
    stops,
    record: () => record,
    split: () => split,
    /** at the router's n-th read, another run writes this weight and this record */
    otherRunAt(atRead: number, weight: number, written: (now: StoredRecord | null) => StoredRecord | null) {
      other = { atRead, act: () => otherRun(weight, written) }
    },
    /** the same, at the record's n-th read: while the release holds, between two reads of the router */
    otherRunAtRecordRead(atRead: number, weight: number, written: (now: StoredRecord | null) => StoredRecord | null) {
      otherOnRecord = { atRead, act: () => otherRun(weight, written) }
    },
    recordReads: () => recordReads,
    /** from now on the router cannot be read */
    breakReads: () => (unreadable = true),
  }
}

const ENV = {
  ...JELASTIC_INPUTS,
  INPUT_ROUTER: 'td',
  INPUT_BLUE: 'blue',
  INPUT_GREEN: 'green',
  'INPUT_RELEASE-ID': 'org/shop#1',
}

/** Moves the fake clock on until `running` ends. */
async function settled<T>(running: Promise<T>): Promise<T> {
  let done = false
  running.then(
    () => (done = true),
    () => (done = true),
  )
  while (!done) await vi.advanceTimersByTimeAsync(250)
  return running
}

/** Runs the release on the fake clock until it ends. */
function release(platform: Platform, env: Record<string, string>) {
  return settled(traffic(releaseContext(platform), readTrafficInputs({ ...ENV, ...env })))
}

const now = () => new Date().toISOString()

/** The claim of release org/shop#2, in flight at `weight`, written now. */
const secondRelease = (weight: number): StoredRecord => ({
  release: 'org/shop#2',
  stable: 'blue',
  candidate: 'green',
  phase: 'progressing',
  step: 1,
  weight,
  startedAt: now(),
  updatedAt: now(),
})

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('a running release stops once the router is another run’s', () => {
  it('after an abort by hand: it does not raise the weight again, and says who aborted it', async () => {
    const router = sharedRouter()
    // holding at 50%: the abort run (its own release id) puts all traffic on blue
    router.otherRunAt(6, 0, (mine) => ({ ...(mine as StoredRecord), release: 'org/shop#9', phase: 'aborted', weight: 0, updatedAt: now() }))
    const result = await release(router.platform, { INPUT_STEPS: '50:5m,100' })
    expect(router.weights).toEqual([50])
    expect(router.split().green).toBe(0)
    expect(router.record()).toMatchObject({ release: 'org/shop#9', phase: 'aborted' })
    expect(result.outputs).toMatchObject({ phase: 'aborted', verdict: 'failed' })
    expect(result.outputs.reason).toContain('the release was aborted by release org/shop#9')
    expect(result.failure).toContain('release on "td" stopped')
  })

  it('is not stopped by its own record read back, round after round (no spurious stop while it holds)', async () => {
    const router = sharedRouter()
    const result = await release(router.platform, { INPUT_STEPS: '50:3s,100' })
    expect(result.outputs).toMatchObject({ phase: 'promoted', verdict: 'passed' })
    expect(router.weights).toEqual([50, 100])
  })

  it('after a rollback by hand (same release, rolled-back): nothing is written over it', async () => {
    const router = sharedRouter()
    router.otherRunAt(6, 0, (mine) => ({ ...(mine as StoredRecord), phase: 'rolled-back', weight: 0, updatedAt: now() }))
    const result = await release(router.platform, { INPUT_STEPS: '50:5m,100' })
    expect(router.weights).toEqual([50])
    expect(router.record()?.phase).toBe('rolled-back')
    expect(result.outputs.reason).toContain('the release was rolled back by another run')
  })

  it('after an abort by hand where the platform removes the record as a release ends (Alauda): the record gone and the router moved', async () => {
    const router = sharedRouter()
    router.otherRunAt(6, 0, () => null)
    const result = await release(router.platform, { INPUT_STEPS: '50:5m,100' })
    expect(router.weights).toEqual([50])
    expect(router.split().green).toBe(0)
    expect(result.outputs.reason).toContain('the release record was removed and the router moved under the release')
  })

  it('after an abort by a job of the same workflow run (the same release id, a phase this release never wrote)', async () => {
    const router = sharedRouter()
    router.otherRunAt(6, 0, (mine) => ({ ...(mine as StoredRecord), phase: 'aborting', weight: 0, updatedAt: now() }))
    const result = await release(router.platform, { INPUT_STEPS: '50:5m,100' })
    expect(router.weights).toEqual([50])
    expect(result.outputs.reason).toContain('the release was aborted by another run')
  })

  it('puts traffic back on stable when the abort’s record came before its write of the router, and this release wrote in between', async () => {
    const router = sharedRouter()
    // the abort run has written its record, not yet the router: this release's next write finds the record
    router.otherRunAt(4, 50, (mine) => ({ ...(mine as StoredRecord), release: 'org/shop#9', phase: 'aborting', updatedAt: now() }))
    const result = await release(router.platform, { INPUT_STEPS: '50:2s,100' })
    expect(router.weights).toEqual([50, 0])
    expect(router.split().green).toBe(0)
    expect(result.outputs).toMatchObject({ phase: 'aborted', weight: '0' })
  })

  it('after another release took the router over: it leaves the router to that release', async () => {
    const router = sharedRouter()
    router.otherRunAt(6, 30, () => secondRelease(30))
    const result = await release(router.platform, { INPUT_STEPS: '10:5m,100' })
    expect(router.weights).toEqual([10])
    expect(router.split().green).toBe(30)
    expect(router.record()?.release).toBe('org/shop#2')
    expect(result.outputs.reason).toContain('release org/shop#2 took the router over (green at 30%')
  })

  it('after another release took the router over during a hold: it reports the router as that release left it', async () => {
    const router = sharedRouter()
    router.otherRunAtRecordRead(6, 30, () => secondRelease(30))
    const result = await release(router.platform, { INPUT_STEPS: '10:5m,100' })
    // the other run came in at that read: the one that stopped the release
    expect(router.recordReads()).toBe(6)
    expect(router.weights).toEqual([10])
    expect(result.outputs.reason).toContain('release org/shop#2 took the router over (green at 30%')
    // not the 10% this release read before its hold
    expect(result.outputs).toMatchObject({ weight: '30', weights: '{"blue":70,"green":30}' })
    expect(result.rows).toContainEqual(['Traffic after', 'blue 70% / green 30% (round-robin)'])
  })

  it('after a takeover during a hold, with the router unreadable: the split at the end is unknown, not the one from before', async () => {
    const router = sharedRouter()
    router.otherRunAtRecordRead(6, 30, () => {
      router.breakReads()
      return secondRelease(30)
    })
    const result = await release(router.platform, { INPUT_STEPS: '10:5m,100' })
    expect(result.outputs.reason).toContain('release org/shop#2 took the router over')
    expect(result.outputs).toMatchObject({ weight: '', weights: '' })
    expect(result.rows).toContainEqual(['Traffic after', 'unknown: the router could not be read'])
  })

  it('when the other release’s claim is written while the router stays as it was: its next refresh of the claim finds it', async () => {
    const router = sharedRouter()
    // holding at 100% (router not split): only the record changes
    router.otherRunAt(4, 100, () => secondRelease(100))
    const result = await release(router.platform, { INPUT_STEPS: '100:2m' })
    expect(router.records.every((written) => written.release === 'org/shop#1')).toBe(true)
    expect(router.record()?.release).toBe('org/shop#2')
    expect(result.outputs).toMatchObject({ verdict: 'failed' })
  })
})

describe('an aborted release waiting out abort-scale-down-delay', () => {
  it('keeps the router in flight (aborting) until the candidate is out of service, so no other release claims it', async () => {
    const router = sharedRouter()
    const running = traffic(releaseContext(router.platform), readTrafficInputs({ ...ENV, INPUT_STEPS: '50:5m' }))
    // past the deadline (the context's minute) the release aborts; the scale-down waits 30 s more
    await vi.advanceTimersByTimeAsync(70_000)
    expect(router.split().green).toBe(0)
    expect(router.stops).toEqual([])
    expect(router.record()).toMatchObject({ release: 'org/shop#1', phase: 'aborting' })
    const claim = claimRouter(
      releaseContext(router.platform),
      { router: 'td', blue: 'blue', green: 'green' },
      readTrafficInputs({ ...ENV, INPUT_STEPS: '100', 'INPUT_RELEASE-ID': 'org/shop#2', 'INPUT_IN-FLIGHT': 'fail' }),
      async () => router.split(),
    )
    await expect(claim).rejects.toThrow('release org/shop#1 is in flight on "td" (aborting')
    const result = await settled(running)
    expect(router.stops).toEqual(['green'])
    expect(router.record()).toMatchObject({ release: 'org/shop#1', phase: 'aborted' })
    expect(result.outputs).toMatchObject({ phase: 'aborted', verdict: 'failed' })
  })
})

describe('the claim while the release holds a step', () => {
  it('is refreshed within its TTL however long the wait between rounds (a health interval of 5 minutes)', async () => {
    const router = sharedRouter()
    const ctx = releaseContext(router.platform)
    const keeper = new RecordKeeper(ctx, { router: 'td', blue: 'blue', green: 'green' }, 'org/shop#1', now(), {}, true)
    const held = { ...startRecord(Date.now(), 50), stepReachedAt: Date.now() }
    await keeper.save(held)
    const holding = keeper.hold(5 * 60_000, held, ctx.signal)
    const ages: number[] = []
    for (let t = 0; t < 5 * 60_000; t += 1000) {
      await vi.advanceTimersByTimeAsync(1000)
      ages.push(Date.now() - Date.parse(router.record()?.updatedAt ?? ''))
    }
    await expect(holding).resolves.toBeUndefined()
    expect(Math.max(...ages)).toBeLessThan(CLAIM_TTL_MS)
    expect(router.records.length).toBeGreaterThanOrEqual(15)
  })

  it('is not written over another release’s claim that landed since: the keeper hands it back instead', async () => {
    const router = sharedRouter()
    const ctx = releaseContext(router.platform)
    const keeper = new RecordKeeper(ctx, { router: 'td', blue: 'blue', green: 'green' }, 'org/shop#1', now(), {}, true)
    await keeper.save(startRecord(Date.now(), 0))
    const theirs: StoredRecord = { ...(router.record() as StoredRecord), release: 'org/shop#2', updatedAt: now() }
    await router.platform.writeRecord?.({ router: 'td', blue: 'blue', green: 'green' }, theirs)
    await expect(keeper.save({ ...startRecord(Date.now(), 10), step: 0 })).resolves.toEqual(theirs)
    expect(router.record()).toEqual(theirs)
  })
})

import { describe, expect, it } from 'vitest'
import type { TrafficInputs } from '../../src/shared/inputs/traffic.js'
import type { Platform, RouterRef, StoredRecord, TrafficSplit } from '../../src/shared/platforms/platform.js'
import type { ReleaseContext } from '../../src/shared/release/context.js'
import { Deadline } from '../../src/shared/release/deadline.js'
import { startRecord } from '../../src/shared/release/progressive.js'
import { CLAIM_TTL_MS } from '../../src/shared/platforms/platform.js'
import { claimRouter, inspectClaim, resumeRecord } from '../../src/shared/release/record.js'

const router: RouterRef = { router: 'td', blue: 'blue', green: 'green' }

/** A router with a record store, as a platform keeps it: one value, the last write wins. */
function store(initial: StoredRecord | null = null) {
  let record = initial
  const writes: string[] = []
  const platform = {
    name: 'jelastic',
    readRecord: async () => record,
    writeRecord: async (_router: RouterRef, next: StoredRecord) => {
      writes.push(next.release)
      record = next
    },
  } as unknown as Platform
  return { platform, writes, get: () => record }
}

function context(platform: Platform, timeoutMs = 60_000): ReleaseContext & { lines: string[] } {
  const lines: string[] = []
  return {
    platform,
    deadline: new Deadline(timeoutMs),
    signal: new AbortController().signal,
    log: { info: (m: string) => lines.push(m), warning: (m: string) => lines.push(m), debug: () => {} },
    lines,
  } as unknown as ReleaseContext & { lines: string[] }
}

/** the plan the re-runs below walk: 10%, 30%, then all */
const STEPS = [10, 30, 100].map((weight) => ({ weight, holdMs: 60_000 }))

const inputs = (releaseId: string, inFlight: 'wait' | 'fail' = 'fail') => ({ releaseId, inFlight }) as TrafficInputs
const steady: TrafficSplit = { blue: 100, green: 0, routingMethod: 'round-robin' }

function record(release: string, overrides: Partial<StoredRecord> = {}): StoredRecord {
  const now = new Date().toISOString()
  return {
    release,
    stable: 'blue',
    candidate: 'green',
    phase: 'progressing',
    step: 2,
    weight: 30,
    startedAt: now,
    updatedAt: now,
    ...overrides,
  }
}

/** repo#1's claim written and not yet read back (in its settle), and the runner's cancel for it. */
async function claimUnderWay(platform: Platform) {
  const controller = new AbortController()
  const ctx = { ...context(platform), signal: controller.signal, startCleanup: () => undefined } as ReleaseContext
  const claiming = claimRouter(ctx, router, inputs('repo#1'), async () => steady)
  await new Promise((resolve) => setImmediate(resolve))
  return { claiming, cancel: () => controller.abort(new Error('the job was cancelled (SIGINT)')) }
}

describe('the release claim', () => {
  it('is withdrawn when the job is cancelled before the claim was read back: no other release waits out its TTL', async () => {
    const shared = store()
    const { claiming, cancel } = await claimUnderWay(shared.platform)
    expect(shared.get()).toMatchObject({ release: 'repo#1', phase: 'progressing' })
    cancel()
    await expect(claiming).rejects.toThrow('the job was cancelled')
    expect(shared.get()).toMatchObject({ release: 'repo#1', phase: 'aborted' })
    // the next release claims at once
    await expect(claimRouter(context(shared.platform), router, inputs('repo#2'), async () => steady)).resolves.toMatchObject({
      split: steady,
    })
    expect(shared.get()?.release).toBe('repo#2')
  })

  it('leaves a claim another release has taken since the cancel alone', async () => {
    const shared = store()
    const { claiming, cancel } = await claimUnderWay(shared.platform)
    await shared.platform.writeRecord?.(router, record('repo#2', { weight: 0, step: 1 }))
    cancel()
    await expect(claiming).rejects.toThrow('the job was cancelled')
    expect(shared.get()).toMatchObject({ release: 'repo#2', phase: 'progressing' })
  })

  it('lets one of two releases started in the same moment through; the other is refused before any write of traffic', async () => {
    const shared = store()
    const results = await Promise.allSettled([
      claimRouter(context(shared.platform), router, inputs('repo#1'), async () => steady),
      claimRouter(context(shared.platform), router, inputs('repo#2'), async () => steady),
    ])
    const won = results.filter((r) => r.status === 'fulfilled')
    const lost = results.filter((r) => r.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect(String((lost[0] as PromiseRejectedResult).reason.message)).toMatch(/release repo#\d is in flight on "td"/)
    expect(shared.get()?.release).toBe(shared.writes.at(-1))
  })

  it('refuses while another release holds a fresh claim, even before it moved any traffic', async () => {
    const shared = store(record('repo#1', { weight: 0 }))
    const error = await claimRouter(context(shared.platform), router, inputs('repo#2'), async () => steady).catch((e: Error) => e)
    expect((error as Error).message).toContain('release repo#1 is in flight')
    expect(shared.writes).toEqual([])
  })

  it('takes over a stale claim on a router that is not split (the release died)', async () => {
    const old = new Date(Date.now() - CLAIM_TTL_MS - 1000).toISOString()
    const shared = store(record('repo#1', { weight: 0, updatedAt: old }))
    const claim = await claimRouter(context(shared.platform), router, inputs('repo#2'), async () => steady)
    expect(claim.resumed).toBeUndefined()
    expect(shared.get()?.release).toBe('repo#2')
  })

  it('lets a re-run of the same release go on from its record, keeping its clock and its step', async () => {
    const startedAt = new Date(Date.now() - 120_000).toISOString()
    const stepReachedAt = new Date(Date.now() - 20_000).toISOString()
    const shared = store(record('repo#1', { startedAt, stepReachedAt, step: 2, weight: 30 }))
    const split: TrafficSplit = { blue: 70, green: 30, routingMethod: 'round-robin' }
    const claim = await claimRouter(context(shared.platform), router, inputs('repo#1'), async () => split)
    const resumed = resumeRecord(startRecord(Date.now(), 30), claim.resumed, STEPS)
    expect(resumed.startedAt).toBe(Date.parse(startedAt))
    expect(resumed.step).toBe(1)
    expect(resumed.stepReachedAt).toBe(Date.parse(stepReachedAt))
    expect(shared.writes).toEqual([])
  })

  it('holds the plan step of the router weight when the record keeps only the claim (step 1 at 0%)', async () => {
    const stepReachedAt = new Date(Date.now() - 20_000).toISOString()
    const kept = record('repo#1', { step: 1, weight: 30, stepReachedAt })
    const resumed = resumeRecord(startRecord(Date.now(), 30), kept, STEPS)
    expect(resumed.step).toBe(1)
    expect(resumed.stepReachedAt).toBe(Date.parse(stepReachedAt))
    // a weight the plan has no step for starts its step's hold again
    expect(resumeRecord(startRecord(Date.now(), 40), { ...kept, weight: 40 }, STEPS).stepReachedAt).toBeUndefined()
  })

  it('waits for the other release to end when in-flight is wait', async () => {
    const shared = store(record('repo#1'))
    const ctx = context(shared.platform)
    let reads = 0
    // the first release ends while the second waits: promoted, all traffic on green
    const read = async (): Promise<TrafficSplit> => {
      if (++reads === 1) return { blue: 70, green: 30, routingMethod: 'round-robin' }
      await shared.platform.writeRecord?.(router, record('repo#1', { phase: 'promoted', weight: 100 }))
      return { blue: 0, green: 100, routingMethod: 'round-robin' }
    }
    const claim = claimRouter(ctx, router, inputs('repo#2', 'wait'), read)
    const result = await claim
    expect(result.split?.green).toBe(100)
    expect(shared.get()?.release).toBe('repo#2')
    expect(ctx.lines.some((line) => line.includes('waiting for it to end'))).toBe(true)
  })
})

describe("a dry run's view of the claim (inspectClaim): claimRouter's reads and decisions, no write", () => {
  const split: TrafficSplit = { blue: 70, green: 30, routingMethod: 'round-robin' }

  it('would claim a router nobody holds, and writes nothing', async () => {
    const { platform, writes } = store()
    const view = await inspectClaim(context(platform), router, inputs('org/shop#1'), async () => steady)
    expect(view).toMatchObject({ split: steady, record: null, claims: true })
    expect(view.waitsFor).toBeUndefined()
    expect(writes).toEqual([])
  })

  it('fails as the real run would when another release is in flight and in-flight is fail', async () => {
    const { platform, writes } = store(record('org/shop#9'))
    await expect(inspectClaim(context(platform), router, inputs('org/shop#1', 'fail'), async () => split)).rejects.toThrow(
      /release org\/shop#9 is in flight on "td".*does not interleave/,
    )
    expect(writes).toEqual([])
  })

  it('names the release a real run would wait for (in-flight: wait), without waiting', async () => {
    const { platform, writes } = store(record('org/shop#9'))
    const started = Date.now()
    const view = await inspectClaim(context(platform), router, inputs('org/shop#1', 'wait'), async () => split)
    expect(Date.now() - started).toBeLessThan(1000)
    expect(view.waitsFor?.release).toBe('org/shop#9')
    expect(writes).toEqual([])
  })

  it('finds its own record on a re-run: no claim to write, the record to go on from', async () => {
    const { platform, writes } = store(record('org/shop#1'))
    const view = await inspectClaim(context(platform), router, inputs('org/shop#1'), async () => split)
    expect(view).toMatchObject({ claims: false, resumed: { release: 'org/shop#1' } })
    expect(writes).toEqual([])
  })

  it('would write no claim where there is no router yet (the first write creates it), nor where no record is kept', async () => {
    expect((await inspectClaim(context(store().platform), router, inputs('org/shop#1'), async () => null)).claims).toBe(false)
    const keepsNone = { name: 'jelastic' } as unknown as Platform
    expect((await inspectClaim(context(keepsNone), router, inputs('org/shop#1'), async () => steady)).claims).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import {
  decide,
  emptyGate,
  type GateCounts,
  type Observed,
  type Plan,
  type ReleaseRecord,
  startRecord,
  type Write,
} from '../../src/shared/release/progressive.js'

const SECOND = 1000
const plan = (over: Partial<Plan> = {}): Plan => ({
  steps: [
    { weight: 10, holdMs: 60 * SECOND },
    { weight: 50, holdMs: 120 * SECOND },
    { weight: 100, holdMs: 0 },
  ],
  deadline: 30 * 60 * SECOND,
  minSamples: 3,
  failureLimit: 0,
  consecutiveErrorLimit: 3,
  scaleDownAfterMs: 30 * SECOND,
  ...over,
})

/** A fake router and clock: ticks every `tickMs`, the gate gets one good sample a tick. */
class Simulation {
  now = 0
  router = 0
  ready = true
  cancelled = false
  gate: GateCounts = emptyGate()
  scaledDown = false
  writes: (Write & { at: number })[] = []
  record: ReleaseRecord
  /** set to make the next sample bad, or a probe that could not run */
  nextSample: 'good' | 'bad' | 'error' = 'good'

  constructor(
    readonly plan: Plan,
    start = 0,
  ) {
    this.router = start
    this.record = startRecord(0, start)
  }

  observe(): Observed {
    return { weight: this.router, candidateReady: this.ready, gate: { ...this.gate }, cancelled: this.cancelled }
  }

  tick(tickMs = 10 * SECOND, apply = true): Write[] {
    const { writes, record } = decide(this.record, this.observe(), this.plan, this.now)
    this.record = record
    for (const write of writes) {
      this.writes.push({ ...write, at: this.now })
      if (!apply) continue
      if (write.kind === 'set-weight') {
        this.router = write.weight
        this.gate = emptyGate() // the gate counts from the new weight on
      } else this.scaledDown = true
    }
    this.now += tickMs
    const sample = this.nextSample
    this.gate.samples++
    if (sample === 'bad') this.gate.failures++
    if (sample === 'error') this.gate.errors++
    this.gate.consecutiveErrors = sample === 'error' ? this.gate.consecutiveErrors + 1 : 0
    if (sample !== 'good') this.gate.last = sample === 'bad' ? 'HTTP 500' : 'connection refused'
    return writes
  }

  runUntilDone(limit = 1000): void {
    for (let i = 0; i < limit && !['promoted', 'paused', 'aborted'].includes(this.record.phase); i++) this.tick()
    // let an abort finish its scale-down
    for (let i = 0; i < 10 && this.record.phase === 'aborted' && !this.record.scaledDown; i++) this.tick()
  }
}

describe('a progressive release, tick by tick', () => {
  it('walks every step, holding each for its time, and is promoted at 100%', () => {
    const sim = new Simulation(plan())
    expect(sim.tick()).toEqual([{ kind: 'set-weight', weight: 10 }])
    // held for 60 s at 10% before going to 50%
    for (let t = 10; t < 70; t += 10) expect(sim.tick()).toEqual([])
    expect(sim.tick()).toEqual([{ kind: 'set-weight', weight: 50 }])
    expect(sim.writes.map((w) => [w.kind === 'set-weight' ? w.weight : w.kind, w.at / SECOND])).toEqual([
      [10, 0],
      [50, 70],
    ])
    sim.runUntilDone()
    expect(sim.record).toMatchObject({ phase: 'promoted', verdict: 'passed', weight: 100, step: 2 })
    expect(sim.writes.map((w) => (w.kind === 'set-weight' ? w.weight : w.kind))).toEqual([10, 50, 100])
    expect(sim.scaledDown).toBe(false)
  })

  it.each([0, 1, 2])('aborts on a gate failure at step %i: stable gets 100% first, the candidate is scaled down later', (failAt) => {
    const sim = new Simulation(plan())
    while (sim.record.step < failAt || sim.router !== plan().steps[failAt]?.weight) sim.tick()
    sim.nextSample = 'bad'
    sim.tick()
    const abortWrite = sim.tick()
    expect(abortWrite).toEqual([{ kind: 'set-weight', weight: 0 }])
    expect(sim.record).toMatchObject({ phase: 'aborting', verdict: 'failed' })
    expect(sim.record.reason).toContain(`health gate failed at ${plan().steps[failAt]?.weight}%: 1 bad answer(s)`)
    expect(sim.record.reason).toContain('last: HTTP 500')
    sim.tick()
    expect(sim.record.phase).toBe('aborted')
    const abortedAt = sim.now
    sim.runUntilDone()
    const scaleDown = sim.writes.find((w) => w.kind === 'scale-down-candidate')
    expect(scaleDown?.at).toBeGreaterThanOrEqual(abortedAt - 10 * SECOND + 30 * SECOND)
    // traffic left the candidate before it was scaled down
    const order = sim.writes.map((w) => (w.kind === 'set-weight' ? `w${w.weight}` : 'down'))
    expect(order.slice(-2)).toEqual(['w0', 'down'])
  })

  it('counts probes that could not run apart, and aborts on too many in a row', () => {
    const sim = new Simulation(plan({ failureLimit: 5 }))
    sim.tick()
    sim.nextSample = 'error'
    sim.tick()
    sim.tick()
    expect(sim.record.phase).toBe('progressing')
    sim.tick()
    sim.tick()
    expect(sim.record.reason).toMatch(
      /^health gate failed at 10%: 3 probe\(s\) in a row could not run \(connection refused\); 0 bad answer\(s\)/,
    )
  })

  it('passes a step on good answers only: probes that could not run are no evidence', () => {
    // errors under the limit in a row (one good answer between every two), bad answers tolerated
    const sim = new Simulation(plan({ failureLimit: 100, consecutiveErrorLimit: 3, steps: [{ weight: 10, holdMs: 0 }] }))
    sim.tick()
    for (const sample of ['error', 'error', 'good', 'error', 'bad'] as const) {
      sim.nextSample = sample
      sim.tick()
    }
    // five probes since the weight was reached, one good: three are needed
    expect(sim.record.phase).toBe('progressing')
    sim.nextSample = 'good'
    sim.tick()
    sim.tick()
    sim.tick()
    expect(sim.record.phase).toBe('paused')
  })

  it('aborts when the deadline passes', () => {
    const sim = new Simulation(plan({ deadline: 100 * SECOND }))
    sim.runUntilDone()
    expect(sim.record).toMatchObject({ phase: 'aborted', verdict: 'failed', weight: 0 })
    expect(sim.record.reason).toBe('the deadline passed at step 2 of 3 (50%)')
  })

  it('aborts when the job is cancelled, and keeps the candidate when no scale-down is asked', () => {
    const sim = new Simulation(plan({ scaleDownAfterMs: undefined }))
    sim.tick()
    sim.tick()
    sim.cancelled = true
    expect(sim.tick()).toEqual([{ kind: 'set-weight', weight: 0 }])
    sim.runUntilDone()
    expect(sim.record).toMatchObject({ phase: 'aborted', reason: 'the job was cancelled', scaledDown: false })
    expect(sim.scaledDown).toBe(false)
  })

  it('never raises the weight while the candidate is not fully running', () => {
    const sim = new Simulation(plan())
    sim.ready = false
    expect(sim.tick()).toEqual([])
    expect(sim.record.reason).toBe('waiting for every replica of the candidate to run')
    sim.ready = true
    expect(sim.tick()).toEqual([{ kind: 'set-weight', weight: 10 }])
    for (let i = 0; i < 6; i++) sim.tick()
    sim.ready = false
    expect(sim.tick()).toEqual([])
    expect(sim.router).toBe(10)
  })

  it('believes the router when a write did not take: it writes again', () => {
    const sim = new Simulation(plan())
    sim.tick(10 * SECOND, false) // the write to 10% was lost
    expect(sim.router).toBe(0)
    expect(sim.tick()).toEqual([{ kind: 'set-weight', weight: 10 }])
    expect(sim.router).toBe(10)
  })

  it('goes on from the observed weight after a crash between a write and its read-back', () => {
    // the first run wrote 50% and died; the re-run starts from a fresh record
    const sim = new Simulation(plan(), 50)
    sim.record = startRecord(0, 0)
    expect(sim.tick()).toEqual([])
    expect(sim.record.step).toBe(1)
    sim.runUntilDone()
    expect(sim.writes.map((w) => (w.kind === 'set-weight' ? w.weight : w.kind))).toEqual([100])
  })

  it('is a no-op when re-run on a release that was promoted', () => {
    const sim = new Simulation(plan(), 100)
    sim.runUntilDone()
    expect(sim.writes).toEqual([])
    expect(sim.record.phase).toBe('promoted')
  })

  it('follows a router moved back by hand: the observed weight wins over the record', () => {
    const sim = new Simulation(plan())
    while (sim.router !== 50) sim.tick()
    sim.router = 10 // someone moved it back
    sim.gate = emptyGate()
    sim.tick()
    expect(sim.record.step).toBe(0)
    expect(sim.record.weight).toBe(10)
  })

  it('does nothing more once aborted and scaled down', () => {
    const sim = new Simulation(plan())
    sim.cancelled = true
    sim.runUntilDone()
    const count = sim.writes.length
    sim.tick()
    sim.tick()
    expect(sim.writes).toHaveLength(count)
  })
})

describe('commands', () => {
  it('pauses at the last step of a plan that stops under 100%', () => {
    const sim = new Simulation(plan({ steps: [{ weight: 25, holdMs: 0 }] }))
    sim.runUntilDone(20)
    expect(sim.record).toMatchObject({ phase: 'paused', weight: 25, verdict: 'passed' })
  })

  it('aborts by hand: all traffic back to stable', () => {
    const sim = new Simulation(plan({ abortRequested: 'aborted by hand' }), 50)
    expect(sim.tick()).toEqual([{ kind: 'set-weight', weight: 0 }])
    expect(sim.record.reason).toBe('aborted by hand')
  })

  it('is a no-op to abort with nothing in flight', () => {
    const sim = new Simulation(plan({ abortRequested: 'aborted by hand' }), 0)
    sim.runUntilDone()
    expect(sim.writes).toEqual([])
    expect(sim.record).toMatchObject({ phase: 'aborted', reason: 'nothing in flight: all traffic already on stable' })
  })
})

describe('a router that does not exist yet', () => {
  it('is created by writing the first step, even at 0%', () => {
    const { writes } = decide(
      startRecord(0, 0),
      { weight: null, candidateReady: true, gate: emptyGate(), cancelled: false },
      plan({ steps: [{ weight: 0, holdMs: 0 }] }),
      0,
    )
    expect(writes).toEqual([{ kind: 'set-weight', weight: 0 }])
  })
})

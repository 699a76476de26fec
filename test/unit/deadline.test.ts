import { describe, expect, it } from 'vitest'
import { Deadline } from '../../src/shared/release/deadline.js'

describe('Deadline.share', () => {
  it('gives one of n pieces of work an even share of the time left, never more than is left', () => {
    let now = 1_000
    const deadline = new Deadline(60_000, () => now)
    now += 12_000 // 48 s left
    expect(deadline.share(4).epochMs).toBe(now + 12_000)
    expect(deadline.share(1).epochMs).toBe(deadline.epochMs)
    // nothing left: a share of nothing
    now = deadline.epochMs + 5_000
    expect(deadline.share(3).remainingMs()).toBe(0)
  })
})

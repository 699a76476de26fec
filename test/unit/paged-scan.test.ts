import { describe, expect, it } from 'vitest'
import { LIST_CONCURRENCY, LIST_PAGE } from '../../src/shared/platforms/netease/api.js'
import { DEFAULT_CONCURRENCY, findInPages, type Page } from '../../src/shared/platforms/paged-scan.js'

/**
 * A list of `count` names (`svc-0` …) served a page at a time, answered in rounds: every read
 * sent waits until the test answers all the reads pending at once. A round is one round trip
 * for all the reads under way together; the rounds a scan takes are its sequential round trips
 * (no clock: the test decides when answers come). `fail` makes a page's read fail.
 */
function list(count: number, pageSize: number, options: { total?: boolean; fail?: Set<number>; duplicate?: Map<number, string> } = {}) {
  const names = Array.from({ length: count }, (_, i) => `svc-${i}`)
  const pending: { offset: number; signal: AbortSignal; answer: () => void }[] = []
  const offsets: number[] = []
  const aborted: number[] = []
  let inFlight = 0
  let maxInFlight = 0
  const read = (offset: number, signal: AbortSignal) =>
    new Promise<Page<string>>((resolve, reject) => {
      offsets.push(offset)
      maxInFlight = Math.max(maxInFlight, ++inFlight)
      signal.addEventListener('abort', () => aborted.push(offset))
      pending.push({
        offset,
        signal,
        answer: () => {
          inFlight--
          if (options.fail?.has(offset / pageSize)) return reject(new Error(`page ${offset / pageSize} failed`))
          const items = names.slice(offset, offset + pageSize)
          const extra = options.duplicate?.get(offset / pageSize)
          resolve({ items: extra ? [...items, extra] : items, ...(options.total !== false && { total: count }) })
        },
      })
    })
  /** answers every pending read, round by round, until the scan ends; the rounds it took */
  async function run<T>(scan: Promise<T>): Promise<{ value?: T; error?: Error; rounds: number }> {
    let ended = false
    const outcome = scan.then(
      (value) => ({ value }),
      (error: Error) => ({ error }),
    )
    void outcome.then(() => (ended = true))
    let rounds = 0
    for (;;) {
      // let the scan send what it sends after the last answers
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
      if (ended) break
      if (pending.length === 0) throw new Error('the scan waits for nothing')
      rounds++
      for (const read of pending.splice(0)) read.answer()
    }
    // reads still pending after the end: the scan no longer waits for them
    for (const read of pending.splice(0)) read.answer()
    return { ...(await outcome), rounds }
  }
  return { read, run, offsets, aborted, maxInFlight: () => maxInFlight }
}

describe('findInPages: a paged scan with bounded parallelism', () => {
  it('finds a name among 10,000 on the last page in ≤ 30 round trips as NetEase reads them (30 a page, 16 at a time)', async () => {
    const l = list(10_000, LIST_PAGE)
    const scan = findInPages({ pageSize: LIST_PAGE, concurrency: LIST_CONCURRENCY, read: l.read, matches: (n) => n === 'svc-9999' })
    const { value, rounds } = await l.run(scan)
    expect(value).toBe('svc-9999')
    // 334 pages: the first alone, then ⌈333 / 16⌉ rounds
    expect(rounds).toBe(1 + Math.ceil(333 / LIST_CONCURRENCY))
    expect(rounds).toBeLessThanOrEqual(30)
    expect(l.maxInFlight()).toBe(LIST_CONCURRENCY)
    expect([...l.offsets].sort((a, b) => a - b)).toEqual(Array.from({ length: 334 }, (_, i) => i * 30))
  })

  it('and as ServiceStage reads an application’s list (100 a page, 8 at a time): 14 round trips', async () => {
    const l = list(10_000, 100)
    const { value, rounds } = await l.run(findInPages({ pageSize: 100, read: l.read, matches: (n) => n === 'svc-9999' }))
    expect(value).toBe('svc-9999')
    expect(rounds).toBe(1 + Math.ceil(99 / DEFAULT_CONCURRENCY))
    expect(l.maxInFlight()).toBe(DEFAULT_CONCURRENCY)
  })

  it('reads every page once, in order, when nothing matches; never more at once than allowed', async () => {
    const l = list(1000, 50)
    const { value, rounds } = await l.run(findInPages({ pageSize: 50, concurrency: 3, read: l.read, matches: () => false }))
    expect(value).toBeNull()
    expect(l.offsets).toEqual(Array.from({ length: 20 }, (_, i) => i * 50))
    expect(rounds).toBe(1 + Math.ceil(19 / 3))
    expect(l.maxInFlight()).toBe(3)
  })

  it('stops at the first match: no page after it is started, the ones under way are aborted', async () => {
    const l = list(10_000, 100)
    const { value } = await l.run(findInPages({ pageSize: 100, concurrency: 8, read: l.read, matches: (n) => n === 'svc-1234' }))
    expect(value).toBe('svc-1234')
    // page 12 holds it: with 8 at a time, the 7 pages under way with it (13-19, each started as a
    // page before it answered) are aborted, and nothing after them is started
    expect(l.offsets).toEqual(Array.from({ length: 20 }, (_, i) => i * 100))
    expect(l.aborted.sort((a, b) => a - b)).toEqual([1300, 1400, 1500, 1600, 1700, 1800, 1900])
  })

  it('the first page alone when it holds the match or is the only page', async () => {
    const l = list(40, 50)
    expect((await l.run(findInPages({ pageSize: 50, read: l.read, matches: (n) => n === 'svc-7' }))).value).toBe('svc-7')
    expect((await l.run(findInPages({ pageSize: 50, read: l.read, matches: () => false }))).value).toBeNull()
    expect(l.offsets).toEqual([0, 0])
  })

  it('answers as a read page by page would: the lower page wins, whichever answered first', async () => {
    // 'svc-150' on page 1, and again on page 4 (impossible for unique names): page 4 answers first
    const names = Array.from({ length: 500 }, (_, i) => `svc-${i}`)
    const waiting = new Map<number, () => void>()
    const read = (offset: number) =>
      new Promise<Page<string>>((resolve) => {
        const page = { items: [...names.slice(offset, offset + 100), ...(offset === 400 ? ['svc-150'] : [])], total: 500 }
        if (offset === 0) resolve(page)
        else waiting.set(offset, () => resolve(page))
      })
    const scan = findInPages({ pageSize: 100, concurrency: 4, read, matches: (n) => n === 'svc-150' })
    while (waiting.size < 4) await new Promise((resolve) => setImmediate(resolve))
    for (const offset of [400, 300, 200, 100]) waiting.get(offset)?.()
    expect(await scan).toBe('svc-150')
  })

  it('a failed page fails the scan unless a page before it holds the match; a failure before a match wins', async () => {
    const late = list(1000, 100, { fail: new Set([7]) })
    expect((await late.run(findInPages({ pageSize: 100, read: late.read, matches: (n) => n === 'svc-250' }))).value).toBe('svc-250')
    const none = list(1000, 100, { fail: new Set([7]) })
    expect((await none.run(findInPages({ pageSize: 100, read: none.read, matches: () => false }))).error?.message).toBe('page 7 failed')
    const early = list(1000, 100, { fail: new Set([2]) })
    const { error } = await early.run(findInPages({ pageSize: 100, read: early.read, matches: (n) => n === 'svc-650' }))
    expect(error?.message).toBe('page 2 failed')
    // nothing after the failed page was started once it failed
    expect(Math.max(...early.offsets)).toBeLessThanOrEqual(900)
  })

  it('a failure of the first page is the scan’s', async () => {
    const l = list(1000, 100, { fail: new Set([0]) })
    expect((await l.run(findInPages({ pageSize: 100, read: l.read, matches: () => false }))).error?.message).toBe('page 0 failed')
    expect(l.offsets).toEqual([0])
  })

  it('where the list reports no total, reads until a page comes back short', async () => {
    const l = list(230, 50, { total: false })
    const { value } = await l.run(findInPages({ pageSize: 50, concurrency: 2, read: l.read, matches: () => false }))
    expect(value).toBeNull()
    // pages 0-4 hold the 230; page 4 is short: page 5, started as page 3 answered, is aborted, and nothing after it is asked
    expect(l.offsets).toEqual([0, 50, 100, 150, 200, 250])
    expect(l.aborted).toEqual([250])
  })

  it('steps by the page the server gives when it gives fewer than asked', async () => {
    const l = list(100, 20)
    // asked 50 a page, the server answers 20 (its own cap) and a total of 100
    const { value } = await l.run(findInPages({ pageSize: 50, concurrency: 8, read: l.read, matches: (n) => n === 'svc-99' }))
    expect(value).toBe('svc-99')
    expect(l.offsets).toEqual([0, 20, 40, 60, 80])
  })
})

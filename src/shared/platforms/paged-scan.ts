/** One page of a list: its items, and the total the list reports (undefined where it reports none). */
export interface Page<T> {
  items: readonly T[]
  total?: number
}

export interface PagedScan<T> {
  /** items asked for a page (`limit`) */
  pageSize: number
  /** pages read at once after the first; 8 by default */
  concurrency?: number
  /** reads the page at `offset`; `signal` aborts it once its answer can no longer matter */
  read(offset: number, signal: AbortSignal): Promise<Page<T>>
  matches(item: T): boolean
}

export const DEFAULT_CONCURRENCY = 8

/** Where a list reports no total: pages read at most, before the scan gives up saying so. */
export const MAX_PAGES_WITHOUT_TOTAL = 1000

/** What a page came to: an item that matched, none, an end seen (a short page where no total is known), or a failure. */
type Outcome<T> = { found: T } | { none: true; end: boolean } | { error: unknown }

/**
 * Finds the first item that matches in a list read by `offset`: the first page alone, which says
 * the total, then the other pages in parallel, at most `concurrency` at a time, in order. At
 * 10,000 items and 30 a page that is 1 + ⌈333 / concurrency⌉ round trips instead of 334.
 *
 * The answer is the one a read page by page would give: the match on the lowest page (a unique
 * name matches once; should it match twice, the lower page wins), or the failure of the lowest page
 * that failed before any match. Once a page decides, no page after it is started and those under
 * way are aborted; the pages before it are still waited for. No match: every page was read, once.
 * Where the list reports no total, pages are read until one comes back short.
 */
export async function findInPages<T>(scan: PagedScan<T>): Promise<T | null> {
  const concurrency = Math.max(1, Math.floor(scan.concurrency ?? DEFAULT_CONCURRENCY))
  const first = await scan.read(0, new AbortController().signal)
  const hit = first.items.find((item) => scan.matches(item))
  if (hit !== undefined) return hit
  // a server that gives fewer than asked while saying there are more pages by its own size
  const size =
    first.total !== undefined && first.items.length < scan.pageSize && first.total > first.items.length ? first.items.length : scan.pageSize
  if (first.items.length === 0 || (first.total === undefined && first.items.length < size)) return null
  const pages = first.total === undefined ? MAX_PAGES_WITHOUT_TOTAL : Math.ceil(first.total / size)
  if (pages <= 1) return null

  return new Promise<T | null>((resolve, reject) => {
    const outcomes = new Map<number, Outcome<T>>()
    const running = new Map<number, AbortController>()
    let next = 1
    // the lowest page not yet known to hold nothing: the answer is decided there
    let cursor = 1
    // no page from here on is needed (past the last, or past a page that decided)
    let stop = pages
    let done = false

    const finish = (settle: () => void) => {
      done = true
      for (const controller of running.values()) controller.abort()
      settle()
    }
    const decide = () => {
      for (let outcome = outcomes.get(cursor); outcome !== undefined; outcome = outcomes.get(cursor)) {
        if ('found' in outcome) return finish(() => resolve(outcome.found))
        if ('error' in outcome) return finish(() => reject(outcome.error))
        if (outcome.end) return finish(() => resolve(null))
        cursor++
      }
      if (cursor < stop) return
      if (first.total === undefined && cursor >= MAX_PAGES_WITHOUT_TOTAL) {
        return finish(() => reject(new Error(`the list reports no total and did not end within ${MAX_PAGES_WITHOUT_TOTAL} pages`)))
      }
      finish(() => resolve(null))
    }
    const settled = (page: number, outcome: Outcome<T>) => {
      running.delete(page)
      if (done) return
      outcomes.set(page, outcome)
      if (!('none' in outcome) || outcome.end) {
        // this page decides unless a page before it does: nothing after it is needed
        stop = Math.min(stop, page + 1)
        for (const [later, controller] of running) if (later > page) controller.abort()
      }
      decide()
      launch()
    }
    const launch = () => {
      while (!done && running.size < concurrency && next < stop) {
        const page = next++
        const controller = new AbortController()
        running.set(page, controller)
        scan.read(page * size, controller.signal).then(
          ({ items }) => {
            const found = items.find((item) => scan.matches(item))
            settled(page, found !== undefined ? { found } : { none: true, end: first.total === undefined && items.length < size })
          },
          (error: unknown) => settled(page, { error }),
        )
      }
    }
    launch()
  })
}

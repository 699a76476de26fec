import { NetworkError } from '../http/errors.js'
import { type Operation, type OperationState, type Platform, PlatformError } from '../platforms/platform.js'
import { isNoAnswer } from '../platforms/settle.js'
import { CancelledError } from './cancellation.js'
import { sleep as realSleep } from './sleep.js'

export interface WaitOptions {
  /** epoch ms: the one deadline from the `timeout` input */
  deadline: number
  signal?: AbortSignal
  /**
   * how long after the wait starts the first read comes (0 by default): a second where the write's
   * answer just showed the operation started and only a read of the platform's status can show
   * more (`Platform.polls`), so that a wait sends at most one status request a second; at once
   * where less time than that is left
   */
  firstReadAfterMs?: number
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  log?: (message: string) => void
}

export interface WaitResult {
  status: 'succeeded' | 'failed' | 'timed out' | 'cancelled'
  /** the last state the platform showed */
  detail: string
  polls: number
}

/** Reads come a second apart, from the start of one to the start of the next (issue 16). */
export const READ_INTERVAL_MS = 1000

/**
 * The one waiter: polls `observe` until the operation ends, the deadline passes or the job is
 * cancelled. Reads start a second apart (`READ_INTERVAL_MS`, counted from the start of the read
 * before, so that a slow answer does not push the rest later), the first after
 * `firstReadAfterMs` (at once with less time left): an end is noticed within a second plus one
 * answer, and a wait sends at most one status request a second, never two within one second. A
 * read that would come at the deadline or after it is not sent (the client would refuse it): the
 * wait ends at the deadline. No jitter: one run's reads are set by its own write, so they do not
 * fall in step with other runs', and a random pause would only make the end noticed later. A read
 * that fails for a passing reason (network, 5xx) is logged and the wait goes on; the result names
 * the last state seen.
 */
export async function waitFor(observe: () => Promise<OperationState>, options: WaitOptions): Promise<WaitResult> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? realSleep
  /** false when the job was cancelled meanwhile */
  const sleepUntil = async (at: number): Promise<boolean> => {
    if (at - now() <= 0) return true
    try {
      await sleep(at - now(), options.signal)
      return true
    } catch (error) {
      if (error instanceof CancelledError || options.signal?.aborted) return false
      throw error
    }
  }
  const first = options.firstReadAfterMs ?? 0
  // with less time left than the first pause, the one read there is time for comes at once
  let nextRead = options.deadline - now() > first ? now() + first : now()
  let detail = 'no state observed yet'
  let polls = 0
  for (;;) {
    if (options.signal?.aborted || !(await sleepUntil(nextRead))) return { status: 'cancelled', detail, polls }
    nextRead = now() + READ_INTERVAL_MS
    try {
      polls++
      const state = await observe()
      detail = state.detail
      if (state.status !== 'running') return { status: state.status, detail, polls }
    } catch (error) {
      if (!isNoAnswer(error)) throw error
      // a read cut short by the deadline says nothing of why the time ran out: the failure seen
      // before it is kept
      const cutByDeadline = (error instanceof NetworkError && error.code === 'DEADLINE') || options.deadline - now() <= 0
      if (!(cutByDeadline && polls > 1)) {
        detail = `could not read the state: ${(error as Error).message}`
        options.log?.(detail)
      }
    }
    if (options.deadline - now() <= 0) return { status: 'timed out', detail, polls }
    // a read at the deadline or after it would not be sent: the wait ends at the deadline
    if (nextRead >= options.deadline)
      return (await sleepUntil(options.deadline)) ? { status: 'timed out', detail, polls } : { status: 'cancelled', detail, polls }
  }
}

/**
 * Waits for an operation, then for the one the platform needs to follow it (Rancher's
 * finishupgrade): sent as soon as the first succeeded, from the state its last read showed, and
 * waited for by a waiter of its own, from the moment it was sent. One deadline for both. Where
 * the platform's status must be polled, the first read comes a second after the write.
 */
export async function waitForOperation(
  platform: Pick<Platform, 'name' | 'observe' | 'followUp' | 'polls'>,
  operation: Operation,
  options: WaitOptions & { resumed?: boolean },
): Promise<WaitResult> {
  const now = options.now ?? Date.now
  const paced = (op: Operation): WaitOptions => ({ ...options, firstReadAfterMs: platform.polls?.(op) ? READ_INTERVAL_MS : 0 })
  // `resumed`: a wait taken up again long after the write, whose first read comes at once
  const first = await waitFor(() => platform.observe(operation), options.resumed ? options : paced(operation))
  if (first.status !== 'succeeded' || !platform.followUp) return first
  let next: Operation | null
  try {
    next = await platform.followUp(operation)
  } catch (error) {
    if (options.signal?.aborted) return { ...first, status: 'cancelled' }
    // refused, or its answer lost and the state unreadable until the deadline (the adapter settles
    // what it can): a failed operation, since the first one changed the service already, so that
    // the release rolls it back rather than stop with it half done
    if (!(error instanceof PlatformError) && !isNoAnswer(error)) throw error
    const refused = error instanceof PlatformError && error.kind !== 'unavailable'
    const status = options.deadline - now() <= 0 && !refused ? 'timed out' : 'failed'
    return { status, detail: `${first.detail}; then: ${(error as Error).message}`, polls: first.polls }
  }
  if (next === null) return first
  const then = next
  options.log?.(`${platform.name}: operation ${operation.id} succeeded; ${then.id} sent at once`)
  const second = await waitFor(() => platform.observe(then), paced(then))
  return { ...second, polls: first.polls + second.polls }
}

import { NetworkError } from '../http/errors.js'
import { type Operation, type OperationState, type Platform, PlatformError } from '../platforms/platform.js'
import { isNoAnswer } from '../platforms/settle.js'
import { CancelledError } from './cancellation.js'
import { sleep as realSleep } from './sleep.js'

export interface WaitOptions {
  /** epoch ms: the one deadline from the `timeout` input */
  deadline: number
  signal?: AbortSignal
  /** first pause between reads (500 ms by default); it doubles up to maxIntervalMs (1 s by default) */
  initialIntervalMs?: number
  maxIntervalMs?: number
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  random?: () => number
  log?: (message: string) => void
}

export interface WaitResult {
  status: 'succeeded' | 'failed' | 'timed out' | 'cancelled'
  /** the last state the platform showed */
  detail: string
  polls: number
}

/**
 * The one waiter: polls `observe` until the operation ends, the deadline passes or the job is
 * cancelled. Reads come at 0 and 0.5 s, then once a second: never more than two in any second
 * (issue 16), and a short step (a split's next side, a re-run that finds the work done) is still
 * seen within half a second. The jitter only lengthens a pause, by up to 2%, so that the end is
 * noticed within 1.02 s (a jitter of ±20% let a read come 1.2 s after the last). A poll that fails for a passing reason (network, 5xx) is
 * logged and the wait goes on; the result names the last state seen.
 */
export async function waitFor(observe: () => Promise<OperationState>, options: WaitOptions): Promise<WaitResult> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? realSleep
  const random = options.random ?? Math.random
  const maxInterval = options.maxIntervalMs ?? 1000
  let interval = options.initialIntervalMs ?? 500
  let detail = 'no state observed yet'
  let polls = 0
  for (;;) {
    if (options.signal?.aborted) return { status: 'cancelled', detail, polls }
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
    const left = options.deadline - now()
    if (left <= 0) return { status: 'timed out', detail, polls }
    try {
      await sleep(Math.min(left, Math.round(interval * (1 + random() * 0.02))), options.signal)
    } catch (error) {
      if (error instanceof CancelledError || options.signal?.aborted) return { status: 'cancelled', detail, polls }
      throw error
    }
    interval = Math.min(maxInterval, interval * 2)
  }
}

/**
 * Waits for an operation, then for the one the platform needs to follow it (Rancher's
 * finishupgrade): sent as soon as the first succeeded, from the state its last read showed, and
 * waited for by a waiter of its own, from the moment it was sent. One deadline for both.
 */
export async function waitForOperation(
  platform: Pick<Platform, 'name' | 'observe' | 'followUp'>,
  operation: Operation,
  options: WaitOptions,
): Promise<WaitResult> {
  const now = options.now ?? Date.now
  const first = await waitFor(() => platform.observe(operation), options)
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
  const second = await waitFor(() => platform.observe(then), options)
  return { ...second, polls: first.polls + second.polls }
}

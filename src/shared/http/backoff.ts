export interface BackoffPolicy {
  /** attempts in all, the first included */
  attempts: number
  baseMs: number
  capMs: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = { attempts: 5, baseMs: 200, capMs: 5000 }

/** The wait between attempts, where no other sleep is given (tests give their own). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Capped exponential backoff with full jitter: a random wait in [0, min(cap, base * 2^n)]. */
export function backoffDelay(policy: BackoffPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** retry)
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

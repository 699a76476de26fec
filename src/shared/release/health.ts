import type { HttpClient } from '../http/client.js'
import type { HealthInputs } from '../inputs/health.js'
import { sleep as realSleep } from './sleep.js'

export interface Sample {
  status?: number
  error?: string
  ms: number
}

export interface HealthVerdict {
  passed: boolean
  samples: Sample[]
  /** one line: "5/5 answered 2xx" or what went wrong */
  summary: string
}

/**
 * Probes a URL `samples` times, `intervalMs` apart. Passes when every sample answers with an
 * expected status. A probe that could not run (refused, timed out) is counted apart from an
 * answer with the wrong status, and both are named in the verdict.
 */
export async function checkHealth(
  http: HttpClient,
  health: HealthInputs,
  options: { signal?: AbortSignal; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> } = {},
): Promise<HealthVerdict> {
  const sleep = options.sleep ?? realSleep
  const samples: Sample[] = []
  for (let i = 0; i < health.samples; i++) {
    if (i > 0) await sleep(health.intervalMs, options.signal)
    const started = Date.now()
    try {
      const response = await http.send({ method: 'GET', url: health.url, headers: { accept: '*/*' }, timeoutMs: 10_000 })
      samples.push({ status: response.status, ms: Date.now() - started })
    } catch (error) {
      samples.push({ error: (error as Error).message, ms: Date.now() - started })
    }
  }
  const good = samples.filter((sample) => sample.status !== undefined && health.expected(sample.status)).length
  const errors = samples.filter((sample) => sample.error !== undefined)
  const bad = samples.filter((sample) => sample.status !== undefined && !health.expected(sample.status))
  const parts = [`${good}/${samples.length} answered ${health.expectedText}`]
  if (bad.length > 0) parts.push(`${bad.length} answered otherwise (${[...new Set(bad.map((s) => s.status))].join(', ')})`)
  if (errors.length > 0) parts.push(`${errors.length} could not run (${errors[0]?.error})`)
  return { passed: good === samples.length, samples, summary: parts.join('; ') }
}

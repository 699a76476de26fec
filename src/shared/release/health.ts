import type { HttpClient } from '../http/client.js'
import type { HealthInputs, ProbeSpec } from '../inputs/health.js'
import { sleep as realSleep } from './sleep.js'

export interface Sample {
  /** good: as expected; bad: the app answered otherwise; error: the probe could not run */
  verdict: 'good' | 'bad' | 'error'
  status?: number
  ms: number
  /** what was wrong, for messages */
  detail?: string
}

/** One probe of a URL: status, then the JSON field's value, then the latency. */
export async function probe(http: HttpClient, url: URL, spec: ProbeSpec): Promise<Sample> {
  const started = performance.now()
  try {
    const response = await http.send({
      method: 'GET',
      url,
      headers: { accept: '*/*' },
      timeoutMs: spec.maxLatencyMs ? Math.max(spec.maxLatencyMs * 2, 1000) : 10_000,
    })
    const ms = Math.round(performance.now() - started)
    if (!spec.expected(response.status)) return { verdict: 'bad', status: response.status, ms, detail: `HTTP ${response.status}` }
    if (spec.jsonField) {
      const value = fieldOf(response.text, spec.jsonField)
      const wanted = spec.jsonValue
      if (value === undefined) return { verdict: 'bad', status: response.status, ms, detail: `no JSON field ${spec.jsonField.join('.')}` }
      if (wanted !== undefined && value !== wanted) {
        return {
          verdict: 'bad',
          status: response.status,
          ms,
          detail: `${spec.jsonField.join('.')} is ${JSON.stringify(value)}, not ${JSON.stringify(wanted)}`,
        }
      }
    }
    if (spec.maxLatencyMs !== undefined && ms > spec.maxLatencyMs) {
      return { verdict: 'bad', status: response.status, ms, detail: `answered in ${ms} ms, over ${spec.maxLatencyMs} ms` }
    }
    return { verdict: 'good', status: response.status, ms }
  } catch (error) {
    return { verdict: 'error', ms: Math.round(performance.now() - started), detail: (error as Error).message }
  }
}

function fieldOf(text: string, path: string[]): string | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value)
}

export interface HealthVerdict {
  passed: boolean
  samples: Sample[]
  /** one line: "5/5 answered 2xx" or what went wrong */
  summary: string
}

/** Counts samples into one line; a probe that could not run is named apart from a bad answer. */
export function summarize(samples: Sample[], expectedText: string): string {
  const good = samples.filter((s) => s.verdict === 'good').length
  const bad = samples.filter((s) => s.verdict === 'bad')
  const errors = samples.filter((s) => s.verdict === 'error')
  const parts = [`${good}/${samples.length} answered ${expectedText}`]
  if (bad.length > 0) parts.push(`${bad.length} answered otherwise (${[...new Set(bad.map((s) => s.detail))].join(', ')})`)
  if (errors.length > 0) parts.push(`${errors.length} could not run (${errors[0]?.detail})`)
  return parts.join('; ')
}

/** Probes a URL `samples` times, `intervalMs` apart; passes when every sample is good. */
export async function checkHealth(
  http: HttpClient,
  health: HealthInputs,
  options: { signal?: AbortSignal; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> } = {},
): Promise<HealthVerdict> {
  const sleep = options.sleep ?? realSleep
  const samples: Sample[] = []
  for (let i = 0; i < health.samples; i++) {
    if (i > 0) await sleep(health.intervalMs, options.signal)
    samples.push(await probe(http, health.url, health))
  }
  return { passed: samples.every((s) => s.verdict === 'good'), samples, summary: summarize(samples, health.expectedText) }
}

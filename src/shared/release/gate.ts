import type { GateInputs } from '../inputs/health.js'
import type { ReleaseContext } from './context.js'
import { probe, type Sample } from './health.js'
import { emptyGate, type GateCounts } from './progressive.js'

/**
 * The health gate of a progressive release: probes the health URL through the router and, when
 * the candidate's own URL is known, the same path on the candidate directly. Counts bad answers
 * and probes that could not run apart, since the step's weight was reached.
 */
export class HealthGate {
  private counts: GateCounts = emptyGate()
  private readonly urls: URL[]
  private readonly seen: Sample[] = []

  constructor(
    private readonly ctx: ReleaseContext,
    private readonly inputs: GateInputs,
    candidateUrl: string | undefined,
  ) {
    this.urls = [inputs.url]
    if (candidateUrl) {
      // the health URL's path on the candidate's own address (which may carry a path of its own)
      const direct = new URL(candidateUrl.replace(/\/$/, '') + inputs.url.pathname + inputs.url.search)
      if (direct.href !== inputs.url.href) this.urls.push(direct)
    }
  }

  get current(): GateCounts {
    return { ...this.counts }
  }

  /** Starts counting anew: the weight changed. */
  reset(): void {
    this.counts = emptyGate()
    this.seen.length = 0
  }

  async sample(): Promise<void> {
    for (const url of this.urls) {
      const sample = await probe(this.ctx.probe, url, this.inputs)
      this.seen.push(sample)
      const counts = this.counts
      counts.samples++
      if (sample.verdict === 'bad') counts.failures++
      if (sample.verdict === 'error') counts.errors++
      counts.consecutiveErrors = sample.verdict === 'error' ? counts.consecutiveErrors + 1 : 0
      if (sample.verdict !== 'good') {
        counts.last = `${url.href}: ${sample.detail}`
        this.ctx.log.info(`gate: ${url.href} ${sample.verdict === 'bad' ? 'answered badly' : 'could not be probed'}: ${sample.detail}`)
      }
    }
  }

  /** One line on the samples since the last reset. */
  describe(): string {
    const { samples, failures, errors } = this.counts
    return `${samples - failures - errors}/${samples} probe(s) good, ${failures} bad answer(s), ${errors} could not run`
  }
}

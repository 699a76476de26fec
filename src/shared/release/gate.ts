import type { GateInputs } from '../inputs/health.js'
import type { ReleaseContext } from './context.js'
import { probe, type Sample } from './health.js'
import { emptyGate, type GateCounts } from './progressive.js'

/** The side that takes traffic, as the gate probes it directly: its own address, its name and the router's. */
export interface Candidate {
  url: string
  service: string
  router: string
}

/**
 * The health URL's path below the router's address, on the candidate's address. Where each
 * service has a host of its own (Jelastic: `<env>.<platform domain>`, the router at the root of
 * `shop.…`), that is the health URL's whole path: `https://shop.…/health` is probed on the
 * candidate as `https://shop-green.…/health`. Where services are served under paths of one host,
 * each named by its service (the emulator: `/jelastic/env/<env>/`), the router's address is the
 * candidate's with the router's name for the candidate's, and only what the health URL has below
 * it goes on the candidate's: `…/env/shop/health` becomes `…/env/shop-green/health`. A health URL
 * already at or below the candidate's address is the candidate's.
 */
export function candidateHealthUrl(health: URL, candidate: Candidate): URL {
  const own = new URL(candidate.url)
  const base = own.pathname.endsWith('/') ? own.pathname : `${own.pathname}/`
  const path = health.pathname.endsWith('/') ? health.pathname : `${health.pathname}/`
  if (own.origin === health.origin && path.startsWith(base)) return health
  let below = health.pathname.slice(1)
  const segments = base.split('/').slice(1, -1)
  if (own.origin === health.origin && segments.at(-1) === encodeURIComponent(candidate.service)) {
    const routerBase = `/${[...segments.slice(0, -1), encodeURIComponent(candidate.router)].join('/')}/`
    if (path.startsWith(routerBase)) below = health.pathname.slice(routerBase.length)
  }
  return new URL(`${own.origin}${base}${below}${health.search}`)
}

/**
 * The health gate of a progressive release: probes the health URL through the router and, when
 * the candidate's own URL is known, the same path on the candidate directly. Counts bad answers
 * and probes that could not run apart, since the step's weight was reached; probes in a row that
 * could not run are counted per URL.
 */
export class HealthGate {
  private counts: GateCounts = emptyGate()
  private readonly urls: URL[]
  private readonly seen: Sample[] = []
  /** per URL: the router's answers must not hide a candidate that cannot be reached */
  private readonly errorsInRow = new Map<string, number>()

  constructor(
    private readonly ctx: ReleaseContext,
    private readonly inputs: GateInputs,
    candidate: Candidate | undefined,
  ) {
    this.urls = [inputs.url]
    if (candidate) {
      const direct = candidateHealthUrl(inputs.url, candidate)
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
    this.errorsInRow.clear()
  }

  async sample(): Promise<void> {
    for (const url of this.urls) {
      const sample = await probe(this.ctx.probe, url, this.inputs)
      this.seen.push(sample)
      const counts = this.counts
      counts.samples++
      if (sample.verdict === 'bad') counts.failures++
      if (sample.verdict === 'error') counts.errors++
      this.errorsInRow.set(url.href, sample.verdict === 'error' ? (this.errorsInRow.get(url.href) ?? 0) + 1 : 0)
      counts.consecutiveErrors = Math.max(...this.errorsInRow.values())
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

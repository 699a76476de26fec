/** One server behind a balancer: a container, with the weight its port rule gives it. */
export interface Backend {
  key: string
  weight: number
}

/**
 * Smooth weighted round-robin (as HAProxy's `roundrobin` spreads servers by `weight`): over any
 * run of requests each backend's share is its weight over the sum, exactly at every full cycle;
 * a weight of 0 takes no requests.
 */
export class WeightedTurns {
  private readonly current = new Map<string, Map<string, number>>()

  pick<T extends Backend>(balancer: string, backends: T[]): T | undefined {
    const live = backends.filter((backend) => backend.weight > 0)
    if (live.length === 0) return undefined
    const scores = this.current.get(balancer) ?? new Map<string, number>()
    this.current.set(balancer, scores)
    const total = live.reduce((sum, backend) => sum + backend.weight, 0)
    let best: T | undefined
    for (const backend of live) {
      const score = (scores.get(backend.key) ?? 0) + backend.weight
      scores.set(backend.key, score)
      if (best === undefined || score > (scores.get(best.key) ?? 0)) best = backend
    }
    const chosen = best as T
    scores.set(chosen.key, (scores.get(chosen.key) ?? 0) - total)
    return chosen
  }
}

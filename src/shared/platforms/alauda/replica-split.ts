import type { TrafficSplit } from '../platform.js'
import { type AlaudaService, isStopped } from './service.js'

/**
 * Alauda has no weighted router (platforms.md 3.3). Two services that share one custom domain
 * share its traffic by their instances: green's share is green's instances over both sides'.
 * A side with no share is stopped rather than scaled to 0, a state the API documents.
 */

/** Instances taking traffic now: none while stopped. */
export function serving(service: AlaudaService): number {
  return isStopped(service) ? 0 : (service.current_num_instances ?? 0)
}

/** Instances a side is set to run: none while stopped. */
export function planned(service: AlaudaService): number {
  return isStopped(service) ? 0 : (service.target_num_instances ?? 0)
}

/** The split the instances make; null when neither side runs one. */
export function splitOf(blue: AlaudaService, green: AlaudaService): TrafficSplit | null {
  const total = serving(blue) + serving(green)
  if (total === 0) return null
  const greenShare = Math.round((100 * serving(green)) / total)
  return { blue: 100 - greenShare, green: greenShare, routingMethod: 'round-robin' }
}

/** Every green share `total` instances can make: 0, 100/total, ..., 100. */
export function reachableShares(total: number): number[] {
  return Array.from({ length: total + 1 }, (_, green) => Math.round((100 * green) / total))
}

/** How many instances each side runs for a green share that `reachableShares(total)` gave. */
export function instancesFor(total: number, greenShare: number): { blue: number; green: number } {
  const green = Math.round((greenShare * total) / 100)
  return { blue: total - green, green }
}

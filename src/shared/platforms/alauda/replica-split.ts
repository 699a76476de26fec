import { isStopped, type AlaudaService } from './service.js'

/**
 * Alauda's side of a replica split (platforms/replica-split.ts): two services on one custom
 * domain. A side with no share is stopped rather than scaled to 0, a state the API documents.
 */

/** Instances taking traffic now: none while stopped. */
export function serving(service: AlaudaService): number {
  return isStopped(service) ? 0 : (service.current_num_instances ?? 0)
}

/** Instances a side is set to run: none while stopped. */
export function planned(service: AlaudaService): number {
  return isStopped(service) ? 0 : (service.target_num_instances ?? 0)
}

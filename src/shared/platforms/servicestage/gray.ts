import type { GrayRelease } from '../platform.js'

/**
 * ServiceStage's gray release, where platforms.md is silent (gap 5). Every assumption about it is
 * here, one place to change:
 * - a deploy starts it: `deploy_strategy: {type: GrayRelease, gray_release: {type: WEIGHT,
 *   replica_surge_mode: MIRROR, deployment_mode, first_batch_weight: N}}` (fields from the SDK,
 *   platforms.md 2.4 and 7);
 * - its weight is read from the deployment records (newest first): when the newest record has
 *   `deploy_type: gray`, `status: RUNNING` means in progress at the `first_batch_weight` of its
 *   newest job, `SUCCEEDED` promoted (100), anything else abandoned (0); records and
 *   `job_info.first_batch_weight` are documented, the two values are assumed;
 * - `modify_gray_rule` changes the weight with `parameters: {first_batch_weight: N}` (assumed:
 *   the action's parameters are undocumented); `continue_deploy` promotes; `rollback_current`
 *   abandons it (both documented by name).
 */

export interface GrayRecord {
  deploy_type?: string
  status?: string
  jobs?: { job_info?: { first_batch_weight?: number } }[]
}

/**
 * The strategy as the SDK's DeployStrategyGrayRelease defines it: `type`, `replica_surge_mode` and
 * `deployment_mode` always (platforms.md 7); the canary modes (EXTRA adds the gray instances
 * first, NOSURGE removes stable ones first) also take `first_batch_replica` and `remaining_batch`
 * (the SDK: "needed for the canary types"): the gray version's share of the replicas, at least
 * one, and the rest in one batch. MIRROR (blue/green) runs the gray version beside the stable one.
 * The deployment mode is the input's, else the component's last gray release's, else 1 (the
 * application gateway / microservice engine, the SDK's first).
 */
export function grayStrategy(gray: GrayRelease, replicas: number, previousMode = 1): Record<string, unknown> {
  const surge = gray.surgeMode.toUpperCase()
  const canary = surge !== 'MIRROR'
  return {
    type: 'GrayRelease',
    gray_release: {
      type: 'WEIGHT',
      replica_surge_mode: surge,
      deployment_mode: gray.deploymentMode ?? previousMode,
      first_batch_weight: gray.weight,
      ...(canary && { first_batch_replica: Math.max(1, Math.round((replicas * gray.weight) / 100)), remaining_batch: 1 }),
    },
  }
}

/**
 * The gray version's share, from the newest record (records come newest first): undefined when
 * the newest deploy was no gray release.
 */
export function grayWeight(records: GrayRecord[]): number | undefined {
  const newest = records[0]
  if (newest?.deploy_type !== 'gray') return undefined
  if (newest.status === 'SUCCEEDED') return 100
  if (newest.status !== 'RUNNING') return 0
  const weight = newest.jobs?.at(-1)?.job_info?.first_batch_weight
  return typeof weight === 'number' ? weight : 0
}

/** The body of a component action (servicestage_06_0082). */
export interface ComponentAction {
  action: string
  parameters?: Record<string, unknown>
}

/** The component action that sets a gray weight: promote at 100, abandon at 0, modify in between. */
export function grayAction(weight: number): ComponentAction {
  if (weight >= 100) return { action: 'continue_deploy' }
  if (weight <= 0) return { action: 'rollback_current' }
  return { action: 'modify_gray_rule', parameters: { first_batch_weight: weight } }
}

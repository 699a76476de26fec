import type { ServicePhase, ServiceState } from '../platform.js'

/** The parts of `getenvinfo` the adapter reads (platforms.md 1.3); everything else is ignored. */
export interface EnvInfo {
  env?: { envName?: string; domain?: string; status?: number; url?: string }
  nodes?: JelasticNode[]
}

export interface JelasticNode {
  id?: number
  nodeGroup?: string
  /** the node's stack: `docker` for a container of an image, else a Jelastic stack (mysql8, nginx …) */
  nodeType?: string
  fixedCloudlets?: number
  flexibleCloudlets?: number
  status?: number
  url?: string
  customitem?: { dockerName?: string; dockerTag?: string }
  addons?: { uniqueName?: string; appTemplateId?: string; app_id?: string; name?: string; jps?: string }[]
}

/** `env.status` values (platforms.md 1.5). */
export const ENV_STATUS: Record<number, string> = {
  1: 'RUNNING',
  2: 'DOWN',
  3: 'LAUNCHING',
  4: 'SLEEP',
  5: 'UNKNOWN',
  6: 'CREATING',
  7: 'CLONING',
  8: 'NOT_EXISTS',
  9: 'EXPORTING',
  10: 'MIGRATING',
  11: 'BROKEN',
  12: 'UPDATING',
  13: 'STOPPING',
  14: 'GOING_TO_SLEEP',
  15: 'RESTORING',
}

const BUSY = new Set([3, 6, 7, 9, 10, 12, 13, 14, 15])

export function envStatusName(status: number | undefined): string {
  return status === undefined ? 'no status' : (ENV_STATUS[status] ?? `status ${status}`)
}

/** UPDATING: a redeploy or a topology change is under way (observe waits for it to end). */
export function isUpdating(info: EnvInfo): boolean {
  return info.env?.status === 12
}

export function groupNodes(info: EnvInfo, nodeGroup: string): JelasticNode[] {
  return (info.nodes ?? []).filter((node) => node.nodeGroup === nodeGroup)
}

export function nodeImage(node: JelasticNode): string {
  const name = node.customitem?.dockerName ?? 'unknown'
  const tag = node.customitem?.dockerTag ?? 'latest'
  return tag.startsWith('sha256:') ? `${name}@${tag}` : `${name}:${tag}`
}

export function phaseOf(info: EnvInfo): ServicePhase {
  const status = info.env?.status
  if (status === 1) return 'running'
  if (status !== undefined && BUSY.has(status)) return 'deploying'
  if (status === 2 || status === 4) return 'stopped'
  if (status === 11) return 'failed'
  return 'unknown'
}

export function envUrl(info: EnvInfo): string | undefined {
  if (info.env?.url) return info.env.url
  return info.env?.domain ? `https://${info.env.domain}/` : undefined
}

/** A service state from env info; the image is the one most nodes of the group run. */
export function toServiceState(info: EnvInfo, nodeGroup: string): ServiceState {
  const nodes = groupNodes(info, nodeGroup)
  const images = nodes.map(nodeImage)
  const counts = new Map<string, number>()
  for (const image of images) counts.set(image, (counts.get(image) ?? 0) + 1)
  const image = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? ''
  const url = envUrl(info)
  return {
    // an environment is addressed by its envName: the name is the id
    id: info.env?.envName ?? '',
    image,
    replicas: nodes.length,
    ready: phaseOf(info) === 'running' ? nodes.filter((node) => node.status === undefined || node.status === 1).length : 0,
    phase: phaseOf(info),
    status: `${envStatusName(info.env?.status)}, ${nodes.length} node(s) in "${nodeGroup}" running ${[...counts.keys()].join(', ') || 'nothing'}`,
    ...(url && { url }),
  }
}

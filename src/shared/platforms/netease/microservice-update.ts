import { describeDiff, envDiff, hasChanges, nextEnvWithProvenance, sameEnv } from '../env-vars.js'
import type { DeployCall, DeploySpec, ServiceRef } from '../platform.js'
import { PlatformError } from '../platform.js'
import { deployedContainer, envOf, type Microservice, type MicroserviceContainer } from './microservice-model.js'

/**
 * What a deploy of a microservice sends (platforms.md 4.3): the variables by update-stateless,
 * the image by update-image. Each refuses to start while another update runs, so with both the
 * variables go first and the image once their update has ended: an image that needs a new
 * variable would fail to start without it, while the image running now ignores one it does not
 * read. A rollback (`undoing`) sends the image first: the image it leaves may be the one that does
 * not start, and an update of its variables would then fail before the image is sent.
 */
export interface MicroserviceUpdate {
  /** the deployed container's whole set of variables, when it changes */
  envs?: Record<string, string>
  /** the image update-image sets: alone, or before or after the variables' update (imageFirst) */
  image?: string
  /** both: the image goes first, and the variables once its update has ended */
  imageFirst: boolean
  /** the provenance's variables were left out: a deploy not waited for cannot send the image after them */
  provenanceLeftOut: boolean
}

/** update-stateless's body: every container of the service, each as the GET shows it but the deployed one's variables. */
export interface StatelessBody {
  container_infos: {
    container_id: number | string
    envs: { key: string; value: string }[]
    log_dirs: string[]
    cpu_weight: number
    memory_weight: number
  }[]
}

/** The updates a deploy of `spec` makes, or the refusal it meets before any write. */
export function updatesFor(ref: ServiceRef, spec: DeploySpec, service: Microservice): MicroserviceUpdate {
  const container = deployedContainer(service)
  if (container?.container_id === undefined) throw refusal(ref, 'the microservice shows no container to update')
  const repository = (image: string) => image.slice(0, image.lastIndexOf(':'))
  if (container.image_path && repository(container.image_path) !== repository(spec.image)) {
    throw refusal(
      ref,
      `update-image keeps the repository: ${repository(container.image_path)} runs now, ${repository(spec.image)} was given`,
    )
  }
  const current = envOf(container)
  const imageChanges = container.image_path !== spec.image
  const wanted = spec.env || spec.provenance ? nextEnvWithProvenance(current, spec.env, spec.provenance) : current
  let envs = sameEnv(current, wanted) ? undefined : wanted
  let provenanceLeftOut = false
  if (envs && imageChanges && spec.wait === false) {
    if (spec.env && hasChanges(envDiff(current, spec.env))) {
      throw refusal(
        ref,
        'the variables and the image are two updates, update-stateless and then update-image, which is refused while another update runs: a deploy with env-vars and a new image must wait (wait: true), or give them in two deploys',
      )
    }
    // the provenance alone would need the second update: the image goes alone, without it
    envs = undefined
    provenanceLeftOut = true
  }
  if (envs && service.service_info.stateful === 1)
    throw refusal(ref, 'update-stateless, which sets the variables, is for stateless microservices; this one is stateful')
  // the body's refusals (a share the GET does not show) come before any write too
  if (envs) statelessBody(ref, service, envs)
  return {
    ...(envs && { envs }),
    ...((imageChanges || !envs) && { image: spec.image }),
    imageFirst: envs !== undefined && imageChanges && spec.undoing === true,
    provenanceLeftOut,
  }
}

/**
 * Every container goes back as the GET shows it (its log_dirs, cpu_weight, memory_weight): the
 * shares must add up to 100 over the containers, and what the body leaves out may be lost. The
 * deployed container gets `envs`; the others keep theirs.
 */
export function statelessBody(ref: ServiceRef, service: Microservice, envs: Record<string, string>): StatelessBody {
  const containers = service.service_container_infos ?? []
  return {
    container_infos: containers.map((container, i) => {
      if (container.container_id === undefined) throw refusal(ref, `container ${i + 1} of the microservice shows no container_id`)
      return {
        container_id: container.container_id,
        envs: Object.entries(i === 0 ? envs : envOf(container)).map(([key, value]) => ({ key, value })),
        log_dirs: Array.isArray(container.log_dirs) ? container.log_dirs : [],
        cpu_weight: share(ref, container, 'cpu_weight', containers.length),
        memory_weight: share(ref, container, 'memory_weight', containers.length),
      }
    }),
  }
}

/** The calls of `update` for a dry run's plan: the variables' names, never their values. */
export function describeCalls(service: Microservice, update: MicroserviceUpdate): DeployCall[] {
  const container = deployedContainer(service)
  const current = envOf(container)
  const calls: DeployCall[] = []
  if (update.envs) {
    const diff = envDiff(current, { vars: update.envs, update: 'replace' })
    calls.push({
      call: 'update-stateless',
      before: `variables ${Object.keys(current).sort().join(', ') || 'none'}`,
      after: `variables ${describeDiff(diff, Object.keys(update.envs).length)}`,
    })
  }
  if (update.image) {
    const image = { call: 'update-image', before: container?.image_path ?? '', after: update.image }
    if (update.imageFirst) calls.unshift(image)
    else calls.push(image)
  }
  return calls
}

/** A container's share of the spec as the GET shows it; a single container's is 100 (the document's 9.9). */
function share(ref: ServiceRef, container: MicroserviceContainer, field: 'cpu_weight' | 'memory_weight', count: number): number {
  const value = container[field]
  if (typeof value === 'number') return value
  if (count === 1) return 100
  throw refusal(ref, `the microservice shows no ${field} for container ${container.container_id}; update-stateless needs every container's`)
}

function refusal(ref: ServiceRef, message: string): PlatformError {
  return new PlatformError('netease', 'deploy', ref.service, message)
}

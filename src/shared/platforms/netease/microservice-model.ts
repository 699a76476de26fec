/** A container of a microservice as `GET /api/v1/microservices/{id}` shows it (platforms.md 4.3). */
export interface MicroserviceContainer {
  container_id?: number | string
  image_path?: string
  docker_container_ids?: string[]
  /** its variables, `[{key, value}]` */
  envs?: { key?: unknown; value?: unknown }[] | null
  log_dirs?: string[] | null
  /** its shares of the service's spec, 1–99 summing to 100 over the containers (100 for one) */
  cpu_weight?: number
  memory_weight?: number
}

/** A microservice as `GET /api/v1/microservices/{id}` shows it (platforms.md 4.3). */
export interface Microservice {
  service_info: { id: number; service_name: string; replicas?: number; status?: string; stateful?: number }
  service_container_infos?: MicroserviceContainer[]
}

/** The container a deploy changes: the first, whose image update-image sets. */
export function deployedContainer(service: Microservice): MicroserviceContainer | undefined {
  return service.service_container_infos?.[0]
}

/** A container's variables with string names and values. */
export function envOf(container: MicroserviceContainer | undefined): Record<string, string> {
  const entries = Array.isArray(container?.envs) ? container.envs : []
  return Object.fromEntries(
    entries.flatMap((entry) => (typeof entry?.key === 'string' && typeof entry.value === 'string' ? [[entry.key, entry.value]] : [])),
  )
}

export function dockerIds(service: Microservice): string[] {
  return deployedContainer(service)?.docker_container_ids ?? []
}

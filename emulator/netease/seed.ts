import { answer, type ControlAnswer, type ControlBody, refuse } from '../control-route.js'
import type { App, Microservice, NeteaseState } from './state.js'

/** The most one batch creates. */
const MAX_BATCH = 20_000

/** An app already built from `version`, every container running (what `POST /_emulator/netease/apps` makes). */
export function seedApp(state: NeteaseState, name: string, version: string, replicas: number, domain = ''): App {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  const app: App = {
    id: state.id(),
    name,
    desc: '',
    domain,
    status: 'create_succ',
    replicas,
    spec_id: 1,
    image_id: 10006,
    image_type: 1,
    version_control: { type: 'git', path: 'https://git.example.com/team/shop.git', branch: 'main', version },
    docker_file_type: 1,
    custom_docker_file: '',
    log_dirs: [],
    env_var: {},
    hook: state.hookId(),
    containers: [],
    created_at: now,
    updated_at: now,
  }
  for (let i = 0; i < replicas; i++) app.containers.push(state.container(`source@${version}`))
  state.apps.set(app.id, app)
  return app
}

/** A running microservice of namespace 101 (what `POST /_emulator/netease/microservices` makes). */
export function seedMicroservice(
  state: NeteaseState,
  name: string,
  image: string,
  replicas: number,
  stateful = false,
  env: Record<string, string> = {},
  logDirs: string[] = [],
): Microservice {
  const service: Microservice = {
    id: state.id(),
    namespace_id: 101,
    service_name: name,
    stateful: stateful ? 1 : 0,
    replicas,
    status: 'create_succ',
    container_id: state.id(),
    container_name: name,
    image_path: image,
    envs: Object.entries(env).map(([key, value]) => ({ key, value })),
    log_dirs: logDirs,
    cpu_weight: 100,
    memory_weight: 100,
    containers: [],
  }
  for (let i = 0; i < replicas; i++) service.containers.push(state.container(image))
  state.microservices.set(service.id, service)
  return service
}

/**
 * `POST /_emulator/netease/apps/batch` `{prefix, count, version, replicas?: 1}` and
 * `POST /_emulator/netease/microservices/batch` `{prefix, count, image, replicas?: 1}`: `count`
 * of them named `<prefix>0` … in one call (a list of 10,000 to find a name in, without 10,000 calls).
 */
export function seedBatch(kind: 'apps' | 'microservices', body: ControlBody, state: NeteaseState): ControlAnswer {
  const { prefix, count, version, image, replicas } = body
  const what = kind === 'apps' ? '"version"' : '"image" (repository:tag)'
  const runs = kind === 'apps' ? version : image
  if (
    typeof prefix !== 'string' ||
    !prefix ||
    typeof runs !== 'string' ||
    (kind === 'microservices' && !runs.includes(':')) ||
    !Number.isInteger(count) ||
    (count as number) < 1 ||
    (count as number) > MAX_BATCH
  ) {
    return refuse(`give "prefix", ${what} and "count" (1 to ${MAX_BATCH})`)
  }
  for (let i = 0; i < (count as number); i++) {
    if (kind === 'apps') seedApp(state, `${prefix}${i}`, runs, Number(replicas ?? 1))
    else seedMicroservice(state, `${prefix}${i}`, runs, Number(replicas ?? 1))
  }
  return answer({ created: count })
}

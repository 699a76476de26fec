import { answer, type PlatformControl, refuse } from '../control-route.js'
import type { NeteaseEmulator } from './api.js'
import type { NeteaseState } from './state.js'

/** NetEase's control routes, `/_emulator/netease/…` (emulator/README.md, Control API). */
export function neteaseControl(state: NeteaseState, api: NeteaseEmulator): PlatformControl {
  return {
    routes: {
      'POST apps': {
        seed: true,
        // an app already built from `version` with every container running
        handle(body) {
          const { name, version, replicas, domain } = body
          if (typeof name !== 'string' || typeof version !== 'string') return refuse('give "name" and "version"')
          const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
          const app = {
            id: state.id(),
            name,
            desc: '',
            domain: typeof domain === 'string' ? domain : '',
            status: 'create_succ' as const,
            replicas: Number(replicas ?? 2),
            spec_id: 1,
            image_id: 10006,
            image_type: 1,
            version_control: { type: 'git', path: 'https://git.example.com/team/shop.git', branch: 'main', version },
            docker_file_type: 1,
            custom_docker_file: '',
            log_dirs: [],
            env_var: {},
            hook: state.hookId(),
            containers: [] as ReturnType<NeteaseState['container']>[],
            created_at: now,
            updated_at: now,
          }
          for (let i = 0; i < app.replicas; i++) app.containers.push(state.container(`source@${version}`))
          state.apps.set(app.id, app)
          return answer(api.view(app))
        },
      },
      'POST microservices': {
        seed: true,
        handle(body) {
          const { name, image, replicas, stateful } = body
          if (typeof name !== 'string' || typeof image !== 'string' || !image.includes(':'))
            return refuse('give "name" and "image" (repository:tag)')
          const service = {
            id: state.id(),
            namespace_id: 101,
            service_name: name,
            stateful: stateful === true ? 1 : 0,
            replicas: Number(replicas ?? 2),
            status: 'create_succ',
            container_id: state.id(),
            image_path: image,
            containers: [] as ReturnType<NeteaseState['container']>[],
          }
          for (let i = 0; i < service.replicas; i++) service.containers.push(state.container(image))
          state.microservices.set(service.id, service)
          return answer(api.microserviceView(service))
        },
      },
      'POST timing': {
        seed: true,
        handle(body) {
          if (body.containerMs !== undefined) state.containerMs = Number(body.containerMs)
          if (body.watchMs !== undefined) state.watchMs = Number(body.watchMs)
          if (body.buildStartMs !== undefined) state.buildStartMs = Number(body.buildStartMs)
          return answer({ containerMs: state.containerMs, watchMs: state.watchMs, buildStartMs: state.buildStartMs })
        },
      },
      'POST rate-limit': {
        handle(body) {
          state.ratePerSecond = Number(body.perSecond ?? 0)
          return answer({ perSecond: state.ratePerSecond })
        },
      },
    },
    state: () => ({
      apps: [...state.apps.values()].map((a) => api.view(a)),
      microservices: [...state.microservices.values()].map((m) => api.microserviceView(m)),
      tokens: [...state.tokens],
    }),
    reset: () => state.reset(),
  }
}

import { answer, type PlatformControl, refuse } from '../control-route.js'
import type { NeteaseEmulator } from './api.js'
import { seedApp, seedBatch, seedMicroservice } from './seed.js'
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
          const app = seedApp(state, name, version, Number(replicas ?? 2), typeof domain === 'string' ? domain : '')
          return answer(api.view(app))
        },
      },
      'POST microservices': {
        seed: true,
        // `env` (name to value) and `log_dirs`: the container's, as a console would have set them
        handle(body) {
          const { name, image, replicas, stateful, env, log_dirs } = body
          if (typeof name !== 'string' || typeof image !== 'string' || !image.includes(':'))
            return refuse('give "name" and "image" (repository:tag)')
          const vars = env ?? {}
          if (typeof vars !== 'object' || Array.isArray(vars) || !Object.values(vars).every((v) => typeof v === 'string'))
            return refuse('give "env" as an object of strings')
          const dirs = log_dirs ?? []
          if (!Array.isArray(dirs) || !dirs.every((d) => typeof d === 'string')) return refuse('give "log_dirs" as a list of strings')
          const service = seedMicroservice(
            state,
            name,
            image,
            Number(replicas ?? 2),
            stateful === true,
            vars as Record<string, string>,
            dirs as string[],
          )
          return answer(api.microserviceView(service))
        },
      },
      // `count` of them named `<prefix>0` … in one call (emulator/netease/seed.ts)
      'POST apps/batch': { seed: true, handle: (body) => seedBatch('apps', body, state) },
      'POST microservices/batch': { seed: true, handle: (body) => seedBatch('microservices', body, state) },
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

import { answer, type PlatformControl, refuse } from '../control-route.js'
import type { JelasticEmulator } from './api.js'
import type { JelasticState } from './state.js'

/** Jelastic's control routes, `/_emulator/jelastic/…` (emulator/README.md, Control API). */
export function jelasticControl(state: JelasticState, api: JelasticEmulator): PlatformControl {
  return {
    routes: {
      'POST environments': {
        seed: true,
        handle(body) {
          const { envName, image, nodes, nodeGroup } = body as { envName?: string; image?: string; nodes?: number; nodeGroup?: string }
          if (!envName || !image?.includes(':')) return refuse('give "envName" and "image" (repository:tag)')
          state.createEnv(envName, image, nodes ?? 1, nodeGroup ?? 'cp')
          return answer(api.envInfo(state.envs.get(envName) as NonNullable<ReturnType<typeof state.envs.get>>))
        },
      },
      'POST node-status': {
        // one node of an environment goes down (status 2) or comes back (1), as a crashed container would
        handle(body) {
          const { envName, status } = body as { envName?: string; status?: number }
          const node = state.envs.get(envName ?? '')?.nodes[0]
          if (!node || (status !== 1 && status !== 2)) return refuse('give "envName" of an environment with nodes, and "status" 1 or 2')
          node.status = status
          return answer({ ok: true })
        },
      },
      'POST expire-sessions': {
        handle() {
          state.sessions.clear()
          return answer({ ok: true })
        },
      },
      'POST timing': {
        seed: true,
        handle(body) {
          Object.assign(state.timing, body)
          return answer(state.timing)
        },
      },
    },
    state: () => ({
      environments: [...state.envs.values()].map((env) => ({
        ...api.envInfo(env),
        // what getenvproperty and getcontainerenvvars show, for tests to see what the platform holds
        properties: { ...env.properties },
        vars: Object.fromEntries(env.nodes.map((node) => [node.id, { ...node.vars }])),
      })),
      sessions: [...state.sessions],
    }),
    reset: () => state.reset(),
  }
}

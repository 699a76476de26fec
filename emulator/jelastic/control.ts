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
          const {
            envName,
            image,
            nodes,
            nodeGroup,
            layers = [],
          } = body as {
            envName?: string
            image?: string
            nodes?: number
            nodeGroup?: string
            layers?: { nodeGroup?: string; nodeType?: string; nodes?: number; image?: string }[]
          }
          if (!envName || !image?.includes(':')) return refuse('give "envName" and "image" (repository:tag)')
          if (!Array.isArray(layers) || layers.some((layer) => !layer.nodeGroup || !layer.nodeType))
            return refuse('give each of "layers" a "nodeGroup" and a "nodeType" (a stack such as mysql8), and "nodes"')
          const env = state.createEnv(envName, image, nodes ?? 1, nodeGroup ?? 'cp')
          // more layers: of an image (nodeType docker), or of a stack (a database, a balancer) that is its own image
          for (const layer of layers) {
            const [name, tag] = splitImage(layer.image ?? `jelastic/${layer.nodeType}:latest`)
            for (let i = 0; i < (layer.nodes ?? 1); i++)
              env.nodes.push(state.newNode(layer.nodeGroup as string, layer.nodeType as string, name, tag))
          }
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

/** "repo:tag" as its repository and tag */
function splitImage(image: string): [string, string] {
  const colon = image.lastIndexOf(':')
  return colon < 0 ? [image, 'latest'] : [image.slice(0, colon), image.slice(colon + 1)]
}

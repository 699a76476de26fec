import { answer, type PlatformControl, refuse } from '../control-route.js'
import type { AlaudaEmulator } from './api.js'
import type { AlaudaState } from './state.js'

/** Alauda's control routes, `/_emulator/alauda/…` (emulator/README.md, Control API). */
export function alaudaControl(state: AlaudaState, api: AlaudaEmulator): PlatformControl {
  return {
    routes: {
      'POST services': {
        seed: true,
        // a service that already runs, every instance up
        handle(body) {
          const { namespace, name, image, instances, domain, stopped } = body
          const colon = typeof image === 'string' ? image.lastIndexOf(':') : -1
          if (typeof namespace !== 'string' || typeof name !== 'string' || colon <= 0)
            return refuse('give "namespace", "name" and "image" (repository:tag)')
          const service = state.seed({
            namespace,
            service_name: name,
            image_name: (image as string).slice(0, colon),
            image_tag: (image as string).slice(colon + 1),
            target_num_instances: Number(instances ?? 2),
            ...(typeof domain === 'string' && { custom_domain_name: domain }),
            ...(stopped === true && { target_state: 'STOPPED' as const }),
          })
          return answer(api.view(service))
        },
      },
      'POST timing': {
        seed: true,
        handle(body) {
          state.instanceMs = Number(body.instanceMs ?? state.instanceMs)
          return answer({ instanceMs: state.instanceMs })
        },
      },
      'POST expire-tokens': {
        // every token handed out by generate-api-token stops working, as an expired one would
        handle() {
          for (const token of [...state.tokens])
            if (token.startsWith('alauda-') && token !== 'alauda-demo-token-0123456789') state.tokens.delete(token)
          return answer({ ok: true })
        },
      },
    },
    state: () => ({
      services: [...state.services.values()].map((s) => api.view(s)),
      tokens: [...state.tokens],
    }),
    reset: () => state.reset(),
  }
}

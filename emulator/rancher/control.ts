import { answer, type PlatformControl, refuse } from '../control-route.js'
import type { RancherEmulator } from './api.js'
import type { RancherState } from './state.js'

/** Rancher's control routes, `/_emulator/rancher/…` (emulator/README.md, Control API). */
export function rancherControl(state: RancherState, api: RancherEmulator): PlatformControl {
  const { webhooks } = api
  return {
    routes: {
      'POST services': {
        seed: true,
        // an active service in a stack of project 1a5 (the stack made when missing)
        handle(body) {
          const { stack, name, image, scale, labels } = body
          if (typeof stack !== 'string' || typeof name !== 'string' || typeof image !== 'string' || !image.includes(':'))
            return refuse('give "stack", "name" and "image" (repository:tag)')
          const found = [...state.stacks.values()].find((s) => s.name === stack) ?? state.newStack('1a5', stack)
          const service = state.newService(found, name, image, Number(scale ?? 2), true)
          if (typeof labels === 'object' && labels !== null) service.launchConfig.labels = labels
          return answer(api.view(service))
        },
      },
      'POST load-balancers': {
        seed: true,
        // a load balancer in a stack, one port rule from `port` to the service `target` of that stack
        handle(body) {
          const { stack, name, port, target } = body
          const found = [...state.stacks.values()].find((s) => s.name === stack)
          const to = [...state.services.values()].find((s) => s.stackId === found?.id && s.name === target)
          if (!found || typeof name !== 'string' || !to || !Number.isInteger(port))
            return refuse('give "stack", "name", "port" and "target" (a service of that stack)')
          const lb = state.newService(found, name, 'rancher/lb-service-haproxy:v0.9.1', 1, true)
          lb.lbConfig = { portRules: [{ serviceId: to.id, sourcePort: port as number, targetPort: 8080, protocol: 'http' }] }
          return answer(api.view(lb))
        },
      },
      'POST hosts': {
        seed: true,
        handle(body) {
          const { count, labels } = body as { count?: number; labels?: Record<string, string> }
          for (let i = 0; i < (count ?? 1); i++) webhooks.addHost('1a5', labels ?? {})
          return answer({ hosts: webhooks.hosts })
        },
      },
      'POST schema': {
        seed: true,
        // whether port rules have weight (Rancher 1.6.13 and later) or not (before)
        handle(body) {
          if (typeof body.portRuleWeights !== 'boolean') return refuse('give "portRuleWeights": true or false')
          state.portRuleWeights = body.portRuleWeights
          return answer({ portRuleWeights: state.portRuleWeights })
        },
      },
      'POST events': {
        seed: true,
        // off: the event stream is refused (404), as by a server or a front that does not serve it
        handle(body) {
          if (typeof body.enabled !== 'boolean') return refuse('give "enabled": true or false')
          api.events.enabled = body.enabled
          if (!body.enabled) api.events.closeAll()
          return answer({ enabled: api.events.enabled })
        },
      },
      'POST timing': {
        seed: true,
        handle(body) {
          state.batchMs = Number(body.batchMs ?? state.batchMs)
          return answer({ batchMs: state.batchMs })
        },
      },
    },
    state: () => ({
      stacks: [...state.stacks.values()].map((s) => api.stackView(s)),
      services: [...state.services.values()].map((s) => api.view(s)),
      hosts: webhooks.hosts,
      receivers: [...webhooks.receivers.values()],
      forwarded: webhooks.forwarded,
    }),
    reset: () => {
      state.reset()
      webhooks.reset()
      api.events.closeAll()
      api.events.enabled = true
    },
  }
}

import { answer, type PlatformControl, refuse } from '../control-route.js'
import type { ServiceStageEmulator } from './api.js'
import { seedComponents } from './seed.js'
import type { ServiceStageState } from './state.js'

/** ServiceStage's control routes, `/_emulator/servicestage/…` (emulator/README.md, Control API). */
export function servicestageControl(state: ServiceStageState, api: ServiceStageEmulator): PlatformControl {
  return {
    routes: {
      'POST components': {
        seed: true,
        handle(body) {
          const { project, application, name, image, replica } = body
          if (![project, application, name].every((v) => typeof v === 'string' && v) || typeof image !== 'string' || !image.includes(':'))
            return refuse('give "project", "application", "name" and "image" (repository:tag)')
          const component = state.createComponent(project as string, application as string, name as string, image, Number(replica ?? 2))
          return answer(api.view(component))
        },
      },
      // `count` running components named `<prefix>0` … in one call (emulator/servicestage/seed.ts)
      'POST components/batch': { seed: true, handle: (body) => seedComponents(body, state) },
      'POST timing': {
        seed: true,
        handle(body) {
          state.taskMs = Number(body.taskMs ?? state.taskMs)
          return answer({ taskMs: state.taskMs })
        },
      },
    },
    state: () => ({ components: [...state.components.values()].map((c) => api.view(c)) }),
    reset: () => state.reset(),
  }
}

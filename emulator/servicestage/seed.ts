import { answer, type ControlAnswer, type ControlBody, refuse } from '../control-route.js'
import type { ServiceStageState } from './state.js'

/** The most one batch creates. */
const MAX_BATCH = 20_000

/**
 * `POST /_emulator/servicestage/components/batch` `{project, application, image, prefix, count,
 * replica?: 1}`: `count` running components named `<prefix>0` … in one call, as the single route
 * makes one (a list of 10,000 to find a name in, without 10,000 calls).
 */
export function seedComponents(body: ControlBody, state: ServiceStageState): ControlAnswer {
  const { project, application, image, prefix, count, replica } = body
  if (
    ![project, application, prefix].every((v) => typeof v === 'string' && v) ||
    typeof image !== 'string' ||
    !image.includes(':') ||
    !Number.isInteger(count) ||
    (count as number) < 1 ||
    (count as number) > MAX_BATCH
  ) {
    return refuse(`give "project", "application", "prefix", "image" (repository:tag) and "count" (1 to ${MAX_BATCH})`)
  }
  for (let i = 0; i < (count as number); i++) {
    state.createComponent(project as string, application as string, `${prefix as string}${i}`, image, Number(replica ?? 1))
  }
  return answer({ created: count })
}

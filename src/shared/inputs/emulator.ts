import { type SeedRoute, SEED_ROUTES } from '../../../emulator/seed-routes.js'
import { parseDuration } from './duration.js'
import { badValue } from './input-error.js'
import { parseInteger } from './integer.js'
import { parseJsonObject } from './json.js'
import { readDefaulted, readOptional } from './read.js'

export interface EmulatorInputs {
  /** 0: a free port */
  port: number
  readyTimeoutMs: number
  /** control calls in order: each body is POSTed to /_emulator/<route> */
  seed: { route: SeedRoute; body: Record<string, unknown> }[]
}

const SEED_EXAMPLE = '{"jelastic/environments": [{"envName": "shop", "image": "shop:v1"}]}'

/** action-emulator's inputs, all checked before the emulator is started. */
export function readEmulatorInputs(env: NodeJS.ProcessEnv = process.env): EmulatorInputs {
  return {
    port: parseInteger('port', readDefaulted('port', env), 0, 65535),
    readyTimeoutMs: parseDuration('ready-timeout', readDefaulted('ready-timeout', env)),
    seed: parseSeed(readOptional('seed', env)),
  }
}

/** `{route: body or [bodies]}`: the routes are the emulator's seed routes, the bodies objects. */
function parseSeed(value: string | undefined): EmulatorInputs['seed'] {
  if (value === undefined) return []
  const parsed = parseJsonObject('seed', value, SEED_EXAMPLE)
  return Object.entries(parsed).flatMap(([route, bodies]) => {
    if (!(SEED_ROUTES as readonly string[]).includes(route))
      throw badValue('seed', route, `one of the emulator's seed routes: ${SEED_ROUTES.join(', ')}`)
    const list = Array.isArray(bodies) ? bodies : [bodies]
    return list.map((body) => {
      if (body === null || typeof body !== 'object' || Array.isArray(body))
        throw badValue('seed', JSON.stringify(body) ?? String(body), `for "${route}", a JSON object or a list of them`)
      return { route: route as SeedRoute, body: body as Record<string, unknown> }
    })
  })
}

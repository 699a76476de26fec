import { parseDuration } from './duration.js'
import { parseInteger } from './integer.js'
import { readOptional } from './read.js'
import { parseStatusSet, type StatusSet } from './status-set.js'
import { parseHttpUrl } from './url.js'

export const HEALTH_INPUT_NAMES = ['health-url', 'health-samples', 'health-interval', 'health-status'] as const

export interface HealthInputs {
  url: URL
  samples: number
  intervalMs: number
  expected: StatusSet
  expectedText: string
}

export function readHealthInputs(env: NodeJS.ProcessEnv): HealthInputs | undefined {
  const url = readOptional('health-url', env)
  const samples = parseInteger('health-samples', readOptional('health-samples', env) ?? '5', 1, 1000)
  const intervalMs = parseDuration('health-interval', readOptional('health-interval', env) ?? '1s')
  const expectedText = readOptional('health-status', env) ?? '2xx'
  const expected = parseStatusSet('health-status', expectedText)
  if (url === undefined) return undefined
  return { url: parseHttpUrl('health-url', url), samples, intervalMs, expected, expectedText }
}

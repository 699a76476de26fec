import { parseDuration } from './duration.js'
import { badValue, InputError } from './input-error.js'
import { parseInteger } from './integer.js'
import { readDefaulted, readOptional } from './read.js'
import { parseText } from './text.js'
import { parseStatusSet, type StatusSet } from './status-set.js'
import { parseHttpUrl } from './url.js'

export const FIELD_PATH_MAX = 256

export const HEALTH_INPUT_NAMES = [
  'health-url',
  'health-samples',
  'health-interval',
  'health-status',
  'health-json-field',
  'health-json-value',
  'health-max-latency',
] as const

/** What one probe checks: the status, optionally a JSON field's value, optionally the latency. */
export interface ProbeSpec {
  expected: StatusSet
  expectedText: string
  jsonField?: string[]
  jsonValue?: string
  maxLatencyMs?: number
}

export interface HealthInputs extends ProbeSpec {
  url: URL
  samples: number
  intervalMs: number
}

/** action-traffic's health gate: the same inputs as action-deploy's health check. */
export type GateInputs = HealthInputs

/** The probe settings alone: the traffic action also probes the candidate at its own URL. */
export function readProbeSpec(env: NodeJS.ProcessEnv): ProbeSpec {
  const expectedText = readDefaulted('health-status', env)
  const expected = parseStatusSet('health-status', expectedText)
  const field = readOptional('health-json-field', env)
  const jsonValueText = readOptional('health-json-value', env)
  const jsonValue = jsonValueText === undefined ? undefined : parseText('health-json-value', jsonValueText)
  if (jsonValue !== undefined && field === undefined) {
    throw new InputError('Input "health-json-value" is set without "health-json-field"; allowed: both, or neither.')
  }
  if (field !== undefined && (field.length > FIELD_PATH_MAX || !/^[\w-]+(\.[\w-]+)*$/.test(field))) {
    throw badValue('health-json-field', field, `a field path of up to ${FIELD_PATH_MAX} characters such as status or checks.db`)
  }
  const latency = readOptional('health-max-latency', env)
  return {
    expected,
    expectedText,
    ...(field !== undefined && { jsonField: field.split('.') }),
    ...(jsonValue !== undefined && { jsonValue }),
    ...(latency !== undefined && { maxLatencyMs: parseDuration('health-max-latency', latency) }),
  }
}

export function readHealthInputs(env: NodeJS.ProcessEnv): HealthInputs | undefined {
  const url = readOptional('health-url', env)
  const samples = parseInteger('health-samples', readDefaulted('health-samples', env), 1, 1000)
  const intervalMs = parseDuration('health-interval', readDefaulted('health-interval', env))
  const spec = readProbeSpec(env)
  if (url === undefined) return undefined
  return { ...spec, url: parseHttpUrl('health-url', url), samples, intervalMs }
}

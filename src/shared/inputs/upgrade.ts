import type { UpgradeStrategy } from '../platforms/platform.js'
import { parseBoolean } from './boolean.js'
import { parseDuration } from './duration.js'
import { InputError } from './input-error.js'
import { parseInteger } from './integer.js'
import { readOptional } from './read.js'

/** How Rancher upgrades a service in place (platforms.md 5.2): only there. */
export const UPGRADE_INPUT_NAMES = ['batch-size', 'batch-interval', 'start-first', 'finish-upgrade'] as const

/** The in-service strategy on Rancher (defaults: one container at a time, 2 s apart, stop first, finish); undefined elsewhere. */
export function readUpgradeStrategy(platform: string, env: NodeJS.ProcessEnv): UpgradeStrategy | undefined {
  const given = UPGRADE_INPUT_NAMES.filter((name) => readOptional(name, env) !== undefined)
  if (platform !== 'rancher') {
    if (given.length > 0) {
      throw new InputError(
        `Input "${given[0]}" is set on platform "${platform}"; allowed: only on rancher, whose deploys are in-service upgrades.`,
      )
    }
    return undefined
  }
  const flag = (name: string, fallback: boolean) => {
    const value = readOptional(name, env)
    return value === undefined ? fallback : parseBoolean(name, value)
  }
  return {
    batchSize: parseInteger('batch-size', readOptional('batch-size', env) ?? '1', 1, 100),
    intervalMs: parseDuration('batch-interval', readOptional('batch-interval', env) ?? '2s'),
    startFirst: flag('start-first', false),
    finish: flag('finish-upgrade', true),
  }
}

import type { UpgradeStrategy } from '../platforms/platform.js'
import { parseBoolean } from './boolean.js'
import { parseDuration } from './duration.js'
import { InputError } from './input-error.js'
import { parseInteger } from './integer.js'
import { readChanged, readDefaulted } from './read.js'

/** How Rancher upgrades a service in place (platforms.md 5.2): only there. */
export const UPGRADE_INPUT_NAMES = ['batch-size', 'batch-interval', 'start-first', 'finish-upgrade'] as const

/** The in-service strategy on Rancher; undefined elsewhere, where only action.yml's defaults may be given. */
export function readUpgradeStrategy(platform: string, env: NodeJS.ProcessEnv): UpgradeStrategy | undefined {
  const given = UPGRADE_INPUT_NAMES.filter((name) => readChanged(name, env) !== undefined)
  if (platform !== 'rancher') {
    if (given.length > 0) {
      throw new InputError(
        `Input "${given[0]}" is set on platform "${platform}"; allowed: only on rancher, whose deploys are in-service upgrades.`,
      )
    }
    return undefined
  }
  return {
    batchSize: parseInteger('batch-size', readDefaulted('batch-size', env), 1, 100),
    intervalMs: parseDuration('batch-interval', readDefaulted('batch-interval', env)),
    startFirst: parseBoolean('start-first', readDefaulted('start-first', env)),
    finish: parseBoolean('finish-upgrade', readDefaulted('finish-upgrade', env)),
  }
}

import type { GrayRelease, SurgeMode } from '../platforms/platform.js'
import type { PlatformName } from '../platforms/terms.js'
import { parseChoice } from './choice.js'
import { InputError } from './input-error.js'
import { parsePercentage } from './percentage.js'
import { readChanged, readDefaulted, readOptional } from './read.js'

/** How a ServiceStage gray release brings its instances in (the SDK's DeployStrategyGrayRelease). */
const SURGE_MODES: readonly SurgeMode[] = ['mirror', 'extra', 'nosurge']
/** 1 application gateway / microservice engine, 3 microservice center, 4 dedicated ELB, 6 shared ELB */
const DEPLOYMENT_MODES = ['1', '3', '4', '6'] as const

/** gray-weight, gray-surge-mode and gray-deployment-mode: ServiceStage only, the modes only with a weight. */
export function readGrayRelease(platform: PlatformName, env: NodeJS.ProcessEnv): GrayRelease | undefined {
  const weightText = readOptional('gray-weight', env)
  const surgeAsked = readChanged('gray-surge-mode', env) !== undefined
  const modeText = readOptional('gray-deployment-mode', env)
  const given = [
    weightText !== undefined && 'gray-weight',
    surgeAsked && 'gray-surge-mode',
    modeText !== undefined && 'gray-deployment-mode',
  ].filter((name): name is string => name !== false)
  if (given.length === 0) return undefined
  if (platform !== 'servicestage')
    throw new InputError(
      `Input "${given[0]}" is set on platform "${platform}"; allowed: only on servicestage, whose deploys can start a gray release.`,
    )
  if (weightText === undefined)
    throw new InputError(
      `Input "${given[0]}" is set without "gray-weight"; allowed: with gray-weight (the gray version's share), or not at all.`,
    )
  return {
    weight: parsePercentage('gray-weight', weightText, 1, 99),
    surgeMode: parseChoice('gray-surge-mode', readDefaulted('gray-surge-mode', env), SURGE_MODES),
    ...(modeText !== undefined && { deploymentMode: Number(parseChoice('gray-deployment-mode', modeText, DEPLOYMENT_MODES)) }),
  }
}

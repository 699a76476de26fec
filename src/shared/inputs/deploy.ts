import type { GrayRelease, UpgradeStrategy } from '../platforms/platform.js'
import { readArtifact } from './artifact.js'
import { readFlag } from './boolean.js'
import { COMMON_INPUT_NAMES } from './common.js'
import { parseCreateSpec } from './create-spec.js'
import { GITHUB_INPUT_NAMES, type GitHubInputs, readGitHub } from './github.js'
import { readGrayRelease } from './gray.js'
import { HEALTH_INPUT_NAMES, type HealthInputs, readHealthInputs } from './health.js'
import { ENV_INPUT_NAMES, type EnvInputs, readEnvInputs } from './env-vars.js'
import { InputError } from './input-error.js'
import { readOptional } from './read.js'
import { readServiceInputs, type ServiceInputs } from './targets.js'
import { readUpgradeStrategy, UPGRADE_INPUT_NAMES } from './upgrade.js'

/**
 * action-deploy's inputs, read and validated in full before any call to a platform.
 * DEPLOY_INPUT_NAMES is what action-deploy/action.yml declares; a test keeps them in step.
 */

export const DEPLOY_INPUT_NAMES = [
  ...COMMON_INPUT_NAMES,
  'service',
  'node-group',
  'image',
  'source-version',
  'wait',
  'rollback-on-failure',
  'create',
  'create-spec',
  'gray-weight',
  'gray-surge-mode',
  'gray-deployment-mode',
  ...ENV_INPUT_NAMES,
  ...UPGRADE_INPUT_NAMES,
  ...HEALTH_INPUT_NAMES,
  ...GITHUB_INPUT_NAMES,
] as const

export interface DeployInputs extends ServiceInputs, EnvInputs {
  image: string
  wait: boolean
  rollbackOnFailure: boolean
  /** create the service when it does not exist, with these platform fields (`create-spec`) */
  create?: Record<string, unknown>
  /** start a gray release with this share for the new version (ServiceStage) */
  gray?: GrayRelease
  /** Rancher's in-service upgrade */
  upgrade?: UpgradeStrategy
  health?: HealthInputs
  /** the GitHub deployment and the release ledger */
  github: GitHubInputs
}

export function readDeployInputs(env: NodeJS.ProcessEnv = process.env): DeployInputs {
  const service = readServiceInputs(env)
  const image = readArtifact(service.platform, env, true)
  const wait = readFlag('wait', env)
  const rollbackOnFailure = readFlag('rollback-on-failure', env)
  const health = readHealthInputs(env)
  const create = readFlag('create', env)
  const specText = readOptional('create-spec', env)
  const spec = specText === undefined ? {} : parseCreateSpec(service.platform, specText)
  if (specText !== undefined && !create)
    throw new InputError('Input "create-spec" is set while "create" is false; allowed: create: true with it, or no create-spec.')
  const gray = readGrayRelease(service.platform, env)
  const upgrade = readUpgradeStrategy(service.platform, env)
  const vars = readEnvInputs(env)
  if (health && !wait) {
    throw new InputError('Input "wait" is false while "health-url" is set; allowed: wait: true with a health check, or no health-url.')
  }
  return {
    ...service,
    image,
    wait,
    rollbackOnFailure,
    ...(health && { health }),
    ...(create && { create: spec }),
    ...(gray && { gray }),
    ...(upgrade && { upgrade }),
    ...vars,
    github: readGitHub(env),
  }
}

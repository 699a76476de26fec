import { SOURCE_PREFIX } from '../platforms/source-version.js'
import { readFlag } from './boolean.js'
import { COMMON_INPUT_NAMES } from './common.js'
import { GITHUB_INPUT_NAMES, type GitHubInputs, readGitHub } from './github.js'
import { formatImage, parseImage } from './image.js'
import { readDefaulted, readOptional } from './read.js'
import { parseSourceVersion } from './source-version.js'
import { readOptionalName, readRouterInputs, type RouterInputs, readServiceInputs, type ServiceInputs } from './targets.js'
import { parseText } from './text.js'

/**
 * action-rollback's inputs, read and validated in full before any call to a platform.
 * ROLLBACK_INPUT_NAMES is what action-rollback/action.yml declares; a test keeps them in step.
 */

export const ROLLBACK_INPUT_NAMES = [
  ...COMMON_INPUT_NAMES,
  'service',
  'node-group',
  'to',
  'router',
  'blue',
  'green',
  'wait',
  'reason',
  ...GITHUB_INPUT_NAMES,
] as const

export interface RollbackInputs extends ServiceInputs {
  /** undefined: the previous version */
  to?: string
  router?: RouterInputs
  wait: boolean
  /** why, for the summary: a rollback by hand says what went wrong */
  reason?: string
  /** the GitHub deployment, and the ledger `to: previous` reads where the platform keeps no history */
  github: GitHubInputs
}

/** An image, or on NetEase a source version written `source@<version>` (what apps there run). */
function readRollbackTarget(platform: string, value: string): string {
  if (platform !== 'netease' || !value.startsWith(SOURCE_PREFIX)) return formatImage(parseImage('to', value))
  return `${SOURCE_PREFIX}${parseSourceVersion('to', value.slice(SOURCE_PREFIX.length))}`
}

export function readRollbackInputs(env: NodeJS.ProcessEnv = process.env): RollbackInputs {
  const service = readServiceInputs(env)
  const toText = readDefaulted('to', env)
  const to = toText === 'previous' ? undefined : readRollbackTarget(service.platform, toText)
  const wait = readFlag('wait', env)
  const router = readOptional('router', env) === undefined ? undefined : readRouterInputs(env, service.platform, true)
  // without a router the sides are not used, but a bad name is still refused, never passed over
  if (router === undefined) for (const side of ['blue', 'green']) readOptionalName(side, env, service.platform)
  const reasonText = readOptional('reason', env)
  const reason = reasonText === undefined ? undefined : parseText('reason', reasonText)
  return { ...service, wait, ...(to && { to }), ...(router && { router }), ...(reason && { reason }), github: readGitHub(env) }
}

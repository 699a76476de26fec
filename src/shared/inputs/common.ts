import { rancherEndpoint } from '../platforms/rancher/endpoint.js'
import type { Credentials, PlatformName } from '../platforms/terms.js'
import { readFlag } from './boolean.js'
import { readCredentials } from './credentials.js'
import { InputError, shown } from './input-error.js'
import { parseDuration } from './duration.js'
import { parseId } from './id.js'
import { parsePlatformName } from './platform-name.js'
import { readDefaulted, readOptional, readRequired } from './read.js'
import { parseHttpUrl } from './url.js'

/** The inputs every action shares; their names are fixed across actions and platforms. */
export const COMMON_INPUT_NAMES = [
  'platform',
  'api-url',
  'token',
  'username',
  'password',
  'access-key',
  'secret-key',
  'project',
  'application',
  'timeout',
  'dry-run',
] as const

export interface CommonInputs {
  platform: PlatformName
  apiUrl: URL
  credentials: Credentials
  project?: string
  application?: string
  timeoutMs: number
  /** read and decide as a real run does, then stop before the first change and report the plan */
  dryRun: boolean
}

/** The scoping inputs a platform cannot work without (the README's platform table). */
const SCOPE_REQUIRED: Partial<Record<PlatformName, readonly ('project' | 'application')[]>> = {
  servicestage: ['project', 'application'],
  alauda: ['project'],
  rancher: ['project'],
}

export function readCommonInputs(env: NodeJS.ProcessEnv = process.env): CommonInputs {
  const platform = parsePlatformName(readRequired('platform', env))
  const apiUrl = parseHttpUrl('api-url', readRequired('api-url', env))
  const credentials = readCredentials(platform, env)
  const given = optional('project', env)
  const project = platform === 'rancher' ? rancherProject(apiUrl, given) : given
  const application = optional('application', env)
  const timeoutMs = parseDuration('timeout', readDefaulted('timeout', env))
  const dryRun = readFlag('dry-run', env)
  for (const name of SCOPE_REQUIRED[platform] ?? []) {
    if ((name === 'project' ? project : application) === undefined) {
      const or = platform === 'rancher' && name === 'project' ? ' (or an "api-url" ending in /v2-beta/projects/<id>)' : ''
      throw new InputError(`Input "${name}" is required on platform "${platform}"${or} and was not given.`)
    }
  }
  return { platform, apiUrl, credentials, timeoutMs, dryRun, ...(project && { project }), ...(application && { application }) }
}

/** Rancher's project: the input, or the one an environment's endpoint names (`…/v2-beta/projects/1a5`); both given, they must agree. */
function rancherProject(apiUrl: URL, given: string | undefined): string | undefined {
  const named = rancherEndpoint(apiUrl).project
  if (named !== undefined && given !== undefined && named !== given) {
    throw new InputError(
      `Input "project" has the value ${shown(given)}, but "api-url" is the endpoint of project ${shown(named)}; give one of them, or the same project in both.`,
    )
  }
  return given ?? (named === undefined ? undefined : parseId('api-url', named))
}

function optional(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const value = readOptional(name, env)
  return value === undefined ? undefined : parseId(name, value)
}

import { type Credentials, readCredentials } from './credentials.js'
import { InputError } from './input-error.js'
import { parseDuration } from './duration.js'
import { parseId } from './id.js'
import { type PlatformName, parsePlatformName } from './platform-name.js'
import { readOptional, readRequired } from './read.js'
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
] as const

export interface CommonInputs {
  platform: PlatformName
  apiUrl: URL
  credentials: Credentials
  project?: string
  application?: string
  timeoutMs: number
}

export const DEFAULT_TIMEOUT = '10m'

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
  const project = optional('project', env)
  const application = optional('application', env)
  const timeoutMs = parseDuration('timeout', readOptional('timeout', env) ?? DEFAULT_TIMEOUT)
  for (const name of SCOPE_REQUIRED[platform] ?? []) {
    if ((name === 'project' ? project : application) === undefined) {
      throw new InputError(`Input "${name}" is required on platform "${platform}" and was not given.`)
    }
  }
  return { platform, apiUrl, credentials, timeoutMs, ...(project && { project }), ...(application && { application }) }
}

function optional(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const value = readOptional(name, env)
  return value === undefined ? undefined : parseId(name, value)
}

import { MIN_SECRET_LENGTH, SecretTooShortError } from '../http/redactor.js'
import { secrets } from '../http/secrets.js'
import type { Credentials, PlatformName } from '../platforms/terms.js'
import { InputError } from './input-error.js'
import { readOptional } from './read.js'

/** Which credential inputs each platform accepts: any one of the listed sets is enough. */
export const CREDENTIAL_SETS: Record<PlatformName, readonly (readonly (keyof Credentials)[])[]> = {
  jelastic: [['token'], ['username', 'password']],
  servicestage: [['token'], ['accessKey', 'secretKey']],
  alauda: [['token'], ['username', 'password']],
  netease: [['token'], ['accessKey', 'secretKey']],
  rancher: [['accessKey', 'secretKey']],
}

const INPUT_OF: Record<keyof Credentials, string> = {
  token: 'token',
  username: 'username',
  password: 'password',
  accessKey: 'access-key',
  secretKey: 'secret-key',
}

/** The credentials that are secrets; a user name and an access key only name who signs in. */
const SECRET: readonly (keyof Credentials)[] = ['token', 'password', 'secretKey']

/**
 * A secret input (`token`, `password`, `secret-key`, `github-token`, `webhook-url`): masked and
 * known to the redactor the moment it is read. One too short to be masked safely is refused.
 */
export function readSecret(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  register: (value: string, what: string) => void = (value, what) => secrets.add(value, what),
): string | undefined {
  const value = readOptional(name, env)
  if (value === undefined) return undefined
  if (value.length < MIN_SECRET_LENGTH) {
    throw new InputError(
      `Input "${name}" is under ${MIN_SECRET_LENGTH} characters: too short to be masked safely in the log (the runner would star every match of it); its value is not shown. Give the real secret.`,
    )
  }
  try {
    register(value, `input "${name}"`)
  } catch (error) {
    // a part of it that is a secret on its own (a webhook URL's key) may be the short one
    if (!(error instanceof SecretTooShortError)) throw error
    throw new InputError(`${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`)
  }
  return value
}

/** Reads the credential inputs, masking every secret the moment it is read. */
export function readCredentials(platform: PlatformName, env: NodeJS.ProcessEnv = process.env): Credentials {
  const credentials: Credentials = {}
  for (const key of Object.keys(INPUT_OF) as (keyof Credentials)[]) {
    const value = SECRET.includes(key) ? readSecret(INPUT_OF[key], env) : readOptional(INPUT_OF[key], env)
    if (value !== undefined) credentials[key] = value
  }
  // Rancher sends the key pair as HTTP Basic: the header's base64 holds the secret too
  if (credentials.accessKey !== undefined && credentials.secretKey !== undefined) {
    secrets.addBasic(credentials.accessKey, credentials.secretKey, 'input "secret-key"')
  }
  const sets = CREDENTIAL_SETS[platform]
  if (!sets.some((set) => set.every((key) => credentials[key] !== undefined))) {
    const wanted = sets.map((set) => set.map((key) => `"${INPUT_OF[key]}"`).join(' and ')).join(', or ')
    throw new InputError(`Platform "${platform}" needs credentials: give ${wanted}.`)
  }
  return credentials
}

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

/**
 * Every input read as a secret: masked as it is read, and never a flag of the CLI (cli/usage.ts
 * marks the same ones; test/unit/cli-args.test.ts holds them together).
 */
export const SECRET_INPUTS = ['token', 'password', 'secret-key', 'github-token', 'webhook-url'] as const
export type SecretInput = (typeof SECRET_INPUTS)[number]

const INPUT_OF = {
  token: 'token',
  username: 'username',
  password: 'password',
  accessKey: 'access-key',
  secretKey: 'secret-key',
} as const satisfies Record<keyof Credentials, string>

/** A user name and an access key only name who signs in; the other credentials are secrets. */
function isSecretInput(name: string): name is SecretInput {
  return (SECRET_INPUTS as readonly string[]).includes(name)
}

/**
 * A secret input: masked and known to the redactor the moment it is read. One too short to be
 * masked safely is refused.
 */
export function readSecret(
  name: SecretInput,
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
  // a part of it that is a secret on its own (a webhook URL's key) may be the short one
  addInputSecret(value, `input "${name}"`, register)
  return value
}

/** A secret read from an input, registered; one too short to be masked safely is an input error naming `what`. */
export function addInputSecret(
  value: string,
  what: string,
  register: (value: string, what: string) => void = (secret, named) => secrets.add(secret, named),
): void {
  try {
    register(value, what)
  } catch (error) {
    if (!(error instanceof SecretTooShortError)) throw error
    throw new InputError(`${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`)
  }
}

/** Reads the credential inputs, masking every secret the moment it is read. */
export function readCredentials(platform: PlatformName, env: NodeJS.ProcessEnv = process.env): Credentials {
  const credentials: Credentials = {}
  for (const key of Object.keys(INPUT_OF) as (keyof Credentials)[]) {
    const name = INPUT_OF[key]
    const value = isSecretInput(name) ? readSecret(name, env) : readOptional(name, env)
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

import { maskNow } from '../report/commands.js'
import { InputError } from './input-error.js'
import type { PlatformName } from './platform-name.js'
import { readOptional } from './read.js'

export interface Credentials {
  token?: string
  username?: string
  password?: string
  accessKey?: string
  secretKey?: string
}

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

/** Reads the credential inputs, masking every secret the moment it is read. */
export function readCredentials(platform: PlatformName, env: NodeJS.ProcessEnv = process.env): Credentials {
  const credentials: Credentials = {}
  for (const key of Object.keys(INPUT_OF) as (keyof Credentials)[]) {
    const value = readOptional(INPUT_OF[key], env)
    if (value === undefined) continue
    if (key !== 'username' && key !== 'accessKey') maskNow(value)
    credentials[key] = value
  }
  const sets = CREDENTIAL_SETS[platform]
  if (!sets.some((set) => set.every((key) => credentials[key] !== undefined))) {
    const wanted = sets.map((set) => set.map((key) => `"${INPUT_OF[key]}"`).join(' and ')).join(', or ')
    throw new InputError(`Platform "${platform}" needs credentials: give ${wanted}.`)
  }
  return credentials
}

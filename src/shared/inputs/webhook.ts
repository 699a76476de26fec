import { secrets } from '../http/secrets.js'
import { readSecret } from './credentials.js'
import { parseBoolean } from './boolean.js'
import { InputError } from './input-error.js'
import { jsonType, parseJsonObject } from './json.js'
import { isName } from './name.js'
import { readOptional } from './read.js'
import { parseHttpUrl } from './url.js'

/** Scaling through Rancher's webhook service (platforms.md 5.4): only there. */
export const WEBHOOK_INPUT_NAMES = ['webhook-url', 'webhook-create', 'webhook-list'] as const

const DRIVERS = ['scaleService', 'scaleHost', 'serviceUpgrade', 'forwardPost'] as const

export type WebhookRequest =
  /** call a receiver's trigger URL, with no credentials, as the source document does */
  | { kind: 'trigger'; url: URL }
  /** create a receiver: `{name, driver, <driver>Config}` */
  | { kind: 'create'; receiver: Record<string, unknown> }
  | { kind: 'list' }

export function readWebhook(platform: string, env: NodeJS.ProcessEnv): WebhookRequest | undefined {
  // the trigger URL holds the receiver's key: a secret from the moment it is read, and its key alone too
  const url = readSecret('webhook-url', env, (value, what) => secrets.addUrl(value, what))
  const create = readOptional('webhook-create', env)
  const listText = readOptional('webhook-list', env)
  const list = listText !== undefined && parseBoolean('webhook-list', listText)
  const given = [url !== undefined && 'webhook-url', create !== undefined && 'webhook-create', list && 'webhook-list'].filter(Boolean)
  if (given.length === 0) return undefined
  if (platform !== 'rancher') {
    throw new InputError(`Input "${given[0]}" is set on platform "${platform}"; allowed: only on rancher, whose webhook service scales.`)
  }
  if (given.length > 1) throw new InputError(`Inputs "${given[0]}" and "${given[1]}" are both set; allowed: one of them.`)
  if (url !== undefined) return { kind: 'trigger', url: parseHttpUrl('webhook-url', url, 'it holds the receiver key') }
  if (create !== undefined) {
    const receiver = parseJsonObject('webhook-create', create, '{"name": "up", "driver": "scaleService", "scaleServiceConfig": {...}}')
    const config = receiver[`${String(receiver.driver)}Config`]
    if (
      typeof receiver.name !== 'string' ||
      !isName(receiver.name) ||
      !DRIVERS.includes(receiver.driver as (typeof DRIVERS)[number]) ||
      (config !== undefined && jsonType(config) !== 'object')
    ) {
      throw new InputError(
        `Input "webhook-create" needs "name" (a name of letters, digits, '.', '_' or '-') and "driver" (one of ${DRIVERS.join(', ')}) with the driver's config, such as {"name": "up", "driver": "scaleService", "scaleServiceConfig": {...}}.`,
      )
    }
    return { kind: 'create', receiver }
  }
  return { kind: 'list' }
}

import { PlatformError, type Webhooks, type WebhookReceiver } from '../platform.js'
import { isNoAnswer, type SettleOptions, settleWrite } from '../settle.js'
import type { RancherApi } from './api.js'
import { segment } from '../path-segment.js'

interface Receiver extends WebhookReceiver {
  url?: string
  scaleServiceConfig?: { serviceId?: string; action?: string; amount?: number }
}

/** What a scaleService receiver's trigger does to its service: the scale now, and the one it sets. */
interface Expected {
  path: string
  from: number
  to: number
}

/**
 * Rancher's webhook service (platforms.md 5.4): receivers are created and listed with the API
 * key; a trigger URL takes no credentials and holds the receiver's key, so it is a secret: masked
 * as soon as it is seen, and never shown or given as an output.
 */
export function rancherWebhooks(api: RancherApi, addSecret: (url: string) => void, settle: SettleOptions): Webhooks {
  const hide = (receiver: Receiver): WebhookReceiver => ({
    id: receiver.id,
    name: receiver.name,
    driver: receiver.driver,
    ...(receiver.state && { state: receiver.state }),
  })
  const receivers = async (project: string, operation: string): Promise<Receiver[]> => {
    const { data = [] } = await api.call<{ data?: Receiver[] }>(
      'GET',
      api.webhooksUrl(`/receivers?projectId=${encodeURIComponent(project)}`),
      { operation, target: project, idempotent: true },
    )
    for (const receiver of data) if (receiver.url) addSecret(receiver.url)
    return data
  }

  /** The scale a scaleService receiver sets (drivers/scale_service.go: the scale now, plus or minus its amount). */
  const expected = async (url: URL): Promise<Expected | undefined> => {
    const project = url.searchParams.get('projectId') ?? ''
    const receiver = (await receivers(project, 'trigger webhook')).find((r) => r.url !== undefined && sameTrigger(new URL(r.url), url))
    const config = receiver?.driver === 'scaleService' ? receiver.scaleServiceConfig : undefined
    if (config?.serviceId === undefined || config.amount === undefined) return undefined
    const path = `/projects/${segment(project)}/services/${segment(config.serviceId)}`
    const { scale = 0 } = await api.call<{ scale?: number }>('GET', path, {
      operation: 'trigger webhook',
      target: config.serviceId,
      idempotent: true,
    })
    return { path, from: scale, to: config.action === 'down' ? scale - config.amount : scale + config.amount }
  }

  return {
    /**
     * A trigger is not idempotent (each one scales again) and carries nothing to recognise it by.
     * Its answer lost, it counts as landed only when the service's scale is the one it sets; else
     * it fails, and is never sent again: the driver may still be running it.
     */
    async trigger(url) {
      const options = { operation: 'trigger webhook', target: 'receiver' }
      const expecting = await expected(url).catch((error: unknown) => {
        if (!(error instanceof PlatformError) && !isNoAnswer(error)) throw error
        settle.log(`rancher: the receiver behind the trigger URL could not be read (${(error as Error).message})`)
        return undefined
      })
      const unproven = (why: string) =>
        new PlatformError(
          'rancher',
          options.operation,
          options.target,
          `the trigger's answer was lost and ${why}: it may not have run, or may still run. It was not sent again, since a second trigger scales again; look at the service, and trigger again if it is still needed`,
          'failed',
        )
      await settleWrite(
        'rancher: trigger webhook',
        {
          send: () => api.trigger(url, options),
          landed: async () => {
            if (expecting === undefined) throw unproven('its receiver is not a scaleService receiver the API key can read')
            const { scale } = await api.call<{ scale?: number }>('GET', expecting.path, { ...options, idempotent: true })
            if (scale !== expecting.to) throw unproven(`the service's scale is ${scale}, not the ${expecting.to} it sets`)
          },
        },
        settle,
      )
    },
    /** Names are unique in a project (the service refuses a second one): a POST whose answer was lost is settled by a new receiver of that name. */
    async create(project, receiver) {
      const name = String(receiver.name)
      const options = { operation: 'create webhook', target: name }
      const before = new Set((await receivers(project, options.operation)).map((found) => found.id))
      return settleWrite(
        `rancher: create webhook "${name}"`,
        {
          send: async () => {
            const created = await api.call<Receiver>(
              'POST',
              api.webhooksUrl(`/receivers?projectId=${encodeURIComponent(project)}`),
              // the answer holds the receiver's URL, a secret
              { ...options, idempotent: false, secretAnswer: true },
              receiver,
            )
            if (created.url) addSecret(created.url)
            return hide(created)
          },
          landed: async () => {
            const found = (await receivers(project, options.operation)).find((r) => r.name === name && !before.has(r.id))
            return found ? hide(found) : null
          },
        },
        settle,
      )
    },
    async list(project) {
      return (await receivers(project, 'list webhooks')).map(hide)
    },
  }
}

/** The same receiver's trigger: the same key (the host may differ behind a proxy), or the same URL (the legacy token form). */
function sameTrigger(a: URL, b: URL): boolean {
  const key = b.searchParams.get('key')
  return key !== null ? a.searchParams.get('key') === key : a.href === b.href
}

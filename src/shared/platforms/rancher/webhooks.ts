import type { Webhooks, WebhookReceiver } from '../platform.js'
import type { RancherApi } from './api.js'

interface Receiver extends WebhookReceiver {
  url?: string
}

/**
 * Rancher's webhook service (platforms.md 5.4): receivers are created and listed with the API
 * key; a trigger URL takes no credentials and holds the receiver's key, so it is a secret: masked
 * as soon as it is seen, and never shown or given as an output.
 */
export function rancherWebhooks(api: RancherApi, addSecret: (secret: string) => void): Webhooks {
  const hide = (receiver: Receiver): WebhookReceiver => {
    if (receiver.url) addSecret(receiver.url)
    return { id: receiver.id, name: receiver.name, driver: receiver.driver, ...(receiver.state && { state: receiver.state }) }
  }
  return {
    trigger: (url) => api.trigger(url, { operation: 'trigger webhook', target: 'receiver' }),
    async create(project, receiver) {
      const created = await api.call<Receiver>(
        'POST',
        api.webhooksUrl(`/receivers?projectId=${encodeURIComponent(project)}`),
        { operation: 'create webhook', target: String(receiver.name), idempotent: false },
        receiver,
      )
      return hide(created)
    },
    async list(project) {
      const { data = [] } = await api.call<{ data?: Receiver[] }>(
        'GET',
        api.webhooksUrl(`/receivers?projectId=${encodeURIComponent(project)}`),
        { operation: 'list webhooks', target: project, idempotent: true },
      )
      return data.map(hide)
    },
  }
}

import { MockAgent } from 'undici'
import { describe, expect, it } from 'vitest'
import { HttpClient } from '../../src/shared/http/client.js'
import { Redactor } from '../../src/shared/http/redactor.js'
import { RancherApi } from '../../src/shared/platforms/rancher/api.js'

const ORIGIN = 'http://rancher.example.com:8080'
const P = '/v2-beta/projects/1a5'
const CONFLICT = { type: 'error', status: 409, code: 'Conflict', message: 'Conflict' }

/** The API on a client that would retry a "not done" answer 5 times: the 409 limit must be Rancher's own. */
function api() {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const http = new HttpClient({
    redactor: new Redactor(),
    dispatcher: agent,
    sleep: async () => {},
    backoff: { attempts: 6, baseMs: 1, capMs: 1 },
  })
  const pool = agent.get(ORIGIN)
  const sent: string[] = []
  const on = (method: string, path: string, status: number, reply: unknown, times = 1) =>
    pool
      .intercept({ path, method })
      .reply(status, () => {
        sent.push(`${method} ${path}`)
        return JSON.stringify(reply)
      })
      .times(times)
  return { api: new RancherApi(new URL(ORIGIN), { accessKey: 'ak', secretKey: 'sk' }, http), on, sent }
}

const service = { id: '1s10', state: 'active', actions: { restart: `${ORIGIN}${P}/services/1s10?action=restart` } }
const options = { operation: 'restart', target: 'shop/web' }

describe('Rancher API: a 409 Conflict (the resource was busy, nothing applied)', () => {
  it('sends an action again after a 409, as Rancher’s Python client does', async () => {
    const { api: rancher, on, sent } = api()
    on('POST', `${P}/services/1s10?action=restart`, 409, CONFLICT)
    on('POST', `${P}/services/1s10?action=restart`, 202, { ...service, state: 'restarting' })
    expect(await rancher.action(service, 'restart', options)).toMatchObject({ state: 'restarting' })
    expect(sent).toHaveLength(2)
  })

  it('sends an update 3 times in all, then says Rancher was busy and nothing changed', async () => {
    const { api: rancher, on, sent } = api()
    on('PUT', `${P}/services/1s10`, 409, CONFLICT, 5)
    await expect(rancher.call('PUT', `/projects/1a5/services/1s10`, options, { scale: 3 })).rejects.toThrow(
      'rancher: restart of "shop/web" failed: Conflict (Conflict, HTTP 409): Rancher was busy with another change of it, and nothing was changed; try again',
    )
    expect(sent).toEqual([`PUT ${P}/services/1s10`, `PUT ${P}/services/1s10`, `PUT ${P}/services/1s10`])
  })

  it('sends a create once: Rancher’s client does not repeat it on a 409', async () => {
    const { api: rancher, on, sent } = api()
    on('POST', `${P}/stacks`, 409, CONFLICT)
    await expect(rancher.call('POST', '/projects/1a5/stacks', options, { name: 'shop' })).rejects.toThrow('HTTP 409')
    expect(sent).toHaveLength(1)
  })
})

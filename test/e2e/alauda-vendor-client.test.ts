import { beforeEach, describe, expect, it } from 'vitest'
import { ALAUDA_USER } from '../support/emulator.js'
import { emulatorSuite } from '../support/steps.js'

/**
 * The emulator as Alauda's own CLI speaks to it (zhmocean/alauda-CLI, platforms.md A-cli:
 * `commands.login`, `service.scale`, `enable_autoscaling`, `util.parse_autoscale_info`,
 * `service.ps`): a form login, `Authorization: Token`, trailing slashes, the autoscaling config as
 * a JSON text with numbers, and an instance read by uuid.
 */
const suite = emulatorSuite()

async function call(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${suite.emulator.url('alauda')}${path}`, {
    method,
    headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

async function login(): Promise<string> {
  const response = await fetch(`${suite.emulator.url('alauda')}/v1/generate-api-token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(ALAUDA_USER).toString(),
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { token: string }).token
}

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.control('POST', '/alauda/timing', { instanceMs: 20 })
  await suite.emulator.control('POST', '/alauda/services', {
    namespace: 'team',
    name: 'shop',
    image: 'index.alauda.cn/team/shop:v1',
    instances: 2,
  })
})

describe('Alauda as its CLI speaks it', () => {
  it("turns autoscaling on with the CLI's JSON-text config (numbers), and the service shows it", async () => {
    const token = await login()
    const config = JSON.stringify({
      metric_name: 'CPU_UTILIZATION',
      metric_stat: 'MEAN',
      upper_threshold: 0.8,
      lower_threshold: 0.3,
      decrease_delta: 1,
      increase_delta: 1,
      minimum_num_instances: 2,
      maximum_num_instances: 5,
      wait_period: 60,
    })
    const put = await call('PUT', '/v1/services/team/shop/', token, { app_name: 'shop', scaling_mode: 'AUTO', autoscaling_config: config })
    expect(put.status, JSON.stringify(put.json)).toBeLessThan(300)
    const read = await call('GET', '/v1/services/team/shop/', token)
    expect(read.json.scaling_mode).toBe('AUTO')
    expect(JSON.parse(String(read.json.autoscaling_config))).toMatchObject({ minimum_num_instances: '2', maximum_num_instances: '5' })
    // a config text that is not JSON, or one that lacks a bound, is refused as a field error
    for (const bad of ['{not json', JSON.stringify({ metric_name: 'CPU_UTILIZATION' })]) {
      const refused = await call('PUT', '/v1/services/team/shop/', token, {
        app_name: 'shop',
        scaling_mode: 'AUTO',
        autoscaling_config: bad,
      })
      expect(refused.status).toBe(400)
      expect(refused.json).toHaveProperty('autoscaling_config')
    }
  })

  it('reads the instances, then one instance by its uuid (platforms.md 3.2)', async () => {
    const token = await login()
    const list = await call('GET', '/v1/services/team/shop/instances/', token)
    expect(list.status).toBe(200)
    const instances = list.json as unknown as { uuid: string; instance_name: string }[]
    expect(instances.length).toBe(2)
    const first = instances[0] as { uuid: string; instance_name: string }
    const one = await call('GET', `/v1/services/team/shop/instances/${first.uuid}/`, token)
    expect(one.status).toBe(200)
    expect(one.json).toMatchObject({ uuid: first.uuid, instance_name: first.instance_name, image_tag: 'v1' })
    expect((await call('GET', '/v1/services/team/shop/instances/no-such-uuid/', token)).status).toBe(404)
    expect((await call('GET', '/v1/services/team/shop/logs/extra/', token)).status).toBe(404)
  })
})

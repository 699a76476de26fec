import { describe, expect, it } from 'vitest'
import { rulesFor } from '../../src/shared/platforms/rancher/load-balancer.js'
import { reachableWeighted, weightedShare, weightsFor } from '../../src/shared/platforms/rancher/weights.js'
import { mockPlatform } from '../support/mock-platform.js'

const ORIGIN = 'http://rancher.example.com:8080'
const P = '/v2-beta/projects/1a5'
const router = { router: 'shop/lb', blue: 'shop/web', green: 'shop/web-green', project: '1a5' }

describe('weighted port rules', () => {
  it.each([
    [2, 2, 25, { blue: 3, green: 1 }],
    [2, 2, 50, { blue: 1, green: 1 }],
    [1, 3, 10, { blue: 27, green: 1 }],
    [3, 1, 90, { blue: 1, green: 27 }],
  ])('%i blue and %i green containers at %i%% green: weights %o', (blue, green, share, weights) => {
    expect(weightsFor(blue, green, share)).toEqual(weights)
    expect(weightedShare(blue, weights.blue, green, weights.green)).toBe(share)
  })

  it('stays within 0–256 when the exact weights would not, as close as they allow', () => {
    const weights = weightsFor(7, 3, 37)
    expect(Math.max(weights.blue, weights.green)).toBeLessThanOrEqual(256)
    expect(weightedShare(7, weights.blue, 3, weights.green)).toBe(37)
    expect(reachableWeighted(2, 2)).toHaveLength(101)
  })

  it('puts each side’s weight on its rule between, and none on a rule to one side alone', () => {
    const rules = [{ sourcePort: 80, serviceId: '1s10', targetPort: 8080 }]
    const split = rulesFor(rules, '1s10', '1s11', 25, { blue: 3, green: 1 })
    expect(split).toEqual([
      { sourcePort: 80, serviceId: '1s10', targetPort: 8080, weight: 3 },
      { sourcePort: 80, serviceId: '1s11', targetPort: 8080, weight: 1 },
    ])
    expect(rulesFor(split, '1s10', '1s11', 100)).toEqual([{ sourcePort: 80, serviceId: '1s11', targetPort: 8080 }])
  })
})

describe('Rancher traffic by weights', () => {
  const service = (id: string, name: string, fields: Record<string, unknown> = {}) => ({
    id,
    name,
    stackId: '1st5',
    state: 'active',
    transitioning: 'no',
    scale: 2,
    currentScale: 2,
    launchConfig: { imageUuid: 'docker:registry.example.com/web:v1' },
    actions: {},
    ...fields,
  })
  const lb = (rules: Record<string, unknown>[]) => service('1s12', 'lb', { scale: 1, currentScale: 1, lbConfig: { portRules: rules } })
  const toBlue = [{ sourcePort: 80, serviceId: '1s10', targetPort: 8080, protocol: 'http' }]

  function setup(portRuleFields: Record<string, unknown>) {
    const mock = mockPlatform('rancher', ORIGIN, { accessKey: 'ak', secretKey: 'sk-secret' })
    mock.on('GET', `${P}/stacks?name=shop`, 200, { type: 'collection', data: [{ id: '1st5', name: 'shop' }] }, 3)
    mock.on('GET', `${P}/services?name=lb&stackId=1st5`, 200, { type: 'collection', data: [lb(toBlue)] })
    mock.on('GET', `${P}/services?name=web&stackId=1st5`, 200, { type: 'collection', data: [service('1s10', 'web')] })
    mock.on('GET', `${P}/services?name=web-green&stackId=1st5`, 200, { type: 'collection', data: [service('1s11', 'web-green')] })
    mock.on('GET', `${P}/schemas/portrule`, 200, { id: 'portRule', type: 'schema', resourceFields: portRuleFields })
    return mock
  }

  it('on a server whose portRule schema has weight: weights on both rules, no scale changed; a weight dropped on the way fails the change', async () => {
    const { platform, on, sent } = setup({ sourcePort: { type: 'int' }, weight: { type: 'int', min: 0, max: 256 } })
    const op = await platform.writeTraffic?.(router, { blue: 75, green: 25, routingMethod: 'round-robin' })
    on('GET', `${P}/services/1s12`, 200, lb(toBlue))
    on('GET', `${P}/services/1s10`, 200, service('1s10', 'web'), 2)
    on('GET', `${P}/services/1s11`, 200, service('1s11', 'web-green'), 2)
    on('PUT', `${P}/services/1s12`, 200, lb(toBlue))
    // the first observe sends the port rules: the wait starts at once
    expect(platform.polls?.(op as never)).toBe(false)
    expect(await platform.observe(op as never)).toMatchObject({ status: 'running' })
    const put = sent.find((r) => r.method === 'PUT')
    expect(JSON.parse(put?.body ?? '{}').lbConfig.portRules).toEqual([
      { ...toBlue[0], weight: 3 },
      { ...toBlue[0], serviceId: '1s11', weight: 1 },
    ])
    expect(sent.filter((r) => r.method === 'PUT')).toHaveLength(1)
    // read back without the weights (a server that drops what it does not know): not the rules written
    on('GET', `${P}/services/1s12`, 200, lb([toBlue[0] as Record<string, unknown>, { ...toBlue[0], serviceId: '1s11' }]))
    expect(await platform.observe(op as never)).toMatchObject({ status: 'failed', detail: expect.stringContaining('not those written') })
  })

  it('on a server whose portRule schema has no weight: only the shares its containers make are reachable', async () => {
    const { platform, sent } = setup({ sourcePort: { type: 'int' }, serviceId: { type: 'reference[service]' } })
    expect(await platform.reachableWeights?.(router)).toEqual([0, 25, 50, 75, 100])
    expect(sent.some((r) => r.path.endsWith('/schemas/portrule'))).toBe(true)
  })
})

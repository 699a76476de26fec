import { describe, expect, it } from 'vitest'
import { readDeployInputs } from '../../src/shared/inputs/deploy.js'
import { InputError } from '../../src/shared/inputs/input-error.js'
import { readPreviewInputs } from '../../src/shared/inputs/preview.js'
import { readScaleInputs } from '../../src/shared/inputs/scale.js'
import { serviceIdOf } from '../../src/shared/platforms/service-id.js'
import type { PlatformName } from '../../src/shared/platforms/terms.js'

function env(inputs: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]))
}

function refusal(read: () => unknown): string {
  try {
    read()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).message
  }
  throw new Error('not refused')
}

const UUID = '3f2a9c1e-8b4d-4e6f-9a01-5c7d2e8b4f10'
const base = { 'api-url': 'https://app.example.com', token: 't0ken-abc', image: 'shop:v2' }
const inputs: Record<PlatformName, Record<string, string>> = {
  jelastic: { ...base, platform: 'jelastic' },
  servicestage: { ...base, platform: 'servicestage', project: 'p1', application: 'a1' },
  alauda: { ...base, platform: 'alauda', project: 'team' },
  netease: { ...base, platform: 'netease', image: '', 'source-version': 'v1' },
  rancher: { ...base, platform: 'rancher', token: '', 'access-key': 'ak', 'secret-key': 'sk-123', project: '1a5' },
}

describe('service ids (platforms/service-id.ts)', () => {
  it.each([
    ['servicestage', UUID, UUID],
    ['servicestage', UUID.toUpperCase(), UUID.toUpperCase()],
    ['servicestage', 'shop', undefined],
    ['servicestage', '10702', undefined],
    ['servicestage', `${UUID}x`, undefined],
    ['netease', '10702', '10702'],
    ['netease', 'shop', undefined],
    ['netease', '1s10', undefined],
    ['netease', '10702a', undefined],
    ['rancher', '1s10', '1s10'],
    ['rancher', '1st10', undefined],
    ['rancher', 'shop/1s10', undefined],
    ['rancher', '10702', undefined],
    ['rancher', '2s10', undefined],
    // addressed by name only: the name is the id
    ['jelastic', '10702', undefined],
    ['jelastic', UUID, undefined],
    ['alauda', '1s10', undefined],
    ['alauda', UUID, undefined],
  ] as const)('%s: %s is an id: %s', (platform, service, id) => {
    expect(serviceIdOf(platform, service)).toBe(id)
  })

  it.each([
    ['servicestage', UUID],
    ['netease', '10702'],
    ['rancher', '1s10'],
    ['jelastic', 'shop'],
    ['alauda', 'shop'],
  ] as const)('%s: the service input takes %s (the service-id output) on deploy and scale', (platform, service) => {
    expect(readDeployInputs(env({ ...inputs[platform], service })).service).toBe(service)
    expect(readScaleInputs(env({ ...inputs[platform], service, replicas: '2' })).service).toBe(service)
  })

  it('names the id form in the refusal of a bad service, where the platform has one', () => {
    expect(refusal(() => readDeployInputs(env({ ...inputs.servicestage, service: 'shop/web' })))).toContain('a component id (a UUID')
    expect(refusal(() => readDeployInputs(env({ ...inputs.netease, service: 'a b' })))).toContain('digits only')
    expect(refusal(() => readDeployInputs(env({ ...inputs.rancher, service: 'a/b/c' })))).toContain('1s and digits')
    expect(refusal(() => readDeployInputs(env({ ...inputs.jelastic, service: 'a b' })))).not.toContain('service-id')
  })

  it('refuses a preview template whose names would be read as ids', () => {
    const up = { command: 'up', pr: '7' }
    expect(refusal(() => readPreviewInputs(env({ ...inputs.netease, ...up, 'service-template': '{pr}' })))).toContain('not shaped like')
    expect(refusal(() => readPreviewInputs(env({ ...inputs.rancher, ...up, 'service-template': '1s{pr}' })))).toContain('not shaped like')
    expect(readPreviewInputs(env({ ...inputs.jelastic, ...up, 'service-template': '{pr}' })).template).toBe('{pr}')
    expect(readPreviewInputs(env({ ...inputs.netease, ...up, 'service-template': 'shop-{pr}' })).template).toBe('shop-{pr}')
  })
})

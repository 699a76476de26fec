import { describe, expect, it } from 'vitest'
import { readCommonInputs } from '../../src/shared/inputs/common.js'
import { InputError } from '../../src/shared/inputs/input-error.js'
import { rancherEndpoint } from '../../src/shared/platforms/rancher/endpoint.js'

function env(inputs: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]))
}

const KEYS = { platform: 'rancher', 'access-key': 'AK0123', 'secret-key': 'sk-0123456789' }

describe('Rancher api-url forms', () => {
  it.each([
    ['http://rancher.example.com:8080', 'http://rancher.example.com:8080/', undefined],
    ['http://rancher.example.com:8080/', 'http://rancher.example.com:8080/', undefined],
    ['http://rancher.example.com:8080/v2-beta', 'http://rancher.example.com:8080/', undefined],
    ['http://rancher.example.com:8080/v2-beta/', 'http://rancher.example.com:8080/', undefined],
    ['http://rancher.example.com:8080/v2-beta/projects/1a5', 'http://rancher.example.com:8080/', '1a5'],
    ['https://example.com/rancher/v2-beta/projects/1a7/', 'https://example.com/rancher', '1a7'],
    ['https://example.com/rancher', 'https://example.com/rancher', undefined],
  ])('%s is the server %s, project %s', (url, server, project) => {
    expect(rancherEndpoint(new URL(url))).toEqual({ server: new URL(server), ...(project && { project }) })
  })

  it('takes the project from an environment endpoint, or the input; refuses the two disagreeing', () => {
    const endpoint = 'http://rancher.example.com:8080/v2-beta/projects/1a5'
    expect(readCommonInputs(env({ ...KEYS, 'api-url': endpoint })).project).toBe('1a5')
    expect(readCommonInputs(env({ ...KEYS, 'api-url': endpoint, project: '1a5' })).project).toBe('1a5')
    expect(readCommonInputs(env({ ...KEYS, 'api-url': 'http://rancher.example.com:8080', project: '1a9' })).project).toBe('1a9')
    expect(() => readCommonInputs(env({ ...KEYS, 'api-url': endpoint, project: '1a9' }))).toThrow(
      new InputError(
        'Input "project" has the value "1a9", but "api-url" is the endpoint of project "1a5"; give one of them, or the same project in both.',
      ),
    )
    expect(() => readCommonInputs(env({ ...KEYS, 'api-url': 'http://rancher.example.com:8080/v2-beta' }))).toThrow(/"project" is required/)
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readDeployInputs } from '../../src/shared/inputs/deploy.js'
import { readScaleInputs } from '../../src/shared/inputs/scale.js'
import { InputError } from '../../src/shared/inputs/input-error.js'
import { secrets } from '../../src/shared/http/secrets.js'
import { mockPlatform } from '../support/mock-platform.js'

function env(inputs: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]))
}

/** What the step writes to stdout meanwhile (the ::add-mask:: commands). */
let written: string[] = []
const write = process.stdout.write
beforeEach(() => {
  written = []
  process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write
})
afterEach(() => {
  process.stdout.write = write
})

const deploy = { platform: 'jelastic', 'api-url': 'https://app.example.com', service: 'shop', image: 'reg.example.com/shop:v2' }

describe('the secrets of a run', () => {
  it.each([
    ['token', { token: 'x' }],
    ['password', { username: 'me', password: 'pw1' }],
    ['secret-key', { platform: 'rancher', project: '1a5', 'access-key': 'ak', 'secret-key': 'sk' }],
    ['github-token', { token: 'jelastic-token-1', 'github-token': 'ght' }],
  ])('refuses a %s under 4 characters as an input error that says why, without masking or showing it', (name, inputs) => {
    const read = () => readDeployInputs(env({ ...deploy, ...inputs }))
    expect(read).toThrow(InputError)
    expect(read).toThrow(`Input "${name}" is under 4 characters: too short to be masked safely in the log`)
    expect(written.filter((line) => line.startsWith('::add-mask::') && line.length < '::add-mask::'.length + 5)).toEqual([])
  })

  it('masks every secret input and puts it in the redactor as it is read, Basic header and all', () => {
    readDeployInputs(env({ ...deploy, token: 'jelastic-token-2', 'github-token': 'ghs_secretsTestToken0123' }))
    readScaleInputs(
      env({
        platform: 'rancher',
        'api-url': 'https://r.example.com',
        project: '1a5',
        service: 'shop/web',
        replicas: '2',
        'access-key': 'access-1',
        'secret-key': 'secret-key-1',
      }),
    )
    const basic = Buffer.from('access-1:secret-key-1').toString('base64')
    expect(written).toEqual(
      expect.arrayContaining([
        '::add-mask::jelastic-token-2\n',
        '::add-mask::ghs_secretsTestToken0123\n',
        '::add-mask::secret-key-1\n',
        `::add-mask::${basic}\n`,
      ]),
    )
    expect(secrets.redact(`Authorization: Bearer ghs_secretsTestToken0123, Basic ${basic}, session=jelastic-token-2`)).toBe(
      'Authorization: Bearer ***, Basic ***, session=***',
    )
    // who signs in is no secret
    expect(secrets.redact('access-1')).toBe('access-1')
  })

  it("masks a webhook URL as it is read, and knows the receiver's key alone", () => {
    const key = 'Hk3q9Rw0aB4cD5eF6gH7iJ8kL9mN0oP1qR2sT3uW'
    const url = `https://rancher.example.com/v1-webhooks/endpoint?key=${key}&projectId=1a5`
    readScaleInputs(
      env({
        platform: 'rancher',
        'api-url': 'https://r.example.com',
        project: '1a5',
        service: 'shop/web',
        'access-key': 'access-2',
        'secret-key': 'secret-key-2',
        'webhook-url': url,
      }),
    )
    expect(written).toContain(`::add-mask::${url}\n`)
    expect(written).toContain(`::add-mask::${key}\n`)
    expect(secrets.redact(`receiver not found for key=${key}`)).toBe('receiver not found for key=***')
  })

  it('refuses a webhook URL whose key is too short to mask, as an input error that shows neither', () => {
    const url = 'https://rancher.example.com/v1-webhooks/endpoint?key=k1&projectId=1a5'
    const read = () =>
      readScaleInputs(
        env({
          platform: 'rancher',
          'api-url': 'https://r.example.com',
          project: '1a5',
          service: 'shop/web',
          'access-key': 'access-4',
          'secret-key': 'secret-key-4',
          'webhook-url': url,
        }),
      )
    expect(read).toThrow(InputError)
    expect(read).toThrow('The "key" in input "webhook-url" is under 4 characters: too short to be masked safely in the log')
  })
})

describe('secrets a platform hands out', () => {
  it('takes a NetEase token answered 201 Created, the status the vendor documents, and knows it before anything is shown', async () => {
    const { platform, on, redactor } = mockPlatform('netease', 'https://open.c.163.com', {
      accessKey: 'ak-1',
      secretKey: 'netease-secret-1',
    })
    on('POST', '/api/v1/token', 201, { token: 'issued-token-0123456789', expires_in: '86399' })
    on('GET', '/api/v1/apps?limit=30&offset=0', 200, { total: 0, apps: [] })
    expect(await platform.describe({ service: 'shop' })).toBeNull()
    expect(redactor.redact('Token issued-token-0123456789')).toBe('Token ***')
  })

  it('knows an issued token before it shows the answer that refused it', async () => {
    const { platform, on } = mockPlatform('netease', 'https://open.c.163.com', { accessKey: 'ak-1', secretKey: 'netease-secret-1' })
    // an answer with a token and a status the action does not take: its body is shown, the token never
    on('POST', '/api/v1/token', 302, { token: 'issued-token-9876543210', expires_in: '86399' }, 3)
    const error = await platform.describe({ service: 'shop' }).catch((e: Error) => e)
    expect((error as Error).message).toContain('HTTP 302: {"token":"***"')
    expect((error as Error).message).not.toContain('issued-token-9876543210')
  })

  it("knows the deploy hook and repository password of the app a list read finds, before any deploy, and masks no other app's", async () => {
    const { platform, on, redactor } = mockPlatform('netease', 'https://open.c.163.com', { token: 'netease-token-1' })
    const hook = (key: string) => `https://open.c.163.com/api/v1/hooks/app/${key}`
    const others = Array.from({ length: 29 }, (_, i) => ({
      id: i + 2,
      name: `other-${i}`,
      web_hook_url: hook(`${i}`.padStart(32, 'a')),
      version_control: { version: 'v1', password: `other-pass-${i}` },
    }))
    const shop = {
      id: 1,
      name: 'shop',
      web_hook_url: hook('0f0e0d0c0b0a09080706050403020100'),
      version_control: { version: 'v1', password: 'repo-pass-1' },
    }
    on('GET', '/api/v1/apps?limit=30&offset=0', 200, { total: 30, apps: [...others, shop] })
    expect(await platform.describe({ service: 'shop' })).not.toBeNull()
    expect(redactor.redact(`POST ${shop.web_hook_url} (0f0e0d0c0b0a09080706050403020100), password repo-pass-1`)).toBe(
      'POST *** (***), password ***',
    )
    // the other apps are dropped unread: masking their hooks too was three masks per app on every page
    expect(redactor.redact(`${others[0]?.web_hook_url} other-pass-0`)).toBe(`${others[0]?.web_hook_url} other-pass-0`)
  })

  it("knows a Rancher receiver's trigger URL and key from a list read", async () => {
    const { platform, on, redactor } = mockPlatform('rancher', 'https://rancher.example.com', {
      accessKey: 'access-3',
      secretKey: 'secret-key-3',
    })
    const key = 'Lk3q9Rw0aB4cD5eF6gH7iJ8kL9mN0oP1qR2sT3uX'
    on('GET', '/v1-webhooks/receivers?projectId=1a5', 200, {
      data: [
        { id: 'r1', name: 'up', driver: 'scaleService', url: `https://rancher.example.com/v1-webhooks/endpoint?key=${key}&projectId=1a5` },
      ],
    })
    expect(await platform.webhooks?.list('1a5')).toEqual([{ id: 'r1', name: 'up', driver: 'scaleService' }])
    expect(redactor.redact(`bad key ${key}`)).toBe('bad key ***')
  })
})

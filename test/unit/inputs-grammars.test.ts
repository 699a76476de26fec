import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readDeployInputs } from '../../src/shared/inputs/deploy.js'
import { readRollbackInputs } from '../../src/shared/inputs/rollback.js'
import { readScaleInputs } from '../../src/shared/inputs/scale.js'
import { readTrafficInputs } from '../../src/shared/inputs/traffic.js'
import { parseCreateSpec } from '../../src/shared/inputs/create-spec.js'
import { DURATION_MAX } from '../../src/shared/inputs/duration.js'
import { FIELD_PATH_MAX } from '../../src/shared/inputs/health.js'
import { ID_MAX } from '../../src/shared/inputs/id.js'
import { parseImage, REPOSITORY_MAX } from '../../src/shared/inputs/image.js'
import { InputError, shown } from '../../src/shared/inputs/input-error.js'
import { JSON_MAX } from '../../src/shared/inputs/json.js'
import { ENVIRONMENT_NAME, NAME } from '../../src/shared/inputs/name.js'
import { readPreviewInputs } from '../../src/shared/inputs/preview.js'
import { SOURCE_VERSION_MAX } from '../../src/shared/inputs/source-version.js'
import { STATUS_SET_MAX } from '../../src/shared/inputs/status-set.js'
import { STEPS_MAX } from '../../src/shared/inputs/steps.js'
import { TEXT_MAX } from '../../src/shared/inputs/text.js'
import { parseHttpUrl, URL_MAX } from '../../src/shared/inputs/url.js'
import { ROOT } from '../support/runner.js'

function env(inputs: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]))
}

/** The message of the InputError that `read` throws, checked to be one short line. */
function refusal(read: () => unknown): string {
  let caught: unknown
  try {
    read()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(InputError)
  const message = (caught as InputError).message
  expect(message).not.toMatch(/[\n\r]/)
  expect(message.length).toBeLessThan(400)
  return message
}

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`
const jelastic = { platform: 'jelastic', 'api-url': 'https://app.example.com', token: 't0ken-abc', service: 'shop', image: 'shop:v2' }
const servicestage = { ...jelastic, platform: 'servicestage', project: 'p1', application: 'a1' }
const rancher = { ...jelastic, platform: 'rancher', token: '', 'access-key': 'ak', 'secret-key': 'sk-123', project: '1a5' }
const traffic = { ...jelastic, router: 'shop', blue: 'shop-blue', green: 'shop-green' }

describe('names', () => {
  it.each(['a/../../x', 'a/./b', '..', '.', 'a/b', '../x', 'a\nb', '-a', 'a b', 'a%2F..', 'x'.repeat(129)])(
    'refuses %j as a service on jelastic',
    (name) => {
      expect(refusal(() => readDeployInputs(env({ ...jelastic, service: name })))).toMatch(/^Input "service" has the value /)
    },
  )

  it.each([
    ['project', 'a/../../../../../x'],
    ['application', '..'],
    ['project', 'a/b'],
  ])('refuses %s %j on servicestage, which would reach outside the API path', (input, value) => {
    expect(refusal(() => readDeployInputs(env({ ...servicestage, [input]: value })))).toContain(`Input "${input}" has the value`)
  })

  it.each([
    ['router', 'r/..'],
    ['blue', './b'],
    ['green', 'g/../../x'],
  ])('refuses dot segments in %s (%j)', (input, value) => {
    expect(refusal(() => readTrafficInputs(env({ ...traffic, percentage: '10', [input]: value })))).toContain(`Input "${input}"`)
  })

  it('refuses dot segments in environment and service-template, and says what a name may hold', () => {
    expect(refusal(() => readDeployInputs(env({ ...jelastic, 'node-group': 'cp/../x' })))).toContain('Input "node-group"')
    expect(refusal(() => readDeployInputs(env({ ...jelastic, environment: 'prod/../x' })))).toContain('Input "environment"')
    expect(readDeployInputs(env({ ...jelastic, environment: 'production/eu' })).github.environment).toBe('production/eu')
    const template = refusal(() => readPreviewInputs(env({ ...jelastic, command: 'up', pr: '7', 'service-template': '../pr-{pr}' })))
    expect(template).toBe(
      `Input "service-template" has the value "../pr-{pr}"; allowed: a name with {pr} in it: up to 128 letters, digits, '.', '_' or '-', starting with a letter or digit, no '/'.`,
    )
  })

  it('takes stack/service on rancher only, and never a third part or a dot segment', () => {
    expect(readDeployInputs(env({ ...rancher, service: 'shop/web' })).service).toBe('shop/web')
    for (const service of ['shop/web/x', 'shop/..', 'shop//web', '/web'])
      expect(refusal(() => readDeployInputs(env({ ...rancher, service })))).toContain('a name or stack/name')
    expect(refusal(() => readDeployInputs(env({ ...servicestage, service: 'shop/web' })))).toContain("no '/'")
  })

  it('refuses a Rancher preview template without its stack when create-spec would create one', () => {
    const spec = JSON.stringify({ dockerCompose: 'services:\n  web:\n    image: ${IMAGE}\n' })
    const up = { ...rancher, command: 'up', pr: '7', image: 'shop:v1', 'create-spec': spec }
    expect(refusal(() => readPreviewInputs(env({ ...up, 'service-template': 'web-{pr}' })))).toBe(
      'Input "service-template" has the value "web-{pr}"; allowed: with create-spec on Rancher, stack/service with {pr} in it, such as pr-{pr}/web.',
    )
    expect(readPreviewInputs(env({ ...up, 'service-template': 'pr-{pr}/web' })).template).toBe('pr-{pr}/web')
    // without create-spec it updates a service made beforehand, which a name may find
    expect(readPreviewInputs(env({ ...rancher, command: 'up', pr: '7', image: 'shop:v1', 'service-template': 'web-{pr}' })).template).toBe(
      'web-{pr}',
    )
  })
})

describe('images', () => {
  it.each([
    ['nginx:1.27', 'nginx', '1.27'],
    ['registry.example.com:5000/team/app:v1.2-rc', 'registry.example.com:5000/team/app', 'v1.2-rc'],
    ['localhost:5000/a__b/c-d.e:1', 'localhost:5000/a__b/c-d.e', '1'],
    ['[::1]:5000/app:latest', '[::1]:5000/app', 'latest'],
    [`app@${DIGEST}`, 'app', DIGEST],
    [`reg.example.com/team/app@${DIGEST}`, 'reg.example.com/team/app', DIGEST],
    [`app:${'t'.repeat(128)}`, 'app', 't'.repeat(128)],
  ])('reads %s', (value, repository, tag) => {
    expect(parseImage('image', value)).toEqual({ repository, tag })
  })

  it.each([
    `::error::INJ7@${DIGEST}`,
    `A/../../x#y@${DIGEST}`,
    'a/../../b:1',
    'Shop:1',
    'shop',
    'shop:',
    'shop:.1',
    `shop:${'t'.repeat(129)}`,
    'a___b:1',
    'a-:1',
    `shop:1@${DIGEST}`,
    `shop@${DIGEST.toUpperCase()}`,
    `shop@sha256:${'a'.repeat(63)}`,
    'shop@sha512:abc',
    'shop:1 ',
    'sh op:1',
    'reg.example.com:port/app:1',
  ])('refuses %j', (value) => {
    expect(refusal(() => parseImage('image', value))).toContain('allowed: an image as repository:tag or repository@sha256:')
  })

  it('refuses a 120,000-character repository in a short message that says the limit', () => {
    const message = refusal(() => readDeployInputs(env({ ...jelastic, image: `${'a'.repeat(120_000)}:1` })))
    expect(message).toContain('(120002 characters); allowed: a repository of at most 255 characters (this one has 120000)')
    expect(() => parseImage('to', `${'a'.repeat(255)}:1`)).not.toThrow()
  })

  it('checks rollback targets the same way, and source versions without dot segments', () => {
    expect(refusal(() => readRollbackInputs(env({ ...jelastic, to: 'a/../../b:1' })))).toContain('Input "to"')
    const netease = { ...jelastic, platform: 'netease' }
    expect(readRollbackInputs(env({ ...netease, to: 'source@release/1.2' })).to).toBe('source@release/1.2')
    expect(refusal(() => readRollbackInputs(env({ ...netease, to: 'source@a/../../b' })))).toContain('Input "to"')
    expect(refusal(() => readDeployInputs(env({ ...netease, image: '', 'source-version': 'x/../y' })))).toContain('Input "source-version"')
  })
})

describe('URLs', () => {
  it.each(['api-url', 'health-url'])('refuses a user and password in %s, without showing them', (input) => {
    const url = 'http://user:hunter2@shop.example.com/health?token=abc'
    const message = refusal(() => readDeployInputs(env({ ...jelastic, [input]: url })))
    expect(message).toBe(
      `Input "${input}" has a user name or password in it (host "shop.example.com"); allowed: a URL without them, since credentials in a URL end up in logs and error messages.`,
    )
  })

  it('refuses a user in webhook-url without showing anything of it', () => {
    const message = refusal(() =>
      readScaleInputs(
        env({ ...rancher, service: '', 'webhook-url': 'https://user:secret@rancher.example.com/v1-webhooks/endpoint?key=key-0123' }),
      ),
    )
    expect(message).toContain('Input "webhook-url" has a user name or password in it')
    expect(message).not.toMatch(/user:|secret@|key-0123/)
  })

  it('cuts a 120,000-character host short in the error', () => {
    const message = refusal(() => readDeployInputs(env({ ...jelastic, 'api-url': `https://${'h'.repeat(120_000)}.example.com/` })))
    expect(message).toMatch(/^Input "api-url" has the value "https:\/\/h+…" \(120021 characters\); allowed: an http/)
  })

  it.each(['https://app.exa\tmple.com/', 'https://app.example.com/a\nb', 'https://app.example.com/a b', 'https://app.example.com/\u0000'])(
    'refuses %j instead of dropping what the URL parser would drop',
    (value) => {
      expect(refusal(() => parseHttpUrl('api-url', value))).toContain('without spaces or control characters')
    },
  )

  it.each(['ftp://example.com', 'javascript:alert(1)', 'file:///etc/passwd', 'example.com'])('refuses %j', (value) => {
    expect(refusal(() => parseHttpUrl('health-url', value))).toContain('allowed: an http:// or https:// URL')
  })
})

describe('percentages and counts', () => {
  const alauda = { ...jelastic, platform: 'alauda', project: 'team', autoscaling: 'on', 'min-replicas': '1', 'max-replicas': '4' }

  it.each(['min-replicas', 'max-replicas', 'scale-step'])('refuses 50%% for %s, a count', (input) => {
    expect(refusal(() => readScaleInputs(env({ ...alauda, [input]: '50%' })))).toBe(
      `Input "${input}" has the value "50%"; allowed: a whole number from 1 to 1000 (a count, not a percentage).`.replace(
        '1000',
        input === 'scale-step' ? '100' : '1000',
      ),
    )
  })

  it('takes % on the CPU thresholds and on a traffic share, which are percentages', () => {
    expect(readScaleInputs(env({ ...alauda, 'scale-up-cpu': '80%', 'scale-down-cpu': '20%' })).autoscaling).toMatchObject({
      scaleUpCpu: 80,
      scaleDownCpu: 20,
    })
    expect(readTrafficInputs(env({ ...traffic, percentage: '50%' })).steps).toEqual([{ weight: 50, holdMs: 0 }])
    expect(refusal(() => readTrafficInputs(env({ ...traffic, percentage: '50%%' })))).toContain('Input "percentage"')
  })

  it.each(['promote', 'abort', 'status'])('reads percentage and steps with command %s too, before any request', (command) => {
    for (const [input, value] of [
      ['percentage', '101'],
      ['steps', '10,5'],
      ['steps', 'garbage'],
      ['percentage', 'garbage'],
    ] as const) {
      expect(refusal(() => readTrafficInputs(env({ ...traffic, command, [input]: value })))).toContain(`Input "${input}" has the value`)
    }
    expect(readTrafficInputs(env({ ...traffic, command, steps: '10:1m,100' })).command).toBe(command)
  })
})

describe('errors stay short and on one line', () => {
  it('cuts a value at 80 characters with … and escapes control characters', () => {
    expect(shown('x'.repeat(200))).toBe(`"${'x'.repeat(79)}…"`)
    expect(shown('a\nb\tc\u0085d\u202ee\u2028f\u0000')).toBe('"a\\nb\\tc\\u0085d\\u202ee\\u2028f\\u0000"')
    // the escapes count: 80 control characters show as 13 escapes and the "…", never 480 characters
    expect(shown('\u0000'.repeat(80))).toBe(`"${'\\u0000'.repeat(13)}…"`)
    expect(shown('\u{e0001}x')).toBe('"\\u{e0001}x"')
  })

  it('shows a bad health-json-field on one line', () => {
    expect(refusal(() => readDeployInputs(env({ ...jelastic, 'health-json-field': 'status\n::error::x' })))).toBe(
      'Input "health-json-field" has the value "status\\n::error::x"; allowed: a field path of up to 256 characters such as status or checks.db.',
    )
  })

  it.each([
    ['release-id', 'run\n::error::x'],
    ['health-json-value', 'ok\r\nno'],
  ])('refuses control characters in %s', (input, value) => {
    const extra: Record<string, string> = input === 'health-json-value' ? { 'health-json-field': 'status' } : {}
    expect(refusal(() => readTrafficInputs(env({ ...traffic, percentage: '10', ...extra, [input]: value })))).toContain(
      'text on one line of up to 256 characters',
    )
  })

  it('refuses a reason longer than 256 characters', () => {
    expect(refusal(() => readRollbackInputs(env({ ...jelastic, reason: 'r'.repeat(257) })))).toContain('Input "reason"')
  })
})

describe('create-spec', () => {
  it('is an object', () => {
    for (const value of ['[1]', '"text"', '2', 'null', '{'])
      expect(refusal(() => parseCreateSpec('servicestage', value))).toContain('allowed: a JSON object')
  })

  it('has only the create fields platforms.md lists, where the list is whole', () => {
    expect(refusal(() => parseCreateSpec('alauda', '{"instance_sise": "XS"}'))).toMatch(
      /^Input "create-spec" has the field "instance_sise"; allowed on alauda: application, run_command, instance_size/,
    )
    expect(parseCreateSpec('alauda', '{"instance_size": "XS", "autoscaling_config": "{}"}')).toEqual({
      instance_size: 'XS',
      autoscaling_config: '{}',
    })
    // ServiceStage's list in platforms.md ends with "...": other component fields pass
    expect(parseCreateSpec('servicestage', '{"replica": 2, "liveness_probe": {}}')).toEqual({ replica: 2, liveness_probe: {} })
  })

  it('refuses a field of the wrong type, one the action sets itself, and a missing required one', () => {
    expect(refusal(() => parseCreateSpec('servicestage', '{"replica": "2"}'))).toBe(
      'Input "create-spec" has the field "replica" as a string; allowed: number.',
    )
    expect(refusal(() => parseCreateSpec('netease', '{"name": "other"}'))).toContain('which the action sets from service')
    expect(refusal(() => parseCreateSpec('rancher', '{"rancherCompose": ""}'))).toContain('has no field "dockerCompose"')
    expect(parseCreateSpec('rancher', '{"dockerCompose": "services: {}"}')).toEqual({ dockerCompose: 'services: {}' })
    // names of Object's own members are no fields
    expect(refusal(() => parseCreateSpec('alauda', '{"constructor": 1}'))).toContain('has the field "constructor"; allowed on alauda:')
    expect(parseCreateSpec('servicestage', '{"toString": 1}')).toEqual({ toString: 1 })
    expect(refusal(() => parseCreateSpec('rancher', '{"toString": "x"}'))).toContain('has the field "toString"; allowed on rancher:')
  })

  it('on Jelastic, checks env and each node against createenvironment in the vendor API description', () => {
    const spec = {
      env: { region: 'default', sslstate: true },
      nodes: [{ nodeType: 'docker', fixedCloudlets: 1, flexibleCloudlets: 4, docker: { nodeGroup: 'cp', registry: { user: 'u' } } }],
      envGroups: 'previews',
    }
    expect(parseCreateSpec('jelastic', JSON.stringify(spec))).toEqual(spec)
    expect(refusal(() => parseCreateSpec('jelastic', '{"nodes": [{"docker": {"registry": {"token": "x"}}}]}'))).toBe(
      'Input "create-spec" has the field "nodes[0].docker.registry.token"; allowed in nodes[0].docker.registry on jelastic: password, user, url.',
    )
    expect(refusal(() => parseCreateSpec('jelastic', '{"nodes": [{"fixedCloudlets": 1.5}]}'))).toBe(
      'Input "create-spec" has the field "nodes[0].fixedCloudlets" as a number; allowed: a whole number.',
    )
    expect(refusal(() => parseCreateSpec('jelastic', '{"nodes": ["docker"]}'))).toBe(
      'Input "create-spec" has nodes[0] as a string; allowed: an object.',
    )
    expect(refusal(() => parseCreateSpec('jelastic', '{"env": {"constructor": "x"}}'))).toContain(
      'has the field "env.constructor"; allowed in env',
    )
  })
})

describe("the README's table of input grammars", () => {
  const rows = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n')
  it.each([
    ['name', NAME.max],
    ['GitHub environment', ENVIRONMENT_NAME.max],
    ['id', ID_MAX],
    ['image', REPOSITORY_MAX],
    ['source version', SOURCE_VERSION_MAX],
    ['URL', URL_MAX],
    ['duration', DURATION_MAX],
    ['steps', STEPS_MAX],
    ['status set', STATUS_SET_MAX],
    ['field path', FIELD_PATH_MAX],
    ['text', TEXT_MAX],
    ['JSON object', JSON_MAX],
  ])('states the longest %s the code takes (%i)', (kind, max) => {
    const row = rows.find((line) => line.startsWith(`| ${kind} |`))
    expect(row?.split(' | ')[2]).toMatch(new RegExp(`^${max.toLocaleString('en')}\\b`))
  })
})

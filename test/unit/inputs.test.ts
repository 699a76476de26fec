import { describe, expect, it } from 'vitest'
import { readDeployInputs } from '../../src/shared/inputs/deploy.js'
import { readRollbackInputs } from '../../src/shared/inputs/rollback.js'
import { readScaleInputs } from '../../src/shared/inputs/scale.js'
import { readTrafficInputs } from '../../src/shared/inputs/traffic.js'
import { parseDuration } from '../../src/shared/inputs/duration.js'
import { parseImage } from '../../src/shared/inputs/image.js'
import { InputError } from '../../src/shared/inputs/input-error.js'
import { secrets } from '../../src/shared/http/secrets.js'
import { parseStatusSet } from '../../src/shared/inputs/status-set.js'

function env(inputs: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]))
}

/** What `read` writes to stdout (the masks), the real write put back after it. */
function stdoutOf(read: () => void): string[] {
  const written: string[] = []
  const write = process.stdout.write
  process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write
  try {
    read()
  } finally {
    process.stdout.write = write
  }
  return written
}

const base = {
  platform: 'jelastic',
  'api-url': 'https://app.example.com',
  token: 't0ken-abc',
  service: 'shop',
  image: 'reg.example.com/shop:v2',
}

describe('input parsers', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['45', 45_000],
  ])('reads the duration %s', (text, ms) => {
    expect(parseDuration('timeout', text)).toBe(ms)
  })

  it.each(['', '10 minutes', '5x', '1h 30m', '-5s'])('refuses the duration %j', (text) => {
    expect(() => parseDuration('timeout', text)).toThrow(InputError)
  })

  it('reads images with registries, ports and digests', () => {
    expect(parseImage('image', 'nginx:1.27')).toEqual({ repository: 'nginx', tag: '1.27' })
    expect(parseImage('image', 'registry.example.com:5000/team/app:v1.2-rc')).toEqual({
      repository: 'registry.example.com:5000/team/app',
      tag: 'v1.2-rc',
    })
    const digest = `sha256:${'a'.repeat(64)}`
    expect(parseImage('image', `app@${digest}`)).toEqual({ repository: 'app', tag: digest })
  })

  it('reads expected statuses as codes and classes', () => {
    const expected = parseStatusSet('health-status', '200,3xx')
    expect([200, 204, 301, 404].map(expected)).toEqual([true, false, true, false])
  })

  it('reads a whole deploy, with defaults', () => {
    const inputs = readDeployInputs(env(base))
    expect(inputs).toMatchObject({
      platform: 'jelastic',
      service: 'shop',
      nodeGroup: 'cp',
      image: 'reg.example.com/shop:v2',
      wait: true,
      rollbackOnFailure: true,
      timeoutMs: 600_000,
    })
    expect(inputs.health).toBeUndefined()
  })

  it('names the platform and the credentials it needs', () => {
    expect(() => readDeployInputs(env({ ...base, platform: 'rancher', token: 'x-token' }))).toThrow(
      'Platform "rancher" needs credentials: give "access-key" and "secret-key".',
    )
  })

  it('masks secrets the moment they are read', () => {
    const written = stdoutOf(() => readDeployInputs(env({ ...base, token: 'tok%en\nline' })))
    // the raw value first, then the forms it takes in a URL (percent-hex in either case) or a JSON string
    expect(written).toEqual([
      '::add-mask::tok%25en%0Aline\n',
      '::add-mask::tok%2525en%250Aline\n',
      '::add-mask::tok%2525en%250aline\n',
      '::add-mask::tok%25en\\nline\n',
    ])
  })

  it("masks the passwords a create-spec carries as it is read: Jelastic's registry, NetEase's repository", () => {
    const written = stdoutOf(() => {
      const registry = { nodes: [{ nodeType: 'docker', docker: { registry: { user: 'ci', password: 'reg-pass-0123' } } }] }
      readDeployInputs(env({ ...base, create: 'true', 'create-spec': JSON.stringify(registry) }))
      const repository = { version_control: { type: 'git', path: 'https://git.example.com/shop.git', password: 'repo-pass-4567' } }
      readDeployInputs(env({ ...base, platform: 'netease', create: 'true', 'create-spec': JSON.stringify(repository) }))
    })
    expect(written).toContain('::add-mask::reg-pass-0123\n')
    expect(written).toContain('::add-mask::repo-pass-4567\n')
    expect(secrets.redact('reg-pass-0123 repo-pass-4567')).toBe('*** ***')
    // one too short to be masked is refused, naming where it is and never showing it
    const short = { nodes: [{ docker: { registry: { password: 'pw' } } }] }
    expect(() => readDeployInputs(env({ ...base, 'create-spec': JSON.stringify(short) }))).toThrow(
      /^The nodes\[0\]\.docker\.registry\.password in input "create-spec" is under 4 characters: too short to be masked safely/,
    )
  })

  it('refuses a create-spec that is not a JSON object without showing its text: it may hold a password', () => {
    const broken = '{"nodes": [{"docker": {"registry": {"password": "reg-pass-0123" "user": "ci"}}}]}'
    expect(() => readDeployInputs(env({ ...base, create: 'true', 'create-spec': broken }))).toThrow(
      /^Input "create-spec" is not valid JSON \(line 1, column 65\), its text not shown \(it may hold secrets\); allowed: a JSON object/,
    )
    const error = (() => {
      try {
        readDeployInputs(env({ ...base, create: 'true', 'create-spec': `[${broken}]` }))
      } catch (caught) {
        return (caught as Error).message
      }
    })()
    expect(error).toMatch(/^Input "create-spec" is not valid JSON/)
    expect(error).not.toContain('reg-pass')
  })

  it('refuses failover with a split other than 0 or 100', () => {
    expect(() =>
      readTrafficInputs(env({ ...base, router: 'r', blue: 'b', green: 'g', percentage: '30', 'routing-method': 'failover' })),
    ).toThrow(/allowed: 0 or 100/)
  })

  it('reads rollback targets: previous by default, or an image', () => {
    expect(readRollbackInputs(env(base)).to).toBeUndefined()
    expect(readRollbackInputs(env({ ...base, to: 'reg.example.com/shop:v1' })).to).toBe('reg.example.com/shop:v1')
  })
})

describe('scale inputs', () => {
  const alauda = { platform: 'alauda', 'api-url': 'https://api.alauda.cn', token: 't0ken-abc', project: 'team', service: 'shop' }

  it('reads autoscaling with its defaults, replicas alone, and off with a count', () => {
    expect(readScaleInputs(env({ ...alauda, autoscaling: 'on', 'min-replicas': '2', 'max-replicas': '6' }))).toMatchObject({
      autoscaling: { min: 2, max: 6, scaleUpCpu: 60, scaleDownCpu: 10, step: 1, waitMs: 30_000 },
    })
    expect(
      readScaleInputs(env({ ...alauda, autoscaling: 'ON', 'min-replicas': '1', 'max-replicas': '1', 'scale-up-cpu': '80%' })),
    ).toMatchObject({
      autoscaling: { scaleUpCpu: 80 },
    })
    const fixed = readScaleInputs(env({ ...alauda, replicas: '3' }))
    expect(fixed.replicas).toBe(3)
    expect(fixed.autoscaling).toBeUndefined()
    expect(readScaleInputs(env({ ...alauda, autoscaling: 'off', replicas: '2' }))).toMatchObject({ autoscaling: 'off', replicas: 2 })
  })

  it('asks for replicas when nothing says how to scale, and refuses thresholds the wrong way round', () => {
    expect(() => readScaleInputs(env(alauda))).toThrow(InputError)
    expect(() => readScaleInputs(env(alauda))).toThrow('Input "replicas" is required')
    expect(() =>
      readScaleInputs(
        env({ ...alauda, autoscaling: 'on', 'min-replicas': '1', 'max-replicas': '2', 'scale-up-cpu': '20', 'scale-down-cpu': '30' }),
      ),
    ).toThrow('Input "scale-down-cpu" has the value 30; allowed: below "scale-up-cpu" (20).')
  })
})

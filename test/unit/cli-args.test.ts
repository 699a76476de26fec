import { describe, expect, it } from 'vitest'
import { envName, parse, readOutputs, UsageError } from '../../cli/main.js'
import { COMMANDS } from '../../cli/usage.js'
import { SECRET_INPUTS } from '../../src/shared/inputs/credentials.js'

describe('paas-release: flags and PAAS_* variables into the runner’s INPUT_* variables', () => {
  it('takes as secrets (never flags) exactly the inputs the actions read as secrets', () => {
    const marked = new Set<string>()
    const all = new Set<string>()
    for (const command of Object.values(COMMANDS))
      for (const [name, input] of Object.entries(command.inputs)) {
        all.add(name)
        if (input.secret) marked.add(name)
      }
    expect([...marked].sort()).toEqual(SECRET_INPUTS.filter((name) => all.has(name)).sort())
  })

  it('names a variable after its input', () => {
    expect(envName('api-url')).toBe('PAAS_API_URL')
    expect(envName('secret-key')).toBe('PAAS_SECRET_KEY')
  })

  it('gives every input of the action: a flag, else its PAAS_* variable, else action.yml’s default', () => {
    const parsed = parse(['traffic', '--router', 'shop', '--percentage', '10'], { PAAS_ROUTER: 'other', PAAS_BLUE: 'b', PAAS_TOKEN: 't' })
    if ('help' in parsed) throw new Error('help')
    expect(Object.keys(parsed.env).sort()).toEqual(
      Object.keys(COMMANDS.traffic.inputs)
        .map((name) => `INPUT_${name.toUpperCase()}`)
        .sort(),
    )
    expect(parsed.env).toMatchObject({
      INPUT_ROUTER: 'shop',
      INPUT_PERCENTAGE: '10',
      INPUT_BLUE: 'b',
      INPUT_TOKEN: 't',
      'INPUT_HEALTH-SAMPLES': COMMANDS.traffic.inputs['health-samples']?.default,
    })
  })

  it('takes a bare true/false flag (--dry-run) as true, and a value after it as its value', () => {
    const env = (args: string[]) => {
      const parsed = parse(args, {})
      if ('help' in parsed) throw new Error('help')
      return parsed.env
    }
    expect(env(['deploy'])['INPUT_DRY-RUN']).toBe('false')
    expect(env(['deploy', '--dry-run'])['INPUT_DRY-RUN']).toBe('true')
    expect(env(['deploy', '--dry-run', '--service', 'shop'])).toMatchObject({ 'INPUT_DRY-RUN': 'true', INPUT_SERVICE: 'shop' })
    expect(env(['deploy', '--dry-run', 'false'])['INPUT_DRY-RUN']).toBe('false')
    expect(env(['deploy', '--dry-run', 'No'])['INPUT_DRY-RUN']).toBe('No')
    expect(env(['deploy', '--create', '--wait'])).toMatchObject({ INPUT_CREATE: 'true', INPUT_WAIT: 'true' })
    // a word that is not true/false is not its value: an argument of its own, refused
    expect(() => parse(['deploy', '--dry-run', 'maybe'], {})).toThrow(/unexpected argument "maybe"/)
    // an input that is not true/false still needs its value
    expect(() => parse(['deploy', '--service'], {})).toThrow(UsageError)
  })

  it('takes no default from an expression of the runner’s (github-token)', () => {
    const parsed = parse(['deploy'], {})
    if ('help' in parsed) throw new Error('help')
    expect(parsed.env['INPUT_GITHUB-TOKEN']).toBe('')
  })

  it.each(['token', 'password', 'secret-key', 'github-token'])('refuses the secret --%s as a flag', (name) => {
    const command = name === 'github-token' ? 'deploy' : 'traffic'
    expect(() => parse([command, `--${name}`, 'x'], {})).toThrow(UsageError)
    expect(() => parse([command, `--${name}`, 'x'], {})).toThrow(envName(name))
  })

  it('says which GitHub-only inputs were given', () => {
    const parsed = parse(['deploy', '--environment', 'staging'], { PAAS_GITHUB_TOKEN: 'ghs_x' })
    if ('help' in parsed) throw new Error('help')
    expect(parsed.githubOnly.sort()).toEqual(['environment', 'github-token'])
  })

  it('reads the outputs file as core.setOutput writes it', () => {
    expect(readOutputs('image<<ghadelimiter_1\nv2\nghadelimiter_1\nnotes<<d\na\nb\nd\n')).toEqual({ image: 'v2', notes: 'a\nb' })
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmulatorProcess, JELASTIC_TOKEN } from '../support/emulator.js'
import { errorLines, runAction } from '../support/runner.js'

let emulator: EmulatorProcess
let base: Record<string, string>

beforeAll(async () => {
  emulator = await EmulatorProcess.start()
  await emulator.jelasticEnv('green', 'registry.example.com/shop:v1')
  base = { platform: 'jelastic', 'api-url': emulator.url('jelastic'), token: JELASTIC_TOKEN }
})

afterAll(async () => {
  await emulator.stop()
})

type Action = 'deploy' | 'scale' | 'traffic' | 'rollback'
const deploy = { service: 'green', image: 'registry.example.com/shop:v2' }
const traffic = { router: 'shop', blue: 'blue', green: 'green', percentage: '10' }

/** [action, inputs over the valid ones (an empty value removes an input), the input the error must name, the allowed values it must show] */
const CASES: [Action, Record<string, string>, string, string][] = [
  ['deploy', { platform: '' }, 'platform', 'is required'],
  ['deploy', { platform: 'heroku' }, 'platform', 'allowed: jelastic, servicestage, alauda, netease, rancher'],
  ['deploy', { 'api-url': '' }, 'api-url', 'is required'],
  ['deploy', { 'api-url': 'ftp://example.com' }, 'api-url', 'allowed: an http:// or https:// URL'],
  ['deploy', { 'api-url': 'not a url' }, 'api-url', 'allowed: an http:// or https:// URL'],
  ['deploy', { token: '' }, 'token', 'give "token", or "username" and "password"'],
  ['deploy', { token: '', username: 'someone' }, 'password', 'give "token", or "username" and "password"'],
  ['deploy', { service: '' }, 'service', 'is required'],
  ['deploy', { service: 'bad name!' }, 'service', 'allowed: up to 128 letters'],
  ['deploy', { image: '' }, 'image', 'is required'],
  ['deploy', { image: 'no-tag' }, 'image', 'allowed: an image as repository:tag'],
  ['deploy', { image: 'UPPER case:1' }, 'image', 'allowed: an image as repository:tag'],
  ['deploy', { timeout: 'soon' }, 'timeout', 'allowed: a duration above zero and at most 6h'],
  ['deploy', { timeout: '0s' }, 'timeout', 'allowed: a duration above zero'],
  ['deploy', { timeout: '7h' }, 'timeout', 'at most 6h'],
  ['deploy', { wait: 'maybe' }, 'wait', 'allowed: true or false'],
  ['deploy', { 'rollback-on-failure': 'sure' }, 'rollback-on-failure', 'allowed: true or false'],
  ['deploy', { 'health-url': 'localhost:8080/health' }, 'health-url', 'allowed: an http:// or https:// URL'],
  ['deploy', { 'health-url': 'http://127.0.0.1:9/', 'health-samples': '0' }, 'health-samples', 'allowed: a whole number from 1 to 1000'],
  ['deploy', { 'health-status': 'ok' }, 'health-status', 'allowed: status codes or classes'],
  ['deploy', { 'health-url': 'http://127.0.0.1:9/', wait: 'false' }, 'wait', 'allowed: wait: true with a health check'],
  ['scale', { replicas: '' }, 'replicas', 'is required'],
  ['scale', { replicas: '-1' }, 'replicas', 'allowed: a whole number from 0 to 1000'],
  ['scale', { replicas: '2.5' }, 'replicas', 'allowed: a whole number from 0 to 1000'],
  ['scale', { replicas: '100000' }, 'replicas', 'allowed: a whole number from 0 to 1000'],
  ['traffic', { percentage: '' }, 'percentage', 'give one of them'],
  ['traffic', { steps: '10:1m,100' }, 'steps', 'give one of them'],
  ['traffic', { percentage: '', steps: '50,10' }, 'steps', 'allowed: rising weights'],
  ['traffic', { percentage: '', steps: '10:soon,100' }, 'steps', 'allowed: a duration'],
  ['traffic', { command: 'rollout' }, 'command', 'allowed: release, promote, abort'],
  ['traffic', { 'failure-limit': '-1' }, 'failure-limit', 'allowed: a whole number'],
  ['traffic', { 'health-json-value': 'ok' }, 'health-json-value', 'allowed: both, or neither'],
  ['traffic', { percentage: '101' }, 'percentage', 'allowed: a whole number from 0 to 100'],
  ['traffic', { percentage: 'half' }, 'percentage', 'allowed: a whole number from 0 to 100'],
  ['traffic', { 'routing-method': 'random' }, 'routing-method', 'allowed: round-robin, sticky-sessions, failover'],
  ['traffic', { 'routing-method': 'failover', percentage: '50' }, 'percentage', 'allowed: 0 or 100'],
  ['traffic', { router: '' }, 'router', 'is required'],
  ['traffic', { green: 'blue' }, 'blue', 'allowed: two different services'],
  ['rollback', { to: 'yesterday' }, 'to', 'allowed: an image as repository:tag'],
  ['deploy', { service: 'green/../../x' }, 'service', "starting with a letter or digit, no '/'"],
  ['deploy', { image: `::error::INJ7@sha256:${'a'.repeat(64)}` }, 'image', 'allowed: an image as repository:tag'],
  ['deploy', { image: 'a/../../b:1' }, 'image', 'allowed: an image as repository:tag'],
  ['deploy', { 'health-url': 'http://user:pass@127.0.0.1:9/?token=t' }, 'health-url', 'credentials in a URL end up in logs'],
  ['deploy', { 'api-url': 'http://127.0.0.1:9/jel\tastic' }, 'api-url', 'without spaces or control characters'],
  ['traffic', { command: 'promote', percentage: '101' }, 'percentage', 'allowed: a whole number from 0 to 100'],
  ['traffic', { command: 'abort', percentage: '', steps: '10,5' }, 'steps', 'allowed: rising weights'],
  ['traffic', { command: 'promote', percentage: '', steps: 'garbage' }, 'steps', 'allowed: rising weights'],
]

function inputsFor(action: Action, overrides: Record<string, string>): Record<string, string> {
  const valid = { ...base, ...(action === 'traffic' ? traffic : action === 'scale' ? { service: 'green', replicas: '2' } : deploy) }
  return Object.fromEntries(Object.entries({ ...valid, ...overrides }).filter(([, value]) => value !== ''))
}

describe('bad inputs', () => {
  it.each(CASES)('%s with %j fails on input "%s" before any call', async (action, overrides, input, allowed) => {
    await emulator.control('DELETE', '/requests')
    const run = await runAction(action, inputsFor(action, overrides))
    expect(run.code).toBe(1)
    const errors = errorLines(run)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`"${input}"`)
    expect(errors[0]).toContain(allowed)
    expect(errors[0]?.split('\n')).toHaveLength(1)
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at |Error:/)
    expect(await emulator.requests()).toEqual([])
  })

  it('shows the bad value in the message', async () => {
    const run = await runAction('scale', inputsFor('scale', { replicas: 'lots' }))
    expect(errorLines(run)).toEqual(['Input "replicas" has the value "lots"; allowed: a whole number from 0 to 1000.'])
  })

  it('cuts a 120,000-character api-url host to a short line', async () => {
    const run = await runAction('deploy', inputsFor('deploy', { 'api-url': `http://${'h'.repeat(120_000)}.example.com/` }))
    expect(run.code).toBe(1)
    expect(errorLines(run)).toEqual([
      `Input "api-url" has the value "http://${'h'.repeat(72)}…" (120020 characters); allowed: an http:// or https:// URL of up to 2048 characters, without spaces or control characters.`,
    ])
    expect(run.stdout.length).toBeLessThan(1000)
  })

  it('never shows a secret that was given, even when another input is bad', async () => {
    const run = await runAction('deploy', inputsFor('deploy', { password: 'hunter2-secret', username: 'me', token: '', image: 'x' }))
    expect(run.code).toBe(1)
    const shown = run.everything.split('\n').filter((line) => line.includes('hunter2-secret'))
    expect(shown).toEqual(['::add-mask::hunter2-secret'])
  })

  it('never shows a secret that was given inside the bad value of another input', async () => {
    const run = await runAction(
      'deploy',
      inputsFor('deploy', { password: 'hunter2-secret', username: 'me', token: '', service: 'hunter2-secret/..' }),
    )
    expect(run.code).toBe(1)
    expect(errorLines(run)).toEqual([expect.stringContaining('Input "service" has the value "***/.."')])
    expect(run.everything.split('\n').filter((line) => line.includes('hunter2-secret'))).toEqual(['::add-mask::hunter2-secret'])
  })
})

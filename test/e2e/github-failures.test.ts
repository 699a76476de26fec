import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ALAUDA_TOKEN, JELASTIC_TOKEN } from '../support/emulator.js'
import { FakeGitHub } from '../support/github-server.js'
import { type ActionRun, errorLines } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

/** GitHub is never the release's failure: every GitHub call failing is a warning that names GitHub. */
const suite = emulatorSuite()
let github: FakeGitHub
const V1 = 'registry.example.com/shop:v1'
const V2 = 'registry.example.com/shop:v2'
/** a token GitHub refuses (401) */
const WRONG_TOKEN = 'ghs_not_the_job_token_0123'

beforeAll(async () => {
  github = await FakeGitHub.start()
  suite.steps.secrets.add(github.token).add(WRONG_TOKEN)
})
afterAll(() => github.close())

beforeEach(async () => {
  github.reset()
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.jelasticEnv('shop', V1, 1)
})

const jelastic = (extra: Record<string, string>) => ({
  platform: 'jelastic',
  'api-url': suite.emulator.url('jelastic'),
  token: JELASTIC_TOKEN,
  service: 'shop',
  'github-token': github.token,
  timeout: '30s',
  ...extra,
})

/** The ways a GitHub call fails: an error answer, a refused token, no GitHub at all. */
const FAILURES: [string, () => Record<string, string>][] = [
  [
    'HTTP 500',
    () => {
      github.failure = { status: 500 }
      return github.env()
    },
  ],
  ['HTTP 401', () => github.env()],
  // nothing listens on port 9 of this host: the connection is refused
  ['no network', () => ({ ...github.env(), GITHUB_API_URL: 'http://127.0.0.1:9' })],
]

function warnings(run: ActionRun): string[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::warning::'))
    .map((line) => line.slice('::warning::'.length))
}

describe.each(FAILURES)('GitHub failing with %s', (what, env) => {
  const token = () => (what === 'HTTP 401' ? WRONG_TOKEN : github.token)

  it('deploys: the deployment is a warning naming GitHub, and the summary says GitHub failed, not "no github-token"', async () => {
    const run = await suite.steps.run('deploy', jelastic({ image: V2, 'github-token': token() }), { env: env() })
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.image).toBe(V2)
    expect(warnings(run)).toEqual([expect.stringMatching(/^GitHub deployment not recorded: GitHub/)])
    expect(run.summary).toContain('not recorded (GitHub failed: GitHub')
    expect(run.summary).not.toContain('no github-token')
    expect(run.summary).toMatch(
      /<tr><td>GitHub deployment status<\/td><td>[\d.]+ s<\/td><td>skipped: no deployment was recorded<\/td><\/tr>/,
    )
  })

  it('rolls back `to: previous` with no ledger to read: says the ledger could not be read and what to pass instead', async () => {
    const run = await suite.steps.run('rollback', jelastic({ 'github-token': token() }), { env: env() })
    expect(run.code).toBe(1)
    const [error] = errorLines(run)
    expect(error).toMatch(
      /^jelastic: rollback of "shop" failed: jelastic keeps no history of images and the release ledger \(the GitHub deployments of environment "production"\) could not be read \(GitHub.*\): give "to" the image to go back to \(to: <image>\)/,
    )
    expect(error).not.toMatch(/unexpected error|could not reach the platform/)
    expect(run.stdout).not.toMatch(/::debug::.*at /)
    expect(warnings(run)[0]).toMatch(/^the release ledger could not be read: GitHub/)
  })
})

describe('GitHub calls and the deadline', () => {
  it('a rollback reading the ledger keeps to its timeout: no GitHub call or retry past it', async () => {
    await suite.steps.run('deploy', jelastic({ image: V2 }), { env: github.env() })
    github.hang = (method, path) => method === 'GET' && path.endsWith('/deployments')
    await suite.emulator.control('POST', '/reset')
    await suite.emulator.jelasticEnv('shop', V2, 1)
    const run = await suite.steps.run('rollback', jelastic({ timeout: '3s' }), { env: github.env() })
    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toMatch(/the release ledger \(the GitHub deployments of environment "production"\) could not be read/)
    // the deadline starts before the run's first platform request: no GitHub call may come 3 s after it
    const log = await suite.emulator.requestLog()
    expect(log.length).toBeGreaterThan(0)
    const first = Math.min(...log.map((entry) => entry.at))
    const reads = github.arrivals.filter((arrival) => arrival.method === 'GET')
    expect(reads.length).toBeGreaterThan(0)
    expect(Math.max(...reads.map((arrival) => arrival.at)) - first).toBeLessThan(3000)
  })

  it('a deploy out of time still records how it ended, in the grace the report has', async () => {
    await suite.emulator.control('POST', '/images', { image: V2, stuck: true })
    const run = await suite.steps.run('deploy', jelastic({ image: V2, timeout: '3s' }), { env: github.env() })
    await suite.emulator.control('POST', '/images', { image: V2, stuck: false })
    expect(run.code).toBe(1)
    // in_progress is sent within the deadline (it may miss it on a loaded machine); the last status comes after it
    expect(github.deployments).toHaveLength(1)
    expect(github.deployments[0]?.statuses.at(-1)?.state).toBe('failure')
  })

  it('a rollback out of time records its deployment after the deadline: made, and marked failed', async () => {
    await suite.steps.run('deploy', jelastic({ image: V2 }), { env: github.env() })
    await suite.emulator.control('POST', '/images', { image: V1, stuck: true })
    const run = await suite.steps.run('rollback', jelastic({ to: V1, timeout: '3s' }), { env: github.env() })
    await suite.emulator.control('POST', '/images', { image: V1, stuck: false })
    expect(run.code).toBe(1)
    expect(run.stdout).not.toContain('GitHub deployment not recorded')
    const recorded = github.deployments.at(-1)
    // what runs now: the rollback that failed put the image before it back
    expect(recorded?.payload).toMatchObject({ image: run.outputs.image, rollback: true })
    expect(recorded?.statuses.map((status) => status.state)).toEqual(['failure'])
    expect(run.outputs['deployment-id']).toBe(String(recorded?.id))
  })
})

describe('the event file of action-preview', () => {
  const preview = {
    platform: 'alauda',
    'api-url': 'http://127.0.0.1:9/alauda',
    token: ALAUDA_TOKEN,
    project: 'team',
    'service-template': 'shop-pr-{pr}',
    command: 'up',
    image: V1,
  }

  it.each([
    [
      'missing',
      join(tmpdir(), 'no-such-event-file.json'),
      /^The event file GITHUB_EVENT_PATH could not be read \(ENOENT\): give input "pr" instead/,
    ],
    ['malformed', 'malformed', /^The event file GITHUB_EVENT_PATH is not a JSON object: give input "pr" instead/],
  ])('%s, without "pr": an input error naming GITHUB_EVENT_PATH and "pr", no stack', async (_what, path, message) => {
    let file = path
    if (path === 'malformed') {
      file = join(tmpdir(), `event-${process.pid}.json`)
      writeFileSync(file, '{"pull_request": {"number": 7')
    }
    const run = await suite.steps.run('preview', preview, { env: { GITHUB_EVENT_PATH: file } })
    expect(run.code).toBe(1)
    expect(errorLines(run)).toEqual([expect.stringMatching(message)])
    expect(run.stderr).toBe('')
  })
})

describe('the scan', () => {
  it('finds neither GitHub token in anything the runs wrote', () => {
    expect(suite.steps.leaks()).toEqual([])
  })
})

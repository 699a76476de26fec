import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ALAUDA_TOKEN, JELASTIC_TOKEN } from '../support/emulator.js'
import { FakeGitHub } from '../support/github-server.js'
import { errorLines, ROOT } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

const suite = emulatorSuite()
let github: FakeGitHub
const V1 = 'registry.example.com/shop:v1'
const V2 = 'registry.example.com/shop:v2'
const V3 = 'registry.example.com/shop:v3'

beforeAll(async () => {
  github = await FakeGitHub.start()
  suite.steps.secrets.add(github.token)
})
afterAll(() => github.close())

beforeEach(async () => {
  github.reset()
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.jelasticEnv('shop', V1, 1)
  await suite.emulator.control('POST', '/alauda/timing', { instanceMs: 30 })
  await suite.emulator.control('POST', '/alauda/services', { namespace: 'team', name: 'shop', image: V1, instances: 1 })
})

const jelastic = (extra: Record<string, string>) => ({
  platform: 'jelastic',
  'api-url': suite.emulator.url('jelastic'),
  token: JELASTIC_TOKEN,
  service: 'shop',
  'github-token': github.token,
  ...extra,
})
const alauda = (extra: Record<string, string>) => ({
  platform: 'alauda',
  'api-url': suite.emulator.url('alauda'),
  token: ALAUDA_TOKEN,
  project: 'team',
  service: 'shop',
  'github-token': github.token,
  ...extra,
})

describe('GitHub deployments', () => {
  it('records each deploy as a deployment of the commit: in_progress, then success with the URL; the older one becomes inactive', async () => {
    const first = await suite.steps.run('deploy', jelastic({ image: V2 }), { env: github.env() })
    expect(first.code, first.stdout).toBe(0)
    const second = await suite.steps.run('deploy', jelastic({ image: V3, environment: 'production' }), { env: github.env() })
    expect(second.code, second.stdout).toBe(0)
    const [d1, d2] = github.deployments
    expect(d1).toMatchObject({
      sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      environment: 'production',
      payload: { platform: 'jelastic', service: 'shop', image: V2 },
    })
    expect(d1?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success', 'inactive'])
    expect(d2?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success'])
    expect(d2?.statuses[1]).toMatchObject({
      environment_url: second.outputs.url,
      log_url: 'https://github.example.com/acme/shop/actions/runs/77',
    })
    expect(second.outputs['deployment-id']).toBe(String(d2?.id))
    // a link inside the summary's HTML table
    const environment = 'https://github.example.com/acme/shop/deployments/production'
    expect(second.summary).toContain(`<td>#${d2?.id}, <a href="${environment}">${environment}</a></td>`)
    // the status phase says what became of the deployment
    expect(second.summary).toMatch(/<tr><td>GitHub deployment status<\/td><td>[\d.]+ s<\/td><td>success<\/td><\/tr>/)
  })

  it('marks a failed deploy failure', async () => {
    await suite.emulator.control('POST', '/images', { image: V3, failing: true })
    const run = await suite.steps.run('deploy', jelastic({ image: V3, environment: 'staging' }), { env: github.env() })
    expect(run.code).toBe(1)
    expect(github.deployments[0]).toMatchObject({ environment: 'staging' })
    expect(github.deployments[0]?.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure'])
    expect(run.summary).toMatch(/<tr><td>GitHub deployment status<\/td><td>[\d.]+ s<\/td><td>failure<\/td><\/tr>/)
  })

  it('without a token everything else works and the log says what was skipped; a refused token is a warning', async () => {
    const run = await suite.steps.run('deploy', jelastic({ image: V2, 'github-token': '' }), { env: github.env() })
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toContain('GitHub deployment skipped: no "github-token"')
    expect(github.deployments).toEqual([])
    expect(run.summary).toMatch(/<td>GitHub deployment status<\/td><td>[\d.]+ s<\/td><td>skipped: no github-token<\/td>/)
    const refused = await suite.steps.run('deploy', jelastic({ image: V3, 'github-token': 'ghs_wrong_token_xyz' }), { env: github.env() })
    expect(refused.code, refused.stdout).toBe(0)
    expect(refused.stdout).toMatch(/::warning::GitHub deployment not recorded: GitHub answered HTTP 401 .*Bad credentials/)
  })
})

describe('the release ledger', () => {
  it('action-rollback to: previous reads the image before from the deployments, on Jelastic without a router', async () => {
    expect((await suite.steps.run('deploy', jelastic({ image: V2 }), { env: github.env() })).code).toBe(0)
    expect((await suite.steps.run('deploy', jelastic({ image: V3 }), { env: github.env() })).code).toBe(0)
    const back = await suite.steps.run('rollback', jelastic({ reason: 'v3 breaks checkout' }), { env: github.env() })
    expect(back.code, back.stdout).toBe(0)
    expect(back.outputs.image).toBe(V2)
    expect(back.summary).toContain('the GitHub deployments of production')
    expect(github.deployments.at(-1)).toMatchObject({ payload: { image: V2, rollback: true } })
  })

  it('does the same on Alauda, and says where it looked when the ledger has nothing', async () => {
    const none = await suite.steps.run('rollback', alauda({}), { env: github.env() })
    expect(none.code).toBe(1)
    expect(errorLines(none)[0]).toContain('the GitHub deployments of environment "production" record no earlier image')
    expect((await suite.steps.run('deploy', alauda({ image: V2 }), { env: github.env() })).code).toBe(0)
    expect((await suite.steps.run('deploy', alauda({ image: V3 }), { env: github.env() })).code).toBe(0)
    const back = await suite.steps.run('rollback', alauda({}), { env: github.env() })
    expect(back.code, back.stdout).toBe(0)
    expect(back.outputs.image).toBe(V2)
    const state = (await suite.emulator.control('GET', '/state')) as { alauda: { services: { image_tag: string }[] } }
    expect(state.alauda.services[0]?.image_tag).toBe('v2')
  })

  it('loads Octokit only in a run with a github-token', async () => {
    const loaded = async (token: string): Promise<string> => {
      const log = join(tmpdir(), `load-log-${process.pid}-${Date.now()}`)
      const run = await suite.steps.run('deploy', jelastic({ image: V2, 'github-token': token }), {
        env: { ...github.env(), LOAD_LOG: log, NODE_OPTIONS: `--import=${join(ROOT, 'test/support/load-log.mjs')}` },
      })
      expect(run.code, run.stdout).toBe(0)
      const chunks = readFileSync(log, 'utf8')
        .split('\n')
        .filter((url) => url.includes('/dist/deploy/'))
        .map((url) => readFileSync(new URL(url), 'utf8'))
      rmSync(log, { force: true })
      return chunks.join('\n')
    }
    // octokit-core.js is in Octokit's user agent
    expect(await loaded('')).not.toContain('octokit-core.js')
    expect(await loaded(github.token)).toContain('octokit-core.js')
    expect(github.deployments).toHaveLength(1)
  })

  it('never shows the GitHub token', () => {
    expect(suite.steps.leaks()).toEqual([])
  })
})

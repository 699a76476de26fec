import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { runStep } from '../../demo/run-step.js'
import { ALAUDA_TOKEN, JELASTIC_TOKEN } from '../support/emulator.js'
import { nodeForBundles } from '../support/node24.js'
import { type ActionRun, errorLines, ROOT } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

/** Answers that are not what they claim: 200s that are not the platform's JSON, a huge body, a trickled one. */
const suite = emulatorSuite()

const PLATFORMS: { name: string; inputs: () => Record<string, string>; setup: () => Promise<unknown> }[] = [
  {
    name: 'jelastic',
    inputs: () => ({
      platform: 'jelastic',
      'api-url': suite.emulator.url('jelastic'),
      token: JELASTIC_TOKEN,
      service: 'shop',
      image: 'registry.example.com/shop:v2',
    }),
    setup: () => suite.emulator.jelasticEnv('shop', 'registry.example.com/shop:v1', 1),
  },
  {
    name: 'servicestage',
    inputs: () => ({
      platform: 'servicestage',
      'api-url': suite.emulator.url('servicestage'),
      token: 'servicestage-demo-token-0123456789',
      project: 'p1',
      application: 'a1',
      service: 'shop',
      image: 'swr.cn-north-4.myhuaweicloud.com/team/shop:v2',
    }),
    setup: () =>
      suite.emulator.control('POST', '/servicestage/components', {
        project: 'p1',
        application: 'a1',
        name: 'shop',
        image: 'swr.cn-north-4.myhuaweicloud.com/team/shop:v1',
      }),
  },
  {
    name: 'alauda',
    inputs: () => ({
      platform: 'alauda',
      'api-url': suite.emulator.url('alauda'),
      token: ALAUDA_TOKEN,
      project: 'team',
      service: 'shop',
      image: 'index.alauda.cn/team/shop:v2',
    }),
    setup: () =>
      suite.emulator.control('POST', '/alauda/services', {
        namespace: 'team',
        name: 'shop',
        image: 'index.alauda.cn/team/shop:v1',
        instances: 1,
      }),
  },
  {
    name: 'netease',
    inputs: () => ({
      platform: 'netease',
      'api-url': suite.emulator.url('netease'),
      token: 'netease-demo-token-0123456789',
      service: 'shop',
      'source-version': 'd4e5f6',
    }),
    setup: () => suite.emulator.control('POST', '/netease/apps', { name: 'shop', version: 'a1b2c3', replicas: 2 }),
  },
  {
    name: 'rancher',
    inputs: () => ({
      platform: 'rancher',
      'api-url': suite.emulator.url('rancher'),
      'access-key': 'rancher-demo-access',
      'secret-key': 'rancher-demo-secret-0123',
      project: '1a5',
      service: 'shop/web',
      image: 'registry.example.com/team/web:v2',
    }),
    setup: () =>
      suite.emulator.control('POST', '/rancher/services', {
        stack: 'shop',
        name: 'web',
        image: 'registry.example.com/team/web:v1',
        scale: 2,
      }),
  },
]

/** What no line of a log or summary may hold: bytes of a binary answer, or what a terminal takes as a command. */
// eslint-disable-next-line no-control-regex -- finding control bytes is the point
const UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
})

describe.each(PLATFORMS)('$name answering 200 with what is not its JSON', (platform) => {
  beforeEach(() => platform.setup())

  it.each(['html', 'text', 'gzip', 'binary'])(
    '%s: the step fails saying the answer could not be read, never "not found", with no binary byte shown',
    async (disguise) => {
      await suite.emulator.fault({ platform: platform.name, disguise })
      const run = await suite.steps.run('deploy', { ...platform.inputs(), timeout: '20s' })
      expect(run.code).toBe(1)
      const [error] = errorLines(run)
      expect(error).toMatch(/answer could not be read \(HTTP 200, (not a Jelastic JSON envelope, )?content-type /)
      expect(error).not.toMatch(/not found/i)
      expect(run.stdout + run.summary).not.toMatch(UNPRINTABLE)
    },
  )
})

describe('answers too large or too slow', () => {
  beforeEach(() => PLATFORMS[1]?.setup())

  it('a 50 MB body fails the step with a clear error, the step staying under 150 MB of memory', async () => {
    await suite.emulator.fault({ platform: 'servicestage', hugeMB: 50 })
    const dir = mkdtempSync(join(tmpdir(), 'rss-'))
    const rssFile = join(dir, 'rss')
    const run: ActionRun = await runStep(
      nodeForBundles(),
      join(ROOT, 'test/support/max-rss.mjs'),
      { ...PLATFORMS[1]?.inputs(), timeout: '20s' },
      {
        env: { BUNDLE: join(ROOT, 'dist/deploy/index.js'), RSS_FILE: rssFile },
      },
    )
    const maxRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024
    rmSync(dir, { recursive: true, force: true })
    expect(run.code).toBe(1)
    expect(errorLines(run)).toEqual([expect.stringMatching(/^servicestage: .*the answer is larger than 10 MB; it was not read/)])
    expect(maxRssMb).toBeGreaterThan(0)
    expect(maxRssMb).toBeLessThan(150)
  })

  it('a body trickled a byte a second is cut by the deadline: the step ends, naming what it waited for', async () => {
    await suite.emulator.fault({ platform: 'servicestage', dripMs: 1000 })
    const started = Date.now()
    const run = await suite.steps.run('deploy', { ...PLATFORMS[1]?.inputs(), timeout: '6s' })
    // the answer alone would take minutes: ending at all proves the cut; the bound is generous on purpose
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(run.code).toBe(1)
    expect(errorLines(run).join('\n')).toMatch(/no answer within \d+ ms|deadline/)
  })
})

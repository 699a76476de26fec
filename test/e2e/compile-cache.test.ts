import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { JELASTIC_TOKEN } from '../support/emulator.js'
import { ROOT } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

/**
 * The steps of one job share the runner's RUNNER_TEMP: the first of them writes Node's compile
 * cache there, and the later ones load the actions' code compiled from it
 * (src/shared/run/compile-cache.ts). Node's own debug log (NODE_DEBUG_NATIVE=COMPILE_CACHE) says
 * which files were written, and which were read back and accepted by V8.
 */

const suite = emulatorSuite()
const V1 = 'registry.example.com/shop:v1'
let job: string

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.jelasticEnv('shop', V1, 1)
  job = mkdtempSync(join(tmpdir(), 'job-'))
})
afterEach(() => rmSync(job, { recursive: true, force: true }))

const DIST = `file://${join(ROOT, 'dist')}/`
const deploy = (image: string) => ({
  platform: 'jelastic',
  'api-url': suite.emulator.url('jelastic'),
  token: JELASTIC_TOKEN,
  service: 'shop',
  image,
})

/** The bundle files (dist/…) the cache log names with `what`: "writing cache for" or "was accepted". */
function files(stderr: string, what: RegExp): string[] {
  const named = stderr.split('\n').filter((line) => what.test(line))
  return named.map((line) => line.match(/ESM (file:\S+)/)?.[1]?.replace(DIST, '') ?? line).sort()
}

it('a later step of the same job loads every file of the action it runs from the cache the first step wrote', async () => {
  const env = { RUNNER_TEMP: job, NODE_DEBUG_NATIVE: 'COMPILE_CACHE' }
  const first = await suite.steps.run('deploy', deploy('registry.example.com/shop:v2'), { env })
  expect(first.code, first.stdout).toBe(0)
  const written = files(first.stderr, /writing cache for ESM .*success$/)
  // the release's chunks, undici's among them; the entry (the inputs' parsers) is compiled each time, before the cache is on
  expect(written.length, first.stderr).toBeGreaterThanOrEqual(4)
  expect(
    written.every((file) => /^deploy\/\d+\.index\.js$/.test(file)),
    written.join(', '),
  ).toBe(true)
  const [forThisNode, ...others] = readdirSync(join(job, 'paas-release-actions', 'compile-cache'))
  expect(others).toEqual([])
  // the modules' code, not only each file's top level: the build has V8 compile each module's
  // function as its file loads (scripts/bundle.mjs), which V8 caches; lazily it kept about 20 KB
  const cached = join(job, 'paas-release-actions', 'compile-cache', forThisNode as string)
  const bytes = readdirSync(cached).reduce((sum, file) => sum + statSync(join(cached, file)).size, 0)
  expect(bytes).toBeGreaterThan(100_000)

  const second = await suite.steps.run('deploy', deploy('registry.example.com/shop:v3'), { env })
  expect(second.code, second.stdout).toBe(0)
  expect(second.outputs.image).toBe('registry.example.com/shop:v3')
  expect(files(second.stderr, /was accepted/)).toEqual(written)
  expect(second.stderr).not.toMatch(/rejected|writing cache for/)
})

it('outside a runner (no RUNNER_TEMP) and with NODE_DISABLE_COMPILE_CACHE=1, nothing is cached', async () => {
  const envs: Record<string, string>[] = [{ RUNNER_TEMP: '' }, { RUNNER_TEMP: job, NODE_DISABLE_COMPILE_CACHE: '1' }]
  for (const env of envs) {
    const run = await suite.steps.run('deploy', deploy('registry.example.com/shop:v2'), {
      env: { ...env, NODE_DEBUG_NATIVE: 'COMPILE_CACHE' },
    })
    expect(run.code, run.stdout).toBe(0)
    expect(run.stderr, JSON.stringify(env)).not.toMatch(/writing cache for|was accepted/)
  }
  expect(readdirSync(job)).toEqual([])
})

it('an input error writes no cache: it fails as fast as it did without one', async () => {
  const run = await suite.steps.run('deploy', { ...deploy('registry.example.com/shop:v2'), token: '' }, { env: { RUNNER_TEMP: job } })
  expect(run.code).toBe(1)
  expect(run.stdout).toMatch(/::error::.*token/)
  expect(readdirSync(job)).toEqual([])
})

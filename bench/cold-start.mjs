// Cold start under Node 24, each figure a ratio to `node -e 0`: paired runs (node -e 0, then the
// candidate, again and again, every candidate in turn within a round), the median of the per-pair
// ratios, so that a drift of the machine's speed touches each pair alike.
//
// - to an input error: the bundle with no inputs, until it exits;
// - to the first platform request, over HTTPS: from the spawn until the request has arrived (the
//   HTTPS server's 'request' event: TLS handshake done, request head parsed; not the TCP
//   connection), to a local server with a self-signed certificate the run trusts through
//   NODE_EXTRA_CA_CERTS, as it trusts a real platform's. The server never answers; the run is killed;
// - with a github-token (the runner's default): a deploy with a token against one without, as a
//   pair; GitHub is a local HTTPS server that never answers, so Octokit's chunk is loaded and its
//   first call sent, and the platform's first request must not wait for either;
// - the CLI (`node dist/cli/index.js deploy`), to a usage error and to the first request, shown
//   for reference beside the actions (issue 16's targets are the actions');
// - floors: node:https alone, and undici's Agent + request as src/shared/http imports them (and
//   undici's whole index), each making one HTTPS request, measured the same way (run from
//   node_modules, not bundled); and undici's Agent + request bundled as the actions are
//   (floors/undici-agent-bundled.mjs, bundled into a temporary folder by scripts/bundle.mjs).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundle as bundleTo } from '../scripts/bundle.mjs'
import { performance } from 'node:perf_hooks'
import { NODE24, ROOT } from './support/node24.mjs'
import { PLATFORM_NAMES, PLATFORMS } from './support/platforms.mjs'
import { stepEnv } from './support/run-action.mjs'
import { median, percentile } from './support/stats.mjs'

const ACTIONS = ['deploy', 'scale', 'traffic', 'rollback', 'preview']
const INPUT_ERROR_TARGET = 1.3
const FIRST_REQUEST_TARGET = 2.2
// a deploy with a github-token against one without, paired: Octokit's chunk (~150 KB, with its
// share of undici's fetch) on the platform's path would cost 15 % or more of a cold start; a
// paired median of 21 runs moves by about 2 % from run to run on an idle machine: 5 % tells the
// one from the other
const TOKEN_TOLERANCE = 1.05

/** Valid inputs for each action on Jelastic at `apiUrl`, so that the first thing it does is a request. */
function actionInputs(action, apiUrl) {
  const own = {
    deploy: { service: 'shop', image: 'shop:v2' },
    scale: { service: 'shop', replicas: '2' },
    traffic: { router: 'r', blue: 'b', green: 'g', percentage: '10' },
    rollback: { service: 'shop', to: 'shop:v1' },
    preview: { command: 'up', pr: '7', image: 'shop:v2', 'service-template': 'shop-pr-{pr}' },
  }[action]
  return { platform: 'jelastic', 'api-url': `${apiUrl}/jelastic`, token: 'bench-token-123', timeout: '5s', ...own }
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`https://127.0.0.1:${server.address().port}`)))
}

export async function measure({ certificate, runs }) {
  const bundled = mkdtempSync(join(tmpdir(), 'bench-floor-'))
  try {
    await bundleTo(join(ROOT, 'bench', 'floors', 'undici-agent-bundled.mjs'), bundled, { label: 'the bundled floor' })
    writeFileSync(join(bundled, 'package.json'), '{"type":"module"}\n')
    return await measureWith({ certificate, runs, bundled })
  } finally {
    rmSync(bundled, { recursive: true, force: true })
  }
}

async function measureWith({ certificate, runs, bundled }) {
  // the platform: notes when each request arrives and never answers
  let arrived
  const platform = createServer({ key: certificate.key, cert: certificate.cert }, () => arrived?.(performance.now()))
  const github = createServer({ key: certificate.key, cert: certificate.cert }, () => {})
  const [apiUrl, githubUrl] = [await listen(platform), await listen(github)]
  const tls = { NODE_EXTRA_CA_CERTS: certificate.file }
  const token = {
    ...stepEnv('deploy', { 'github-token': 'ghs_bench_token_0123456789' }),
    GITHUB_API_URL: githubUrl,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: 'a1b2c3d',
  }

  const toExit = (args, env) =>
    new Promise((resolve) => {
      const started = performance.now()
      spawn(NODE24, args, { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' }).on('exit', () =>
        resolve(performance.now() - started),
      )
    })
  const toRequest = async (args, env) => {
    const started = performance.now()
    const child = spawn(NODE24, args, { env: { PATH: process.env.PATH, ...tls, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let said = ''
    child.stdout.on('data', (chunk) => (said += chunk))
    child.stderr.on('data', (chunk) => (said += chunk))
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const at = await Promise.race([
      new Promise((resolve) => (arrived = resolve)),
      exited.then(() => Promise.reject(new Error(`${args.join(' ')} exited before its first request: ${said.slice(0, 400)}`))),
    ])
    arrived = undefined
    child.kill('SIGKILL')
    await exited
    return at - started
  }
  const bundle = (action) => join(ROOT, 'dist', action, 'index.js')
  const baseline = () => toExit(['-e', '0'])

  /** each candidate: a figure, how to measure it, and what it is paired with (node -e 0 unless said) */
  const candidates = [
    ...ACTIONS.map((action) => ({
      figure: `cold start → input error: ${action}`,
      target: INPUT_ERROR_TARGET,
      run: () => toExit([bundle(action)]),
    })),
    ...ACTIONS.map((action) => ({
      figure: `cold start → 1st HTTPS request: ${action}${action === 'deploy' ? ', jelastic' : ''}`,
      target: FIRST_REQUEST_TARGET,
      run: () => toRequest([bundle(action)], stepEnv(action, actionInputs(action, apiUrl))),
    })),
    ...PLATFORM_NAMES.filter((name) => name !== 'jelastic').map((name) => ({
      figure: `cold start → 1st HTTPS request: deploy, ${name}`,
      target: FIRST_REQUEST_TARGET,
      run: () =>
        toRequest(
          [bundle('deploy')],
          stepEnv('deploy', { ...PLATFORMS[name].inputs, ...PLATFORMS[name].deploy, 'api-url': `${apiUrl}/${name}` }),
        ),
    })),
    // the CLI runs the same code from its own bundle: flags for the inputs, the secret from
    // PAAS_TOKEN; shown for reference (the targets are the actions'), its anchors the action's rows
    {
      figure: 'cold start → input error: paas-release deploy (the CLI)',
      anchor: 'the deploy action above',
      run: () => toExit([bundle('cli'), 'deploy']),
    },
    {
      figure: 'cold start → 1st HTTPS request: paas-release deploy (the CLI), jelastic',
      anchor: 'the deploy action above',
      run: () => {
        const { token: secret, ...inputs } = actionInputs('deploy', apiUrl)
        const flags = Object.entries(inputs).flatMap(([name, value]) => [`--${name}`, value])
        return toRequest([bundle('cli'), 'deploy', ...flags], { PAAS_TOKEN: secret })
      },
    },
    {
      figure: 'cold start → 1st HTTPS request: deploy with a github-token ÷ without',
      target: TOKEN_TOLERANCE,
      paired: () => toRequest([bundle('deploy')], stepEnv('deploy', actionInputs('deploy', apiUrl))),
      run: () => toRequest([bundle('deploy')], { ...token, ...stepEnv('deploy', actionInputs('deploy', apiUrl)) }),
    },
    ...[
      ['node-https.mjs', 'floor → 1st HTTPS request: node:https alone', 'node:https 1.4×'],
      ['undici-agent.mjs', "floor → 1st HTTPS request: undici's Agent + request", 'undici Agent+request 2.1×'],
      ['undici-whole.mjs', "floor → 1st HTTPS request: undici's whole index", 'undici whole 3.0×'],
    ].map(([script, figure, anchor]) => ({
      figure,
      anchor,
      run: () => toRequest([join(ROOT, 'bench', 'floors', script)], { URL: `${apiUrl}/floor` }),
    })),
    {
      figure: "floor → 1st HTTPS request: undici's Agent + request, bundled as the actions are",
      anchor: '',
      run: () => toRequest([join(bundled, 'index.js')], { URL: `${apiUrl}/floor` }),
    },
  ]
  candidates[0].anchor = 'typescript-action 3.6×, k8s-deploy 3.9×, ecs-deploy-task-definition 4.6×, deploy-cloudrun 8.6×'
  candidates[ACTIONS.length].anchor = 'floors below'

  const ratios = candidates.map(() => [])
  const times = candidates.map(() => [])
  const baselines = []
  for (let i = 0; i < runs; i++) {
    for (const [n, candidate] of candidates.entries()) {
      const first = await (candidate.paired ?? baseline)()
      const second = await candidate.run()
      if (!candidate.paired) baselines.push(first)
      ratios[n].push(second / first)
      times[n].push(second)
    }
  }
  for (const server of [platform, github]) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }

  return candidates.map((candidate, n) => {
    const ratio = median(ratios[n])
    const detail = candidate.paired
      ? `IQR ${percentile(ratios[n], 25).toFixed(2)}–${percentile(ratios[n], 75).toFixed(2)}`
      : `${median(times[n]).toFixed(0)} ms; node -e 0 ${median(baselines).toFixed(0)} ms`
    return {
      figure: candidate.figure,
      value: `${ratio.toFixed(2)}× (${detail})`,
      target: candidate.target === undefined ? '' : `≤ ${candidate.target}×`,
      anchor: candidate.anchor ?? '',
      ok: candidate.target === undefined ? undefined : ratio <= candidate.target,
    }
  })
}

import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ALAUDA_TOKEN, EmulatorProcess, JELASTIC_TOKEN, measureSplit } from '../support/emulator.js'
import { FakeGitHub } from '../support/github-server.js'
import { nodeForBundles } from '../support/node24.js'
import { ROOT } from '../support/runner.js'

/** paas-release (dist/cli/index.js) run as a user runs it: outside GitHub, flags and PAAS_* variables. */
interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** the name=value lines before the summary */
  outputs: Record<string, string>
}

const V1 = 'registry.example.com/shop:v1'
const V2 = 'registry.example.com/shop:v2'

let emulator: EmulatorProcess
beforeAll(async () => {
  emulator = await EmulatorProcess.start()
})
afterAll(() => emulator.stop())
beforeEach(async () => {
  await emulator.control('POST', '/reset')
})

function cli(
  args: string[],
  env: Record<string, string> = {},
  options: {
    interruptWhen?: (stderr: string) => boolean
    signal?: NodeJS.Signals
    /** another copy of index.js, run as an executable (its shebang finds Node 24 first on PATH) */
    executable?: string
  } = {},
): Promise<CliRun> {
  const path = `${dirname(nodeForBundles())}:${process.env.PATH ?? ''}`
  const [command, commandArgs] = options.executable
    ? [options.executable, args]
    : [nodeForBundles(), [join(ROOT, 'dist/cli/index.js'), ...args]]
  const child = spawn(command, commandArgs, { env: { PATH: path, HOME: process.env.HOME ?? '/tmp', ...env } })
  let stdout = ''
  let stderr = ''
  let interrupted = false
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
    if (!interrupted && options.interruptWhen?.(stderr)) {
      interrupted = true
      // a moment later: the line is said just before the hold's timer starts
      setTimeout(() => child.kill(options.signal ?? 'SIGINT'), 300)
    }
  })
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      const outputs: Record<string, string> = {}
      for (const line of stdout.split('\n\n')[0]?.split('\n') ?? []) {
        const at = line.indexOf('=')
        if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1)
      }
      resolve({ code, signal, stdout, stderr, outputs })
    }),
  )
}

const jelastic = () => ['--platform', 'jelastic', '--api-url', emulator.url('jelastic')]
const JELASTIC_ENV = { PAAS_TOKEN: JELASTIC_TOKEN }

async function greenShare(count = 200): Promise<number> {
  const counts = await measureSplit(`${emulator.url('jelastic')}/env/shop/`, count)
  return ((counts.green ?? 0) * 100) / count
}

describe('paas-release: usage', () => {
  it('--help lists the commands; a command’s --help its inputs from action.yml, secrets by their variable', async () => {
    const top = await cli(['--help'])
    expect(top.code).toBe(0)
    for (const command of ['deploy', 'scale', 'traffic', 'rollback', 'preview']) expect(top.stdout).toContain(`  ${command} `)
    const help = await cli(['traffic', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--api-url VALUE, or env PAAS_API_URL  [required]')
    expect(help.stdout).toContain('env PAAS_TOKEN only (a secret: never a flag)')
    expect(help.stdout).toContain('env PAAS_SECRET_KEY only')
    expect(help.stdout).toMatch(/--health-samples VALUE, or env PAAS_HEALTH_SAMPLES {2}\[default: \d+\]/)
  })

  it.each(['deploy', 'scale', 'traffic', 'rollback', 'preview'])(
    '%s --help names every input of its action.yml, and every output',
    async (command) => {
      const meta = parse(readFileSync(join(ROOT, `action-${command}`, 'action.yml'), 'utf8')) as {
        inputs: Record<string, unknown>
        outputs: Record<string, unknown>
      }
      const help = (await cli([command, '--help'])).stdout
      for (const name of Object.keys(meta.inputs)) {
        const variable = `PAAS_${name.replace(/-/g, '_').toUpperCase()}`
        expect(help).toMatch(new RegExp(`^  (--${name} VALUE, or env ${variable}|env ${variable} only)`, 'm'))
      }
      expect(help).toContain(`outputs: ${Object.keys(meta.outputs).join(', ')}`)
    },
  )

  it.each([
    [[], /no command given/],
    [['launch'], /unknown command "launch"/],
    [['traffic', '--bogus', 'x'], /^paas-release: traffic: unknown flag "--bogus"/],
    [['traffic', 'extra'], /unexpected argument "extra"/],
    [['deploy', '--token', 'jelastic-demo-token-0123456789'], /"--token" is a secret .*environment variable PAAS_TOKEN/],
    [['scale', '--secret-key', 'x'], /PAAS_SECRET_KEY/],
    [['traffic', '--platform', 'jelastic'], /--api-url is required and was not given/],
    [['scale', '--summary', '/nonexistent/dir/summary.md'], /--summary \/nonexistent\/dir\/summary.md: cannot write it/],
    [['traffic', '--platform', 'heroku', '--api-url', 'http://127.0.0.1:1'], /--platform/],
  ])('exits 2 on bad usage, with one line: %j', async (args, message) => {
    const run = await cli(args)
    expect(run.code).toBe(2)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(run.stderr).toMatch(message)
    expect(run.stdout).toBe('')
  })

  it('exits 2 on a bad input value before any call to the platform', async () => {
    await emulator.control('DELETE', '/requests')
    const run = await cli(
      ['traffic', ...jelastic(), '--router', 'shop', '--blue', 'blue', '--green', 'green', '--percentage', '150'],
      JELASTIC_ENV,
    )
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^paas-release: traffic: .*--percentage/)
    expect(await emulator.requests()).toEqual([])
  })
})

describe('paas-release as shipped', () => {
  it("is the package's bin, and a copy of dist/cli alone (no node_modules beside it) runs as an executable", async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin?: Record<string, string> }
    expect(pkg.bin).toEqual({ 'paas-release': 'dist/cli/index.js' })
    const dir = mkdtempSync(join(tmpdir(), 'paas-release-copy-'))
    try {
      cpSync(join(ROOT, 'dist/cli'), join(dir, 'cli'), { recursive: true })
      const script = join(dir, 'cli', 'index.js')
      expect(readFileSync(script, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
      expect(statSync(join(ROOT, 'dist/cli/index.js')).mode & 0o111, 'dist/cli/index.js is executable').toBe(0o111)
      expect((await cli(['--help'], {}, { executable: script })).stdout).toMatch(/^usage: paas-release <command>/)
      await emulator.jelasticEnv('shop', V1, 2)
      const run = await cli(['deploy', ...jelastic(), '--service', 'shop', '--image', V2], JELASTIC_ENV, { executable: script })
      expect(run.code, run.stderr).toBe(0)
      expect(run.outputs).toMatchObject({ image: V2, 'previous-image': V1 })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('paas-release deploy on every platform', () => {
  it('jelastic: token from PAAS_TOKEN, outputs as name=value, the summary after them, no workflow command', async () => {
    await emulator.jelasticEnv('shop', V1, 2)
    const run = await cli(['deploy', ...jelastic(), '--service', 'shop', '--image', V2], JELASTIC_ENV)
    expect(run.code, run.stderr).toBe(0)
    expect(run.outputs).toMatchObject({ image: V2, 'previous-image': V1 })
    expect(run.stdout).toMatch(/\n\n### [^\n]+\n\n\| What \| Value \|\n\| --- \| --- \|\n/)
    expect(run.stdout).not.toMatch(/<\/?(h3|table|tr|td|p|strong)>/)
    expect(run.stdout).toMatch(/^\| GitHub deployment status \| [\d.]+ s \| skipped: no github-token \|$/m)
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/^::/m)
    expect(run.stderr).toMatch(/^── /m)
    expect(`${run.stdout}${run.stderr}`).not.toContain(JELASTIC_TOKEN)
  })

  it('servicestage: every input from PAAS_* variables, --json', async () => {
    await emulator.control('POST', '/servicestage/timing', { taskMs: 60 })
    const image = 'swr.cn-north-4.myhuaweicloud.com/team/shop:v2'
    await emulator.control('POST', '/servicestage/components', {
      project: 'p1',
      application: 'a1',
      name: 'shop',
      image: 'swr.cn-north-4.myhuaweicloud.com/team/shop:v1',
      replica: 2,
    })
    const run = await cli(['deploy', '--json'], {
      PAAS_PLATFORM: 'servicestage',
      PAAS_API_URL: emulator.url('servicestage'),
      PAAS_TOKEN: 'servicestage-demo-token-0123456789',
      PAAS_PROJECT: 'p1',
      PAAS_APPLICATION: 'a1',
      PAAS_SERVICE: 'shop',
      PAAS_IMAGE: image,
    })
    expect(run.code, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ image })
  })

  it('alauda: a flag wins over its PAAS_* variable', async () => {
    await emulator.control('POST', '/alauda/timing', { instanceMs: 40 })
    await emulator.control('POST', '/alauda/services', {
      namespace: 'team',
      name: 'shop',
      image: 'index.alauda.cn/team/shop:v1',
      instances: 2,
    })
    const image = 'index.alauda.cn/team/shop:v2'
    const run = await cli(
      ['deploy', '--platform', 'alauda', '--api-url', emulator.url('alauda'), '--project', 'team', '--service', 'shop', '--image', image],
      {
        PAAS_TOKEN: ALAUDA_TOKEN,
        PAAS_SERVICE: 'other',
      },
    )
    expect(run.code, run.stderr).toBe(0)
    expect(run.outputs).toMatchObject({ image, 'previous-image': 'index.alauda.cn/team/shop:v1' })
  })

  it('netease: a source version', async () => {
    await emulator.control('POST', '/netease/timing', { containerMs: 50 })
    await emulator.control('POST', '/netease/apps', { name: 'shop', version: 'a1b2c3', replicas: 2 })
    const run = await cli(
      ['deploy', '--platform', 'netease', '--api-url', emulator.url('netease'), '--service', 'shop', '--source-version', 'd4e5f6'],
      {
        PAAS_TOKEN: 'netease-demo-token-0123456789',
      },
    )
    expect(run.code, run.stderr).toBe(0)
    expect(run.outputs).toMatchObject({ image: 'source@d4e5f6', 'previous-image': 'source@a1b2c3' })
  })

  it('rancher: the access key as a flag, the secret key from PAAS_SECRET_KEY; a GitHub-only input is said to be skipped, and is', async () => {
    // a CI that mirrors GitHub's variables (a repository, an API URL) still gets no deployment
    const github = await FakeGitHub.start()
    await emulator.control('POST', '/rancher/timing', { batchMs: 40 })
    await emulator.control('POST', '/rancher/services', { stack: 'shop', name: 'web', image: 'registry.example.com/team/web:v1', scale: 2 })
    const image = 'registry.example.com/team/web:v2'
    const run = await cli(
      [
        'deploy',
        '--platform',
        'rancher',
        '--api-url',
        emulator.url('rancher'),
        '--access-key',
        'rancher-demo-access',
        '--project',
        '1a5',
        '--service',
        'shop/web',
        '--image',
        image,
      ],
      { PAAS_SECRET_KEY: 'rancher-demo-secret-0123', PAAS_GITHUB_TOKEN: github.token, ...github.env() },
    )
    await github.close()
    expect(run.code, run.stderr).toBe(0)
    expect(run.outputs).toMatchObject({ image })
    expect(run.stderr).toMatch(/^warning: PAAS_GITHUB_TOKEN: GitHub deployments and pull request comments are GitHub-only/m)
    expect(github.deployments).toEqual([])
    expect(run.outputs['deployment-id'] ?? '').toBe('')
    expect(`${run.stdout}${run.stderr}`).not.toContain('rancher-demo-secret-0123')
  })
})

/** Each platform seeded with a service at v1, the flags and variables that reach it, and its v2. */
const PLATFORMS: {
  platform: string
  seed: () => Promise<void>
  args: () => string[]
  env: Record<string, string>
  service: string
  v1: string
  v2: string[]
  to: string[]
}[] = [
  {
    platform: 'jelastic',
    seed: () => emulator.jelasticEnv('shop', V1, 2),
    args: () => jelastic(),
    env: JELASTIC_ENV,
    service: 'shop',
    v1: V1,
    v2: ['--image', V2],
    to: ['--to', V1],
  },
  {
    platform: 'servicestage',
    seed: async () => {
      await emulator.control('POST', '/servicestage/timing', { taskMs: 60 })
      await emulator.control('POST', '/servicestage/components', {
        project: 'p1',
        application: 'a1',
        name: 'shop',
        image: 'swr.example.com/team/shop:v1',
        replica: 2,
      })
    },
    args: () => ['--platform', 'servicestage', '--api-url', emulator.url('servicestage'), '--project', 'p1', '--application', 'a1'],
    env: { PAAS_TOKEN: 'servicestage-demo-token-0123456789' },
    service: 'shop',
    v1: 'swr.example.com/team/shop:v1',
    v2: ['--image', 'swr.example.com/team/shop:v2'],
    to: ['--to', 'swr.example.com/team/shop:v1'],
  },
  {
    platform: 'alauda',
    seed: async () => {
      await emulator.control('POST', '/alauda/timing', { instanceMs: 40 })
      await emulator.control('POST', '/alauda/services', {
        namespace: 'team',
        name: 'shop',
        image: 'index.alauda.cn/team/shop:v1',
        instances: 2,
      })
    },
    args: () => ['--platform', 'alauda', '--api-url', emulator.url('alauda'), '--project', 'team'],
    env: { PAAS_TOKEN: ALAUDA_TOKEN },
    service: 'shop',
    v1: 'index.alauda.cn/team/shop:v1',
    v2: ['--image', 'index.alauda.cn/team/shop:v2'],
    to: ['--to', 'index.alauda.cn/team/shop:v1'],
  },
  {
    platform: 'netease',
    seed: async () => {
      await emulator.control('POST', '/netease/timing', { containerMs: 50 })
      await emulator.control('POST', '/netease/apps', { name: 'shop', version: 'a1b2c3', replicas: 2 })
    },
    args: () => ['--platform', 'netease', '--api-url', emulator.url('netease')],
    env: { PAAS_TOKEN: 'netease-demo-token-0123456789' },
    service: 'shop',
    v1: 'source@a1b2c3',
    v2: ['--source-version', 'd4e5f6'],
    to: ['--to', 'source@a1b2c3'],
  },
  {
    platform: 'rancher',
    seed: async () => {
      await emulator.control('POST', '/rancher/timing', { batchMs: 40 })
      await emulator.control('POST', '/rancher/services', {
        stack: 'shop',
        name: 'web',
        image: 'registry.example.com/team/web:v1',
        scale: 2,
      })
    },
    args: () => ['--platform', 'rancher', '--api-url', emulator.url('rancher'), '--access-key', 'rancher-demo-access', '--project', '1a5'],
    env: { PAAS_SECRET_KEY: 'rancher-demo-secret-0123' },
    service: 'shop/web',
    v1: 'registry.example.com/team/web:v1',
    v2: ['--image', 'registry.example.com/team/web:v2', '--finish-upgrade', 'true'],
    to: [],
  },
]

describe.each(PLATFORMS)('paas-release on $platform', ({ seed, args, env, service, v1, v2, to }) => {
  it('deploy, scale and rollback: each exits 0 with its outputs', async () => {
    await seed()
    const deployed = await cli(['deploy', ...args(), '--service', service, ...v2], env)
    expect(deployed.code, deployed.stderr).toBe(0)
    expect(deployed.outputs['previous-image']).toBe(v1)
    const scaled = await cli(['scale', ...args(), '--service', service, '--replicas', '3', '--json'], env)
    expect(scaled.code, scaled.stderr).toBe(0)
    expect(JSON.parse(scaled.stdout)).toMatchObject({ replicas: '3' })
    const back = await cli(['rollback', ...args(), '--service', service, ...to], env)
    expect(back.code, back.stderr).toBe(0)
    expect(back.outputs.image).toBe(v1)
  })

  it('deploy --dry-run with --env-vars plans the deploy, naming the key, and changes nothing', async () => {
    await seed()
    const before = JSON.stringify(await emulator.control('GET', '/state'))
    const planned = await cli(['deploy', ...args(), '--service', service, ...v2, '--env-vars', 'PLANNED_KEY=1', '--dry-run', '--json'], env)
    expect(planned.code, planned.stderr).toBe(0)
    const plan = JSON.parse((JSON.parse(planned.stdout) as { plan: string }).plan) as { writes: { operation: string }[] }
    expect(plan.writes[0]).toMatchObject({ operation: 'deploy' })
    expect(JSON.stringify(plan.writes)).toContain('PLANNED_KEY')
    expect(JSON.stringify(await emulator.control('GET', '/state'))).toBe(before)
  })
})

describe('paas-release deploy and preview with env-vars and provenance', () => {
  const RANCHER = ['--platform', 'rancher', '--api-url', '', '--access-key', 'rancher-demo-access', '--project', '1a5']
  const rancher = () => RANCHER.map((arg) => (arg === '' ? emulator.url('rancher') : arg))
  const GITLAB = {
    PAAS_SECRET_KEY: 'rancher-demo-secret-0123',
    CI_COMMIT_SHA: 'c'.repeat(40),
    CI_PROJECT_PATH: 'group/shop',
    CI_JOB_URL: 'https://gitlab.example.com/group/shop/-/jobs/7',
    GITLAB_USER_LOGIN: 'dev',
  }
  const service = async () =>
    (
      (await emulator.control('GET', '/state')) as { rancher: { services: { name: string; launchConfig: Record<string, unknown> }[] } }
    ).rancher.services.find((s) => s.name === 'shop')?.launchConfig as {
      environment?: Record<string, string>
      labels?: Record<string, string>
    }

  it('rancher: --env-vars merged into launchConfig.environment, GitLab CI provenance as labels; a re-run writes nothing', async () => {
    await emulator.control('POST', '/rancher/timing', { batchMs: 40 })
    await emulator.control('POST', '/rancher/services', { stack: 'web', name: 'shop', image: 'registry.example.com/team/web:v1', scale: 2 })
    const args = ['deploy', ...rancher(), '--service', 'web/shop', '--image', 'registry.example.com/team/web:v2', '--env-vars', 'A=1\nB=2']
    const run = await cli(args, GITLAB)
    expect(run.code, run.stderr).toBe(0)
    const config = await service()
    expect(config.environment).toEqual({ A: '1', B: '2' })
    expect(config.labels).toMatchObject({
      'io.paas-release.commit': 'c'.repeat(40),
      'io.paas-release.repository': 'group/shop',
      'io.paas-release.run-url': 'https://gitlab.example.com/group/shop/-/jobs/7',
      'io.paas-release.actor': 'dev',
    })
    await emulator.control('DELETE', '/requests')
    const again = await cli(args, { ...GITLAB, PAAS_ENV_VARS_UPDATE: 'merge' })
    expect(again.code, again.stderr).toBe(0)
    expect((await emulator.requestLog()).filter((r) => r.method !== 'GET')).toEqual([])
  })

  it('a bad key is bad usage: exit 2 before any call', async () => {
    await emulator.control('DELETE', '/requests')
    const run = await cli(['deploy', ...rancher(), '--service', 'web/shop', '--image', 'shop:v2', '--env-vars', '9LIVES=1'], GITLAB)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--env-vars has a line whose key is not a name (line 1;')
    expect(await emulator.requestLog()).toEqual([])
  })

  it('alauda: preview up creates the service with the variables and the provenance as PAAS_RELEASE_* variables', async () => {
    await emulator.control('POST', '/alauda/timing', { instanceMs: 30 })
    const up = await cli(
      [
        'preview',
        ...['--platform', 'alauda', '--api-url', emulator.url('alauda'), '--project', 'team', '--pr', '8', '--command', 'up'],
        ...['--service-template', 'shop-pr-{pr}', '--image', 'registry.example.com/shop:pr-8', '--env-vars', '{"FEATURE_X": "on"}'],
      ],
      { PAAS_TOKEN: ALAUDA_TOKEN, GITHUB_SHA: 'd'.repeat(40), GITHUB_REPOSITORY: 'org/shop', GITHUB_RUN_ID: '9' },
    )
    expect(up.code, up.stderr).toBe(0)
    const created = (
      (await emulator.control('GET', '/state')) as { alauda: { services: { service_name: string; instance_envvars: string }[] } }
    ).alauda.services.find((s) => s.service_name === 'shop-pr-8')
    expect(JSON.parse(created?.instance_envvars ?? '{}')).toMatchObject({
      FEATURE_X: 'on',
      PAAS_RELEASE_COMMIT: 'd'.repeat(40),
      PAAS_RELEASE_REPOSITORY: 'org/shop',
      PAAS_RELEASE_RUN_URL: 'https://github.com/org/shop/actions/runs/9',
    })
  })
})

describe('paas-release scale, traffic, rollback on Jelastic', () => {
  beforeEach(async () => {
    await emulator.jelasticEnv('blue', V1, 2)
    await emulator.jelasticEnv('green', V2, 2)
  })
  const sides = ['--router', 'shop', '--blue', 'blue', '--green', 'green']

  it('scale sets the replicas; --summary FILE takes the summary off stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-summary-'))
    try {
      const file = join(dir, 'summary.md')
      const run = await cli(['scale', ...jelastic(), '--service', 'green', '--replicas', '3', '--summary', file], JELASTIC_ENV)
      expect(run.code, run.stderr).toBe(0)
      expect(run.outputs).toMatchObject({ replicas: '3' })
      expect(run.stdout).not.toContain('### ')
      expect(readFileSync(file, 'utf8')).toMatch(/^### /)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('traffic shifts the router; rollback sends it all back to the side it came from', async () => {
    const run = await cli(['traffic', ...jelastic(), ...sides, '--percentage', '50', '--json'], JELASTIC_ENV)
    expect(run.code, run.stderr).toBe(0)
    expect(JSON.parse(JSON.parse(run.stdout).weights)).toEqual({ blue: 50, green: 50 })
    const back = await cli(['rollback', ...jelastic(), ...sides, '--service', 'green'], JELASTIC_ENV)
    expect(back.code, back.stderr).toBe(0)
    expect(await greenShare()).toBe(0)
  })

  it('a failing canary exits 1 with the reason on stderr, and traffic is back on stable', async () => {
    await cli(['traffic', ...jelastic(), ...sides, '--percentage', '0'], JELASTIC_ENV)
    await emulator.markImage(V2, { unhealthy: true })
    const health = ['--health-url', `${emulator.url('jelastic')}/env/shop/`, '--health-samples', '2', '--health-interval', '100ms']
    const run = await cli(
      ['traffic', ...jelastic(), ...sides, ...health, '--steps', '10:300ms,50:300ms,100', '--abort-scale-down-delay', '1s'],
      JELASTIC_ENV,
    )
    expect(run.code).toBe(1)
    expect(run.outputs).toMatchObject({ phase: 'aborted', verdict: 'failed', weight: '0' })
    expect(run.stderr).toMatch(/^error: /m)
    await emulator.markImage(V2, { unhealthy: false })
    expect(await greenShare()).toBe(0)
  })

  it.each(['SIGINT', 'SIGTERM'] as const)('%s during a hold puts traffic back on stable before it exits', async (signal) => {
    await cli(['traffic', ...jelastic(), ...sides, '--percentage', '0'], JELASTIC_ENV)
    const run = await cli(['traffic', ...jelastic(), ...sides, '--steps', '20:60s,100'], JELASTIC_ENV, {
      // the hold starts once the router is at 20%; the group's header shows only with its first line
      signal,
      interruptWhen: (stderr) => /→ now blue 80% \/ green 20%/.test(stderr),
    })
    // the CLI's own exit: the step failed (1), not a death by the signal
    expect([run.code, run.signal], run.stderr).toEqual([1, null])
    expect(run.stderr).toMatch(/^── hold at 20%\nrelease: aborting: the job was cancelled$/m)
    expect(run.outputs).toMatchObject({ phase: 'aborted', weight: '0' })
    expect(await greenShare()).toBe(0)
  })
})

describe('paas-release traffic behind the other platforms’ routers', () => {
  it('alauda: all traffic to green on one domain, then rolled back', async () => {
    const domain = 'shop.example.cn'
    await emulator.control('POST', '/alauda/timing', { instanceMs: 40 })
    await emulator.control('POST', '/alauda/services', {
      namespace: 'team',
      name: 'shop-blue',
      image: 'index.alauda.cn/team/shop:v1',
      instances: 4,
      domain,
    })
    await emulator.control('POST', '/alauda/services', {
      namespace: 'team',
      name: 'shop-green',
      image: 'index.alauda.cn/team/shop:v2',
      instances: 4,
      domain,
      stopped: true,
    })
    const args = [
      '--platform',
      'alauda',
      '--api-url',
      emulator.url('alauda'),
      '--project',
      'team',
      '--router',
      domain,
      '--blue',
      'shop-blue',
      '--green',
      'shop-green',
    ]
    const shift = await cli(['traffic', ...args, '--percentage', '100'], { PAAS_TOKEN: ALAUDA_TOKEN })
    expect(shift.code, shift.stderr).toBe(0)
    expect(JSON.parse(shift.outputs.weights ?? '')).toEqual({ blue: 0, green: 100 })
    const back = await cli(['rollback', ...args, '--service', 'shop-green'], { PAAS_TOKEN: ALAUDA_TOKEN })
    expect(back.code, back.stderr).toBe(0)
    expect(await measureSplit(`${emulator.url('alauda')}/domains/${domain}/`, 100)).toEqual({ 'shop-blue': 100 })
  })

  it('servicestage: a gray release started by deploy, shifted and promoted by traffic', async () => {
    await emulator.control('POST', '/servicestage/timing', { taskMs: 60 })
    await emulator.control('POST', '/servicestage/components', {
      project: 'p1',
      application: 'a1',
      name: 'shop',
      image: 'swr.example.com/team/shop:v1',
      replica: 2,
    })
    const args = ['--platform', 'servicestage', '--api-url', emulator.url('servicestage'), '--project', 'p1', '--application', 'a1']
    const env = { PAAS_TOKEN: 'servicestage-demo-token-0123456789' }
    const deploy = await cli(
      ['deploy', ...args, '--service', 'shop', '--image', 'swr.example.com/team/shop:v2', '--gray-weight', '10'],
      env,
    )
    expect(deploy.code, deploy.stderr).toBe(0)
    const shift = await cli(['traffic', ...args, '--router', 'shop', '--percentage', '50'], env)
    expect(shift.code, shift.stderr).toBe(0)
    expect(JSON.parse(shift.outputs.weights ?? '')).toEqual({ blue: 50, green: 50 })
    const promote = await cli(['traffic', ...args, '--router', 'shop', '--command', 'promote'], env)
    expect(promote.code, promote.stderr).toBe(0)
    expect(promote.outputs.phase).toBe('promoted')
  })

  it('netease: containers moved to the green app step by step on one domain, then promoted', async () => {
    const domain = 'shop.example.cn'
    await emulator.control('POST', '/netease/timing', { containerMs: 50 })
    await emulator.control('POST', '/netease/apps', { name: 'shop-blue', version: 'v1', replicas: 4, domain })
    await emulator.control('POST', '/netease/apps', { name: 'shop-green', version: 'v1', replicas: 0, domain })
    const args = ['--platform', 'netease', '--api-url', emulator.url('netease')]
    const router = ['--router', domain, '--blue', 'shop-blue', '--green', 'shop-green']
    const env = { PAAS_TOKEN: 'netease-demo-token-0123456789' }
    expect((await cli(['deploy', ...args, '--service', 'shop-green', '--source-version', 'v2'], env)).code).toBe(0)
    const canary = await cli(['traffic', ...args, ...router, '--steps', '20,50'], env)
    expect(canary.code, canary.stderr).toBe(0)
    expect(canary.outputs).toMatchObject({ phase: 'paused', weight: '50' })
    const promote = await cli(['traffic', ...args, ...router, '--command', 'promote'], env)
    expect(promote.code, promote.stderr).toBe(0)
    expect(await measureSplit(`${emulator.url('netease')}/domains/${domain}/`, 100)).toEqual({ 'shop-green': 100 })
  })

  it('rancher: a load balancer’s port rule flipped to green, then rolled back', async () => {
    await emulator.control('POST', '/rancher/services', { stack: 'shop', name: 'web', image: 'registry.example.com/team/web:v1', scale: 2 })
    await emulator.control('POST', '/rancher/services', {
      stack: 'shop',
      name: 'web-green',
      image: 'registry.example.com/team/web:v2',
      scale: 2,
    })
    const lb = (await emulator.control('POST', '/rancher/load-balancers', { stack: 'shop', name: 'lb', port: 80, target: 'web' })) as {
      id: string
    }
    const args = ['--platform', 'rancher', '--api-url', emulator.url('rancher'), '--access-key', 'rancher-demo-access', '--project', '1a5']
    const router = ['--router', 'shop/lb', '--blue', 'shop/web', '--green', 'shop/web-green']
    const env = { PAAS_SECRET_KEY: 'rancher-demo-secret-0123' }
    const flip = await cli(['traffic', ...args, ...router, '--percentage', '100'], env)
    expect(flip.code, flip.stderr).toBe(0)
    expect(await measureSplit(`${emulator.url('rancher')}/lb/${lb.id}/80/`, 100)).toEqual({ 'web-green': 100 })
    const back = await cli(['rollback', ...args, ...router, '--service', 'shop/web'], env)
    expect(back.code, back.stderr).toBe(0)
    expect(await measureSplit(`${emulator.url('rancher')}/lb/${lb.id}/80/`, 100)).toEqual({ web: 100 })
  })
})

describe('paas-release preview', () => {
  it('jelastic: up deploys the PR image to its environment, down deletes it', async () => {
    await emulator.jelasticEnv('shop-pr-5', 'registry.example.com/shop:base', 1)
    const common = ['preview', ...jelastic(), '--service-template', 'shop-pr-{pr}', '--pr', '5']
    const up = await cli([...common, '--command', 'up', '--image', V1], JELASTIC_ENV)
    expect(up.code, up.stderr).toBe(0)
    expect(up.outputs).toMatchObject({ service: 'shop-pr-5', image: V1 })
    expect((await cli([...common, '--command', 'down'], JELASTIC_ENV)).code).toBe(0)
    const state = (await emulator.control('GET', '/state')) as { jelastic: { environments: { env: { envName: string } }[] } }
    expect(state.jelastic.environments.map((e) => e.env.envName)).not.toContain('shop-pr-5')
  })

  it('netease: up creates the app from a source version, down deletes it', async () => {
    await emulator.control('POST', '/netease/timing', { containerMs: 20 })
    const common = [
      'preview',
      '--platform',
      'netease',
      '--api-url',
      emulator.url('netease'),
      '--service-template',
      'shop-pr-{pr}',
      '--pr',
      '9',
    ]
    const env = { PAAS_TOKEN: 'netease-demo-token-0123456789' }
    const spec = JSON.stringify({ image: 'tomcat:8', version_control: { type: 'git', path: 'https://git.example.com/team/shop.git' } })
    const up = await cli([...common, '--command', 'up', '--source-version', 'pr-sha1', '--create-spec', spec], env)
    expect(up.code, up.stderr).toBe(0)
    expect(up.outputs).toMatchObject({ service: 'shop-pr-9' })
    expect((await cli([...common, '--command', 'down'], env)).code).toBe(0)
    const apps = ((await emulator.control('GET', '/state')) as { netease: { apps: { name: string }[] } }).netease.apps
    expect(apps.map((app) => app.name)).not.toContain('shop-pr-9')
  })

  it('servicestage: up deploys the PR image to its component, down deletes the component', async () => {
    const { seed, args, env } = PLATFORMS.find((p) => p.platform === 'servicestage') ?? expect.fail('no servicestage case')
    await seed()
    await emulator.control('POST', '/servicestage/components', {
      project: 'p1',
      application: 'a1',
      name: 'shop-pr-4',
      image: 'swr.example.com/team/shop:v1',
      replica: 1,
    })
    const common = ['preview', ...args(), '--service-template', 'shop-pr-{pr}', '--pr', '4']
    const up = await cli([...common, '--command', 'up', '--image', 'swr.example.com/team/shop:pr-sha1'], env)
    expect(up.code, up.stderr).toBe(0)
    expect(up.outputs).toMatchObject({ service: 'shop-pr-4', image: 'swr.example.com/team/shop:pr-sha1' })
    const components = async () =>
      ((await emulator.control('GET', '/state')) as { servicestage: { components: { name: string }[] } }).servicestage.components.map(
        (c) => c.name,
      )
    expect(await components()).toContain('shop-pr-4')
    const down = await cli([...common, '--command', 'down'], env)
    expect(down.code, down.stderr).toBe(0)
    expect(await components()).not.toContain('shop-pr-4')
  })

  it('rancher: up upgrades the PR service to its image, down removes the service', async () => {
    const { seed, args, env } = PLATFORMS.find((p) => p.platform === 'rancher') ?? expect.fail('no rancher case')
    await seed()
    await emulator.control('POST', '/rancher/services', {
      stack: 'shop',
      name: 'web-pr-4',
      image: 'registry.example.com/team/web:v1',
      scale: 1,
    })
    const common = ['preview', ...args(), '--service-template', 'shop/web-pr-{pr}', '--pr', '4']
    const up = await cli([...common, '--command', 'up', '--image', 'registry.example.com/team/web:pr-sha1'], env)
    expect(up.code, up.stderr).toBe(0)
    expect(up.outputs).toMatchObject({ service: 'shop/web-pr-4', image: 'registry.example.com/team/web:pr-sha1' })
    const live = async () =>
      ((await emulator.control('GET', '/state')) as { rancher: { services: { name: string; state: string }[] } }).rancher.services
        .filter((service) => service.name === 'web-pr-4' && !['removed', 'purged'].includes(service.state))
        .map((service) => service.state)
    expect(await live()).toEqual(['active'])
    const down = await cli([...common, '--command', 'down'], env)
    expect(down.code, down.stderr).toBe(0)
    expect(await live()).toEqual([])
  })

  it('alauda: up creates the PR service, down removes it; the PR comment is GitHub-only', async () => {
    await emulator.control('POST', '/alauda/timing', { instanceMs: 30 })
    const common = [
      '--platform',
      'alauda',
      '--api-url',
      emulator.url('alauda'),
      '--project',
      'team',
      '--service-template',
      'shop-pr-{pr}',
      '--pr',
      '7',
    ]
    const spec = JSON.stringify({ instance_size: 'XS', target_num_instances: 1 })
    const up = await cli(['preview', ...common, '--command', 'up', '--image', 'registry.example.com/shop:pr-sha1', '--create-spec', spec], {
      PAAS_TOKEN: ALAUDA_TOKEN,
      PAAS_GITHUB_TOKEN: 'ghs_0123456789abcdef0123',
    })
    expect(up.code, up.stderr).toBe(0)
    expect(up.outputs).toMatchObject({ service: 'shop-pr-7' })
    expect(up.stderr).toMatch(/^warning: PAAS_GITHUB_TOKEN: GitHub deployments and pull request comments are GitHub-only/m)
    const services = async () =>
      ((await emulator.control('GET', '/state')) as { alauda: { services: { service_name: string }[] } }).alauda.services.map(
        (s) => s.service_name,
      )
    expect(await services()).toEqual(['shop-pr-7'])
    const down = await cli(['preview', ...common, '--command', 'down'], { PAAS_TOKEN: ALAUDA_TOKEN })
    expect(down.code, down.stderr).toBe(0)
    expect(await services()).toEqual([])
  })
})

import { beforeEach, describe, expect, it } from 'vitest'
import { JELASTIC_TOKEN } from '../support/emulator.js'
import { type ActionRun, runAction } from '../support/runner.js'
import { emulatorSuite } from '../support/steps.js'

/**
 * What a reader of the job summary and the log sees, through the committed bundles against the
 * emulator: verdicts, times, links, the run's commit, actor and link, the reason first; every log
 * line of a phase inside its group, and the change in one line.
 */

const V1 = 'registry.example.com/shop:v1'
const V2 = 'registry.example.com/shop:v2'

const RUNNER = {
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_ACTOR: 'octocat',
  GITHUB_REPOSITORY: 'org/shop',
  GITHUB_SERVER_URL: 'https://github.example.com',
  GITHUB_RUN_ID: '4242',
}

const suite = emulatorSuite()

function jelastic(extra: Record<string, string>): Record<string, string> {
  return { platform: 'jelastic', 'api-url': suite.emulator.url('jelastic'), token: JELASTIC_TOKEN, ...extra }
}

function healthOf(env: string): string {
  return `${suite.emulator.url('jelastic')}/env/${env}/`
}

/** The value cell of a row of the summary's first table, as HTML. */
function cell(run: ActionRun, label: string): string | undefined {
  return run.summary.match(new RegExp(`<tr><td>${label}</td><td>(.*?)</td>`))?.[1]
}

/** A phase's duration and outcome in the summary's phase table. */
function phaseRow(run: ActionRun, name: string): { seconds: number; outcome: string } | undefined {
  const match = run.summary.match(new RegExp(`<tr><td>${name}</td><td>([\\d.]+) s</td><td>(.*?)</td></tr>`))
  return match ? { seconds: Number(match[1]), outcome: match[2] as string } : undefined
}

/** Log lines that are not workflow commands and are outside every ::group:: block. */
function outsideGroups(run: ActionRun): string[] {
  let open = false
  const outside: string[] = []
  for (const line of run.stdout.split('\n')) {
    if (line.startsWith('::group::')) open = true
    else if (line === '::endgroup::') open = false
    else if (line !== '' && !line.startsWith('::') && !open) outside.push(line)
  }
  return outside
}

/** Every line of a phase is inside its group; the only line outside is the last: the result and the time. */
function expectGrouped(run: ActionRun, title: RegExp): void {
  expect(run.stdout).toContain('::group::')
  const outside = outsideGroups(run)
  expect(outside, run.stdout).toHaveLength(1)
  expect(outside[0]).toMatch(new RegExp(`^${title.source} \\(\\d+\\.\\d s\\)$`))
  const lines = run.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('::'))
  expect(lines.at(-1)).toBe(outside[0])
}

beforeEach(async () => {
  await suite.emulator.control('POST', '/reset')
  await suite.emulator.jelasticEnv('green', V1, 1)
})

describe('the summary of action-deploy', () => {
  it('a failed health check: the reason first, the health row and phase say failed, links are links, the run is named', async () => {
    await suite.emulator.control('POST', '/images', { image: V2, unhealthy: true })
    const run = await runAction(
      'deploy',
      jelastic({ service: 'green', image: V2, 'health-url': healthOf('green'), 'health-interval': '20ms' }),
      {
        env: RUNNER,
      },
    )
    expect(run.code).toBe(1)
    const summary = run.summary
    // the heading, then the reason, before any table
    expect(summary.indexOf('<p><strong>Failed:</strong> jelastic: deploy of &quot;green&quot;')).toBeGreaterThan(summary.indexOf('<h3>'))
    expect(summary.indexOf('<strong>Failed:</strong>')).toBeLessThan(summary.indexOf('<table>'))
    expect(cell(run, 'Health check')).toMatch(
      /^failed: 0\/5 answered 2xx; 5 answered otherwise \(HTTP 503\) \(<a href="http:\/\/127\.0\.0\.1:\d+\/jelastic\/env\/green\/">/,
    )
    expect(phaseRow(run, 'health check')?.outcome).toMatch(/^failed: 0\/5 answered 2xx/)
    expect(summary).not.toMatch(/<td>health check<\/td><td>[\d.]+ s<\/td><td>ok<\/td>/)
    expect(cell(run, 'URL')).toBe(`<a href="${healthOf('green')}">${healthOf('green')}</a>`)
    expect(cell(run, 'Commit')).toBe(`<a href="https://github.example.com/org/shop/commit/${RUNNER.GITHUB_SHA}">0123456789ab</a>`)
    expect(cell(run, 'Actor')).toBe('octocat')
    const runUrl = 'https://github.example.com/org/shop/actions/runs/4242'
    expect(cell(run, 'Run')).toBe(`<a href="${runUrl}">${runUrl}</a>`)
    expect(phaseRow(run, 'total')?.outcome).toBe('failed')
    expectGrouped(run, /Deploy of registry\.example\.com\/shop:v2 to green failed/)
    expect(run.stdout).toContain(`green: image ${V1} → ${V1} (`)
  })

  it('a deploy whose containers fail says the health check did not run, and a deploy outside a run names no commit', async () => {
    await suite.emulator.control('POST', '/images', { image: V2, failing: true })
    const run = await runAction('deploy', jelastic({ service: 'green', image: V2, 'health-url': healthOf('green') }))
    expect(run.code).toBe(1)
    expect(cell(run, 'Health check')).toBe('not run: the deploy did not succeed')
    expect(phaseRow(run, 'health check')).toBeUndefined()
    expect(run.summary).not.toMatch(/<td>wait for deploy<\/td><td>[\d.]+ s<\/td><td>ok/)
    expect(cell(run, 'Commit')).toBeUndefined()
    expect(cell(run, 'Run')).toBeUndefined()
  })

  it('a good deploy: the health check passed, the image changed in one line, every line in its group', async () => {
    const run = await runAction(
      'deploy',
      jelastic({ service: 'green', image: V2, 'health-url': healthOf('green'), 'health-interval': '20ms' }),
    )
    expect(run.code, run.stdout).toBe(0)
    expect(cell(run, 'Health check')).toMatch(/^passed: 5\/5 answered 2xx/)
    expect(phaseRow(run, 'health check')?.outcome).toBe('passed')
    expect(run.stdout).toContain(`green: image ${V1} → ${V2} (`)
    expectGrouped(run, /Deployed registry\.example\.com\/shop:v2 to green/)
  })
})

describe('the log of action-scale and action-rollback', () => {
  it('scale says "1 → 3" and logs every line inside its groups', async () => {
    const run = await runAction('scale', jelastic({ service: 'green', replicas: '3' }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toContain('jelastic: "green": replicas 1 → 3')
    expectGrouped(run, /Scaled green to 3 replica\(s\)/)
    const again = await runAction('scale', jelastic({ service: 'green', replicas: '3' }))
    expect(again.stdout).toContain('jelastic: "green": nothing to scale, replicas 3 → 3')
    expectGrouped(again, /Scaled green to 3 replica\(s\)/)
  })

  it('rollback says the image before and after and logs every line inside its groups', async () => {
    await runAction('deploy', jelastic({ service: 'green', image: V2 }))
    const run = await runAction('rollback', jelastic({ service: 'green', to: V1 }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toContain(`green: image ${V2} → ${V1} (`)
    expectGrouped(run, /Rolled back green to registry\.example\.com\/shop:v1/)
  })
})

describe('the summary of action-traffic', () => {
  beforeEach(async () => {
    await suite.emulator.jelasticEnv('shop-blue', V1, 1)
    await suite.emulator.jelasticEnv('shop-green', V2, 1)
  })

  const release = (extra: Record<string, string>) =>
    jelastic({ router: 'shop', blue: 'shop-blue', green: 'shop-green', 'health-samples': '2', 'health-interval': '100ms', ...extra })

  it('the total holds the holds and the gates; each gate says its verdict; traffic before and after', async () => {
    const run = await runAction('traffic', release({ steps: '10:1500ms,100', 'health-url': healthOf('shop') }))
    expect(run.code, run.stdout).toBe(0)
    const total = phaseRow(run, 'total')
    expect(total?.seconds).toBeGreaterThanOrEqual(1.5)
    expect(total?.outcome).toBe('ok')
    const gate = cell(run, 'Gate, step 1')?.match(/^10%: passed after ([\d.]+) s: \d+\/\d+ probe\(s\) good/)
    expect(Number(gate?.[1])).toBeGreaterThanOrEqual(1.5)
    expect(cell(run, 'Gate, step 2')).toMatch(/^100%: passed after/)
    expect(cell(run, 'Traffic before')).toBe('no router yet')
    expect(cell(run, 'Traffic after')).toBe('blue 0% / green 100% (round-robin)')
    // the log: each shift says before → after, each hold its gate's verdict, all inside groups
    expect(run.stdout).toContain('shop: no router yet → now blue 90% / green 10% (round-robin)')
    expect(run.stdout).toMatch(/^::group::hold at 10%25, gate\ngate, step 1: 10%: passed after [\d.]+ s: /m)
    expect(run.stdout).toMatch(/^gate, step 2: 100%: passed after/m)
    expectGrouped(run, /Traffic on shop: green 100%/)
  })

  it('a gate that fails says failed, and the reason comes first', async () => {
    await suite.emulator.control('POST', '/images', { image: V2, unhealthy: true })
    const run = await runAction(
      'traffic',
      release({ steps: '10:1s,100', 'health-url': healthOf('shop'), 'abort-scale-down-delay': '100ms' }),
    )
    expect(run.code).toBe(1)
    expect(cell(run, 'Gate, step 1')).toMatch(/^10%: failed after [\d.]+ s: /)
    expect(run.summary.indexOf('<strong>Failed:</strong> jelastic: release on &quot;shop&quot; aborted')).toBeLessThan(
      run.summary.indexOf('<table>'),
    )
    expect(run.summary.indexOf('<strong>Failed:</strong>')).toBeGreaterThan(0)
    // the log says why, inside the abort's group, and the run's last line is the failure
    expect(run.stdout).toMatch(/^gate, step 1: 10%: failed after/m)
    expect(outsideGroups(run)).toEqual([expect.stringMatching(/^Release on shop aborted: health gate failed at 10%/)])
    expect(run.stdout).toMatch(/^::group::abort\nrelease: aborted: health gate failed at 10%/m)
  })
})

describe('the log of action-preview', () => {
  it('up, up again and down: every line inside its phase, each change in one line', async () => {
    const preview = (extra: Record<string, string>) =>
      jelastic({
        'service-template': 'shop-pr-{pr}',
        pr: '7',
        'create-spec': JSON.stringify({ nodes: [{ nodeType: 'docker', count: 1 }] }),
        ...extra,
      })
    await suite.emulator.jelasticEnv('shop-pr-7', V1, 1)
    const up = await runAction('preview', preview({ command: 'up', image: V2 }))
    expect(up.code, up.stdout).toBe(0)
    expect(up.stdout).toContain(`shop-pr-7: image ${V1} → ${V2} (`)
    expect(up.stdout).toMatch(/^::group::PR comment\nPR comment skipped: no "github-token"\n::endgroup::$/m)
    expectGrouped(up, /Deployed registry\.example\.com\/shop:v2 to shop-pr-7/)
    const down = await runAction('preview', preview({ command: 'down' }))
    expect(down.code, down.stdout).toBe(0)
    expect(down.stdout).toMatch(
      new RegExp(`^::group::remove shop-pr-7\\nshop-pr-7: ${V2.replace(/[.:/]/g, '\\$&')} → removed\\n::endgroup::$`, 'm'),
    )
    expectGrouped(down, /Removed the preview of #7/)
    const again = await runAction('preview', preview({ command: 'down' }))
    expect(again.stdout).toContain('shop-pr-7: not found; nothing to remove')
    expectGrouped(again, /The preview of #7 was already gone/)
  })
})

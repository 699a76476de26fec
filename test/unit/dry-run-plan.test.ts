import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { Redactor } from '../../src/shared/http/redactor.js'
import { newPlan, planLines, type DryRunPlan } from '../../src/shared/release/plan.js'
import { type Plan, startRecord } from '../../src/shared/release/progressive.js'
import { projectRelease } from '../../src/shared/release/traffic-plan.js'
import { writeSummary } from '../../src/shared/report/summary.js'

const SECRET = 'hook-key-0123456789abcdef'
const dir = mkdtempSync(join(tmpdir(), 'plan-summary-'))
const file = join(dir, 'summary')
beforeAll(() => {
  process.env.GITHUB_STEP_SUMMARY = file
})
beforeEach(() => writeFileSync(file, ''))
afterAll(() => {
  delete process.env.GITHUB_STEP_SUMMARY
  rmSync(dir, { recursive: true, force: true })
})

const deployPlan = (): DryRunPlan => ({
  ...newPlan('deploy', 'jelastic'),
  writes: [
    { operation: 'deploy', target: 'shop', before: 'shop:v1 (RUNNING)', after: 'shop:v2', detail: 'waits for the platform to finish it' },
    { operation: 'GitHub deployment', target: 'production', before: '', after: 'shop:v2 on shop' },
  ],
  onFailure: [{ operation: 'rollback', target: 'shop', before: 'shop:v2', after: 'shop:v1' }],
  notes: [`the hook https://hooks.example.com/${SECRET} stays`],
})

describe('a dry run plan, as the log says it', () => {
  it('numbers the writes in order with before → after, then what a failure would write, then the notes', () => {
    expect(planLines(deployPlan())).toEqual([
      '1. deploy shop: shop:v1 (RUNNING) → shop:v2 (waits for the platform to finish it)',
      '2. GitHub deployment production: — → shop:v2 on shop',
      'on failure:',
      '   rollback shop: shop:v2 → shop:v1',
      `note: the hook https://hooks.example.com/${SECRET} stays`,
    ])
  })

  it('says "nothing to do" for a plan without writes', () => {
    expect(planLines(newPlan('scale', 'alauda'))).toEqual(['nothing to do: no write would be made'])
  })
})

describe('a dry run plan, in the job summary', () => {
  async function render(plan: DryRunPlan): Promise<string> {
    const redactor = new Redactor()
    redactor.add(SECRET)
    await writeSummary({ title: 'Dry run', outputs: {}, rows: [], notes: [], plan }, { phases: [], totalMs: 100 }, redactor)
    return readFileSync(file, 'utf8')
  }

  it('is a table of the writes and one of what a failure would write, redacted and escaped', async () => {
    const html = await render({
      ...deployPlan(),
      writes: [...deployPlan().writes, { operation: 'x<y>', target: 't', before: 'a', after: 'b' }],
    })
    expect(html).toContain('Plan (dry run): nothing was written')
    expect(html).toContain(
      '<tr><td>1</td><td>deploy</td><td>shop</td><td>shop:v1 (RUNNING)</td><td>shop:v2</td><td>waits for the platform to finish it</td></tr>',
    )
    expect(html).toContain('<tr><td>2</td><td>GitHub deployment</td><td>production</td><td>—</td><td>shop:v2 on shop</td><td>—</td></tr>')
    expect(html).toContain('<td>x&lt;y&gt;</td>')
    expect(html).toContain('<strong>On failure</strong>')
    expect(html).toContain('<tr><td>1</td><td>rollback</td><td>shop</td><td>shop:v2</td><td>shop:v1</td><td>—</td></tr>')
    expect(html).not.toContain(SECRET)
  })

  it('says nothing would be written when there is nothing to do', async () => {
    const html = await render(newPlan('traffic', 'rancher'))
    expect(html).toContain('Nothing to do: a real run would make no write.')
    expect(html).not.toContain('On failure')
  })
})

describe("action-traffic's projection: decide() walked with every write landed and every gate passed", () => {
  const SECOND = 1000
  const plan = (over: Partial<Plan> = {}): Plan => ({
    steps: [
      { weight: 10, holdMs: 60 * SECOND },
      { weight: 50, holdMs: 120 * SECOND },
      { weight: 100, holdMs: 0 },
    ],
    deadline: Number.POSITIVE_INFINITY,
    minSamples: 3,
    failureLimit: 0,
    consecutiveErrorLimit: 3,
    scaleDownAfterMs: 30 * SECOND,
    ...over,
  })
  const weights = (writes: ReturnType<typeof projectRelease>) =>
    writes.map((w) => (w.kind === 'set-weight' ? `${w.from ?? 'none'}→${w.to}` : `scale-down+${w.afterMs}`))

  it('writes every step from the router as it is', () => {
    expect(weights(projectRelease(startRecord(0, 0), 0, plan(), 0))).toEqual(['0→10', '10→50', '50→100'])
  })

  it('goes on from the weight the router has, without writing earlier steps again', () => {
    expect(weights(projectRelease(startRecord(0, 50), 50, plan(), 0))).toEqual(['50→100'])
  })

  it('writes nothing for a promote the router already has', () => {
    expect(projectRelease(startRecord(0, 100), 100, plan(), 0)).toEqual([])
  })

  it('creates the router with the first step where there is none', () => {
    expect(weights(projectRelease(startRecord(0, 0), null, plan(), 0))).toEqual(['none→10', '10→50', '50→100'])
  })

  it('an abort puts all traffic on stable, then scales the candidate down after its delay', () => {
    expect(weights(projectRelease(startRecord(0, 50), 50, plan({ abortRequested: 'by hand' }), 0))).toEqual(['50→0', 'scale-down+30000'])
    expect(weights(projectRelease(startRecord(0, 50), 50, plan({ abortRequested: 'by hand', scaleDownAfterMs: undefined }), 0))).toEqual([
      '50→0',
    ])
  })

  it('an abort with nothing in flight writes nothing', () => {
    expect(projectRelease(startRecord(0, 0), 0, plan({ abortRequested: 'by hand' }), 0)).toEqual([])
  })

  it('holds past the deadline end in the abort a real run would make', () => {
    const writes = weights(projectRelease(startRecord(0, 0), 0, plan({ deadline: 90 * SECOND }), 0))
    expect(writes).toEqual(['0→10', '10→50', '50→0', 'scale-down+30000'])
  })
})

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { Redactor } from '../../src/shared/http/redactor.js'
import type { ActionResult } from '../../src/shared/release/context.js'
import { useWorkflowCommands } from '../../src/shared/report/commands.js'
import { writeSummary } from '../../src/shared/report/summary.js'

const SECRET = 'hook-key-0123456789abcdef'
/** a secret of several lines, such as a key given as an input */
const KEY = '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END KEY-----'

// one summary file for the whole file, emptied before each test
const dir = mkdtempSync(join(tmpdir(), 'summary-'))
const file = join(dir, 'summary')

beforeAll(() => {
  process.env.GITHUB_STEP_SUMMARY = file
})

beforeEach(() => {
  writeFileSync(file, '')
})

afterAll(() => {
  delete process.env.GITHUB_STEP_SUMMARY
  rmSync(dir, { recursive: true, force: true })
})

async function render(result: Partial<ActionResult>): Promise<string> {
  const redactor = new Redactor()
  redactor.add(SECRET)
  redactor.add(KEY)
  const full: ActionResult = { title: 'Deployed', outputs: {}, rows: [], notes: [], ...result }
  await writeSummary(full, { phases: [{ name: 'deploy', ms: 1200, ok: true, outcome: 'ok' }], totalMs: 4600 }, redactor)
  return readFileSync(file, 'utf8')
}

describe('the job summary', () => {
  it('makes a URL in a cell a link, redacted and escaped, without the punctuation after it', async () => {
    const html = await render({
      rows: [
        ['Health check', 'passed: 5/5 answered 2xx (https://shop.example.com/health?a=1&b=2)'],
        ['Hook', `https://hooks.example.com/${SECRET}/go, then done`],
      ],
    })
    expect(html).toContain(
      '<td>passed: 5/5 answered 2xx (<a href="https://shop.example.com/health?a=1&amp;b=2">https://shop.example.com/health?a=1&amp;b=2</a>)</td>',
    )
    expect(html).toContain('<td><a href="https://hooks.example.com/***/go">https://hooks.example.com/***/go</a>, then done</td>')
    expect(html).not.toContain(SECRET)
  })

  it('escapes what is not a link: no markup from a platform message gets through', async () => {
    const html = await render({ failure: 'the platform said <script>"x"</script>' })
    expect(html).toContain('<p><strong>Failed:</strong> the platform said &lt;script&gt;&quot;x&quot;&lt;/script&gt;</p>')
  })

  it('gives the total from the start of the run, not the sum of the phases', async () => {
    const html = await render({})
    expect(html).toContain('<tr><td>deploy</td><td>1.2 s</td><td>ok</td></tr>')
    expect(html).toContain('<tr><td>total</td><td>4.6 s</td><td>ok</td></tr>')
  })

  it('has a secret of several lines out of the failure and the log lines, matched whole before they are split', async () => {
    const html = await render({
      title: 'Deploy failed',
      failure: `the service printed ${KEY}`,
      log: ['starting', ...KEY.split('\n'), 'crashed'],
    })
    expect(html).not.toContain('MIIEvQIBADANBgkqhkiG9w0B')
    expect(html).toContain('the service printed ***')
    expect(html).toContain('<pre>starting\n***\ncrashed</pre>')
  })

  it('puts the reason first, and leaves the service log lines to their own block', async () => {
    const html = await render({
      title: 'Deploy failed',
      failure: 'deploy failed: health check failed\nLast log lines of green:\nboom',
      log: ['boom'],
      rows: [['Service', 'green']],
    })
    expect(html.indexOf('<strong>Failed:</strong> deploy failed: health check failed</p>')).toBeLessThan(html.indexOf('<table>'))
    expect(html).toContain('<details><summary>Log lines of the service</summary><pre>boom</pre></details>')
  })
})

describe('the summary in Markdown (the CLI, which writes no workflow command)', () => {
  beforeAll(() => useWorkflowCommands(false))
  afterAll(() => useWorkflowCommands(true))

  it('is headings, GitHub-flavoured tables and lists, with no HTML tag of its own', async () => {
    const markdown = await render({
      title: 'Deploy failed',
      failure: 'deploy failed: health check failed',
      rows: [
        ['Service', 'shop'],
        ['Hook', `https://hooks.example.com/${SECRET}/go`],
      ],
      notes: ['kept the previous version'],
    })
    expect(markdown).toBe(
      [
        '### Deploy failed',
        '',
        '**Failed:** deploy failed: health check failed',
        '',
        '| What | Value |',
        '| --- | --- |',
        '| Service | shop |',
        '| Hook | https://hooks.example.com/***/go |',
        '',
        '| Phase | Duration | Outcome |',
        '| --- | --- | --- |',
        '| deploy | 1.2 s | ok |',
        '| total | 4.6 s | failed |',
        '',
        '- kept the previous version',
        '',
      ].join('\n'),
    )
  })

  it("keeps a cell in its column whatever the platform said, and a log's backticks inside its block", async () => {
    const markdown = await render({
      failure: 'boom',
      rows: [['Said', 'a | b\nc']],
      log: ['```', 'done'],
    })
    expect(markdown).toContain('| Said | a \\| b<br>c |')
    expect(markdown).toContain('Log lines of the service:\n\n````\n```\ndone\n````')
  })

  it('links the run and the commit as Markdown links', async () => {
    const env = { GITHUB_SHA: '0123456789abcdef0123', GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '42' }
    Object.assign(process.env, env)
    try {
      const markdown = await render({})
      expect(markdown).toContain('| Commit | [0123456789ab](https://github.com/acme/shop/commit/0123456789abcdef0123) |')
      expect(markdown).toContain('| Run | https://github.com/acme/shop/actions/runs/42 |')
    } finally {
      for (const name of Object.keys(env)) Reflect.deleteProperty(process.env, name)
    }
  })
})

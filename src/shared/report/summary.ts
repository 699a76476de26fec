import * as core from '@actions/core'
import type { Redactor } from '../http/redactor.js'
import type { ActionResult, PhaseRecord } from '../release/context.js'

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** The job summary: what changed, how long each phase took, and why it failed if it did. */
export async function writeSummary(result: ActionResult, phases: PhaseRecord[], redactor: Redactor): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const clean = (text: string) => escapeHtml(redactor.redact(text))
  const summary = core.summary.addHeading(clean(result.title), 3)
  if (result.failure !== undefined) summary.addRaw(`<p><strong>Failed:</strong> ${clean(result.failure)}</p>`, true)
  summary.addTable([
    [
      { data: 'What', header: true },
      { data: 'Value', header: true },
    ],
    ...[...result.rows, ...deploymentsRow(result)].map(([label, value]) => [clean(label), clean(value)]),
  ])
  if (phases.length > 0) {
    const total = phases.reduce((sum, p) => sum + p.ms, 0)
    summary.addTable([
      [
        { data: 'Phase', header: true },
        { data: 'Duration', header: true },
        { data: 'Outcome', header: true },
      ],
      ...phases.map((p) => [clean(p.name), seconds(p.ms), p.ok ? 'ok' : 'failed']),
      ['total', seconds(total), result.failure ? 'failed' : 'ok'],
    ])
  }
  if (result.notes.length > 0) summary.addList(result.notes.map(clean))
  if (result.log?.length) summary.addDetails('Log lines of the service', `<pre>${result.log.map(clean).join('\n')}</pre>`)
  await summary.write()
}

/**
 * Every summary links the repository's deployments (and the preview's, which are among them);
 * deploy, rollback and preview name their own deployment instead.
 */
function deploymentsRow(result: ActionResult): [string, string][] {
  const repository = process.env.GITHUB_REPOSITORY
  if (!repository || result.rows.some(([label]) => label === 'GitHub deployment')) return []
  return [['GitHub deployments', `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${repository}/deployments`]]
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

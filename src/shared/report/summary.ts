import { appendFile } from 'node:fs/promises'
import type { Redactor } from '../http/redactor.js'
import type { ActionResult, PhaseRecord } from '../release/context.js'
import type { DryRunPlan, PlannedWrite } from '../release/plan.js'

/** How long the run took: each phase, and the whole run from its start (holds and gates included). */
export interface Timing {
  phases: PhaseRecord[]
  totalMs: number
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** An http(s) URL in a text, without the punctuation that may follow it in a sentence. */
const URL_IN_TEXT = /https?:\/\/[^\s<>"']+?(?=[.,;:!?)\]]*(?:\s|$))/g

function link(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`
}

/** The job summary: the reason first on a failure, what changed, who and what ran, how long each phase took. */
export async function writeSummary(result: ActionResult, timing: Timing, redactor: Redactor): Promise<void> {
  const file = process.env.GITHUB_STEP_SUMMARY
  if (!file) return
  // redacted before anything else, so that a link never carries a secret either
  const clean = (text: string) => escapeHtml(redactor.redact(text))
  // inside the HTML tables markdown is not rendered: a URL is a link only as <a href>
  const linked = (text: string) => {
    const redacted = redactor.redact(text)
    let html = ''
    let last = 0
    for (const match of redacted.matchAll(URL_IN_TEXT)) {
      html += escapeHtml(redacted.slice(last, match.index)) + link(match[0], match[0])
      last = match.index + match[0].length
    }
    return html + escapeHtml(redacted.slice(last))
  }
  const html: string[] = [element('h3', clean(result.title))]
  if (result.failure !== undefined) html.push(`<p><strong>Failed:</strong> ${failureText(result, linked)}</p>`)
  html.push(
    table(
      ['What', 'Value'],
      [...[...result.rows, ...deploymentsRow(result)].map(([label, value]) => [clean(label), linked(value)]), ...runRows()],
    ),
  )
  if (result.plan) html.push(...planHtml(result.plan, clean, linked))
  if (timing.phases.length > 0) {
    html.push(
      table(
        ['Phase', 'Duration', 'Outcome'],
        [
          ...timing.phases.map((p) => [clean(p.name), seconds(p.ms), linked(p.outcome)]),
          ['total', seconds(timing.totalMs), result.failure === undefined ? 'ok' : 'failed'],
        ],
      ),
    )
  }
  if (result.notes.length > 0) html.push(element('ul', result.notes.map((note) => element('li', linked(note))).join('')))
  if (result.log?.length) {
    html.push(element('details', element('summary', 'Log lines of the service') + `<pre>${result.log.map(clean).join('\n')}</pre>`))
  }
  // appended, as core.summary.write() does: a step's summary follows the steps' before it
  await appendFile(file, html.map((block) => `${block}\n`).join(''))
}

/** The HTML core.summary writes, without loading @actions/core: the contents are escaped already. */
function element(tag: string, content: string): string {
  return `<${tag}>${content}</${tag}>`
}

function table(header: string[], rows: string[][]): string {
  const cells = (tag: string, row: string[]) => element('tr', row.map((cell) => element(tag, cell)).join(''))
  return element('table', cells('th', header) + rows.map((row) => cells('td', row)).join(''))
}

/** A dry run's plan: its writes in order, then what a failure would write, each with before → after. */
function planHtml(plan: DryRunPlan, clean: (text: string) => string, linked: (text: string) => string): string[] {
  const writes = (list: PlannedWrite[]) =>
    table(
      ['#', 'Write', 'Target', 'Before', 'After', 'Then'],
      // an empty value is shown as a dash, so that no cell of the table is blank
      list.map((w, i) => [
        String(i + 1),
        clean(w.operation),
        clean(w.target),
        linked(w.before || '—'),
        linked(w.after || '—'),
        linked(w.detail || '—'),
      ]),
    )
  const html = [element('h4', 'Plan (dry run): nothing was written')]
  html.push(plan.writes.length === 0 ? '<p>Nothing to do: a real run would make no write.</p>' : writes(plan.writes))
  if (plan.onFailure.length > 0) html.push('<p><strong>On failure</strong>, the run would then write:</p>', writes(plan.onFailure))
  if (plan.notes.length > 0) html.push(element('ul', plan.notes.map((note) => element('li', linked(note))).join('')))
  return html
}

/** The failure's reason; the service's log lines that follow it in the message have their own block. */
function failureText(result: ActionResult, linked: (text: string) => string): string {
  const lines = (result.failure ?? '').split('\n')
  return (result.log?.length ? lines.slice(0, 1) : lines).map(linked).join('<br>')
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

/** The commit, who started the run and the run itself, as HTML, where the runner says them. */
function runRows(): [string, string][] {
  const { GITHUB_SHA: sha, GITHUB_ACTOR: actor, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = process.env
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com'
  const rows: [string, string][] = []
  if (sha) rows.push(['Commit', repository ? link(`${server}/${repository}/commit/${sha}`, sha.slice(0, 12)) : escapeHtml(sha)])
  if (actor) rows.push(['Actor', escapeHtml(actor)])
  if (repository && runId) {
    const url = `${server}/${repository}/actions/runs/${runId}`
    rows.push(['Run', link(url, url)])
  }
  return rows
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

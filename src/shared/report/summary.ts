import { appendFile } from 'node:fs/promises'
import type { Redactor } from '../http/redactor.js'
import type { ActionResult, PhaseRecord } from '../release/context.js'
import type { DryRunPlan, PlannedWrite } from '../release/plan.js'
import { underTheRunner } from './commands.js'

/** How long the run took: each phase, and the whole run from its start (holds and gates included). */
export interface Timing {
  phases: PhaseRecord[]
  totalMs: number
}

/** A piece of text, redacted already; shown as a link to `href` where it has one. */
interface Text {
  text: string
  href?: string
}

/** The summary as blocks, rendered as HTML for the runner's job summary or Markdown for the CLI. */
type Block =
  | { kind: 'heading'; level: 3 | 4; text: string }
  | { kind: 'paragraph'; lead?: string; lines: string[] }
  | { kind: 'table'; header: string[]; rows: (string | Text)[][] }
  | { kind: 'list'; items: string[] }
  | { kind: 'log'; title: string; lines: string[] }

/** The job summary: the reason first on a failure, what changed, who and what ran, how long each phase took. */
export async function writeSummary(result: ActionResult, timing: Timing, redactor: Redactor): Promise<void> {
  const file = process.env.GITHUB_STEP_SUMMARY
  if (!file) return
  // redacted before anything else, so that a link never carries a secret either
  const clean = (text: string) => redactor.redact(text)
  const blocks: Block[] = [{ kind: 'heading', level: 3, text: clean(result.title) }]
  if (result.failure !== undefined) blocks.push({ kind: 'paragraph', lead: 'Failed:', lines: failureLines(result, clean) })
  blocks.push({
    kind: 'table',
    header: ['What', 'Value'],
    rows: [...[...result.rows, ...deploymentsRow(result)].map(([label, value]) => [clean(label), clean(value)]), ...runRows()],
  })
  if (result.plan) blocks.push(...planBlocks(result.plan, clean))
  if (timing.phases.length > 0) {
    blocks.push({
      kind: 'table',
      header: ['Phase', 'Duration', 'Outcome'],
      rows: [
        ...timing.phases.map((p) => [clean(p.name), seconds(p.ms), clean(p.outcome)]),
        ['total', seconds(timing.totalMs), result.failure === undefined ? 'ok' : 'failed'],
      ],
    })
  }
  if (result.notes.length > 0) blocks.push({ kind: 'list', items: result.notes.map(clean) })
  // redacted whole, then split: a secret of several lines (a key, a certificate) is matched only whole
  if (result.log?.length) blocks.push({ kind: 'log', title: 'Log lines of the service', lines: clean(result.log.join('\n')).split('\n') })
  // HTML, as core.summary writes it, for the runner to render; Markdown for the paas-release CLI,
  // whose summary is read in a terminal or a CI log where HTML tags would be noise
  const html = underTheRunner()
  const render = html ? htmlBlock : markdownBlock
  // appended, as core.summary.write() does: a step's summary follows the steps' before it
  await appendFile(file, blocks.map((block) => `${render(block)}\n`).join(html ? '' : '\n'))
}

/** A dry run's plan: its writes in order, then what a failure would write, each with before → after. */
function planBlocks(plan: DryRunPlan, clean: (text: string) => string): Block[] {
  const writes = (list: PlannedWrite[]): Block => ({
    kind: 'table',
    header: ['#', 'Write', 'Target', 'Before', 'After', 'Then'],
    // an empty value is shown as a dash, so that no cell of the table is blank
    rows: list.map((w, i) => [
      String(i + 1),
      clean(w.operation),
      clean(w.target),
      ...[w.before, w.after, w.detail].map((v) => clean(v || '—')),
    ]),
  })
  const blocks: Block[] = [{ kind: 'heading', level: 4, text: 'Plan (dry run): nothing was written' }]
  blocks.push(
    plan.writes.length === 0 ? { kind: 'paragraph', lines: ['Nothing to do: a real run would make no write.'] } : writes(plan.writes),
  )
  if (plan.onFailure.length > 0) {
    blocks.push({ kind: 'paragraph', lead: 'On failure', lines: [', the run would then write:'] }, writes(plan.onFailure))
  }
  if (plan.notes.length > 0) blocks.push({ kind: 'list', items: plan.notes.map(clean) })
  return blocks
}

/** The failure's reason, redacted whole; the service's log lines that follow it in the message have their own block. */
function failureLines(result: ActionResult, clean: (text: string) => string): string[] {
  const lines = clean(result.failure ?? '').split('\n')
  return result.log?.length ? lines.slice(0, 1) : lines
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

/** The commit, who started the run and the run itself, where the runner says them. */
function runRows(): (string | Text)[][] {
  const { GITHUB_SHA: sha, GITHUB_ACTOR: actor, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = process.env
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com'
  const rows: (string | Text)[][] = []
  if (sha) rows.push(['Commit', repository ? { text: sha.slice(0, 12), href: `${server}/${repository}/commit/${sha}` } : sha])
  if (actor) rows.push(['Actor', actor])
  if (repository && runId) {
    const url = `${server}/${repository}/actions/runs/${runId}`
    rows.push(['Run', { text: url, href: url }])
  }
  return rows
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

// ---- HTML, as core.summary writes it (without loading @actions/core)

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** An http(s) URL in a text, without the punctuation that may follow it in a sentence. */
const URL_IN_TEXT = /https?:\/\/[^\s<>"']+?(?=[.,;:!?)\]]*(?:\s|$))/g

function link(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`
}

/** Inside the HTML tables markdown is not rendered: a URL in a text is a link only as <a href>. */
function linkedHtml(piece: string | Text): string {
  if (typeof piece !== 'string') return piece.href === undefined ? escapeHtml(piece.text) : link(piece.href, piece.text)
  let html = ''
  let last = 0
  for (const match of piece.matchAll(URL_IN_TEXT)) {
    html += escapeHtml(piece.slice(last, match.index)) + link(match[0], match[0])
    last = match.index + match[0].length
  }
  return html + escapeHtml(piece.slice(last))
}

function element(tag: string, content: string): string {
  return `<${tag}>${content}</${tag}>`
}

function htmlBlock(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return element(`h${block.level}`, escapeHtml(block.text))
    case 'paragraph': {
      const text = block.lines.map(linkedHtml).join('<br>')
      return element(
        'p',
        block.lead === undefined ? text : `<strong>${escapeHtml(block.lead)}</strong>${text.startsWith(',') ? '' : ' '}${text}`,
      )
    }
    case 'table': {
      const cells = (tag: string, row: (string | Text)[]) =>
        element('tr', row.map((cell) => element(tag, tag === 'th' ? escapeHtml(String(cell)) : linkedHtml(cell))).join(''))
      return element('table', cells('th', block.header) + block.rows.map((row) => cells('td', row)).join(''))
    }
    case 'list':
      return element('ul', block.items.map((item) => element('li', linkedHtml(item))).join(''))
    case 'log':
      return element('details', element('summary', escapeHtml(block.title)) + `<pre>${block.lines.map(escapeHtml).join('\n')}</pre>`)
  }
}

// ---- Markdown (GitHub-flavoured), for the CLI

/** A table cell: one line, its pipes escaped; a bare URL is a link in GFM as it stands. */
function cellMarkdown(piece: string | Text): string {
  const text =
    typeof piece === 'string'
      ? piece
      : piece.href === undefined || piece.href === piece.text
        ? piece.text
        : `[${piece.text}](${piece.href})`
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>')
}

function markdownBlock(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(block.level)} ${block.text.replace(/\n/g, ' ')}`
    case 'paragraph': {
      const text = block.lines.join('  \n')
      return block.lead === undefined ? text : `**${block.lead}**${text.startsWith(',') ? '' : ' '}${text}`
    }
    case 'table':
      return [block.header, block.header.map(() => '---'), ...block.rows]
        .map((row) => `| ${row.map(cellMarkdown).join(' | ')} |`)
        .join('\n')
    case 'list':
      return block.items.map((item) => `- ${item.replace(/\n/g, '\n  ')}`).join('\n')
    case 'log': {
      // a fence longer than any run of backticks in the lines, so that none ends it early
      const longest = Math.max(2, ...block.lines.map((line) => Math.max(0, ...[...line.matchAll(/`+/g)].map((m) => m[0].length))))
      const fence = '`'.repeat(longest + 1)
      return `${block.title}:\n\n${fence}\n${block.lines.join('\n')}\n${fence}`
    }
  }
}

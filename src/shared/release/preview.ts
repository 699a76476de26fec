import type { GitHubApi } from '../github/api.js'
import { WRITE_FLOOR_MS } from '../http/client.js'
import { secrets } from '../http/secrets.js'
import type { DeployInputs } from '../inputs/deploy.js'
import { carriesNumber, type PreviewInputs, previewName } from '../inputs/preview.js'
import { type Operation, PlatformError, type ServiceRef } from '../platforms/platform.js'
import type { ActionResult, ReleaseContext } from './context.js'
import { deploy } from './deploy.js'
import { type DryRunPlan, newPlan, planned } from './plan.js'
import { waitOn } from './rollout.js'
import type { WaitResult } from './waiter.js'

/** The hidden line that makes the preview comment one sticky comment per pull request. */
const MARKER = '<!-- paas-release-actions:preview -->'

/**
 * A pull request's own environment. `up` creates or updates its service (named from the template
 * with the PR number) and waits; `down` removes it; `sweep` removes the previews whose PR is
 * closed or that are older than `ttl`, as the `pr-*` GitHub deployments list them. The PR's one
 * sticky comment and its deployment follow each change.
 */
export async function preview(ctx: ReleaseContext, inputs: PreviewInputs): Promise<ActionResult> {
  if (inputs.command === 'sweep') return sweep(ctx, inputs)
  const pr = inputs.pr as number
  const service = previewName(inputs.template, pr)
  return inputs.command === 'up' ? up(ctx, inputs, pr, service) : down(ctx, inputs, pr, service)
}

async function up(ctx: ReleaseContext, inputs: PreviewInputs, pr: number, service: string): Promise<ActionResult> {
  const deployInputs: DeployInputs = {
    ...inputs,
    service,
    image: inputs.image as string,
    wait: true,
    rollbackOnFailure: true,
    ...(ctx.platform.capabilities.create && { create: inputs.create }),
  }
  let result: ActionResult
  try {
    result = await deploy(ctx, deployInputs)
  } catch (error) {
    // a deploy refused or cut short still says so on the PR: the comment must not go on saying "is up"
    if (!ctx.dryRun) await stickyComment(ctx, pr, upComment(ctx, inputs, pr, service, { failure: (error as Error).message }))
    throw error
  }
  if (result.plan) {
    result.plan.action = 'preview'
    if (ctx.deployments?.api) {
      const deployment = result.plan.writes.find((write) => write.operation === 'GitHub deployment')
      if (deployment) deployment.target = `pr-${pr}`
    }
    await planComment(ctx, result.plan, pr, 'the preview, its URL and status')
    return withPreview(result, service, result.outputs.url ?? '', undefined)
  }
  const url = result.outputs.url ?? ''
  const comment = await stickyComment(
    ctx,
    pr,
    upComment(ctx, inputs, pr, service, { url, image: result.outputs.image, ...(result.failure && { failure: result.failure }) }),
  )
  return withPreview(result, service, url, comment)
}

/** The longest failure the PR comment shows; the run's log has the rest. */
const COMMENT_FAILURE_CHARS = 300

/**
 * A failure as the PR comment's table shows it: its first line, cut short. Redacted whole before
 * the cut, with every secret the run knows by now: a secret across the cut would leave a part
 * that the redaction at the GitHub boundary no longer matches.
 */
export function commentFailure(failure: string): string {
  const first = (secrets.redact(failure).split('\n')[0] ?? '').replaceAll('|', '\\|')
  return first.length > COMMENT_FAILURE_CHARS ? `${first.slice(0, COMMENT_FAILURE_CHARS)}…` : first
}

/**
 * The sticky comment of an `up`. A failure shows only its first line, cut short: the service's
 * own log lines that follow it in the step's error stay in the run (a PR is read by more people
 * than the run's log, and app output can hold what it should not).
 */
function upComment(
  ctx: ReleaseContext,
  inputs: PreviewInputs,
  pr: number,
  service: string,
  shown: { url?: string; image?: string | undefined; failure?: string },
): string {
  const failure = shown.failure === undefined ? undefined : commentFailure(shown.failure)
  return [
    `**Preview of #${pr}** ${failure === undefined ? 'is up' : 'failed'}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Service | \`${service}\` on ${ctx.platform.name} |`,
    `| URL | ${shown.url || 'the platform gives none'} |`,
    `| Image | \`${shown.image ?? inputs.image}\` |`,
    `| Commit | ${inputs.github.sha.slice(0, 7) || '?'} |`,
    `| Status | ${failure === undefined ? 'running' : `failed: ${failure}${inputs.github.runUrl ? ' (the run has the rest)' : ''}`} |`,
    ...(inputs.github.runUrl ? [`| Run | ${inputs.github.runUrl} |`] : []),
  ].join('\n')
}

async function down(ctx: ReleaseContext, inputs: PreviewInputs, pr: number, service: string): Promise<ActionResult> {
  if (ctx.dryRun) {
    const plan = newPlan('preview', ctx.platform.name)
    const exists = await ctx.phase(`remove ${service}`, () =>
      removeService(ctx, previewRef(inputs, service), ownGroup(inputs.template, pr), { plan, reason: `#${pr} is closed` }),
    )
    if (ctx.deployments?.api)
      plan.writes.push({ operation: 'GitHub deployment status', target: `pr-${pr}`, before: 'active', after: 'inactive' })
    await planComment(ctx, plan, pr, 'the preview was removed')
    const rows: [string, string][] = [
      ['Platform', ctx.platform.name],
      ['Service', service],
      ['Removed', exists ? 'would be' : 'nothing to remove'],
    ]
    return withPreview(await planned(ctx, plan, {}, rows), service, '', undefined)
  }
  const removed = await ctx.phase(`remove ${service}`, () => removeService(ctx, previewRef(inputs, service), ownGroup(inputs.template, pr)))
  const ledger = ctx.deployments
  if (ledger?.api) await ctx.phase('GitHub deployment status', () => ledger.deactivate(`pr-${pr}`, 'the preview was removed'))
  const comment = await stickyComment(
    ctx,
    pr,
    `**Preview of #${pr}** was removed: the pull request was closed.\n\nService \`${service}\` on ${ctx.platform.name}: ${removed ? 'deleted' : 'already gone'}.`,
  )
  return withPreview(
    {
      title: removed ? `Removed the preview of #${pr}` : `The preview of #${pr} was already gone`,
      outputs: {},
      rows: [
        ['Platform', ctx.platform.name],
        ['Service', service],
        ['Removed', removed ? 'yes' : 'nothing to remove'],
      ],
      notes: [],
    },
    service,
    '',
    comment,
  )
}

/**
 * Every active `pr-<n>` deployment on this platform: removed when its PR is closed or it is older
 * than `ttl`. A service whose name does not carry its PR number is never touched.
 */
async function sweep(ctx: ReleaseContext, inputs: PreviewInputs): Promise<ActionResult> {
  const ledger = ctx.deployments
  const api = ledger?.api
  if (!ledger || !api) throw new PlatformError(ctx.platform.name, 'sweep', 'previews', 'sweep needs a github-token')
  const previews = await ctx.phase('read the previews', () => ledger.activePreviews())
  // the previews left alone, and why, are said in a group of their own
  ctx.section('previews kept')
  const removed: { pr: number; service: string; reason: string }[] = []
  const kept: string[] = []
  /** the previews whose removal failed, with why, by their place in the sweep: it goes on, and fails at the end */
  const failures: { at: number; text: string }[] = []
  // a dry run lists and reads the pull requests as a real sweep does, and plans its removals
  const plan = ctx.dryRun ? newPlan('preview', ctx.platform.name) : undefined
  type Due = { found: (typeof previews)[number]; reason: string }
  const due: Due[] = []
  /** the removals not done within their share of the time (`first`: how that wait ended): waited for again once the others are done */
  const later: (Due & { at: number; removal: Removal; first: WaitResult })[] = []
  // one preview that cannot be removed does not keep the sweep from the others
  const notRemoved = (at: number, found: Due['found'], error: unknown) => {
    if (ctx.signal.aborted) throw error
    ctx.log.warning(`${found.service} (#${found.pr}) could not be removed: ${(error as Error).message}`)
    failures.push({ at, text: `${found.service} (#${found.pr}): ${(error as Error).message}` })
  }
  const removedBySweep = async (found: Due['found'], reason: string) => {
    await ctx.phase(`GitHub deployment status of #${found.pr}`, () =>
      ledger.deactivate(`pr-${found.pr}`, `removed by the sweep: ${reason}`),
    )
    await stickyComment(ctx, found.pr, `**Preview of #${found.pr}** was removed by the sweep: ${reason}.`)
    removed.push({ pr: found.pr, service: found.service, reason })
  }
  for (const found of previews.filter((p) => p.platform === ctx.platform.name)) {
    if (!carriesNumber(found.service, found.pr)) {
      ctx.log.warning(`${found.service} is recorded for #${found.pr} but its name does not carry the number: left alone`)
      continue
    }
    const state = await api.getPull(found.pr).then(
      (pull) => pull.state,
      (error: Error) => {
        ctx.log.warning(`${found.service} kept: the state of #${found.pr} could not be read from GitHub (${error.message})`)
        return undefined
      },
    )
    if (state === undefined) {
      kept.push(`${found.service} (#${found.pr}, unread)`)
      continue
    }
    const old = Date.now() - found.createdAt > inputs.ttlMs
    if (state === 'open' && !old) {
      kept.push(`${found.service} (#${found.pr})`)
      continue
    }
    due.push({ found, reason: state !== 'open' ? `#${found.pr} is ${state}` : `older than ${Math.round(inputs.ttlMs / 3_600_000)}h` })
  }
  for (const [i, { found, reason }] of due.entries()) {
    if (plan) {
      await ctx.phase(`remove ${found.service}`, () =>
        removeService(ctx, previewRef(inputs, found.service), ownGroup(inputs.template, found.pr), { plan, reason }),
      )
      plan.writes.push({ operation: 'GitHub deployment status', target: `pr-${found.pr}`, before: 'active', after: 'inactive' })
      await planComment(ctx, plan, found.pr, `removed by the sweep: ${reason}`)
      removed.push({ pr: found.pr, service: found.service, reason })
      continue
    }
    // a call cut at the deadline (the one deadline bounds every request) leaves none for the rest:
    // they are said, not tried; nor with less left than a removal's write may be sent with
    if (ctx.deadline.remainingMs() < WRITE_FLOOR_MS) {
      failures.push({ at: i, text: `${found.service} (#${found.pr}): not reached before the deadline` })
      continue
    }
    // each removal's wait ends with an even share of the time left: one that never ends leaves time
    // for the rest (its requests are bounded by their attempts and the one deadline, not by the share)
    const own = { ...ctx, deadline: ctx.deadline.share(due.length - i) }
    // the last one's share ends with the action's deadline: only a share that ends before it can be waited for again
    const shareEndsFirst = own.deadline.epochMs < ctx.deadline.epochMs
    try {
      const unfinished = await ctx.phase(
        `remove ${found.service}`,
        async () => {
          const removal = await startRemoval(own, previewRef(inputs, found.service), ownGroup(inputs.template, found.pr))
          if (typeof removal === 'boolean') return undefined
          const result = await waitOn(own, removal.operation)
          if (result.status === 'timed out' && shareEndsFirst) {
            ctx.log.info(`${found.service}: not gone within its share of the time; waited for again once the others are done`)
            return { removal, first: result }
          }
          settleRemoval(own, removal, result)
          return undefined
        },
        (unfinished) => (unfinished ? { ok: true, outcome: 'not done yet: waited for again later' } : { ok: true, outcome: 'ok' }),
      )
      if (unfinished) {
        later.push({ found, reason, at: i, ...unfinished })
        continue
      }
    } catch (error) {
      notRemoved(i, found, error)
      continue
    }
    await removedBySweep(found, reason)
  }
  // the removals whose share ran out: read again at once (never sent again), each with its share of
  // what is left; none left, the first wait's end stands, with the platform's last state
  for (const [j, { found, reason, at, removal, first }] of later.entries()) {
    const own = { ...ctx, deadline: ctx.deadline.share(later.length - j) }
    try {
      await ctx.phase(`remove ${found.service}, waited for again`, async () => {
        const again = own.deadline.remainingMs() === 0 ? first : await waitOn(own, removal.operation, { resumed: true })
        settleRemoval(own, removal, again)
      })
    } catch (error) {
      notRemoved(at, found, error)
      continue
    }
    await removedBySweep(found, reason)
  }
  const failed = failures.sort((a, b) => a.at - b.at).map((failure) => failure.text)
  if (plan) {
    if (kept.length > 0) plan.notes.push(`Kept: ${kept.join(', ')}.`)
    return planned(ctx, plan, { removed: '[]', service: '', 'service-id': '', url: '', 'comment-id': '' }, [
      ['Platform', ctx.platform.name],
      ['Would remove', removed.map((r) => `${r.service} (${r.reason})`).join(', ') || 'none'],
      ['Kept', kept.join(', ') || 'none'],
    ])
  }
  return {
    title: `Sweep: ${removed.length} preview(s) removed, ${kept.length} kept${failed.length > 0 ? `, ${failed.length} not removed` : ''}`,
    outputs: { removed: JSON.stringify(removed), service: '', 'service-id': '', url: '', 'comment-id': '' },
    rows: [
      ['Platform', ctx.platform.name],
      ...removed.map((r): [string, string] => [`Removed ${r.service}`, r.reason]),
      ['Kept', kept.join(', ') || 'none'],
      ...(failed.length > 0 ? ([['Not removed', failed.join('; ')]] as [string, string][]) : []),
    ],
    notes: [],
    ...(failed.length > 0 && {
      failure: `${ctx.platform.name}: sweep of the previews failed: ${failed.length} could not be removed: ${failed.join('; ')}`,
    }),
  }
}

function previewRef(inputs: PreviewInputs, service: string): ServiceRef {
  return {
    service,
    ...(inputs.project && { project: inputs.project }),
    ...(inputs.application && { application: inputs.application }),
    nodeGroup: inputs.nodeGroup,
  }
}

/** The PR comment a real run would write: it looks for the sticky one (a read), and plans an update of it or a new one. */
async function planComment(ctx: ReleaseContext, plan: DryRunPlan, pr: number, what: string): Promise<void> {
  const api = ctx.deployments?.api
  if (!api) {
    plan.notes.push('No PR comment would be written: no "github-token".')
    return
  }
  const existing = await ctx.phase('PR comment', () =>
    api
      .findComment(pr, (comment) => comment.body?.includes(MARKER) ?? false)
      .catch((error: Error) => {
        ctx.log.warning(`the PR comment could not be looked up: ${error.message}`)
        return null
      }),
  )
  plan.writes.push({
    operation: existing ? 'update PR comment' : 'PR comment',
    target: `#${pr}`,
    before: existing ? `comment ${existing.id}` : 'none',
    after: what,
  })
}

/**
 * The PR's own group (a Rancher stack made from `create-spec`'s compose file): where the template's
 * group part holds `{pr}` itself (`pr-{pr}/web`), the group it names for this PR. A group the
 * template names outright (`team1/web-{pr}`) is shared by every PR: undefined, only the service goes.
 */
function ownGroup(template: string, pr: number): string | undefined {
  const [group, service] = template.split('/')
  return service !== undefined && group?.includes('{pr}') ? previewName(group, pr) : undefined
}

/** A removal sent: the operation to wait for, and the line to log once it is done. */
interface Removal {
  ref: ServiceRef
  operation: Operation
  done: string
}

/**
 * Removes the service and waits until it is gone; false when there was none. A service in the
 * PR's own group (`own`) goes with the whole group, every service in it. In a dry run (`dry`),
 * the removal goes into the plan instead.
 */
async function removeService(
  ctx: ReleaseContext,
  ref: ServiceRef,
  own: string | undefined,
  dry?: { plan: DryRunPlan; reason: string },
): Promise<boolean> {
  const removal = await startRemoval(ctx, ref, own, dry)
  if (typeof removal === 'boolean') return removal
  settleRemoval(ctx, removal, await waitOn(ctx, removal.operation))
  return true
}

/** Sends the removal (or plans it, `dry`: true): the removal to wait for; false when there is nothing to remove. */
async function startRemoval(
  ctx: ReleaseContext,
  ref: ServiceRef,
  own: string | undefined,
  dry?: { plan: DryRunPlan; reason: string },
): Promise<Removal | boolean> {
  const [group] = ref.service.split('/')
  const removeGroup = ctx.platform.removeGroup
  // the service recorded must sit in that group: the ledger's name, not only the template's, decides
  if (removeGroup && own !== undefined && group === own && ref.service.includes('/')) {
    if (dry) {
      const found = await ctx.platform.describe(ref)
      const before = found ? `${found.image} (${found.status})` : `${ref.service} not found`
      dry.plan.writes.push({
        operation: 'remove',
        target: `stack ${group}`,
        before,
        after: 'removed, with every service in it',
        detail: `${dry.reason}; waits until it is gone`,
      })
      return true
    }
    const operation = await removeGroup.call(ctx.platform, ref)
    if (operation === null) {
      ctx.log.info(`${group}: not found; nothing to remove`)
      return false
    }
    return { ref, operation, done: `${group}: removed, with every service in it` }
  }
  const state = await ctx.platform.describe(ref)
  if (state === null) {
    ctx.log.info(`${ref.service}: not found; nothing to remove`)
    dry?.plan.notes.push(`${ref.service} does not exist: nothing to remove.`)
    return false
  }
  if (dry) {
    const detail = `${dry.reason}; waits until it is gone`
    dry.plan.writes.push({ operation: 'remove', target: ref.service, before: `${state.image} (${state.status})`, after: 'removed', detail })
    return true
  }
  return { ref, operation: await ctx.platform.remove(ref), done: `${ref.service}: ${state.image} → removed` }
}

/** How a removal's wait ended: its line in the log when it succeeded; thrown otherwise. */
function settleRemoval(ctx: ReleaseContext, removal: Removal, result: WaitResult): void {
  if (result.status !== 'succeeded') {
    throw new PlatformError(
      ctx.platform.name,
      'remove',
      removal.ref.service,
      `operation ${removal.operation.id} ${result.status}; last state: ${result.detail}`,
    )
  }
  ctx.log.info(removal.done)
}

/** The PR's preview comment, in its own phase: written, skipped without a token, or not written (a warning). */
async function stickyComment(ctx: ReleaseContext, pr: number, text: string): Promise<{ id: number; url?: string } | undefined> {
  // the comment says how the preview ended: a report, which may take the grace past the deadline
  const api: GitHubApi | undefined = ctx.deployments?.reportApi
  return ctx.phase(
    'PR comment',
    () => {
      if (api) return writeComment(ctx, api, pr, text)
      ctx.log.info('PR comment skipped: no "github-token"')
      return Promise.resolve(undefined)
    },
    (comment) => ({ ok: true, outcome: !api ? 'skipped' : comment ? 'ok' : 'not written' }),
  )
}

/** Posts the PR's preview comment, or updates the one there is: never a second one. */
async function writeComment(
  ctx: ReleaseContext,
  api: GitHubApi,
  pr: number,
  text: string,
): Promise<{ id: number; url?: string } | undefined> {
  const body = `${MARKER}\n${text}`
  try {
    const existing = await api.findComment(pr, (comment) => comment.body?.includes(MARKER) ?? false)
    const comment = existing ? await api.updateComment(existing.id, body) : await api.createComment(pr, body)
    return { id: comment.id, ...(comment.html_url && { url: comment.html_url }) }
  } catch (error) {
    ctx.log.warning(`PR comment not written: ${(error as Error).message}`)
    return undefined
  }
}

function withPreview(result: ActionResult, service: string, url: string, comment: { id: number; url?: string } | undefined): ActionResult {
  return {
    ...result,
    outputs: { ...result.outputs, service, url, 'comment-id': comment ? String(comment.id) : '', removed: '' },
    rows: [...result.rows, ['PR comment', comment ? (comment.url ?? `#${comment.id}`) : 'not written']],
  }
}

import { createHash } from 'node:crypto'
import type { StoredRecord } from './platform.js'

/**
 * The release record as one key/value label, for a platform whose only free field on the router
 * is a short label (ServiceStage application labels: key 1–36 characters of letters, digits, '_'
 * and '-'; value 1–43 of those and '.'; at most 20 labels, platforms.md 2.2 / servicestage_06_0069).
 * What fits is the claim and the clock: the release's digest, the phase, the step, the weight and
 * the times to the second. The sides are the router's own (stable/candidate read back as the
 * reader's), and the images are left out.
 */
export interface Label {
  key: string
  value: string
}

export const MAX_LABELS = 20
const MAX_KEY = 36
const MAX_VALUE = 43
const KEY_PREFIX = 'paas-release-'

const PHASE_CODES: Record<string, string> = {
  progressing: 'p',
  promoted: 'd',
  paused: 'h',
  aborting: 'a',
  aborted: 'x',
  // action-rollback on the router
  'rolled-back': 'r',
}
const CODE_PHASES = Object.fromEntries(Object.entries(PHASE_CODES).map(([phase, code]) => [code, phase]))

/** A release that can only be kept as a digest reads back as `digest:<hex>` (see sameRelease). */
export function releaseDigest(releaseId: string): string {
  return createHash('sha256').update(releaseId).digest('hex').slice(0, 12)
}

/** The label's key: the router's name where it fits the key's grammar, else a digest of it. */
export function recordLabelKey(router: string): string {
  const plain = `${KEY_PREFIX}${router}`
  return plain.length <= MAX_KEY && /^[A-Za-z0-9_-]+$/.test(router)
    ? plain
    : `${KEY_PREFIX}${createHash('sha256')
        .update(router)
        .digest('hex')
        .slice(0, MAX_KEY - KEY_PREFIX.length)}`
}

function seconds(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000).toString(36)
}

function iso(base36: string | undefined): string | undefined {
  if (base36 === undefined || !/^[0-9a-z]{1,8}$/.test(base36)) return undefined
  return new Date(parseInt(base36, 36) * 1000).toISOString()
}

export function recordLabelValue(record: StoredRecord): string {
  const phase = PHASE_CODES[record.phase]
  const started = seconds(record.startedAt)
  const updated = seconds(record.updatedAt)
  if (phase === undefined || started === undefined || updated === undefined)
    throw new Error(`a release record with phase "${record.phase}" and these times cannot be kept as a label`)
  const reached = seconds(record.stepReachedAt)
  const value = [releaseDigest(record.release), phase, record.step, record.weight, started, updated, ...(reached ? [reached] : [])].join(
    '.',
  )
  if (value.length > MAX_VALUE) throw new Error(`the release record is ${value.length} characters as a label; a label holds ${MAX_VALUE}`)
  return value
}

/** The record of `router` among the labels, or null (none, or not one of ours). */
export function recordFromLabels(
  labels: readonly Label[] | undefined,
  router: { router: string; blue: string; green: string },
): StoredRecord | null {
  const value = labels?.find((label) => label.key === recordLabelKey(router.router))?.value
  const parts = value?.split('.') ?? []
  const [digest, code, step, weight, started, updated, reached] = parts
  const phase = code === undefined ? undefined : CODE_PHASES[code]
  const startedAt = iso(started)
  const updatedAt = iso(updated)
  const stepReachedAt = iso(reached)
  if (
    !/^[0-9a-f]{12}$/.test(digest ?? '') ||
    phase === undefined ||
    !/^\d{1,3}$/.test(step ?? '') ||
    !/^\d{1,3}$/.test(weight ?? '') ||
    startedAt === undefined ||
    updatedAt === undefined ||
    (reached !== undefined && stepReachedAt === undefined)
  )
    return null
  return {
    release: `digest:${digest}`,
    stable: router.blue,
    candidate: router.green,
    phase,
    step: Number(step),
    weight: Number(weight),
    startedAt,
    updatedAt,
    ...(stepReachedAt !== undefined && { stepReachedAt }),
  }
}

/** The labels with the router's record put in (the user's own labels kept as they are). */
export function labelsWithRecord(labels: readonly Label[] | undefined, router: string, record: StoredRecord): Label[] {
  const key = recordLabelKey(router)
  const own = (labels ?? []).filter((label) => label.key !== key)
  if (own.length >= MAX_LABELS)
    throw new Error(`the application has ${own.length} labels already, the most it takes: there is no room for the release record (${key})`)
  return [...own, { key, value: recordLabelValue(record) }]
}

/** Whether a stored record is this release's: by its id, or by its digest where only that is kept. */
export function sameRelease(stored: string, releaseId: string): boolean {
  return stored === releaseId || stored === `digest:${releaseDigest(releaseId)}`
}

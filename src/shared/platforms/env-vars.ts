/**
 * A deploy's environment variables and its provenance, as the release and the adapters share
 * them (the inputs read them, the adapters write them): pure, no I/O.
 */

/** `merge`: the given variables are added or set, the others kept; `replace`: the service keeps only the given ones. */
export type EnvUpdate = 'merge' | 'replace'

export interface EnvChange {
  vars: Readonly<Record<string, string>>
  update: EnvUpdate
  /**
   * With replace: names to leave as they are though not given. A rollback's restore knows them
   * from before the deploy (the service state's `envKept`); left out, the adapter works them out.
   */
  kept?: readonly string[]
}

/** Where a deploy came from: each field only when known. */
export interface Provenance {
  commit?: string
  repository?: string
  runUrl?: string
  actor?: string
}

/** The prefix of the variables provenance is written as; env-vars may not use it. */
export const PROVENANCE_PREFIX = 'PAAS_RELEASE_'

/** A valid variable name on every platform: a letter or `_`, then letters, digits and `_`. */
export const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * Keys no deploy compares, writes or removes of its own accord: the provenance variables, and
 * the ones the platform sets itself (`__DEFAULT_DOMAIN_NAME__` on Alauda).
 */
export function isManagedElsewhere(key: string): boolean {
  return key.startsWith(PROVENANCE_PREFIX) || /^__\w+__$/.test(key)
}

/** Provenance as `PAAS_RELEASE_*` variables, for platforms that keep no labels or properties. */
export function provenanceVariables(provenance: Provenance | undefined): Record<string, string> {
  if (!provenance) return {}
  const entries: [string, string | undefined][] = [
    ['COMMIT', provenance.commit],
    ['REPOSITORY', provenance.repository],
    ['RUN_URL', provenance.runUrl],
    ['ACTOR', provenance.actor],
  ]
  return Object.fromEntries(entries.filter(([, value]) => value).map(([key, value]) => [`${PROVENANCE_PREFIX}${key}`, value as string]))
}

/** What a change does to the variables the service has: the names only, never the values. */
export interface EnvDiff {
  added: string[]
  changed: string[]
  removed: string[]
}

/** `kept`: names a replace leaves alone (`ServiceState.envKept`: Jelastic's image variables and the like). */
export function envDiff(current: Readonly<Record<string, string>>, change: EnvChange, kept: readonly string[] = []): EnvDiff {
  const added: string[] = []
  const changed: string[] = []
  for (const [key, value] of Object.entries(change.vars)) {
    if (!Object.hasOwn(current, key)) added.push(key)
    else if (current[key] !== value) changed.push(key)
  }
  const removed =
    change.update === 'replace'
      ? Object.keys(current).filter((key) => !Object.hasOwn(change.vars, key) && !isManagedElsewhere(key) && !kept.includes(key))
      : []
  return { added: added.sort(), changed: changed.sort(), removed: removed.sort() }
}

export function hasChanges(diff: EnvDiff): boolean {
  return diff.added.length + diff.changed.length + diff.removed.length > 0
}

/** The diff in one line for the summary: names only. */
export function describeDiff(diff: EnvDiff, total: number): string {
  if (!hasChanges(diff)) return `unchanged (${total} given)`
  const parts = [
    diff.added.length > 0 && `added ${diff.added.join(', ')}`,
    diff.changed.length > 0 && `changed ${diff.changed.join(', ')}`,
    diff.removed.length > 0 && `removed ${diff.removed.join(', ')}`,
  ].filter(Boolean)
  return parts.join('; ')
}

/**
 * The whole set of variables a platform that takes them as one map must be sent: the current
 * ones with the change applied (replace keeps only the platform's own, the change's `kept` and,
 * with `extra`, the provenance), then `extra` on top. No change and no extra: the current set as it is.
 */
export function nextEnv(
  current: Readonly<Record<string, string>>,
  change: EnvChange | undefined,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const keeps = (key: string) => (isManagedElsewhere(key) && !key.startsWith(PROVENANCE_PREFIX)) || (change?.kept ?? []).includes(key)
  const kept = change?.update === 'replace' ? Object.fromEntries(Object.entries(current).filter(([key]) => keeps(key))) : { ...current }
  return { ...kept, ...(change?.vars ?? {}), ...extra }
}

/** Whether two variable maps hold the same names and values. */
export function sameEnv(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key])
}

/**
 * `nextEnv` for a platform that keeps provenance as PAAS_RELEASE_* variables: with a provenance,
 * the old ones go and the new ones come (a field the run no longer knows is not left behind).
 */
export function nextEnvWithProvenance(
  current: Readonly<Record<string, string>>,
  change: EnvChange | undefined,
  provenance: Provenance | undefined,
): Record<string, string> {
  const base = provenance ? Object.fromEntries(Object.entries(current).filter(([key]) => !key.startsWith(PROVENANCE_PREFIX))) : current
  return nextEnv(base, change, provenanceVariables(provenance))
}

/**
 * The change that puts back the variables a service had (`before`, as a deploy read them), for a
 * rollback after a failed deploy: the ones added since go, the changed ones and the removed ones
 * come back with their old values, the provenance's as they were; what the platform set itself
 * since (Alauda's `__*__`) stays.
 */
export function restoreChange(before: Readonly<Record<string, string>>, kept: readonly string[] = []): EnvChange {
  return { vars: before, update: 'replace', kept }
}

/** What putting the variables back after `diff` does, in one line: names only, never values. */
export function describeRestore(diff: EnvDiff): string {
  const restored = [...diff.changed, ...diff.removed].sort()
  const parts = [diff.added.length > 0 && `removed ${diff.added.join(', ')}`, restored.length > 0 && `restored ${restored.join(', ')}`]
  return parts.filter(Boolean).join('; ')
}

/**
 * For a platform that sets and removes variables by name (Jelastic): what takes `current` to
 * `target`, the variables to set (new or changed) and the names to remove.
 */
export function envWrites(
  current: Readonly<Record<string, string>>,
  target: Readonly<Record<string, string>>,
): { set: Record<string, string>; remove: string[] } {
  const set = Object.fromEntries(Object.entries(target).filter(([key, value]) => !Object.hasOwn(current, key) || current[key] !== value))
  const remove = Object.keys(current)
    .filter((key) => !Object.hasOwn(target, key))
    .sort()
  return { set, remove }
}

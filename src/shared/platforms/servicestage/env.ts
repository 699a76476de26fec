import { type EnvChange, nextEnv, type Provenance, PROVENANCE_PREFIX } from '../env-vars.js'
import type { Label } from '../record-label.js'

/** A component's `envs` item (the SDK's ComponentEnvironment): a value, or a reference (`value_from`). */
export interface ComponentEnv {
  name: string
  value?: string
  value_from?: unknown
}

/** The variables with a plain value, as a map (a `value_from` reference is not a value to compare). */
export function envMap(envs: unknown): Record<string, string> {
  if (!Array.isArray(envs)) return {}
  return Object.fromEntries(
    (envs as ComponentEnv[])
      .filter((env) => typeof env?.name === 'string' && typeof env.value === 'string' && env.value_from === undefined)
      .map((env) => [env.name, env.value as string]),
  )
}

/** A label's grammar on ServiceStage (key 1–36 letters, digits, `_`, `-`; value 1–43 of those and `.`; platforms.md 2.2). */
const LABEL_VALUE = /^[A-Za-z0-9_.-]{1,43}$/

/** The component labels provenance is kept in, where the value fits a label. */
export const PROVENANCE_LABELS: Record<keyof Provenance, string> = {
  commit: 'paas-release-commit',
  repository: 'paas-release-repository',
  runUrl: 'paas-release-run-url',
  actor: 'paas-release-actor',
}

const PROVENANCE_VARIABLES: Record<keyof Provenance, string> = {
  commit: `${PROVENANCE_PREFIX}COMMIT`,
  repository: `${PROVENANCE_PREFIX}REPOSITORY`,
  runUrl: `${PROVENANCE_PREFIX}RUN_URL`,
  actor: `${PROVENANCE_PREFIX}ACTOR`,
}

/** Provenance split: the labels whose value fits one, and the rest (a repository's `/`, a URL) as PAAS_RELEASE_* variables. */
export function provenanceParts(provenance: Provenance | undefined): { labels: Label[]; vars: Record<string, string> } {
  const labels: Label[] = []
  const vars: Record<string, string> = {}
  for (const field of Object.keys(PROVENANCE_LABELS) as (keyof Provenance)[]) {
    const value = provenance?.[field]
    if (!value) continue
    if (LABEL_VALUE.test(value)) labels.push({ key: PROVENANCE_LABELS[field], value })
    else vars[PROVENANCE_VARIABLES[field]] = value
  }
  return { labels, vars }
}

/**
 * The `envs` and `labels` a write sends: the component's own with the change and the provenance
 * applied (a merge keeps `value_from` references; new provenance replaces the old, whole).
 * `undefined` where nothing changes them (the component's own are sent back as they are).
 */
export function envsAndLabels(
  component: Record<string, unknown>,
  change: EnvChange | undefined,
  provenance: Provenance | undefined,
): { envs?: ComponentEnv[]; labels?: Label[] } {
  if (change === undefined && provenance === undefined) return {}
  const parts = provenanceParts(provenance)
  const current = Array.isArray(component.envs) ? (component.envs as ComponentEnv[]) : []
  const plain = envMap(current)
  // a new provenance leaves none of the old behind: a field it no longer has is not kept from an earlier run
  const withoutOld = provenance ? Object.fromEntries(Object.entries(plain).filter(([key]) => !key.startsWith(PROVENANCE_PREFIX))) : plain
  const next = nextEnv(withoutOld, change, parts.vars)
  const references = change?.update === 'replace' ? [] : current.filter((env) => env.value_from !== undefined && !(env.name in next))
  const envs = [...references, ...Object.entries(next).map(([name, value]) => ({ name, value }))]
  if (provenance === undefined) return { envs }
  const ours = new Set(Object.values(PROVENANCE_LABELS))
  const own = (Array.isArray(component.labels) ? (component.labels as Label[]) : []).filter((label) => !ours.has(label.key))
  return { envs, labels: [...own, ...parts.labels] }
}

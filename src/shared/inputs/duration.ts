import { InputError, shown } from './input-error.js'

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const
const MAX_MS = 6 * 3_600_000 // a GitHub job runs six hours at the most

/** A duration such as "90s", "10m", "1h30m" or "500ms"; a bare number is seconds. */
export function parseDuration(name: string, value: string): number {
  const text = value.trim().toLowerCase()
  let total = 0
  if (/^\d+$/.test(text)) {
    total = Number(text) * 1000
  } else {
    const parts = [...text.matchAll(/(\d+)(ms|s|m|h)/g)]
    if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) total = Number.NaN
    for (const [, amount, unit] of parts) total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]
  }
  if (!Number.isFinite(total) || total <= 0 || total > MAX_MS) {
    throw new InputError(
      `Input "${name}" has the value ${shown(value)}; allowed: a duration above zero and at most 6h, such as 90s, 10m or 1h30m.`,
    )
  }
  return total
}

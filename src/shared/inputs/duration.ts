import { badValue } from './input-error.js'

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const
const MAX_MS = 6 * 3_600_000 // a GitHub job runs six hours at the most
export const DURATION_MAX = 32

/** A duration such as "90s", "10m", "1h30m" or "500ms"; a bare number is seconds. */
export function parseDuration(name: string, value: string): number {
  const text = value.toLowerCase()
  const total =
    text.length > DURATION_MAX
      ? Number.NaN
      : /^\d+$/.test(text)
        ? Number(text) * 1000
        : /^(\d+(ms|s|m|h))+$/.test(text)
          ? [...text.matchAll(/(\d+)(ms|s|m|h)/g)].reduce(
              (sum, [, amount, unit]) => sum + Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS],
              0,
            )
          : Number.NaN
  if (!(total > 0 && total <= MAX_MS)) throw badValue(name, value, 'a duration above zero and at most 6h, such as 90s, 10m or 1h30m')
  return total
}

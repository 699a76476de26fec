export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** The nearest-rank percentile: with 5 samples, p95 is the largest. */
export const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]
}

/** A number of runs from an environment variable, at least 1. */
export const runsFrom = (name, fallback) => Math.max(1, Number(process.env[name] ?? fallback) || fallback)

export const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`

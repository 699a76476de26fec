// Detection latency: the delay from an operation finishing on the platform to the action
// noticing it, and the status requests a wait sends. Per platform, a deploy with `wait: true`
// whose operation the emulator's timing control makes take 1 s and 5 s (and 30 s with
// BENCH_LONG=1: it adds about 3 minutes); BENCH_WAIT_RUNS deploys of each (5 by default: p95 is
// then the largest). The deploys of one duration are spread over a second (1 s, 1.2 s, … 1.8 s
// with 5 runs, waits.mjs `phase`). The five platforms' deploys of one round run at once (one
// emulator, one HTTPS front): a wait is mostly sleep, and the start-up they share is before the operation.
// How the end and the notice are found: bench/support/waits.mjs. Status requests: every request
// of the run from the one that started the operation to the answer that showed it done (a NetEase
// watch, a long poll, is one request).
import { PLATFORM_NAMES, deployInputs, prepare } from './support/platforms.mjs'
import { failure, runAction } from './support/run-action.mjs'
import { percentile, runsFrom } from './support/stats.mjs'
import { mostInOneSecond, phase, waitOf } from './support/waits.mjs'

const DETECTION_TARGET_MS = 1000

export async function measure({ emulator, certificate }) {
  const durations = [1000, 5000, ...(process.env.BENCH_LONG === '1' ? [30000] : [])]
  const runs = runsFrom('BENCH_WAIT_RUNS', 5)
  const seen = Object.fromEntries(PLATFORM_NAMES.map((name) => [name, durations.map(() => [])]))
  for (const [d, ms] of durations.entries()) {
    for (let round = 0; round < runs; round++) {
      await emulator.control('POST', '/reset')
      emulator.front.clear()
      const spread = ms + phase(round, runs)
      for (const name of PLATFORM_NAMES) await prepare(emulator, name, spread)
      await Promise.all(
        PLATFORM_NAMES.map(async (name) => {
          const run = await runAction('deploy', deployInputs(emulator, name), { env: { NODE_EXTRA_CA_CERTS: certificate.file } })
          if (run.code !== 0) throw new Error(`detection: the deploy on ${name} failed: ${failure(run)}`)
          const wait = waitOf(name, emulator.front.entries(name), spread)
          seen[name][d].push({
            latency: wait.noticed - wait.finished,
            perSecond: wait.status.length / ((wait.noticed - wait.started) / 1000),
            most: mostInOneSecond(wait.status),
          })
        }),
      )
    }
  }
  const label = durations.map((ms) => `${ms / 1000} s`).join(' / ') + ` (+ 0 to ${phase(runs - 1, runs) / 1000} s)`
  return PLATFORM_NAMES.flatMap((name) => {
    const p95 = seen[name].map((waits) =>
      percentile(
        waits.map((w) => w.latency),
        95,
      ),
    )
    const rate = seen[name].map((waits) => Math.max(...waits.map((w) => w.perSecond)))
    const most = seen[name].map((waits) => Math.max(...waits.map((w) => w.most)))
    return [
      {
        figure: `detection latency p95: ${name} (${label} operations)`,
        value: p95.map((ms) => (ms / 1000).toFixed(2)).join(' / ') + ' s',
        target: `≤ ${DETECTION_TARGET_MS / 1000} s`,
        ok: p95.every((ms) => ms <= DETECTION_TARGET_MS),
      },
      {
        figure: `status requests per wait: ${name} (${label})`,
        value: `${rate.map((r) => r.toFixed(1)).join(' / ')} per s (the busiest wait); at most ${most.join(' / ')} in 1 s`,
        target: '≤ 1 per s; ≤ 2 in any 1 s',
        ok: rate.every((r) => r <= 1) && most.every((n) => n <= 2),
      },
    ]
  })
}

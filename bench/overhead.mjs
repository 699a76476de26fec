// Release overhead: a whole action-deploy run's wall time (spawn to exit) minus the time the
// emulator spent on its operations (bench/support/waits.mjs: computed from the timing set and the
// arrival of the requests that started them), with the split: start → first request (spawn to
// the first request's arrival), waiting overhead (first request to last answer, less the
// operations' time: the describe, the writes, the polls' lag), last answer → exit. Per platform,
// BENCH_WAIT_RUNS deploys one after another (5 by default) with an operation of 1 s and a part of
// a second, spread evenly over the second (waits.mjs `phase`), so that the median holds the lag
// of a poll a second as a real operation meets it; medians. The lag (from the operation's end to
// the answer that showed it, as the detection figure takes it) is shown within the waiting. No
// github-token: the figure is the platform's path alone.
import { PLATFORM_NAMES, deployInputs, prepare } from './support/platforms.mjs'
import { failure, runAction } from './support/run-action.mjs'
import { median, runsFrom } from './support/stats.mjs'
import { operationTime, phase, waitOf } from './support/waits.mjs'

const OVERHEAD_TARGET_MS = 300
const OPERATION_MS = 1000

export async function measure({ emulator, certificate }) {
  const runs = runsFrom('BENCH_WAIT_RUNS', 5)
  const rows = []
  for (const name of PLATFORM_NAMES) {
    const split = { total: [], start: [], waiting: [], lag: [], exit: [] }
    for (let i = 0; i < runs; i++) {
      const ms = OPERATION_MS + phase(i, runs)
      await emulator.control('POST', '/reset')
      await prepare(emulator, name, ms)
      emulator.front.clear()
      const run = await runAction('deploy', deployInputs(emulator, name), { env: { NODE_EXTRA_CA_CERTS: certificate.file } })
      if (run.code !== 0) throw new Error(`overhead: the deploy on ${name} failed: ${failure(run)}`)
      const entries = emulator.front.entries(name)
      const operations = operationTime(name, entries, ms)
      const wait = waitOf(name, entries, ms)
      const first = Math.min(...entries.map((e) => e.arrived))
      // a held NetEase watch the action left when it was done has no answer
      const last = Math.max(...entries.filter((e) => e.ended !== undefined).map((e) => e.ended))
      split.total.push(run.exited - run.started - operations)
      split.start.push(first - run.started)
      split.waiting.push(last - first - operations)
      split.lag.push(wait.noticed - wait.finished)
      split.exit.push(run.exited - last)
    }
    const [total, start, waiting, lag, exit] = [split.total, split.start, split.waiting, split.lag, split.exit].map(
      (values) => median(values) / 1000,
    )
    rows.push({
      figure: `release overhead, median: ${name} (start + waiting + exit; the wait's lag)`,
      value: `${total.toFixed(2)} s (${start.toFixed(2)} + ${waiting.toFixed(2)} + ${exit.toFixed(2)}; ${lag.toFixed(2)})`,
      target: `≤ ${OVERHEAD_TARGET_MS / 1000} s`,
      ok: total * 1000 <= OVERHEAD_TARGET_MS,
    })
  }
  return rows
}

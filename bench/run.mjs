// npm run bench: every figure of issue 16, measured on the committed bundles under Node 24, in one
// table with its target and the anchors; exits 1 when a target is missed.
//
//   BENCH_ONLY=cold-start,detection   a subset (cold-start, bytes-loaded, memory, detection, overhead, lookups)
//   BENCH_RUNS=21                     cold-start pairs per figure
//   BENCH_WAIT_RUNS=5                 deploys per platform for detection and overhead
//   BENCH_LONG=1                      detection with 30 s operations too (about 3 more minutes)
//   BENCH_LOOKUP_SIZES=10,1000,10000  how many services the lookups are measured among
//
// One module per measurement (bench/<name>.mjs, each `measure(context)` → rows); bench/support
// holds what they share: the emulator behind an HTTPS front that times every request, the
// self-signed certificate, the runner's way of running a bundle, each platform's particulars.
import { spawnSync } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { startEmulator } from './support/emulator.mjs'
import { NODE24, requireNode24 } from './support/node24.mjs'
import { runsFrom } from './support/stats.mjs'
import { selfSignedCertificate } from './support/tls.mjs'
import { table } from './table.mjs'

// cold start first, while nothing else (not even the emulator) runs
const MEASUREMENTS = ['cold-start', 'bytes-loaded', 'memory', 'detection', 'overhead', 'lookups']
const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim())
const unknown = only?.filter((name) => !MEASUREMENTS.includes(name)) ?? []
if (unknown.length > 0) {
  console.error(`BENCH_ONLY names ${unknown.join(', ')}; the measurements are ${MEASUREMENTS.join(', ')}`)
  process.exit(2)
}
requireNode24()

const started = performance.now()
const load = loadavg()[0]
const certificate = selfSignedCertificate()
const context = { certificate, runs: runsFrom('BENCH_RUNS', 21), emulator: undefined }
const rows = []
try {
  for (const name of MEASUREMENTS.filter((name) => !only || only.includes(name))) {
    const { measure } = await import(`./${name}.mjs`)
    if (name !== 'cold-start') context.emulator ??= await startEmulator(certificate)
    const from = performance.now()
    rows.push(...(await measure(context)))
    console.error(`${name}: ${((performance.now() - from) / 1000).toFixed(0)} s`)
  }
} finally {
  await context.emulator?.stop()
  certificate.remove()
}

const version = spawnSync(NODE24, ['--version'], { encoding: 'utf8' }).stdout.trim()
console.log(
  `${new Date().toISOString().slice(0, 10)}, Node ${version}, ${cpus().length} cores, load average ${load.toFixed(1)} at the start; ` +
    `${context.runs} cold-start pairs, ${runsFrom('BENCH_WAIT_RUNS', 5)} deploys per platform for detection and overhead; ` +
    `${((performance.now() - started) / 1000).toFixed(0)} s\n`,
)
console.log(table(rows))
console.log(`
Cold start: median of per-pair ratios to node -e 0 (the ms are medians of the runs). Release overhead: wall time
less the emulator's operation time, split into start → first request, waiting (first request to last answer, less
the operations) and last answer → exit. Platform requests go over HTTPS to the emulator behind the bench's front.`)
const missed = rows.filter((row) => row.ok === false)
console.log(missed.length === 0 ? '\nevery target met' : `\n${missed.length} targets missed`)
process.exitCode = missed.length === 0 ? 0 : 1

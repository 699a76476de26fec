// Lookups: the sequential round trips a deploy makes to find its service by name among 10, 1,000
// and 10,000 services (BENCH_LOOKUP_SIZES=10,1000 for fewer), per platform. The service is seeded
// last (a scan in creation order finds it on the last page) and the deploy asks for the image it
// already runs, so the run is its lookup and little else. Round trips are counted on the HTTPS
// front's log (the emulator's request log has no times): its lookup requests (platforms.mjs's
// `lookup`), requests that overlap in time counting as one round. The front's count of the run's
// requests is checked against the emulator's own log.
//
// The control API has no batch form: the services are seeded one request each, 8 at a time; the
// seeding time is shown on its own row, not in the figures.
import { performance } from 'node:perf_hooks'
import { PLATFORM_NAMES, PLATFORMS, deployInputs } from './support/platforms.mjs'
import { failure, runAction } from './support/run-action.mjs'

const ROUNDS_TARGET = 30
const TARGET_SIZE = 10000

/** Requests grouped into rounds: a request that starts before every earlier one has ended joins their round. */
export function rounds(requests) {
  let count = 0
  let until = -Infinity
  for (const e of [...requests].sort((a, b) => a.arrived - b.arrived)) {
    if (e.arrived >= until) count++
    until = Math.max(until, e.ended ?? e.answered ?? e.arrived)
  }
  return count
}

export async function measure({ emulator, certificate }) {
  const sizes = (process.env.BENCH_LOOKUP_SIZES ?? '10,1000,10000').split(',').map(Number)
  const seen = Object.fromEntries(PLATFORM_NAMES.map((name) => [name, []]))
  const seeding = []
  for (const size of sizes) {
    await emulator.control('POST', '/reset')
    const started = performance.now()
    for (const name of PLATFORM_NAMES) {
      const p = PLATFORMS[name]
      await emulator.seedMany(
        p.filler(0)[0],
        Array.from({ length: size - 1 }, (_, i) => p.filler(i)[1]),
      )
      await emulator.control('POST', ...p.seed)
    }
    seeding.push(performance.now() - started)
    for (const name of PLATFORM_NAMES) {
      emulator.front.clear()
      await emulator.control('DELETE', '/requests')
      const run = await runAction('deploy', deployInputs(emulator, name, 'same'), { env: { NODE_EXTRA_CA_CERTS: certificate.file } })
      if (run.code !== 0) throw new Error(`lookups: the deploy on ${name} among ${size} failed: ${failure(run)}`)
      const entries = emulator.front.entries(name)
      const logged = (await emulator.control('GET', '/requests')).filter((r) => r.platform === name).length
      if (logged !== entries.length) throw new Error(`lookups: the front saw ${entries.length} requests on ${name}, the emulator ${logged}`)
      const lookups = entries.filter(PLATFORMS[name].lookup)
      seen[name].push({ requests: lookups.length, rounds: rounds(lookups) })
    }
  }
  const label = sizes.map((n) => n.toLocaleString('en')).join(' / ')
  return [
    ...PLATFORM_NAMES.map((name) => {
      const atTarget = seen[name][sizes.indexOf(TARGET_SIZE)]
      return {
        figure: `lookup round trips: ${name} (${label} services)`,
        value: `${seen[name].map((s) => s.rounds).join(' / ')} (requests ${seen[name].map((s) => s.requests).join(' / ')})`,
        target: `≤ ${ROUNDS_TARGET} at ${TARGET_SIZE.toLocaleString('en')}`,
        ok: atTarget === undefined ? undefined : atTarget.rounds <= ROUNDS_TARGET,
      }
    }),
    {
      figure: `seeding the services, all platforms (${label}; not in the figures)`,
      value: seeding.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(' / '),
      target: '',
    },
  ]
}

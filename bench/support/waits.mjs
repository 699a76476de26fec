// Reads a deploy's wait out of the HTTPS front's log (bench/support/front.mjs).
//
// The emulator does not say when it finished an operation (its request log has no times, its
// state no end time), so the end is computed: the time the request that started the operation
// arrived, plus the duration the bench set through the emulator's timing control
// (bench/support/platforms.mjs says how each platform's timing adds up). The action noticed the
// end when the answer that showed it done (platforms.mjs's `done`, read from the answer's body)
// began: that answer's `answered`; or, on an event stream (a WebSocket the front passed through),
// when the message that showed it done (platforms.mjs's `event`) went on. The subscription is one
// status request, however long it is held.
import { PLATFORMS } from './platforms.mjs'

const parse = (text) => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The deploy's wait for its first operation: `{started, finished, noticed, status}`, status the requests sent while it ran. */
export function waitOf(platform, entries, ms) {
  const p = PLATFORMS[platform]
  const [operation] = p.operations(ms)
  const start = entries.find(operation.starts)
  if (!start) throw new Error(`${platform}: no request started the deploy's operation`)
  const finished = start.arrived + operation.ms
  const answers = entries
    .filter((e) => e.answered !== undefined && e.answered >= start.arrived && p.done(e, parse(e.body ?? '')))
    .map((e) => e.answered)
  const messages = entries
    .flatMap((e) => e.messages ?? [])
    .filter((m) => m.at >= start.arrived && p.event?.(parse(m.text)))
    .map((m) => m.at)
  const noticed = Math.min(...answers, ...messages)
  if (noticed === Infinity) throw new Error(`${platform}: no answer showed the operation done`)
  // a done answer well before the computed end would mean the durations in platforms.mjs are wrong
  if (noticed < finished - 50) throw new Error(`${platform}: done ${(finished - noticed).toFixed(0)} ms before the computed end`)
  const status = entries.filter((e) => e !== start && e.arrived > start.arrived && e.arrived <= noticed)
  return { started: start.arrived, finished, noticed, status }
}

/**
 * The part of a second that run `round` of `runs` adds to its operation, evenly over the second
 * (a multiple of 4 ms: ServiceStage's four tasks share it). The actions poll once a second:
 * operations of whole seconds only would all end at one point of a poll's second, where a real
 * operation ends anywhere in it.
 */
export const phase = (round, runs) => Math.round((round * 1000) / runs / 4) * 4

/** The most requests that arrived within any one second (a sliding window). */
export function mostInOneSecond(requests) {
  const times = requests.map((e) => e.arrived).sort((a, b) => a - b)
  let most = 0
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j] - times[i] >= 1000) i++
    most = Math.max(most, j - i + 1)
  }
  return most
}

/** The time the emulator spent on the run's operations (their union, should they overlap). */
export function operationTime(platform, entries, ms) {
  const spans = PLATFORMS[platform]
    .operations(ms)
    .map(
      (operation) =>
        entries.find(operation.starts) && [entries.find(operation.starts).arrived, entries.find(operation.starts).arrived + operation.ms],
    )
    .filter(Boolean)
    .sort((a, b) => a[0] - b[0])
  let total = 0
  let until = -Infinity
  for (const [from, to] of spans) {
    total += Math.max(0, to - Math.max(from, until))
    until = Math.max(until, to)
  }
  return total
}

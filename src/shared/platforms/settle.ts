import { backoffDelay, DEFAULT_BACKOFF, sleep as defaultSleep } from '../http/backoff.js'
import { NEVER_SENT_CODES, WRITE_FLOOR_MS } from '../http/client.js'
import { NetworkError } from '../http/errors.js'
import { type NotSentAgainError, PlatformError, ThrottledError } from './platform.js'

/**
 * The call got no usable answer (lost, cut short, unreadable), or the platform said it is
 * unavailable (a 5xx): the platform's state is unknown, and a write may or may not have landed.
 */
export function isNoAnswer(error: unknown): boolean {
  return error instanceof NetworkError || (error instanceof PlatformError && error.kind === 'unavailable')
}

/** A write that may be settled by reading the platform's state. */
export interface SettledWrite<T> {
  /** sends the write once */
  send(): Promise<T>
  /** reads the platform's state after a lost answer: the write's result (found from the state) when it landed, null when it did not */
  landed(): Promise<T | null>
  /**
   * a send again that the platform refuses is settled by landed() too (the send before may have
   * landed late): only where landed() cannot take someone else's change for this write's, or
   * where what follows checks it (ServiceStage's deploy: the image read back once it succeeded)
   */
  settlesRefusal?: boolean
  /**
   * for a write that a second send would do twice (a second rollback_current of ServiceStage
   * undoes the first): after a lost answer it is never sent again, since a request the platform is
   * still processing reads as not landed. The state is read again for a few seconds; when it
   * shows nothing, the step fails with the error this makes of the reason.
   */
  unrepeatable?: (why: string) => NotSentAgainError
}

export interface SettleOptions {
  /** epoch ms: the action's one deadline */
  deadline: () => number
  /** the signal requests listen to: once the job is cancelled, nothing is read or sent again */
  signal?: () => AbortSignal | undefined
  log: (message: string) => void
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  /**
   * told true before a write a second send would do twice goes out, and false once it is settled:
   * a step killed meanwhile leaves it true in its state, so that its post step sends no second one
   */
  inDoubt?: (outstanding: boolean) => void
}

/** Sends of one write at the most: the first and two more after it was found not to have landed. */
const SENDS = 3

/** Reads after the first that look for an unrepeatable write's late landing: about 8 s of backoff. */
const LATE_READS = 5

/**
 * Sends a write. When its answer is lost (see isNoAnswer) the platform's state says what
 * happened: landed, the result is taken from the state and the release goes on as if answered;
 * not landed, the write is sent again, within the deadline (an unrepeatable one never is: see
 * settleOnce). A write that may have landed is never sent twice. When the state cannot be read
 * either, the first failure is thrown.
 */
export async function settleWrite<T>(what: string, write: SettledWrite<T>, options: SettleOptions): Promise<T> {
  const sleep = options.sleep ?? defaultSleep
  if (write.unrepeatable) return settleOnce(what, write, write.unrepeatable, options, sleep)
  let previous: unknown
  for (let send = 1; ; send++) {
    let lost: unknown
    try {
      return await write.send()
    } catch (error) {
      if (options.signal?.()?.aborted) throw error
      if (!isNoAnswer(error)) {
        // a send again that is refused: the one before may have landed late, after the state was read
        // (a platform that refuses the same version twice says so). The state is read through its
        // own passing failures; unreadable (until the deadline, or a read refused), the send before
        // is still in doubt: its lost answer is the failure, not the refusal (which would say
        // nothing changed)
        const late =
          send > 1 && write.settlesRefusal
            ? await readLanded(write, options, sleep, previous).catch(() => {
                throw previous
              })
            : null
        if (late === null) throw error
        options.log(`${what}: sent again and refused, but the platform's state now shows the send before landed; going on`)
        return late
      }
      // a send the deadline cut short says nothing new: the failure before it is what used the time up
      lost = previous !== undefined && cutByDeadline(error, options) ? previous : error
      previous = lost
    }
    options.log(`${what}: no answer (${(lost as Error).message}); reading the platform's state to learn whether it landed`)
    const found = await readLanded(write, options, sleep, lost)
    if (found !== null) {
      options.log(`${what}: the platform's state shows it landed; going on`)
      return found
    }
    const pause = backoffDelay(DEFAULT_BACKOFF, send, options.random)
    // a send again gets the write floor of the deadline too, or is not made
    if (send >= SENDS || Date.now() + pause + WRITE_FLOOR_MS >= options.deadline()) throw lost
    options.log(`${what}: the platform's state shows it did not land; sending it again in ${pause} ms`)
    await sleep(pause)
  }
}

/** Reads whether the write landed, through passing failures of the read itself, until the deadline. */
async function readLanded<T>(
  write: SettledWrite<T>,
  options: SettleOptions,
  sleep: (ms: number) => Promise<void>,
  lost: unknown,
): Promise<T | null> {
  for (let read = 0; ; read++) {
    try {
      return await write.landed()
    } catch (error) {
      if (!isNoAnswer(error)) throw error
      const pause = backoffDelay(DEFAULT_BACKOFF, read, options.random)
      if (options.signal?.()?.aborted || Date.now() + pause >= options.deadline()) throw lost
      await sleep(pause)
    }
  }
}

/**
 * Sends a write a second send would do twice, once. Its answer lost, the state is read at once
 * and then again, a little later each time (a platform may still be processing it): a landing
 * found is taken. Otherwise, whether the state showed no sign of it, could not be read (a read
 * refused included), or the job was cancelled meanwhile, it fails as not sent again: nothing after
 * it may send it either.
 */
async function settleOnce<T>(
  what: string,
  write: SettledWrite<T>,
  notSentAgain: (why: string) => NotSentAgainError,
  options: SettleOptions,
  sleep: (ms: number) => Promise<void>,
): Promise<T> {
  let lost: unknown
  options.inDoubt?.(true)
  try {
    const answered = await write.send()
    options.inDoubt?.(false)
    return answered
  } catch (error) {
    // answered (a refusal, the platform's throttling), or never sent: nothing is in doubt
    if (!isNoAnswer(error) || error instanceof ThrottledError || neverSent(error)) {
      options.inDoubt?.(false)
      throw error
    }
    lost = error
  }
  const doubt = (why: string) =>
    notSentAgain(
      `no answer (${(lost as Error).message}), and ${why}: it was not sent again, since a second send would do it twice; look at the service, and run the step again if it did not happen`,
    )
  options.log(`${what}: no answer (${(lost as Error).message}); reading the platform's state to learn whether it landed`)
  for (let read = 0; read <= LATE_READS; read++) {
    if (options.signal?.()?.aborted) throw doubt("the job was cancelled before the platform's state showed whether it landed")
    if (read > 0) {
      const pause = backoffDelay(DEFAULT_BACKOFF, read, options.random)
      if (Date.now() + pause >= options.deadline()) break
      await sleep(pause)
    }
    const found = await readLanded(write, options, sleep, lost).catch((error: unknown) => {
      if (error === lost) return null // unreadable until the deadline: no sign either way
      // a read the platform refused (the service gone, the credentials no longer taken) settles
      // nothing: the write is still in doubt, and whoever catches this must not send it again
      throw doubt(`reading the platform's state was refused (${(error as Error).message})`)
    })
    if (found !== null) {
      options.log(`${what}: the platform's state shows it landed; going on`)
      options.inDoubt?.(false)
      return found
    }
  }
  throw doubt("the platform's state shows no sign of it, or could not be read")
}

/** A call that never reached the platform: the deadline kept it back, or it could not connect. */
function neverSent(error: unknown): boolean {
  return error instanceof NetworkError && (error.code === 'DEADLINE' || NEVER_SENT_CODES.has(error.code))
}

/** A call the deadline kept from being sent, or gave only what was left of it and then ended. */
function cutByDeadline(error: unknown, options: SettleOptions): boolean {
  return error instanceof NetworkError && (error.code === 'DEADLINE' || Date.now() >= options.deadline())
}

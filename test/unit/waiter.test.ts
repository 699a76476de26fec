import { describe, expect, it } from 'vitest'
import { NetworkError } from '../../src/shared/http/errors.js'
import type { OperationState } from '../../src/shared/platforms/platform.js'
import { Deadline } from '../../src/shared/release/deadline.js'
import { waitFor } from '../../src/shared/release/waiter.js'

/** A fake clock: sleeping moves time forward at once. */
function clock(start = 0) {
  let now = start
  const sleeps: number[] = []
  return {
    now: () => now,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason
      sleeps.push(ms)
      now += ms
    },
    sleeps,
  }
}

function states(...list: (OperationState | Error)[]) {
  let i = 0
  return async () => {
    const next = list[Math.min(i++, list.length - 1)] as OperationState | Error
    if (next instanceof Error) throw next
    return next
  }
}

const running = (detail = 'UPDATING'): OperationState => ({ status: 'running', detail })

describe('waitFor', () => {
  it('polls until the operation ends, starting fast and backing off to the cap', async () => {
    const c = clock()
    const result = await waitFor(
      states(running(), running(), running(), running(), running(), { status: 'succeeded', detail: 'RUNNING' }),
      {
        deadline: 60_000,
        now: c.now,
        sleep: c.sleep,
        random: () => 0.5,
        initialIntervalMs: 250,
        maxIntervalMs: 1000,
      },
    )
    expect(result).toEqual({ status: 'succeeded', detail: 'RUNNING', polls: 6 })
    expect(c.sleeps).toEqual([250, 500, 1000, 1000, 1000])
  })

  it('ends at the deadline with the last state it saw', async () => {
    const c = clock()
    const result = await waitFor(states(running('UPDATING, 1 of 3 nodes')), {
      deadline: 3000,
      now: c.now,
      sleep: c.sleep,
      random: () => 0.5,
    })
    expect(result.status).toBe('timed out')
    expect(result.detail).toBe('UPDATING, 1 of 3 nodes')
    expect(c.now()).toBe(3000)
  })

  it('keeps the failure that used up the time, not the deadline that ended the last read', async () => {
    const c = clock()
    const gateway = new NetworkError('PUT /services/1s35: HTTP 500 from the gateway', 'UND_ERR_SOCKET')
    const late = new NetworkError("the action's deadline (timeout) passed before the request could be sent", 'DEADLINE')
    const result = await waitFor(states(gateway, gateway, late), { deadline: 2000, now: c.now, sleep: c.sleep, random: () => 0.5 })
    expect(result.status).toBe('timed out')
    expect(result.detail).toContain('HTTP 500 from the gateway')
  })

  it('never sleeps past the deadline', async () => {
    const c = clock()
    await waitFor(states(running()), { deadline: 1100, now: c.now, sleep: c.sleep, random: () => 1, initialIntervalMs: 1000 })
    expect(c.sleeps).toEqual([1100])
  })

  it('keeps waiting through a poll that could not reach the platform', async () => {
    const c = clock()
    const logs: string[] = []
    const result = await waitFor(states(new NetworkError('GET x: reset', 'ECONNRESET'), { status: 'succeeded', detail: 'ok' }), {
      deadline: 10_000,
      now: c.now,
      sleep: c.sleep,
      log: (m) => logs.push(m),
    })
    expect(result.status).toBe('succeeded')
    expect(logs).toEqual(['could not read the state: GET x: reset'])
  })

  it('passes on an error that is not a passing one', async () => {
    const c = clock()
    await expect(waitFor(states(new Error('bug')), { deadline: 10_000, now: c.now, sleep: c.sleep })).rejects.toThrow('bug')
  })

  it('ends as cancelled when the job is cancelled', async () => {
    const c = clock()
    const controller = new AbortController()
    let polls = 0
    const result = await waitFor(
      async () => {
        if (++polls === 2) controller.abort(new Error('SIGINT'))
        return running()
      },
      { deadline: 60_000, now: c.now, sleep: c.sleep, signal: controller.signal },
    )
    expect(result.status).toBe('cancelled')
    expect(polls).toBe(2)
  })
})

describe('Deadline', () => {
  it('counts down from the timeout and restarts with the same length', () => {
    let now = 1000
    const deadline = new Deadline(5000, () => now)
    expect(deadline.epochMs).toBe(6000)
    now = 7000
    expect(deadline.remainingMs()).toBe(0)
    deadline.restart()
    expect(deadline.remainingMs()).toBe(5000)
  })
})
